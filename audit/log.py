"""The only way rows enter the audit log. Call inside the action's transaction.

Integrity (docs/operations.md, «Audit log»):
- each row carries a keyed MAC of the previous row's hash and its own content (audit/models.py);
- writers lock the one head row (AuditHead), so concurrent writers chain to the true last row;
- the daily run writes an anchor (row count + head hash) to the database, to the anchor file and to the
  administrators' e-mail; verify_chain compares the chain with every anchor it is given, so a cut tail is found.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditAnchor, AuditEvent, AuditHead


def _head():
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # a database created before the head existed and not migrated by 0003: start it now
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def record(actor, action, obj, *, fields=(), kind=AuditEvent.Kind.WRITE):
    """Append a row naming the actor, the action, the object's opaque code and changed field names."""
    with transaction.atomic():
        head = _head()
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
            prev_hash=head.row_hash,
        )
        event.row_hash = event.compute_hash()
        event.save()
        AuditHead.objects.filter(pk=1).update(count=head.count + 1, row_hash=event.row_hash, updated_at=now)
    return event


def record_read(actor, obj, action="view"):
    return record(actor, action, obj, kind=AuditEvent.Kind.READ)


def record_export(actor, obj, action):
    return record(actor, action, obj, kind=AuditEvent.Kind.EXPORT)


class Break:
    """Where and how the chain is broken; str() is the Russian explanation for the administrator."""

    def __init__(self, row_id, reason):
        self.row_id, self.reason = row_id, reason

    def __str__(self):
        return str(self.reason)

    def __eq__(self, other):  # tests and callers compare with a row id
        return self.row_id == other if isinstance(other, int) else NotImplemented

    __hash__ = None


def file_anchors():
    """Anchors read back from the anchor file (kept off the database): [(count, row_hash)]."""
    path = Path(settings.OPENDOOR_AUDIT_ANCHOR_FILE)
    if not path.exists():
        return []
    anchors = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            anchors.append((int(data["count"]), str(data["row_hash"])))
        except (ValueError, KeyError, TypeError):
            continue
    return anchors


def verify_chain(anchors=None):
    """None if the chain is intact, else a Break naming the first broken row (it compares equal to its id). Checks
    every link (keyed MAC), the head (count and last hash), and every anchor: (count, hash) pairs kept outside the
    database (the anchor file, the e-mails) and in it."""
    if anchors is None:
        anchors = file_anchors() + list(AuditAnchor.objects.values_list("count", "row_hash"))
    expected = {}
    for count, row_hash in anchors:
        expected.setdefault(count, set()).add(row_hash)
    prev, position = "", 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        position += 1
        if event.prev_hash != prev or event.compute_hash() != event.row_hash:
            return Break(event.id, _("at record %(id)s: a record was changed, removed or inserted") % {
                "id": event.id})
        if position in expected and expected[position] != {event.row_hash}:
            return Break(event.id, _("at record %(id)s: the chain differs from the anchor kept for this point") % {
                "id": event.id})
        prev = event.row_hash
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.count, head.row_hash) != (position, prev):
        return Break(None, _("the log ends at record %(n)s but its head records %(m)s: records at the end were "
                             "removed") % {"n": position, "m": head.count})
    beyond = [count for count in expected if count > position]
    if beyond:
        return Break(None, _("an anchor records %(m)s records but the log has %(n)s: records at the end were "
                             "removed") % {"n": position, "m": max(beyond)})
    return None


def write_anchor(send_to=None):
    """Copy the head to an anchor row and the anchor file; with send_to(subject, body), also e-mail it (the daily
    run passes the administrators' e-mail: the audit log knows no users, so it imports nothing above it)."""
    with transaction.atomic():
        head = AuditHead.objects.filter(pk=1).first()
        if head is None:
            return None
        anchor = AuditAnchor.objects.create(count=head.count, row_hash=head.row_hash)
        line = json.dumps({"at": anchor.at.isoformat(), "count": anchor.count, "row_hash": anchor.row_hash})
        path = Path(settings.OPENDOOR_AUDIT_ANCHOR_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        if send_to is not None:
            send_to(_("Audit log anchor of «Open Door»"),
                    _("Keep this letter: it is how the audit log is checked for a cut tail "
                      "(python manage.py verify_audit --anchor COUNT HASH).") + "\n\n" + line)
    return anchor
