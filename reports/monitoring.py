"""The monitoring report (DESIGN §4.5): every figure is one aggregate query in the database.

Exact figures are for the service that owns the data (a coordinator, scoped to their service); everyone else —
the analyst, another service, any export marked protected — gets `protect(report)`: fixed periods, «<5» for
0–4, complementary suppression, rounding to 5, no averages over fewer than 5 cases (reports/protection.py)."""

import datetime
from dataclasses import dataclass
from functools import partial

from django.db.models import Avg, Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from cases.models import AgreementItem, Case, FollowUp, Meeting, NotHeldReason, OutcomeReport, ProgramKind
from events.models import Certificate
from referrals.models import Referral, Situation
from safety.models import SafetyNotice

from . import protection
from .functions import DaysBetween, MonthStart, month_start_date

SMALL_CELL = protection.THRESHOLD
HIDDEN = protection.HIDDEN


@dataclass(frozen=True)
class Scope:
    start: datetime.date
    end: datetime.date
    territory_id: int | None = None
    agency_id: int | None = None
    service_id: int | None = None  # one service's own data (exact for its coordinator); None: the whole network

    def previous(self):
        """The calendar period of the same kind before a fixed period; else the same number of days before."""
        fixed = protection.previous_period(self.start, self.end)
        if fixed:
            start, end = fixed
        else:
            length = self.end - self.start + datetime.timedelta(days=1)
            start, end = self.start - length, self.start - datetime.timedelta(days=1)
        return Scope(start, end, self.territory_id, self.agency_id, self.service_id)

    def moments(self):
        """The period as [first moment, moment after the last day) in local time: compared as stored,
        without converting every row to a date (an index can serve it, and SQLite calls no Python function)."""
        first = timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))
        after = timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1),
                                                              datetime.time.min))
        return first, after

    def referral_filter(self, prefix=""):
        q = Q()
        if self.territory_id:
            q &= Q(**{f"{prefix}agency__territory_id": self.territory_id})
        if self.agency_id:
            q &= Q(**{f"{prefix}agency_id": self.agency_id})
        if self.service_id:
            q &= Q(**{f"{prefix}service_id": self.service_id})
        return q


def _aggregate(queryset, **aggregates):
    """`aggregate()` as a lazy queryset of one row (grouped by a constant)."""
    return queryset.annotate(_one=Value(1)).values("_one").annotate(**aggregates).values_list(*aggregates).order_by()


def _grouped(queryset, field):
    return queryset.values_list(field).annotate(n=Count("id")).order_by()


def _queries(scope: Scope) -> dict:
    """Every query of the report (fourteen, each one aggregate in the database): lazy querysets, and one
    aggregate() to call."""
    period = (scope.start, scope.end)
    first, after = scope.moments()
    in_scope = Referral.objects.filter(scope.referral_filter())
    referrals = in_scope.filter(submitted_on__range=period)
    opened = Case.objects.filter(scope.referral_filter("referral__"), opened_on__range=period)
    reports = OutcomeReport.objects.filter(scope.referral_filter("case__referral__"), signed_at__gte=first,
                                           signed_at__lt=after)
    R, Out = Referral.Status, OutcomeReport.Outcome
    decided = Q(decided_at__gte=first, decided_at__lt=after)
    not_held = reports.filter(held=False)
    certificates = Certificate.objects.filter(revoked_at__isnull=True, registration__event__ends_on__range=period)
    if scope.territory_id:  # events are regional: a territory or agency narrows them to participants from there
        certificates = certificates.filter(registration__territory_id=scope.territory_id)
    if scope.agency_id:
        certificates = certificates.filter(registration__agency_id=scope.agency_id)
    return {
        "counts": _aggregate(
            in_scope, referrals=Count("id", filter=Q(submitted_on__range=period)),
            accepted=Count("id", filter=decided & Q(status=R.ACCEPTED)),
            declined=Count("id", filter=decided & Q(status=R.DECLINED))),
        "figures": _aggregate(
            reports, completed=Count("id", filter=Q(held=True)), not_completed=Count("id", filter=Q(held=False)),
            minors=Sum("minors"), adults=Sum("adults"),
            agreements=Count("id", filter=Q(held=True, outcome__in=[Out.AGREEMENT, Out.PARTIAL])),
            days_to_report=Avg(DaysBetween(F("signed_at"), F("case__referral__created_at")))),
        # An average over a per-case minimum: Django's aggregate() runs it as one query over a grouped subquery
        # (a correlated «first meeting» subquery per case took four times longer at 50,000 cases).
        "first_meetings": partial(opened.annotate(first=Min("meetings__date")).aggregate,
                                  d=Avg(DaysBetween(F("first"), F("referral__submitted_on"))), n=Count("first")),
        "by_source": _grouped(referrals, "agency__kind"),
        "by_situation": _grouped(referrals, "situation"),
        "by_kind": _grouped(opened, "program__kind"),
        "not_held_reasons": _grouped(not_held, "case__not_held_reason"),
        "not_held_outcomes": _grouped(not_held.exclude(outcome=Out.NOT_HELD), "outcome"),
        "followup": _grouped(reports.filter(held=True).exclude(
            followup_result=OutcomeReport.FollowUpResult.NOT_CHECKED), "followup_result"),
        "safety": _aggregate(SafetyNotice.objects.filter(scope.referral_filter("case__referral__"),
                                                         sent_at__gte=first, sent_at__lt=after), n=Count("id")),
        "facilitators": _aggregate(Meeting.objects.filter(scope.referral_filter("case__referral__"), held=True,
                                                          date__range=period),
                                   n=Count("case__facilitators", distinct=True)),
        "training": _aggregate(certificates, people=Count("registration__email", distinct=True), n=Count("id")),
        # Harm repair (apology, restitution, work for the person harmed): items agreed in the period, and those
        # whose latest check says done.
        "repairs": _aggregate(
            AgreementItem.objects.filter(scope.referral_filter("agreement__case__referral__"),
                                         agreement__concluded_on__range=period, kind__in=AgreementItem.HARM_REPAIR)
            .annotate(last=Subquery(FollowUp.objects.filter(item=OuterRef("pk")).order_by("-checked_on", "-id")
                                    .values("result")[:1])),
            n=Count("id"), done=Count("id", filter=Q(last=FollowUp.Result.DONE))),
        "trend": referrals.annotate(month=MonthStart("submitted_on")).values_list("month")
        .annotate(n=Count("id")).order_by("month"),
    }


def _rows(scope: Scope) -> dict:
    """Each of the report's aggregate queries run once: name -> its rows."""
    return {name: list(query) if isinstance(query, QuerySet) else [tuple(query().values())]
            for name, query in _queries(scope).items()}


def _labelled(rows, labels):
    """Every category, zeros included: a category that vanishes when it is empty would tell that it is."""
    counts = dict(rows)
    return [(str(labels.get(key, key)), counts.get(key, 0)) for key in labels]


def compute(scope: Scope) -> dict:
    """The report's figures for a scope: fourteen aggregate queries (see `_queries`)."""
    rows = _rows(scope)
    referrals, accepted, declined = rows["counts"][0]
    completed, not_completed, minors, adults, agreements, days_to_report = rows["figures"][0]
    people_trained, certificates = rows["training"][0]
    repairs, repairs_done = rows["repairs"][0]
    return {
        "scope": scope,
        "referrals": referrals or 0, "accepted": accepted or 0, "declined": declined or 0,
        "by_source": _labelled(rows["by_source"], dict(Agency.Kind.choices)),
        "by_situation": _labelled(rows["by_situation"], dict(Situation.choices)),
        "by_kind": _labelled(rows["by_kind"], dict(ProgramKind.choices)),
        "completed": completed or 0,
        "not_completed": not_completed or 0,
        "not_completed_reasons": _labelled(rows["not_held_reasons"], dict(NotHeldReason.choices))
        + _labelled(rows["not_held_outcomes"], dict(OutcomeReport.Outcome.choices)),
        "minors": minors or 0,
        "adults": adults or 0,
        "agreements": agreements or 0,
        "agreement_share": round(100 * agreements / completed) if completed else None,
        "followup": _labelled(rows["followup"], dict(OutcomeReport.FollowUpResult.choices)),
        "harm_repair_items": repairs or 0,
        "harm_repair_done": repairs_done or 0,
        "safety_notices": rows["safety"][0][0] or 0,
        "days_to_first_meeting": _days(rows["first_meetings"][0][0]),
        "days_to_report": _days(days_to_report),
        # How many cases each average is over: an average over fewer than 5 is not published.
        "cases_in_averages": {"days_to_first_meeting": rows["first_meetings"][0][1] or 0,
                              "days_to_report": (completed or 0) + (not_completed or 0),
                              "agreement_share": completed or 0},
        "facilitators": rows["facilitators"][0][0] or 0,
        "people_trained": people_trained or 0,
        "certificates": certificates or 0,
        # Every month of the period, zeros included, so that this period's bars and the previous one's pair by
        # month, not by position.
        "trend": _every_month(scope, {month_start_date(month): n for month, n in rows["trend"]}),
    }


def _every_month(scope, counts):
    return [(month, counts.get(month, 0)) for month in protection.months_of(scope.start, scope.end)]


def _days(value):
    return None if value is None else round(float(value), 1)


PEOPLE_FIGURES = ["referrals", "accepted", "declined", "completed", "not_completed", "minors", "adults",
                  "agreements", "harm_repair_items", "harm_repair_done", "safety_notices"]
PEOPLE_BREAKDOWNS = ["by_source", "by_situation", "by_kind", "not_completed_reasons", "followup"]


def suppress(values):
    """A column with a published total, as it may leave the service (reports/protection.py)."""
    return protection.table(values)


AVERAGES = ["days_to_first_meeting", "days_to_report", "agreement_share"]


def protect(report: dict) -> dict:
    """The report as it may leave the service that owns the data (the method: reports/protection.py)."""
    safe = dict(report)
    for key in PEOPLE_FIGURES:
        safe[key] = protection.shown(report[key])
    # Parts of a published total: complementary suppression within each.
    referrals_parts = protection.table([report["accepted"], report["declined"]], total_published=False)
    safe["accepted"], safe["declined"] = referrals_parts
    completed_parts = protection.table([report["completed"], report["not_completed"]])
    safe["completed"], safe["not_completed"] = completed_parts
    for key in PEOPLE_BREAKDOWNS:
        rows = list(report[key])
        values = protection.table([n for _label, n in rows])
        safe[key] = [(label, value) for (label, _n), value in zip(rows, values, strict=True)]
    counts = report.get("cases_in_averages", {})
    for key in AVERAGES:
        safe[key] = protection.average(report[key], counts.get(key))
    if not isinstance(safe["agreements"], int) or not isinstance(safe["completed"], int):
        safe["agreement_share"] = None
    elif safe["agreement_share"] is not None:
        # Exact shares beside rounded counts would narrow the counts down again: shares are rounded to 5 %.
        safe["agreement_share"] = protection.BASE * int(safe["agreement_share"] / protection.BASE + 0.5)
    months = protection.table([n for _month, n in report["trend"]])
    safe["trend"] = [(month, value) for (month, _n), value in zip(report["trend"], months, strict=True)]
    safe.pop("cases_in_averages", None)
    safe["protected"] = True
    return safe


LABELS = {
    "referrals": _("Referrals received"),
    "accepted": _("Accepted (cases opened)"),
    "declined": _("Declined"),
    "completed": _("Programs completed"),
    "not_completed": _("Programs not completed"),
    "minors": _("Participants: minors"),
    "adults": _("Participants: adults"),
    "agreements": _("Agreements reached"),
    "agreement_share": _("Share of agreements among completed programs, %"),
    "harm_repair_items": _("Harm-repair items agreed (apology, restitution, work)"),
    "harm_repair_done": _("Harm-repair items checked as done"),
    "safety_notices": _("Safety notices"),
    "days_to_first_meeting": _("Average days from referral to the first meeting"),
    "days_to_report": _("Average days from referral to the outcome report"),
    "facilitators": _("Facilitators active"),
    "people_trained": _("People trained at the service's events"),
    "certificates": _("Certificates issued"),
}
BREAKDOWN_LABELS = {
    "by_source": _("Referrals by source"),
    "by_situation": _("Referrals by type of situation"),
    "by_kind": _("Programs by kind"),
    "not_completed_reasons": _("Not completed: reasons"),
    "followup": _("Agreements at follow-up"),
}
