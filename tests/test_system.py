"""Set-up pieces: health check, settings helpers, demo region, Russian catalogue, safe headers."""

import io

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Agency, Role, Territory, User
from audit.log import verify_chain
from cases.models import Case, CaseStatus, Meeting, Program
from lib import env
from referrals.models import Referral


def test_healthz_ok(client, db):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})


def test_healthz_reports_a_lost_database(client, db, monkeypatch):
    from django.db import OperationalError

    class Gone:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("core.views.connection", Gone())
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (503, {"status": "error", "database": "unavailable"})


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("0", False), ("Yes", True), ("", False)])
def test_env_bool(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG") is value


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "perhaps")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env.env_bool("X_FLAG")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("X_INT", 1)


def test_debug_is_off_by_default():
    assert settings.DEBUG is False


def test_pages_carry_a_strict_content_security_policy(client, cast):
    client.force_login(cast.secretary)
    response = client.get(reverse("home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert b"<script>" not in response.content and b" style=" not in response.content


def test_seed_demo_builds_a_consistent_region(db):
    call_command("seed_demo", verbosity=0)
    assert Territory.objects.count() == 27
    for territory in Territory.objects.all():
        kinds = set(territory.agencies.values_list("kind", flat=True))
        assert {Agency.Kind.COMMISSION, Agency.Kind.GUARDIANSHIP, Agency.Kind.POLICE_JUVENILE} <= kinds
    # The network: the main service that receives referrals, a school service and one in an institution.
    assert Agency.objects.filter(kind=Agency.Kind.RECONCILIATION_SERVICE).count() == 3
    assert set(Case.objects.values_list("service", flat=True)) == {Agency.main_service().pk}
    roles = {m.role for u in User.objects.filter(username__in=[
        "kdn", "opeka", "pdn", "koordinator", "vedushchiy", "vedushchiy2", "metodist", "analitik", "organizator",
        "admin"]) for m in u.memberships.all()}
    assert roles == set(Role.values)
    assert Case.objects.count() >= 150
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(Program.objects.values_list("kind", flat=True)) == set(Program.Kind.values)
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    years = {c.opened_on.year for c in Case.objects.all()}
    assert len(years) >= 2
    for case in Case.objects.filter(status=CaseStatus.CLOSED):
        assert case.report.signed_at is not None
    for meeting in Meeting.objects.filter(kind=Meeting.Kind.JOINT).select_related("case"):
        screenings = meeting.case.screenings.filter(done_on__lte=meeting.date)
        assert screenings.filter(outcome__in=["suitable", "safeguards"]).exists()
    assert verify_chain() is None
    # A second run with --if-empty keeps what is there.
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert Territory.objects.count() == 27


def test_russian_catalogue_is_complete():
    po = polib.pofile(str(settings.BASE_DIR / "locale/ru/LC_MESSAGES/django.po"))
    assert po.percent_translated() == 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags]


def test_pages_speak_russian(client, cast, make_case):
    case = make_case(upto=CaseStatus.FOLLOW_UP)
    client.force_login(cast.coordinator)
    page = client.get(reverse("case", args=[case.code])).content.decode()
    for english in ("Case", "Referral", "Save", "follow-up", "Outcome", "Participants"):
        assert f">{english}" not in page
    assert "Проверка выполнения договора" in page or "проверка выполнения договора" in page


def test_the_interface_is_russian_even_for_an_english_browser(client, cast):
    client.force_login(cast.coordinator)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Добрый день" in page and "Good day" not in page


def test_a_cold_cache_value_is_computed_once_while_others_wait():
    import threading

    from django.core.cache import cache

    from lib.cache import cached_once

    cache.delete("stampede-test")
    calls = []

    def slow():
        import time

        calls.append(1)
        time.sleep(0.3)
        return "figures"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cached_once("stampede-test", slow, 60)))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["figures"] * 6
    assert len(calls) == 1


def test_generate_load_writes_what_the_actions_would(cast, client):
    """Synthetic cases through lib.bulk: complete case files, registry keys, an intact audit chain, and pages
    that open on them."""
    from audit.models import AuditEvent
    from cases.models import OutcomeReport
    from people.models import Person, PersonKey

    call_command("generate_load", cases=30, persons=100, stdout=io.StringIO())
    assert (Case.objects.count(), Person.objects.count(), OutcomeReport.objects.count()) == (30, 100, 30)
    case = Case.objects.order_by("id").last()
    assert case.status == "closed" and case.participants.count() == 2 and case.agreement.items.count() == 2
    assert Meeting.objects.get(case=case).attendees.count() == 2 and case.facilitators.exists()
    assert len({c.code for c in Case.objects.all()}) == 30 and case.referral.answered_at is not None
    assert PersonKey.objects.filter(person=case.participants.first().person).exists()
    assert Referral.objects.filter(persons__isnull=False).distinct().count() == 30
    assert AuditEvent.objects.filter(object_code=case.code).count() == 3
    assert verify_chain() is None
    client.force_login(cast.coordinator)
    assert client.get(reverse("cases")).status_code == 200
    assert client.get(reverse("case", args=[case.code])).status_code == 200
