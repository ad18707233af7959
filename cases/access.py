"""Who may fetch which case. Case content is tier T3: only the service sees it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.models import Role

from .models import Case


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
