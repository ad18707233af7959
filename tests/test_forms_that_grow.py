"""Forms without a fixed size, dates that follow the case, neutrality, harm repair and consent withdrawal."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from cases import actions
from cases.models import AgreementItem, CaseStatus, Conflict, Meeting, NetworkMember
from lib.errors import ActionError
from referrals.models import Referral

S = CaseStatus
DAY = datetime.timedelta(days=1)
FAMILY = [("child", "Смирнов", "Артём", "2014-05-20"), ("child", "Смирнова", "Вера", "2017-02-01"),
          ("parent", "Смирнова", "Ольга", "1988-03-03"), ("parent", "Смирнов", "Игорь", "1986-07-07"),
          ("relative", "Петрова", "Анна", "1960-01-01"), ("other", "Сидоров", "Павел", "1990-09-09")]


def persons_post(rows, total=None, **extra):
    data = {"situation": "cruelty_risk", "description": "Конфликт в семье.", "representative_consent": "on",
            "persons-TOTAL_FORMS": str(total if total is not None else len(rows)), "persons-INITIAL_FORMS": "0"}
    for i, (role, surname, name, born) in enumerate(rows):
        data.update({f"persons-{i}-role": role, f"persons-{i}-surname": surname, f"persons-{i}-name": name,
                     f"persons-{i}-birth_date": born})
    data.update(extra)
    return data


def test_a_referral_names_six_people_after_adding_rows_without_javascript(client, cast):
    client.force_login(cast.secretary)
    page = client.get(reverse("referral_new")).content.decode()
    # Two rows to begin with, the child and a parent; the rest are added.
    assert 'name="persons-TOTAL_FORMS" value="2"' in page and 'name="add_row" value="persons"' in page
    typed = persons_post(FAMILY[:2], add_row="persons")
    response = client.post(reverse("referral_new"), typed)
    page = response.content.decode()
    # The page comes back with what was typed and one row more; nothing saved, no error shown yet.
    assert response.status_code == 200 and Referral.objects.count() == 0
    assert 'name="persons-TOTAL_FORMS" value="3"' in page and 'value="Вера"' in page and "field-error" not in page
    response = client.post(reverse("referral_new"), persons_post(FAMILY, submit="1"))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.persons.count() == 6
    assert sorted(referral.persons.values_list("role", flat=True)) == sorted(r[0] for r in FAMILY)


def test_a_row_is_removed_and_a_filled_row_needs_a_role(client, cast):
    client.force_login(cast.secretary)
    response = client.post(reverse("referral_new"), persons_post(FAMILY[:3], remove_row="persons-1"))
    page = response.content.decode()
    assert 'name="persons-TOTAL_FORMS" value="2"' in page and 'value="Вера"' not in page and 'value="Ольга"' in page
    rows = [("", "Смирнов", "Артём", "2014-05-20")]
    response = client.post(reverse("referral_new"), persons_post(rows, submit="1"))
    assert "Выберите роль человека." in response.content.decode() and Referral.objects.count() == 0


def test_more_rows_than_the_limit_are_refused_with_a_message(client, cast):
    client.force_login(cast.secretary)
    rows = [("other", f"Фамилия{i}", "Имя", "1990-01-01") for i in range(31)]
    response = client.post(reverse("referral_new"), persons_post(rows, submit="1"))
    assert response.status_code == 200 and Referral.objects.count() == 0
    assert "30" in response.content.decode()


def agreement_post(items, **extra):
    today = timezone.localdate()
    data = {"concluded_on": today.isoformat(), "text": "", "version": "0",
            "items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0"}
    for i, (kind, action) in enumerate(items):
        data.update({f"items-{i}-kind": kind, f"items-{i}-action": action, f"items-{i}-responsible": "сын",
                     f"items-{i}-deadline": (today + 30 * DAY).isoformat(), f"items-{i}-checker": "мать"})
    data.update(extra)
    return data


def test_an_agreement_of_seven_items_with_kinds_and_harm_repair_followed_before_signing(client, cast, make_case):
    case = make_case(upto=S.PROGRAM)
    client.force_login(cast.facilitator)
    items = [("apology", "Извиниться перед одноклассником"), ("restitution", "Вернуть деньги за телефон"),
             ("work", "Помочь в библиотеке"), ("behaviour", "Не опаздывать"), ("other", "Кружок"),
             ("behaviour", "Звонить матери"), ("other", "Встреча через месяц")]
    page = client.get(reverse("case_agreement", args=[case.code])).content.decode()
    assert 'name="items-TOTAL_FORMS" value="3"' in page
    response = client.post(reverse("case_agreement", args=[case.code]), agreement_post(items))
    assert response.status_code == 302
    saved = list(case.agreement.items.order_by("id"))
    assert [(i.kind, i.action) for i in saved] == items
    assert [i.repairs_harm for i in saved] == [True, True, True, False, False, False, False]
    page = client.get(reverse("case", args=[case.code])).content.decode()
    assert page.count("заглаживание вреда") == 3
    # The answer waits until every harm-repair item has been checked.
    case.refresh_from_db()
    fields = actions.report_defaults(case)
    actions.draft_report(case, actor=cast.facilitator, fields=fields, expected_version=0)
    with pytest.raises(ActionError, match="заглаживании вреда: Извиниться перед одноклассником; Вернуть"):
        actions.sign_report(case, actor=cast.coordinator)
    for item in saved[:3]:
        actions.record_followup(item, actor=cast.facilitator, result="done", checked_on=timezone.localdate())
    actions.sign_report(case, actor=cast.coordinator)
    case.refresh_from_db()
    assert case.status == S.REPORTED


def test_a_revision_starts_from_the_items_agreed_with_an_empty_row(client, cast, make_case):
    case = make_case(upto=S.FOLLOW_UP)
    client.force_login(cast.facilitator)
    page = client.get(reverse("case_agreement", args=[case.code])).content.decode()
    assert 'name="items-TOTAL_FORMS" value="2"' in page and 'value="Семейный совет раз в неделю"' in page


def test_dates_follow_the_case(cast, make_case):
    case = make_case(upto=S.PREPARATION)
    before = case.referral.submitted_on - DAY
    with pytest.raises(ActionError, match="Дата встречи не может быть раньше, чем дата направления"):
        actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.PRELIMINARY, held=True,
                               date=before, attendees=list(case.participants.all()))
    actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.JOINT, held=True,
                           date=timezone.localdate(), attendees=list(case.participants.all()))
    today = timezone.localdate()
    item = {"kind": "other", "action": "Ходить в школу", "responsible": "сын", "checker": "мать"}
    with pytest.raises(ActionError, match="Срок пункта 1 не может быть раньше, чем дата договора"):
        actions.record_agreement(case, actor=cast.facilitator, concluded_on=today, text="",
                                 items=[{**item, "deadline": today - DAY}])
    with pytest.raises(ActionError, match="не может быть раньше, чем дата направления"):
        actions.record_agreement(case, actor=cast.facilitator, concluded_on=before, text="",
                                 items=[{**item, "deadline": today}])
    case.refresh_from_db()
    assert case.status == S.PROGRAM and not hasattr(case, "agreement")
    agreement = actions.record_agreement(case, actor=cast.facilitator, concluded_on=today, text="",
                                         items=[{**item, "deadline": today}])
    with pytest.raises(ActionError, match="Дата проверки не может быть раньше"):
        actions.record_followup(agreement.items.get(), actor=cast.facilitator, result="done",
                                checked_on=today - 2 * DAY)


def test_family_network_members_are_marked_present(cast, make_case):
    case = make_case(upto=S.PREPARATION, kind="family_conference")
    aunt = actions.record_network_member(case, actor=cast.facilitator, name="Тётя Галина", relation="тётя",
                                         invited=True)
    barred = actions.record_network_member(case, actor=cast.facilitator, name="Отчим", relation="отчим",
                                           invited=False, excluded_reason="запрет суда")
    with pytest.raises(ActionError, match="нельзя присутствовать"):
        actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.INFO_SHARING, held=True,
                               date=timezone.localdate(), attendees=list(case.participants.all()),
                               network=[aunt, barred])
    meeting = actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.INFO_SHARING, held=True,
                                     date=timezone.localdate(), attendees=list(case.participants.all()),
                                     network=[aunt])
    assert list(meeting.network_attendees.all()) == [aunt]
    assert NetworkMember.objects.get(pk=aunt.pk).meetings.get() == meeting


def test_family_network_is_offered_on_the_meeting_page(client, cast, make_case):
    case = make_case(upto=S.PREPARATION, kind="family_conference")
    actions.record_network_member(case, actor=cast.facilitator, name="Тётя Галина", relation="тётя", invited=True)
    client.force_login(cast.facilitator)
    page = client.get(reverse("case_meeting", args=[case.code]) + "?kind=info_sharing").content.decode()
    assert "Присутствовали члены семейной сети" in page and "Тётя Галина (тётя)" in page


def test_a_facilitator_of_the_referring_agency_cannot_be_assigned(cast, make_case):
    from accounts.models import Membership, Role

    case = make_case(upto=S.REGISTERED)
    Membership.objects.create(user=cast.facilitator2, agency=case.referral.agency, role=Role.REFERRER)
    with pytest.raises(ActionError, match="работает в направившей организации"):
        actions.assign_facilitators(case, [cast.facilitator2], actor=cast.coordinator)


def test_a_declared_conflict_takes_the_facilitator_off_and_keeps_them_off(client, cast, make_case):
    case = make_case(upto=S.SCREENING)
    child = case.referral.persons.get(role="child").person
    client.force_login(cast.facilitator)
    response = client.post(reverse("case_conflict", args=[case.code]),
                           {"person": child.pk, "reason": "соседи по лестничной клетке"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.facilitators.filter(pk=cast.facilitator.pk).exists()
    conflict = Conflict.objects.get()
    assert (conflict.facilitator, conflict.person, conflict.recorded_by) == (cast.facilitator, child, cast.facilitator)
    assert Notification.objects.filter(user=cast.coordinator, text__contains="конфликте интересов").exists()
    # The coordinator sees it; the facilitator cannot be put back, nor on another case of the same child.
    client.force_login(cast.coordinator)
    page = client.get(reverse("case", args=[case.code])).content.decode()
    assert "Конфликт интересов" in page and "соседи по лестничной клетке" in page
    with pytest.raises(ActionError, match="заявил"):
        actions.assign_facilitators(case, [cast.facilitator], actor=cast.coordinator)
    other = make_case(upto=S.REGISTERED)  # the same child is referred again (found in the registry)
    other.referral.persons.create(person=child, role="child")
    with pytest.raises(ActionError, match="заявил"):
        actions.assign_facilitators(other, [cast.facilitator], actor=cast.coordinator)
    actions.assign_facilitators(other, [cast.facilitator2], actor=cast.coordinator)


def test_consent_is_withdrawn_after_the_answer_is_signed_and_the_referrer_loses_the_text(client, cast, make_case):
    case = make_case(upto=S.REPORTED)
    for participant in case.participants.all():
        actions.record_consent(participant, actor=cast.facilitator, purpose="share_agreement",
                               by_representative=False, given_on=timezone.localdate())
        if participant.is_minor:
            actions.record_consent(participant, actor=cast.facilitator, purpose="share_agreement",
                                   by_representative=True, given_on=timezone.localdate())
    client.force_login(cast.secretary)
    url = reverse("referral", args=[case.referral.code])
    assert "Семейный совет раз в неделю" in client.get(url).content.decode()
    consent = case.participants.first().consents.get(purpose="share_agreement", by_representative=False)
    client.force_login(cast.facilitator)
    page = client.get(reverse("case", args=[case.code])).content.decode()
    assert reverse("case_consent_withdraw", args=[case.code, consent.pk]) in page
    client.post(reverse("case_consent_withdraw", args=[case.code, consent.pk]))
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    client.force_login(cast.secretary)
    assert "Семейный совет раз в неделю" not in client.get(url).content.decode()


def test_an_unknown_access_need_is_an_error_not_read_access(cast, make_case):
    from cases.access import get_case_for_user

    case = make_case(upto=S.SCREENING)
    with pytest.raises(ValueError, match="mange"):
        get_case_for_user(cast.coordinator, case.code, need="mange")


def test_item_kinds_are_the_five_of_restorative_practice():
    assert set(AgreementItem.Kind.values) == {"apology", "restitution", "work", "behaviour", "other"}
    assert AgreementItem.HARM_REPAIR == {"apology", "restitution", "work"}


def test_a_draft_emptied_of_persons_is_refused_and_keeps_its_persons(cast, make_referral):
    from referrals import actions as referral_actions

    draft = make_referral(submit=False)
    before = list(draft.persons.values_list("person_id", flat=True))
    with pytest.raises(ActionError, match="хотя бы одного"):
        referral_actions.update_draft(draft, actor=cast.secretary, service=draft.service, fields={}, persons=[],
                                      submit=False)
    assert list(draft.persons.values_list("person_id", flat=True)) == before
    with pytest.raises(ActionError, match="хотя бы одного"):
        referral_actions.create_referral(actor=cast.secretary, agency=draft.agency, service=draft.service,
                                         fields={"situation": "cruelty_risk", "description": "x",
                                                 "representative_consent": True}, persons=[],
                                         submit=False)
    assert Referral.objects.count() == 1
