import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency


class ApiToken(models.Model):
    """A key an agency's own system uses for /api/v1/. Only a hash is kept; the key is shown once.

    The token acts through its own service account: a user with the referrer role in the agency, so every
    access rule of the web pages applies to the API unchanged."""

    class Scope(models.TextChoices):
        REFERRALS_WRITE = "referrals:write", _("send referrals")
        REFERRALS_READ = "referrals:read", _("read referrals, their status and outcome reports")
        DICTIONARIES_READ = "dictionaries:read", _("read territories, agencies and dictionaries")

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, e.g. «АИС КДН»."))
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self):
        return self.revoked_at is None

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key():
        prefix = "od_" + secrets.token_hex(4)
        return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"
