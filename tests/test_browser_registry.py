"""Search before create in a real Chromium: the referrer is told the child is already known; the coordinator links."""

import pytest

from people.models import PersonMerge
from referrals.models import Referral, ReferralPerson

from .test_browser_journey import (  # noqa: F401 (fixture and marker)
    CHROMIUM,
    browser,
    login,
    pytestmark,
    shot,
    start_referral,
)


@pytest.mark.django_db(transaction=True)
def test_a_known_child_typed_in_another_case_is_flagged_and_linked(cast, browser, live_server,  # noqa: F811
                                                                   make_referral):
    from playwright.sync_api import expect

    earlier = make_referral(author=cast.guardian)  # the guardianship body referred the family last year
    known = earlier.persons.get(role="child").person

    page = login(browser, live_server, cast.secretary)
    start_referral(page, "Из школы сообщили о синяках у Артёма.")
    page.locator("#id_persons-0-role").select_option("child")
    page.locator("#id_persons-0-surname").fill("Смирнову")  # as in «направить Смирнову Тёму»
    page.locator("#id_persons-0-name").fill("Тёму")
    page.locator("#id_persons-0-patronymic").fill("Олеговича")
    hint = page.locator(".match-row .hint")
    expect(hint).to_contain_text("уже известен службе")
    # No reasons for a referrer: «the same birth date» would let look-ups recover one (tests/test_network.py).
    expect(hint).not_to_contain_text("краткая форма того же имени")
    expect(hint).not_to_contain_text(known.full_name)
    shot(page, "registry-1-referrer-hint")
    page.get_by_role("button", name="Отправить в службу").click()
    expect(page.get_by_text("Направление отправлено в службу.")).to_be_visible()
    referral = Referral.objects.exclude(pk=earlier.pk).get()
    page.close()

    page = login(browser, live_server, cast.coordinator)
    page.goto(f"{live_server.url}/referrals/{referral.code}/")
    expect(page.locator(".hint")).to_contain_text("Направившему сообщили")
    expect(page.locator(".hint")).to_contain_text(known.full_name)
    shot(page, "registry-2-coordinator-candidates")
    page.get_by_role("button", name="Это тот же человек: связать с этой записью").click()
    expect(page.get_by_text("Человек связан с существующей записью.")).to_be_visible()
    assert ReferralPerson.objects.get(referral=referral, role="child").person == known
    page.get_by_role("link", name=known.full_name).first.click()
    expect(page.get_by_text("Записи, объединённые с этой")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Смирнову Тёму")
    shot(page, "registry-3-person-history")
    assert PersonMerge.objects.filter(kept=known).count() == 1
