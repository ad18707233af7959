"""The referral list's lines as plain values: on a fifty-line page, model instances and template look-ups cost
more than the database does (the same approach as the case journal, cases/journal.py)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from cases.models import journal_number
from core.templatetags.ui import choice_labels

from .models import Referral

FIELDS = ("code", "created_at", "submitted_on", "agency__short_name", "situation", "status", "due_date",
          "answered_at", "case__number", "case__year")


def referral_lines(referrals):
    """Paginate these, then complete the page with describe_lines()."""
    return referrals.order_by("-created_at", "-id").values(*FIELDS)


def describe_lines(lines):
    """Labels, the answer due (only while the service has not answered) and the case number, on each line."""
    today = timezone.localdate()
    statuses, situations = choice_labels(Referral, "status"), choice_labels(Referral, "situation")
    for line in lines:
        waiting = line["status"] == Referral.Status.SUBMITTED and line["due_date"] is not None
        line.update(
            url=reverse("referral", args=[line["code"]]),
            date=line["submitted_on"] or timezone.localdate(line["created_at"]),
            agency=line["agency__short_name"], situation=capfirst(situations.get(line["situation"], "")),
            status_label=statuses.get(line["status"], line["status"]), answered=line["answered_at"] is not None,
            due_date=line["due_date"] if waiting else None, overdue=waiting and line["due_date"] < today,
            case_number=journal_number(line["case__number"], line["case__year"]) if line["case__number"] else "")
    return lines
