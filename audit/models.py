import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.personal import PersonalData


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only")


class AuditEvent(models.Model):
    """One row per action or read. Field names only, never personal values (152-ФЗ)."""

    # Rows are hashed into the chain as written: the input layer's text cleaning must not touch them.
    input_exempt = True

    class Kind(models.TextChoices):
        WRITE = "write", _("change")
        READ = "read", _("read")
        EXPORT = "export", _("export")
        LOGIN = "login", _("login")
        DISCLOSURE = "disclosure", _("disclosure outside the service")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.WRITE)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(max_length=32)
    object_code = models.CharField(max_length=32, db_index=True)
    fields = models.JSONField(default=list, blank=True)
    # Each row carries a hash of the previous one, so a removed or edited row breaks the chain.
    prev_hash = models.CharField(max_length=64, blank=True)
    row_hash = models.CharField(max_length=64, blank=True)

    personal_data = PersonalData(
        # Who did what to which record, by codes: kept whole (and chained) for as long as the records.
        keep=("at", "kind", "action", "object_type", "object_code", "fields", "prev_hash", "row_hash"),
    )

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit record")

    def save(self, *args, **kwargs):
        if self.pk:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    def compute_hash(self):
        return self.chain_hash(self.prev_hash, self.at, self.actor_id, self.kind, self.action, self.object_type,
                               self.object_code, self.fields)

    @staticmethod
    def chain_hash(prev_hash, at, actor_id, kind, action, object_type, object_code, fields):
        """The row's link in the chain: a keyed MAC (HMAC-SHA-256 with OPENDOOR_AUDIT_KEY, which lives in the
        environment, never in the database) of the previous row's hash and everything the row says. Whoever can
        write to the database but does not hold the key cannot recompute the chain after editing a row."""
        payload = "|".join([prev_hash, at.isoformat() if at else "", str(actor_id or ""), kind, action, object_type,
                            object_code, ",".join(fields)])
        return hmac.new(audit_key(), payload.encode(), hashlib.sha256).hexdigest()


def audit_key():
    return settings.OPENDOOR_AUDIT_KEY.encode()


class AuditHead(models.Model):
    """The end of the chain: how many rows and the last row's hash. Writers lock this one row, so concurrent
    writers always chain to the true last row (locking "the last row" let two of them chain to the same parent)."""

    input_exempt = True

    count = models.BigIntegerField(default=0)
    row_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(keep=("row_hash", "updated_at"))


class AuditAnchor(models.Model):
    """A copy of the head taken by the daily run and also sent off the database (e-mail to the administrators and
    the anchor file), so cutting the tail of the log — which the head alone cannot reveal if it is rewritten too —
    is detected by comparing the chain with the anchors kept outside."""

    input_exempt = True

    at = models.DateTimeField(default=timezone.now)
    count = models.BigIntegerField()
    row_hash = models.CharField(max_length=64)

    personal_data = PersonalData(keep=("at", "row_hash"))

    class Meta:
        ordering = ["-at"]

