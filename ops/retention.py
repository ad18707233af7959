"""Retention (152-ФЗ: no longer than needed), built from the personal-data declarations on the models
(lib/personal.py), not from a list kept here.

- A referral whose case closed more than OPENDOOR_RETENTION_YEARS ago, or that never became a case and was
  last touched that long ago (drafts, declined, withdrawn), is depersonalised with every row that belongs to it:
  its case, screenings, meetings, agreement and items, follow-ups, report, attachments and their files, safety
  notices, supervision requests, the network — whatever model declares an owner path to the referral.
- The persons it names are depersonalised too, unless a referral that keeps its data still names them; rows that
  belong to a person (matching keys) go with them.
- Rows that declare `expires` (notifications, registrations for events with their certificates, webhook payloads,
  login failures, task arguments) are cleared when older than the same period.

Counts, dates of the work, kinds and outcomes are declared not personal and stay, so every statistic is the same
before and after (tests/test_personal_data.py, on SQLite and PostgreSQL)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import log
from cases.models import Case, CaseStatus
from lib import personal
from people.models import Person
from referrals.models import Referral


def _limit(today):
    try:
        return today.replace(year=today.year - settings.OPENDOOR_RETENTION_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - settings.OPENDOOR_RETENTION_YEARS, day=28)


def due_referrals(today):
    limit = _limit(today)
    moment = timezone.make_aware(datetime.datetime.combine(limit, datetime.time.min))
    closed = Q(case__status=CaseStatus.CLOSED, case__closed_on__lt=limit)
    never_opened = Q(case__isnull=True) & (Q(answered_at__lt=moment) | Q(answered_at__isnull=True,
                                                                          created_at__lt=moment))
    return Referral.objects.filter(closed | never_opened, depersonalised_at__isnull=True)


def due_cases(today):
    return Case.objects.filter(referral__in=due_referrals(today))


def _person_links():
    """(model, person field, declaration) for every model that names a person and belongs to a referral."""
    for model, found in personal.owned_by(personal.REFERRAL):
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is Person:
                yield model, f.name, found


def _persons_to_clear(referral_ids):
    named, still_needed = set(), set()
    for model, field, found in _person_links():
        named |= set(personal.rows_of(model, found, referral_ids).values_list(field, flat=True))
    kept = Referral.objects.filter(depersonalised_at__isnull=True).exclude(pk__in=referral_ids)
    for model, field, found in _person_links():
        still_needed |= set(personal.rows_of(model, found, kept).filter(**{f"{field}__in": named})
                            .values_list(field, flat=True))
    return sorted(named - still_needed)


def _clear_owned(label, owner_ids):
    """Clear every model whose rows belong to the given rows of model `label`, and what belongs to those."""
    for model, found in personal.owned_by(label):
        rows = personal.rows_of(model, found, owner_ids)
        personal.clear(rows, found)
        if model._meta.label_lower != label and any(True for _ in personal.owned_by(model._meta.label_lower)):
            _clear_owned(model._meta.label_lower, list(rows.values_list("pk", flat=True)))


@transaction.atomic
def depersonalise_referrals(referral_ids):
    now = timezone.now()
    referral_ids = list(referral_ids)
    persons = _persons_to_clear(referral_ids)
    _clear_owned(personal.REFERRAL, referral_ids)
    Referral.objects.filter(pk__in=referral_ids).update(depersonalised_at=now)
    Case.objects.filter(referral__in=referral_ids).update(depersonalised_at=now)
    personal.clear(Person.objects.filter(pk__in=persons), personal.declaration(Person))
    Person.objects.filter(pk__in=persons).update(depersonalised_at=now)
    for model, found in personal.owned_by(personal.PERSON):
        if model is not Person:
            personal.clear(personal.rows_of(model, found, persons), found)
    for referral in Referral.objects.filter(pk__in=referral_ids).select_related("case"):
        target = getattr(referral, "case", None) or referral
        log.record(None, "retention.depersonalise", target, fields=["persons", "texts", "files"])
    return len(referral_ids)


def depersonalise(case):
    depersonalise_referrals([case.referral_id])


def expire(today):
    """Clear rows that declare an expiry date and are older than the retention period. Returns how many."""
    limit = _limit(today)
    moment = timezone.make_aware(datetime.datetime.combine(limit, datetime.time.min))
    count = 0
    for model, found in personal.expiring():
        field = model._meta.get_field(found.expires)
        bound = moment if isinstance(field, personal.models.DateTimeField) else limit
        # Rows cleared before are not cleared again (and their owned rows not visited again).
        done = Q()
        for name, value in personal.cleared_values(model, found.fields).items():
            if value is None:
                done &= Q(**{f"{name}__isnull": True})
            elif not hasattr(value, "resolve_expression"):
                done &= Q(**{name: value})
        rows = model._base_manager.filter(**{f"{found.expires}__lt": bound}).exclude(done)
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        with transaction.atomic():
            _clear_owned(model._meta.label_lower, ids)
            personal.clear(model._base_manager.filter(pk__in=ids), found)
        count += len(ids)
    return count


def run(today=None):
    """Depersonalise every referral past the retention period and clear expired rows. Returns how many
    referrals."""
    today = today or timezone.localdate()
    ids = list(due_referrals(today).values_list("pk", flat=True))
    for start in range(0, len(ids), 200):
        depersonalise_referrals(ids[start:start + 200])
    expire(today)
    return len(ids)
