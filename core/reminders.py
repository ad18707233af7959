"""The daily reminder run: deadlines of answers, follow-ups, reviews and re-checks. Each reminder is sent once."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.notify import notify
from cases.models import Agreement, AgreementItem, CaseStatus, Screening
from referrals.models import Referral

from .models import ReminderSent

S = CaseStatus


def _coordinators(service_id):
    return list(User.objects.filter(memberships__agency_id=service_id, memberships__role=Role.COORDINATOR))


def due_reminders(today):
    """Yield (kind, object code, due date, users, text, url) for everything that needs a reminder today."""
    ahead = today + datetime.timedelta(days=settings.OPENDOOR_REMIND_DAYS_BEFORE)
    for referral in Referral.objects.filter(status=Referral.Status.SUBMITTED, due_date__lte=ahead):
        url = reverse("referral", args=[referral.code])
        if referral.due_date < today:
            text = _("The answer to a referral is overdue since %(date)s.") % {
                "date": referral.due_date.strftime("%d.%m.%Y")}
            yield "answer_overdue", referral.code, referral.due_date, [*_coordinators(referral.service_id),
                                                                         referral.author], text, url
        else:
            text = _("The answer to a referral is due on %(date)s.") % {"date": referral.due_date.strftime("%d.%m.%Y")}
            yield "answer_due", referral.code, referral.due_date, _coordinators(referral.service_id), text, url
    items = (AgreementItem.objects.filter(agreement__case__status=S.FOLLOW_UP, deadline__lte=today,
                                          followups__isnull=True)
             .select_related("agreement__case").prefetch_related("agreement__case__facilitators"))
    for item in items:
        case = item.agreement.case
        text = _("Case № %(number)s: an item of the agreement was due on %(date)s — record the check.") % {
            "number": case.journal_number, "date": item.deadline.strftime("%d.%m.%Y")}
        yield "followup_due", f"item{item.pk}", item.deadline, list(case.facilitators.all()), text, reverse(
            "case", args=[case.code])
    reviews = (Agreement.objects.filter(case__status=S.FOLLOW_UP, review_on__lte=ahead)
               .select_related("case").prefetch_related("case__facilitators"))
    for agreement in reviews:
        case = agreement.case
        text = _("Case № %(number)s: the review of the family plan is due on %(date)s.") % {
            "number": case.journal_number, "date": agreement.review_on.strftime("%d.%m.%Y")}
        yield "review_due", case.code, agreement.review_on, list(case.facilitators.all()), text, reverse(
            "case", args=[case.code])
    rechecks = (Screening.objects.filter(case__status=S.SCREENING, outcome=Screening.Outcome.NOT_NOW,
                                         recheck_on__lte=today)
                .select_related("case").prefetch_related("case__facilitators"))
    for screening in rechecks:
        case = screening.case
        if case.latest_screening().pk != screening.pk:
            continue
        text = _("Case № %(number)s: the safety re-check is due.") % {"number": case.journal_number}
        yield "recheck_due", case.code, screening.recheck_on, list(case.facilitators.all()), text, reverse(
            "case", args=[case.code])


def send_due_reminders(today=None):
    """Send each due reminder to each user exactly once, whatever how often this runs. Returns how many."""
    today = today or timezone.localdate()
    sent = 0
    for kind, code, due_on, users, text, url in due_reminders(today):
        for user in {u.pk: u for u in users}.values():
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(kind=kind, object_code=code, due_on=due_on, user=user)
                    notify([user], text, url, urgent=kind.endswith("overdue"), email_subject=_("Reminder"))
            except IntegrityError:
                continue  # already sent on an earlier run
            sent += 1
    return sent
