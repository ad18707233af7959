"""Who may see what in the person registry. The registry is region-wide, but every organisation matches and
sees only its own part of it (docs/access.md):

- The coordinator of a service sees the persons named in referrals SENT to that service and the participants
  of its cases: their records (filtered to that service's referrals and cases), the registry search, the
  duplicate queue and merges. A likely match in another service's part is told only as «возможно, известен
  другой службе сети», with a button that asks that service — never its data.
- A referrer may ask the registry while writing a referral, within the referrals its own agency and the
  agencies of its territory sent, and learns only whether a person with that full name is known — the answer
  does not depend on the birth date, so no sequence of look-ups recovers one.
- Persons named only in unsent drafts are in nobody's part.
- Everyone else is refused.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.models import Agency, Role

from . import matching, registry
from .models import DuplicateCandidate, Person, PersonMerge

DRAFT = "draft"  # referrals.models.Referral.Status.DRAFT (the registry sits below referrals)


def persons_of_services(service_ids):
    """The service's part of the registry: named in a sent referral to it, or a participant of its case."""
    if not service_ids:
        return Person.objects.none()
    sent = Q(referral_roles__referral__service_id__in=service_ids) & ~Q(referral_roles__referral__status=DRAFT)
    took_part = Person.objects.filter(participations__case__service_id__in=service_ids).values("pk")
    return Person.objects.filter(Q(pk__in=Person.objects.filter(sent).values("pk")) | Q(pk__in=took_part))


def services_of(person):
    """The services whose part of the registry holds the person."""
    sent = set(person.referral_roles.exclude(referral__status=DRAFT).values_list("referral__service_id", flat=True))
    return sent | set(person.participations.values_list("case__service_id", flat=True))


def persons_visible_to(user):
    services = user.agency_ids(Role.COORDINATOR) if user.is_authenticated else set()
    return persons_of_services(services)


def persons_for_referrer(user):
    """What a referrer's look-up matches against: persons of referrals its agency, or an agency of its
    territory, has sent."""
    agencies = user.agency_ids(Role.REFERRER) if user.is_authenticated else set()
    if not agencies:
        return Person.objects.none()
    territories = Agency.objects.filter(pk__in=agencies, territory__isnull=False).values("territory_id")
    near = Q(referral_roles__referral__agency_id__in=agencies) | Q(
        referral_roles__referral__agency__territory_id__in=territories)
    return Person.objects.filter(pk__in=Person.objects.filter(near & ~Q(referral_roles__referral__status=DRAFT))
                                 .values("pk"))


def known_to_referrer(user, fields):
    """The referrer's hint: is a person with this full name in the referrer's part of the registry? Decided on
    the name alone, so that changing the birth date never changes the answer."""
    names = {key: fields.get(key) or "" for key in ("surname", "name", "patronymic")}
    if not names["patronymic"]:
        return False  # a surname and a first name alone are too common to say anything
    found = registry.lookup(names, within=persons_for_referrer(user))
    return any(score >= matching.THRESHOLD for _, score, _ in found)


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


def can_see_candidates(user):
    return user.is_authenticated and user.has_role(Role.COORDINATOR)


def require_registry(user):
    if not can_see_candidates(user):
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


def cross_service_candidates(user):
    """Pending pairs with one record in the user's part of the registry and the other only in another
    service's: [(candidate, own person, names of the other services)]. The other record is never shown."""
    require_registry(user)
    own = user.agency_ids(Role.COORDINATOR)
    visible = persons_visible_to(user)
    pending = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.PENDING)
    pairs = (pending.filter(first__in=visible).exclude(second__in=visible)
             | pending.filter(second__in=visible).exclude(first__in=visible)).select_related("first", "second")
    visible_ids = set(visible.filter(pk__in=[p for c in pairs for p in (c.first_id, c.second_id)])
                      .values_list("pk", flat=True))
    result = []
    for candidate in pairs[:50]:
        mine, other = ((candidate.first, candidate.second) if candidate.first_id in visible_ids
                       else (candidate.second, candidate.first))
        services = services_of(other) - own
        if services:
            names = list(Agency.objects.filter(pk__in=services).values_list("short_name", flat=True))
            result.append((candidate, mine, other, names))
    return result


def get_cross_candidate_for_user(user, pk):
    for candidate, mine, other, _names in cross_service_candidates(user):
        if candidate.pk == pk:
            return candidate, mine, other
    raise Http404
