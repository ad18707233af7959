"""A real region starts from an empty database in a real Chromium, without a shell after `start_region` and
without the demo: the administrator's link, the authenticator, the directory from XLSX, invitations by e-mail,
and the first referral from the commission to the facilitator."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from openpyxl import Workbook

from lib import totp

from .test_browser_journey import CHROMIUM, browser, shot  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian chromium is not installed")

PASSWORD = "Надёжный-пароль-2026"


def _set_password_and_enrol(page, link, needs_second_factor):
    from playwright.sync_api import expect

    page.goto(link)
    expect(page.get_by_role("heading", name="Задайте пароль")).to_be_visible()
    page.get_by_label("Новый пароль", exact=True).fill(PASSWORD)
    page.get_by_label("Подтверждение нового пароля").fill(PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    if needs_second_factor:
        expect(page.get_by_role("heading", name="Подключение приложения-аутентификатора")).to_be_visible()
        secret = page.locator("code").first.inner_text().strip()
        page.get_by_label("Код").fill(totp.code_at(secret, totp.now_counter()))
        page.get_by_role("button", name="Подтвердить").click()
        expect(page.get_by_role("heading", name="Резервные коды")).to_be_visible()


def _link_for(address):
    letter = [m for m in mail.outbox if address in m.to][-1]
    return re.search(r"https?://\S+/account/set-password/\S+/", letter.body).group(0)


def _directory_xlsx(tmp_path):
    book = Workbook()
    book.active.append(["Вид", "Краткое название", "Полное название", "Территория", "Адрес", "E-mail"])
    book.active.append(["КДНиЗП", "КДНиЗП Сафоново", "Комиссия по делам несовершеннолетних Сафоновского района",
                        "Сафоновский район", "г. Сафоново", "kdn@safonovo.example"])
    book.active.append(["опека", "Опека Сафоново", "Отдел опеки Сафоновского района", "Сафоновский район", "", ""])
    path = tmp_path / "справочник.xlsx"
    book.save(path)
    return path


def _invite(page, url, email, surname, name, agency, role):
    from playwright.sync_api import expect

    page.goto(f"{url}/users/invite/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Фамилия").fill(surname)
    page.get_by_label("Имя").fill(name)
    page.get_by_label("Организация", exact=True).select_option(label=agency)
    page.get_by_label("Роль", exact=True).select_option(label=role)
    page.get_by_role("button", name="Отправить приглашение").click()
    expect(page.get_by_text("Приглашение отправлено.")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_region_starts_from_an_empty_database_in_the_browser(browser, live_server, settings, tmp_path,  # noqa: F811
                                                               capsys):
    from playwright.sync_api import expect

    settings.OPENDOOR_REQUIRE_2FA = True
    settings.OPENDOOR_BASE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    out = io.StringIO()
    call_command("start_region", "--no-input", "--name", "Служба примирения Сафоновского района",
                 "--short-name", "Служба Сафоново", "--email", "service@safonovo.example",
                 "--head-position", "Руководитель службы", "--head-name", "Е. А. Соколова",
                 "--admin-email", "admin@safonovo.example", "--admin-last-name", "Петров",
                 "--admin-first-name", "Сергей", stdout=out)
    link = re.search(r"https?://\S+", out.getvalue().split("\n", 3)[-1]).group(0)

    # The administrator: password, authenticator, directory, invitations.
    admin = browser.new_page(locale="ru-RU", viewport={"width": 1280, "height": 900})
    _set_password_and_enrol(admin, link, needs_second_factor=True)
    admin.goto(f"{live_server.url}/directory/import/")
    admin.get_by_label("Файл справочника (XLSX)").set_input_files(str(_directory_xlsx(tmp_path)))
    admin.get_by_role("button", name="Проверить файл").click()
    expect(admin.locator("table")).to_contain_text("будет добавлена")
    admin.get_by_role("button", name="Загрузить 2 строки").click()
    expect(admin.get_by_text("Загружено: новых — 2, обновлено — 0.")).to_be_visible()
    shot(admin, "region-1-directory")
    for email, surname, name, agency, role in [
        ("kdn@safonovo.example", "Орлова", "Мария", "КДНиЗП Сафоново", "специалист направляющей организации"),
        ("head@safonovo.example", "Соколова", "Елена", "Служба Сафоново", "куратор службы"),
        ("facilitator@safonovo.example", "Миронов", "Денис", "Служба Сафоново", "ведущий восстановительных программ"),
        ("method@safonovo.example", "Кузнецова", "Ольга", "Служба Сафоново", "методист"),
    ]:
        _invite(admin, live_server.url, email, surname, name, agency, role)
    shot(admin, "region-2-invited")
    admin.close()

    # Each opens their link; the methodologist records the facilitator's training and status.
    pages = {}
    for email, second in [("kdn@safonovo.example", False), ("head@safonovo.example", True),
                          ("facilitator@safonovo.example", True), ("method@safonovo.example", False)]:
        context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        _set_password_and_enrol(page, _link_for(email), needs_second_factor=second)
        pages[email] = page
    from accounts.models import User

    facilitator = User.objects.get(email="facilitator@safonovo.example")
    method = pages["method@safonovo.example"]
    method.goto(f"{live_server.url}/methods/facilitators/{facilitator.pk}/")
    method.get_by_label("Статус").select_option(value="facilitator")
    method.get_by_role("button", name="Изменить статус").click()
    method.get_by_label("Курс").fill("Базовый курс ведущего восстановительных программ")
    method.get_by_label("Часы").fill("80")
    method.get_by_label("Организация, проводившая обучение").fill("Региональный центр")
    method.get_by_label("Дата окончания").fill("2026-05-20")
    method.get_by_role("button", name="Добавить").click()
    expect(method.get_by_text("Обучение записано.")).to_be_visible()

    # The secretary sends a referral.
    secretary = pages["kdn@safonovo.example"]
    secretary.goto(f"{live_server.url}/referrals/new/")
    secretary.get_by_label("Тип ситуации").select_option(label="риск жестокого обращения с ребёнком в семье")
    secretary.get_by_label("Описание ситуации").fill("Школа сообщила о синяках у мальчика.")
    secretary.get_by_label("Законный представитель дал согласие на направление").check()
    secretary.locator("#id_persons-0-role").select_option("child")
    secretary.locator("#id_persons-0-surname").fill("Смирнов")
    secretary.locator("#id_persons-0-name").fill("Артём")
    secretary.locator("#id_persons-0-birth_date").fill("2014-05-20")
    secretary.get_by_role("button", name="Отправить в службу").click()
    expect(secretary.get_by_text("Направление отправлено в службу.")).to_be_visible()

    # The coordinator accepts and assigns; the facilitator sees the case.
    head = pages["head@safonovo.example"]
    head.goto(f"{live_server.url}/")
    panel = head.locator("section", has=head.get_by_role("heading", name="Новые направления"))
    panel.get_by_role("link").first.click()
    head.get_by_role("button", name="Принять и открыть случай").click()
    expect(head.get_by_text("Направление принято, случай открыт.")).to_be_visible()
    head.get_by_label("Миронов Денис").check()
    head.get_by_role("button", name="Сохранить").click()
    expect(head.get_by_text("Ведущие назначены.")).to_be_visible()
    case_url = head.url
    fac = pages["facilitator@safonovo.example"]
    fac.goto(case_url)
    expect(fac.locator(".page-head")).to_contain_text("оценка безопасности")
    shot(fac, "region-3-facilitator-case")
