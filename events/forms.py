from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Territory
from lib.conflicts import VersionFormMixin
from lib.forms import DateInput, Form, ModelForm

from . import certificate_text
from .models import Event, EventSession, Registration


class EventForm(VersionFormMixin, ModelForm):
    # A link typed without a scheme means https (Django 6's default, adopted now).
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = ["kind", "title", "description", "starts_on", "ends_on", "venue", "online_link", "capacity",
                  "training_hours", "min_sessions", "registration_open", "certificate_template"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(),
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "certificate_template": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate_template"].help_text = _(
            "Plain text, one paragraph per line. A line starting with «# » is the heading; **bold**, _italic_. "
            "Values: %(allowed)s. A line whose values are all empty is left out.") % {
            "allowed": certificate_text.allowed()}

    def clean_certificate_template(self):
        text = self.cleaned_data["certificate_template"]
        found = certificate_text.problems(text)
        if found:
            raise forms.ValidationError(found)
        return text

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("The last day cannot be before the first."))
        return data


class SessionForm(ModelForm):
    class Meta:
        model = EventSession
        fields = ["starts_at", "title", "speakers"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}


class RegistrationForm(ModelForm):
    consent = forms.BooleanField(label=_("I consent to the processing of my personal data"), required=False)

    class Meta:
        model = Registration
        fields = ["full_name", "position", "agency", "agency_name", "territory", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.exclude(kind=Agency.Kind.RECONCILIATION_SERVICE)
        self.fields["agency"].required = False
        self.fields["agency"].empty_label = _("— not in the list —")
        self.fields["territory"].queryset = Territory.objects.all()

    def clean(self):
        data = super().clean()
        if not data.get("agency") and not data.get("agency_name", "").strip():
            self.add_error("agency_name", _("Choose your agency from the list or type its name."))
        return data

    def registration_fields(self):
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class ImportForm(Form):
    file = forms.FileField(label=_("Participant list (XLSX)"))


class RevokeForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
