from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.personal import ERASE, PersonalData


class Notification(models.Model):
    """An in-app message: a reminder, an alert. Holds no personal data, only a link to the object."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(max_length=200, blank=True)
    urgent = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        expires="created_at",
        fields={"text": ERASE, "url": ERASE},
        keep=("created_at", "read_at"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]


class ReminderSent(models.Model):
    """One row per reminder ever sent, so the daily run sends each reminder exactly once."""

    kind = models.CharField(max_length=32)
    object_code = models.CharField(max_length=32)
    due_on = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(keep=("kind", "object_code", "due_on", "sent_at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_code", "due_on", "user"], name="reminder_once"),
        ]
