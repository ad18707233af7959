from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from lib.codes import new_code
from lib.personal import ERASE, MARK, PersonalData
from people.models import Person


class Situation(models.TextChoices):
    CRUELTY_RISK = "cruelty_risk", _("risk of cruel treatment of a child in the family")
    FAMILY_CONFLICT = "family_conflict", _("conflict between parents and children")
    PARENTS_CONFLICT = "parents_conflict", _("conflict between parents about the child")
    OFFENCE = "offence", _("offence committed by a minor")
    SCHOOL_CONFLICT = "school_conflict", _("conflict at school")
    INSTITUTION_CONFLICT = "institution_conflict", _("conflict in an institution")
    RETURN_TO_FAMILY = "return_to_family", _("return of a child to the family")
    OTHER = "other", _("other situation")


class Referral(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("sent to the service")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # The only allowed moves; actions.transition() refuses everything else.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    agency = models.ForeignKey(
        Agency, verbose_name=_("referring agency"), on_delete=models.PROTECT, related_name="referrals_sent",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+",
    )
    service = models.ForeignKey(
        Agency, verbose_name=_("service"), on_delete=models.PROTECT, related_name="referrals_received",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_on = models.DateField(_("date of referral"), null=True, blank=True)
    due_date = models.DateField(_("answer due"), null=True, blank=True)
    situation = models.CharField(_("situation type"), max_length=32, choices=Situation.choices)
    description = models.TextField(_("description of the situation"))
    representative_consent = models.BooleanField(_("the legal representative consented to the referral"))
    # For a family group conference (DESIGN §4.2): what worries the agency, what any plan must secure for the
    # child, and what the family is asked to answer.
    concerns = models.TextField(_("concerns of the agency"), blank=True)
    bottom_lines = models.TextField(_("bottom lines: what any plan must secure for the child"), blank=True)
    questions = models.TextField(_("questions for the family"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # When the service's answer reached the agency: the decline, or the signed outcome report of the case.
    # Kept here so that the referrer's "new answers" panel is one index range, not a join over every report.
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    depersonalised_at = models.DateTimeField(null=True, blank=True, editable=False)

    personal_data = PersonalData(
        owner="pk",
        fields={"description": MARK, "concerns": ERASE, "bottom_lines": ERASE, "questions": ERASE,
                "decline_reason": ERASE},
        keep=("code", "status", "created_at", "submitted_on", "due_date", "situation", "decided_at", "answered_at",
              "depersonalised_at"),
        others=("description", "concerns", "bottom_lines", "questions", "decline_reason"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["service", "status"], name="referral_service_status_idx"),
            models.Index(fields=["agency", "status"], name="referral_agency_status_idx"),
            # The lists in their order (newest first) for a referring agency and for a service: a top-N index scan.
            models.Index(F("agency"), F("created_at").desc(), F("id").desc(), name="referral_agency_list_idx"),
            models.Index(F("service"), F("created_at").desc(), F("id").desc(), name="referral_service_list_idx"),
            models.Index(fields=["agency", "answered_at"], name="referral_agency_answered_idx"),
            # Monitoring counts referrals by the date they were sent.
            models.Index(fields=["submitted_on"], name="referral_submitted_idx"),
        ]

    def __str__(self):
        return str(_("Referral of %(date)s") % {"date": self.created_at.strftime("%d.%m.%Y")})

    def audit_label(self):  # how the audit log names it (audit/labels.py): a date and a code, never a family
        return _("of %(date)s, code %(code)s") % {"date": self.created_at.strftime("%d.%m.%Y"), "code": self.code}

    @property
    def is_open(self):
        return self.status == self.Status.SUBMITTED

    @property
    def is_overdue(self):
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


class ReferralPerson(models.Model):
    class Role(models.TextChoices):
        CHILD = "child", _("child")
        PARENT = "parent", _("parent or legal representative")
        RELATIVE = "relative", _("relative")
        OFFENDER = "offender", _("person who caused harm")
        VICTIM = "victim", _("person harmed")
        OTHER = "other", _("other participant")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referral_roles")
    role = models.CharField(_("role in the situation"), max_length=16, choices=Role.choices)
    # The registry look-up found a likely earlier record when the referral was written: the coordinator checks it.
    possibly_known = models.BooleanField(_("possibly known to the service"), default=False)

    personal_data = PersonalData(owner="referral", keep=("role",))

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["referral", "person"], name="referral_person_unique")]
        verbose_name = _("person named in a referral")
        verbose_name_plural = _("persons named in referrals")


class SentAnswer(models.Model):
    """The service's signed answer as the referring agency received it.

    Owned by the referral and written only by the case action that signs the outcome report (and rewritten by the
    one that withdraws a consent to share the agreement), so the referral's pages read this record and never the
    case file: a referrer can only ever see what was actually sent."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="answer")
    signed_at = models.DateTimeField(_("signed"))
    signature = models.CharField(_("signed by"), max_length=300)  # «Должность — И. О. Фамилия»
    facts = models.JSONField(_("facts of the answer"), default=list)  # [[label, value], …] as printed
    summary = models.TextField(_("information for the referring agency"))
    pdf = models.BinaryField(_("answer (PDF)"))
    docx = models.BinaryField(_("letter (DOCX)"))
    sent_at = models.DateTimeField(_("documents written"), default=timezone.now)

    personal_data = PersonalData(
        owner="referral", fields={"summary": MARK, "facts": ERASE, "pdf": ERASE, "docx": ERASE},
        keep=("signature", "signed_at", "sent_at"), others=("summary",),
    )

    class Meta:
        verbose_name = _("answer sent to the referring agency")
        verbose_name_plural = _("answers sent to referring agencies")

    def __str__(self):
        return str(_("Answer of %(date)s") % {"date": self.signed_at.strftime("%d.%m.%Y")})
