from django.core.management.base import BaseCommand, CommandError

from audit.log import verify_chain
from audit.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; name the first broken record."

    def handle(self, *args, **options):
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Цепочка журнала аудита нарушена на записи {broken}.")
        self.stdout.write(f"Журнал аудита цел: {AuditEvent.objects.count()} записей проверено.")
