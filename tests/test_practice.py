"""Restorative practice in full (issue 3): consent to share, family conferences, safety, reminders."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from cases import actions
from cases.models import Agreement, CaseStatus, Consent, Meeting, OutcomeReport, Program, ReviewDecision
from core.models import ReminderSent
from core.reminders import send_due_reminders
from lib.dates import add_months
from lib.errors import ActionError
from safety.actions import default_recipients, open_notice, resume_case, terminate_case
from safety.models import ImmutableError, SafetyNotice

S = CaseStatus
DAY = datetime.timedelta(days=1)
ITEMS = [{"action": "Бабушка забирает внука из школы", "responsible": "бабушка",
          "deadline": datetime.date.today(), "checker": "мать"}]


def share_all(case, cast, given_on=None):
    for p in case.participants.all():
        actions.record_consent(p, actor=cast.facilitator, purpose=Consent.Purpose.SHARE_AGREEMENT,
                               by_representative=False, given_on=given_on or timezone.localdate())
        if p.is_minor:
            actions.record_consent(p, actor=cast.facilitator, purpose=Consent.Purpose.SHARE_AGREEMENT,
                                   by_representative=True, given_on=given_on or timezone.localdate())


# --- consent register ------------------------------------------------------------------------------------

def test_add_months_clips_to_the_end_of_the_month():
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 1, 15), 12) == datetime.date(2027, 1, 15)


def test_agreement_reaches_the_referrer_only_with_every_consent(client, cast, make_case):
    case = make_case(upto=S.REPORTED)
    client.force_login(cast.secretary)
    url = reverse("referral", args=[case.referral.code])
    page = client.get(url).content.decode()
    assert "Семейный совет раз в неделю" not in page
    assert "не все стороны дали согласие" in page
    # The adult consents; the child too, but the legal representative has not: still withheld.
    child = case.participants.get(is_minor=True)
    adult = case.participants.get(is_minor=False)
    for p, by_rep in [(adult, False), (child, False)]:
        actions.record_consent(p, actor=cast.facilitator, purpose=Consent.Purpose.SHARE_AGREEMENT,
                               by_representative=by_rep, given_on=timezone.localdate())
    assert not case.agreement_shareable()
    assert "Семейный совет раз в неделю" not in client.get(url).content.decode()
    actions.record_consent(child, actor=cast.facilitator, purpose=Consent.Purpose.SHARE_AGREEMENT,
                           by_representative=True, given_on=timezone.localdate())
    assert "Семейный совет раз в неделю" in client.get(url).content.decode()
    # The consent came after the answer was signed: the sent documents are written again with the agreement.
    document = reverse("referral_report", args=[case.referral.code, "pdf"])
    assert "Семейный совет" in pdf_text(client.get(document).content)
    # Withdrawn consent withdraws the text again, from the page and from the documents.
    consent = adult.consents.get(purpose=Consent.Purpose.SHARE_AGREEMENT)
    actions.withdraw_consent(consent, actor=cast.facilitator)
    assert "Семейный совет раз в неделю" not in client.get(url).content.decode()
    text = pdf_text(client.get(document).content)
    assert "Семейный совет" not in text and "не все стороны дали согласие" in text


def pdf_text(content):
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace("\n", " ")


# --- family conference ------------------------------------------------------------------------------------

@pytest.fixture
def conference(cast, make_case):
    case = make_case(upto=S.PREPARATION, kind=Program.Kind.FAMILY_CONFERENCE)
    share_all(case, cast)
    everyone = list(case.participants.all())
    today = timezone.localdate()
    actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.INFO_SHARING, held=True, date=today,
                           attendees=everyone, notes="Опека рассказала о рисках.")
    actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.FAMILY_TIME, held=True, date=today,
                           attendees=everyone)
    case.refresh_from_db()
    return case


def test_family_time_form_has_no_notes_field(client, cast, conference):
    client.force_login(cast.facilitator)
    page = client.get(reverse("case_meeting", args=[conference.code]) + "?kind=family_time").content.decode()
    assert 'name="notes"' not in page
    page = client.get(reverse("case_meeting", args=[conference.code]) + "?kind=joint").content.decode()
    assert 'name="notes"' in page


def test_family_plan_needs_a_review_date_within_the_limit(cast, conference):
    today = timezone.localdate()
    assert conference.status == S.PROGRAM
    with pytest.raises(ActionError, match="дату пересмотра"):
        actions.record_agreement(conference, actor=cast.facilitator, concluded_on=today, text="", items=ITEMS)
    # The child is ten: twelve months at most.
    with pytest.raises(ActionError, match="12"):
        actions.record_agreement(conference, actor=cast.facilitator, concluded_on=today, text="", items=ITEMS,
                                 review_on=add_months(today, 12) + DAY)
    agreement = actions.record_agreement(conference, actor=cast.facilitator, concluded_on=today, text="План",
                                         items=ITEMS, review_on=add_months(today, 12))
    assert agreement.decision == Agreement.Decision.PENDING


def test_a_child_under_seven_gets_six_months(cast, conference):
    child = conference.participants.get(is_minor=True).person
    child.birth_date = timezone.localdate() - datetime.timedelta(days=5 * 365)
    child.save()
    today = timezone.localdate()
    with pytest.raises(ActionError, match="6"):
        actions.record_agreement(conference, actor=cast.facilitator, concluded_on=today, text="", items=ITEMS,
                                 review_on=add_months(today, 7))


def test_referrer_refuses_then_accepts_a_revised_plan(client, cast, conference):
    today = timezone.localdate()
    actions.record_agreement(conference, actor=cast.facilitator, concluded_on=today, text="План семьи",
                             items=ITEMS, review_on=add_months(today, 6))
    client.force_login(cast.secretary)
    url = reverse("referral", args=[conference.referral.code])
    page = client.get(url).content.decode()
    assert "Бабушка забирает внука из школы" in page and "Отправить решение" in page
    response = client.post(reverse("referral_plan", args=[conference.referral.code]), {"decision": "refuse"},
                           follow=True)
    assert "Укажите причины отказа от плана" in response.content.decode()
    client.post(reverse("referral_plan", args=[conference.referral.code]),
                {"decision": "refuse", "reason": "Нет плана на выходные дни."})
    conference.refresh_from_db()
    assert (conference.agreement.decision, conference.agreement.decision_reason) == (
        Agreement.Decision.REFUSED, "Нет плана на выходные дни.")
    # The facilitator sees the reasons and the family revises the plan.
    client.force_login(cast.facilitator)
    assert "Нет плана на выходные дни." in client.get(reverse("case", args=[conference.code])).content.decode()
    actions.revise_plan(conference, actor=cast.facilitator, concluded_on=today, text="План 2",
                        items=[*ITEMS, {"action": "Выходные у бабушки", "responsible": "мать",
                                        "deadline": today, "checker": "бабушка"}], review_on=add_months(today, 6))
    conference.refresh_from_db()
    assert (conference.agreement.version, conference.agreement.decision) == (2, Agreement.Decision.PENDING)
    client.force_login(cast.secretary)
    client.post(reverse("referral_plan", args=[conference.referral.code]), {"decision": "accept"})
    conference.refresh_from_db()
    assert conference.agreement.decision == Agreement.Decision.ACCEPTED
    # Another agency of the same district cannot decide on it.
    client.force_login(cast.guardian)
    assert client.post(reverse("referral_plan", args=[conference.referral.code]),
                       {"decision": "accept"}).status_code == 404


def test_plan_is_not_shown_for_decision_without_consents(client, cast, make_case):
    case = make_case(upto=S.PREPARATION, kind=Program.Kind.FAMILY_CONFERENCE)
    actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.JOINT, held=True,
                           date=timezone.localdate(), attendees=list(case.participants.all()))
    today = timezone.localdate()
    agreement = actions.record_agreement(case, actor=cast.facilitator, concluded_on=today, text="", items=ITEMS,
                                         review_on=add_months(today, 6))
    with pytest.raises(ActionError):
        actions.decide_plan(agreement, actor=cast.secretary, accepted=True)
    client.force_login(cast.secretary)
    page = client.get(reverse("referral", args=[case.referral.code])).content.decode()
    assert "Бабушка забирает" not in page and "не все стороны дали согласие" in page


@pytest.mark.parametrize(("decision", "status", "outcome"), [
    (ReviewDecision.CLOSE, S.FOLLOW_UP, OutcomeReport.Outcome.AGREEMENT),
    (ReviewDecision.RECONVENE, S.PROGRAM, OutcomeReport.Outcome.NO_AGREEMENT),
    (ReviewDecision.ESCALATE, S.TERMINATED, OutcomeReport.Outcome.ESCALATED),
])
def test_review_closes_reconvenes_or_escalates(cast, conference, decision, status, outcome):
    today = timezone.localdate()
    actions.record_agreement(conference, actor=cast.facilitator, concluded_on=today, text="", items=ITEMS,
                             review_on=add_months(today, 6))
    actions.record_review(conference, actor=cast.facilitator, date=today, decision=decision,
                          attendees=list(conference.participants.all()))
    conference.refresh_from_db()
    assert conference.status == status
    assert conference.meetings.filter(kind=Meeting.Kind.REVIEW).count() == 1
    assert actions.report_defaults(conference)["outcome"] == outcome


def test_network_member_not_invited_needs_a_reason(cast, conference):
    with pytest.raises(ActionError):
        actions.record_network_member(conference, actor=cast.facilitator, name="Отчим", relation="отчим",
                                      invited=False)
    actions.record_network_member(conference, actor=cast.facilitator, name="Отчим", relation="отчим",
                                  invited=False, excluded_reason="решение суда")
    assert conference.network.get().excluded_reason == "решение суда"


def test_shuttle_mediation_offers_only_separate_meetings(client, cast, make_case):
    case = make_case(upto=S.PREPARATION)
    actions.choose_program(case, actor=cast.facilitator, kind=Program.Kind.MEDIATION, shuttle=True)
    client.force_login(cast.facilitator)
    page = client.get(reverse("case_meeting", args=[case.code]) + "?kind=joint").content.decode()
    assert "?kind=joint" not in page and "<h2>Предварительная встреча</h2>" in page
    # The kinds are the action's rule, not only the page's: private family time belongs to a family conference.
    mediation = make_case(upto=S.PREPARATION, kind=Program.Kind.MEDIATION)
    with pytest.raises(ActionError, match="нет встреч такого вида"):
        actions.record_meeting(mediation, actor=cast.facilitator, kind="family_time", held=True,
                               date=timezone.localdate(), attendees=list(mediation.participants.all()))
    assert not mediation.meetings.filter(kind="family_time").exists()


def test_circle_takes_many_participants(cast, make_case):
    case = make_case(upto=S.PREPARATION, kind=Program.Kind.CIRCLE)
    for n in range(8):
        p = actions.add_participant(case, actor=cast.facilitator, role="relative",
                                    person_fields={"surname": f"Участник{n}", "name": "Круга"})
        actions.record_consent(p, actor=cast.facilitator, purpose=Consent.Purpose.TAKE_PART,
                               by_representative=False, given_on=timezone.localdate())
    meeting = actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.JOINT, held=True,
                                     date=timezone.localdate(), attendees=list(case.participants.all()))
    assert meeting.attendees.count() == 10


# --- safety ---------------------------------------------------------------------------------------------

def test_safety_notice_puts_the_case_on_hold_and_reaches_the_recipients(client, cast, make_case, mailoutbox,
                                                                         django_capture_on_commit_callbacks):
    case = make_case(upto=S.PROGRAM)
    recipients = default_recipients(case)
    assert sorted(a.short_name for a in recipients) == ["КДНиЗП Гагарин", "Опека Гагарин"]
    cast.guardian.email = "guardian@example.ru"
    cast.guardian.save()
    cast.coordinator.email = "coordinator@example.ru"
    cast.coordinator.save()
    client.force_login(cast.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("case_notice_new", args=[case.code]), {
            "recipients": [a.pk for a in recipients], "content": "Ребёнок рассказал о побоях отчимом."})
    notice = SafetyNotice.objects.get()
    assert response["Location"] == reverse("safety_notice", args=[notice.code])
    case.refresh_from_db()
    assert (case.status, case.held_from) == (S.SAFETY_HOLD, S.PROGRAM)
    assert (notice.sender, notice.content) == (cast.facilitator, "Ребёнок рассказал о побоях отчимом.")
    # The coordinator is alerted; the guardianship specialist gets it in the app and by e-mail.
    assert Notification.objects.filter(user=cast.coordinator, urgent=True).count() == 1
    assert Notification.objects.filter(user=cast.guardian, urgent=True).count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["coordinator@example.ru", "guardian@example.ru"]
    assert "побоях" not in " ".join(m.body for m in mailoutbox)  # e-mail says only that a notice exists
    client.force_login(cast.guardian)
    page = client.get(reverse("safety_notice", args=[notice.code])).content.decode()
    assert "Ребёнок рассказал о побоях отчимом." in page and "Смирнов Артём" in page
    # ...and only the notice: the case file stays closed to the guardianship body.
    assert client.get(reverse("case", args=[case.code])).status_code == 404
    assert client.get(reverse("safety_notices")).content.decode().count(notice.code) == 1
    client.force_login(cast.outsider)
    assert client.get(reverse("safety_notice", args=[notice.code])).status_code == 404


def test_a_notice_can_never_be_changed_or_deleted(cast, make_case):
    case = make_case(upto=S.PREPARATION)
    notice = open_notice(case, actor=cast.facilitator, recipients=default_recipients(case), content="Угроза.")
    notice.content = "Изменено"
    with pytest.raises(ImmutableError):
        notice.save()
    with pytest.raises(ImmutableError):
        notice.delete()
    with pytest.raises(ImmutableError):
        SafetyNotice.objects.filter(pk=notice.pk).update(content="x")
    with pytest.raises(ImmutableError):
        SafetyNotice.objects.all().delete()
    with pytest.raises(ImmutableError), transaction.atomic():
        notice.recipients.clear()
    # A correction is a new notice that follows the first.
    second = open_notice(case, actor=cast.facilitator, recipients=default_recipients(case),
                         content="Уточнение.", follows=notice)
    assert list(notice.followed_by.all()) == [second]
    assert SafetyNotice.objects.get(pk=notice.pk).content == "Угроза."


def test_a_case_on_hold_accepts_no_program_actions(cast, make_case):
    case = make_case(upto=S.PREPARATION)
    open_notice(case, actor=cast.facilitator, recipients=default_recipients(case), content="Угроза.")
    case.refresh_from_db()
    today = timezone.localdate()
    participant = case.participants.first()
    refused = [
        lambda: actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.JOINT, held=True,
                                       date=today, attendees=[participant]),
        lambda: actions.record_agreement(case, actor=cast.facilitator, concluded_on=today, text="", items=ITEMS),
        lambda: actions.add_participant(case, actor=cast.facilitator, role="party",
                                        person_fields={"surname": "А", "name": "Б"}),
        lambda: actions.record_consent(participant, actor=cast.facilitator, purpose=Consent.Purpose.TAKE_PART,
                                       by_representative=False, given_on=today),
        lambda: actions.choose_program(case, actor=cast.facilitator, kind=Program.Kind.CIRCLE),
        lambda: actions.mark_not_held(case, actor=cast.facilitator, reason="resolved"),
        lambda: actions.draft_report(case, actor=cast.facilitator, fields={"summary": "x"}, expected_version=0),
    ]
    for action in refused:
        with pytest.raises(ActionError):
            action()
    case.refresh_from_db()
    assert case.status == S.SAFETY_HOLD and case.meetings.count() == 0


def test_hold_ends_only_by_an_explicit_decision(client, cast, make_case):
    case = make_case(upto=S.PREPARATION)
    open_notice(case, actor=cast.facilitator, recipients=default_recipients(case), content="Угроза.")
    case.refresh_from_db()
    client.force_login(cast.facilitator)
    assert client.post(reverse("case_resume", args=[case.code]), {"reason": "x"}).status_code == 403
    client.force_login(cast.coordinator)
    response = client.post(reverse("case_resume", args=[case.code]), {"reason": ""}, follow=True)
    assert "безопасно возобновить" in response.content.decode()
    resume_case(case, actor=cast.coordinator, reason="Отчим выехал; опека подтвердила безопасность.")
    assert case.status == S.PREPARATION
    other = make_case(upto=S.SCREENING)
    open_notice(other, actor=cast.facilitator, recipients=default_recipients(other), content="Угроза.")
    other.refresh_from_db()
    terminate_case(other, actor=cast.coordinator, reason="Дело передано в опеку.")
    assert other.status == S.TERMINATED
    assert actions.report_defaults(other)["outcome"] == OutcomeReport.Outcome.TERMINATED


# --- reminders ------------------------------------------------------------------------------------------

def test_reminders_fire_on_the_right_day_and_exactly_once(cast, make_referral, make_case, settings):
    settings.OPENDOOR_REMIND_DAYS_BEFORE = 3
    cast.coordinator.email = "coordinator@example.ru"
    cast.coordinator.save()
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        referral = make_referral()  # answer due 1 April
        assert referral.due_date == datetime.date(2026, 4, 1)
        assert send_due_reminders() == 0
    with time_machine.travel(datetime.datetime(2026, 3, 28, 8, 0, tzinfo=datetime.UTC), tick=False):
        assert send_due_reminders() == 0  # four days before: too early
    with time_machine.travel(datetime.datetime(2026, 3, 29, 8, 0, tzinfo=datetime.UTC), tick=False):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0  # a second run the same day sends nothing
    with time_machine.travel(datetime.datetime(2026, 3, 30, 8, 0, tzinfo=datetime.UTC), tick=False):
        assert send_due_reminders() == 0  # nor the next day
    with time_machine.travel(datetime.datetime(2026, 4, 2, 8, 0, tzinfo=datetime.UTC), tick=False):
        # Overdue: the coordinator and the author are told, once.
        assert send_due_reminders() == 2
        assert send_due_reminders() == 0
    assert list(ReminderSent.objects.order_by("id").values_list("kind", "user__username")) == [
        ("answer_due", "coordinator"), ("answer_overdue", "coordinator"), ("answer_overdue", "secretary")]
    texts = list(Notification.objects.filter(user=cast.coordinator).values_list("text", flat=True))
    assert texts == ["Ответ на направление просрочен с 01.04.2026.", "Срок ответа на направление — 01.04.2026."]


def test_followup_reminder_goes_to_the_facilitator_on_the_deadline(cast, make_case):
    case = make_case(upto=S.FOLLOW_UP)
    item = case.agreement.items.get()
    assert send_due_reminders(today=item.deadline - DAY) == 0
    assert send_due_reminders(today=item.deadline) == 1
    assert send_due_reminders(today=item.deadline + DAY) == 0
    assert Notification.objects.get(user=cast.facilitator).url == reverse("case", args=[case.code])


def test_overdue_items_show_on_the_dashboards(client, cast, make_case):
    case = make_case(upto=S.FOLLOW_UP)
    deadline = case.agreement.items.get().deadline
    with time_machine.travel(timezone.now() + 5 * DAY):
        client.force_login(cast.facilitator)
        page = client.get(reverse("home")).content.decode()
        # «Мои случаи»: the case, its family, the next step and its date, marked overdue.
        row = page[page.index(f"№ {case.journal_number}"):]
        row = row[:row.index("</tr>")]
        assert "Смирнов А. О. и ещё 1" in row and "Проверить выполнение пунктов договора" in row
        assert f"{deadline:%d.%m.%Y} — просрочено" in row


def test_the_worker_schedules_the_next_daily_run(settings, db):
    from django_tasks_db.models import DBTaskResult

    from core.tasks import schedule_next_run

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.OPENDOOR_REMINDER_HOUR = 7
    now = timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 30))
    result = schedule_next_run(now)
    row = DBTaskResult.objects.get()
    assert row.task_path == "core.tasks.daily_reminders"
    assert timezone.localtime(row.run_after) == timezone.make_aware(datetime.datetime(2026, 5, 5, 7, 0))
    assert result is not None and schedule_next_run(now) is None  # never two pending runs
