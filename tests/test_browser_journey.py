"""The whole loop in a real Chromium (Debian's), through three people, looking at what each sees."""

import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import Case, CaseStatus
from referrals.models import Referral

from .a11y import WatchedBrowser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # Generous waits: CI runs two test workers on two cores beside this browser.
    expect.set_options(timeout=30_000)
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are ordinary blocking calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage", "--lang=ru-RU"]
        )
        yield WatchedBrowser(browser)  # every page it opens is checked by axe (tests/a11y.py)
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def login(browser, live_server, user):
    from playwright.sync_api import expect

    page = browser.new_page(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Логин").fill(user.username)
    page.get_by_label("Пароль").fill("pass-" + user.username)
    page.get_by_role("button", name="Вход").click()
    expect(page.get_by_role("heading", name="Добрый день, Тест")).to_be_visible()
    return page


def start_referral(page, description):
    """As a referrer on the start page: open a new referral and fill in the situation (persons left to the test)."""
    page.get_by_role("link", name="Направления").click()
    page.get_by_role("link", name="Новое направление").click()
    page.get_by_label("Тип ситуации").select_option(label="риск жестокого обращения с ребёнком в семье")
    page.get_by_label("Описание ситуации").fill(description)
    page.get_by_label("Законный представитель дал согласие на направление").check()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_whole_loop_through_three_people(cast, browser, live_server):
    from playwright.sync_api import expect

    today = timezone.localdate().isoformat()

    # 1. The commission secretary refers a family.
    page = login(browser, live_server, cast.secretary)
    start_referral(page, "Со слов школы у мальчика синяки; отец признаёт наказания ремнём.")
    page.locator("#id_persons-0-role").select_option("child")
    page.locator("#id_persons-0-surname").fill("Смирнов")
    page.locator("#id_persons-0-name").fill("Артём")
    page.locator("#id_persons-0-birth_date").fill("2014-05-20")
    page.locator("#id_persons-1-role").select_option("parent")
    page.locator("#id_persons-1-surname").fill("Смирнова")
    page.locator("#id_persons-1-name").fill("Ольга")
    page.get_by_role("button", name="Отправить в службу").click()
    expect(page.get_by_text("Направление отправлено в службу.")).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("отправлено в службу")
    expect(page.get_by_text("Служба ещё не ответила.")).to_be_visible()
    shot(page, "1-referrer-sent")
    referral_url = page.url
    page.close()

    # 2. The coordinator sees it on the start page, accepts it and assigns a facilitator.
    page = login(browser, live_server, cast.coordinator)
    panel = page.locator("section", has=page.get_by_role("heading", name="Новые направления"))
    expect(panel).to_contain_text("КДНиЗП Гагарин")
    panel.get_by_role("link").first.click()
    page.get_by_role("button", name="Принять и открыть случай").click()
    expect(page.get_by_text("Направление принято, случай открыт.")).to_be_visible()
    page.get_by_label("Facilitator Тест Тестович").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Ведущие назначены.")).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("оценка безопасности")
    case_url = page.url
    page.close()

    # 3. The facilitator screens, records consent, holds the joint meeting, the agreement and the follow-up.
    page = login(browser, live_server, cast.facilitator)
    mine = page.get_by_role("table", name="Мои случаи, самые срочные первыми")
    expect(mine).to_contain_text("Провести оценку безопасности")
    expect(mine).to_contain_text("Смирнов А.")
    shot(page, "facilitator-start")
    page.goto(case_url)
    page.get_by_role("link", name="Внести оценку безопасности").click()
    for index, row in enumerate(page.locator("tbody tr").all()):
        # Acknowledgement of harm, voluntary consent, the child's safety: the safe answer is «да».
        row.get_by_label("да" if index in (2, 5, 6) else "нет", exact=True).check()
        row.locator("input[type=text]").fill("беседа с матерью")
    page.get_by_label("подходит", exact=True).check()
    page.get_by_role("button", name="Сохранить оценку").click()
    expect(page.get_by_text("Оценка безопасности внесена.")).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("подготовка")

    page.get_by_label("Вид программы").select_option(label="восстановительная медиация")
    page.locator("form[action$='/program/']").get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Вид программы сохранён.")).to_be_visible()
    for name, role in [("Смирнов Артём", "child"), ("Смирнова Ольга", "party")]:
        form = page.locator("form[action$='/participants/']")
        form.get_by_label("Человек из направления").select_option(label=name)
        form.get_by_label("Роль в программе").select_option(role)
        form.get_by_role("button", name="Добавить").click()
        expect(page.get_by_text("Участник добавлен.")).to_be_visible()
    for name, by_representative in [("Смирнов Артём", False), ("Смирнов Артём", True), ("Смирнова Ольга", False)]:
        form = page.locator("form[action$='/consents/']")
        form.get_by_label("Участник").select_option(label=name)
        if by_representative:
            form.get_by_label("Дано законным представителем несовершеннолетнего").check()
        form.get_by_role("button", name="Внести согласие").click()
        expect(page.get_by_text("Согласие внесено.")).to_be_visible()

    page.get_by_role("link", name="Внести встречу").click()
    page.get_by_role("link", name="Общая встреча").click()
    expect(page.get_by_role("heading", name="Общая встреча")).to_be_visible()
    page.get_by_role("checkbox", name="Смирнов Артём", exact=True).check()
    page.get_by_role("checkbox", name="Смирнова Ольга", exact=True).check()
    page.get_by_label("Длительность, минут").fill("90")
    page.get_by_label("Конфиденциальные заметки (видит только служба)").fill("Мать рассказала о долгах семьи.")
    page.get_by_role("button", name="Сохранить встречу").click()
    expect(page.get_by_text("Встреча внесена.")).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("программа проводится")

    page.get_by_role("link", name="Внести договор").click()
    page.locator("#id_items-0-action").fill("Семейный совет по воскресеньям, без крика")
    page.locator("#id_items-0-responsible").fill("мать и сын")
    page.locator("#id_items-0-deadline").fill(today)
    page.locator("#id_items-0-checker").fill("ведущий")
    page.get_by_role("button", name="Сохранить договор").click()
    expect(page.get_by_text("Договор внесён.")).to_be_visible()
    page.get_by_role("link", name="внести проверку").click()
    page.get_by_label("Результат").select_option("done")
    page.get_by_role("button", name="Сохранить проверку").click()
    expect(page.get_by_text("Проверка выполнения внесена.")).to_be_visible()

    page.get_by_role("link", name="Подготовить информацию о результатах").click()
    expect(page.get_by_label("Несовершеннолетних участников")).to_have_value("1")
    expect(page.get_by_label("Взрослых участников")).to_have_value("1")
    page.get_by_label("Информация для направившей организации").fill(
        "Программа проведена, стороны заключили договор и выполнили его.")
    page.get_by_role("button", name="Сохранить информацию о результатах").click()
    expect(page.get_by_text("ждёт подписи куратора")).to_be_visible()
    shot(page, "3-facilitator-case")
    page.close()

    # 4. The coordinator signs.
    page = login(browser, live_server, cast.coordinator)
    panel = page.locator("section", has=page.get_by_role("heading", name="Информация о результатах на подпись"))
    panel.get_by_role("link").first.click()
    page.get_by_role("button", name="Подписать и отправить направившей организации").click()
    signed = "Информация о результатах подписана; направившая организация может её прочитать."
    expect(page.get_by_text(signed)).to_be_visible()
    page.close()

    # 5. The secretary sees the answer — and nothing of tier T3.
    page = login(browser, live_server, cast.secretary)
    panel = page.locator("section", has=page.get_by_role("heading", name="Новые ответы (за 30 дней)"))
    expect(panel).to_contain_text("Риск жестокого обращения")
    page.goto(referral_url)
    expect(page.get_by_text("Программа проведена, стороны заключили договор и выполнили его.")).to_be_visible()
    expect(page.locator("section", has_text="Ответ службы")).to_contain_text("Заключён договор (план семьи)")
    body = page.content()
    for secret in ("Мать рассказала о долгах семьи.", "беседа с матерью", "Семейный совет по воскресеньям"):
        assert secret not in body
    shot(page, "5-referrer-answer")
    page.close()

    case = Case.objects.get()
    assert case.status == CaseStatus.REPORTED
    assert Referral.objects.get().status == Referral.Status.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_pages_fit_a_phone_and_bad_input_is_shown_in_russian(cast, browser, live_server):
    from playwright.sync_api import expect

    page = login(browser, live_server, cast.secretary)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/referrals/new/")
    page.get_by_role("button", name="Отправить в службу").click()
    expect(page.get_by_text("Обязательное поле.").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1 or page.locator(".table-wrap").count()
    shot(page, "6-phone-bad-input")
    assert Referral.objects.count() == 0


def test_the_accessibility_check_fails_on_a_serious_violation(browser, live_server):
    """The axe check is not a formality: a page with an unlabelled field and an image without text is caught."""
    from . import a11y

    page = browser.new_page(locale="ru-RU")
    page.goto(f"{live_server.url}/login/")
    assert a11y.FAILURES == []  # the login page itself passes
    # The watcher checks the page when it loads, as it does every page of every journey.
    page.set_content('<html lang="ru"><body><main><img src="data:,"><input type="text"></main></body></html>')
    page.wait_for_timeout(500)
    found, a11y.FAILURES[:] = list(a11y.FAILURES), []
    page.close()
    assert any("image-alt" in f for f in found) and any("label" in f for f in found)
