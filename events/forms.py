import re

from django import forms
from django.template import Template, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Territory
from lib.forms import DateInput

from .models import Event, EventSession, Registration


class EventForm(forms.ModelForm):
    # A link typed without a scheme means https (Django 6's default, adopted now).
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = ["kind", "title", "description", "starts_on", "ends_on", "venue", "online_link", "capacity",
                  "training_hours", "min_sessions", "registration_open", "certificate_template"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(),
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "certificate_template": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"certificate_template": _("Values: {{ number }}, {{ holder }}, {{ position }}, {{ agency }}, "
                                                "{{ event }}, {{ dates }}, {{ hours }}.")}

    def clean_certificate_template(self):
        text = self.cleaned_data["certificate_template"]
        # Values and simple conditions only: no tags that reach other templates or print the context.
        if re.search(r"{%\s*(load|include|extends|debug|ssi|url|static)\b", text):
            raise forms.ValidationError(_("Only values and {% if %} are allowed in the certificate text."))
        try:
            Template(text)
        except TemplateSyntaxError as error:
            raise forms.ValidationError(_("The certificate text has an error: %(error)s") % {"error": error}) from None
        return text

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("The last day cannot be before the first."))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = EventSession
        fields = ["starts_at", "title", "speakers"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}


class RegistrationForm(forms.ModelForm):
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


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Participant list (XLSX)"))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
