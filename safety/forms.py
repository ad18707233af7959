from django import forms
from django.db.models import Case as DbCase
from django.db.models import Value, When
from django.utils.translation import gettext_lazy as _

from lib.forms import Form

from .actions import possible_recipients


class NoticeForm(Form):
    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipients"), queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("The guardianship body, police juvenile unit and commission of the territory are pre-selected."),
    )
    content = forms.CharField(label=_("What is known about the danger to the child"),
                              widget=forms.Textarea(attrs={"rows": 6}))
    follows = forms.ModelChoiceField(label=_("Follows the notice"), queryset=None, required=False,
                                     empty_label=_("— a new notice —"))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        territory_id = case.referral.agency.territory_id
        # Recipients of the case's own territory first, then the rest of the region.
        own_first = DbCase(When(territory_id=territory_id, then=Value(0)), default=Value(1))
        self.fields["recipients"].queryset = possible_recipients().order_by(own_first, "territory__name", "short_name")
        self.fields["follows"].queryset = case.safety_notices.all()
        self.fields["follows"].label_from_instance = lambda n: n.sent_at.strftime("%d.%m.%Y %H:%M")


class DecisionForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
