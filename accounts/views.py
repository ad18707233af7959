import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit import log
from audit.models import AuditEvent
from events.actions import hours_for
from lib import totp
from lib.errors import ActionError
from lib.views import run_action

from . import security
from .forms import CodeForm
from .models import Role, TOTPDevice, User


def _safe_next(request):
    """Where to go after the second factor: only an address of this site (never an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


def _second_step(request, form, check, success):
    """Check the code; the page to show on success, None (the reason on the form) on a refusal. Too many wrong
    codes end the session."""
    try:
        result = check(form.cleaned_data["code"])
    except security.TooManyCodes as error:
        return _end_session(request, error)
    except ActionError as error:
        form.add_error("code", str(error))
        return None
    request.session["2fa"] = True
    return success(result)


def _end_session(request, error):
    logout(request)
    messages.error(request, str(error))
    return redirect("login")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Second step of the login: the authenticator's code (or a recovery code). Without an authenticator yet, the
    page sends the one-time enrolment link to the account's e-mail: the password alone never shows the key."""
    user = request.user
    enrolled = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and not enrolled:
        run_action(request, lambda: security.send_enrolment_link(user),
                   _("The link has been sent to your e-mail. Open it in this browser."))
        return redirect("two_factor")
    if request.method == "POST" and form.is_valid():
        done = _second_step(request, form, lambda code: security.verify_second_factor(user, code),
                            lambda _result: redirect(_safe_next(request)))
        if done:
            return done
    return render(request, "accounts/two_factor.html", {
        "form": form, "enrolled": enrolled, "next": _safe_next(request), "email": _masked(user.email)})


def _masked(email):
    if not email or "@" not in email:
        return ""
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request, token):
    """The one-time enrolment link: the key and its QR code, then the first code from the app."""
    user = request.user
    try:
        device = security.device_for_enrolment(user, token)
    except ActionError as error:
        messages.error(request, str(error))
        return redirect("two_factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _second_step(request, form, lambda code: security.confirm_enrolment(user, token, code),
                            lambda codes: render(request, "accounts/recovery_codes.html", {"codes": codes}))
        if done:
            return done
    uri = totp.provisioning_uri(device.secret, user.username, "Открытая дверь")
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form, "secret": device.secret, "qr": segno.make(uri, error="m").svg_data_uri(scale=5)})


def login_unlock(request, token):
    """The link e-mailed when a login is being slowed down: this browser may try that account's password now."""
    user = security.read_unlock_token(token)
    if user is None:
        messages.error(request, _("The login link is wrong or has expired."))
    else:
        request.session["login_bypass"] = user.pk
        log.record(None, "login.unlock_link_used", user, kind=AuditEvent.Kind.LOGIN)
        messages.success(request, _("Now log in with your password."))
    return redirect("login")


@login_required
def account(request):
    return render(request, "accounts/account.html", {
        "two_factor": TOTPDevice.objects.filter(user=request.user, confirmed_at__isnull=False).exists(),
        "recovery_left": request.user.recovery_codes.filter(used_at__isnull=True).count(),
        "training_hours": hours_for(request.user.email),
    })


@login_required
@require_POST
def logout_everywhere(request):
    security.logout_everywhere(request)
    messages.success(request, _("You have been logged out on every device."))
    return redirect("login")


def require_admin(request):
    """The administrator's pages (users, API keys): anyone else is refused."""
    if not request.user.has_role(Role.ADMIN):
        raise PermissionDenied


def _users_page(request, *, locked=False, **extra):
    users = (User.objects.select_related("totp").prefetch_related("memberships__agency")
             .order_by("last_name", "first_name"))
    if locked:
        users = users.filter(locked_at__isnull=False)
    response = render(request, "accounts/users.html", {"users": users[:500], "locked": locked, **extra})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def user_list(request):
    require_admin(request)
    return _users_page(request, locked=request.GET.get("locked") == "1")


@login_required
@require_POST
def user_enrolment_link(request, pk):
    """The administrator makes a one-time enrolment link for a user who cannot receive it by e-mail."""
    require_admin(request)
    target = get_object_or_404(User, pk=pk)
    link = run_action(request, lambda: security.enrolment_link(target, actor=request.user),
                      _("Hand this link to the user in person; it works once, for 24 hours, after their password."))
    return _users_page(request, enrolment_link=link if isinstance(link, str) else None, link_user=target)


@login_required
@require_POST
def user_unlock(request, pk):
    require_admin(request)
    target = get_object_or_404(User, pk=pk)
    run_action(request, lambda: security.unlock(target, actor=request.user), _("The account has been unlocked."))
    return redirect("users")
