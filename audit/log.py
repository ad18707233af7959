"""The only way rows enter the audit log. Call inside the action's transaction."""

from django.db import transaction
from django.utils import timezone

from .models import AuditEvent


def record(actor, action, obj, *, fields=(), kind=AuditEvent.Kind.WRITE):
    """Append a row naming the actor, the action, the object's opaque code and changed field names."""
    with transaction.atomic():
        last = AuditEvent.objects.select_for_update().order_by("-id").values_list("row_hash", flat=True)[:1]
        prev = next(iter(last), "")
        now = timezone.now()
        event = AuditEvent(
            # Millisecond precision: the time must survive a JSON backup unchanged, or the chain would break.
            at=now.replace(microsecond=now.microsecond // 1000 * 1000),
            actor=actor if getattr(actor, "pk", None) else None,
            kind=kind,
            action=action,
            object_type=type(obj).__name__.lower() if obj is not None else "",
            object_code=str(getattr(obj, "code", None) or obj.pk) if obj is not None else "",
            fields=sorted(fields),
            prev_hash=prev,
        )
        event.row_hash = event.compute_hash()
        event.save()
    return event


def record_read(actor, obj, action="view"):
    return record(actor, action, obj, kind=AuditEvent.Kind.READ)


def record_export(actor, obj, action):
    return record(actor, action, obj, kind=AuditEvent.Kind.EXPORT)


def verify_chain():
    """Return the id of the first row whose hash does not follow from its predecessor, or None."""
    prev = ""
    for event in AuditEvent.objects.order_by("id").iterator():
        if event.prev_hash != prev or event.compute_hash() != event.row_hash:
            return event.id
        prev = event.row_hash
    return None
