"""Background tasks (Django's tasks API): e-mail and the daily reminder run."""

import datetime

from django.conf import settings
from django_tasks import task

from lib.mail import send_email  # noqa: F401  (e-mails queued before it moved name core.tasks.send_email)


def requeue_stale(*, older_than=None):
    """Tasks left RUNNING by a worker that died (killed, out of memory, the machine restarted) go back to READY, so
    the next worker picks them up again. At worker start every RUNNING task is stale (one worker runs per
    installation); the daily run also requeues those running longer than OPENDOOR_TASK_LEASE_MINUTES. Every task
    of the system resumes where it stopped (certificates render only what is not ready, e-mails of certificates
    go only to those not sent)."""
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    if older_than is not None:
        stale = stale.filter(started_at__lt=timezone.now() - older_than)
    return stale.update(status=TaskResultStatus.READY, started_at=None)


@task()
def daily_reminders():
    """The daily run: send today's reminders, depersonalise cases past retention, delete unconfirmed public
    registrations, schedule tomorrow."""
    from api.webhooks import retry_due
    from events.actions import expire_unconfirmed
    from ops import retention

    from .reminders import schedule_next_run, send_due_reminders

    sent = send_due_reminders()
    depersonalised = retention.run()
    from audit.log import write_anchor

    expired = expire_unconfirmed()  # public registrations whose e-mail link was never opened
    write_anchor(send_to=_to_administrators)  # the audit chain's head, copied off the database
    retry_due()  # notifications whose retry was not queued (an outage of the worker)
    requeue_stale(older_than=datetime.timedelta(minutes=settings.OPENDOOR_TASK_LEASE_MINUTES))
    schedule_next_run()
    return {"reminders": sent, "depersonalised": depersonalised, "expired_registrations": expired}


def _to_administrators(subject, body):
    from accounts.models import Role, User
    from lib.mail import send_email_later

    admins = sorted({u.email for u in User.objects.filter(memberships__role=Role.ADMIN, is_active=True) if u.email})
    if admins:
        send_email_later(subject, body, admins)
