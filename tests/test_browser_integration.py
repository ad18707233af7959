"""In a real Chromium: the administrator issues an API key; the coordinator imports an old Excel journal."""

import pytest

from api.models import ApiToken
from cases.models import Case

from .test_browser_journey import CHROMIUM, browser, login, pytestmark, shot  # noqa: F401 (fixture and marker)
from .test_journal_import import messy_journal


@pytest.mark.django_db(transaction=True)
def test_the_administrator_issues_a_key_and_the_coordinator_imports_a_journal(cast, browser,  # noqa: F811
                                                                             live_server, tmp_path):
    from playwright.sync_api import expect

    page = login(browser, live_server, cast.admin)
    page.get_by_role("link", name="Ключи API").click()
    page.get_by_label("Организация").select_option(label=cast.commission.short_name)
    page.get_by_label("Название").fill("АИС КДН")
    page.get_by_label("Адрес для уведомлений (webhook), необязательно").fill("https://kdn.example.org/hook")
    page.get_by_role("button", name="Выдать", exact=True).click()
    expect(page.get_by_text("Ключ выдан. Скопируйте его сейчас")).to_be_visible()
    key = page.locator("code.key").first.inner_text()
    token = ApiToken.objects.get()
    assert key.startswith(token.prefix) and token.key_hash == ApiToken.hash(key)
    shot(page, "integration-1-key-issued")
    page.reload()
    expect(page.locator("code.key")).to_have_count(0)  # shown once
    assert ApiToken.objects.count() == 1  # the refresh issued no second key
    page.close()

    page = login(browser, live_server, cast.coordinator)
    page.get_by_role("link", name="Журнал случаев").click()
    page.get_by_role("link", name="Импорт журнала").click()
    page.set_input_files("#id_file", str(messy_journal(tmp_path / "журнал.xlsx")))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_text("неизвестная программа «гадание»")).to_be_visible()
    expect(page.get_by_text("пропущена: повторяет строку выше")).to_be_visible()
    shot(page, "integration-2-import-preview")
    assert not Case.objects.exists()
    page.get_by_role("button", name="Импортировать только правильные строки").click()
    expect(page.get_by_text("Импортировано случаев: 5.")).to_be_visible()
    assert Case.objects.count() == 5
    expect(page.locator("main")).to_contain_text("«журнал.xlsx»: 5 из 7 строк")
    shot(page, "integration-3-imported")
