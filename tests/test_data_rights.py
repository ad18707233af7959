"""Retention, data-subject export and correction, and no lost updates."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, CaseStatus
from core import retention
from core.statistics import totals

from .test_documents import pdf_text


def test_depersonalisation_keeps_the_statistics_and_removes_the_people(cast, make_case, settings):
    settings.OPENDOOR_RETENTION_YEARS = 5
    old = make_case(upto=CaseStatus.CLOSED)
    recent = make_case(upto=CaseStatus.CLOSED)
    open_case = make_case(upto=CaseStatus.FOLLOW_UP)
    Case.objects.filter(pk=old.pk).update(closed_on=timezone.localdate() - datetime.timedelta(days=5 * 366 + 2))
    before = totals()
    assert retention.run() == 1
    assert retention.run() == 0  # done once
    assert totals() == before
    old.refresh_from_db()
    child = old.referral.persons.get(role="child").person
    assert (child.surname, child.name, child.patronymic, child.phone) == ("обезличено", "", "", "")
    assert child.birth_date.month == 1 and child.birth_date.day == 1
    assert old.referral.description == "обезличено"
    assert not old.meetings.exclude(notes="").exists()
    assert old.agreement.items.get().action == "обезличено"
    assert old.screenings.get().answers == {}
    # Other cases keep their data.
    for case in (recent, open_case):
        assert case.referral.persons.get(role="child").person.surname == "Смирнов"
        assert case.meetings.filter(notes="CONFIDENTIAL-MEETING-NOTES").exists()
    row = AuditEvent.objects.get(action="retention.depersonalise")
    assert row.object_code == old.code and row.actor is None


def test_the_daily_run_depersonalises(cast, make_case, settings):
    from core.tasks import daily_reminders

    case = make_case(upto=CaseStatus.CLOSED)
    Case.objects.filter(pk=case.pk).update(closed_on=timezone.localdate().replace(year=timezone.localdate().year - 7))
    result = daily_reminders.enqueue()
    assert result.return_value["depersonalised"] == 1


def test_coordinator_exports_everything_about_a_person(client, cast, make_case):
    case = make_case(upto=CaseStatus.FOLLOW_UP)
    child = case.referral.persons.get(role="child").person
    client.force_login(cast.coordinator)
    response = client.get(reverse("person_export", args=[child.code]))
    text = pdf_text(response.content)
    for expected in ["Персональные данные", "Смирнов", "Артём", "Олегович", "Комиссия Гагаринского района",
                     f"№ {case.journal_number}", "на участие в программе", "общая встреча"]:
        assert expected in text, expected
    assert "CONFIDENTIAL-MEETING-NOTES" not in text  # other people's words are not theirs to take
    assert AuditEvent.objects.filter(action="person.export", kind="export", object_code=child.code).count() == 1


@pytest.mark.parametrize("login", ["facilitator", "facilitator2", "secretary", "admin", "methodologist"])
def test_only_the_coordinator_opens_a_person_record(client, cast, make_case, login):
    child = make_case(upto=CaseStatus.SCREENING).referral.persons.get(role="child").person
    client.force_login(getattr(cast, login))
    assert client.get(reverse("person", args=[child.code])).status_code == 404
    assert client.get(reverse("person_export", args=[child.code])).status_code == 404


def person_post(person, **changes):
    data = {"surname": person.surname, "name": person.name, "patronymic": person.patronymic,
            "birth_date": person.birth_date.isoformat() if person.birth_date else "", "sex": person.sex,
            "phone": person.phone, "address": person.address, "version": person.version}
    data.update(changes)
    return data


def test_correction_is_audited_with_field_names_only(client, cast, make_case):
    child = make_case(upto=CaseStatus.SCREENING).referral.persons.get(role="child").person
    client.force_login(cast.coordinator)
    response = client.post(reverse("person", args=[child.code]), person_post(child, surname="Смирнов-Петров"))
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.surname, child.version) == ("Смирнов-Петров", 2)
    row = AuditEvent.objects.get(action="person.correct")
    assert row.fields == ["surname"] and "Петров" not in str(row.fields)


def test_two_sessions_editing_the_same_person_conflict_and_nothing_is_lost(cast, make_case):
    child = make_case(upto=CaseStatus.SCREENING).referral.persons.get(role="child").person
    first, second = Client(), Client()
    first.force_login(cast.coordinator)
    second.force_login(cast.coordinator)
    url = reverse("person", args=[child.code])
    stale = person_post(child)  # both open the form at version 1
    assert first.post(url, {**stale, "phone": "+7 900 111-11-11"}).status_code == 302
    response = second.post(url, {**stale, "address": "г. Гагарин, ул. Новая, 5"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Кто-то изменил эту запись" in page
    assert "+7 900 111-11-11" in page and "г. Гагарин, ул. Новая, 5" in page  # both versions side by side
    child.refresh_from_db()
    assert (child.phone, child.address) == ("+7 900 111-11-11", "")
    # Saving again from the conflict page is a deliberate choice and goes through.
    retry = {**stale, "address": "г. Гагарин, ул. Новая, 5", "version": child.version}
    assert second.post(url, retry).status_code == 302


def test_two_sessions_editing_the_outcome_report(cast, make_case):
    case = make_case(upto=CaseStatus.FOLLOW_UP)
    first, second = Client(), Client()
    first.force_login(cast.facilitator)
    second.force_login(cast.coordinator)
    url = reverse("case_report", args=[case.code])
    base = {"held": "on", "program_kind": "mediation", "minors": "1", "adults": "1", "outcome": "agreement",
            "followup_result": "not_checked", "summary": "Первый вариант."}
    assert first.post(url, {**base, "version": "0"}).status_code == 302  # opened before any draft existed
    version = case.__class__.objects.get(pk=case.pk).report.version
    assert first.post(url, {**base, "summary": "Правка ведущего.", "version": version}).status_code == 302
    response = second.post(url, {**base, "summary": "Правка куратора.", "version": version})
    page = response.content.decode()
    assert "Правка ведущего." in page and "Правка куратора." in page and "Две версии" in page
    case.report.refresh_from_db()
    assert case.report.summary == "Правка ведущего."


def test_two_people_writing_the_first_draft_of_a_report_conflict_and_nothing_is_lost(client, cast, make_case):
    """Both opened the report page before any draft existed: the second save is a conflict that shows the first
    author's text, and nothing of either is lost."""
    from django.urls import reverse

    from cases.models import CaseStatus, OutcomeReport
    from lib.conflicts import NEW

    case = make_case(upto=CaseStatus.FOLLOW_UP)
    client.force_login(cast.facilitator)
    page = client.get(reverse("case_report", args=[case.code]))
    form = page.context["form"]
    data = {name: ("" if value is None else value) for name, value in
            ((n, form[n].value()) for n in form.fields)}
    assert int(data["version"]) == NEW
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    first = {**data, "summary": "Текст первого ведущего."}
    second = {**data, "summary": "Текст второго ведущего."}
    response = client.post(reverse("case_report", args=[case.code]), first)
    assert response.status_code == 302, response.context["form"].errors
    answer = client.post(reverse("case_report", args=[case.code]), second)
    page = answer.content.decode()
    assert answer.status_code == 200 and "Текст первого ведущего." in page and "Текст второго ведущего." in page
    assert OutcomeReport.objects.get(case=case).summary == "Текст первого ведущего."
    # A post without any version is a conflict too, never a silent overwrite.
    missing = {k: v for k, v in second.items() if k != "version"}
    client.post(reverse("case_report", args=[case.code]), missing)
    assert OutcomeReport.objects.get(case=case).summary == "Текст первого ведущего."


def test_a_double_submit_moves_a_referral_or_a_case_only_once(cast, make_referral, make_case):
    """Two requests holding the same old copy: the second is refused against the stored state, not let through
    by its stale copy (which opened a second case, or closed a case twice)."""
    import pytest

    from cases import actions as case_actions
    from cases.models import Case, CaseStatus
    from lib.errors import ActionError
    from referrals import actions as referral_actions
    from referrals.models import Referral

    referral = make_referral()
    first, second = Referral.objects.get(pk=referral.pk), Referral.objects.get(pk=referral.pk)
    referral_actions.accept_referral(first, actor=cast.coordinator)
    with pytest.raises(ActionError):
        referral_actions.accept_referral(second, actor=cast.coordinator)
    assert Case.objects.filter(referral=referral).count() == 1

    case = make_case(upto=CaseStatus.REPORTED)
    one, two = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    case_actions.transition(one, CaseStatus.CLOSED, actor=cast.coordinator, action="case.close")
    with pytest.raises(ActionError):
        case_actions.transition(two, CaseStatus.CLOSED, actor=cast.coordinator, action="case.close")
