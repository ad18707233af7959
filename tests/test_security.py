"""Authentication: argon2, password policy, lock-out, two factors, idle sessions, log out everywhere."""

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

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


SLOWED = "Слишком много неудачных попыток входа под этим логином"


def test_failed_logins_slow_down_but_never_lock_the_owner_out(client, cast, settings, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    import time_machine

    settings.OPENDOOR_LOCK_AFTER = 3
    cast.secretary.email = "secretary@example.ru"
    cast.secretary.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            page = login(client, "secretary", "wrong").content.decode()
            assert "Неверный логин или пароль" in page
        with django_capture_on_commit_callbacks(execute=True):
            login(client, "secretary", "wrong")  # the third: the wait begins and the owner gets a link
        # Even the right password waits now; an unknown login gets exactly the same answer.
        page = login(client, "secretary", "pass-secretary").content.decode()
        assert SLOWED in page and "_auth_user_id" not in client.session
        for _ in range(4):
            login(client, "nobody-here", "wrong")
        unknown = login(client, "nobody-here", "pass-secretary").content.decode()
        assert SLOWED in unknown
        def main(html, login_name):
            html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.replace(login_name, "X"))
            return html.split("<main")[1]

        assert main(page, "secretary") == main(unknown, "nobody-here")
    cast.secretary.refresh_from_db()
    assert cast.secretary.locked_at is None  # nothing is locked for good
    assert AuditEvent.objects.filter(action="login.failed", actor=cast.secretary).count() == 3
    # The wait ends by itself …
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert login(client, "secretary", "pass-secretary").status_code == 302
    client.logout()
    # … and the owner can skip it with the link from the e-mail, while someone else keeps guessing.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["secretary@example.ru"]
    link = re.search(r"http\S+/login/unlock/\S+/", mailoutbox[0].body).group(0)
    with time_machine.travel(start + datetime.timedelta(minutes=20), tick=False):
        for _ in range(5):
            login(client, "secretary", "wrong", address="10.0.0.2")
        assert SLOWED in login(client, "secretary", "pass-secretary").content.decode()
        client.get(link.replace(django_settings.OPENDOOR_BASE_URL, ""))
        assert login(client, "secretary", "pass-secretary").status_code == 302


def test_the_login_is_counted_as_it_is_checked(client, cast, settings):
    """Full-width letters are the same login after Django's NFKC normalisation: they count against it."""
    settings.OPENDOOR_LOCK_AFTER = 3
    for variant in ["ｓecretary", "secretary ", "ｓｅｃｒｅｔａｒｙ"]:
        login(client, variant, "wrong")
    assert SLOWED in login(client, "secretary", "pass-secretary").content.decode()
    assert AuthFailure.objects.filter(username="secretary").count() == 3


def test_an_administrators_lock_still_holds_and_is_lifted_by_the_administrator(client, cast):
    User.objects.filter(pk=cast.secretary.pk).update(locked_at=timezone.now())
    page = login(client, "secretary", "pass-secretary").content.decode()
    assert "Вход под этим логином приостановлен" in page
    client.force_login(cast.admin)
    assert "разблокировать" in client.get(reverse("users") + "?locked=1").content.decode()
    client.post(reverse("user_unlock", args=[cast.secretary.pk]))
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


def enrol_by_email(client, user, mailoutbox, capture):
    """Ask for the link on the second-factor page, open it from the e-mail, confirm with the first code."""
    with capture(execute=True):
        client.post(reverse("two_factor"))
    link = re.search(r"http\S+/2fa/enrol/\S+/", mailoutbox[-1].body).group(0)
    path = link.replace(django_settings.OPENDOOR_BASE_URL, "")
    page = client.get(path).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert device.secret in page and "data:image/svg+xml" in page
    response = client.post(path, {"code": totp.code_at(device.secret, totp.now_counter())})
    return path, response


def test_roles_with_case_data_must_enrol_and_then_pass_the_second_factor(
        client, cast, two_factor_on, mailoutbox, django_capture_on_commit_callbacks):
    cast.facilitator.email = "facilitator@example.ru"
    cast.facilitator.save()
    assert login(client, "facilitator", "pass-facilitator")["Location"] == reverse("home")
    # Every page asks for the second factor first.
    response = client.get(reverse("cases"))
    assert response["Location"] == reverse("two_factor")
    # The password alone never shows the key: the page offers to send a one-time link to the e-mail.
    page = client.get(reverse("two_factor")).content.decode()
    assert "data:image/svg+xml" not in page and "f***@example.ru" in page
    path, response = enrol_by_email(client, cast.facilitator, mailoutbox, django_capture_on_commit_callbacks)
    codes = response.context["codes"]
    assert len(codes) == 10 and RecoveryCode.objects.filter(user=cast.facilitator).count() == 10
    assert client.get(reverse("cases")).status_code == 200
    # The link works once.
    assert client.get(path)["Location"] == reverse("two_factor")
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


def test_an_enrolment_link_serves_only_its_own_user(client, cast, two_factor_on):
    from accounts import security

    link = security.enrolment_link(cast.coordinator, actor=cast.admin)
    login(client, "facilitator", "pass-facilitator")
    response = client.get(link.replace(django_settings.OPENDOOR_BASE_URL, ""))
    assert response["Location"] == reverse("two_factor")
    secret = TOTPDevice.objects.get(user=cast.coordinator).secret
    assert secret not in client.get(reverse("two_factor")).content.decode()


def test_the_administrator_hands_over_an_enrolment_link(client, cast):
    client.force_login(cast.admin)
    page = client.post(reverse("user_enrolment_link", args=[cast.facilitator.pk])).content.decode()
    assert "/2fa/enrol/" in page
    assert AuditEvent.objects.filter(action="account.2fa.enrol_link", actor=cast.admin).count() == 1


def enrolled(user):
    from accounts import security

    link = security.enrolment_link(user)
    device = TOTPDevice.objects.get(user=user)
    security.confirm_enrolment(user, link.rsplit("/", 2)[-2], totp.code_at(device.secret, totp.now_counter() - 1))
    device.refresh_from_db()
    return device


def test_a_totp_code_is_accepted_once(cast, two_factor_on):
    from accounts import security
    from lib.errors import ActionError

    device = enrolled(cast.coordinator)
    with pytest.raises(ActionError):
        security.verify_second_factor(cast.coordinator, totp.code_at(device.secret, totp.now_counter() - 1))
    TOTPDevice.objects.filter(pk=device.pk).update(failures=0)
    security.verify_second_factor(cast.coordinator, totp.code_at(device.secret, totp.now_counter()))


def test_wrong_second_factor_codes_are_throttled_then_end_the_session(client, cast, two_factor_on, settings):
    import time_machine

    settings.OPENDOOR_2FA_MAX_FAILURES = 6
    device = enrolled(cast.coordinator)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, "coordinator", "pass-coordinator")
        answers = [client.post(reverse("two_factor"), {"code": "000000"}).content.decode() for _ in range(3)]
        assert "неверен или уже использован" in answers[0]
        assert "Слишком много неверных кодов. Подождите" in answers[1]
        # While waiting even the right code is refused: 40 tries in a few seconds get nowhere.
        right = totp.code_at(device.secret, totp.now_counter())
        assert "Подождите" in client.post(reverse("two_factor"), {"code": right}).content.decode()
        assert client.get(reverse("cases")).status_code == 302
    moment = start
    for _ in range(5):  # each wrong code doubles the wait; the sixth ends the session
        moment += datetime.timedelta(seconds=40)
        with time_machine.travel(moment, tick=False):
            client.post(reverse("two_factor"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.failures == 6
    assert AuditEvent.objects.filter(action="login.2fa_failed", actor=cast.coordinator).count() == 6


def test_the_second_factor_never_redirects_off_site(client, cast, two_factor_on):
    device = enrolled(cast.coordinator)
    for target in ["https://evil.example/", "//evil.example/", "\\\\evil.example", "javascript:alert(1)",
                   "http://testserver@evil.example/", "/cases/"]:
        client.logout()
        login(client, "coordinator", "pass-coordinator")
        TOTPDevice.objects.filter(pk=device.pk).update(last_counter=0)
        response = client.post(reverse("two_factor") + "?next=" + target,
                               {"code": totp.code_at(device.secret, totp.now_counter()), "next": target})
        assert response["Location"] == (target if target == "/cases/" else reverse("home")), target


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
