"""The monitoring report (DESIGN §4.5): every figure is one aggregate query in the database.

A figure about people (children, families) under SMALL_CELL in a breakdown is shown as "<5" to the analyst
and in every export meant for outside the service, and one more cell is hidden when needed so that the
hidden one cannot be derived from the total."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from cases.models import Case, Meeting, NotHeldReason, OutcomeReport, ProgramKind
from referrals.models import Referral, Situation
from safety.models import SafetyNotice

from .functions import DaysBetween, MonthStart, month_start_date

SMALL_CELL = 5
HIDDEN = "<5"


@dataclass(frozen=True)
class Scope:
    start: datetime.date
    end: datetime.date
    territory_id: int | None = None
    agency_id: int | None = None

    def previous(self):
        length = self.end - self.start + datetime.timedelta(days=1)
        return Scope(self.start - length, self.start - datetime.timedelta(days=1), self.territory_id,
                     self.agency_id)

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
        return q


def _breakdown(queryset, field, labels):
    rows = dict(queryset.values_list(field).annotate(n=Count("id")).order_by())
    return [(str(labels.get(key, key)), rows.get(key, 0)) for key in labels if rows.get(key, 0)]


def compute(scope: Scope) -> dict:
    """Eleven aggregate queries: scalar figures share one query per table through conditional counts."""
    period = (scope.start, scope.end)
    first, after = scope.moments()
    in_scope = Referral.objects.filter(scope.referral_filter())
    referrals = in_scope.filter(submitted_on__range=period)
    opened = Case.objects.filter(scope.referral_filter("referral__"), opened_on__range=period)
    reports = OutcomeReport.objects.filter(scope.referral_filter("case__referral__"), signed_at__gte=first,
                                           signed_at__lt=after)
    R, Out = Referral.Status, OutcomeReport.Outcome
    decided = Q(decided_at__gte=first, decided_at__lt=after)
    counts = in_scope.aggregate(
        referrals=Count("id", filter=Q(submitted_on__range=period)),
        accepted=Count("id", filter=decided & Q(status=R.ACCEPTED)),
        declined=Count("id", filter=decided & Q(status=R.DECLINED)),
    )
    figures = reports.aggregate(
        completed=Count("id", filter=Q(held=True)),
        not_completed=Count("id", filter=Q(held=False)),
        minors=Sum("minors"),
        adults=Sum("adults"),
        agreements=Count("id", filter=Q(held=True, outcome__in=[Out.AGREEMENT, Out.PARTIAL])),
        days_to_report=Avg(DaysBetween(F("signed_at"), F("case__referral__created_at"))),
    )
    first_meetings = opened.annotate(first=Min("meetings__date")).filter(first__isnull=False).aggregate(
        d=Avg(DaysBetween(F("first"), F("referral__submitted_on"))))["d"]
    held = reports.filter(held=True)
    not_held = reports.filter(held=False)
    completed = figures["completed"]
    return {
        "scope": scope,
        **counts,
        "by_source": _breakdown(referrals, "agency__kind", dict(Agency.Kind.choices)),
        "by_situation": _breakdown(referrals, "situation", dict(Situation.choices)),
        "by_kind": _breakdown(opened, "program__kind", dict(ProgramKind.choices)),
        "completed": completed,
        "not_completed": figures["not_completed"],
        "not_completed_reasons": _breakdown(not_held, "case__not_held_reason", dict(NotHeldReason.choices))
        + _breakdown(not_held.exclude(outcome=Out.NOT_HELD), "outcome", dict(Out.choices)),
        "minors": figures["minors"] or 0,
        "adults": figures["adults"] or 0,
        "agreements": figures["agreements"],
        "agreement_share": round(100 * figures["agreements"] / completed) if completed else None,
        "followup": _breakdown(held.exclude(followup_result=OutcomeReport.FollowUpResult.NOT_CHECKED),
                               "followup_result", dict(OutcomeReport.FollowUpResult.choices)),
        "safety_notices": SafetyNotice.objects.filter(scope.referral_filter("case__referral__"), sent_at__gte=first,
                                                      sent_at__lt=after).count(),
        "days_to_first_meeting": _days(first_meetings),
        "days_to_report": _days(figures["days_to_report"]),
        "facilitators": Meeting.objects.filter(scope.referral_filter("case__referral__"), held=True,
                                               date__range=period)
        .exclude(case__facilitators=None).values("case__facilitators").distinct().count(),
        **_training(scope, period),
        "trend": [(month_start_date(month), n) for month, n in
                  referrals.annotate(month=MonthStart("submitted_on")).values_list("month")
                  .annotate(n=Count("id")).order_by("month")],
    }


def _training(scope, period):
    """People trained and certificates issued at the service's events that ended in the period. Events are
    regional, so a territory or agency scope narrows them to participants from there."""
    from events.models import Certificate

    certificates = Certificate.objects.filter(revoked_at__isnull=True, registration__event__ends_on__range=period)
    if scope.territory_id:
        certificates = certificates.filter(registration__territory_id=scope.territory_id)
    if scope.agency_id:
        certificates = certificates.filter(registration__agency_id=scope.agency_id)
    return certificates.aggregate(people_trained=Count("registration__email", distinct=True),
                                  certificates=Count("id"))


def _days(value):
    return None if value is None else round(float(value), 1)


PEOPLE_FIGURES = ["referrals", "accepted", "declined", "completed", "not_completed", "minors", "adults",
                  "agreements", "safety_notices"]
PEOPLE_BREAKDOWNS = ["by_source", "by_situation", "by_kind", "not_completed_reasons", "followup"]


def suppress(values):
    """Hide values under SMALL_CELL; when only one would be hidden, hide the next smallest too, so that
    the hidden one cannot be derived from the column's total."""
    small = [i for i, n in enumerate(values) if 0 < n < SMALL_CELL]
    if len(small) == 1 and len(values) > 1:
        others = sorted((n, i) for i, n in enumerate(values) if i not in small and n)
        if others:
            small.append(others[0][1])
    return [HIDDEN if i in small else n for i, n in enumerate(values)]


def protect(report: dict) -> dict:
    """Hide figures under SMALL_CELL, and enough other cells that no hidden one follows from a total."""
    safe = dict(report)
    for key in PEOPLE_FIGURES:
        value = report[key]
        if 0 < value < SMALL_CELL:
            safe[key] = HIDDEN
    for key in PEOPLE_BREAKDOWNS:
        rows = list(report[key])
        values = suppress([n for _label, n in rows])
        safe[key] = [(label, value) for (label, _n), value in zip(rows, values, strict=True)]
    if safe["agreements"] == HIDDEN or safe["completed"] == HIDDEN:
        safe["agreement_share"] = None
    safe["trend"] = [(month, HIDDEN if 0 < n < SMALL_CELL else n) for month, n in report["trend"]]
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
