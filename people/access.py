"""Who may see what in the person registry.

- The coordinator of a service sees the persons named in referrals to that service: their records, the
  registry search, the duplicate queue and merges.
- A referrer may ask the registry while writing a referral, and learns only whether a person with those details
  is already known to the service (never who, nor their cases).
- Everyone else is refused.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role

from .models import DuplicateCandidate, Person, PersonMerge


def persons_visible_to(user):
    services = user.agency_ids(Role.COORDINATOR) if user.is_authenticated else set()
    if not services:
        return Person.objects.none()
    return Person.objects.filter(referral_roles__referral__service_id__in=services).distinct()


def visible_matches(user, found):
    """The registry look-up's [(person, probability, reasons)] narrowed to the persons this user may see."""
    allowed = set(persons_visible_to(user).filter(pk__in=[item[0].pk for item in found])
                  .values_list("pk", flat=True))
    return [item for item in found if item[0].pk in allowed]


def get_person_for_user(user, code):
    person = persons_visible_to(user).filter(code=code).first()
    if person is None:
        raise Http404
    return person


def can_search_registry(user):
    """Referrers (the hint only) and coordinators (the candidates)."""
    return user.is_authenticated and (user.has_role(Role.REFERRER) or user.has_role(Role.COORDINATOR))


def sees_candidates(user):
    return user.is_authenticated and user.has_role(Role.COORDINATOR)


def require_registry(user):
    if not sees_candidates(user):
        raise PermissionDenied


def get_candidate_for_user(user, pk):
    require_registry(user)
    visible = persons_visible_to(user)
    candidate = DuplicateCandidate.objects.filter(pk=pk, first__in=visible, second__in=visible).first()
    if candidate is None:
        raise Http404
    return candidate


def get_merge_for_user(user, pk):
    require_registry(user)
    record = PersonMerge.objects.filter(pk=pk, kept__in=persons_visible_to(user)).select_related(
        "kept", "merged").first()
    if record is None:
        raise Http404
    return record
