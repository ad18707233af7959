from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from lib.forms import Form, InputMixin
from lib.net import client_address

from .security import normalise_login, record_failure, refusal


class LoginForm(InputMixin, AuthenticationForm):
    """Slows down guessing per login and per address before the password is checked; records every failure. The
    login is normalised once (``normalise_login``) and that one value is counted and checked."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong login or password. Check the keyboard layout and try again."),
    }

    def clean(self):
        login = normalise_login(self.cleaned_data.get("username") or "")
        if not login:
            return super().clean()  # «fill in the login» from the field itself
        self.cleaned_data["username"] = login
        address = (client_address(self.request) or None) if self.request else None
        bypass = self.request.session.get("login_bypass") if self.request else None
        message = refusal(login, address, bypass=bypass)
        if message:
            raise forms.ValidationError(message, code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            record_failure(login, address)
            raise


class CodeForm(Form):
    code = forms.CharField(label=_("Code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
