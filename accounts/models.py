from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.personal import ERASE, MARK, PersonalData


class Territory(models.Model):
    """A municipality of the region (муниципальное образование)."""

    class Kind(models.TextChoices):
        CITY = "city", _("city district")
        DISTRICT = "district", _("municipal district")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DISTRICT)
    # Deactivated, never deleted: referrals and statistics refer to it.
    active = models.BooleanField(_("active"), default=True)

    personal_data = PersonalData(keep=("name", "kind"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("territory")

    def __str__(self):
        return self.name

    def audit_label(self):  # how the audit log names it (audit/labels.py)
        return f"«{self.name}»"


class Agency(models.Model):
    """A body or institution of the prevention system, or the reconciliation service itself."""

    class Kind(models.TextChoices):
        COMMISSION = "commission", _("juvenile commission")
        GUARDIANSHIP = "guardianship", _("guardianship body")
        POLICE_JUVENILE = "police_juvenile", _("police juvenile unit")
        SOCIAL = "social", _("social institution for minors")
        RESIDENTIAL = "residential", _("residential institution for orphans")
        SCHOOL = "school", _("school")
        DEPARTMENT = "department", _("regional department")
        RECONCILIATION_SERVICE = "service", _("reconciliation service")

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="agencies",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail for notices"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The letterhead and the signature of a service's documents.
    head_position = models.CharField(_("position of the head (for signatures)"), max_length=150, blank=True)
    head_name = models.CharField(_("head's name (for signatures)"), max_length=150, blank=True)
    outgoing_prefix = models.CharField(_("prefix of outgoing numbers"), max_length=20, blank=True)
    # A service's own term for answering a referral (days); empty: the region's OPENDOOR_ANSWER_DAYS.
    answer_days = models.PositiveSmallIntegerField(_("days to answer a referral"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    personal_data = PersonalData(
        # An organisation's own details; the head's name and position are printed on its letters.
        keep=("name", "short_name", "kind", "address", "email", "phone", "head_position", "head_name",
              "outgoing_prefix"),  # answer_days is a number, not declared
    )

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [models.UniqueConstraint(fields=["short_name"], name="agency_short_name_unique")]

    def __str__(self):
        return self.short_name

    def audit_label(self):  # how the audit log names it (audit/labels.py)
        return f"«{self.short_name}»"

    @property
    def is_service(self):
        return self.kind == self.Kind.RECONCILIATION_SERVICE

    @classmethod
    def main_service(cls):
        """The reconciliation service that receives referrals and issues documents (the first one)."""
        return cls.objects.filter(kind=cls.Kind.RECONCILIATION_SERVICE).order_by("pk").first()

    @classmethod
    def services(cls):
        return cls.objects.filter(kind=cls.Kind.RECONCILIATION_SERVICE, active=True).order_by("pk")

    @classmethod
    def serving(cls, agency):
        """The service a referral from `agency` goes to by default: the one of its territory, else the main one."""
        if agency is not None and agency.territory_id:
            local = cls.services().filter(territory_id=agency.territory_id).first()
            if local:
                return local
        return cls.main_service()

    @classmethod
    def service_named(cls, short_name=None):
        """A reconciliation service by its short name (for commands); without a name, the main service."""
        if not short_name:
            return cls.main_service()
        return cls.objects.filter(short_name=short_name, kind=cls.Kind.RECONCILIATION_SERVICE).first()


class Role(models.TextChoices):
    REFERRER = "referrer", _("referrer")
    FACILITATOR = "facilitator", _("facilitator")
    COORDINATOR = "coordinator", _("coordinator")
    METHODOLOGIST = "methodologist", _("methodologist")
    ANALYST = "analyst", _("analyst")
    ORGANISER = "organiser", _("event organiser")
    ADMIN = "admin", _("administrator")


class User(AbstractUser):
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    # An administrator's lock (failed logins only slow down, they never lock: accounts/security.py).
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    # Raised by "log out everywhere": sessions started under an older value end.
    session_epoch = models.PositiveIntegerField(default=0)

    personal_data = PersonalData(
        staff=True,
        fields={"first_name": MARK, "last_name": ERASE, "patronymic": ERASE, "email": ERASE, "position": ERASE},
        keep=("password", "last_login", "username", "date_joined", "locked_at"),
    )

    class Meta:
        verbose_name = _("user")

    def __str__(self):
        return self.short_name

    def audit_label(self):  # how the audit log names it (audit/labels.py)
        return f"«{self.short_name}»"

    @property
    def short_name(self):
        """«Иванова А. П.» — how Russian paperwork names a colleague."""
        initials = "".join(f"{part[0]}. " for part in (self.first_name, self.patronymic) if part).strip()
        return f"{self.last_name} {initials}".strip() or self.username

    @property
    def full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p) or self.username

    @cached_property
    def memberships_cached(self):
        return list(self.memberships.select_related("agency", "agency__territory"))

    def agency_ids(self, role=None):
        """The agencies where the user holds `role` (any role when None)."""
        return {m.agency_id for m in self.memberships_cached if role is None or m.role == role}

    def has_role(self, role):
        return any(m.role == role for m in self.memberships_cached)

    @property
    def roles(self):
        return sorted({m.role for m in self.memberships_cached})

    @property
    def needs_two_factor(self):
        """Roles that see tier T3 case data, and administrators, must use a second factor."""
        return bool({Role.COORDINATOR, Role.FACILITATOR, Role.ADMIN} & set(self.roles))

    @property
    def main_agency(self):
        return self.memberships_cached[0].agency if self.memberships_cached else None

    def acting_agency(self, session, role=None):
        """The organisation the user acts for: the one chosen in this session (remembered), if still theirs
        (with `role`, if given); else their first."""
        mine = [m.agency for m in self.memberships_cached if role is None or m.role == role]
        chosen = session.get("acting_agency") if session is not None else None
        return next((a for a in mine if a.pk == chosen), mine[0] if mine else None)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    personal_data = PersonalData(keep=("role",))

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.agency} ({self.get_role_display()})"


class AuthFailure(models.Model):
    """A failed login, kept to lock accounts and addresses; the address never reaches the audit log."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    personal_data = PersonalData(expires="at", fields={"username": ERASE}, keep=("at",))


class TOTPDevice(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last counter accepted, so one code cannot be used twice.
    last_counter = models.BigIntegerField(default=0)
    # Wrong codes in a row and when the last one came: each doubles the wait before the next try (as django-otp's
    # ThrottlingMixin); a right code resets it.
    failures = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)
    # The one-time enrolment link carries this; it changes when a link is used or a new one is made.
    enrol_nonce = models.CharField(max_length=32, blank=True)

    personal_data = PersonalData(keep=("secret", "confirmed_at", "failed_at", "enrol_nonce"))


class RecoveryCode(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(keep=("code_hash", "used_at"))


class UserSession(models.Model):
    """One open login of a user, for «active sessions» on the account page: a random id kept in the session (never
    the session key itself), so deleting the row ends that session on its next request."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="open_sessions")
    sid = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    browser = models.CharField(max_length=200, blank=True)

    personal_data = PersonalData(expires="last_seen", fields={"browser": ERASE},
                                 keep=("sid", "created_at", "last_seen"))

    class Meta:
        ordering = ["-last_seen"]


class RegionSettings(models.Model):
    """Settings an operator would otherwise keep in environment variables, edited in the browser by the
    administrator (accounts/site.py reads them, falling back to the environment). One row."""

    base_url = models.URLField(_("public address of the system"), blank=True,
                               help_text=_("Links in e-mails and the QR codes of certificates start with it."))
    reminder_hour = models.PositiveSmallIntegerField(_("hour of the daily reminders"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData(keep=("base_url", "updated_at"))

    class Meta:
        verbose_name = _("region settings")


class Notification(models.Model):
    """An in-app message: a reminder, an alert. Holds no personal data, only a link to the object."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(max_length=200, blank=True)
    urgent = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        expires="created_at",
        fields={"text": ERASE, "url": ERASE},
        keep=("created_at", "read_at"),
    )

    class Meta:
        db_table = "core_notification"  # created by core before the notices moved here
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]
