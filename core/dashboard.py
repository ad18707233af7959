"""Start-page panels: what needs this person's action now, by role."""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Role, Territory, User
from cases.access import cases_visible_to
from cases.models import (
    Agreement,
    AgreementItem,
    Case,
    CaseStatus,
    FollowUp,
    OutcomeReport,
    Program,
    journal_number,
)
from events.access import events_of_organiser
from events.models import Certificate, Registration
from lib.cache import cached_once
from lib.choices import choice_labels
from methods.models import LibraryCase, SupervisionRequest
from referrals.access import referrals_visible_to
from referrals.lines import FIELDS as referral_fields
from referrals.lines import describe_referral_lines, family_labels
from referrals.models import Referral
from reports.monitoring import suppress
from safety.access import notices_visible_to


def panels_for(user):
    today = timezone.localdate()
    panels = []
    roles = set(user.roles)
    referrals = referrals_visible_to(user)
    cases = cases_visible_to(user)
    if Role.REFERRER in roles:
        own = referrals.filter(agency_id__in=user.agency_ids(Role.REFERRER))
        panels.append(("overdue", _("Answers overdue"), "referral",
                       own.filter(status=Referral.Status.SUBMITTED, due_date__lt=today)))
        panels.append(("waiting", _("Waiting for the service's answer"), "referral",
                       own.filter(status=Referral.Status.SUBMITTED, due_date__gte=today)))
        month_ago = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time()))
        panels.append(("answers", _("New answers (last 30 days)"), "referral",
                       own.filter(answered_at__gte=month_ago).order_by("-answered_at")))
        panels.append(("plans", _("Family plans waiting for your decision"), "referral",
                       own.filter(case__agreement__decision=Agreement.Decision.PENDING)))
        panels.append(("drafts", _("Drafts not yet sent"), "referral", own.filter(status=Referral.Status.DRAFT)))
        notices = notices_visible_to(user).filter(sent_at__gte=month_ago)
        panels.append(("notices", _("Safety notices to your agency (30 days)"), "notice",
                       notices.select_related("case")))
    if Role.COORDINATOR in roles:
        incoming = referrals.filter(service_id__in=user.agency_ids(Role.COORDINATOR),
                                    status=Referral.Status.SUBMITTED).order_by("due_date")
        panels.append(("incoming", _("New referrals"), "referral", incoming))
        panels.append(("assign", _("Cases without facilitators"), "case",
                       cases.filter(status=CaseStatus.REGISTERED)))
        unsigned = OutcomeReport.objects.filter(case=OuterRef("pk"), signed_at__isnull=True)
        panels.append(("sign", _("Outcome reports to sign"), "case", cases.filter(Exists(unsigned))))
        panels.append(("close", _("Reported cases to close"), "case", cases.filter(status=CaseStatus.REPORTED)))
        panels.append(("hold", _("Cases on hold for a child's safety"), "case",
                       cases.filter(status=CaseStatus.SAFETY_HOLD)))
        panels.append(("overdue_answers", _("Answers overdue"), "referral",
                       incoming.filter(due_date__lt=today)))
    if Role.METHODOLOGIST in roles:
        panels.append(("supervision", _("Requests for supervision waiting"), "supervision",
                       SupervisionRequest.objects.filter(status=SupervisionRequest.Status.SENT).order_by("sent_at")))
        panels.append(("publish", _("Library stories to publish"), "story",
                       LibraryCase.objects.filter(status=LibraryCase.Status.APPROVED)))
    if Role.COORDINATOR in roles:
        panels.append(("approve", _("Library stories to approve"), "story",
                       LibraryCase.objects.filter(status=LibraryCase.Status.PROPOSED,
                                                  service_id__in=user.agency_ids(Role.COORDINATOR))))
    if Role.ADMIN in roles:
        people = User.objects.filter(Exists(Membership.objects.filter(user=OuterRef("pk")))).order_by("last_name")
        panels.append(("invited", _("Invitations not yet accepted"), "user",
                       people.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)))
        panels.append(("locked", _("Locked accounts"), "user", people.filter(locked_at__isnull=False)))
        dormant = timezone.now() - datetime.timedelta(days=90)
        panels.append(("dormant", _("Active accounts without a login for 90 days"), "user",
                       people.filter(is_active=True, last_login__lt=dormant)))
    if Role.ORGANISER in roles:
        events = events_of_organiser(user)
        panels.append(("upcoming", _("Upcoming events"), "event",
                       events.filter(ends_on__gte=today).order_by("starts_on")))
        panels.append(("to_confirm", _("Events with registrations to confirm"), "event",
                       events.filter(Exists(Registration.objects.filter(
                           event=OuterRef("pk"), status=Registration.Status.WAITLIST))).order_by("starts_on")))
        panels.append(("certificates", _("Finished events without certificates"), "event",
                       events.filter(ends_on__lt=today, ends_on__gte=today - datetime.timedelta(days=60))
                       .exclude(Exists(Certificate.objects.filter(registration__event=OuterRef("pk"))))))
    built = [panel(key, title, kind, qs) for key, title, kind, qs in panels]
    unread = panel("notifications", _("New notifications"), "notification",
                   user.notifications.filter(read_at__isnull=True))
    return [unread, *built] if unread["rows"] else built


# The facilitator's «Мои случаи»: one table of every case they work on, the next step of each and its date.
MY_STATES = [CaseStatus.SCREENING, CaseStatus.PREPARATION, CaseStatus.PROGRAM, CaseStatus.FOLLOW_UP,
             CaseStatus.SAFETY_HOLD, CaseStatus.NOT_SUITABLE, CaseStatus.NOT_HELD, CaseStatus.TERMINATED,
             CaseStatus.REPORTED]


def my_cases(user, limit=200):
    """Rows for the facilitator's table, the most pressing first: (date of the next step, journal number)."""
    today = timezone.localdate()
    open_items = AgreementItem.objects.filter(agreement__case=OuterRef("pk")).exclude(
        Exists(FollowUp.objects.filter(item=OuterRef("pk"))))
    rows = list(
        cases_visible_to(user).filter(facilitators=user, status__in=MY_STATES)
        .annotate(next_item=Subquery(open_items.order_by("deadline").values("deadline")[:1]),
                  has_report=Exists(OutcomeReport.objects.filter(case=OuterRef("pk"))),
                  signed=Exists(OutcomeReport.objects.filter(case=OuterRef("pk"), signed_at__isnull=False)))
        .values("code", "referral_id", "number", "year", "status", "program__kind", "agreement__review_on",
                "agreement__decision", "referral__due_date", "next_item", "has_report", "signed")[:limit])
    families = family_labels(row["referral_id"] for row in rows)
    statuses, kinds = choice_labels(Case, "status"), choice_labels(Program, "kind")
    S = CaseStatus
    for row in rows:
        status, when = row["status"], None
        if status == S.SCREENING:
            step = _("Carry out the safety screening")
        elif status == S.PREPARATION:
            step = _("Choose the program") if not row["program__kind"] else \
                _("Preliminary meetings and consents, then the joint meeting")
        elif status == S.PROGRAM:
            step = _("Hold the meeting and record the agreement")
        elif status == S.SAFETY_HOLD:
            step = _("On hold for the child's safety: the curator decides")
        elif status == S.FOLLOW_UP and row["agreement__decision"] == Agreement.Decision.REFUSED:
            step = _("The plan was refused: agree a new version with the family")
        elif status == S.FOLLOW_UP and row["agreement__review_on"] and (
                row["next_item"] is None or row["agreement__review_on"] <= row["next_item"]):
            step, when = _("Review of the family plan"), row["agreement__review_on"]
        elif status == S.FOLLOW_UP and row["next_item"]:
            step, when = _("Check the items of the agreement"), row["next_item"]
        elif status == S.FOLLOW_UP:
            step = _("Prepare the information on the results")
        elif row["signed"]:
            step = _("Answered: the curator closes the case")
        elif row["has_report"]:
            step = _("The information on the results waits for the curator's signature")
        else:
            step = _("Prepare the information on the results")
        row.update(journal_number=journal_number(row["number"], row["year"]), family=families.get(
            row["referral_id"], "—"), status_label=statuses.get(status, status),
            kind_label=kinds.get(row["program__kind"], "—") if row["program__kind"] else "—",
            step=step, when=when, late=bool(when and when < today))
    far = datetime.date.max
    rows.sort(key=lambda r: (r["when"] or far, -r["year"], -r["number"]))
    return rows


def panel(key, title, kind, queryset, shown=20):
    """The first rows of a panel with the panel's total, in one query whatever the data (the total is a window
    count over the same rows). Case and referral rows are plain values (see LINES): on a start page of a dozen
    panels, building and compiling the model columns of every join costs more than the database does."""
    if queryset.query.distinct:  # the window would count the duplicates DISTINCT removes
        raise ValueError(f"panel {key}: give rows without DISTINCT (deduplicate in the access function)")
    fields, describe = LINES.get(kind, ((), None))
    rows = list((queryset.values("pk", *fields) if fields else queryset)
                .annotate(panel_total=Window(Count("pk")))[:shown])
    count = (rows[0]["panel_total"] if fields else rows[0].panel_total) if rows else 0
    return {"key": key, "title": title, "kind": kind, "rows": describe(rows) if describe else rows, "count": count}


def _case_lines(rows):
    statuses = choice_labels(Case, "status")
    families = family_labels(row["referral_id"] for row in rows)
    return [{"code": row["code"], "journal_number": journal_number(row["number"], row["year"]),
             "family": families.get(row["referral_id"], ""),
             "agency": row["referral__agency__short_name"], "status": statuses.get(row["status"], "")}
            for row in rows]


LINES = {
    "case": (("code", "number", "year", "status", "referral_id", "referral__agency__short_name"), _case_lines),
    "referral": (referral_fields, describe_referral_lines),
}


def coordinator_overview(user):
    """Workload per facilitator and outcomes of the current quarter, for the coordinator's start page."""

    services = user.agency_ids(Role.COORDINATOR)
    today = timezone.localdate()
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    open_states = [CaseStatus.SCREENING, CaseStatus.PREPARATION, CaseStatus.PROGRAM, CaseStatus.FOLLOW_UP]
    # Driven from the few open cases (status index), not from every case a facilitator ever had.
    through = Case.facilitators.through.objects.filter(case__service_id__in=services)
    open_counts = dict(through.filter(case__status__in=open_states).values_list("user_id").annotate(n=Count("id")))
    held_counts = dict(through.filter(case__status=CaseStatus.SAFETY_HOLD).values_list("user_id")
                       .annotate(n=Count("id")))
    workload = list(User.objects.filter(memberships__agency_id__in=services, memberships__role=Role.FACILITATOR))
    for facilitator in workload:
        facilitator.open_cases = open_counts.get(facilitator.pk, 0)
        facilitator.held = held_counts.get(facilitator.pk, 0)
    workload.sort(key=lambda f: (-f.open_cases, f.last_name))
    first_moment = timezone.make_aware(timezone.datetime.combine(quarter_start, timezone.datetime.min.time()))

    def outcomes():
        rows = (OutcomeReport.objects.filter(case__service_id__in=services, signed_at__gte=first_moment)
                .values_list("outcome").annotate(n=Count("id")).order_by("-n"))
        return list(rows)

    # The quarter's outcomes change slowly; the start page takes them from the cache for a few minutes.
    key = f"dashboard:outcomes:{sorted(services)}:{quarter_start}"
    seconds = settings.OPENDOOR_REPORT_CACHE_SECONDS
    rows = cached_once(key, outcomes, seconds) if seconds else outcomes()
    labels = dict(OutcomeReport.Outcome.choices)
    return {"workload": workload, "quarter_start": quarter_start,
            "outcomes": [(labels[key], n) for key, n in rows]}


def analyst_overview():
    """The region at a glance by territory for the current year; small cells hidden."""

    year = timezone.localdate().year
    rows = (
        Territory.objects.annotate(
            referrals=Count("agencies__referrals_sent", filter=Q(agencies__referrals_sent__submitted_on__year=year),
                            distinct=True),
            completed=Count("agencies__referrals_sent__case__report",
                            filter=Q(agencies__referrals_sent__case__report__signed_at__year=year,
                                     agencies__referrals_sent__case__report__held=True), distinct=True),
        ).order_by("-referrals", "name")
    )

    rows = list(rows)
    referrals = suppress([t.referrals for t in rows])
    completed = suppress([t.completed for t in rows])
    table = [(t.name, r, c) for t, r, c in zip(rows, referrals, completed, strict=True)]
    return {"year": year, "territories": table}
