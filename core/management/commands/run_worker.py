from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.reminders import send_due_reminders
from core.tasks import requeue_stale, schedule_next_run


class Command(BaseCommand):
    help = "Run the background worker (reminders, e-mail); schedules the daily reminder run first."

    def handle(self, *args, **options):
        # Work a killed worker left half done is taken up again (it resumes, it does not repeat).
        requeued = requeue_stale()
        if requeued:
            self.stdout.write(f"requeued {requeued} task(s) left running by a stopped worker")

        # Catch up at start: a server that was off in the morning still sends today's reminders.
        send_due_reminders()
        schedule_next_run()
        call_command("db_worker")
