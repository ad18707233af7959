"""Methodological support: facilitators' profiles and training, supervision on depersonalised cases, the region's
library of depersonalised cases and the knowledge base (DESIGN §1, §3: the methodologist never sees personal data)."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from cases.models import Case, OutcomeReport, ProgramKind
from lib.codes import new_code
from lib.personal import ERASE, PersonalData
from referrals.models import Situation


class FacilitatorStatus(models.TextChoices):
    TRAINEE = "trainee", _("trainee")
    FACILITATOR = "facilitator", _("facilitator")
    TRAINER = "trainer", _("trainer")
    SUPERVISOR = "supervisor", _("supervisor")


class FacilitatorProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitator_profile")
    status = models.CharField(_("status"), max_length=16, choices=FacilitatorStatus.choices,
                              default=FacilitatorStatus.TRAINEE)
    status_changed_at = models.DateTimeField(default=timezone.now)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")

    personal_data = PersonalData(keep=("status", "status_changed_at"))

    class Meta:
        verbose_name = _("facilitator profile")


class TrainingRecord(models.Model):
    """A course taken outside the system (the system's own trainings count through their certificates)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records")
    course = models.CharField(_("course"), max_length=300)
    hours = models.PositiveSmallIntegerField(_("hours"))
    provider = models.CharField(_("provider"), max_length=300)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    completed_on = models.DateField(_("completed on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        staff=True,
        keep=("course", "provider", "certificate_number", "completed_on", "recorded_at"),
    )

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("training record")


class SupervisionRequest(models.Model):
    """A facilitator's question about a case, with a depersonalised summary they reviewed before sending."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft: being reviewed by the facilitator")
        SENT = "sent", _("sent to the methodologist")
        DISCUSSED = "discussed", _("discussed")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question for the supervision"))
    summary = models.TextField(_("depersonalised summary of the case"))
    # Context the methodologist may see: no personal data.
    program_kind = models.CharField(_("program kind"), max_length=24, choices=ProgramKind.choices, blank=True)
    situation = models.CharField(_("situation type"), max_length=32, choices=Situation.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    personal_data = PersonalData(
        owner="case__referral", fields={"question": ERASE, "summary": ERASE},
        keep=("code", "program_kind", "situation", "status", "created_at", "sent_at"), others=("question", "summary"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("supervision request")
        indexes = [models.Index(fields=["status", "sent_at"], name="supervision_status_idx")]


class SupervisionSession(models.Model):
    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("supervision")
        INTERVISION = "intervision", _("intervision")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SUPERVISION)
    held_on = models.DateField(_("date"))
    methodologist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("participants"),
                                          related_name="supervision_sessions")
    requests = models.ManyToManyField(SupervisionRequest, verbose_name=_("cases discussed"), related_name="sessions")
    recommendations = models.TextField(_("recommendations"))
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        # Recommendations to a group of facilitators, written without names.
        keep=("code", "kind", "held_on", "recommendations", "created_at"),
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("supervision session")


class LibraryCase(models.Model):
    """A depersonalised case story for the region's library: facilitator's consent → coordinator → methodologist."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed: waiting for the coordinator")
        APPROVED = "approved", _("approved: waiting for the methodologist")
        PUBLISHED = "published", _("published")
        RETURNED = "returned", _("returned to the facilitator")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    source_case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="library_stories")
    service = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    story = models.TextField(_("depersonalised story"))
    lessons = models.TextField(_("what others can learn from it"), blank=True)
    program_kind = models.CharField(_("program kind"), max_length=24, choices=ProgramKind.choices)
    situation = models.CharField(_("situation type"), max_length=32, choices=Situation.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=OutcomeReport.Outcome.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent_at = models.DateTimeField(_("facilitator's consent"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        # Depersonalised and checked by the methodologist before publication, with the family's consent.
        keep=("code", "title", "story", "lessons", "program_kind", "situation", "outcome", "status", "consent_at",
              "approved_at", "published_at", "return_reason", "created_at"),
    )

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("library case")
        indexes = [models.Index(fields=["status", "program_kind"], name="library_status_kind_idx")]


class KnowledgeCategory(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    personal_data = PersonalData(keep=("name",))

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")

    def __str__(self):
        return self.name


class KnowledgeDocument(models.Model):
    """A regulation, recommendation, form or conference material; its text lives in versions."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    category = models.ForeignKey(KnowledgeCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    # The current version's text (body and attachment), for search; `lemmas` is the SQLite fallback's index.
    search_text = models.TextField(blank=True, editable=False)
    lemmas = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(keep=("code", "title", "search_text", "lemmas", "updated_at"))

    class Meta:
        ordering = ["category__order", "title"]
        verbose_name = _("document")

    def __str__(self):
        return self.title

    @property
    def current(self):
        return self.versions.order_by("-number").first()


class KnowledgeVersion(models.Model):
    document = models.ForeignKey(KnowledgeDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(_("text"), blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    # The attachment lives under OPENDOOR_FILES_DIR/knowledge/<document code>/ (see `path`); a new version without
    # a new file shares the previous one's.
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=8, blank=True)
    file_stored = models.CharField(max_length=40, blank=True)
    file_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        keep=("body", "note", "file_name", "file_type", "file_stored", "file_text", "created_at"),
    )

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="knowledge_version_unique")]

    @property
    def path(self):
        return Path(settings.OPENDOOR_FILES_DIR) / "knowledge" / self.document.code / self.file_stored
