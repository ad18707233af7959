"""Every change of a case. Each checks its rule, runs in one transaction and writes its audit row."""

import datetime
import hashlib

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.notify import notify as tell
from audit import log
from lib.conflicts import NEW, UNCHECKED, check_version
from lib.dates import add_months
from lib.errors import ActionError
from lib.state import check_transition
from lib.uploads import accept, safe_name
from people import registry
from people.access import persons_of_services
from people.models import Person
from referrals import actions as referral_actions
from referrals.models import Referral, ReferralPerson, SentAnswer
from referrals.signals import referral_changed

from . import documents
from .models import (
    CASE_TRANSITIONS,
    OPEN_STATES,
    REPORTABLE_STATES,
    Agreement,
    AgreementItem,
    Attachment,
    Case,
    CaseStatus,
    Conflict,
    Consent,
    FollowUp,
    ImportBatch,
    ImportedRow,
    Meeting,
    NetworkMember,
    OutcomeReport,
    Participant,
    Program,
    ReviewDecision,
    Screening,
    reserve_journal_numbers,
)

S = CaseStatus


@transaction.atomic
def accept_referral(referral, *, actor, today=None):
    """Accept a referral and open its case with the next journal number of the service for the year."""
    today = today or timezone.localdate()
    referral_actions.mark_accepted(referral, actor=actor)
    case = Case.objects.create(
        referral=referral, service_id=referral.service_id, year=today.year,
        number=reserve_journal_numbers(referral.service_id, today.year), opened_on=today,
    )
    log.record(actor, "case.open", case, fields=["number", "year", "status"])
    return case


def transition(case, target, *, actor, action, fields=()):
    """The one place a case changes state: locks the row, checks the table against the stored state (not the copy
    in memory, which a double submit or a colleague may have outdated), records when, writes the audit row."""
    with transaction.atomic():
        stored = Case.objects.select_for_update().filter(pk=case.pk).values_list("status", "held_from").first()
        if stored:
            case.status, case.held_from = stored
        check_transition(CASE_TRANSITIONS, CaseStatus.choices, case.status, target)
        if target == S.SAFETY_HOLD:
            case.held_from = case.status
        elif case.status == S.SAFETY_HOLD and target != S.TERMINATED:
            if target != case.held_from:
                raise ActionError(_("A case on hold resumes only at the stage where it stopped."))
            case.held_from = ""
        if target == S.CLOSED:
            case.closed_on = timezone.localdate()
        case.status = target
        case.status_changed_at = timezone.now()
        case.save()
        log.record(actor, action, case, fields=["status", *fields])


def _require(case, states, message):
    if case.status not in states:
        raise ActionError(message)


def _no_future(day, label):
    if day > timezone.localdate():
        raise ActionError(_("%(what)s cannot be in the future.") % {"what": label})


def _not_before(day, floor, label, floor_label):
    """Dates of the case's own events cannot precede the events they follow (a meeting before the referral)."""
    if day and floor and day < floor:
        raise ActionError(_("%(what)s cannot be earlier than %(floor)s (%(date)s).")
                          % {"what": label, "floor": floor_label, "date": floor.strftime("%d.%m.%Y")})


def _case_floor(case, day, label):
    _not_before(day, case.first_day, label, _("the date of the referral"))


def check_neutrality(case, user):
    """Why `user` may not facilitate `case`, or None: they work for the referring agency, or are recorded as
    related to a person of the case (on this case or on any other)."""
    if case.referral.agency_id in user.agency_ids():
        return _("%(name)s works for the referring agency and cannot facilitate its referral neutrally.") % {
            "name": user.short_name}
    persons = set(case.participants.values_list("person_id", flat=True))
    persons |= set(case.referral.persons.values_list("person_id", flat=True))
    if Conflict.objects.filter(facilitator=user).filter(Q(case=case) | Q(person_id__in=persons)).exists():
        return _("%(name)s has declared a relation to a person of this case.") % {"name": user.short_name}
    return None


# Rules on who may form a team that belong to higher floors (the training rule of methods/training.py), added by
# their apps in AppConfig.ready(): check(facilitators) → the reason of a refusal, or None.
TEAM_CHECKS = []


def add_team_check(check):
    if check not in TEAM_CHECKS:
        TEAM_CHECKS.append(check)


@transaction.atomic
def assign_facilitators(case, facilitators, *, actor):
    facilitators = list(facilitators)
    if not 1 <= len(facilitators) <= 2:
        raise ActionError(_("Choose one or two facilitators."))
    for user in facilitators:
        if case.service_id not in user.agency_ids(Role.FACILITATOR):
            raise ActionError(_("%(name)s is not a facilitator of this service.") % {"name": user.short_name})
    if case.status not in OPEN_STATES:
        raise ActionError(_("Facilitators are assigned only while the case is open."))
    checks = [check(facilitators) for check in TEAM_CHECKS]
    refusal = next(filter(None, checks), None) or next(
        filter(None, (check_neutrality(case, u) for u in facilitators)), None)
    if refusal:
        raise ActionError(refusal)
    case.facilitators.set(facilitators)
    log.record(actor, "case.assign", case, fields=["facilitators"])
    if case.status == S.REGISTERED:
        transition(case, S.SCREENING, actor=actor, action="case.start_screening")


@transaction.atomic
def declare_conflict(case, *, actor, facilitator, reason, person=None):
    """A facilitator declares (or the coordinator records) a relation to a party: they leave the case."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Say what the relation is."))
    if person is not None and not (case.participants.filter(person=person).exists()
                                   or case.referral.persons.filter(person=person).exists()):
        raise ActionError(_("The person must be named in this case."))
    conflict = Conflict.objects.create(case=case, facilitator=facilitator, person=person, reason=reason,
                                       recorded_by=actor)
    case.facilitators.remove(facilitator)
    log.record(actor, "case.conflict", case, fields=["conflicts", "facilitators"])

    coordinators = User.objects.filter(memberships__agency_id=case.service_id, memberships__role=Role.COORDINATOR,
                                       is_active=True).exclude(pk=actor.pk).distinct()
    tell(coordinators, _("A facilitator declared a conflict of interest in case %(number)s: assign another one.")
         % {"number": case.journal_number}, reverse("case", args=[case.code]))
    return conflict


@transaction.atomic
def record_screening(case, *, actor, done_on, answers, outcome, safeguards="", recheck_on=None,
                     reason="", referred_to="", override_reason=""):
    _require(case, {S.SCREENING, S.PREPARATION, S.PROGRAM, S.FOLLOW_UP},
             _("A screening is recorded while the case is being worked on."))
    _no_future(done_on, _("The date of the screening"))
    _case_floor(case, done_on, _("The date of the screening"))
    missing = [key for key, _label in Screening.QUESTIONS if answers.get(key, {}).get("answer") not in
               Screening.Answer.values]
    if missing:
        raise ActionError(_("Answer every question of the checklist."))
    if outcome == Screening.Outcome.SAFEGUARDS and not safeguards.strip():
        raise ActionError(_("List the safeguards the program needs."))
    if outcome == Screening.Outcome.NOT_NOW and not recheck_on:
        raise ActionError(_("Set the date of the re-check."))
    if outcome == Screening.Outcome.NOT_SUITABLE and not reason.strip():
        raise ActionError(_("Give the reason why the case is not suitable."))
    # The answers drive the outcome: a red flag allows no joint program unless the coordinator overrides with
    # reasons; an amber flag allows one only with safeguards.
    red, amber = Screening.flags(answers)
    labels = dict(Screening.QUESTIONS)
    override_by = None
    if red and outcome in (Screening.Outcome.SUITABLE, Screening.Outcome.SAFEGUARDS):
        if not override_reason.strip():
            raise ActionError(_("The answers say a joint program is not safe (%(flags)s): choose «not suitable now» "
                                "or «not suitable», or ask the coordinator to record an override with reasons.")
                              % {"flags": "; ".join(str(labels[k]).lower() for k in red)})
        if case.service_id not in actor.agency_ids(Role.COORDINATOR):
            raise ActionError(_("Only the coordinator may let a program go ahead despite a red flag."))
        override_by = actor
    elif override_reason.strip():
        raise ActionError(_("An override is recorded only against a red flag."))
    if amber and outcome == Screening.Outcome.SUITABLE:
        raise ActionError(_("The answers need safeguards (%(flags)s): choose «suitable with safeguards» and list "
                            "them.") % {"flags": "; ".join(str(labels[k]).lower() for k in amber)})
    screening = Screening.objects.create(
        case=case, by=actor, done_on=done_on, answers=answers, outcome=outcome, safeguards=safeguards,
        recheck_on=recheck_on, reason=reason, referred_to=referred_to, override_by=override_by,
        override_reason=override_reason.strip(),
    )
    log.record(actor, "case.screening", case, fields=["screening"] + (["override"] if override_by else []))
    if case.status == S.SCREENING and screening.allows_joint_meeting:
        transition(case, S.PREPARATION, actor=actor, action="case.prepare")
    elif case.status == S.SCREENING and outcome == Screening.Outcome.NOT_SUITABLE:
        transition(case, S.NOT_SUITABLE, actor=actor, action="case.not_suitable")
    elif case.status == S.PREPARATION and not screening.allows_joint_meeting:
        transition(case, S.SCREENING, actor=actor, action="case.rescreen")
    return screening


@transaction.atomic
def choose_program(case, *, actor, kind, shuttle=False):
    _require(case, {S.SCREENING, S.PREPARATION}, _("The program kind is chosen before the program starts."))
    if shuttle and kind != Program.Kind.MEDIATION:
        raise ActionError(_("Only mediation can be run as shuttle mediation."))
    Program.objects.update_or_create(case=case, defaults={"kind": kind, "shuttle": shuttle})
    log.record(actor, "case.program", case, fields=["program.kind", "program.shuttle"])


@transaction.atomic
def add_participant(case, *, actor, person_fields, role, person=None):
    _require(case, OPEN_STATES, _("Participants are added while the case is open."))
    if person is None:
        person = Person.objects.create(**person_fields)
    if case.participants.filter(person=person).exists():
        raise ActionError(_("This person is already a participant."))
    participant = Participant.objects.create(case=case, person=person, role=role, is_minor=person.is_minor)
    log.record(actor, "case.participant.add", case, fields=["participant"])
    return participant


@transaction.atomic
def record_consent(participant, *, actor, purpose, by_representative, given_on):
    case = participant.case
    # Consent to share the agreement may still come after the report: the referrer then sees the agreement.
    allowed = OPEN_STATES | {S.REPORTED} if purpose == Consent.Purpose.SHARE_AGREEMENT else OPEN_STATES
    _require(case, allowed, _("Consent is recorded while the case is open."))
    _no_future(given_on, _("The date of consent"))
    if by_representative and not participant.is_minor:
        raise ActionError(_("A legal representative's consent is recorded for minors only."))
    consent = Consent.objects.create(
        participant=participant, purpose=purpose, by_representative=by_representative, given_on=given_on,
        recorded_by=actor,
    )
    log.record(actor, "case.consent.give", case, fields=["consent." + purpose])
    _resend_answer_if_shared(case, purpose)
    return consent


def _resend_answer_if_shared(case, purpose):
    """A consent to share the agreement given or withdrawn after the answer was sent: the sent documents are written
    again, with the agreement or without it."""
    if purpose == Consent.Purpose.SHARE_AGREEMENT and case.report_signed:
        send_answer(case)


@transaction.atomic
def withdraw_consent(consent, *, actor, on=None):
    """Withdrawn at any time, also after the answer is signed: sharing stops from then on (the agreement leaves the
    referrer's page, and the sent documents are written again without it)."""
    if consent.withdrawn_on:
        raise ActionError(_("This consent has already been withdrawn."))
    if consent.participant.case.depersonalised_at:
        raise ActionError(_("The case has been depersonalised."))
    consent.withdrawn_on = on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    case = consent.participant.case
    log.record(actor, "case.consent.withdraw", case, fields=["consent." + consent.purpose])
    _resend_answer_if_shared(case, consent.purpose)


@transaction.atomic
def record_meeting(case, *, actor, kind, held, date, duration_minutes=None, attendees=(), notes="",
                   network=()):
    K = Meeting.Kind
    _require(case, {S.PREPARATION, S.PROGRAM, S.FOLLOW_UP},
             _("Meetings are recorded after the screening and before the report."))
    _case_floor(case, date, _("The date of the meeting"))
    network = list(network)
    if any(m.case_id != case.pk for m in network):
        raise ActionError(_("Members of the family network must belong to this case."))
    if any(not m.invited or m.excluded_reason for m in network):
        raise ActionError(_("A member of the network who may not attend cannot be marked as present."))
    today = timezone.localdate()
    if held and date > today:
        raise ActionError(_("A meeting that took place cannot have a date in the future."))
    if not held and date < today:
        raise ActionError(_("A planned meeting needs a date from today on."))
    attendees = list(attendees)
    if held and not attendees:
        raise ActionError(_("Mark who took part in the meeting."))
    if any(a.case_id != case.pk for a in attendees):
        raise ActionError(_("Attendees must be participants of this case."))
    if kind in {K.JOINT, K.FAMILY_TIME, K.INFO_SHARING}:
        screening = case.latest_screening()
        if screening is None or not screening.allows_joint_meeting:
            raise ActionError(
                _("A joint meeting can be scheduled only after a screening says «suitable» "
                  "or «suitable with safeguards».")
            )
        program = getattr(case, "program", None)
        if program is None:
            raise ActionError(_("Choose the program kind before the joint meeting."))
        if program.shuttle:
            raise ActionError(_("In shuttle mediation the parties do not meet: record preliminary meetings."))
    if kind != K.REVIEW and kind not in case.meeting_kinds():  # a review is recorded by record_review
        raise ActionError(_("This program has no meetings of this kind (shuttle mediation meets each side "
                            "separately; joint, information and family-time meetings follow the program)."))
    without_consent = [a.person.full_name for a in attendees if not a.consent_in_force(Consent.Purpose.TAKE_PART)]
    if without_consent:
        raise ActionError(
            _("No consent to take part is recorded for: %(names)s.") % {"names": ", ".join(without_consent)}
        )
    if kind == K.FAMILY_TIME:
        notes = ""  # private family time has no professional notes by definition
    meeting = Meeting.objects.create(
        case=case, kind=kind, held=held, date=date, duration_minutes=duration_minutes, notes=notes,
        recorded_by=actor,
    )
    meeting.attendees.set(attendees)
    meeting.network_attendees.set(network)
    log.record(actor, "case.meeting", case, fields=["meeting", *(["notes"] if notes else [])])
    if held and kind in {K.JOINT, K.INFO_SHARING, K.FAMILY_TIME} and case.status == S.PREPARATION:
        transition(case, S.PROGRAM, actor=actor, action="case.program_started")
    return meeting


@transaction.atomic
def mark_not_held(case, *, actor, reason, comment=""):
    case.not_held_reason = reason
    case.not_held_comment = comment
    transition(case, S.NOT_HELD, actor=actor, action="case.not_held", fields=["not_held_reason"])


def check_review_date(case, concluded_on, review_on):
    """A family plan needs a review: at the latest 6 months on for a child under 7, 12 months otherwise."""
    if not review_on:
        raise ActionError(_("Set the review date of the family plan."))
    if review_on <= concluded_on:
        raise ActionError(_("The review date must come after the date of the plan."))
    age = case.youngest_child_age(concluded_on)
    months = 6 if age is not None and age < 7 else 12
    if review_on > add_months(concluded_on, months):
        raise ActionError(
            _("The review must take place no later than %(date)s (%(months)s months for this child).")
            % {"date": add_months(concluded_on, months).strftime("%d.%m.%Y"), "months": months}
        )


def _check_items(case, concluded_on, items):
    _no_future(concluded_on, _("The date of the agreement"))
    _case_floor(case, concluded_on, _("The date of the agreement"))
    if not items:
        raise ActionError(_("An agreement needs at least one item: who does what and by when."))
    for number, item in enumerate(items, 1):
        _not_before(item["deadline"], concluded_on, _("The deadline of item %(n)s") % {"n": number},
                    _("the date of the agreement"))


@transaction.atomic
def record_agreement(case, *, actor, concluded_on, text, items, review_on=None, expected_version=UNCHECKED):
    """items: list of dicts with kind, action, responsible, deadline, checker."""
    _check_items(case, concluded_on, items)
    if case.status == S.SAFETY_HOLD:
        raise ActionError(_("The case is on hold for the child's safety: program actions are stopped."))
    if case.is_family_conference:
        check_review_date(case, concluded_on, review_on)
    program = getattr(case, "program", None)
    if case.status == S.PREPARATION and program and program.shuttle:
        # Shuttle mediation reaches its agreement without a joint meeting.
        transition(case, S.PROGRAM, actor=actor, action="case.program_started")
    _require(case, {S.PROGRAM}, _("The agreement is recorded once the program is under way."))
    existing = Agreement.objects.filter(case=case).first()
    if existing is not None:
        if expected_version is UNCHECKED:
            raise ActionError(_("The agreement of this case is already recorded."))
        # Someone recorded it while this form was open: theirs is shown beside yours.
        check_version(existing, NEW, ["concluded_on", "text", "review_on"])
    agreement = Agreement.objects.create(
        case=case, concluded_on=concluded_on, text=text, review_on=review_on,
        decision=Agreement.Decision.PENDING if case.is_family_conference else Agreement.Decision.NOT_NEEDED,
    )
    AgreementItem.objects.bulk_create(AgreementItem(agreement=agreement, **item) for item in items)
    log.record(actor, "case.agreement", case, fields=["agreement", "items", "review_on"])
    if agreement.decision == Agreement.Decision.PENDING and case.agreement_shareable():
        _tell_referrers(case, _("A family plan on your referral of %(date)s waits for your decision."))
    transition(case, S.FOLLOW_UP, actor=actor, action="case.follow_up")
    return agreement


@transaction.atomic
def revise_plan(case, *, actor, concluded_on, text, items, review_on, expected_version=UNCHECKED):
    """A reconvened or refused family plan is agreed anew; the referrer decides on the new version."""
    agreement = Agreement.objects.select_for_update().filter(case=case).first()
    if agreement is not None:
        check_version(agreement, expected_version, ["concluded_on", "text", "review_on"])
    refused = agreement is not None and agreement.decision == Agreement.Decision.REFUSED
    if agreement is None or not (case.status == S.PROGRAM or (case.status == S.FOLLOW_UP and refused)):
        raise ActionError(_("A plan is revised after the family reconvened or the referring agency refused it."))
    _check_items(case, concluded_on, items)
    check_review_date(case, concluded_on, review_on)
    agreement.items.all().delete()
    AgreementItem.objects.bulk_create(AgreementItem(agreement=agreement, **item) for item in items)
    agreement.concluded_on, agreement.text, agreement.review_on = concluded_on, text, review_on
    agreement.decision, agreement.decision_reason = Agreement.Decision.PENDING, ""
    agreement.decided_by, agreement.decided_at = None, None
    agreement.version += 1
    agreement.save()
    log.record(actor, "case.plan.revise", case, fields=["agreement", "items", "review_on", "version"])
    if case.status == S.PROGRAM:
        transition(case, S.FOLLOW_UP, actor=actor, action="case.follow_up")
    return agreement


@transaction.atomic
def decide_plan(agreement, *, actor, accepted, reason=""):
    """The referring agency accepts the family plan or refuses it with reasons."""
    case = agreement.case
    if agreement.decision != Agreement.Decision.PENDING:
        raise ActionError(_("This plan is not waiting for a decision."))
    if not case.agreement_shareable():
        raise ActionError(_("The plan cannot be shown: not every party consented to share it."))
    if not accepted and not reason.strip():
        raise ActionError(_("Give the reasons for refusing the plan: the family and the facilitator will read them."))
    agreement.decision = Agreement.Decision.ACCEPTED if accepted else Agreement.Decision.REFUSED
    agreement.decision_reason = reason.strip()
    agreement.decided_by = actor
    agreement.decided_at = timezone.now()
    agreement.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    log.record(actor, "case.plan.accept" if accepted else "case.plan.refuse", case,
               fields=["agreement.decision", "agreement.decision_reason"])
    return agreement


@transaction.atomic
def record_network_member(case, *, actor, name, relation, invited, excluded_reason=""):
    _require(case, {S.SCREENING, S.PREPARATION, S.PROGRAM}, _("The family network is prepared before the conference."))
    if not invited and not excluded_reason.strip():
        raise ActionError(_("Say why this person may not attend."))
    member = NetworkMember.objects.create(case=case, name=name, relation=relation, invited=invited,
                                          excluded_reason=excluded_reason)
    log.record(actor, "case.network.add", case, fields=["network"])
    return member


@transaction.atomic
def record_child_voice(case, *, actor, text):
    _require(case, OPEN_STATES, _("The case is not open."))
    case.child_voice = text
    case.save(update_fields=["child_voice"])
    log.record(actor, "case.child_voice", case, fields=["child_voice"])


@transaction.atomic
def record_review(case, *, actor, date, decision, attendees=(), notes=""):
    """The review meeting of a family plan: close, reconvene or escalate to the statutory route."""
    _require(case, {S.FOLLOW_UP}, _("The review takes place while the plan is followed up."))
    if decision not in ReviewDecision.values:
        raise ActionError(_("Choose the decision of the review."))
    agreement = getattr(case, "agreement", None)
    if agreement is not None:
        _not_before(date, agreement.concluded_on, _("The date of the review"), _("the date of the plan"))
    record_meeting(case, actor=actor, kind=Meeting.Kind.REVIEW, held=True, date=date, attendees=attendees,
                   notes=notes)
    case.review_decision = decision
    case.save(update_fields=["review_decision"])
    log.record(actor, "case.review", case, fields=["review_decision"])
    if decision == ReviewDecision.RECONVENE:
        transition(case, S.PROGRAM, actor=actor, action="case.reconvene")
    elif decision == ReviewDecision.ESCALATE:
        transition(case, S.TERMINATED, actor=actor, action="case.escalate")


@transaction.atomic
def record_followup(item, *, actor, result, checked_on, comment=""):
    case = item.agreement.case
    _require(case, {S.FOLLOW_UP}, _("Follow-up is recorded while the case is in follow-up."))
    _no_future(checked_on, _("The date of the check"))
    _not_before(checked_on, item.agreement.concluded_on, _("The date of the check"), _("the date of the agreement"))
    followup = FollowUp.objects.create(item=item, result=result, checked_on=checked_on, comment=comment,
                                       recorded_by=actor)
    log.record(actor, "case.followup", case, fields=["followup"])
    return followup


def report_defaults(case):
    """A draft the facilitator only reviews: counts, dates and results come from the case file."""
    Out, F = OutcomeReport.Outcome, OutcomeReport.FollowUpResult
    program = getattr(case, "program", None)
    held_meetings = [m for m in case.meetings.all() if m.held]
    took_part = {p.pk: p for m in held_meetings for p in m.attendees.all()}
    agreement = getattr(case, "agreement", None)
    results = []
    if agreement:
        for item in agreement.items.all():
            last = item.latest_followup()
            results.append(last.result if last else None)
    if not results or None in results:
        followup = F.NOT_CHECKED
    elif all(r == FollowUp.Result.DONE for r in results):
        followup = F.FULFILLED
    elif all(r == FollowUp.Result.NOT_DONE for r in results):
        followup = F.NOT_FULFILLED
    else:
        followup = F.PARTLY
    outcome = {
        S.NOT_SUITABLE: Out.NOT_SUITABLE,
        S.NOT_HELD: Out.NOT_HELD,
        S.TERMINATED: Out.ESCALATED if case.review_decision == ReviewDecision.ESCALATE else Out.TERMINATED,
        S.FOLLOW_UP: Out.AGREEMENT,
    }.get(case.status, Out.NO_AGREEMENT)
    held = case.status in {S.PROGRAM, S.FOLLOW_UP}
    return {
        "held": held,
        "program_kind": program.kind if program else "",
        "started_on": held_meetings[0].date if held_meetings else None,
        "finished_on": held_meetings[-1].date if held_meetings else None,
        "minors": sum(1 for p in took_part.values() if p.is_minor),
        "adults": sum(1 for p in took_part.values() if not p.is_minor),
        "outcome": outcome,
        "followup_result": followup if held else F.NOT_CHECKED,
    }


@transaction.atomic
def draft_report(case, *, actor, fields, expected_version):
    """Save the draft. ``expected_version``: the version the author started from (lib.conflicts.NEW when there was
    no draft yet); anything else than the stored one — or none — is a conflict, so two people preparing the first
    draft at once cannot silently overwrite each other."""
    _require(case, REPORTABLE_STATES, _("The outcome report is prepared when the work on the case is done."))
    if fields.get("started_on") and fields.get("finished_on") and fields["finished_on"] < fields["started_on"]:
        raise ActionError(_("The program cannot finish before it started."))
    # The case row orders concurrent authors, the first draft included (there is no report row to lock yet).
    Case.objects.select_for_update().filter(pk=case.pk).first()
    report = OutcomeReport.objects.select_for_update().filter(case=case).first()
    if report and report.signed_at:
        raise ActionError(_("The report is already signed and cannot be changed."))
    if report:
        check_version(report, expected_version, fields)
        for name, value in fields.items():
            setattr(report, name, value)
        report.drafted_by, report.drafted_at = actor, timezone.now()
        report.version += 1
        report.save()
    else:
        if expected_version is None or int(expected_version) != NEW:
            raise ActionError(_("The draft you started from no longer exists. Open the report again."))
        report = OutcomeReport.objects.create(case=case, drafted_by=actor, **fields)
    log.record(actor, "case.report.draft", case, fields=sorted(fields))
    return report


def unchecked_repairs(case):
    """Harm-repair items of a case in follow-up with no check recorded: the answer waits until they are followed."""
    agreement = getattr(case, "agreement", None)
    if agreement is None or case.status != S.FOLLOW_UP:
        return []
    return [item for item in agreement.items.prefetch_related("followups")
            if item.repairs_harm and item.latest_followup() is None]


@transaction.atomic
def sign_report(case, *, actor):
    report = getattr(case, "report", None)
    if report is None:
        raise ActionError(_("There is no draft report to sign yet."))
    if report.signed_at:
        raise ActionError(_("The report is already signed."))
    unchecked = unchecked_repairs(case)
    if unchecked:
        raise ActionError(_("Follow up the items that repair the harm before signing: %(items)s.")
                          % {"items": "; ".join(item.action for item in unchecked)})
    report.signed_by = actor
    report.signed_at = timezone.now()
    report.save(update_fields=["signed_by", "signed_at"])
    Referral.objects.filter(pk=case.referral_id).update(answered_at=report.signed_at)
    send_answer(case)
    transition(case, S.REPORTED, actor=actor, action="case.report.sign", fields=["report.signed_at"])
    # The agency's system may now read the answer (the API's webhooks listen).
    referral_changed.send(sender=Referral, referral=case.referral, event="referral.report")
    _tell_referrers(case, _("The service has answered your referral of %(date)s: the information on the results "
                            "is signed."))
    return report


def send_answer(case):
    """Write the answer the referring agency receives (referrals.SentAnswer): the facts, the information and both
    documents as they are at this moment. The referral's pages and the downloads read only this record."""
    report, context = case.report, documents.report_context(case)
    position, name = context["signature"]
    return SentAnswer.objects.update_or_create(referral_id=case.referral_id, defaults={
        "signed_at": report.signed_at, "signature": f"{position} — {name}" if name else position,
        "facts": [[str(label), str(value)] for label, value in context["facts"]],
        "summary": report.summary, "pdf": documents.report_pdf(case, context),
        "docx": documents.report_docx(case, context), "sent_at": timezone.now(),
    })[0]


def _tell_referrers(case, text):
    """In-app and e-mail notice to the referring agency's referrers; no personal data in the text."""
    referral = case.referral
    users = User.objects.filter(memberships__agency_id=referral.agency_id, memberships__role=Role.REFERRER,
                                is_active=True).distinct()
    date = referral.submitted_on.strftime("%d.%m.%Y") if referral.submitted_on else "—"
    tell(users, text % {"date": date}, reverse("referral", args=[referral.code]),
         email_subject=_("An answer of the reconciliation service"))


@transaction.atomic
def close_case(case, *, actor):
    transition(case, S.CLOSED, actor=actor, action="case.close")


@transaction.atomic
def attach_file(case, *, actor, upload, kind):
    """Keep an uploaded scan or document: type checked by content, size limited, stored under a random name."""
    data, file_type = accept(upload, {"pdf", "jpg", "png", "docx"})
    if file_type is None:
        raise ActionError(_("Only PDF, JPEG, PNG and DOCX files are accepted, and the file must really be one."))
    attachment = Attachment(case=case, kind=kind, name=safe_name(upload.name, file_type), file_type=file_type,
                            size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
    attachment.save()
    log.record(actor, "case.attachment.add", case, fields=["attachment"])
    # Written last: a failure here rolls the row back, so no record points to a missing file.
    attachment.path.parent.mkdir(parents=True, exist_ok=True)
    attachment.path.write_bytes(data)
    return attachment


# --- journal import ---------------------------------------------------------------------------------------

def _imported_person(name_parts, birth, *, service, threshold=0.9):
    """The record in the importing service's own part of the registry when the matcher is sure it is this
    person, else a new record. Another service's record is never reused: the nightly duplicate scan tells both
    coordinators «возможно, известен другой службе сети» instead."""
    surname, name, patronymic = name_parts
    fields = {"surname": surname, "name": name, "patronymic": patronymic, "birth_date": birth}
    found = registry.lookup(fields, limit=1, within=persons_of_services({service.pk}))
    if found and found[0][1] >= threshold:
        return found[0][0], True
    return Person.objects.create(**{k: v for k, v in fields.items() if v is not None}), False


@transaction.atomic
def import_journal(preview, *, service, actor, file_name, file_hash, valid_only=False):
    """Write the checked rows of a journal import (cases.journal_import.preview): for each, the accepted referral,
    the closed case and its signed report as they stood on paper. Unless valid_only, nothing is written when any
    row has errors. No answer is sent: it was given outside the system."""
    if preview.errors and not valid_only:
        raise ValueError(_("The file has rows with errors: correct them or choose to import only the valid rows."))
    batch = ImportBatch.objects.create(service=service, file_name=file_name[:200], file_hash=file_hash,
                                       imported_by=actor, rows_total=len(preview.rows))
    linked = 0
    for row in preview.valid:
        p = row.parsed
        received = p["received_on"]
        referral = Referral.objects.create(
            agency=p["agency"] or service, author=actor, service=service, status=Referral.Status.ACCEPTED,
            created_at=timezone.make_aware(datetime.datetime.combine(received, datetime.time(9))),
            submitted_on=received, decided_at=timezone.make_aware(datetime.datetime.combine(received,
                                                                                              datetime.time(10))),
            decided_by=actor, situation=p["situation"], representative_consent=True,
            description=p["description"] or _("Transferred from the service's journal (%(agency)s).")
            % {"agency": p["agency_text"] or "—"})
        child, known = _imported_person(p["child"], p["child_birth"], service=service)
        linked += known
        ReferralPerson.objects.create(referral=referral, person=child, role=ReferralPerson.Role.CHILD)
        people = [(child, Participant.Role.CHILD)]
        if p["parent"] and p["parent"][1]:
            parent, known = _imported_person(p["parent"], None, service=service)
            linked += known
            if parent.pk != child.pk:
                ReferralPerson.objects.create(referral=referral, person=parent, role=ReferralPerson.Role.PARENT)
                people.append((parent, Participant.Role.REPRESENTATIVE))
        finished = p["finished_on"] or p["started_on"] or received
        case = Case.objects.create(referral=referral, service=service, year=received.year,
                                   number=reserve_journal_numbers(service.pk, received.year),
                                   status=CaseStatus.CLOSED, opened_on=received, closed_on=finished)
        for person, role in people:
            Participant.objects.create(case=case, person=person, role=role, is_minor=role == Participant.Role.CHILD)
        if p["program"]:
            Program.objects.create(case=case, kind=p["program"])
        outcome = p["outcome"] or (OutcomeReport.Outcome.NOT_HELD if not p["program"] else
                                   OutcomeReport.Outcome.NO_AGREEMENT)
        signed = timezone.make_aware(datetime.datetime.combine(finished, datetime.time(12)))
        OutcomeReport.objects.create(
            case=case, held=bool(p["program"]) and outcome != OutcomeReport.Outcome.NOT_HELD,
            program_kind=p["program"] or "", started_on=p["started_on"], finished_on=p["finished_on"],
            minors=1, adults=len(people) - 1, outcome=outcome,
            summary=_("Transferred from the service's journal."), drafted_by=actor, drafted_at=signed,
            signed_by=actor, signed_at=signed)
        Referral.objects.filter(pk=case.referral_id).update(answered_at=signed)
        ImportedRow.objects.create(batch=batch, key=row.key, line=row.line, case=case)
        log.record(actor, "journal.import.row", case, fields=["referral", "persons", "program", "report"])
    batch.rows_imported = len(preview.valid)
    batch.report = {"errors": [{"line": r.line, "errors": r.errors} for r in preview.errors],
                    "skipped": [{"line": r.line, "reason": r.status} for r in preview.skipped],
                    "persons_linked": linked}
    batch.save()
    log.record(actor, "journal.import", batch, fields=["rows_imported"])
    return batch
