from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from lib.forms import DateInput, Form, ModelForm, not_in_future
from lib.rows import growing
from people.models import Person

from .models import Referral, ReferralPerson


class ReferralForm(ModelForm):
    class Meta:
        model = Referral
        fields = ["situation", "description", "representative_consent", "concerns", "bottom_lines", "questions"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5}), "concerns": forms.Textarea(attrs={"rows": 3}),
                   "bottom_lines": forms.Textarea(attrs={"rows": 3}), "questions": forms.Textarea(attrs={"rows": 3})}
        labels = {"representative_consent": _("The legal representative consented to the referral"),
                  "concerns": _("Concerns of the agency"),
                  "bottom_lines": _("Bottom lines: what any plan must secure for the child"),
                  "questions": _("Questions for the family")}

    FAMILY_CONFERENCE_FIELDS = ("concerns", "bottom_lines", "questions")

    service = forms.ModelChoiceField(label=_("Reconciliation service"), queryset=Agency.objects.none(),
                                     required=False, help_text=_("By default, the service of your territory."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative_consent"].required = False
        self.fields["service"].queryset = Agency.services()
        self.fields["service"].label_from_instance = lambda agency: agency.name
        if self.fields["service"].queryset.count() == 1:  # one service in the region: nothing to choose
            self.fields["service"].widget = forms.HiddenInput()
        self.order_fields(["service"])


class PersonRowForm(Form):
    """One person named in the referral; a row left empty is skipped."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", _("— choose —")), *ReferralPerson.Role.choices],
                             required=False)
    surname = forms.CharField(label=_("Surname"), max_length=100, required=False)
    name = forms.CharField(label=_("First name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput(),
                                 validators=[not_in_future])
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Person.Sex.choices], required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)

    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(f) for f in ("surname", "name", "patronymic", "birth_date", "phone", "address"))

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            if not data.get("surname"):
                self.add_error("surname", _("Enter the surname."))
            if not data.get("name"):
                self.add_error("name", _("Enter the first name."))
            if not data.get("role"):
                self.add_error("role", _("Choose the person's role."))
        return data

    def person_fields(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "role" and v not in (None,)}


# Up to 30 persons: a large family with its network; more than that is not one referral.
PersonFormSet = growing(PersonRowForm, max_num=30)
# A new referral opens with the two rows nearly every one needs.
PERSON_ROWS = [{"role": ReferralPerson.Role.CHILD}, {"role": ReferralPerson.Role.PARENT}]


class DeclineForm(Form):
    reason = forms.CharField(label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3}))
