"""The person registry: match keys, the search before create, the nightly scan for duplicates. Merging, undoing
a merge and asking another service are actions (people/actions.py)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from lib.bulk import insert_rows

from . import matching
from .access import DRAFT
from .models import DuplicateCandidate, Person, PersonKey

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
