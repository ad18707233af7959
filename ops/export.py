"""The full export of one service's data (JSON) for migration to another system and for archiving.

The format is described in docs/export-format.md. Every model's own fields are written under their names;
a reference to another object is written as that object's code (persons, referrals, cases) or id; dates and
times as ISO 8601. Passwords, second-factor secrets and API keys are never written. Attachments are listed
with their checksum; their files are in the backup (python manage.py backup)."""

import datetime
import decimal

from django.db import models
from django.utils import timezone

from accounts.models import Agency, Membership, Territory, User
from cases.models import Case
from people.models import Person
from referrals.models import Referral

FORMAT = "opendoor-service-export"
VERSION = 1
SKIP = {"password", "secret", "key_hash", "webhook_secret", "row_hash", "prev_hash"}


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def plain(obj, exclude=()):
    """The object's own fields; a foreign key as the target's code when it has one (a user: the login), else
    its id."""
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIP or field.name in exclude:
            continue
        if isinstance(field, models.ForeignKey):
            target = getattr(obj, field.name)
            if target is None:
                row[field.name] = None
            elif isinstance(target, User):
                row[field.name] = target.username
            else:
                row[field.name] = getattr(target, "code", None) or target.pk
        else:
            row[field.name] = _value(getattr(obj, field.attname))
    return row


def _case(case):
    data = plain(case, exclude=("referral", "service"))
    data["facilitators"] = [u.username for u in case.facilitators.all()]
    for name in ("program", "agreement", "report"):
        related = getattr(case, name, None)
        data[name] = plain(related, exclude=("case",)) if related else None
    if data["agreement"]:
        data["agreement"]["items"] = [
            {**plain(item, exclude=("agreement",)), "followups": [plain(f, exclude=("item",))
                                                                   for f in item.followups.all()]}
            for item in case.agreement.items.all()]
    data["screenings"] = [plain(s, exclude=("case",)) for s in case.screenings.all()]
    data["participants"] = [
        {**plain(p, exclude=("case",)), "consents": [plain(c, exclude=("participant",)) for c in p.consents.all()]}
        for p in case.participants.all()]
    data["network"] = [plain(n, exclude=("case",)) for n in case.network.all()]
    data["meetings"] = [{**plain(m, exclude=("case",)), "attendees": [a.person.code for a in m.attendees.all()]}
                        for m in case.meetings.all()]
    data["safety_notices"] = [plain(n, exclude=("case",)) for n in case.safety_notices.all()]
    data["attachments"] = [plain(a, exclude=("case",)) for a in case.attachments.all()]
    return data


def export(service: Agency) -> dict:
    referrals = (Referral.objects.filter(service=service).select_related("agency", "author", "decided_by")
                 .prefetch_related("persons__person").order_by("created_at", "pk"))
    persons = Person.objects.filter(referral_roles__referral__service=service).distinct().order_by("pk")
    cases = (Case.objects.filter(service=service).select_related("referral", "program", "agreement", "report")
             .prefetch_related("facilitators", "screenings", "participants__consents", "participants__person",
                               "network", "meetings__attendees__person", "agreement__items__followups",
                               "safety_notices", "attachments").order_by("year", "number"))
    agency_ids = set(referrals.values_list("agency_id", flat=True)) | {service.pk}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "service": plain(service),
        "territories": [plain(t) for t in Territory.objects.order_by("pk")],
        "agencies": [plain(a) for a in Agency.objects.filter(pk__in=agency_ids).order_by("pk")],
        "staff": [{"username": m.user.username, "surname": m.user.last_name, "name": m.user.first_name,
                   "patronymic": m.user.patronymic, "email": m.user.email, "role": m.role}
                  for m in Membership.objects.filter(agency=service).select_related("user").order_by("user_id")],
        "persons": [plain(p) for p in persons],
        "referrals": [{**plain(r, exclude=("service",)),
                       "persons": [{"person": rp.person.code, "role": rp.role} for rp in r.persons.all()],
                       "case": getattr(getattr(r, "case", None), "code", None)} for r in referrals],
        "cases": [{**_case(c), "referral": c.referral.code} for c in cases],
    }
