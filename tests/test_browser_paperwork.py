"""Forms that grow, drafts that mend, a referrer told of the answer — in a real Chromium, with JavaScript."""

import datetime

import pytest
from django.utils import timezone

from cases import actions as case_actions
from cases.models import CaseStatus
from referrals.models import Referral

from .test_browser_journey import CHROMIUM, browser, login, pytestmark, shot, start_referral  # noqa: F401

FAMILY = [("child", "Смирнов", "Артём", "2014-05-20"), ("child", "Смирнова", "Вера", "2017-02-01"),
          ("parent", "Смирнова", "Ольга", "1988-03-03"), ("parent", "Смирнов", "Игорь", "1986-07-07"),
          ("relative", "Петрова", "Анна", "1960-01-01"), ("other", "Сидоров", "Павел", "1990-09-09")]


def fill_person(page, index, person):
    role, surname, name, born = person
    page.locator(f"#id_persons-{index}-role").select_option(role)
    page.locator(f"#id_persons-{index}-surname").fill(surname)
    page.locator(f"#id_persons-{index}-name").fill(name)
    page.locator(f"#id_persons-{index}-birth_date").fill(born)


@pytest.mark.django_db(transaction=True)
def test_a_six_person_referral_drafted_edited_and_sent_and_a_draft_deleted(cast, browser, live_server):  # noqa: F811
    from playwright.sync_api import expect

    page = login(browser, live_server, cast.secretary)
    start_referral(page, "Конфликт в семье; дети боятся отчима.")
    for index, person in enumerate(FAMILY[:2]):
        fill_person(page, index, person)
    add = page.get_by_role("button", name="Добавить строку")
    for _ in range(4):
        add.click()
    expect(page.locator("#id_persons-5-surname")).to_be_visible()
    for index, person in enumerate(FAMILY[2:], start=2):
        fill_person(page, index, person)
    shot(page, "referral-six-persons")
    page.get_by_role("button", name="Сохранить черновик").click()
    expect(page.get_by_text("Черновик сохранён.")).to_be_visible()
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.DRAFT and referral.persons.count() == 6

    # The draft is mended: a row removed in the page, the text changed, then sent.
    page.get_by_role("link", name="Изменить черновик").click()
    rows = page.locator("tr[data-row]")
    expect(rows).to_have_count(6)
    rows.nth(5).get_by_role("button", name="Удалить").click()
    expect(rows.nth(5)).to_be_hidden()
    page.get_by_label("Описание ситуации").fill("Конфликт в семье; дети боятся отчима. Уточнено.")
    page.get_by_role("button", name="Отправить в службу").click()
    expect(page.get_by_text("Направление отправлено в службу.")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED and referral.persons.count() == 5
    assert referral.description.endswith("Уточнено.")

    # A second draft, started by mistake, is deleted.
    start_referral(page, "Ошибочный черновик.")
    fill_person(page, 0, FAMILY[0])
    page.get_by_role("button", name="Сохранить черновик").click()
    expect(page.get_by_text("Черновик сохранён.")).to_be_visible()
    page.get_by_role("button", name="Удалить черновик").click()
    expect(page.get_by_text("Черновик удалён.")).to_be_visible()
    assert list(Referral.objects.values_list("status", flat=True)) == [Referral.Status.SUBMITTED]
    page.close()


@pytest.mark.django_db(transaction=True)
def test_a_seven_item_agreement_and_the_referrer_notified_of_the_signed_answer(cast, browser, live_server,  # noqa: F811
                                                                              make_case):
    from playwright.sync_api import expect

    case = make_case(upto=CaseStatus.PROGRAM)
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    items = [("apology", "Извиниться перед одноклассником"), ("restitution", "Вернуть деньги за телефон"),
             ("work", "Помочь в школьной библиотеке"), ("behaviour", "Не опаздывать на уроки"),
             ("other", "Записаться в кружок"), ("behaviour", "Звонить матери после школы"),
             ("other", "Встретиться через месяц")]
    page = login(browser, live_server, cast.facilitator)
    page.goto(f"{live_server.url}/cases/{case.code}/agreement/")
    add = page.get_by_role("button", name="Добавить строку")
    for _ in range(len(items) - 3):
        add.click()
    for index, (kind, action) in enumerate(items):
        page.locator(f"#id_items-{index}-kind").select_option(kind)
        page.locator(f"#id_items-{index}-action").fill(action)
        page.locator(f"#id_items-{index}-responsible").fill("сын")
        page.locator(f"#id_items-{index}-deadline").fill(deadline)
        page.locator(f"#id_items-{index}-checker").fill("мать")
    page.get_by_role("button", name="Сохранить договор").click()
    expect(page.get_by_text("Договор внесён.")).to_be_visible()
    expect(page.get_by_text("заглаживание вреда")).to_have_count(3)
    shot(page, "agreement-seven-items")
    case.refresh_from_db()
    assert [(i.kind, i.action) for i in case.agreement.items.order_by("id")] == items
    page.close()

    # The harm-repair items are checked, the answer drafted and signed (by the actions, as the other journey
    # shows the pages); the referrer is told.
    today = timezone.localdate()
    for item in case.agreement.items.all():
        case_actions.record_followup(item, actor=cast.facilitator, result="done", checked_on=today)
    case.refresh_from_db()
    fields = case_actions.report_defaults(case)
    fields["summary"] = "Договор заключён и выполняется."
    case_actions.draft_report(case, actor=cast.facilitator, fields=fields, expected_version=0)
    case_actions.sign_report(case, actor=cast.coordinator)

    page = login(browser, live_server, cast.secretary)
    expect(page.get_by_role("link", name="Уведомления 1")).to_be_visible()
    shot(page, "referrer-start")
    page.get_by_role("link", name="Уведомления 1").click()
    notice = page.locator("li", has_text="Служба ответила на ваше направление")
    expect(notice).to_contain_text("Смирнов А. О.")
    notice.get_by_role("link").click()
    expect(page.get_by_text("Договор заключён и выполняется.")).to_be_visible()
    page.close()
