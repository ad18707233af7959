import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.codes import new_code
from lib.personal import ERASE, MARK, YEAR, PersonalData


class Person(models.Model):
    """A child or adult named in a referral or taking part in a program (special-category data)."""

    class Sex(models.TextChoices):
        FEMALE = "f", _("female")
        MALE = "m", _("male")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    surname = models.CharField(_("surname"), max_length=100)
    name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Raised on every correction, so a stale edit form is refused instead of overwriting (no lost updates).
    version = models.PositiveIntegerField(default=1)
    depersonalised_at = models.DateTimeField(null=True, blank=True)
    # Set when this record was merged into another one (the duplicate queue); every reference moved there.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    personal_data = PersonalData(
        fields={"surname": MARK, "name": ERASE, "patronymic": ERASE, "birth_date": YEAR, "phone": ERASE,
                "address": ERASE},
        keep=("code", "sex", "depersonalised_at"),
    )

    EDITABLE = ["surname", "name", "patronymic", "birth_date", "sex", "phone", "address"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["surname", "name"], name="person_name_idx")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)

    def age_on(self, day: datetime.date | None = None):
        if not self.birth_date:
            return None
        day = day or timezone.localdate()
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def is_minor(self):
        age = self.age_on()
        return age is not None and age < 18


class PersonKey(models.Model):
    """A blocking key of a person (people.matching.blocking_keys): the registry look-up reads only these."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    key = models.CharField(max_length=200)

    personal_data = PersonalData(owner="person", fields={"key": ERASE}, internal=True)

    class Meta:
        indexes = [models.Index(fields=["key"], name="person_key_idx")]


class DuplicateCandidate(models.Model):
    """A pair `find_duplicates` judged likely to be one person, waiting for the coordinator's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        MERGED = "merged", _("merged")
        DISTINCT = "distinct", _("different persons")

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        # Reasons are codes («same_birth_date»), not values.
        owner="first", keep=("reasons", "status", "found_at", "decided_at"), internal=True,
    )

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_unique")]


class PersonMerge(models.Model):
    """One merge: which references moved from the merged record to the kept one, so it can be undone."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(default=dict)  # {"referral_roles": [ids], "participations": [ids]}
    merged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        # `moved` holds row ids.
        owner="kept", keep=("moved", "merged_at", "undone_at"), internal=True,
    )

    class Meta:
        ordering = ["-merged_at"]
