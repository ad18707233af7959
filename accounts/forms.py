from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from lib.net import client_address

from .security import record_failure, refusal


class LoginForm(AuthenticationForm):
    """Refuses locked accounts and busy addresses before the password is checked; records every failure."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong login or password. Check the keyboard layout and try again."),
    }

    def clean(self):
        username = (self.data.get("username") or "").strip()
        address = client_address(self.request) if self.request else None
        message = refusal(username, address)
        if message:
            raise forms.ValidationError(message, code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            record_failure(username, address)
            message = refusal(username, address)
            if message:
                raise forms.ValidationError(message, code="locked") from None
            raise


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
