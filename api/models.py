import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from lib.personal import ERASE, PersonalData


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
    # Optional: the agency's system is told when one of its referrals changes (signed, retried with back-off).
    webhook_url = models.URLField(_("notification address (webhook)"), blank=True)
    webhook_secret = models.CharField(max_length=64, blank=True, editable=False)

    personal_data = PersonalData(
        keep=("name", "prefix", "key_hash", "scopes", "created_at", "last_used_at", "revoked_at", "webhook_url",
              "webhook_secret"),
    )

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


class WebhookDelivery(models.Model):
    """One notification to an agency's system, with every attempt's outcome (the delivery log)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        expires="created_at", fields={"payload": ERASE, "last_error": ERASE},
        keep=("event", "status", "next_attempt_at", "created_at", "delivered_at"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
