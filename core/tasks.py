"""Background tasks (Django's tasks API): e-mail and the daily reminder run."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(subject, body, to):
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


@task()
def daily_reminders():
    """The daily run: send today's reminders, depersonalise cases past retention, delete unconfirmed public
    registrations, schedule tomorrow."""
    from api.webhooks import retry_due
    from events.actions import expire_unconfirmed

    from . import retention
    from .reminders import schedule_next_run, send_due_reminders

    sent = send_due_reminders()
    depersonalised = retention.run()
    expired = expire_unconfirmed()  # public registrations whose e-mail link was never opened
    retry_due()  # notifications whose retry was not queued (an outage of the worker)
    schedule_next_run()
    return {"reminders": sent, "depersonalised": depersonalised, "expired_registrations": expired}
