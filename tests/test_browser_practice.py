"""A family conference with the referrer accepting the plan, then a safety escalation reaching the guardianship
body — in a real Chromium."""

import pytest
from django.utils import timezone

from cases.models import Agreement, CaseStatus, Program
from lib.dates import add_months
from safety.models import SafetyNotice

from .test_browser_journey import CHROMIUM, browser, login, shot  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="no chromium")


@pytest.mark.django_db(transaction=True)
def test_family_conference_plan_acceptance_and_safety_escalation(cast, make_case, browser, live_server):  # noqa: F811
    from playwright.sync_api import expect

    case = make_case(upto=CaseStatus.PREPARATION, kind=Program.Kind.FAMILY_CONFERENCE)
    case_url = f"{live_server.url}/cases/{case.code}/"
    review_on = add_months(timezone.localdate(), 6).isoformat()

    # The facilitator prepares the conference: network, the child's voice, consent to share the plan.
    page = login(browser, live_server, cast.facilitator)
    page.goto(case_url)
    expect(page.get_by_role("heading", name="Подготовка семейной восстановительной встречи")).to_be_visible()
    network = page.locator("form[action$='/network/']")
    network.get_by_label("Имя").fill("Бабушка Нина")
    network.get_by_label("Кем приходится ребёнку").fill("бабушка")
    network.get_by_role("button", name="Добавить").click()
    expect(page.get_by_text("Круг семьи обновлён.")).to_be_visible()
    voice = page.locator("form[action$='/child-voice/']")
    voice.get_by_label("Как будет услышан голос ребёнка").fill("Артём напишет письмо семье.")
    voice.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Сохранено.")).to_be_visible()
    expect(page.get_by_role("paragraph").filter(has_text="Артём напишет письмо семье.")).to_be_visible()
    child, mother = "Смирнов Артём Олегович", "Смирнова Ольга Петровна"
    for name, by_representative in [(child, False), (child, True), (mother, False)]:
        form = page.locator("form[action$='/consents/']")
        form.get_by_label("Участник").select_option(label=name)
        purpose = form.get_by_label("Согласие", exact=True)
        purpose.select_option(label="на передачу договора направившей организации")
        if by_representative:
            form.get_by_label("Дано законным представителем несовершеннолетнего").check()
        form.get_by_role("button", name="Внести согласие").click()
        expect(page.get_by_text("Согласие внесено.")).to_be_visible()

    # Information sharing, then private family time — whose form has no notes field.
    page.get_by_role("link", name="Внести встречу").click()
    page.get_by_role("link", name="Обмен информацией").click()
    page.get_by_role("checkbox", name="Смирнов Артём Олегович", exact=True).check()
    page.get_by_role("checkbox", name="Смирнова Ольга Петровна", exact=True).check()
    page.get_by_role("button", name="Сохранить встречу").click()
    expect(page.get_by_text("Встреча внесена.")).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("программа проводится")
    page.get_by_role("link", name="Внести встречу").click()
    page.get_by_role("link", name="Время семьи").click()
    expect(page.get_by_role("heading", name="Время семьи")).to_be_visible()
    assert page.locator("textarea[name=notes]").count() == 0
    page.get_by_role("checkbox", name="Смирнова Ольга Петровна", exact=True).check()
    page.get_by_role("button", name="Сохранить встречу").click()
    expect(page.get_by_text("Встреча внесена.")).to_be_visible()

    # The family plan with its review date.
    page.get_by_role("link", name="Внести план семьи").click()
    page.get_by_label("План семьи", exact=True).fill("Семья договорилась о присмотре после школы.")
    page.get_by_label("Дата пересмотра (план семьи)").fill(review_on)
    page.locator("#id_items-0-action").fill("Бабушка забирает Артёма из школы")
    page.locator("#id_items-0-responsible").fill("бабушка")
    page.locator("#id_items-0-deadline").fill(timezone.localdate().isoformat())
    page.locator("#id_items-0-checker").fill("мать")
    page.get_by_role("button", name="Сохранить договор").click()
    expect(page.get_by_text("Договор внесён.")).to_be_visible()
    expect(page.get_by_text("ждёт решения направившей организации").first).to_be_visible()
    page.close()

    # The secretary of the referring commission accepts the plan in the system.
    page = login(browser, live_server, cast.secretary)
    panel = page.locator("section", has=page.get_by_role("heading", name="Планы семей, ждущие вашего решения"))
    panel.get_by_role("link").first.click()
    expect(page.get_by_text("Бабушка забирает Артёма из школы")).to_be_visible()
    page.get_by_label("принять план").check()
    page.get_by_role("button", name="Отправить решение").click()
    expect(page.get_by_text("План принят.")).to_be_visible()
    shot(page, "7-referrer-plan-accepted")
    page.close()
    assert Agreement.objects.get(case=case).decision == Agreement.Decision.ACCEPTED

    # A disclosure: the facilitator reports a threat; recipients are pre-selected.
    page = login(browser, live_server, cast.facilitator)
    page.goto(case_url)
    page.get_by_role("link", name="Сообщить об угрозе ребёнку").click()
    # The text comes first; the pre-selected recipients are named and folded.
    expect(page.locator("main form .field").first).to_contain_text("Что известно об угрозе ребёнку")
    expect(page.locator("main form")).to_contain_text("Опека Гагарин")
    page.get_by_text("Изменить получателей").click()
    expect(page.get_by_role("checkbox", name="Опека Гагарин")).to_be_checked()
    expect(page.get_by_role("checkbox", name="КДНиЗП Гагарин")).to_be_checked()
    expect(page.get_by_role("checkbox", name="КДНиЗП Велиж")).not_to_be_checked()
    page.get_by_label("Что известно об угрозе ребёнку").fill("Артём рассказал, что отчим избил его вчера вечером.")
    page.get_by_role("button", name="Отправить сообщение").click()
    expect(page.get_by_text("Сообщение об угрозе отправлено; случай приостановлен.")).to_be_visible()
    page.goto(case_url)
    expect(page.get_by_role("heading", name="Случай приостановлен ради безопасности ребёнка")).to_be_visible()
    page.close()

    # The guardianship specialist sees the notice in their account — and only the notice.
    page = login(browser, live_server, cast.guardian)
    heading = page.get_by_role("heading", name="Сообщения об угрозе в вашу организацию (30 дней)")
    panel = page.locator("section", has=heading)
    panel.get_by_role("link").first.click()
    expect(page.get_by_text("Артём рассказал, что отчим избил его вчера вечером.")).to_be_visible()
    expect(page.get_by_text("Смирнов Артём")).to_be_visible()
    shot(page, "8-guardianship-notice")
    response = page.goto(case_url)
    assert response.status == 404
    page.close()
    assert SafetyNotice.objects.get().case_id == case.pk
