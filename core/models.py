from django.conf import settings
from django.db import models
from django.utils import timezone

from lib.personal import PersonalData


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
