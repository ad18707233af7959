import time

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .models import UserSession
from .security import two_factor_required

OPEN_PATHS = ("/static/", "/healthz", "/logout/", "/2fa/", "/login/", "/password-reset/", "/account/set-password/")
# The idle timeout (SESSION_COOKIE_AGE) slides with activity; the session is written at most once this often,
# not on every request.
TOUCH_SECONDS = 60


class SessionGuardMiddleware:
    """Ends sessions of locked accounts and after "log out everywhere"; asks for the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            sid = request.session.get("sid")
            ended = sid is not None and not UserSession.objects.filter(sid=sid, user_id=user.pk).exists()
            if user.locked_at or ended or request.session.get("epoch", 0) != user.session_epoch:
                logout(request)
                return redirect(reverse("login"))
            if two_factor_required(user) and not request.session.get("2fa") and not request.path.startswith(OPEN_PATHS):
                return redirect(reverse("two_factor"))
            now = int(time.time())
            if now - request.session.get("seen", 0) >= TOUCH_SECONDS:
                request.session["seen"] = now  # a modified session is saved with a new expiry
                if sid:
                    UserSession.objects.filter(sid=sid).update(last_seen=timezone.now())
        return self.get_response(request)
