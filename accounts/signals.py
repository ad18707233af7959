from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .security import record_success


@receiver(user_logged_in)
def remember_epoch(sender, request, user, **kwargs):
    request.session["epoch"] = user.session_epoch
    request.session.pop("2fa", None)
    record_success(user)
