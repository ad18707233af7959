"""The referral list's lines as plain values: on a fifty-line page, model instances and template look-ups cost
more than the database does (the same approach as the case journal, cases/journal.py)."""

from collections import defaultdict

from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from lib.choices import choice_labels
from lib.codes import journal_number

from .models import Referral, ReferralPerson

FIELDS = ("id", "code", "created_at", "submitted_on", "agency__short_name", "situation", "status", "due_date",
          "answered_at", "case__number", "case__year")


def referral_lines(referrals):
    """Newest first by the referral's date (sent, or created for a draft). Paginate these, then complete the page
    with describe_referral_lines()."""
    day = Coalesce("submitted_on", TruncDate("created_at"))
    return referrals.annotate(day=day).order_by("-day", "-created_at", "-id").values(*FIELDS)


def family_labels(referral_ids):
    """{referral id: «Смирнов А. О. и ещё 2»}: the child named first (else the first person), so a line can be told
    apart from the next. Only for readers who may see the referral's persons (its agency and its service)."""
    people = defaultdict(list)
    rows = (ReferralPerson.objects.filter(referral_id__in=list(referral_ids))
            .order_by("referral_id", "id").values_list("referral_id", "role", "person__surname", "person__name",
                                                       "person__patronymic"))
    for referral_id, role, surname, name, patronymic in rows:
        people[referral_id].append((role != ReferralPerson.Role.CHILD, surname, name, patronymic))
    labels = {}
    for referral_id, persons in people.items():
        _adult, surname, name, patronymic = sorted(persons, key=lambda p: p[0])[0]
        initials = "".join(f" {part[0]}." for part in (name, patronymic) if part)
        label = f"{surname}{initials}"
        if len(persons) > 1:
            label += " " + _("and %(n)s more") % {"n": len(persons) - 1}
        labels[referral_id] = label
    return labels


def describe_referral_lines(lines):
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
    families = family_labels(line["id"] for line in lines)
    for line in lines:
        line["family"] = families.get(line["id"], "—")
    return lines
