"""Background tasks (Django's tasks API): e-mail and the daily reminder run."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts import site
from accounts.models import Role, User
from api.webhooks import retry_due
from audit.log import write_anchor
from events.actions import expire_unconfirmed
from lib.mail import (
    send_email,  # noqa: F401  (e-mails queued before it moved name core.tasks.send_email)
    send_email_later,
)
from ops import retention

from .reminders import send_due_reminders


def requeue_stale(*, older_than=None):
    """Tasks left RUNNING by a worker that died (killed, out of memory, the machine restarted) go back to READY, so
    the next worker picks them up again. At worker start every RUNNING task is stale (one worker runs per
    installation); the daily run also requeues those running longer than OPENDOOR_TASK_LEASE_MINUTES. Every task
    of the system resumes where it stopped (certificates render only what is not ready, e-mails of certificates
    go only to those not sent)."""

    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    if older_than is not None:
        stale = stale.filter(started_at__lt=timezone.now() - older_than)
    return stale.update(status=TaskResultStatus.READY, started_at=None)


@task()
def daily_reminders():
    """The daily run: send today's reminders, depersonalise cases past retention, delete unconfirmed public
    registrations, schedule tomorrow."""
    sent = send_due_reminders()
    depersonalised = retention.run()

    expired = expire_unconfirmed()  # public registrations whose e-mail link was never opened
    write_anchor(send_to=_to_administrators)  # the audit chain's head, copied off the database
    retry_due()  # notifications whose retry was not queued (an outage of the worker)
    requeue_stale(older_than=datetime.timedelta(minutes=settings.OPENDOOR_TASK_LEASE_MINUTES))
    schedule_next_run()
    return {"reminders": sent, "depersonalised": depersonalised, "expired_registrations": expired}


def _to_administrators(subject, body):
    admins = sorted({u.email for u in User.objects.filter(memberships__role=Role.ADMIN, is_active=True) if u.email})
    if admins:
        send_email_later(subject, body, admins)


def schedule_next_run(now=None):
    """Queue tomorrow's run at the reminder hour, unless a run is already waiting."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return None
    if DBTaskResult.objects.filter(task_path="core.tasks.daily_reminders", status="READY").exists():
        return None
    now = timezone.localtime(now)
    run_at = now.replace(hour=site.reminder_hour(), minute=0, second=0, microsecond=0)
    if run_at <= now:
        run_at += datetime.timedelta(days=1)
    return daily_reminders.using(run_after=run_at).enqueue()
