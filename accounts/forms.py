from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from lib.forms import Form, InputMixin, ModelForm
from lib.net import client_address

from .models import Agency, RegionSettings, Role, Territory
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


class MembershipFields(Form):
    """One role in one organisation."""

    agency = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("short_name")


class InviteForm(MembershipFields):
    email = forms.EmailField(label=_("E-mail"), help_text=_("The invitation with the one-time link goes here."))
    last_name = forms.CharField(label=_("Surname"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    agency2 = forms.ModelChoiceField(label=_("Second organisation (if any)"), queryset=None, required=False)
    role2 = forms.ChoiceField(label=_("Role there"), choices=[("", "—"), *Role.choices], required=False)

    field_order = ["email", "last_name", "first_name", "patronymic", "position", "agency", "role", "agency2",
                   "role2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency2"].queryset = self.fields["agency"].queryset

    def clean(self):
        data = super().clean()
        if bool(data.get("agency2")) != bool(data.get("role2")):
            raise forms.ValidationError(_("For a second organisation choose both the organisation and the role."))
        return data

    def memberships(self):
        d = self.cleaned_data
        pairs = [(d["agency"], d["role"])]
        if d.get("agency2") and d.get("role2"):
            pairs.append((d["agency2"], d["role2"]))
        return pairs


class ResetRequestForm(InputMixin, PasswordResetForm):
    pass


class NewPasswordForm(InputMixin, SetPasswordForm):
    pass


class AgencyForm(ModelForm):
    class Meta:
        model = Agency
        fields = ["kind", "short_name", "name", "territory", "address", "email", "phone", "head_position",
                  "head_name", "outgoing_prefix", "answer_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.filter(active=True)


class TerritoryForm(ModelForm):
    class Meta:
        model = Territory
        fields = ["name", "kind"]


class DirectoryUploadForm(Form):
    file = forms.FileField(label=_("Directory file (XLSX)"))


class ServiceSettingsForm(ModelForm):
    """What an operator would otherwise edit in environment variables: the service's letterhead, signatory and
    term for answering; documents and due dates pick them up at once."""

    class Meta:
        model = Agency
        fields = ["name", "short_name", "address", "phone", "email", "head_position", "head_name",
                  "outgoing_prefix", "answer_days"]
        help_texts = {"answer_days": _("Empty: the region's term.")}

    def clean_answer_days(self):
        days = self.cleaned_data.get("answer_days")
        if days is not None and not 1 <= days <= 90:
            raise forms.ValidationError(_("From 1 to 90 days."))
        return days


class RegionSettingsForm(ModelForm):
    base_url = forms.URLField(label=_("public address of the system"), required=False, assume_scheme="https",
                              help_text=_("Links in e-mails and the QR codes of certificates start with it."))

    class Meta:
        model = RegionSettings
        fields = ["base_url", "reminder_hour"]
        help_texts = {"reminder_hour": _("0–23, local time. Empty: the value set at installation.")}

    def clean_base_url(self):
        url = (self.cleaned_data.get("base_url") or "").rstrip("/")
        if url and not (settings.DEBUG or settings.DEMO):
            parts = urlsplit(url)
            if parts.scheme != "https" or parts.hostname in ("localhost", "127.0.0.1", "::1"):
                raise forms.ValidationError(_("In service the address must be public and start with https://."))
        return url

    def clean_reminder_hour(self):
        hour = self.cleaned_data.get("reminder_hour")
        if hour is not None and not 0 <= hour <= 23:
            raise forms.ValidationError(_("An hour from 0 to 23."))
        return hour
