"""Confidentiality across the network: what each organisation learns of a family it did not work with."""

from django.urls import reverse

from cases.models import Case, CaseStatus
from safety.actions import open_notice


def _stage(client, user, referral):
    client.force_login(user)
    page = client.get(reverse("referral", args=[referral.code])).content.decode()
    start = page.index("Этап")
    return page[start:start + 200]


def test_a_referrer_not_told_of_the_danger_reads_only_that_the_work_is_paused(client, cast, make_case):
    case = make_case(upto=CaseStatus.PROGRAM, author=cast.teacher)
    open_notice(case, actor=cast.coordinator, recipients=[cast.guardianship, cast.commission],
                content="Отец угрожает ребёнку")
    stage = _stage(client, cast.teacher, case.referral)
    assert "приостановлена" in stage and "безопасност" not in stage
    # The service itself sees the status.
    assert "безопасность ребёнка" in _stage(client, cast.coordinator, case.referral)


def test_a_referrer_that_received_the_notice_reads_why(client, cast, make_case):
    case = make_case(upto=CaseStatus.PROGRAM)  # referred by the commission, a recipient below
    open_notice(case, actor=cast.coordinator, recipients=[cast.commission], content="Отец угрожает ребёнку")
    assert "безопасность ребёнка" in _stage(client, cast.secretary, case.referral)


def test_an_outcome_reaches_the_referrer_only_with_the_signed_answer(client, cast, make_case):
    case = make_case(upto=CaseStatus.SCREENING)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.NOT_SUITABLE)
    stage = _stage(client, cast.secretary, case.referral)
    assert "не подходит" not in stage and "служба работает" in stage


def test_the_webhook_tells_the_agency_no_more_than_its_page(cast, make_case):
    from api import tokens
    from api.models import WebhookDelivery
    from api.webhooks import notify

    case = make_case(upto=CaseStatus.PROGRAM, author=cast.teacher)
    tokens.issue(agency=cast.school, name="школа", scopes=["referrals:read"], actor=cast.admin,
                 webhook_url="https://school.example/hook")
    open_notice(case, actor=cast.coordinator, recipients=[cast.guardianship], content="Отец угрожает ребёнку")
    case.refresh_from_db()
    WebhookDelivery.objects.all().delete()
    notify(case.referral, "referral.status")
    assert WebhookDelivery.objects.get().payload["case_status"] == "paused"


def test_the_organiser_does_not_read_the_case_library(client, cast):
    client.force_login(cast.organiser)
    assert client.get(reverse("library")).status_code == 403
