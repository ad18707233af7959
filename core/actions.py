"""Changes of the start pages' own data."""

from django.utils import timezone


def mark_notifications_read(user):
    """Every unread in-app notice of `user` marked as read (notices hold no personal data: not audited)."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
