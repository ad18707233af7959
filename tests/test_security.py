"""Authentication: argon2, password policy, lock-out, two factors, idle sessions, log out everywhere."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuthFailure, RecoveryCode, TOTPDevice, User
from audit.models import AuditEvent
from lib import totp


def login(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_production_hashes_passwords_with_argon2():
    from opendoor import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hash(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("argon", password="Kvartira2026x")
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize("password", ["short1", "onlyletterslong", "1234567890123", "password123"])
def test_password_policy_refuses_weak_passwords(db, password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_policy_accepts_a_good_one(db):
    validate_password("Смородина-2026-лето")


def test_account_locks_after_repeated_failures_and_admin_unlocks(client, cast, settings):
    settings.OPENDOOR_LOCK_AFTER = 3
    for _ in range(2):
        page = login(client, "secretary", "wrong").content.decode()
        assert "Неверный логин или пароль" in page
    page = login(client, "secretary", "wrong").content.decode()
    assert "Учётная запись заблокирована" in page
    cast.secretary.refresh_from_db()
    assert cast.secretary.locked_at is not None
    # Even the right password is refused now.
    page = login(client, "secretary", "pass-secretary").content.decode()
    assert "Учётная запись заблокирована" in page
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.filter(action="login.failed", actor=cast.secretary).count()
    assert failed == 3
    assert AuditEvent.objects.filter(action="account.locked", object_code=str(cast.secretary.pk)).count() == 1
    # The administrator unlocks it from the users page.
    client.force_login(cast.admin)
    assert "разблокировать" in client.get(reverse("users") + "?locked=1").content.decode()
    client.post(reverse("user_unlock", args=[cast.secretary.pk]))
    cast.secretary.refresh_from_db()
    assert cast.secretary.locked_at is None
    client.logout()
    assert login(client, "secretary", "pass-secretary").status_code == 302


def test_an_address_with_many_failures_is_refused(client, cast, settings):
    settings.OPENDOOR_ADDRESS_LIMIT = 4
    settings.OPENDOOR_LOCK_AFTER = 100
    for name in ["a", "b", "c", "d"]:
        login(client, name, "x", address="10.9.9.9")
    page = login(client, "secretary", "pass-secretary", address="10.9.9.9").content.decode()
    assert "Слишком много неудачных попыток с этого компьютера" in page
    assert login(client, "secretary", "pass-secretary", address="10.1.1.1").status_code == 302
    # The address is kept for lock-out only; the audit log never holds it.
    assert AuthFailure.objects.filter(address="10.9.9.9").count() == 4
    assert not any("10.9.9.9" in str(e.fields) + e.object_code for e in AuditEvent.objects.all())


def test_failed_login_of_an_unknown_name_is_audited_without_the_name(client, db):
    login(client, "ivanova.maria", "x")
    row = AuditEvent.objects.get(action="login.failed")
    assert (row.actor, row.object_code) == (None, "unknown")


@pytest.fixture
def two_factor_on(settings):
    settings.OPENDOOR_REQUIRE_2FA = True


def test_roles_with_case_data_must_enrol_and_then_pass_the_second_factor(client, cast, two_factor_on):
    assert login(client, "facilitator", "pass-facilitator")["Location"] == reverse("home")
    # Every page asks for the second factor first.
    response = client.get(reverse("cases"))
    assert response["Location"] == reverse("two_factor")
    page = client.get(reverse("two_factor")).content.decode()
    assert "data:image/svg+xml" in page
    device = TOTPDevice.objects.get(user=cast.facilitator)
    response = client.post(reverse("two_factor"), {"code": "000000"})
    assert "Код не подходит" in response.content.decode()
    response = client.post(reverse("two_factor"), {"code": totp.code_at(device.secret, totp.now_counter())})
    codes = response.context["codes"]
    assert len(codes) == 10 and RecoveryCode.objects.filter(user=cast.facilitator).count() == 10
    assert client.get(reverse("cases")).status_code == 200
    # Next login: the current code, once; a recovery code, once.
    client.logout()
    login(client, "facilitator", "pass-facilitator")
    assert client.get(reverse("cases"))["Location"] == reverse("two_factor")
    client.post(reverse("two_factor"), {"code": codes[0]})
    assert client.get(reverse("cases")).status_code == 200
    client.logout()
    login(client, "facilitator", "pass-facilitator")
    response = client.post(reverse("two_factor"), {"code": codes[0]})
    assert "неверен или уже использован" in response.content.decode()
    assert client.get(reverse("cases")).status_code == 302


def test_a_totp_code_is_accepted_once(cast, two_factor_on):
    from accounts import security
    from lib.errors import ActionError

    device = security.start_enrolment(cast.coordinator)
    security.confirm_enrolment(cast.coordinator, totp.code_at(device.secret, totp.now_counter()))
    with pytest.raises(ActionError):
        security.verify_second_factor(cast.coordinator, totp.code_at(device.secret, totp.now_counter()))
    security.verify_second_factor(cast.coordinator, totp.code_at(device.secret, totp.now_counter() + 1))


def test_referrers_are_not_asked_for_a_second_factor(client, cast, two_factor_on):
    login(client, "secretary", "pass-secretary")
    assert client.get(reverse("referrals")).status_code == 200


def test_totp_matches_rfc6238_vectors():
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890"
    assert totp.code_at(secret, 59 // 30) == "287082"
    assert totp.code_at(secret, 1111111109 // 30) == "081804"
    assert totp.match(secret, "287 082", at=59) == 1


def test_log_out_everywhere_ends_other_sessions(client, cast):
    from django.test import Client

    other = Client()
    login(client, "secretary", "pass-secretary")
    login(other, "secretary", "pass-secretary", address="10.0.0.2")
    assert other.get(reverse("referrals")).status_code == 200
    client.post(reverse("logout_everywhere"))
    assert other.get(reverse("referrals"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("referrals"))["Location"].startswith(reverse("login"))


def test_sessions_expire_after_inactivity():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60


def test_activity_writes_the_session_at_most_once_a_minute(client, cast):
    import datetime

    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    start = timezone.now()
    client.force_login(cast.secretary)

    def writes():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("referrals")).status_code == 200
        return sum('UPDATE "django_session"' in q["sql"] or "INSERT INTO" in q["sql"] and "django_session" in q["sql"]
                   for q in ctx.captured_queries)

    with time_machine.travel(start, tick=False):
        assert writes() == 1
        assert writes() == 0
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert writes() == 1


def test_a_locked_account_loses_its_open_session(client, cast):
    client.force_login(cast.secretary)
    User.objects.filter(pk=cast.secretary.pk).update(locked_at="2026-01-01T00:00:00Z")
    assert client.get(reverse("referrals")).status_code == 302


def test_a_session_ends_after_the_idle_time(client, cast):
    import datetime

    import time_machine
    from django.utils import timezone

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, "secretary", "pass-secretary")
        assert client.get(reverse("referrals")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(reverse("referrals")).status_code == 200  # activity renews the session
    with time_machine.travel(start + datetime.timedelta(minutes=29 + 31), tick=False):
        assert client.get(reverse("referrals"))["Location"].startswith(reverse("login"))
