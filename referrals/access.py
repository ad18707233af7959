"""Who may fetch which referral. Views never query Referral directly."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.models import Role

from .models import Referral


def referrals_visible_to(user):
    """A referrer sees their agency's referrals; a coordinator sees those sent to their service."""
    if not user.is_authenticated:
        return Referral.objects.none()
    own = user.agency_ids(Role.REFERRER)
    services = user.agency_ids(Role.COORDINATOR)
    if not own and not services:
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(agency_id__in=own) | (Q(service_id__in=services) & ~Q(status=Referral.Status.DRAFT))
    )


def can_refer(user):
    return bool(user.is_authenticated and user.agency_ids(Role.REFERRER))


NEEDS = ("read", "refer", "decide")


def get_referral_for_user(user, code, need="read"):
    """need: "read"; "refer" (a referrer of the referring agency); "decide" (the service's coordinator).
    No relation gives 404, a relation without the right gives 403."""
    if need not in NEEDS:
        raise ValueError(f"unknown access need: {need!r}")  # a typo must not quietly mean "read"
    referral = (
        referrals_visible_to(user).select_related("agency", "service", "author").filter(code=code).first()
    )
    if referral is None:
        raise Http404
    if need == "refer" and referral.agency_id not in user.agency_ids(Role.REFERRER):
        raise PermissionDenied
    if need == "decide" and referral.service_id not in user.agency_ids(Role.COORDINATOR):
        raise PermissionDenied
    return referral


def shared_agreement(case, report):
    """What of the agreement the referrer may read (tier T2): (agreement or None, withheld for lack of consent)."""
    agreement = getattr(case, "agreement", None) if case else None
    if agreement is None or not (report or agreement.decision):
        return None, False
    if not case.agreement_shareable():
        return None, True
    return agreement, False
