from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role

from .models import Event


def can_organise(user):
    return user.is_authenticated and user.has_role(Role.ORGANISER)


def require_organiser(user):
    """Organisers of the service manage its events; everyone else is refused."""
    if not can_organise(user):
        raise PermissionDenied


def events_of_organiser(user):
    """The events of the services where the user is an organiser."""
    return Event.objects.filter(service_id__in=user.agency_ids(Role.ORGANISER))


def get_event_for_organiser(user, code):
    require_organiser(user)
    event = events_of_organiser(user).filter(code=code).first()
    if event is None:
        raise Http404
    return event
