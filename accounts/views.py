import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.actions import hours_for
from lib.errors import ActionError
from lib.views import run_action

from . import security
from .forms import CodeForm
from .models import Role, TOTPDevice, User


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Second step of the login: enrol an authenticator app, or enter its code (or a recovery code)."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user).first()
    enrolled = bool(device and device.confirmed_at)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if enrolled:
                security.verify_second_factor(user, form.cleaned_data["code"])
            else:
                codes = security.confirm_enrolment(user, form.cleaned_data["code"])
                request.session["2fa"] = True
                return render(request, "accounts/recovery_codes.html", {"codes": codes})
        except ActionError as error:
            form.add_error("code", str(error))
        else:
            request.session["2fa"] = True
            return redirect(request.GET.get("next") or "home")
    context = {"form": form, "enrolled": enrolled}
    if not enrolled:
        device = security.start_enrolment(user)
        uri = security.totp.provisioning_uri(device.secret, user.username, "Открытая дверь")
        context.update(secret=device.secret, qr=segno.make(uri, error="m").svg_data_uri(scale=5))
    return render(request, "accounts/two_factor.html", context)


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


@login_required
def user_list(request):
    require_admin(request)
    users = User.objects.prefetch_related("memberships__agency").order_by("last_name", "first_name")
    locked = request.GET.get("locked") == "1"
    if locked:
        users = users.filter(locked_at__isnull=False)
    return render(request, "accounts/users.html", {"users": users[:500], "locked": locked})


@login_required
@require_POST
def user_unlock(request, pk):
    require_admin(request)
    target = get_object_or_404(User, pk=pk)
    run_action(request, lambda: security.unlock(target, actor=request.user), _("The account has been unlocked."))
    return redirect("users")
