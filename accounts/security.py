"""Lock-out, two-factor login, "log out everywhere". Every decision here is audited without personal values."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import logout
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log
from audit.models import AuditEvent
from lib import totp
from lib.errors import ActionError
from lib.mail import send_email_later
from lib.validation import clean_text

from . import site
from .models import AuthFailure, RecoveryCode, TOTPDevice, User

WINDOW = datetime.timedelta(minutes=15)
UNLOCK_SALT = "accounts.login-unlock"
UNLOCK_HOURS = 1


def normalise_login(raw):
    """The login as it is counted and as it is checked: Django's NFKC normalisation (what the login form's field
    does before the password is checked), without surrounding spaces. «ｓtazher» and «stazher» are one login."""
    return User.normalize_username(clean_text(raw or "", multiline=False).strip())[:150]


def _failures(**where):
    return AuthFailure.objects.filter(at__gte=timezone.now() - WINDOW, **where)


def account_wait(login):
    """Seconds this login must wait before its password is checked again (0: go ahead). After OPENDOOR_LOCK_AFTER
    failures in 15 minutes each further failure doubles the wait, from one minute up to 15 minutes; nothing is
    locked for good, and the owner can skip the wait with the link sent to the account's e-mail."""
    recent = list(_failures(username=login).order_by("-at").values_list("at", flat=True)[:64])
    over = len(recent) - settings.OPENDOOR_LOCK_AFTER
    if over < 0:
        return 0
    delay = min(60 * 2 ** over, WINDOW.total_seconds())
    return max(0, int((recent[0] + datetime.timedelta(seconds=delay) - timezone.now()).total_seconds()) + 1)


def address_wait(address):
    if not address:
        return 0
    recent = _failures(address=address).order_by("-at").values_list("at", flat=True)
    if recent[: settings.OPENDOOR_ADDRESS_LIMIT].count() < settings.OPENDOOR_ADDRESS_LIMIT:
        return 0
    return max(1, int((recent.first() + WINDOW - timezone.now()).total_seconds()))


def _minutes(seconds):
    return max(1, -(-seconds // 60))


def refusal(login, address, *, bypass=None):
    """A Russian message if this attempt must be refused before the password is checked, else None. The message
    is the same whether the login exists or not. ``bypass``: the account id whose e-mailed link this browser
    opened — it skips that account's wait (never the address's)."""
    user = User.objects.filter(username=login).first()
    if user and user.locked_at:
        # An administrator's lock (never set by failed logins), said in the words of any other refusal.
        return _("Logging in with this login is suspended. Ask the administrator.")
    wait = address_wait(address)
    if wait:
        return _("Too many failed attempts from this computer. Try again in %(minutes)s min.") % {
            "minutes": _minutes(wait)}
    wait = account_wait(login)
    if wait and not (user and bypass == user.pk):
        return _("Too many failed attempts with this login. Try again in %(minutes)s min., or open the login link "
                 "we have sent to the account's e-mail.") % {"minutes": _minutes(wait)}
    return None


@transaction.atomic
def record_failure(login, address):
    AuthFailure.objects.create(username=login, address=address or None)
    user = User.objects.filter(username=login).first()
    log.record(user, "login.failed", user or _Unknown(), kind=AuditEvent.Kind.LOGIN)
    if user and account_wait(login) and user.email and cache.add(f"login-unlock-mail:{user.pk}", 1, 900):
        # Once per 15 minutes at most: the owner's way in while someone else keeps guessing.
        link = site.base_url() + reverse("login_unlock", args=[unlock_token(user)])
        send_email_later(
            _("Login to «Open Door»: many failed attempts"),
            _("Someone has entered a wrong password for your login several times, so logging in with it is paused "
              "for a while. If it was you, open this link within %(hours)s hour(s) in the browser you log in from: "
              "it lets you log in at once with your password. If it was not you, tell the administrator.\n\n"
              "%(link)s") % {"hours": UNLOCK_HOURS, "link": link}, [user.email])
        log.record(None, "login.unlock_link", user, kind=AuditEvent.Kind.LOGIN)


def unlock_token(user):
    return signing.dumps({"u": user.pk, "e": user.session_epoch}, salt=UNLOCK_SALT, compress=True)


def read_unlock_token(token):
    """The user the link was made for, or None (bad, expired, or made before "log out everywhere")."""
    try:
        data = signing.loads(token, salt=UNLOCK_SALT, max_age=UNLOCK_HOURS * 3600)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    return user if user and user.session_epoch == data.get("e") else None


class _Unknown:
    """The object of a failed login for a name that is no account (the name itself is not logged)."""

    pk = "unknown"
    code = "unknown"


def record_success(user):
    AuthFailure.objects.filter(username=user.username).delete()
    log.record(user, "login", user, kind=AuditEvent.Kind.LOGIN)


@transaction.atomic
def unlock(user, *, actor):
    if not user.locked_at:
        raise ActionError(_("This account is not locked."))
    user.locked_at = None
    user.save(update_fields=["locked_at"])
    AuthFailure.objects.filter(username=user.username).delete()
    log.record(actor, "account.unlock", user, fields=["locked_at"])


@transaction.atomic
def logout_everywhere(request):
    user = request.user
    User.objects.filter(pk=user.pk).update(session_epoch=user.session_epoch + 1)
    user.open_sessions.all().delete()
    log.record(user, "account.logout_everywhere", user, fields=["session_epoch"], kind=AuditEvent.Kind.LOGIN)
    logout(request)


# --- two factors ----------------------------------------------------------------------------------------
#
# Time-based codes (lib/totp.py, RFC 6238) and hashed recovery codes. Wrong codes are throttled as django-otp's
# ThrottlingMixin does (each failure doubles the wait, 1 s, 2 s, 4 s … up to 15 minutes; a right code resets it) and
# after OPENDOOR_2FA_MAX_FAILURES in a row the session ends, so the password is needed again. Enrolment needs more
# than the password: a one-time link sent to the account's e-mail, or handed over by the administrator.

ENROL_SALT = "accounts.2fa-enrol"
ENROL_HOURS = 24
MAX_WAIT = 900


def two_factor_required(user):
    return settings.OPENDOOR_REQUIRE_2FA and user.needs_two_factor


def _device(user):
    device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"secret": totp.new_secret()})
    return device


def enrolment_link(user, *, actor=None):
    """A one-time address that shows a new authenticator key to this user (after their password). Making a new
    link makes the earlier ones useless."""
    device = _device(user)
    if device.confirmed_at:
        raise ActionError(_("Two-factor login is already set up."))
    device.enrol_nonce = secrets.token_hex(8)
    device.secret = totp.new_secret()
    device.save(update_fields=["enrol_nonce", "secret"])
    token = signing.dumps({"u": user.pk, "n": device.enrol_nonce}, salt=ENROL_SALT, compress=True)
    log.record(actor or user, "account.2fa.enrol_link", user, kind=AuditEvent.Kind.LOGIN)
    return site.base_url() + reverse("two_factor_enrol", args=[token])


def send_enrolment_link(user):
    if not user.email:
        raise ActionError(_("Your account has no e-mail address. Ask the administrator for an enrolment link."))
    if not cache.add(f"2fa-enrol-mail:{user.pk}", 1, 300):
        raise ActionError(_("The link has just been sent. Check your mail (and the spam folder) or try again in "
                            "5 minutes."))
    send_email_later(_("Setting up two-factor login to «Open Door»"), _(
        "Open this link in the browser where you have logged in with your password, within %(hours)s hours, to "
        "connect an authenticator app. If you did not ask for it, tell the administrator.\n\n%(link)s") % {
        "hours": ENROL_HOURS, "link": enrolment_link(user)}, [user.email])


def device_for_enrolment(user, token):
    """The unconfirmed device the link was made for, or an ActionError in Russian."""
    try:
        data = signing.loads(token, salt=ENROL_SALT, max_age=ENROL_HOURS * 3600)
    except signing.BadSignature:
        raise ActionError(_("The enrolment link is wrong or has expired. Ask for a new one.")) from None
    device = TOTPDevice.objects.filter(user=user).first()
    if (data.get("u") != user.pk or device is None or device.confirmed_at or not device.enrol_nonce
            or not secrets.compare_digest(device.enrol_nonce, str(data.get("n")))):
        raise ActionError(_("The enrolment link is wrong or has expired. Ask for a new one."))
    return device


def _hash(code):
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _wait(device):
    if not device.failures or device.failed_at is None:
        return 0
    delay = min(2 ** (device.failures - 1), MAX_WAIT)
    return max(0, int((device.failed_at + datetime.timedelta(seconds=delay) - timezone.now()).total_seconds()) + 1)


class TooManyCodes(ActionError):
    """Wrong codes in a row reached the limit: the session must end."""


def _refuse_if_waiting(device):
    wait = _wait(device)
    if wait:
        raise ActionError(_("Too many wrong codes. Wait %(seconds)s s and enter the new code.") % {"seconds": wait})


def _failed(device, user, action, message):
    """Count a wrong code; the refusal to raise once the transaction has committed (so the count stays)."""
    device.failures += 1
    device.failed_at = timezone.now()
    device.save(update_fields=["failures", "failed_at"])
    log.record(user, action, user, kind=AuditEvent.Kind.LOGIN)
    if device.failures % settings.OPENDOOR_2FA_MAX_FAILURES == 0:
        return TooManyCodes(_("Too many wrong codes: log in with your password again."))
    return ActionError(message)


def _succeeded(device, **fields):
    for name, value in {"failures": 0, "failed_at": None, **fields}.items():
        setattr(device, name, value)
    device.save()


def confirm_enrolment(user, token, code):
    with transaction.atomic():
        device = device_for_enrolment(user, token)
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        _refuse_if_waiting(device)
        counter = totp.match(device.secret, code)
        if counter is None:
            refusal = _failed(device, user, "account.2fa.enrol_failed",
                              _("The code does not match. Check the time on your phone and enter the new code."))
        else:
            _succeeded(device, confirmed_at=timezone.now(), last_counter=counter, enrol_nonce="")
            RecoveryCode.objects.filter(user=user).delete()
            codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(10)]
            RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(c)) for c in codes)
            log.record(user, "account.2fa.enrol", user, fields=["totp"], kind=AuditEvent.Kind.LOGIN)
            return codes
    raise refusal


def verify_second_factor(user, code):
    """Accept a current authenticator code (each once) or an unused recovery code; throttle wrong ones. A
    TooManyCodes refusal is committed (the count must survive it) and means: end the session."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
        if device is None:
            raise ActionError(_("Two-factor login is not set up yet."))
        _refuse_if_waiting(device)
        counter = totp.match(device.secret, code)
        if counter is not None and counter > device.last_counter:
            _succeeded(device, last_counter=counter)
            log.record(user, "login.2fa", user, kind=AuditEvent.Kind.LOGIN)
            return
        recovery = RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at__isnull=True).first()
        if recovery:
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            _succeeded(device)
            log.record(user, "login.recovery_code", user, kind=AuditEvent.Kind.LOGIN)
            return
        refusal = _failed(device, user, "login.2fa_failed", _("The code is wrong or has already been used."))
    raise refusal
