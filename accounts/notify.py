"""In-app notifications and e-mail to users. Every floor above the organisations tells users something; the
notice and its user live here, below them all (texts carry no personal data)."""

from lib.mail import send_email_later

from . import site
from .models import Notification


def notify(users, text, url="", *, urgent=False, email_subject=None):
    """Tell users something in the app and, with email_subject, by e-mail."""
    users = [u for u in users if u.is_active]
    Notification.objects.bulk_create(Notification(user=u, text=text, url=url, urgent=urgent) for u in users)
    addresses = sorted({u.email for u in users if u.email})
    if email_subject and addresses:
        send_email_later(email_subject, f"{text}\n\n{site.base_url()}{url}", addresses)
