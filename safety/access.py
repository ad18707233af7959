"""Who may read a safety notice: the service's coordinator, the case's facilitators, and the recipient agencies."""

from django.db.models import Q
from django.http import Http404

from accounts.models import Role
from cases.access import cases_visible_to

from .models import SafetyNotice


def notices_visible_to(user):
    if not user.is_authenticated:
        return SafetyNotice.objects.none()
    receiving = SafetyNotice.recipients.through.objects.filter(agency_id__in=user.agency_ids(Role.REFERRER))
    # Subqueries rather than a join to the recipients: each notice appears once, without DISTINCT.
    return SafetyNotice.objects.filter(
        Q(case__in=cases_visible_to(user).values("pk")) | Q(pk__in=receiving.values("safetynotice_id"))
    )


def get_notice_for_user(user, code):
    notice = (notices_visible_to(user).select_related("case__referral__agency", "case__service", "sender", "follows")
              .filter(code=code).first())
    if notice is None:
        raise Http404
    return notice
