from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from cases.models import Case
from lib.codes import new_code
from lib.personal import ERASE, PersonalData


class ImmutableError(Exception):
    pass


class NoticeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("a safety notice cannot be changed")

    def delete(self):
        raise ImmutableError("a safety notice cannot be deleted")


class SafetyNotice(models.Model):
    """Tier T4: a disclosure of danger to a child, sent to the bodies the law names. Never edited or deleted;
    a correction is a new notice that follows this one."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="safety_notices")
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("what is known about the danger"))
    recipients = models.ManyToManyField(Agency, verbose_name=_("recipients"), related_name="safety_notices")
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="followed_by",
                                verbose_name=_("follows the notice"))

    personal_data = PersonalData(
        owner="case__referral",
        fields={"content": ERASE},
        keep=("code", "sent_at"),
        others=("content",),
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("safety notice")

    def save(self, *args, **kwargs):
        if self.pk:
            raise ImmutableError("a safety notice cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("a safety notice cannot be deleted")


def _refuse_changing_recipients(sender, instance, action, **kwargs):
    if action in {"pre_remove", "pre_clear"} or (action == "pre_add" and instance.recipients.exists()):
        raise ImmutableError("the recipients of a sent notice cannot be changed")


models.signals.m2m_changed.connect(_refuse_changing_recipients, sender=SafetyNotice.recipients.through)
