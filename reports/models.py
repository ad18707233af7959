from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.personal import PersonalData

from .monitoring import LABELS

# Figures of the monitoring report an indicator can take its actual value from.
RULE_CHOICES = [("", _("entered by hand"))] + [
    (key, label) for key, label in LABELS.items() if key not in {"days_to_first_meeting", "days_to_report"}
]


class Indicator(models.Model):
    """A grant indicator: baseline and a target per period; the actual value comes from the data (rule) or by hand."""

    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, default="чел.")
    baseline = models.DecimalField(_("baseline"), max_digits=10, decimal_places=1, default=0)
    rule = models.CharField(_("actual value from"), max_length=32, blank=True, choices=RULE_CHOICES)
    # The service whose grant this is: its coordinators keep it, its own data gives the actual values.
    service = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="indicators", verbose_name=_("service"))

    personal_data = PersonalData(keep=("name", "unit", "rule"))

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class IndicatorPeriod(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField(_("period from"))
    end = models.DateField(_("period to"))
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=1)
    manual_actual = models.DecimalField(_("actual (by hand)"), max_digits=10, decimal_places=1, null=True,
                                        blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    personal_data = PersonalData(keep=("start", "end", "comment"))

    class Meta:
        ordering = ["start", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                              name="indicator_period_order")]
