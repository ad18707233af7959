"""The person registry: match keys, the search before create, merging duplicates and undoing a merge."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency, Role, User
from accounts.notify import notify
from audit import log
from lib.bulk import insert_rows
from lib.errors import ActionError

from . import matching
from .access import DRAFT, services_of
from .models import DuplicateCandidate, Person, PersonKey, PersonMerge

LOOKUP_CANDIDATES = 200  # key hits read per look-up, whatever the registry's size
SHOW_FROM = 0.35  # a look-up shows candidates from this probability; the batch threshold is matching.THRESHOLD

REASONS = {
    "same_surname": gettext_lazy("same surname"),
    "surname_other_form": gettext_lazy("the surname in another grammatical case or gender form"),
    "surname_typo": gettext_lazy("the surname is spelt slightly differently"),
    "surname_differs": gettext_lazy("a different surname (it may have been changed)"),
    "same_name": gettext_lazy("same first name"),
    "short_name": gettext_lazy("a short form of the same first name"),
    "name_typo": gettext_lazy("the first name is spelt slightly differently"),
    "initial": gettext_lazy("the initial matches the first name"),
    "name_differs": gettext_lazy("a different first name"),
    "same_patronymic": gettext_lazy("same patronymic"),
    "patronymic_typo": gettext_lazy("the patronymic is spelt slightly differently"),
    "patronymic_initial": gettext_lazy("the initial matches the patronymic"),
    "patronymic_differs": gettext_lazy("a different patronymic"),
    "same_birth_date": gettext_lazy("same date of birth"),
    "birth_date_swapped": gettext_lazy("date of birth with day and month swapped"),
    "birth_date_one_digit": gettext_lazy("date of birth differs in one digit"),
    "birth_date_transposed": gettext_lazy("date of birth with two digits swapped"),
    "birth_date_differs": gettext_lazy("a different date of birth"),
    "sex_differs": gettext_lazy("a different sex"),
    "swapped_fields": gettext_lazy("surname and first name written in each other's place"),
    "transitive": gettext_lazy("both match a third record of the same person"),
}


def describe(reasons):
    return [str(REASONS[r]) for r in reasons if r in REASONS]


def for_display(found):
    """[(person, probability in per cent, reasons in Russian)] for a page."""
    return [(person, round(score * 100), describe(reasons)) for person, score, reasons in found]


def parsed(person: Person):
    return matching.parse(person.pk, person.surname, person.name, person.patronymic, person.birth_date, person.sex)


def keys_for(person: Person):
    if person.depersonalised_at or person.merged_into_id:
        return set()
    return matching.blocking_keys(parsed(person))


def refresh_keys(persons):
    """Rewrite the match keys of these persons (after a save or a bulk insert)."""
    persons = list(persons)
    PersonKey.objects.filter(person__in=[p.pk for p in persons]).delete()
    add_registry_keys(persons)


def add_registry_keys(persons):
    """Match keys for persons just bulk-inserted (bulk_create does not call save()). Written as plain rows (COPY on
    PostgreSQL): a million persons have several million keys, and a model instance per key cost more than the
    keys themselves."""
    write_keys([(p.pk, key) for p in persons for key in keys_for(p)])


def write_keys(rows):
    """Insert (person id, key) rows as they are."""
    insert_rows(PersonKey, ["person", "key"], rows)


def lookup(fields, *, exclude=(), limit=5, within=None):
    """Registry persons likely to be the one described by fields (surname, name, patronymic, birth_date, sex).

    Returns [(person, probability, reasons)], best first. Reads at most LOOKUP_CANDIDATES key rows, so a look-up
    costs the same at a thousand and at a million persons. `within`: a queryset of the persons the caller's
    organisation may match against (people/access.py); None only for the region-wide duplicate scan.
    """
    query = matching.parse(None, fields.get("surname", ""), fields.get("name", ""), fields.get("patronymic", ""),
                           fields.get("birth_date"), fields.get("sex", ""))
    if not query.surname or not (query.name or query.initial):
        return []
    keys = matching.blocking_keys(query)
    rows = PersonKey.objects.filter(key__in=keys).exclude(person__in=exclude)
    if within is not None:
        rows = rows.filter(person__in=within.values("pk"))
    ids = set(rows.values_list("person_id", flat=True)[:LOOKUP_CANDIDATES])
    found = []
    for person in Person.objects.filter(pk__in=ids):
        probability, reasons = matching.compare(query, parsed(person))
        if probability >= SHOW_FROM:
            found.append((person, probability, reasons))
    found.sort(key=lambda item: -item[1])
    return found[:limit]


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
def merge(kept: Person, merged: Person, *, actor):
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


def find_duplicates(*, threshold=matching.THRESHOLD):
    """Scan the registry and store new candidate pairs. Returns (pairs found, of them new)."""
    # Persons named only in unsent drafts are in nobody's part of the registry yet.
    registered = Q(referral_roles__referral__isnull=False) & ~Q(referral_roles__referral__status=DRAFT)
    in_use = Person.objects.filter(registered | Q(participations__isnull=False)).values("pk")
    persons = (Person.objects.filter(merged_into__isnull=True, depersonalised_at__isnull=True, pk__in=in_use)
               .values_list("pk", "surname", "name", "patronymic", "birth_date", "sex"))
    records = [matching.parse(*row) for row in persons.iterator(chunk_size=5000)]
    existing = set(DuplicateCandidate.objects.values_list("first_id", "second_id"))
    found, candidates = 0, []
    for first, second, probability, reasons in matching.match(records, threshold, reasons=True):
        first, second = sorted((first, second))
        found += 1
        if (first, second) not in existing:
            candidates.append(DuplicateCandidate(first_id=first, second_id=second, score=round(probability, 4),
                                                 reasons=reasons))
    DuplicateCandidate.objects.bulk_create(candidates, batch_size=2000)
    return found, len(candidates)


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
