"""Safety escalation (DESIGN §4.3): a notice puts the case on hold and reaches the bodies the law names."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Agency, Role, User
from accounts.notify import notify
from audit import log
from audit.models import AuditEvent
from cases.actions import transition
from cases.models import OPEN_STATES, CaseStatus
from lib.errors import ActionError
from lib.mail import send_email_later

from .models import SafetyNotice

S = CaseStatus
RECIPIENT_KINDS = [Agency.Kind.GUARDIANSHIP, Agency.Kind.POLICE_JUVENILE, Agency.Kind.COMMISSION]


def default_recipients(case):
    """Guardianship body, police juvenile unit and commission of the case's territory, pre-selected."""
    territory_id = case.referral.agency.territory_id
    return list(Agency.objects.filter(territory_id=territory_id, kind__in=RECIPIENT_KINDS))


def possible_recipients():
    return Agency.objects.filter(kind__in=[*RECIPIENT_KINDS, Agency.Kind.DEPARTMENT]).select_related("territory")


@transaction.atomic
def open_notice(case, *, actor, recipients, content, follows=None):
    recipients = list(recipients)
    if not content.strip():
        raise ActionError(_("Describe what is known about the danger to the child."))
    if not recipients:
        raise ActionError(_("Choose at least one recipient of the notice."))
    if case.status not in OPEN_STATES | {S.SAFETY_HOLD}:
        raise ActionError(_("A safety notice is sent from an open case."))
    notice = SafetyNotice.objects.create(case=case, sender=actor, content=content.strip(), follows=follows)
    notice.recipients.set(recipients)
    log.record(actor, "safety.notice", notice, fields=["content", "recipients"])
    log.record(actor, "safety.disclosure", case, fields=["safety_notice"], kind=AuditEvent.Kind.DISCLOSURE)
    if case.status != S.SAFETY_HOLD:
        transition(case, S.SAFETY_HOLD, actor=actor, action="case.safety_hold")
    url = reverse("safety_notice", args=[notice.code])
    coordinators = User.objects.filter(memberships__agency=case.service, memberships__role=Role.COORDINATOR)
    notify(coordinators, _("Safety notice in case № %(number)s: the case is on hold.") % {
        "number": case.journal_number}, url, urgent=True, email_subject=_("Safety notice"))
    readers = User.objects.filter(memberships__agency__in=recipients, memberships__role=Role.REFERRER).distinct()
    notify(readers, _("A safety notice about a child has been sent to your agency."), url, urgent=True,
           email_subject=_("Safety notice about a child"))
    agency_mail = [a.email for a in recipients if a.email]
    if agency_mail:
        send_email_later(_("Safety notice about a child"),
                         _("A safety notice has been sent to your agency. Log in to read it."), agency_mail)
    return notice


@transaction.atomic
def resume_case(case, *, actor, reason):
    if not reason.strip():
        raise ActionError(_("Say why it is safe to resume the program."))
    case.hold_reason = reason.strip()
    case.save(update_fields=["hold_reason"])
    transition(case, case.held_from, actor=actor, action="case.resume", fields=["hold_reason"])


@transaction.atomic
def terminate_case(case, *, actor, reason):
    if not reason.strip():
        raise ActionError(_("Say why the program is terminated."))
    case.hold_reason = reason.strip()
    case.save(update_fields=["hold_reason"])
    transition(case, S.TERMINATED, actor=actor, action="case.terminate", fields=["hold_reason"])
