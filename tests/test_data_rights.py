"""Retention, data-subject export and correction, and no lost updates."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, CaseStatus
from ops import retention
from ops.statistics import totals

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
    from referrals.models import Referral

    referral = make_referral()
    first, second = Referral.objects.get(pk=referral.pk), Referral.objects.get(pk=referral.pk)
    case_actions.accept_referral(first, actor=cast.coordinator)
    with pytest.raises(ActionError):
        case_actions.accept_referral(second, actor=cast.coordinator)
    assert Case.objects.filter(referral=referral).count() == 1

    case = make_case(upto=CaseStatus.REPORTED)
    one, two = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    case_actions.transition(one, CaseStatus.CLOSED, actor=cast.coordinator, action="case.close")
    with pytest.raises(ActionError):
        case_actions.transition(two, CaseStatus.CLOSED, actor=cast.coordinator, action="case.close")


# --- every edit form carries its version --------------------------------------------------------------------------

def _event_post(event, **changes):
    data = {"e-kind": "seminar", "e-title": event.title, "e-starts_on": str(event.starts_on),
            "e-ends_on": str(event.ends_on), "e-capacity": "10", "e-training_hours": "4", "e-min_sessions": "1",
            "e-registration_open": "on", "save_event": "1", "e-certificate_template": event.certificate_template}
    data.update(changes)
    return data


@pytest.mark.parametrize("version", [None, "1"])
def test_an_event_edit_over_a_newer_one_shows_both_and_saves_nothing(client, cast, make_event, version):
    event = make_event()
    client.force_login(cast.organiser)
    first = client.post(reverse("event_manage", args=[event.code]), _event_post(event, **{"e-title": "Их название",
                                                                                          "e-version": "1"}))
    assert first.status_code == 302
    mine = _event_post(event, **{"e-title": "Моё название"})
    if version:
        mine["e-version"] = version
    page = client.post(reverse("event_manage", args=[event.code]), mine).content.decode()
    assert "Две версии" in page and "Их название" in page and "Моё название" in page
    event.refresh_from_db()
    assert event.title == "Их название"
    # Saved again from the conflict page, it knowingly replaces theirs.
    again = client.post(reverse("event_manage", args=[event.code]), {**mine, "e-version": str(event.version)})
    assert again.status_code == 302
    event.refresh_from_db()
    assert event.title == "Моё название"


def test_a_plan_revision_over_a_newer_one_is_a_conflict(client, cast, make_case):
    from cases.models import Agreement

    case = make_case(upto=CaseStatus.FOLLOW_UP)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.PROGRAM)
    agreement = case.agreement
    Agreement.objects.filter(pk=agreement.pk).update(text="Их редакция плана", version=agreement.version + 1)
    client.force_login(cast.facilitator)
    today = timezone.localdate().isoformat()
    data = {"concluded_on": today, "text": "Моя редакция плана", "version": agreement.version,
            "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-action": "Звонить бабушке",
            "items-0-responsible": "мать", "items-0-deadline": today, "items-0-checker": "ведущий"}
    page = client.post(reverse("case_agreement", args=[case.code]), data).content.decode()
    assert "Две версии" in page and "Их редакция плана" in page and "Моя редакция плана" in page
    assert Agreement.objects.get(pk=agreement.pk).text == "Их редакция плана"
    del data["version"]
    page = client.post(reverse("case_agreement", args=[case.code]), data).content.decode()
    assert "Две версии" in page
    assert Agreement.objects.get(pk=agreement.pk).text == "Их редакция плана"


def test_a_supervision_draft_and_a_knowledge_document_refuse_stale_versions(client, cast, make_case):
    from methods import actions as methods_actions
    from methods.models import KnowledgeCategory, SupervisionRequest

    case = make_case(upto=CaseStatus.PROGRAM)
    item = methods_actions.save_request(case, actor=cast.facilitator, question="Их вопрос", summary="Их текст",
                                        send=False)
    SupervisionRequest.objects.filter(pk=item.pk).update(question="Вопрос коллеги", version=2)
    client.force_login(cast.facilitator)
    page = client.post(reverse("supervision_edit", args=[item.code]),
                       {"question": "Мой вопрос", "summary": "Мой текст", "version": 1}).content.decode()
    assert "Две версии" in page and "Вопрос коллеги" in page
    assert SupervisionRequest.objects.get(pk=item.pk).question == "Вопрос коллеги"

    category = KnowledgeCategory.objects.create(name="Памятки")
    document = methods_actions.save_document(actor=cast.methodologist, category=category, title="Памятка",
                                             body="Первая редакция", note="")
    methods_actions.save_document(actor=cast.methodologist, category=category, title="Памятка",
                                  body="Редакция коллеги", note="", document=document)
    client.force_login(cast.methodologist)
    page = client.post(reverse("knowledge_edit", args=[document.code]), {
        "category": category.pk, "title": "Памятка", "body": "Моя редакция", "note": "", "version": 1,
    }).content.decode()
    assert "Две версии" in page and "Редакция коллеги" in page
    assert document.versions.count() == 2
