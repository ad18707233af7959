"""A region starts and staffs itself without a shell: start_region, invitations, leavers, password reset and the
directory in the browser."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Agency, Membership, Role, Territory, TOTPDevice, User
from audit.models import AuditEvent


def _link(text):
    return re.search(r"https?://\S+/account/set-password/\S+/", text).group(0)


def _path(link):
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.fixture
def outbox(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return django_capture_on_commit_callbacks


def _start(capsys):
    call_command("start_region", "--no-input", "--name", "Служба примирения Смоленской области",
                 "--short-name", "Служба примирения", "--address", "г. Смоленск, ул. Ленина, 1",
                 "--phone", "+7 4812 00-00-00", "--email", "service@region.example",
                 "--head-position", "Руководитель службы", "--head-name", "Е. А. Соколова",
                 "--outgoing-prefix", "СП-", "--admin-email", "admin@region.example",
                 "--admin-last-name", "Петров", "--admin-first-name", "Сергей")
    return capsys.readouterr().out


@pytest.mark.django_db
def test_start_region_on_an_empty_database_and_the_first_administrators_link(capsys, client, settings):
    settings.OPENDOOR_REQUIRE_2FA = True
    out = _start(capsys)
    service = Agency.objects.get()
    assert (service.kind, service.head_name, service.outgoing_prefix) == (Agency.Kind.RECONCILIATION_SERVICE,
                                                                         "Е. А. Соколова", "СП-")
    admin = User.objects.get()
    assert admin.memberships.get().role == Role.ADMIN and not admin.has_usable_password()
    link = _path(_link(out))
    page = client.get(link, follow=True)
    assert "Задайте пароль" in page.content.decode()
    response = client.post(page.redirect_chain[-1][0] if page.redirect_chain else link,
                           {"new_password1": "Надёжный-пароль-2026", "new_password2": "Надёжный-пароль-2026"})
    # The administrator needs a second factor: the next page connects the authenticator app.
    assert response.status_code == 302 and "/2fa/enrol/" in response["Location"]
    enrol = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=admin)
    assert "QR-код" in enrol and device.secret in enrol and device.confirmed_at is None
    admin.refresh_from_db()
    assert admin.check_password("Надёжный-пароль-2026")
    # The link worked once.
    assert "Ссылка не работает" in Client().get(link, follow=True).content.decode()
    # A second start is refused: the database holds a region.
    with pytest.raises(CommandError):
        _start(capsys)


@pytest.mark.django_db
def test_start_region_refuses_a_missing_value():
    with pytest.raises(CommandError):
        call_command("start_region", "--no-input", "--name", "Служба")


def test_the_administrator_invites_with_two_memberships_and_it_is_audited(client, cast, outbox):
    client.force_login(cast.admin)
    with outbox(execute=True):
        response = client.post(reverse("user_invite"), {
            "email": "Secretary@Safonovo.example", "last_name": "Иванова", "first_name": "Ольга",
            "patronymic": "Петровна", "position": "ответственный секретарь", "agency": cast.commission.pk,
            "role": Role.REFERRER, "agency2": cast.guardianship.pk, "role2": Role.REFERRER})
    user = User.objects.get(email="secretary@safonovo.example")
    assert response["Location"] == reverse("user_detail", args=[user.pk])
    assert {(m.agency, m.role) for m in user.memberships.all()} == {(cast.commission, Role.REFERRER),
                                                                  (cast.guardianship, Role.REFERRER)}
    letter = mail.outbox[-1]
    assert letter.to == ["secretary@safonovo.example"] and "Открытой двери" in letter.subject
    assert user.username in letter.body
    assert AuditEvent.objects.filter(action="user.invite", actor=cast.admin, object_code=str(user.pk)).exists()
    # The person opens the link and logs in with the password they chose.
    other = Client()
    page = other.get(_path(_link(letter.body)), follow=True)
    other.post(page.redirect_chain[-1][0], {"new_password1": "Секретарь-2026", "new_password2": "Секретарь-2026"})
    assert other.get(reverse("referrals")).status_code == 200
    # The same e-mail twice is refused in Russian, nothing created.
    page = client.post(reverse("user_invite"), {"email": "secretary@safonovo.example", "last_name": "И",
                                                "first_name": "О", "agency": cast.commission.pk,
                                                "role": Role.REFERRER}).content.decode()
    assert "уже есть" in page and User.objects.filter(email="secretary@safonovo.example").count() == 1


def test_deactivating_a_leaver_ends_the_open_session_and_api_keys_and_keeps_history(client, cast):
    from api import tokens

    facilitator = Client()
    facilitator.force_login(cast.facilitator)
    assert facilitator.get(reverse("cases")).status_code == 200
    token, _key = tokens.issue(agency=cast.commission, name="система КДН", scopes=["referrals:read"],
                               actor=cast.admin)
    client.force_login(cast.admin)
    client.post(reverse("user_detail", args=[cast.facilitator.pk]), {"deactivate": "1"})
    client.post(reverse("user_detail", args=[token.account.pk]), {"deactivate": "1"})
    response = facilitator.get(reverse("cases"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Membership.objects.filter(user=cast.facilitator).exists()  # the history stays
    page = client.get(reverse("user_detail", args=[cast.facilitator.pk])).content.decode()
    assert "отключена" in page and "user.deactivate" not in page
    # A role change is audited with what changed, and ends the person's sessions (they log in anew).
    client.post(reverse("user_detail", args=[cast.secretary.pk]),
                {"add_role": "1", "m-agency": cast.guardianship.pk, "m-role": Role.REFERRER})
    row = AuditEvent.objects.filter(action="user.roles", object_code=str(cast.secretary.pk)).get()
    assert row.fields == [f"+referrer@{cast.guardianship.pk}"]
    # A leaver's unused invitation link no longer works.
    from accounts import onboarding

    leaver, link = onboarding.create_account(actor=cast.admin, email="leaver@region.example", last_name="Уход",
                                             first_name="Ян", memberships=[(cast.commission, Role.REFERRER)])
    onboarding.deactivate(leaver, actor=cast.admin)
    page = Client().get(_path(link), follow=True).content.decode()
    assert "Ссылка не работает" in page


@pytest.mark.parametrize("login", ["secretary", "coordinator", "methodologist"])
def test_only_the_administrator_manages_accounts_and_the_directory(client, cast, login):
    client.force_login(getattr(cast, login))
    for url in (reverse("user_invite"), reverse("directory"), reverse("directory_import"),
                reverse("user_detail", args=[cast.facilitator.pk])):
        assert client.get(url).status_code == 403
        assert client.post(url, {"deactivate": "1"}).status_code == 403
    assert User.objects.get(pk=cast.facilitator.pk).is_active


def test_password_reset_answers_the_same_for_unknown_addresses(client, cast, outbox, settings):
    cast.secretary.email = "secretary@region.example"
    cast.secretary.save()
    with outbox(execute=True):
        known = client.post(reverse("password_reset"), {"email": "secretary@region.example"})
        unknown = client.post(reverse("password_reset"), {"email": "nobody@region.example"})
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert [m.to for m in mail.outbox] == [["secretary@region.example"]]
    link = re.search(r"https?://\S+/account/set-password/\S+/", mail.outbox[0].body).group(0)
    page = client.get(_path(link), follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": "Новый-пароль-77", "new_password2": "Новый-пароль-77"})
    cast.secretary.refresh_from_db()
    assert cast.secretary.check_password("Новый-пароль-77")
    settings.OPENDOOR_RESET_PER_MINUTE = 2
    for _ in range(3):
        last = client.post(reverse("password_reset"), {"email": "nobody@region.example"}, follow=True)
    assert "Слишком много запросов" in last.content.decode()


def _directory_file(rows):
    book = Workbook()
    book.active.append(["Вид", "Краткое название", "Полное название", "Территория", "Адрес", "E-mail", "Телефон"])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "directory.xlsx"
    return data


def test_the_directory_imports_with_a_preview_and_updates_on_a_second_import(client, cast):
    client.force_login(cast.admin)
    rows = [["КДНиЗП", "КДНиЗП Сафоново", "Комиссия Сафоновского района", "Сафоновский район", "", "k@s.example", ""],
            ["гадалка", "Странная", "Неизвестно что", "", "", "", ""],
            ["школа", "Школа № 2 Сафоново", "Школа № 2", "Сафоновский район", "", "не почта", ""]]
    page = client.post(reverse("directory_import"), {"file": _directory_file(rows)}).content.decode()
    assert "неизвестный вид «гадалка»" in page and "не является адресом" in page
    assert "будет добавлена" in page
    client.post(reverse("directory_import"), {"confirm": "1"})
    agency = Agency.objects.get(short_name="КДНиЗП Сафоново")
    assert agency.territory == Territory.objects.get(name="Сафоновский район") and agency.email == "k@s.example"
    assert not Agency.objects.filter(short_name__in=["Странная", "Школа № 2 Сафоново"]).exists()
    # Importing again updates instead of duplicating.
    rows[0][5] = "new@s.example"
    page = client.post(reverse("directory_import"), {"file": _directory_file(rows[:1])}).content.decode()
    assert "будет обновлена" in page
    client.post(reverse("directory_import"), {"confirm": "1"})
    assert Agency.objects.filter(short_name="КДНиЗП Сафоново").count() == 1
    assert Agency.objects.get(short_name="КДНиЗП Сафоново").email == "new@s.example"
    # A file that is not a directory is refused in Russian; the sample file is one.
    page = client.post(reverse("directory_import"), {"file": io.BytesIO(b"not xlsx")}).content.decode()
    assert "Это не файл XLSX." in page
    sample = io.BytesIO(client.get(reverse("directory_sample")).content)
    sample.name = "sample.xlsx"
    page = client.post(reverse("directory_import"), {"file": sample}).content.decode()
    assert "будет добавлена" in page and "field-error" not in page


def test_an_organisation_is_deactivated_not_deleted_and_leaves_the_forms(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("agency_edit", args=[cast.far.pk]), {"active": "0"})
    cast.far.refresh_from_db()
    assert not cast.far.active
    page = client.get(reverse("user_invite")).content.decode()
    assert "КДНиЗП Велиж" not in page
    response = client.post(reverse("agency_edit", args=[cast.commission.pk]), {
        "kind": "commission", "short_name": "КДНиЗП Гагарин", "name": "Комиссия Гагаринского района",
        "territory": cast.district.pk, "email": "kdn@gagarin.example", "head_position": "", "head_name": "",
        "outgoing_prefix": "", "address": "", "phone": ""})
    assert response.status_code == 302
    cast.commission.refresh_from_db()
    assert cast.commission.email == "kdn@gagarin.example"


# --- the network of services for real ------------------------------------------------------------------------------

def _referral_post(**extra):
    data = {"situation": "cruelty_risk", "description": "Конфликт в семье.", "representative_consent": "on",
            "persons-TOTAL_FORMS": "1", "persons-INITIAL_FORMS": "0", "persons-0-role": "child",
            "persons-0-surname": "Петров", "persons-0-name": "Иван", "submit": "1"}
    data.update(extra)
    return data


def test_a_referral_goes_to_the_service_of_the_referrers_territory_or_the_one_chosen(client, cast):
    from referrals.models import Referral

    client.force_login(cast.outsider)  # a commission of Велижский район, where the second service works
    client.post(reverse("referral_new"), _referral_post())
    assert Referral.objects.get().service == cast.service_b
    client.force_login(cast.secretary)
    client.post(reverse("referral_new"), _referral_post(service=cast.service_b.pk))
    assert Referral.objects.filter(agency=cast.commission).get().service == cast.service_b
    page = client.get(reverse("referral_new")).content.decode()
    assert "Служба примирения Велижского района" in page  # the choice is offered, the local one preselected


def test_a_user_of_two_agencies_picks_the_one_they_act_for(client, cast):
    from referrals.models import Referral

    Membership.objects.create(user=cast.secretary, agency=cast.school, role=Role.REFERRER)
    client.force_login(cast.secretary)
    page = client.get(reverse("home")).content.decode()
    assert 'name="agency"' in page and "Школа № 1" in page
    client.post(reverse("act_for"), {"agency": cast.school.pk})
    client.post(reverse("referral_new"), _referral_post())
    assert Referral.objects.get().agency == cast.school
    # Someone else's organisation cannot be chosen.
    client.post(reverse("act_for"), {"agency": cast.far.pk})
    client.post(reverse("referral_new"), _referral_post())
    assert set(Referral.objects.values_list("agency", flat=True)) == {cast.school.pk}


def test_events_belong_to_a_service_and_only_its_organisers_manage_them(client, cast, make_event):
    event = make_event()
    assert event.service == cast.service
    other = User.objects.create_user("organiser_b", password="x")
    Membership.objects.create(user=other, agency=cast.service_b, role=Role.ORGANISER)
    client.force_login(other)
    assert client.get(reverse("event_manage", args=[event.code])).status_code == 404
    assert event.title not in client.get(reverse("events_manage")).content.decode()
    client.force_login(cast.organiser)
    assert client.get(reverse("event_manage", args=[event.code])).status_code == 200


def test_start_pages_for_the_administrator_the_organiser_and_a_trainee(client, cast, make_event):
    from django.utils import timezone

    from methods.models import FacilitatorProfile, FacilitatorStatus

    invited = User.objects.create(username="new", email="new@region.example", last_name="Новикова")
    invited.set_unusable_password()
    invited.save()
    Membership.objects.create(user=invited, agency=cast.commission, role=Role.REFERRER)
    client.force_login(cast.admin)
    page = client.get(reverse("home")).content.decode()
    assert "Приглашения, которые ещё не приняты" in page and "Новикова" in page
    event = make_event()
    event.starts_on = event.ends_on = timezone.localdate() + timezone.timedelta(days=3)
    event.save()
    client.force_login(cast.organiser)
    page = client.get(reverse("home")).content.decode()
    assert "Ближайшие мероприятия" in page and event.title in page
    trainee = User.objects.create_user("trainee", password="x", last_name="Стажёр")
    Membership.objects.create(user=trainee, agency=cast.service, role=Role.FACILITATOR)
    FacilitatorProfile.objects.create(user=trainee, status=FacilitatorStatus.TRAINEE)
    client.force_login(trainee)
    page = client.get(reverse("home")).content.decode()
    assert "Учтено часов обучения: 0 из" in page


def test_the_coordinator_sets_the_letterhead_and_the_answer_term_and_documents_pick_them_up(client, cast,
                                                                                            make_case):
    from cases.models import CaseStatus
    from referrals.models import Referral

    from .test_documents import pdf_text

    case = make_case(upto=CaseStatus.FOLLOW_UP)
    client.force_login(cast.coordinator)
    response = client.post(reverse("service_settings"), {
        "name": "Служба примирения", "short_name": "Служба «Открытая дверь»", "address": "г. Гагарин",
        "phone": "+7 48135 1-11-11", "email": "", "head_position": "Директор", "head_name": "И. И. Иванов",
        "outgoing_prefix": "СП-", "answer_days": "10"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="service.settings", actor=cast.coordinator).exists()
    from cases import actions

    report = actions.report_defaults(case)
    report["summary"] = "Итог."
    actions.draft_report(case, actor=cast.facilitator, fields=report, expected_version=0)
    actions.sign_report(case, actor=cast.coordinator)
    text = pdf_text(client.get(reverse("case_document", args=[case.code, "report.pdf"])).content)
    assert "И. И. Иванов" in text and "Директор" in text and f"СП-{case.journal_number}" in text
    assert "+7 48135 1-11-11" in text
    client.force_login(cast.secretary)
    client.post(reverse("referral_new"), _referral_post())
    referral = Referral.objects.order_by("-pk").first()
    assert (referral.due_date - referral.submitted_on).days == 10
    # Out-of-range input is refused in Russian and nothing is saved.
    client.force_login(cast.coordinator)
    page = client.post(reverse("service_settings"), {"name": "x", "short_name": "Служба «Открытая дверь»",
                                                     "answer_days": "500"}).content.decode()
    assert "От 1 до 90 дней." in page
    assert Agency.objects.get(pk=cast.service.pk).answer_days == 10


def test_the_account_page_lists_sessions_and_ends_another_device(cast):
    laptop, phone = Client(), Client()
    laptop.force_login(cast.secretary)
    phone.force_login(cast.secretary)
    page = laptop.get(reverse("account")).content.decode()
    assert "Активные сеансы" in page and page.count("завершить этот") == 1
    other = cast.secretary.open_sessions.order_by("created_at").last()  # the phone's
    laptop.post(reverse("session_end", args=[other.pk]))
    response = phone.get(reverse("referrals"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert laptop.get(reverse("referrals")).status_code == 200
    # Someone else's session cannot be ended.
    mallory = Client()
    mallory.force_login(cast.guardian)
    mine = cast.secretary.open_sessions.get()
    assert mallory.post(reverse("session_end", args=[mine.pk])).status_code == 404
    assert laptop.get(reverse("referrals")).status_code == 200


def test_bulk_invitation_from_xlsx_with_a_preview(client, cast, outbox):
    book = Workbook()
    book.active.append(["E-mail", "Фамилия", "Имя", "Отчество", "Должность", "Организация", "Роль"])
    book.active.append(["a@region.example", "Иванова", "Анна", "", "секретарь", "КДНиЗП Гагарин",
                        "специалист направляющей организации"])
    book.active.append(["b@region.example", "Петров", "Борис", "", "", "Нет такой", "ведущий"])
    book.active.append(["a@region.example", "Иванова", "Анна", "", "", "КДНиЗП Гагарин", "referrer"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "staff.xlsx"
    client.force_login(cast.admin)
    page = client.post(reverse("user_invite_import"), {"file": data}).content.decode()
    assert "будет приглашён" in page and "в справочнике нет организации «Нет такой»" in page
    assert "неизвестная роль «ведущий»" in page and "e-mail повторяет одну из строк выше" in page
    with outbox(execute=True):
        client.post(reverse("user_invite_import"), {"confirm": "1"})
    user = User.objects.get(email="a@region.example")
    assert user.memberships.get().agency == cast.commission and not User.objects.filter(
        email="b@region.example").exists()
    assert [m.to for m in mail.outbox] == [["a@region.example"]]


def test_the_administrator_sets_the_public_address_and_the_reminder_hour(client, cast, settings, outbox):
    from accounts import site

    settings.DEMO = False
    client.force_login(cast.admin)
    page = client.post(reverse("region_settings"), {"base_url": "http://127.0.0.1:8000",
                                                    "reminder_hour": "30"}).content.decode()
    assert "https://" in page and "от 0 до 23" in page
    client.post(reverse("region_settings"), {"base_url": "https://opendoor.region.example", "reminder_hour": "9"})
    assert (site.base_url(), site.reminder_hour()) == ("https://opendoor.region.example", 9)
    assert AuditEvent.objects.filter(action="region.settings").exists()
    with outbox(execute=True):
        client.post(reverse("user_invite"), {"email": "x@region.example", "last_name": "Х", "first_name": "Ю",
                                             "agency": cast.commission.pk, "role": Role.REFERRER})
    assert "https://opendoor.region.example/account/set-password/" in mail.outbox[-1].body
