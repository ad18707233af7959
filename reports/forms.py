from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import DateInput, ModelForm

from .models import Indicator, IndicatorPeriod


class IndicatorForm(ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "rule"]


class PeriodForm(ModelForm):
    class Meta:
        model = IndicatorPeriod
        fields = ["indicator", "start", "end", "target", "manual_actual", "comment"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period cannot be before its start."))
        indicator = data.get("indicator")
        if indicator and indicator.rule and data.get("manual_actual") is not None:
            self.add_error("manual_actual", _("This indicator takes its actual value from the data."))
        return data
