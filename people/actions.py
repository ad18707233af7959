from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency, Role, User
from accounts.notify import notify
from audit import log
from audit.models import AuditEvent
from lib.conflicts import check_version
from lib.errors import ActionError

from .access import services_of
from .models import DuplicateCandidate, Person, PersonMerge


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


# --- merging ------------------------------------------------------------------------------------------------

def _references():
    """Where a person is referred to, derived from the model registry (every app above that keys a row to a
    Person — referrals, participations, conflicts of interest — without this app importing them):
    {accessor name kept in PersonMerge.moved: (model, field name)}. The registry's own rows (keys, candidates,
    merges) are not moved: they are about records, not the person."""
    found = {}
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if relation.one_to_many and model._meta.app_label != Person._meta.app_label:
            found[relation.get_accessor_name()] = (model, relation.field.name)
    return found


def _clashes(kept, merged):
    """Both records named in one referral or case: a unique constraint (referral, person) or (case, person)
    would be broken by the move."""
    for model, field in _references().values():
        for constraint in model._meta.constraints:
            others = [f for f in getattr(constraint, "fields", ()) if f != field]
            if field not in getattr(constraint, "fields", ()) or not others:
                continue
            mine = set(model._base_manager.filter(**{field: kept}).values_list(*others))
            if mine & set(model._base_manager.filter(**{field: merged}).values_list(*others)):
                return True
    return False


@transaction.atomic
def merge_persons(kept: Person, merged: Person, *, actor):
    """Move every reference from merged to kept; merged stays, marked, so the merge can be undone."""
    if kept.pk == merged.pk:
        raise ActionError(_("A record cannot be merged with itself."))
    kept, merged = (Person.objects.select_for_update().get(pk=p.pk) for p in (kept, merged))
    if kept.merged_into_id or merged.merged_into_id:
        raise ActionError(_("One of the records has already been merged into another."))
    if _clashes(kept, merged):
        raise ActionError(_("Both records are named in the same referral or case: correct that first."))
    moved = {}
    for name, (model, field) in _references().items():
        rows = model._base_manager.filter(**{field: merged})
        moved[name] = list(rows.values_list("pk", flat=True))
        rows.update(**{field: kept})
    merged.merged_into = kept
    merged.version += 1
    merged.save()
    record = PersonMerge.objects.create(kept=kept, merged=merged, moved=moved, merged_by=actor)
    DuplicateCandidate.objects.filter(first__in=[kept, merged], second__in=[kept, merged]).update(
        status=DuplicateCandidate.Status.MERGED, decided_by=actor, decided_at=timezone.now())
    log.record(actor, "person.merge", kept, fields=sorted(moved))
    log.record(actor, "person.merged_into", merged, fields=["merged_into"])
    return record


@transaction.atomic
def undo_merge(record: PersonMerge, *, actor):
    record = PersonMerge.objects.select_for_update().get(pk=record.pk)
    if record.undone_at:
        raise ActionError(_("This merge has already been undone."))
    for name, (model, field) in _references().items():
        model._base_manager.filter(pk__in=record.moved.get(name, [])).update(**{field: record.merged})
    merged = record.merged
    merged.merged_into = None
    merged.version += 1
    merged.save()
    record.undone_by, record.undone_at = actor, timezone.now()
    record.save()
    DuplicateCandidate.objects.filter(first__in=[record.kept, merged], second__in=[record.kept, merged]).update(
        status=DuplicateCandidate.Status.PENDING, decided_by=None, decided_at=None)
    log.record(actor, "person.unmerge", merged, fields=["merged_into", *sorted(record.moved)])


@transaction.atomic
def mark_distinct(candidate: DuplicateCandidate, *, actor):
    candidate.status = DuplicateCandidate.Status.DISTINCT
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save()
    log.record(actor, "person.distinct", candidate.first, fields=["duplicate"])


@transaction.atomic
def ask_other_service(mine: Person, other: Person, *, actor):
    """Tell the coordinators of the services holding `other` that the actor's service may work with the same
    person. Their own record is linked for them; nothing of either record goes to the other side."""
    own = actor.agency_ids(Role.COORDINATOR)
    services = services_of(other) - own
    asking = ", ".join(Agency.objects.filter(pk__in=own).values_list("short_name", flat=True))
    coordinators = User.objects.filter(memberships__agency_id__in=services,
                                       memberships__role=Role.COORDINATOR).distinct()
    notify(coordinators, _("The service «%(service)s» may be working with a person of your registry. "
                           "Contact the service to find out; do not send personal data through the system.")
           % {"service": asking}, url=reverse("person", args=[other.code]),
           email_subject=_("A question from another service of the network"))
    log.record(actor, "person.ask_service", mine, fields=[f"service:{pk}" for pk in sorted(services)])
