"""Staff accounts without a shell: the first administrator of a region, invitations, deactivation of leavers.

A person gets into the system by a one-time link (Django's password-reset token: it stops working once the
password is set, or after PASSWORD_RESET_TIMEOUT); the page behind it sets the password and, for roles that
need a second factor, continues straight to connecting the authenticator app."""

import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit import log
from audit.models import AuditEvent
from lib import sheets
from lib.errors import ActionError
from lib.mail import send_email_later
from lib.validation import clean_text

from . import site
from .models import Agency, Membership, Role, User

# Sent after a user is deactivated; layers above (the API's keys) end what belongs to them.
user_deactivated = Signal()


def set_password_link(user):
    """The one-time address where the user sets a password (and then connects the second factor)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return site.base_url() + reverse("set_password", args=[uid, default_token_generator.make_token(user)])


def _username(email):
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@", 1)[0].lower())[:30] or "user"
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@transaction.atomic
def create_account(*, actor, email, last_name, first_name, patronymic="", position="", memberships):
    """A new account with its memberships [(agency, role)] and no password yet. Returns (user, link)."""
    email = email.strip().lower()
    if not memberships:
        raise ActionError(_("Give the person at least one role in an organisation."))
    if User.objects.filter(email__iexact=email).exists():
        raise ActionError(_("An account with this e-mail already exists. Change its roles on the users page."))
    user = User(username=_username(email), email=email, last_name=last_name.strip(),
                first_name=first_name.strip(), patronymic=patronymic.strip(), position=position.strip())
    user.set_unusable_password()
    user.save()
    for agency, role in memberships:
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
    log.record(actor, "user.invite", user, kind=AuditEvent.Kind.WRITE,
               fields=[f"role:{role}@{agency.pk}" for agency, role in memberships])
    return user, set_password_link(user)


def invite(*, actor, **fields):
    """Create the account and e-mail the one-time link. Returns (user, link)."""
    user, link = create_account(actor=actor, **fields)
    send_invitation(user, link)
    return user, link


def send_invitation(user, link):
    roles = ", ".join(f"{m.get_role_display()} — {m.agency.short_name}" for m in user.memberships.all())
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    send_email_later(_("Your account in «Open Door»"), _(
        "An account has been opened for you in «Open Door», the information system of the regional "
        "reconciliation service: %(roles)s.\n\nYour login: %(login)s\n\nOpen this link within %(hours)s hours "
        "to set your password%(second)s. The link works once.\n\n%(link)s") % {
        "roles": roles, "login": user.username, "hours": hours, "link": link,
        "second": _(" and connect the authenticator app") if user.needs_two_factor else ""}, [user.email])


@transaction.atomic
def resend_invitation(user, *, actor):
    if user.has_usable_password():
        raise ActionError(_("This person has already set a password; they can reset it from the login page."))
    link = set_password_link(user)
    send_invitation(user, link)
    log.record(actor, "user.invite_again", user, kind=AuditEvent.Kind.WRITE, fields=["link"])
    return link


@transaction.atomic
def set_roles(user, *, actor, memberships):
    """Replace the user's memberships; the change is audited and shown in the user's history."""
    if not memberships:
        raise ActionError(_("Give the person at least one role in an organisation."))
    if user == actor and not any(role == Role.ADMIN for _agency, role in memberships):
        raise ActionError(_("You cannot take the administrator's role from yourself."))
    before = {(m.agency_id, m.role) for m in user.memberships.all()}
    after = {(agency.pk, role) for agency, role in memberships}
    Membership.objects.filter(user=user).exclude(
        pk__in=[m.pk for m in user.memberships.all() if (m.agency_id, m.role) in after]).delete()
    for agency, role in memberships:
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
    changes = [f"-{role}@{agency}" for agency, role in sorted(before - after)]
    changes += [f"+{role}@{agency}" for agency, role in sorted(after - before)]
    User.objects.filter(pk=user.pk).update(session_epoch=user.session_epoch + 1)  # rights change: log in anew
    log.record(actor, "user.roles", user, kind=AuditEvent.Kind.WRITE, fields=changes)


@transaction.atomic
def deactivate(user, *, actor):
    """A leaver: the account stops working at once (sessions end on the next request, API keys are revoked);
    the history stays, and so does everything they recorded."""
    if user == actor:
        raise ActionError(_("You cannot deactivate your own account."))
    if not user.is_active:
        raise ActionError(_("The account is already deactivated."))
    user.is_active = False
    user.session_epoch += 1
    user.save(update_fields=["is_active", "session_epoch"])
    user.open_sessions.all().delete()
    user_deactivated.send(sender=User, user=user, actor=actor)
    log.record(actor, "user.deactivate", user, kind=AuditEvent.Kind.WRITE, fields=["is_active"])


@transaction.atomic
def reactivate(user, *, actor):
    user.is_active = True
    user.save(update_fields=["is_active"])
    log.record(actor, "user.reactivate", user, kind=AuditEvent.Kind.WRITE, fields=["is_active"])


@transaction.atomic
def start_region(*, service, admin):
    """The first start on an empty database: the service with its letterhead, and the first administrator.
    Returns (service, administrator, one-time link)."""
    if Agency.objects.filter(kind=Agency.Kind.RECONCILIATION_SERVICE).exists() or User.objects.exists():
        raise ActionError(_("The database already holds a region. start_region is for the first start only."))
    service = Agency.objects.create(kind=Agency.Kind.RECONCILIATION_SERVICE, **service)
    user, link = create_account(actor=None, memberships=[(service, Role.ADMIN)], **admin)
    log.record(None, "region.start", service, kind=AuditEvent.Kind.WRITE, fields=sorted(admin))
    return service, user, link


# --- bulk invitations from XLSX ---------------------------------------------------------------------------------

INVITE_COLUMNS = {
    "email": ["e-mail", "email", "электронная почта", "почта"],
    "last_name": ["фамилия"],
    "first_name": ["имя"],
    "patronymic": ["отчество"],
    "position": ["должность"],
    "agency": ["организация", "краткое название организации"],
    "role": ["роль"],
}
INVITE_REQUIRED = ("email", "last_name", "first_name", "agency", "role")


def _role(text):
    text = (text or "").strip().lower()
    return next((value for value, label in Role.choices if text in (value, str(label).lower())), None)


def read_invitations(upload):
    """[{"line", "values", "errors"}] for an XLSX of people to invite: e-mail, surname, name, patronymic,
    position, organisation (short name as in the directory), role. An ActionError when it is not such a file."""
    rows = sheets.read_rows(upload, max_rows=1000, max_columns=20)
    header_at, positions = sheets.find_header(rows, INVITE_COLUMNS, INVITE_REQUIRED)
    if header_at is None:
        raise ActionError(_("No header row with the columns «E-mail», «Фамилия», «Имя», «Организация» and «Роль» "
                            "was found in the first 10 rows."))
    agencies = {a.short_name.lower(): a for a in Agency.objects.filter(active=True)}
    taken = {e.lower() for e in User.objects.values_list("email", flat=True) if e}
    out, seen = [], set()
    for line, values in enumerate(rows[header_at + 1:], start=header_at + 2):
        if all(v in (None, "") for v in values):
            continue
        v = {key: clean_text(str(values[i]) if i < len(values) and values[i] is not None else "",
                             multiline=False)[:150].strip() for key, i in positions.items()}
        errors = []
        email = v["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("the e-mail «%(value)s» is not an address") % {"value": v["email"] or "—"})
        if email in taken:
            errors.append(_("an account with this e-mail already exists"))
        elif email in seen:
            errors.append(_("the e-mail repeats an earlier row"))
        seen.add(email)
        for key, message in (("last_name", _("no surname")), ("first_name", _("no first name"))):
            if not v.get(key):
                errors.append(message)
        agency = agencies.get(v["agency"].lower())
        if agency is None:
            errors.append(_("no organisation «%(value)s» in the directory") % {"value": v["agency"] or "—"})
        role = _role(v["role"])
        if role is None:
            errors.append(_("unknown role «%(value)s»") % {"value": v["role"] or "—"})
        out.append({"line": line, "values": {**v, "email": email, "agency_id": agency.pk if agency else None,
                                             "role": role, "agency_name": agency.short_name if agency else ""},
                    "errors": [str(e) for e in errors]})
    return out


def invite_rows(rows, *, actor):
    """Invite every valid row (each in its own transaction). Returns how many were invited."""
    count = 0
    for row in rows:
        if row["errors"]:
            continue
        v = row["values"]
        agency = Agency.objects.get(pk=v["agency_id"])
        invite(actor=actor, email=v["email"], last_name=v["last_name"], first_name=v["first_name"],
               patronymic=v.get("patronymic", ""), position=v.get("position", ""), memberships=[(agency, v["role"])])
        count += 1
    return count
