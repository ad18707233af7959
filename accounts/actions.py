"""Changes of the directory, the settings and one's own sessions: each in one transaction with its audit row.

(Invitations, roles and deactivation are in accounts/onboarding.py, the security steps in accounts/security.py.)"""

from django.db import transaction

from audit import log
from audit.models import AuditEvent


@transaction.atomic
def save_directory_entry(*, actor, form, action):
    """An agency, a territory, the service's or the region's settings, from the administrator's form.
    action: "directory.agency", "directory.territory", "service.settings" or "region.settings"."""
    saved = form.save()
    log.record(actor, action, saved, fields=sorted(form.changed_data))
    return saved


@transaction.atomic
def set_directory_active(row, *, actor, active, action):
    """Deactivate or activate again: never deleted, since referrals, cases and memberships point at it."""
    row.active = active
    row.save(update_fields=["active"])
    log.record(actor, action, row, fields=["active"])
    return row


@transaction.atomic
def end_session(session, *, actor):
    """End one of one's own sessions (another device): it is logged out on its next request."""
    session.delete()
    log.record(actor, "account.session_end", actor, kind=AuditEvent.Kind.LOGIN, fields=["session"])
