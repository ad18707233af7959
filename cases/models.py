from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from lib.codes import journal_number, new_code
from lib.personal import ERASE, MARK, PersonalData
from people.models import Person
from referrals.models import Referral


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    SCREENING = "screening", _("safety screening")
    PREPARATION = "preparation", _("preparation")
    PROGRAM = "program", _("program under way")
    FOLLOW_UP = "follow_up", _("follow-up of the agreement")
    NOT_SUITABLE = "not_suitable", _("not suitable for a program")
    NOT_HELD = "not_held", _("program not held")
    SAFETY_HOLD = "safety_hold", _("on hold: child safety")
    TERMINATED = "terminated", _("terminated")
    REPORTED = "reported", _("outcome reported")
    CLOSED = "closed", _("closed")


S = CaseStatus
OPEN_STATES = {S.REGISTERED, S.SCREENING, S.PREPARATION, S.PROGRAM, S.FOLLOW_UP}
# DESIGN §4.1. Any open state may also go to SAFETY_HOLD; SAFETY_HOLD returns to where it was.
CASE_TRANSITIONS = {
    S.REGISTERED: {S.SCREENING},
    S.SCREENING: {S.PREPARATION, S.NOT_SUITABLE},
    S.PREPARATION: {S.PROGRAM, S.NOT_HELD, S.SCREENING},
    S.PROGRAM: {S.FOLLOW_UP, S.REPORTED},
    # A family conference review may reconvene (back to PROGRAM) or escalate to the statutory route (TERMINATED).
    S.FOLLOW_UP: {S.REPORTED, S.PROGRAM, S.TERMINATED},
    S.NOT_SUITABLE: {S.REPORTED},
    S.NOT_HELD: {S.REPORTED},
    S.SAFETY_HOLD: {S.TERMINATED} | OPEN_STATES,
    S.TERMINATED: {S.REPORTED},
    S.REPORTED: {S.CLOSED},
    S.CLOSED: set(),
}
for _state in OPEN_STATES:
    CASE_TRANSITIONS[_state] = CASE_TRANSITIONS[_state] | {S.SAFETY_HOLD}
# States from which the facilitator drafts the outcome report and the coordinator signs it.
REPORTABLE_STATES = {S.PROGRAM, S.FOLLOW_UP, S.NOT_SUITABLE, S.NOT_HELD, S.TERMINATED}


class NotHeldReason(models.TextChoices):
    PARTY_REFUSED = "party_refused", _("a party refused")
    UNREACHABLE = "unreachable", _("a party could not be reached")
    RESOLVED = "resolved", _("the situation resolved itself")
    UNSAFE = "unsafe", _("unsafe to hold")


class ReviewDecision(models.TextChoices):
    CLOSE = "close", _("close: the plan works")
    RECONVENE = "reconvene", _("reconvene the family conference")
    ESCALATE = "escalate", _("escalate to the statutory route")


def reserve_journal_numbers(service_id, year):
    """The next journal number of the service for the year (a caller writing many cases in one transaction counts
    on from it: the numbers after it are theirs while the lock is held). The one way every path
    (accepting a referral, the journal import, the load generator) numbers cases: the service's row is locked
    until the caller's transaction ends, so two writers can never take the same number."""
    Agency.objects.select_for_update().filter(pk=service_id).first()
    last = Case.objects.filter(service_id=service_id, year=year).aggregate(n=Max("number"))["n"] or 0
    return last + 1


class Case(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="case")
    service = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("journal number"))
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=S.REGISTERED)
    held_from = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    opened_on = models.DateField(_("opened"), default=timezone.localdate)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("facilitators"), blank=True, related_name="assigned_cases",
    )
    not_held_reason = models.CharField(_("why the program was not held"), max_length=24, blank=True,
                                       choices=NotHeldReason.choices)
    not_held_comment = models.TextField(_("comment"), blank=True)
    # Family conference preparation: how the child's voice is heard (in person, a letter, an advocate ...).
    child_voice = models.TextField(_("how the child's voice is heard"), blank=True)
    review_decision = models.CharField(_("decision of the review"), max_length=16, blank=True,
                                       choices=ReviewDecision.choices)
    hold_reason = models.TextField(_("reason of the last decision on hold"), blank=True)
    depersonalised_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        owner="referral",
        fields={"not_held_comment": ERASE, "child_voice": ERASE, "hold_reason": ERASE},
        keep=("code", "status", "held_from", "opened_on", "closed_on", "status_changed_at", "not_held_reason",
              "review_decision", "depersonalised_at"),
        others=("not_held_comment", "child_voice", "hold_reason"),
    )

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["service", "year", "number"], name="case_journal_number_unique"),
        ]
        indexes = [
            models.Index(fields=["service", "status"], name="case_service_status_idx"),
            # Monitoring: programs by the date the case opened.
            models.Index(fields=["opened_on"], name="case_opened_idx"),
        ]

    def __str__(self):
        return self.journal_number

    def audit_label(self):  # how the audit log names it (audit/labels.py)
        return f"№ {self.journal_number}"

    @property
    def journal_number(self):
        return journal_number(self.number, self.year)

    @property
    def is_open(self):
        return self.status in OPEN_STATES

    @property
    def report_signed(self):
        report = getattr(self, "report", None)
        return bool(report and report.signed_at)

    @property
    def first_day(self):
        """The earliest date any event of the case can have: the referral's (or the opening, if earlier)."""
        days = [d for d in (self.referral.submitted_on, self.opened_on) if d]
        return min(days) if days else None

    def latest_screening(self):
        return self.screenings.order_by("-done_on", "-id").first()

    def meeting_kinds(self):
        """The kinds of meeting this program has: shuttle mediation has only separate meetings."""
        K = Meeting.Kind
        program = getattr(self, "program", None)
        if program and program.shuttle:
            return [K.PRELIMINARY]
        if self.is_family_conference:
            return [K.PRELIMINARY, K.INFO_SHARING, K.FAMILY_TIME, K.JOINT]
        return [K.PRELIMINARY, K.JOINT]

    @property
    def is_family_conference(self):
        program = getattr(self, "program", None)
        return bool(program and program.kind == ProgramKind.FAMILY_CONFERENCE)

    def parties(self):
        return [p for p in self.participants.all() if p.role in Participant.PARTY_ROLES]

    def agreement_shareable(self):
        """Tier T2: the agreement reaches the referrer only while every party's consent to share is in force."""
        parties = self.parties()
        return bool(parties) and all(p.consent_in_force(Consent.Purpose.SHARE_AGREEMENT) for p in parties)

    def youngest_child_age(self, on):
        ages = [p.person.age_on(on) for p in self.participants.all() if p.role == Participant.Role.CHILD]
        ages += [rp.person.age_on(on) for rp in self.referral.persons.all() if rp.role == "child"]
        ages = [a for a in ages if a is not None]
        return min(ages) if ages else None


class Screening(models.Model):
    """The safety and suitability checklist of DESIGN §4.3; one row per (re-)screening."""

    class Outcome(models.TextChoices):
        SUITABLE = "suitable", _("suitable")
        SAFEGUARDS = "safeguards", _("suitable with safeguards")
        NOT_NOW = "not_now", _("not suitable now")
        NOT_SUITABLE = "not_suitable", _("not suitable")

    QUESTIONS = [
        ("violence", _("Ongoing violence or a threat to life and health")),
        ("sexual_abuse", _("Sexual abuse")),
        ("acknowledgement", _("The person who caused harm acknowledges it")),
        ("coercion", _("Coercive control or power imbalance")),
        ("intoxication", _("Intoxication, acute mental illness or suicidality")),
        ("consent", _("Informed and voluntary consent of each party, including the child")),
        ("child_safe", _("The child can take part safely")),
        ("criminal", _("Open criminal proceedings")),
        ("cofacilitator", _("A co-facilitator is needed")),
    ]

    class Answer(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        UNKNOWN = "unknown", _("unknown")

    # The answers that make a joint program unsafe (red: only «not suitable (now)», unless the coordinator
    # records an override with reasons) or that need safeguards (amber: not plain «suitable»). «Unknown» about a
    # danger is treated as the danger: nobody may assume safety they have not checked.
    RED = {
        "violence": {"yes", "unknown"},
        "sexual_abuse": {"yes", "unknown"},
        "coercion": {"yes", "unknown"},
        "intoxication": {"yes", "unknown"},
        "consent": {"no", "unknown"},
        "child_safe": {"no", "unknown"},
    }
    AMBER = {
        "acknowledgement": {"no", "unknown"},
        "criminal": {"yes", "unknown"},
        "cofacilitator": {"yes"},
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    done_on = models.DateField(_("date of screening"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # {"violence": {"answer": "no", "source": "..."}, ...} for every key of QUESTIONS.
    answers = models.JSONField(default=dict)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    safeguards = models.TextField(_("safeguards"), blank=True)
    recheck_on = models.DateField(_("re-check date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=255, blank=True)
    # A coordinator's second opinion that lets a program go ahead despite a red flag: who and why (audited).
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    override_reason = models.TextField(_("reasons of the coordinator's override"), blank=True)

    personal_data = PersonalData(
        owner="case__referral",
        fields={"answers": ERASE, "safeguards": ERASE, "reason": ERASE, "referred_to": ERASE,
                "override_reason": ERASE},
        keep=("done_on", "outcome", "recheck_on"),
        others=("answers", "safeguards", "reason", "referred_to", "override_reason"),
    )

    class Meta:
        ordering = ["-done_on", "-id"]

    @classmethod
    def flags(cls, answers):
        """(red, amber): the questions whose answers are red or amber flags, in the checklist's order."""
        def answered(key):
            return answers.get(key, {}).get("answer")

        red = [key for key, _q in cls.QUESTIONS if answered(key) in cls.RED.get(key, ())]
        amber = [key for key, _q in cls.QUESTIONS if answered(key) in cls.AMBER.get(key, ())]
        return red, amber

    @property
    def allows_joint_meeting(self):
        return self.outcome in {self.Outcome.SUITABLE, self.Outcome.SAFEGUARDS}

    def answer_rows(self):
        labels = dict(self.Answer.choices)
        for key, question in self.QUESTIONS:
            item = self.answers.get(key, {})
            yield question, labels.get(item.get("answer"), "—"), item.get("source", "")


class ProgramKind(models.TextChoices):
    MEDIATION = "mediation", _("restorative mediation")
    HARM_REPAIR = "harm_repair", _("harm repair program")
    FAMILY_CONFERENCE = "family_conference", _("family group conference")
    CIRCLE = "circle", _("community circle")
    SCHOOL_CONFERENCE = "school_conference", _("school restorative conference")
    PREVENTIVE = "preventive", _("preventive restorative program")


class Program(models.Model):
    """The restorative program of a case; run by the case's one or two facilitators."""

    Kind = ProgramKind
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="program")
    kind = models.CharField(_("program kind"), max_length=24, choices=ProgramKind.choices)
    shuttle = models.BooleanField(_("shuttle mediation (the parties do not meet)"), default=False)
    chosen_on = models.DateField(default=timezone.localdate)

    personal_data = PersonalData(owner="case__referral", keep=("kind", "chosen_on"))


class Participant(models.Model):
    class Role(models.TextChoices):
        PARTY = "party", _("party")
        CHILD = "child", _("child")
        REPRESENTATIVE = "representative", _("legal representative")
        RELATIVE = "relative", _("relative or friend of the family")
        SUPPORTER = "supporter", _("support person")
        PROFESSIONAL = "professional", _("specialist")

    # The parties whose consent decides whether the agreement may be shared with the referrer.
    PARTY_ROLES = {Role.PARTY, Role.CHILD, Role.REPRESENTATIVE}

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role in the program"), max_length=16, choices=Role.choices)
    is_minor = models.BooleanField(_("minor"), default=False)

    personal_data = PersonalData(owner="case__referral", keep=("role",))

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="participant_unique")]
        verbose_name = _("participant of a program")
        verbose_name_plural = _("participation in programs")

    def __str__(self):
        return self.person.full_name

    @property
    def consent_in_force_share(self):
        return self.consent_in_force(Consent.Purpose.SHARE_AGREEMENT)

    @property
    def consent_in_force_take_part(self):
        return self.consent_in_force(Consent.Purpose.TAKE_PART)

    def consent_in_force(self, purpose):
        """Consent given and not withdrawn; a minor also needs the legal representative's consent."""
        active = [c for c in self.consents.all() if c.purpose == purpose and not c.withdrawn_on]
        own = any(not c.by_representative for c in active)
        if self.is_minor:
            return own and any(c.by_representative for c in active)
        return own


class Consent(models.Model):
    class Purpose(models.TextChoices):
        TAKE_PART = "take_part", _("to take part in the program")
        SHARE_AGREEMENT = "share_agreement", _("to share the agreement with the referring agency")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    # For a minor the child's own assent and the legal representative's consent are two rows.
    by_representative = models.BooleanField(_("given by the legal representative"), default=False)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    personal_data = PersonalData(owner="participant__case__referral", keep=("purpose", "given_on", "withdrawn_on"))

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")


class NetworkMember(models.Model):
    """The family network for a family conference: who is invited, who may not attend and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="network")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation to the child"), max_length=100)
    invited = models.BooleanField(_("invited"), default=True)
    excluded_reason = models.CharField(_("why they may not attend"), max_length=300, blank=True)

    personal_data = PersonalData(
        owner="case__referral", fields={"name": MARK, "relation": ERASE, "excluded_reason": ERASE},
        others=("name", "relation", "excluded_reason"),
    )

    class Meta:
        ordering = ["id"]


class Meeting(models.Model):
    class Kind(models.TextChoices):
        PRELIMINARY = "preliminary", _("preliminary meeting")
        INFO_SHARING = "info_sharing", _("information sharing")
        JOINT = "joint", _("joint meeting")
        FAMILY_TIME = "family_time", _("private family time")
        REVIEW = "review", _("review meeting")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind of meeting"), max_length=16, choices=Kind.choices)
    held = models.BooleanField(_("held"), default=True)
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration, minutes"), null=True, blank=True)
    attendees = models.ManyToManyField(Participant, verbose_name=_("attendees"), related_name="meetings")
    # Members of the family network (family conference) who came: relatives and friends, not parties.
    network_attendees = models.ManyToManyField(NetworkMember, verbose_name=_("members of the family network present"),
                                               related_name="meetings", blank=True)
    notes = models.TextField(_("confidential notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    personal_data = PersonalData(
        owner="case__referral",
        fields={"notes": ERASE},
        keep=("kind", "date"),
        others=("notes",),
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")


class Conflict(models.Model):
    """Neutrality: a facilitator who is related to a party, or works for the referring agency, does not facilitate.

    Declared by the facilitator (or recorded by the coordinator) on a case; the facilitator leaves that case and
    can be assigned to no case naming the same person, and the coordinator sees why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conflicts")
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflicts")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="conflicts",
                               verbose_name=_("related to"))
    reason = models.CharField(_("what the relation is"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(owner="case__referral", fields={"reason": ERASE}, keep=("recorded_at",),
                                 others=("reason",))

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")


class Agreement(models.Model):
    """The agreement of the parties, or the family plan of a family conference."""

    class Decision(models.TextChoices):
        NOT_NEEDED = "", _("not needed")
        PENDING = "pending", _("waiting for the referring agency")
        ACCEPTED = "accepted", _("accepted by the referring agency")
        REFUSED = "refused", _("refused by the referring agency")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agreement")
    concluded_on = models.DateField(_("date of the agreement"))
    text = models.TextField(_("text of the agreement"), blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    # A family plan is accepted or refused by the referring agency (DESIGN §4.2).
    decision = models.CharField(_("decision of the referring agency"), max_length=16, choices=Decision.choices,
                                blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveSmallIntegerField(default=1)

    personal_data = PersonalData(
        owner="case__referral", fields={"text": ERASE, "decision_reason": ERASE},
        keep=("concluded_on", "review_on", "decision", "decided_at"), others=("text", "decision_reason"),
    )

    class Meta:
        # The start pages look for the few plans waiting for, or refused by, the referring agency.
        indexes = [models.Index(fields=["decision"], condition=~models.Q(decision=""), name="agreement_decided_idx")]


class AgreementItem(models.Model):
    class Kind(models.TextChoices):
        APOLOGY = "apology", _("apology")
        RESTITUTION = "restitution", _("restitution of the damage")
        WORK = "work", _("work for the person harmed")
        BEHAVIOUR = "behaviour", _("change of behaviour")
        OTHER = "other", _("other")

    # Items that repair the harm done: followed until checked and counted in monitoring.
    HARM_REPAIR = {Kind.APOLOGY, Kind.RESTITUTION, Kind.WORK}

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind of item"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    action = models.CharField(_("what will be done"), max_length=500)
    responsible = models.CharField(_("who does it"), max_length=200)
    deadline = models.DateField(_("by when"))
    checker = models.CharField(_("who checks"), max_length=200)

    personal_data = PersonalData(
        owner="agreement__case__referral", fields={"action": MARK, "responsible": ERASE, "checker": ERASE},
        keep=("kind", "deadline"), others=("action", "responsible", "checker"),
    )

    class Meta:
        ordering = ["deadline", "id"]

    @property
    def repairs_harm(self):
        return self.kind in self.HARM_REPAIR

    def latest_followup(self):
        rows = list(self.followups.all())
        return max(rows, key=lambda f: (f.checked_on, f.id)) if rows else None


class FollowUp(models.Model):
    class Result(models.TextChoices):
        DONE = "done", _("done")
        PARTLY = "partly", _("partly done")
        NOT_DONE = "not_done", _("not done")

    item = models.ForeignKey(AgreementItem, on_delete=models.CASCADE, related_name="followups")
    checked_on = models.DateField(_("checked on"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    personal_data = PersonalData(
        owner="item__agreement__case__referral", fields={"comment": ERASE}, keep=("checked_on", "result"),
        others=("comment",),
    )


class OutcomeReport(models.Model):
    """What goes back to the referring agency (tier T2); signed by the coordinator."""

    class Outcome(models.TextChoices):
        AGREEMENT = "agreement", _("agreement reached")
        PARTIAL = "partial", _("partial agreement")
        NO_AGREEMENT = "no_agreement", _("no agreement")
        NOT_HELD = "not_held", _("program not held")
        NOT_SUITABLE = "not_suitable", _("case not suitable for a program")
        TERMINATED = "terminated", _("program terminated for safety reasons")
        ESCALATED = "escalated", _("passed to the statutory route")

    class FollowUpResult(models.TextChoices):
        FULFILLED = "fulfilled", _("agreement fulfilled")
        PARTLY = "partly", _("agreement partly fulfilled")
        NOT_FULFILLED = "not_fulfilled", _("agreement not fulfilled")
        NOT_CHECKED = "not_checked", _("no follow-up")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="report")
    held = models.BooleanField(_("program held"))
    program_kind = models.CharField(_("program kind"), max_length=24, choices=ProgramKind.choices, blank=True)
    started_on = models.DateField(_("program started"), null=True, blank=True)
    finished_on = models.DateField(_("program finished"), null=True, blank=True)
    minors = models.PositiveSmallIntegerField(_("minor participants"), default=0)
    adults = models.PositiveSmallIntegerField(_("adult participants"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    followup_result = models.CharField(
        _("follow-up result"), max_length=16, choices=FollowUpResult.choices, default=FollowUpResult.NOT_CHECKED,
    )
    summary = models.TextField(_("information for the referring agency"))
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    signed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    personal_data = PersonalData(
        owner="case__referral", fields={"summary": MARK},
        keep=("program_kind", "started_on", "finished_on", "outcome", "followup_result", "drafted_at", "signed_at"),
        others=("summary",),
    )


class Attachment(models.Model):
    """A scan of a consent, a letter or an agency's document; stored outside static files, served through
    an access-checked, audited view."""

    class Kind(models.TextChoices):
        CONSENT = "consent", _("signed consent")
        LETTER = "letter", _("letter")
        DOCUMENT = "document", _("document of an agency")
        OTHER = "other", _("other")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind of document"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("file name"), max_length=100)
    file_type = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        # The scan itself goes too (files="path").
        owner="case__referral", fields={"name": MARK}, files="path",
        keep=("code", "kind", "file_type", "sha256", "uploaded_at"), others=("name",),
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    @property
    def path(self):
        return files_dir() / self.code[:2] / self.code


def files_dir():
    return Path(settings.OPENDOOR_FILES_DIR)


class ImportBatch(models.Model):
    """One import of a legacy journal (cases/journal_import.py): who, which file, what was written or skipped."""

    service = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    file_hash = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)

    personal_data = PersonalData(
        expires="imported_at",
        fields={"file_name": ERASE, "report": ERASE},
        keep=("file_hash", "imported_at"),
    )

    class Meta:
        ordering = ["-imported_at"]

    @property
    def code(self):
        return f"import-{self.pk}"


class ImportedRow(models.Model):
    """A journal row already imported (by its content), so importing the same file again adds nothing."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    key = models.CharField(max_length=64, db_index=True)
    line = models.PositiveIntegerField()
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")

    personal_data = PersonalData(
        # A hash of the row's content.
        keep=("key",),
    )

