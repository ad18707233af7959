"""Lock-out, two-factor login, "log out everywhere". Every decision here is audited without personal values."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log
from audit.models import AuditEvent
from lib import totp
from lib.errors import ActionError

from .models import AuthFailure, RecoveryCode, TOTPDevice, User

WINDOW = datetime.timedelta(minutes=15)


def refusal(username, address):
    """A Russian message if this login must be refused before checking the password, else None."""
    user = User.objects.filter(username=username).first()
    if user and user.locked_at:
        return _("The account is locked after too many failed attempts. Ask the administrator to unlock it.")
    since = timezone.now() - WINDOW
    failures = AuthFailure.objects.filter(address=address, at__gte=since).count() if address else 0
    if failures >= settings.OPENDOOR_ADDRESS_LIMIT:
        return _("Too many failed attempts from this computer. Try again in 15 minutes.")
    return None


@transaction.atomic
def record_failure(username, address):
    AuthFailure.objects.create(username=username[:150], address=address)
    user = User.objects.filter(username=username).first()
    log.record(user, "login.failed", user or _Unknown(), kind=AuditEvent.Kind.LOGIN)
    if user and not user.locked_at:
        since = timezone.now() - WINDOW
        if AuthFailure.objects.filter(username=username, at__gte=since).count() >= settings.OPENDOOR_LOCK_AFTER:
            user.locked_at = timezone.now()
            user.save(update_fields=["locked_at"])
            log.record(user, "account.locked", user, fields=["locked_at"], kind=AuditEvent.Kind.LOGIN)


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
    log.record(user, "account.logout_everywhere", user, fields=["session_epoch"], kind=AuditEvent.Kind.LOGIN)
    logout(request)


# --- two factors ----------------------------------------------------------------------------------------

def two_factor_required(user):
    return settings.OPENDOOR_REQUIRE_2FA and user.needs_two_factor


def start_enrolment(user):
    device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"secret": totp.new_secret()})
    if device.confirmed_at:
        raise ActionError(_("Two-factor login is already set up."))
    return device


def _hash(code):
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


@transaction.atomic
def confirm_enrolment(user, code):
    device = start_enrolment(user)
    counter = totp.match(device.secret, code)
    if counter is None:
        raise ActionError(_("The code does not match. Check the time on your phone and enter the new code."))
    device.confirmed_at = timezone.now()
    device.last_counter = counter
    device.save()
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(10)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(c)) for c in codes)
    log.record(user, "account.2fa.enrol", user, fields=["totp"], kind=AuditEvent.Kind.LOGIN)
    return codes


@transaction.atomic
def verify_second_factor(user, code):
    """Accept a current authenticator code (each once) or an unused recovery code."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise ActionError(_("Two-factor login is not set up yet."))
    counter = totp.match(device.secret, code)
    if counter is not None and counter > device.last_counter:
        device.last_counter = counter
        device.save(update_fields=["last_counter"])
        log.record(user, "login.2fa", user, kind=AuditEvent.Kind.LOGIN)
        return
    recovery = RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at__isnull=True).first()
    if recovery:
        recovery.used_at = timezone.now()
        recovery.save(update_fields=["used_at"])
        log.record(user, "login.recovery_code", user, kind=AuditEvent.Kind.LOGIN)
        return
    log.record(user, "login.2fa_failed", user, kind=AuditEvent.Kind.LOGIN)
    raise ActionError(_("The code is wrong or has already been used."))
