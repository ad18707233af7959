"""The loop through the web pages, with bad input at each step: a clear Russian message, nothing changed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from audit.models import AuditEvent
from cases.models import Case, CaseStatus, Meeting, Screening
from people.models import Person
from referrals.models import Referral

S = CaseStatus
DAY = datetime.timedelta(days=1)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def referral_post(**extra):
    data = {
        "situation": "cruelty_risk", "description": "Синяки у ребёнка.", "representative_consent": "on",
        "persons-TOTAL_FORMS": "4", "persons-INITIAL_FORMS": "0", "persons-MIN_NUM_FORMS": "4",
        "persons-MAX_NUM_FORMS": "12",
        "persons-0-role": "child", "persons-0-surname": "Смирнов", "persons-0-name": "Артём",
        "persons-0-birth_date": "2014-05-20",
        "persons-1-role": "parent", "persons-1-surname": "Смирнова", "persons-1-name": "Ольга",
        "persons-2-role": "other", "persons-3-role": "other", "submit": "1",
    }
    data.update(extra)
    return data


def test_referrer_sends_a_referral(client, cast):
    client.force_login(cast.secretary)
    response = client.post(reverse("referral_new"), referral_post())
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("referral", args=[referral.code])
    assert (referral.status, referral.agency, referral.author) == (Referral.Status.SUBMITTED, cast.commission,
                                                                   cast.secretary)
    assert [(rp.person.full_name, rp.role) for rp in referral.persons.all()] == [
        ("Смирнов Артём", "child"), ("Смирнова Ольга", "parent")]
    assert list(AuditEvent.objects.filter(object_code=referral.code).values_list("action", flat=True)) == [
        "referral.submit", "referral.create"]
    page = client.get(response["Location"]).content.decode()
    assert "Направление отправлено в службу." in page
    assert "Служба ещё не ответила." in page


def test_referral_with_missing_fields_keeps_the_input_and_saves_nothing(client, cast):
    client.force_login(cast.secretary)
    response = client.post(reverse("referral_new"), referral_post(
        description="", **{"persons-1-name": "", "persons-0-birth_date": "2999-01-01"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Обязательное поле." in page
    assert "Введите имя." in page
    assert "Дата не может быть в будущем." in page
    assert 'value="Смирнов"' in page  # the user's input is still in the form
    assert (Referral.objects.count(), Person.objects.count()) == (0, 0)


def test_referral_without_consent_is_refused_with_a_message(client, cast):
    client.force_login(cast.secretary)
    data = referral_post()
    del data["representative_consent"]
    response = client.post(reverse("referral_new"), data)
    assert response.status_code == 200
    assert "только при наличии согласия законного представителя" in response.content.decode()
    assert Referral.objects.count() == 0


def test_coordinator_accepts_and_assigns(client, cast, make_referral):
    referral = make_referral()
    client.force_login(cast.coordinator)
    response = client.post(reverse("referral_accept", args=[referral.code]))
    case = Case.objects.get(referral=referral)
    assert response["Location"] == reverse("case_assign", args=[case.code])
    assert case.journal_number == f"1/{timezone.localdate().year}"
    response = client.post(reverse("case_assign", args=[case.code]), {"facilitators": [cast.facilitator.pk]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, list(case.facilitators.all())) == (S.SCREENING, [cast.facilitator])


def test_assigning_three_facilitators_is_refused(client, cast, make_case):
    from accounts.models import Membership, Role, User

    third = User.objects.create_user("facilitator3", last_name="Third")
    Membership.objects.create(user=third, agency=cast.service, role=Role.FACILITATOR)
    case = make_case(upto=S.REGISTERED)
    client.force_login(cast.coordinator)
    response = client.post(reverse("case_assign", args=[case.code]),
                           {"facilitators": [cast.facilitator.pk, cast.facilitator2.pk, third.pk]})
    assert response.status_code == 200
    assert "Выберите одного или двух ведущих." in response.content.decode()  # the action's rule, said once
    assert case.facilitators.count() == 0


def test_decline_without_reason_shows_a_message_and_changes_nothing(client, cast, make_referral):
    referral = make_referral()
    client.force_login(cast.coordinator)
    response = client.post(reverse("referral_decline", args=[referral.code]), {"reason": ""}, follow=True)
    assert "Укажите причину отказа" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    response = client.post(reverse("referral_decline", args=[referral.code]), {"reason": "Не наш профиль."})
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (Referral.Status.DECLINED, "Не наш профиль.")
    client.force_login(cast.secretary)
    page = client.get(reverse("referral", args=[referral.code])).content.decode()
    assert "Не наш профиль." in page and "Служба отклонила направление." in page


def test_accepting_twice_is_an_illegal_transition(client, cast, make_referral):
    referral = make_referral()
    client.force_login(cast.coordinator)
    client.post(reverse("referral_accept", args=[referral.code]))
    response = client.post(reverse("referral_accept", args=[referral.code]), follow=True)
    assert "Этот шаг сейчас невозможен" in response.content.decode()
    assert Case.objects.count() == 1


def screening_post(outcome="suitable", **extra):
    data = {"done_on": timezone.localdate().isoformat(), "outcome": outcome}
    for key, _label in Screening.QUESTIONS:
        data[f"{key}_answer"] = "yes" if key in ("acknowledgement", "consent", "child_safe") else "no"
        data[f"{key}_source"] = "беседа с матерью"
    data.update(extra)
    return data


def test_facilitator_records_screening_and_the_case_moves_to_preparation(client, cast, make_case):
    case = make_case(upto=S.SCREENING)
    client.force_login(cast.facilitator)
    response = client.post(reverse("case_screening", args=[case.code]), screening_post())
    assert response.status_code == 302
    case.refresh_from_db()
    screening = case.screenings.get()
    assert (case.status, screening.outcome, screening.answers["violence"]) == (
        S.PREPARATION, "suitable", {"answer": "no", "source": "беседа с матерью"})


def test_screening_with_unanswered_question_or_future_date_saves_nothing(client, cast, make_case):
    case = make_case(upto=S.SCREENING)
    client.force_login(cast.facilitator)
    data = screening_post(done_on=(timezone.localdate() + DAY).isoformat())
    del data["violence_answer"]
    response = client.post(reverse("case_screening", args=[case.code]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Обязательное поле." in page and "Дата не может быть в будущем." in page
    response = client.post(reverse("case_screening", args=[case.code]), screening_post(outcome="safeguards"))
    assert "Перечислите меры безопасности" in response.content.decode()
    assert case.screenings.count() == 0


def test_joint_meeting_before_screening_is_refused_in_the_page(client, cast, make_case):
    case = make_case(upto=S.PREPARATION)
    case.screenings.all().delete()
    client.force_login(cast.facilitator)
    response = client.post(reverse("case_meeting", args=[case.code]) + "?kind=joint", {
        "held": "1", "date": timezone.localdate().isoformat(),
        "attendees": [p.pk for p in case.participants.all()]})
    assert response.status_code == 200
    assert "Общую встречу можно назначить только после оценки безопасности" in response.content.decode()
    assert case.meetings.count() == 0


def test_held_meeting_in_the_future_is_refused(client, cast, make_case):
    case = make_case(upto=S.PREPARATION)
    client.force_login(cast.facilitator)
    response = client.post(reverse("case_meeting", args=[case.code]), {
        "held": "1", "date": (timezone.localdate() + 3 * DAY).isoformat(),
        "attendees": [case.participants.first().pk], "notes": "заметки"})
    assert "У состоявшейся встречи не может быть даты в будущем." in response.content.decode()
    assert 'заметки' in response.content.decode()  # the notes the user typed are not lost
    assert case.meetings.count() == 0


def test_joint_meeting_moves_the_case_into_program(client, cast, make_case):
    case = make_case(upto=S.PREPARATION)
    client.force_login(cast.facilitator)
    response = client.post(reverse("case_meeting", args=[case.code]) + "?kind=joint", {
        "held": "1", "date": timezone.localdate().isoformat(), "duration_minutes": "90",
        "attendees": [p.pk for p in case.participants.all()], "notes": "Стороны договорились."})
    assert response.status_code == 302
    case.refresh_from_db()
    meeting = case.meetings.get()
    assert (case.status, meeting.kind, meeting.notes) == (S.PROGRAM, Meeting.Kind.JOINT, "Стороны договорились.")


def test_forged_forms_for_someone_elses_case_are_refused(client, cast, make_case):
    mine = make_case(upto=S.PREPARATION)
    other = make_case(upto=S.PREPARATION)
    # facilitator2 is not assigned to either case: every write is a 404.
    client.force_login(cast.facilitator2)
    assert client.post(reverse("case_meeting", args=[mine.code]), {}).status_code == 404
    # The assigned facilitator cannot smuggle a participant of another case into a meeting...
    client.force_login(cast.facilitator)
    response = client.post(reverse("case_meeting", args=[mine.code]), {
        "held": "1", "date": timezone.localdate().isoformat(),
        "attendees": [other.participants.first().pk]})
    assert response.status_code == 200 and mine.meetings.count() == 0
    # ...nor withdraw a consent of another case through this case's URL.
    foreign = other.participants.first().consents.first()
    assert client.post(reverse("case_consent_withdraw", args=[mine.code, foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.withdrawn_on is None


def test_agreement_followup_report_and_what_the_referrer_sees(client, cast, make_case):
    case = make_case(upto=S.PROGRAM)
    today = timezone.localdate().isoformat()
    client.force_login(cast.facilitator)
    items = {"items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "3",
             "items-MAX_NUM_FORMS": "20"}
    # An item with a missing column is refused and nothing is saved.
    response = client.post(reverse("case_agreement", args=[case.code]), {
        "concluded_on": today, "text": "CONFIDENTIAL-AGREEMENT-TEXT", **items, "items-0-action": "Ходить в школу"})
    assert "Заполните все графы пункта." in response.content.decode()
    assert not hasattr(Case.objects.get(pk=case.pk), "agreement")
    response = client.post(reverse("case_agreement", args=[case.code]), {
        "concluded_on": today, "text": "CONFIDENTIAL-AGREEMENT-TEXT", **items,
        "items-0-action": "Ходить в школу", "items-0-responsible": "сын", "items-0-deadline": today,
        "items-0-checker": "мать"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.FOLLOW_UP
    item = case.agreement.items.get()
    response = client.post(reverse("case_followup", args=[case.code, item.pk]),
                           {"result": "done", "checked_on": today})
    assert response.status_code == 302
    page = client.get(reverse("case_report", args=[case.code])).content.decode()
    assert 'name="minors" value="1"' in page and 'name="adults" value="1"' in page
    response = client.post(reverse("case_report", args=[case.code]), {
        "held": "on", "program_kind": "mediation", "started_on": today, "finished_on": today, "minors": "1",
        "adults": "1", "outcome": "agreement", "followup_result": "fulfilled",
        "summary": "Программа проведена, договор выполнен.", "version": "0"})  # the first draft
    assert response.status_code == 302
    # The facilitator cannot sign; the coordinator can.
    assert client.post(reverse("case_sign", args=[case.code])).status_code == 403
    client.force_login(cast.secretary)
    before = client.get(reverse("referral", args=[case.referral.code])).content.decode()
    assert "Программа проведена, договор выполнен." not in before
    client.force_login(cast.coordinator)
    client.post(reverse("case_sign", args=[case.code]))
    case.refresh_from_db()
    assert case.status == S.REPORTED
    client.force_login(cast.secretary)
    page = client.get(reverse("referral", args=[case.referral.code])).content.decode()
    assert "Программа проведена, договор выполнен." in page
    assert "Заключён договор (план семьи)" in page and "Договор выполнен" in page
    assert "Facilitator Тест Тестович" in page
    # Tier T3 never reaches the referrer: no screening sources, meeting notes or agreement text.
    for secret in ("CONFIDENTIAL-SCREENING-SOURCE", "CONFIDENTIAL-MEETING-NOTES", "CONFIDENTIAL-AGREEMENT-TEXT",
                   "Ходить в школу", "беседа"):
        assert secret not in page
    client.force_login(cast.coordinator)
    client.post(reverse("case_close", args=[case.code]))
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (S.CLOSED, timezone.localdate())


def test_every_view_of_a_case_page_writes_a_read_row(client, cast, make_case):
    case = make_case(upto=S.SCREENING)
    client.force_login(cast.facilitator)
    client.get(reverse("case", args=[case.code]))
    client.get(reverse("case", args=[case.code]))
    reads = AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, object_code=case.code)
    assert [(r.actor, r.action) for r in reads] == [(cast.facilitator, "view")] * 2


def test_the_case_page_shows_the_confidential_file_to_the_service(client, cast, make_case):
    case = make_case(upto=S.FOLLOW_UP)
    client.force_login(cast.facilitator)
    page = client.get(reverse("case", args=[case.code])).content.decode()
    for shown in ("CONFIDENTIAL-SCREENING-SOURCE", "CONFIDENTIAL-MEETING-NOTES", "CONFIDENTIAL-AGREEMENT-TEXT",
                  "Смирнов Артём"):
        assert shown in page


def test_withdrawing_a_referral(client, cast, make_referral):
    referral = make_referral()
    client.force_login(cast.secretary)
    client.post(reverse("referral_withdraw", args=[referral.code]))
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN


def test_a_draft_is_sent_later(client, cast):
    client.force_login(cast.secretary)
    data = referral_post()
    del data["submit"]
    data["draft"] = "1"
    client.post(reverse("referral_new"), data)
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.DRAFT
    client.post(reverse("referral_submit", args=[referral.code]))
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED and referral.due_date is not None


@pytest.mark.parametrize("login", ["secretary", "coordinator", "facilitator"])
def test_dashboards_show_what_needs_action(client, cast, make_referral, make_case, login):
    overdue = make_referral()
    Referral.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - DAY)
    make_case(upto=S.SCREENING)
    client.force_login(getattr(cast, login))
    page = client.get(reverse("home")).content.decode()
    expected = {
        "secretary": ["Ответ просрочен", "срок ответа"],
        "coordinator": ["Новые направления", "Информация о результатах на подпись", "Случаи без ведущих"],
        "facilitator": ["Мои случаи", "Провести оценку безопасности", f"№ {Case.objects.get().journal_number}"],
    }[login]
    for text in expected:
        assert text in page
    if login == "secretary":
        assert 'class="overdue"' in page


def test_referrer_sees_the_answers_of_the_last_thirty_days(cast, make_referral, make_case):
    """The "new answers" panel: a decline and a signed report are answers; an answer 31 days old is not new,
    a case still in work is not one, and another agency's answers never show."""
    from core.dashboard import panels_for
    from referrals import actions as referral_actions

    declined = make_referral()
    referral_actions.decline_referral(declined, actor=cast.coordinator, reason="Семья уже в программе.")
    reported = make_case(upto=S.REPORTED).referral
    old = make_case(upto=S.REPORTED).referral
    Referral.objects.filter(pk=old.pk).update(answered_at=timezone.now() - datetime.timedelta(days=31))
    in_work = make_case(upto=S.PROGRAM).referral
    make_case(upto=S.REPORTED, author=cast.guardian)
    panels = {p["key"]: p for p in panels_for(cast.secretary)}
    assert {r["pk"] for r in panels["answers"]["rows"]} == {declined.pk, reported.pk}
    assert in_work.answered_at is None and panels["answers"]["count"] == 2
    assert Referral.objects.get(pk=reported.pk).answered_at == reported.case.report.signed_at


def test_journal_lines_show_what_the_case_file_holds(client, cast, make_case):
    case = make_case(upto=S.REPORTED)
    make_case(upto=S.REGISTERED)  # no program, no facilitators, no report: dashes, not «None»
    client.force_login(cast.coordinator)
    page = client.get(reverse("cases")).content.decode()
    line = page[page.index(f">{case.journal_number}<"):].split("</tr>")[0]
    for text in [case.opened_on.strftime("%d.%m.%Y"), cast.commission.short_name,
                 capfirst(case.referral.get_situation_display()), capfirst(case.program.get_kind_display()),
                 cast.facilitator.short_name, "1 / 1", capfirst(case.report.get_outcome_display()),
                 case.get_status_display()]:
        assert text in line, text
    assert "None" not in page and page.count("<td>—</td>") >= 3


def test_referral_list_lines(client, cast, make_referral, make_case):
    """Each line: the date, the agency, the situation, the status with «ответ дан» once answered, the answer due
    (marked overdue) only while the service has not answered, and the case number."""
    from referrals import actions as referral_actions

    waiting = make_referral()
    Referral.objects.filter(pk=waiting.pk).update(due_date=timezone.localdate() - DAY)
    declined = make_referral()
    referral_actions.decline_referral(declined, actor=cast.coordinator, reason="Семья уже в программе.")
    reported = make_case(upto=S.REPORTED)
    client.force_login(cast.secretary)
    page = client.get(reverse("referrals")).content.decode()

    def line(referral):
        return page[page.index(reverse("referral", args=[referral.code])):].split("</tr>")[0]

    overdue = (timezone.localdate() - DAY).strftime("%d.%m.%Y")
    assert f"{overdue} — просрочен" in line(waiting) and "ответ дан" not in line(waiting)
    assert "ответ дан" in line(declined) and "отклонено" in line(declined).lower()
    assert "ответ дан" in line(reported.referral) and f"№ {reported.journal_number}" in line(reported.referral)
    assert cast.commission.short_name in line(waiting) and "None" not in page


def test_panel_totals_count_each_row_once(cast, make_case):
    """A panel's total comes with its rows in one query; a notice that reaches the reader through two of their
    agencies is one notice, not two (notices_visible_to names each notice once)."""
    from accounts.models import Membership, Role, User
    from core.dashboard import panels_for
    from safety.actions import open_notice

    notices = [open_notice(make_case(upto=S.PROGRAM), actor=cast.coordinator,
                           recipients=[cast.commission, cast.guardianship], content="Ребёнок в опасности.")
               for _ in range(2)]
    # The secretary also works for the guardianship body: each notice reaches them through two recipients.
    Membership.objects.create(user=cast.secretary, agency=cast.guardianship, role=Role.REFERRER)
    secretary = User.objects.get(pk=cast.secretary.pk)
    panels = {p["key"]: p for p in panels_for(secretary)}
    assert panels["notices"]["count"] == 2
    assert sorted(n.pk for n in panels["notices"]["rows"]) == sorted(n.pk for n in notices)
    coordinator = {p["key"]: p for p in panels_for(cast.coordinator)}
    assert coordinator["hold"]["count"] == 2 and coordinator["notifications"]["count"] >= 2


def test_the_migration_fills_answered_at_of_earlier_answers(cast, make_referral, make_case):
    import importlib

    from django.apps import apps

    from referrals import actions as referral_actions

    migration = importlib.import_module("referrals.migrations.0005_referral_answered_list_indexes")
    declined = make_referral()
    referral_actions.decline_referral(declined, actor=cast.coordinator, reason="Семья уже в программе.")
    reported = make_case(upto=S.REPORTED)
    waiting = make_referral()
    Referral.objects.update(answered_at=None)
    migration.backfill_answered(apps, None)
    answered = dict(Referral.objects.values_list("pk", "answered_at"))
    declined.refresh_from_db()
    assert answered[declined.pk] == declined.decided_at
    assert answered[reported.referral_id] == reported.report.signed_at
    assert answered[waiting.pk] is None
