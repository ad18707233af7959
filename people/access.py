"""Who may open a person's record: the coordinator of a service the person's referral went to."""

from django.http import Http404

from accounts.models import Role

from .models import Person


def get_person_for_user(user, code):
    services = user.agency_ids(Role.COORDINATOR) if user.is_authenticated else set()
    person = Person.objects.filter(code=code, referral_roles__referral__service_id__in=services).distinct().first()
    if person is None:
        raise Http404
    return person
