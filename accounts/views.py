import re

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from audit import log
from audit.models import AuditEvent
from lib import totp
from lib.errors import ActionError
from lib.ratelimit import address_over_limit
from lib.views import preview_then_apply, run_action

from . import actions, onboarding, security, site
from .forms import CodeForm, DirectoryUploadForm, InviteForm, MembershipFields, NewPasswordForm, ResetRequestForm
from .models import Agency, Role, TOTPDevice, User, UserSession


def _safe_target(request, target):
    """`target` if it is an address of this site, else the start page (never an open redirect)."""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


def _safe_next(request):
    """Where to go after the second factor."""
    return _safe_target(request, request.POST.get("next") or request.GET.get("next") or "")


def _safe_back(request):
    """Back to the page the request came from, if it is of this site."""
    return _safe_target(request, request.META.get("HTTP_REFERER", ""))


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


# Facts about the user that higher floors keep (the training hours of the events app), added in their
# AppConfig.ready(): (label, fact(user)).
ACCOUNT_FACTS = []


def add_account_fact(label, fact):
    ACCOUNT_FACTS.append((label, fact))


@login_required
def account(request):
    return render(request, "accounts/account.html", {
        "sessions": request.user.open_sessions.all()[:20], "current_sid": request.session.get("sid"),
        "two_factor": TOTPDevice.objects.filter(user=request.user, confirmed_at__isnull=False).exists(),
        "recovery_left": request.user.recovery_codes.filter(used_at__isnull=True).count(),
        "facts": [(label, fact(request.user)) for label, fact in ACCOUNT_FACTS],
    })


@login_required
@require_POST
def session_end(request, pk):
    """End one of one's own sessions (another device): it is logged out on its next request."""
    target = get_object_or_404(UserSession, pk=pk, user=request.user)
    actions.end_session(target, actor=request.user)
    if target.sid == request.session.get("sid"):
        return redirect("login")
    messages.success(request, _("The session has been ended."))
    return redirect("account")


@login_required
@require_POST
def act_for(request):
    """Choose which of one's organisations one acts for; remembered for the session."""
    chosen = request.POST.get("agency", "")
    if chosen.isdecimal() and int(chosen) in request.user.agency_ids():
        request.session["acting_agency"] = int(chosen)
        log.record(request.user, "account.act_for", request.user, kind=AuditEvent.Kind.LOGIN, fields=[chosen])
    return redirect(_safe_back(request))


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


# --- staff accounts in the browser (accounts/onboarding.py) ---------------------------------------------------

def _membership_list(user):
    return [(m.agency, m.role) for m in user.memberships.select_related("agency")]


@login_required
@require_http_methods(["GET", "POST"])
def user_invite(request):
    """The administrator invites a person: memberships now, the password and second factor by their link."""
    require_admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_action(request, lambda: onboarding.invite(
            actor=request.user, email=d["email"], last_name=d["last_name"], first_name=d["first_name"],
            patronymic=d["patronymic"], position=d["position"], memberships=form.memberships()),
            _("The invitation has been sent."), form=form)
        if done:
            user, _link = done
            return redirect("user_detail", pk=user.pk)
    return render(request, "accounts/user_invite.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    """One account: memberships, state, history of administrative acts; add or remove a role, deactivate."""
    require_admin(request)
    target = get_object_or_404(User, pk=pk)
    add_form = MembershipFields(request.POST if "add_role" in request.POST else None, prefix="m")
    if request.method == "POST":
        current = _membership_list(target)
        if "add_role" in request.POST and add_form.is_valid():
            pair = (add_form.cleaned_data["agency"], add_form.cleaned_data["role"])
            run_action(request, lambda: onboarding.set_roles(target, actor=request.user, memberships=current + [pair]),
                       _("The role has been added."))
        elif "remove_role" in request.POST:
            keep = [(a, r) for a, r in current if f"{a.pk}:{r}" != request.POST.get("remove_role")]
            run_action(request, lambda: onboarding.set_roles(target, actor=request.user, memberships=keep),
                       _("The role has been removed."))
        elif "deactivate" in request.POST:
            run_action(request, lambda: onboarding.deactivate(target, actor=request.user),
                       _("The account has been deactivated: its sessions and API keys have ended."))
        elif "reactivate" in request.POST:
            run_action(request, lambda: onboarding.reactivate(target, actor=request.user),
                       _("The account is active again."))
        elif "invite_again" in request.POST:
            run_action(request, lambda: onboarding.resend_invitation(target, actor=request.user),
                       _("The invitation has been sent again."))
        if not add_form.errors:
            return redirect("user_detail", pk=target.pk)
    history = [(event, _history_label(event), _history_details(event)) for event in AuditEvent.objects.filter(
        object_type="user", object_code=str(target.pk)).select_related("actor").order_by("-at")[:50]]
    return render(request, "accounts/user_detail.html", {
        "target": target, "memberships": target.memberships.select_related("agency"), "add_form": add_form,
        "history": history, "invited": not target.has_usable_password()})


HISTORY_LABELS = {
    "user.invite": gettext_lazy("invited"), "user.invite_again": gettext_lazy("invitation sent again"),
    "user.roles": gettext_lazy("roles changed"), "user.deactivate": gettext_lazy("deactivated"),
    "user.reactivate": gettext_lazy("activated again"), "account.password_set": gettext_lazy("password set"),
    "account.2fa.enrol_link": gettext_lazy("link to connect the second factor"),
    "account.unlock": gettext_lazy("unlocked"),
}


def _history_label(event):
    return HISTORY_LABELS.get(event.action, event.action)


def _history_details(event):
    """«+referrer@12» → «добавлена роль: специалист … — КДНиЗП …», in words."""
    agencies = {}
    out = []
    for field in event.fields:
        match = re.fullmatch(r"([+-]|role:)(\w+)@(\d+)", field)
        if not match:
            out.append(field)
            continue
        sign, role, agency_id = match.groups()
        agency = agencies.setdefault(agency_id, Agency.objects.filter(pk=agency_id).first())
        text = f"{Role(role).label if role in Role.values else role} — {agency.short_name if agency else agency_id}"
        out.append((_("role removed: %(role)s") if sign == "-" else _("role: %(role)s")) % {"role": text})
    return "; ".join(out)


class ResetPassword(auth_views.PasswordResetView):
    """«Forgot your password?»: the same answer whether or not the address is known, a few requests per
    address and minute; the link works once. A role with a second factor still needs it after the reset."""

    form_class = ResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if address_over_limit(request, "password-reset", settings.OPENDOOR_RESET_PER_MINUTE):
            messages.error(request, _("Too many requests from this address. Wait a minute and try again."))
            return redirect("password_reset")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.extra_email_context = {"base_url": site.base_url()}
        return super().form_valid(form)


class SetPassword(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation or a reset: set the password, then (for roles that need it) connect
    the authenticator app at once."""

    form_class = NewPasswordForm
    template_name = "accounts/set_password.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def get_user(self, uidb64):
        # Django's view finds the user whatever their state: a leaver's unused invitation must not work.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        log.record(user, "account.password_set", user, kind=AuditEvent.Kind.LOGIN)
        if security.two_factor_required(user) and not TOTPDevice.objects.filter(
                user=user, confirmed_at__isnull=False).exists():
            link = security.enrolment_link(user)
            return redirect(link.removeprefix(site.base_url()))
        messages.success(self.request, _("Your password has been set."))
        return response

    def get_success_url(self):
        return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def user_invite_import(request):
    """Bulk invitation from XLSX: a preview with a Russian error per row, then one invitation per valid row."""
    require_admin(request)
    form = DirectoryUploadForm(request.POST or None, request.FILES or None)

    def apply(stored):
        count = onboarding.invite_rows(stored, actor=request.user)
        messages.success(request, _("Invitations sent: %(n)d.") % {"n": count})
        return redirect("users")

    answered, rows = preview_then_apply(
        request, form, key="invite-import", read=onboarding.read_invitations, apply=apply,
        again="user_invite_import", keep=lambda rows: [dict(row) for row in rows if not row["errors"]])
    if answered:
        return answered
    labels = dict(Role.choices)
    for row in rows or []:
        row["role_label"] = str(labels.get(row["values"]["role"], "—"))
    return render(request, "accounts/user_invite_import.html", {
        "form": form, "rows": rows, "valid": sum(1 for r in rows or [] if not r["errors"])})
