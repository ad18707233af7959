"""Supervision in a real Chromium: the facilitator asks, corrects the redaction, the methodologist records
recommendations without ever seeing the family, the facilitator reads them in the case."""

import pytest

from cases.models import CaseStatus
from methods.models import SupervisionRequest

from .test_browser_journey import (  # noqa: F401 (fixture and marker)
    CHROMIUM,
    browser,
    login,
    pytestmark,
    shot,
)


@pytest.mark.django_db(transaction=True)
def test_supervision_journey(cast, browser, live_server, make_case):  # noqa: F811
    from playwright.sync_api import expect

    case = make_case(upto=CaseStatus.PROGRAM)
    page = login(browser, live_server, cast.facilitator)
    page.goto(f"{live_server.url}/cases/{case.code}/")
    page.get_by_role("link", name="Запросить супервизию").click()
    expect(page.get_by_role("heading", name="Запрос на супервизию")).to_be_visible()
    summary = page.get_by_label("Обезличенное описание случая")
    assert "Смирнов" not in summary.input_value()
    page.get_by_label("Что вы хотите обсудить?").fill("Как подготовить сына к общей встрече?")
    # The facilitator adds a sentence in their own words — with the mother's name in it.
    summary.fill(summary.input_value() + "\nОльга Петровна просит, чтобы встреча была в субботу.")
    shot(page, "methods-1-facilitator-review")
    page.get_by_role("button", name="Отправить методисту").click()
    expect(page.get_by_text("В тексте осталось: имя участника дела")).to_be_visible()
    assert not SupervisionRequest.objects.exists()
    # Corrected by hand: the name becomes the role.
    summary = page.get_by_label("Обезличенное описание случая")
    summary.fill(summary.input_value().replace("Ольга Петровна просит", "Мать просит"))
    page.get_by_role("button", name="Отправить методисту").click()
    expect(page.get_by_text("Запрос отправлен методисту.")).to_be_visible()
    page.close()

    page = login(browser, live_server, cast.methodologist)
    page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Супервизия").click()
    page.get_by_role("link", name="Как подготовить сына к общей встрече?").click()
    expect(page.get_by_text("Мать просит, чтобы встреча была в субботу.")).to_be_visible()
    body = page.content()
    assert "Смирнов" not in body and "Ольга" not in body and case.code not in body
    page.get_by_role("link", name="Записать встречу по этому запросу").click()
    page.get_by_label("Facilitator Тест Тестович").check()
    page.get_by_label("Рекомендации").fill("Провести отдельную встречу с сыном; предложить ему написать письмо.")
    shot(page, "methods-2-methodologist-session")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Встреча записана")).to_be_visible()
    page.close()

    page = login(browser, live_server, cast.facilitator)
    page.goto(f"{live_server.url}/cases/{case.code}/")
    expect(page.get_by_text("Провести отдельную встречу с сыном; предложить ему написать письмо.")).to_be_visible()
    shot(page, "methods-3-facilitator-reads")
    page.close()
