"""Who may reach what of methodological support. The methodologist sees depersonalised texts, training records
and the knowledge base — never a case, a referral or a person (DESIGN §3)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.models import Role
from cases.access import cases_visible_to

from .models import LibraryCase, SupervisionRequest

STAFF = {Role.REFERRER, Role.FACILITATOR, Role.COORDINATOR, Role.METHODOLOGIST, Role.ANALYST, Role.ORGANISER,
         Role.ADMIN}
# The organiser runs events and needs no family stories, even depersonalised ones (docs/access.md).
LIBRARY_READERS = {Role.FACILITATOR, Role.COORDINATOR, Role.METHODOLOGIST}


def _roles(user):
    return set(user.roles) if user.is_authenticated else set()


def is_methodologist(user):
    return Role.METHODOLOGIST in _roles(user)


def require_role(user, roles):
    if not _roles(user) & set(roles):
        raise PermissionDenied


# --- supervision ---------------------------------------------------------------------------------

def requests_visible_to(user):
    """The methodologist: every request sent in the region. Facilitators and coordinators: those of their cases."""
    if not user.is_authenticated:
        return SupervisionRequest.objects.none()
    own = Q(case__in=cases_visible_to(user))
    if is_methodologist(user):
        return SupervisionRequest.objects.filter(own | ~Q(status=SupervisionRequest.Status.DRAFT))
    return SupervisionRequest.objects.filter(own)


def get_request(user, code):
    item = requests_visible_to(user).filter(code=code).first()
    if item is None:
        raise Http404
    return item


def can_see_case_of(user, item):
    """Whether the request's page may link to its case (never for the methodologist alone)."""
    return cases_visible_to(user).filter(pk=item.case_id).exists()


def can_edit_request(user, item):
    return item.status == SupervisionRequest.Status.DRAFT and can_see_case_of(user, item)


# --- library -------------------------------------------------------------------------------------

def library_visible_to(user):
    roles = _roles(user)
    if not roles & LIBRARY_READERS:
        return LibraryCase.objects.none()
    visible = Q(status=LibraryCase.Status.PUBLISHED)
    visible |= Q(proposed_by_id=user.pk)
    visible |= Q(service_id__in=user.agency_ids(Role.COORDINATOR))
    if Role.METHODOLOGIST in roles:
        visible |= Q(status=LibraryCase.Status.APPROVED)
    return LibraryCase.objects.filter(visible)


def get_library_case(user, code):
    item = library_visible_to(user).filter(code=code).first()
    if item is None:
        raise Http404
    return item


def can_approve_story(user, item):
    return item.status == LibraryCase.Status.PROPOSED and item.service_id in user.agency_ids(Role.COORDINATOR)


def can_publish_story(user, item):
    return item.status == LibraryCase.Status.APPROVED and is_methodologist(user)


# --- knowledge base and profiles -----------------------------------------------------------------

def can_read_knowledge(user):
    return bool(_roles(user) & STAFF)


def can_edit_knowledge(user):
    return is_methodologist(user)


def facilitators_visible_to(user):
    """Service ids whose facilitators the user sees; None means the whole region (the methodologist)."""
    if is_methodologist(user):
        return None
    return user.agency_ids(Role.COORDINATOR)


def can_see_profile(user, facilitator):
    if facilitator.pk == user.pk:
        return True
    scope = facilitators_visible_to(user)
    if scope is None:
        return True
    return bool(scope & facilitator.agency_ids(Role.FACILITATOR))


def can_record_training(user, facilitator):
    """The methodologist for anyone; a coordinator for the facilitators of their service."""
    if is_methodologist(user):
        return True
    return bool(user.agency_ids(Role.COORDINATOR) & facilitator.agency_ids(Role.FACILITATOR))
