"""Depersonalisation of closed cases after the retention period (152-ФЗ): names, contacts and free texts go;
counts, dates of the case, kinds and outcomes stay, so the statistics do not change."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from audit import log
from cases.models import AgreementItem, Case, CaseStatus, Meeting, Screening
from people.models import Person
from referrals.models import ReferralPerson

REMOVED = "обезличено"


def due_cases(today):
    limit = today.replace(year=today.year - settings.OPENDOOR_RETENTION_YEARS)
    return Case.objects.filter(status=CaseStatus.CLOSED, closed_on__lt=limit, depersonalised_at__isnull=True)


@transaction.atomic
def depersonalise(case):
    now = timezone.now()
    referral = case.referral
    referral.description = REMOVED
    referral.concerns = referral.bottom_lines = referral.questions = ""
    referral.save(update_fields=["description", "concerns", "bottom_lines", "questions"])
    Meeting.objects.filter(case=case).update(notes="")
    Screening.objects.filter(case=case).update(answers={}, safeguards="", reason="", referred_to="")
    AgreementItem.objects.filter(agreement__case=case).update(action=REMOVED, responsible="", checker="")
    if hasattr(case, "agreement"):
        case.agreement.text = ""
        case.agreement.decision_reason = ""
        case.agreement.save(update_fields=["text", "decision_reason"])
    if hasattr(case, "report"):
        case.report.summary = REMOVED
        case.report.save(update_fields=["summary"])
    case.network.all().delete()
    case.child_voice = case.not_held_comment = case.hold_reason = ""
    case.depersonalised_at = now
    case.save(update_fields=["child_voice", "not_held_comment", "hold_reason", "depersonalised_at"])
    # A person still named in a case that keeps its data stays as they are.
    still_needed = ReferralPerson.objects.filter(person=OuterRef("pk"), referral__case__depersonalised_at__isnull=True)
    people = Person.objects.filter(referral_roles__referral=referral).exclude(Exists(still_needed))
    for person in people:
        person.surname, person.name, person.patronymic = REMOVED, "", ""
        person.phone = person.address = ""
        # The birth year keeps age groups in the statistics; the day and month go.
        if person.birth_date:
            person.birth_date = datetime.date(person.birth_date.year, 1, 1)
        person.depersonalised_at = now
        person.version += 1
        person.save()
    log.record(None, "retention.depersonalise", case, fields=["persons", "texts"])


def run(today=None):
    """Depersonalise every closed case past the retention period. Returns how many."""
    count = 0
    for case in due_cases(today or timezone.localdate()).select_related("referral"):
        depersonalise(case)
        count += 1
    return count
