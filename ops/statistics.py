"""Aggregate totals of the service's work. They carry no personal data and must survive depersonalisation."""

from django.db.models import Count, Q

from cases.models import Case, Meeting, Participant


def totals():
    cases = Case.objects.all()
    return {
        "cases": cases.count(),
        "by_status": dict(cases.values_list("status").annotate(n=Count("id")).order_by()),
        "by_kind": dict(cases.values_list("program__kind").annotate(n=Count("id")).order_by()),
        "by_year": dict(cases.values_list("year").annotate(n=Count("id")).order_by()),
        "by_source": dict(cases.values_list("referral__agency__kind").annotate(n=Count("id")).order_by()),
        "by_situation": dict(cases.values_list("referral__situation").annotate(n=Count("id")).order_by()),
        "outcomes": dict(cases.values_list("report__outcome").annotate(n=Count("id")).order_by()),
        "followups": dict(cases.values_list("report__followup_result").annotate(n=Count("id")).order_by()),
        "participants": Participant.objects.aggregate(
            minors=Count("id", filter=Q(is_minor=True)), adults=Count("id", filter=Q(is_minor=False))),
        "meetings": dict(Meeting.objects.values_list("kind").annotate(n=Count("id")).order_by()),
    }
