"""Who may fetch which case. Case content is tier T3: only the service sees it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role

from .models import Case, CaseStatus

NEEDS = ("read", "work", "manage")


def cases_visible_to(user):
    """The coordinator sees every case of the service; a facilitator sees the cases assigned to them."""
    if not user.is_authenticated:
        return Case.objects.none()
    coordinated = user.agency_ids(Role.COORDINATOR)
    facilitated = user.agency_ids(Role.FACILITATOR)
    if not coordinated and not facilitated:
        return Case.objects.none()
    assigned = Case.facilitators.through.objects.filter(user_id=user.pk).values("case_id")
    return Case.objects.filter(
        Q(service_id__in=coordinated) | (Q(service_id__in=facilitated) & Q(pk__in=assigned))
    )


def can_manage(user, case):
    return case.service_id in user.agency_ids(Role.COORDINATOR)


def can_work(user, case):
    """Record screenings, meetings, agreements: an assigned facilitator or the coordinator."""
    return can_manage(user, case) or any(f.pk == user.pk for f in case.facilitators.all())


def get_case_for_user(user, code, need="read"):
    """need: "read", "work" (case work) or "manage" (assign, sign, close). 404 without relation, 403 without right."""
    if need not in NEEDS:
        raise ValueError(f"unknown access need: {need!r}")  # a typo must not quietly mean "read"
    case = (
        cases_visible_to(user)
        .select_related("referral__agency", "service", "program")
        .prefetch_related("facilitators")
        .filter(code=code)
        .first()
    )
    if case is None:
        raise Http404
    if need == "work" and not can_work(user, case):
        raise PermissionDenied
    if need == "manage" and not can_manage(user, case):
        raise PermissionDenied
    return case


def stage_told_to(case, agency_ids):
    """(code, label) of a case's stage as an outside agency may know it — need to know, not the case's status.

    Before the answer is signed the agency learns only that the service is working, or that the work is paused;
    why it is paused («безопасность ребёнка») only if it received the safety notice. Outcomes such as «не
    подходит для программы» reach it with the signed answer, never before."""
    if case is None:
        return None
    if case.report_signed:
        return case.status, case.get_status_display()
    if case.status == CaseStatus.SAFETY_HOLD:
        if case.safety_notices.filter(recipients__in=agency_ids).exists():
            return case.status, case.get_status_display()
        return "paused", _("work paused")
    return "in_work", _("the service is working on the case")


def stage_for(user, case):
    """The stage line a user sees: the service's own staff see the status, everyone else what they were told."""
    if case is None:
        return None
    if case.service_id in user.agency_ids(Role.COORDINATOR) | user.agency_ids(Role.FACILITATOR):
        return case.get_status_display()
    return stage_told_to(case, user.agency_ids())[1]
