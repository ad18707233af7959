"""The rules that must hold whatever the screen (DESIGN §4.1), checked on the actions."""

import datetime

import pytest
from django.utils import timezone

from audit.log import verify_chain
from audit.models import AppendOnlyError, AuditEvent
from cases import actions
from cases.models import CaseStatus, Consent, Meeting, OutcomeReport, Program, Screening
from lib.errors import ActionError
from referrals import actions as referral_actions
from referrals.models import Referral

S = CaseStatus
DAY = datetime.timedelta(days=1)


def suitable_answers():
    answers = {k: {"answer": "no", "source": "беседа"} for k, _ in Screening.QUESTIONS}
    for key in ("acknowledgement", "consent", "child_safe"):
        answers[key] = {"answer": "yes", "source": "беседа"}
    return answers


def test_submit_sets_due_date_from_the_regional_setting(cast, make_referral, settings):
    settings.OPENDOOR_ANSWER_DAYS = 30
    referral = make_referral()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.due_date == referral.submitted_on + 30 * DAY


def test_referral_without_representative_consent_is_not_sent(cast, make_referral):
    referral = make_referral(submit=False)
    Referral.objects.filter(pk=referral.pk).update(representative_consent=False)
    referral.refresh_from_db()
    with pytest.raises(ActionError, match="согласия законного представителя"):
        referral_actions.submit_referral(referral, actor=cast.secretary)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT


def test_journal_numbers_run_per_service_and_year(cast, make_referral):
    year = timezone.localdate().year
    first = actions.accept_referral(make_referral(), actor=cast.coordinator)
    second = actions.accept_referral(make_referral(), actor=cast.coordinator)
    assert [first.journal_number, second.journal_number] == [f"1/{year}", f"2/{year}"]
    next_year = actions.accept_referral(
        make_referral(), actor=cast.coordinator, today=datetime.date(year + 1, 1, 2))
    assert next_year.journal_number == f"1/{year + 1}"


def test_decline_needs_a_reason(cast, make_referral):
    referral = make_referral()
    with pytest.raises(ActionError):
        referral_actions.decline_referral(referral, actor=cast.coordinator, reason="  ")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_joint_meeting_is_refused_before_a_suitable_screening(cast, make_case):
    case = make_case(upto=S.SCREENING)
    actions.choose_program(case, actor=cast.facilitator, kind=Program.Kind.MEDIATION)
    with pytest.raises(ActionError):
        # Meetings are not even possible in SCREENING.
        actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.JOINT, held=False,
                               date=timezone.localdate())
    actions.record_screening(case, actor=cast.facilitator, done_on=timezone.localdate(),
                             answers=suitable_answers(), outcome=Screening.Outcome.NOT_NOW,
                             recheck_on=timezone.localdate() + 10 * DAY)
    case.refresh_from_db()
    assert case.status == S.SCREENING
    assert case.meetings.count() == 0


def test_rescreening_not_suitable_in_preparation_blocks_the_joint_meeting(cast, make_case):
    case = make_case(upto=S.PREPARATION)
    actions.record_screening(case, actor=cast.facilitator, done_on=timezone.localdate(),
                             answers=suitable_answers(), outcome=Screening.Outcome.NOT_NOW,
                             recheck_on=timezone.localdate() + 10 * DAY)
    case.refresh_from_db()
    assert case.status == S.SCREENING
    assert case.screenings.count() == 2


def test_joint_meeting_needs_consent_of_every_attendee_and_the_representative_for_a_minor(cast, make_case):
    case = make_case(upto=S.PREPARATION)
    child = case.participants.get(is_minor=True)
    representative_consent = child.consents.get(by_representative=True)
    actions.withdraw_consent(representative_consent, actor=cast.facilitator)
    with pytest.raises(ActionError, match="Смирнов Артём"):
        actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.JOINT, held=True,
                               date=timezone.localdate(), attendees=list(case.participants.all()))
    case.refresh_from_db()
    assert (case.status, case.meetings.count()) == (S.PREPARATION, 0)


def test_a_held_meeting_cannot_be_in_the_future(cast, make_case):
    case = make_case(upto=S.PREPARATION)
    with pytest.raises(ActionError, match="в будущем"):
        actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.PRELIMINARY, held=True,
                               date=timezone.localdate() + DAY, attendees=list(case.participants.all()[:1]))
    assert case.meetings.count() == 0


def test_family_time_keeps_no_professional_notes(cast, make_case):
    case = make_case(upto=S.PREPARATION, kind=Program.Kind.FAMILY_CONFERENCE)
    meeting = actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.FAMILY_TIME, held=True,
                                     date=timezone.localdate(), attendees=list(case.participants.all()),
                                     notes="should not be kept")
    assert meeting.notes == ""


def test_shuttle_mediation_reaches_agreement_without_a_joint_meeting(cast, make_case):
    case = make_case(upto=S.PREPARATION)
    actions.choose_program(case, actor=cast.facilitator, kind=Program.Kind.MEDIATION, shuttle=True)
    with pytest.raises(ActionError, match="челночной"):
        actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.JOINT, held=True,
                               date=timezone.localdate(), attendees=list(case.participants.all()))
    actions.record_agreement(case, actor=cast.facilitator, concluded_on=timezone.localdate(), text="",
                             items=[{"action": "a", "responsible": "b", "deadline": timezone.localdate(),
                                     "checker": "c"}])
    case.refresh_from_db()
    assert case.status == S.FOLLOW_UP


def test_report_defaults_count_participants_and_follow_up(cast, make_case):
    case = make_case(upto=S.FOLLOW_UP)
    item = case.agreement.items.get()
    actions.record_followup(item, actor=cast.facilitator, result="partly", checked_on=timezone.localdate())
    defaults = actions.report_defaults(case)
    assert (defaults["held"], defaults["minors"], defaults["adults"], defaults["outcome"],
            defaults["followup_result"]) == (True, 1, 1, OutcomeReport.Outcome.AGREEMENT,
                                             OutcomeReport.FollowUpResult.PARTLY)


def test_signed_report_cannot_be_redrafted(cast, make_case):
    case = make_case(upto=S.REPORTED)
    with pytest.raises(ActionError):
        actions.draft_report(case, actor=cast.facilitator, fields={"summary": "changed"},
                              expected_version=case.report.version)
    assert case.report.summary == "Программа проведена, договор выполнен."


def test_assigning_someone_who_is_not_a_facilitator_is_refused(cast, make_case):
    case = make_case(upto=S.REGISTERED)
    with pytest.raises(ActionError):
        actions.assign_facilitators(case, [cast.methodologist], actor=cast.coordinator)
    with pytest.raises(ActionError):
        actions.assign_facilitators(case, [cast.facilitator, cast.facilitator2, cast.coordinator],
                                    actor=cast.coordinator)
    case.refresh_from_db()
    assert (case.status, list(case.facilitators.all())) == (S.REGISTERED, [])


def test_consent_by_representative_only_for_minors(cast, make_case):
    case = make_case(upto=S.PREPARATION)
    adult = case.participants.get(is_minor=False)
    with pytest.raises(ActionError):
        actions.record_consent(adult, actor=cast.facilitator, purpose=Consent.Purpose.TAKE_PART,
                               by_representative=True, given_on=timezone.localdate())


def test_every_action_writes_audit_rows_with_field_names_only(cast, make_case):
    case = make_case(upto=S.CLOSED)
    rows = list(AuditEvent.objects.filter(object_code=case.code).order_by("id"))
    actions_done = [r.action for r in rows]
    for expected in ["case.open", "case.assign", "case.screening", "case.meeting", "case.agreement",
                     "case.followup", "case.report.draft", "case.report.sign", "case.close"]:
        assert expected in actions_done
    flat = " ".join(" ".join(r.fields) for r in rows)
    assert "Смирнов" not in flat and "CONFIDENTIAL" not in flat
    assert verify_chain() is None


def test_audit_log_is_append_only_and_tamper_evident(cast, make_case):
    make_case(upto=S.SCREENING)
    row = AuditEvent.objects.order_by("id").first()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(action="x")
    # Tampering behind the ORM's back is detected by the hash chain.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [row.pk])
    assert verify_chain() == row.pk


def test_a_failed_action_leaves_no_audit_row(cast, make_case):
    case = make_case(upto=S.SCREENING)
    before = AuditEvent.objects.count()
    with pytest.raises(ActionError):
        actions.record_screening(case, actor=cast.facilitator, done_on=timezone.localdate(),
                                 answers=suitable_answers(), outcome=Screening.Outcome.NOT_SUITABLE, reason="")
    assert AuditEvent.objects.count() == before
