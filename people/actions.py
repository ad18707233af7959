from django.db import transaction

from audit import log
from audit.models import AuditEvent
from lib.conflicts import check_version

from .models import Person


@transaction.atomic
def correct_person(person, *, actor, fields, expected_version):
    """A correction on the data subject's request; refused if someone corrected the record meanwhile."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    check_version(person, expected_version, fields)
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, fields[name])
    person.version += 1
    person.save()
    log.record(actor, "person.correct", person, fields=changed)
    return person


def record_export(actor, person):
    log.record(actor, "person.export", person, kind=AuditEvent.Kind.EXPORT)
