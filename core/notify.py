"""In-app notifications and e-mail. E-mail goes after the transaction commits, through a background task."""

from django.db import transaction

from accounts import site

from .models import Notification


def notify(users, text, url="", *, urgent=False, email_subject=None):
    """Tell users something in the app and, with email_subject, by e-mail. Texts carry no personal data."""
    users = [u for u in users if u.is_active]
    Notification.objects.bulk_create(Notification(user=u, text=text, url=url, urgent=urgent) for u in users)
    addresses = sorted({u.email for u in users if u.email})
    if email_subject and addresses:
        send_email_later(email_subject, f"{text}\n\n{site.base_url()}{url}", addresses)


def send_email_later(subject, body, addresses):
    from .tasks import send_email

    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=list(addresses)))
