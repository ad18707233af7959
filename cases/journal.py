"""The case journal (журнал регистрации случаев): filters shared by the page and the XLSX export."""

import datetime

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Role, User
from lib.forms import DateInput

from .models import CaseStatus, ProgramKind


class JournalFilter(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any")), *CaseStatus.choices])
    kind = forms.ChoiceField(label=_("Program kind"), required=False,
                             choices=[("", _("any")), *ProgramKind.choices])
    source = forms.ChoiceField(label=_("Source"), required=False,
                               choices=[("", _("any")), *[c for c in Agency.Kind.choices
                                                          if c[0] != Agency.Kind.RECONCILIATION_SERVICE]])
    facilitator = forms.ModelChoiceField(label=_("Facilitator"), required=False, queryset=User.objects.none(),
                                         empty_label=_("any"))
    opened_from = forms.DateField(label=_("Opened from"), required=False, widget=DateInput())
    opened_to = forms.DateField(label=_("Opened to"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = datetime.date.today().year
        self.fields["year"].choices = [("", _("any"))] + [(y, y) for y in range(this_year, this_year - 6, -1)]
        self.fields["facilitator"].queryset = User.objects.filter(
            memberships__role=Role.FACILITATOR).distinct().order_by("last_name")
        self.fields["facilitator"].label_from_instance = lambda u: u.short_name

    def apply(self, cases):
        if not self.is_valid():
            return cases
        d = self.cleaned_data
        if d.get("year"):
            cases = cases.filter(year=d["year"])
        if d.get("status"):
            cases = cases.filter(status=d["status"])
        if d.get("kind"):
            cases = cases.filter(program__kind=d["kind"])
        if d.get("source"):
            cases = cases.filter(referral__agency__kind=d["source"])
        if d.get("facilitator"):
            cases = cases.filter(facilitators=d["facilitator"])
        if d.get("opened_from"):
            cases = cases.filter(opened_on__gte=d["opened_from"])
        if d.get("opened_to"):
            cases = cases.filter(opened_on__lte=d["opened_to"])
        return cases


def journal_rows(cases, counted=True):
    """Cases with everything a journal line needs, in a fixed number of queries. With counted=False the
    participant counts are left to count_participants(), so a page can count only its own rows."""
    rows = (
        cases.select_related("referral__agency", "program", "report")
        .prefetch_related("facilitators")
        .order_by("-year", "-number")
    )
    if counted:
        rows = rows.annotate(
            minors=Count("participants", filter=Q(participants__is_minor=True), distinct=True),
            adults=Count("participants", filter=Q(participants__is_minor=False), distinct=True),
        )
    return rows


def count_participants(cases):
    """Minors and adults of just these cases (one grouped query), set on each case."""
    from .models import Participant

    counts = {
        row["case_id"]: row
        for row in Participant.objects.filter(case__in=[c.pk for c in cases]).values("case_id").annotate(
            minors=Count("id", filter=Q(is_minor=True)), adults=Count("id", filter=Q(is_minor=False)))
    }
    for case in cases:
        row = counts.get(case.pk, {})
        case.minors, case.adults = row.get("minors", 0), row.get("adults", 0)
    return cases
