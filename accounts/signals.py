import secrets

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from lib.validation import clean_text

from .models import UserSession
from .security import record_success


@receiver(user_logged_in)
def remember_epoch(sender, request, user, **kwargs):
    request.session["epoch"] = user.session_epoch
    request.session.pop("2fa", None)
    sid = secrets.token_hex(16)
    request.session["sid"] = sid
    browser = clean_text(request.headers.get("User-Agent", ""), multiline=False)[:200] if request else ""
    UserSession.objects.create(user=user, sid=sid, browser=browser)
    record_success(user)


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None and request.session.get("sid"):
        UserSession.objects.filter(sid=request.session["sid"]).delete()
