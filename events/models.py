from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Membership, Role, Territory
from cases.models import files_dir
from lib.codes import new_check_code, new_code
from lib.personal import ERASE, MARK, PersonalData

from .certificate_text import DEFAULT as DEFAULT_CERTIFICATE


class Event(models.Model):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("conference")
        SEMINAR = "seminar", _("methodological seminar")
        TRAINING = "training", _("training")
        INTERVISION = "intervision", _("intervision")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    kind = models.CharField(_("kind of event"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The service the event belongs to: only its organisers manage it.
    service = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="events", verbose_name=_("service"))
    training_hours = models.PositiveSmallIntegerField(_("training hours (0 if it does not count)"), default=0)
    min_sessions = models.PositiveSmallIntegerField(
        _("sessions to attend for a certificate"), default=1)
    registration_open = models.BooleanField(_("registration is open"), default=True)
    certificate_template = models.TextField(_("certificate text"), default=DEFAULT_CERTIFICATE)
    version = models.PositiveIntegerField(default=1, editable=False)

    personal_data = PersonalData(
        keep=("code", "kind", "title", "description", "starts_on", "ends_on", "venue", "online_link",
              "certificate_template"),
    )

    class Meta:
        ordering = ["-starts_on", "id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.service_id is None and self.organiser_id:
            own = Membership.objects.filter(user_id=self.organiser_id, role=Role.ORGANISER).order_by("pk").first()
            self.service = own.agency if own else Agency.main_service()
        super().save(*args, **kwargs)

    def audit_label(self):  # how the audit log names it (audit/labels.py)
        return f"«{self.title}»"

    @property
    def dates(self):
        if self.starts_on == self.ends_on:
            return self.starts_on.strftime("%d.%m.%Y")
        return f"{self.starts_on:%d.%m.%Y} — {self.ends_on:%d.%m.%Y}"


class EventSession(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("start"))
    title = models.CharField(_("session"), max_length=300)
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)

    personal_data = PersonalData(
        # Speakers are announced publicly, by their consent.
        keep=("starts_at", "title", "speakers"),
    )

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self):
        return self.title


def registration_code():
    """Long enough to act as the participant's private key to their registration and QR check-in."""
    return new_code(20)


class Registration(models.Model):
    class Status(models.TextChoices):
        # A public registration holds no place until its e-mail link is opened (double opt-in).
        PENDING = "pending", _("awaiting e-mail confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        WAITLIST = "waitlist", _("on the waiting list")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    code = models.CharField(max_length=24, unique=True, default=registration_code, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    full_name = models.CharField(_("surname, name, patronymic"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT)
    agency_name = models.CharField(_("agency, if not in the list"), max_length=300, blank=True)
    territory = models.ForeignKey(Territory, verbose_name=_("territory"), null=True, blank=True,
                                  on_delete=models.PROTECT)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    consent_text = models.TextField()
    consented_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        expires="created_at", fields={"full_name": MARK, "position": ERASE, "email": ERASE, "phone": ERASE},
        keep=("code", "agency_name", "consent_text", "consented_at", "status", "created_at"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="registration_email_once")]

    def __str__(self):
        return self.full_name

    @property
    def agency_label(self):
        return self.agency.name if self.agency else self.agency_name


class Attendance(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(EventSession, on_delete=models.CASCADE, related_name="attendance")
    marked_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(keep=("marked_at",))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "session"], name="attendance_once")]


class CertificateCounter(models.Model):
    """The last number given in a year; numbers are never reused, even after revocation."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    personal_data = PersonalData()


class Certificate(models.Model):
    number = models.CharField(max_length=20, unique=True)
    # Printed on the certificate and carried by its QR code: the number alone verifies nothing, so sequential
    # numbers cannot be walked to list holders.
    check_code = models.CharField(max_length=12, default=new_check_code, editable=False)
    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="certificate")
    issued_at = models.DateTimeField(default=timezone.now)
    hours = models.PositiveSmallIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True)
    pdf_ready = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        # The PDF names the holder: it goes after the retention period; the number stays verifiable.
        owner="registration", files="path",
        keep=("number", "check_code", "issued_at", "revoked_at", "revoke_reason", "emailed_at"),
    )

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return self.number

    @property
    def path(self):
        return files_dir() / "certificates" / f"{self.number}.pdf"


class CertificateBatch(models.Model):
    """Background generation of an event's certificates, with progress the organiser sees."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="batches")
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(keep=("started_at", "finished_at"))

    class Meta:
        ordering = ["-started_at", "-id"]
