from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from lib.forms import Form

from .models import ApiToken


class IssueForm(Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.exclude(
        kind__in=[Agency.Kind.RECONCILIATION_SERVICE, Agency.Kind.DEPARTMENT]).order_by("short_name"))
    name = forms.CharField(label=_("Title of the key"), max_length=100,
                           help_text=_("Which system uses it, e.g. «АИС КДН»."))
    scopes = forms.MultipleChoiceField(label=_("Rights"), choices=ApiToken.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       initial=[ApiToken.Scope.REFERRALS_WRITE, ApiToken.Scope.REFERRALS_READ,
                                                ApiToken.Scope.DICTIONARIES_READ])
    webhook_url = forms.URLField(label=_("Notification address (webhook), optional"), required=False,
                                 assume_scheme="https",
                                 validators=[URLValidator(schemes=["http", "https"])],
                                 help_text=_("The system is sent a signed POST when a referral of this agency "
                                             "changes."))
