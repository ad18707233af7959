"""E-mail goes after the transaction commits, through a background task (Django's tasks API): a rolled-back action
sends nothing, and a slow mail server never holds a request."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def send_email(subject, body, to):
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def send_email_later(subject, body, addresses):
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=list(addresses)))
