"""An organiser creates a seminar, two people register (one waits), attendance, certificates, verification."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Certificate, Registration

from .test_browser_journey import CHROMIUM, browser, login, shot  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="no chromium")


@pytest.mark.django_db(transaction=True)
def test_seminar_from_creation_to_verified_certificates(cast, browser, live_server, settings, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    settings.OPENDOOR_FILES_DIR = str(tmp_path / "files")
    today = timezone.localdate().isoformat()

    # 1. The organiser creates a seminar with one place and adds its session.
    page = login(browser, live_server, cast.organiser)
    page.get_by_role("link", name="Мероприятия").click()
    page.get_by_label("Вид мероприятия").select_option("seminar")
    page.get_by_label("Название").fill("Семинар «Круги сообщества в школе»")
    page.get_by_label("Первый день").fill(today)
    page.get_by_label("Последний день").fill(today)
    page.get_by_label("Мест", exact=True).fill("1")
    page.get_by_label("Часы обучения (0, если не засчитываются)").fill("4")
    page.get_by_role("button", name="Создать мероприятие").click()
    expect(page.get_by_text("Мероприятие создано. Добавьте программу.")).to_be_visible()
    page.get_by_label("Начало").fill(f"{today}T10:00")
    page.get_by_label("Занятие", exact=True).fill("Практикум: круг сообщества")
    page.get_by_role("button", name="Добавить").first.click()
    expect(page.get_by_text("Занятие добавлено.")).to_be_visible()
    manage_url = page.url
    public_url = page.get_by_role("link", name="Публичная страница").get_attribute("href")

    # 2. Two people register on the public page, without an account, and confirm from the e-mail's link (no place
    #    is held before that); the second waits.
    visitor = browser.new_page(locale="ru-RU")
    for name, email in [("Кузнецова Анна Сергеевна", "anna@example.ru"), ("Волков Илья Петрович", "ilya@example.ru")]:
        visitor.goto(f"{live_server.url}{public_url}")
        visitor.get_by_label("Фамилия, имя, отчество").fill(name)
        visitor.get_by_label("Должность").fill("педагог-психолог")
        visitor.get_by_label("Организация, если её нет в списке").fill("Школа № 12")
        visitor.get_by_label("Электронная почта").fill(email)
        visitor.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
        visitor.get_by_role("button", name="Зарегистрироваться").click()
        expect(visitor.get_by_text(f"Почти готово: мы отправили письмо на {email}")).to_be_visible()
        letter = next(m for m in reversed(mail.outbox) if m.to == [email])
        link = re.search(r"http\S+/events/r/\S+/", letter.body).group(0)
        visitor.goto(link.replace(settings.OPENDOOR_BASE_URL, live_server.url))
        visitor.get_by_role("button", name="Подтвердить регистрацию").click()
        expect(visitor.get_by_text("Регистрация подтверждена.")).to_be_visible()
    expect(visitor.get_by_text("Вы в листе ожидания")).to_be_visible()
    shot(visitor, "9-waiting-list")
    visitor.close()

    # 3. The organiser confirms the second person too, marks attendance with one tap each, issues certificates.
    page.goto(manage_url)
    page.get_by_role("button", name="подтвердить").click()
    expect(page.get_by_text("Регистрация подтверждена.")).to_be_visible()
    page.get_by_role("link", name="отметить присутствующих").click()
    for name in ["Кузнецова Анна Сергеевна", "Волков Илья Петрович"]:
        page.get_by_role("button", name=name).click()
        expect(page.get_by_text(f"{name}: присутствует.")).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "10-attendance-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(manage_url)
    page.get_by_role("button", name="Выдать свидетельства").click()
    expect(page.get_by_text("Свидетельства пронумерованы")).to_be_visible()
    expect(page.get_by_text("Готово PDF: 2 из 2")).to_be_visible()
    revoked = Certificate.objects.get(registration__email="ilya@example.ru")
    row = page.locator("tr", has_text="Волков Илья Петрович")
    row.locator("summary", has_text="отозвать").click()
    row.get_by_label("Причина").fill("Выдано ошибочно")
    row.get_by_role("button", name="Отозвать").click()
    expect(page.get_by_text("Свидетельство отозвано.")).to_be_visible()
    page.close()

    # 4. Anyone verifies: one valid, one revoked with its reason.
    valid = Certificate.objects.get(registration__email="anna@example.ru")
    visitor = browser.new_page(locale="ru-RU")
    visitor.goto(f"{live_server.url}/verify/{valid.number}/{valid.check_code}")  # the QR code's address
    expect(visitor.get_by_text("действительно")).to_be_visible()
    expect(visitor.get_by_text("Кузнецова Анна Сергеевна")).to_be_visible()
    shot(visitor, "11-verify-valid")
    visitor.goto(f"{live_server.url}/verify/")  # typed from the paper: number and check code
    visitor.get_by_label("Номер свидетельства").fill(revoked.number)
    visitor.get_by_label("Код проверки").fill(revoked.check_code.lower())
    visitor.get_by_role("button", name="Проверить").click()
    expect(visitor.get_by_text("отозвано: Выдано ошибочно")).to_be_visible()
    visitor.close()
    assert Registration.objects.filter(status="confirmed").count() == 2
    assert all(c.path.exists() for c in Certificate.objects.all())
