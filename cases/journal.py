"""The case journal (журнал регистрации случаев): filters shared by the page and the XLSX export."""

import datetime
from collections import defaultdict

from django import forms
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Role, User
from lib.choices import choice_labels
from lib.forms import DateInput, Form
from referrals.lines import family_labels
from referrals.models import Referral

from .models import Case, CaseStatus, OutcomeReport, Participant, Program, ProgramKind, journal_number


class JournalFilter(Form):
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


def journal_rows(cases):
    """Cases with everything a journal line needs, counted, for the XLSX export (a fixed number of queries)."""
    return (
        cases.select_related("referral__agency", "program", "report")
        .prefetch_related("facilitators")
        .order_by("-year", "-number")
        .annotate(
            minors=Count("participants", filter=Q(participants__is_minor=True), distinct=True),
            adults=Count("participants", filter=Q(participants__is_minor=False), distinct=True),
        )
    )


def journal_lines(cases):
    """The journal page's lines as plain values: on a fifty-line page, model instances and template look-ups
    cost more than the database does. Paginate these, then complete the page with describe_case_lines()."""
    return cases.order_by("-year", "-number").values(
        "pk", "code", "number", "year", "opened_on", "status", "referral_id", "referral__agency__short_name",
        "referral__situation", "program__kind", "report__outcome")


def describe_case_lines(lines):
    """Labels, facilitators and participant counts for one page of journal lines: two more queries."""
    ids = [line["pk"] for line in lines]
    names = defaultdict(list)
    for case_id, *name in (Case.facilitators.through.objects.filter(case_id__in=ids)
                           .order_by("user__last_name", "user__first_name")
                           .values_list("case_id", "user__last_name", "user__first_name", "user__patronymic",
                                        "user__username")):
        names[case_id].append(User(last_name=name[0], first_name=name[1], patronymic=name[2],
                                   username=name[3]).short_name)
    counts = {row["case_id"]: row for row in Participant.objects.filter(case__in=ids).values("case_id").annotate(
        minors=Count("id", filter=Q(is_minor=True)), adults=Count("id", filter=Q(is_minor=False)))}
    statuses, situations = choice_labels(Case, "status"), choice_labels(Referral, "situation")
    families = family_labels(line["referral_id"] for line in lines)
    kinds, outcomes = choice_labels(Program, "kind"), choice_labels(OutcomeReport, "outcome")
    for line in lines:
        pk, kind, outcome = line["pk"], line["program__kind"], line["report__outcome"]
        line.update(
            url=reverse("case", args=[line["code"]]), journal_number=journal_number(line["number"], line["year"]),
            source=line["referral__agency__short_name"], family=families.get(line["referral_id"], "—"),
            situation=capfirst(situations.get(line["referral__situation"], "")),
            kind=capfirst(kinds.get(kind, kind)) if kind else "",
            outcome=capfirst(outcomes.get(outcome, outcome)) if outcome else "",
            facilitators=", ".join(names[pk]), minors=counts.get(pk, {}).get("minors", 0),
            adults=counts.get(pk, {}).get("adults", 0), status_label=statuses.get(line["status"], line["status"]))
    return lines
