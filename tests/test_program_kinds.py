"""Each program kind runs from referral to closure through the pages a facilitator uses."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStatus, Program, Screening
from lib.dates import add_months
from referrals.models import Referral

from .test_views import referral_post

KINDS = [(kind, False) for kind in Program.Kind.values] + [(Program.Kind.MEDIATION, True)]


def items(**rows):
    data = {"items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "3",
            "items-MAX_NUM_FORMS": "20"}
    data.update(rows)
    return data


@pytest.mark.parametrize(("kind", "shuttle"), KINDS)
def test_program_kind_from_referral_to_closure(client, cast, kind, shuttle):
    today = timezone.localdate().isoformat()
    client.force_login(cast.secretary)
    client.post(reverse("referral_new"), referral_post())
    referral = Referral.objects.get()
    client.force_login(cast.coordinator)
    client.post(reverse("referral_accept", args=[referral.code]))
    case = Case.objects.get()
    client.post(reverse("case_assign", args=[case.code]), {"facilitators": [cast.facilitator.pk]})

    client.force_login(cast.facilitator)
    screening = {"done_on": today, "outcome": "suitable"}
    for key, _label in Screening.QUESTIONS:
        screening[f"{key}_answer"] = "yes" if key in ("acknowledgement", "consent", "child_safe") else "no"
    assert client.post(reverse("case_screening", args=[case.code]), screening).status_code == 302
    client.post(reverse("case_program", args=[case.code]), {"kind": kind, **({"shuttle": "on"} if shuttle else {})})
    for rp in referral.persons.all():
        client.post(reverse("case_participant", args=[case.code]),
                    {"person": rp.person.pk, "role": "child" if rp.role == "child" else "party"})
    for participant in case.participants.all():
        for by_rep in ([False, True] if participant.is_minor else [False]):
            client.post(reverse("case_consent", args=[case.code]), {
                "participant": participant.pk, "purpose": "take_part", "given_on": today,
                **({"by_representative": "on"} if by_rep else {})})
    attendees = [p.pk for p in case.participants.all()]
    for p in attendees:
        response = client.post(reverse("case_meeting", args=[case.code]) + "?kind=preliminary",
                               {"held": "1", "date": today, "attendees": [p], "notes": "предварительная"})
        assert response.status_code == 302
    if not shuttle:
        response = client.post(reverse("case_meeting", args=[case.code]) + "?kind=joint",
                               {"held": "1", "date": today, "attendees": attendees, "duration_minutes": "60"})
        assert response.status_code == 302
    agreement = {"concluded_on": today, "text": "", **items(**{
        "items-0-action": "Действие", "items-0-responsible": "сторона", "items-0-deadline": today,
        "items-0-checker": "ведущий"})}
    if kind == Program.Kind.FAMILY_CONFERENCE:
        agreement["review_on"] = add_months(timezone.localdate(), 6).isoformat()
    assert client.post(reverse("case_agreement", args=[case.code]), agreement).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP
    item = case.agreement.items.get()
    client.post(reverse("case_followup", args=[case.code, item.pk]), {"result": "done", "checked_on": today})
    report = {"held": "on", "program_kind": kind, "started_on": today, "finished_on": today, "minors": "1",
              "adults": "1", "outcome": "agreement", "followup_result": "fulfilled", "summary": "Итог.",
              "version": "0"}
    assert client.post(reverse("case_report", args=[case.code]), report).status_code == 302
    client.force_login(cast.coordinator)
    client.post(reverse("case_sign", args=[case.code]))
    client.post(reverse("case_close", args=[case.code]))
    case.refresh_from_db()
    assert (case.status, case.program.kind, case.program.shuttle) == (CaseStatus.CLOSED, kind, shuttle)
    assert case.meetings.filter(kind="joint").exists() is not shuttle
