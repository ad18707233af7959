"""Events: registration and the waiting list, attendance, certificates, verification, exports, import."""

import html
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from audit.models import AuditEvent
from events import actions
from events.models import Certificate, CertificateBatch, Registration
from lib.errors import ActionError

from .conftest import participant

R = Registration.Status


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.OPENDOOR_FILES_DIR = str(tmp_path / "files")
    cache.clear()


def test_public_registration_fills_places_then_the_waiting_list(client, db, make_event, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    url = reverse("event", args=[event.code])
    page = client.get(url).content.decode()
    assert "152-ФЗ" in page and "Свободных мест" in page
    form = {"full_name": "Иванова Анна Петровна", "position": "социальный педагог", "agency_name": "СРЦН",
            "email": "anna@example.ru", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form, follow=True)
    first = Registration.objects.get(email="anna@example.ru")
    # No place is held and the private link is not shown to whoever typed the form: it goes to the e-mail only.
    assert first.status == R.PENDING and "152-ФЗ" in first.consent_text
    assert first.code not in response.content.decode() and "anna@example.ru" in response.content.decode()
    assert mailoutbox[0].subject.startswith("Подтвердите регистрацию") and first.code in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**form, "email": "boris@example.ru", "full_name": "Борисов Борис"})
    second = Registration.objects.get(email="boris@example.ru")
    assert second.status == R.PENDING
    # Boris confirms first, so he takes the one place; Anna confirms later and waits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration", args=[second.code]), {"confirm": "1"})
        client.post(reverse("registration", args=[first.code]), {"confirm": "1"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (R.WAITLIST, R.CONFIRMED)
    assert mailoutbox[2].subject.startswith("Регистрация подтверждена") and mailoutbox[2].to == ["boris@example.ru"]
    assert mailoutbox[3].subject.startswith("Лист ожидания") and mailoutbox[3].to == ["anna@example.ru"]
    # The same e-mail twice, or no consent: a clear message and nothing saved.
    page = client.post(url, form).content.decode()
    assert "уже есть регистрация" in page
    page = client.post(url, {**form, "email": "c@example.ru", "consent": ""}).content.decode()
    assert "нужно согласие на обработку персональных данных" in page
    page = client.post(url, {**form, "email": "d@example.ru", "agency_name": ""}).content.decode()
    assert "Выберите организацию из списка или впишите её название." in page
    assert Registration.objects.count() == 2
    # The confirmed one cancels on their private page; the waiting list moves up.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration", args=[second.code]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (R.CONFIRMED, R.CANCELLED)
    assert mailoutbox[-1].to == ["anna@example.ru"] and "подтверждена" in mailoutbox[-1].subject


def test_organiser_rejects_and_the_waiting_list_moves_up(cast, make_event):
    event = make_event(capacity=1)
    a = actions.register(event, fields=participant(1), consent=True, confirmed=True)
    b = actions.register(event, fields=participant(2), consent=True, confirmed=True)
    actions.decide(a, actor=cast.organiser, approve=False)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (R.REJECTED, R.CONFIRMED)


def attend(event, registration, cast, sessions=None):
    for session in sessions or event.sessions.all():
        actions.mark_attendance(registration, session, actor=cast.organiser)


def test_certificates_follow_the_attendance_rule_and_numbers_are_never_reused(cast, make_event):
    event = make_event(min_sessions=2)
    full = actions.register(event, fields=participant(1), consent=True, confirmed=True)
    half = actions.register(event, fields=participant(2), consent=True, confirmed=True)
    attend(event, full, cast)
    attend(event, half, cast, sessions=event.sessions.all()[:1])
    batch = actions.issue_certificates(event, actor=cast.organiser)
    certificate = Certificate.objects.get()
    assert certificate.registration == full and certificate.hours == 4
    year = event.ends_on.year
    assert certificate.number == f"ОД-{year}-000001"
    with pytest.raises(ActionError):
        actions.issue_certificates(event, actor=cast.organiser)
    actions.revoke(certificate, actor=cast.organiser, reason="Ошибка в списке")
    attend(event, half, cast)
    actions.issue_certificates(event, actor=cast.organiser)
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [f"ОД-{year}-000001",
                                                                           f"ОД-{year}-000002"]
    assert batch.total == 1


def test_background_generation_writes_files_and_reports_progress(cast, make_event, django_capture_on_commit_callbacks):
    event = make_event()
    for n in range(3):
        attend(event, actions.register(event, fields=participant(n), consent=True, confirmed=True), cast)
    with django_capture_on_commit_callbacks(execute=True):
        batch = actions.issue_certificates(event, actor=cast.organiser)
    batch = CertificateBatch.objects.get(pk=batch.pk)
    assert (batch.total, batch.done, batch.finished_at is not None) == (3, 3, True)
    for certificate in Certificate.objects.all():
        assert certificate.pdf_ready and certificate.path.read_bytes().startswith(b"%PDF")


def test_certificate_pdf_reads_well_and_its_qr_decodes_to_the_verification_url(cast, make_event, settings):
    import pypdfium2
    import zxingcpp

    from events.certificates import certificate_pdf

    from .test_documents import pdf_text

    event = make_event()
    registration = actions.register(event, fields=participant(7, full_name="Соколова Мария Ивановна"),
                                    consent=True, confirmed=True)
    attend(event, registration, cast)
    actions.issue_certificates(event, actor=cast.organiser)
    certificate = Certificate.objects.get()
    content = certificate_pdf(certificate)
    text = pdf_text(content)
    for expected in ["СВИДЕТЕЛЬСТВО", certificate.number, "Соколова Мария Ивановна", "Семинар по медиации",
                     "4 ак. ч."]:
        assert expected in text, expected
    image = pypdfium2.PdfDocument(content)[0].render(scale=3).to_pil()
    decoded = [b.text for b in zxingcpp.read_barcodes(image)]
    assert decoded == [settings.OPENDOOR_BASE_URL + reverse("verify_code", args=[certificate.number,
                                                                                  certificate.check_code])]
    assert f"Код проверки: {certificate.check_code}" in text


def test_the_certificate_agrees_with_the_holder_and_nests_quotes(cast, make_event):
    from events.certificates import certificate_pdf
    from events.models import Event

    from .test_documents import pdf_text

    event = make_event()
    Event.objects.filter(pk=event.pk).update(title='Семинар «Медиация в школе» и "Круг сообщества"')
    people = {"Соколова Мария Ивановна": "приняла участие", "Петров Иван Сергеевич": "принял участие",
              "Ким Анна": "приняла участие", "Ли Чжэнь": "принял(а) участие"}
    for n, name in enumerate(people):
        attend(event, actions.register(event, fields=participant(n, full_name=name), consent=True, confirmed=True),
               cast)
    actions.issue_certificates(Event.objects.get(pk=event.pk), actor=cast.organiser)
    for certificate in Certificate.objects.select_related("registration"):
        text = pdf_text(certificate_pdf(certificate))
        assert people[certificate.registration.full_name] in text, certificate.registration.full_name
        assert "«Семинар „Медиация в школе“ и „Круг сообщества“»" in text


def test_holder_sex_and_agreement_rules():
    from events.certificate_text import FEMALE, MALE, agree, holder_sex, nest_quotes

    assert holder_sex("Иванова Мария Петровна") == FEMALE and holder_sex("Петров Иван Сергеевич") == MALE
    assert holder_sex("Иванов Саша") is None and holder_sex("") is None
    assert agree("принял(а), прошёл(ла), был(а)", FEMALE) == "приняла, прошла, была"
    assert agree("принял(а), прошёл(ла), был(а)", MALE) == "принял, прошёл, был"
    assert agree("принял(а)", None) == "принял(а)"
    assert nest_quotes("«а «б «в» б» а»") == "«а „б „в“ б“ а»"


def test_verification_shows_valid_and_revoked_and_nothing_else(client, cast, make_event):
    event = make_event()
    regs = [actions.register(event, fields=participant(n), consent=True, confirmed=True) for n in range(2)]
    for r in regs:
        attend(event, r, cast)
    actions.issue_certificates(event, actor=cast.organiser)
    valid, revoked = Certificate.objects.order_by("number")
    actions.revoke(revoked, actor=cast.organiser, reason="Выдано ошибочно")
    page = client.get(reverse("verify_code", args=[valid.number, valid.check_code])).content.decode()
    assert "действительно" in page and regs[0].full_name in page and "Семинар по медиации" in page
    assert "p0@example.ru" not in page and "Школа № 5" not in page  # holder, event, dates, hours — nothing else
    page = client.get(reverse("verify_form"), {"number": revoked.number.lower(),
                                               "code": revoked.check_code.lower()}).content.decode()
    assert "отозвано: Выдано ошибочно" in page
    # The number alone (an old QR code, or walking numbers) asks for the code and names nobody.
    page = client.get(reverse("verify", args=[valid.number])).content.decode()
    assert regs[0].full_name not in page and "Код проверки" in page
    # A wrong code reads exactly as an unknown number.
    wrong = client.get(reverse("verify_code", args=[valid.number, "AAAAAA"]))
    unknown = client.get(reverse("verify_code", args=["ОД-2026-999999", "AAAAAA"]))
    assert wrong.status_code == unknown.status_code == 404
    assert regs[0].full_name not in wrong.content.decode()
    assert (wrong.content.decode().replace(valid.number, "N")
            == unknown.content.decode().replace("ОД-2026-999999", "N"))


def test_verification_is_rate_limited(client, db, settings):
    import time_machine

    settings.OPENDOOR_VERIFY_PER_MINUTE = 5
    with time_machine.travel("2026-11-30 10:00:05+03:00", tick=False):  # all seven within one minute
        codes = [client.get(reverse("verify_code", args=[f"ОД-2026-{n:06d}", "ACDEFH"])).status_code
                 for n in range(7)]
        # Behind the proxy, visitors are told apart by the forwarded address, not the proxy's.
        settings.OPENDOOR_TRUSTED_PROXIES = ["127.0.0.1"]
        other = client.get(reverse("verify_code", args=["ОД-2026-000001", "ACDEFH"]),
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
    assert codes == [404] * 5 + [429, 429]
    assert other == 404


def test_attendance_page_search_and_tap(client, cast, make_event):
    event = make_event()
    a = actions.register(event, fields=participant(1, full_name="Алексеева Ольга"), consent=True, confirmed=True)
    actions.register(event, fields=participant(2, full_name="Борисов Пётр"), consent=True, confirmed=True)
    session = event.sessions.first()
    client.force_login(cast.organiser)
    url = reverse("session_attendance", args=[event.code, session.pk])
    page = client.get(url + "?q=алекс").content.decode()
    assert "Алексеева Ольга" in page and "Борисов Пётр" not in page
    client.post(url, {"registration": a.code, "present": "1", "q": "алекс"})
    assert list(session.attendance.values_list("registration", flat=True)) == [a.pk]
    client.post(url, {"registration": a.code, "present": "0"})
    assert session.attendance.count() == 0


def test_qr_check_in_marks_the_current_session(client, cast, make_event):
    event = make_event()
    a = actions.register(event, fields=participant(1), consent=True, confirmed=True)
    client.force_login(cast.organiser)
    session = event.sessions.last()
    response = client.post(reverse("event_checkin", args=[a.code]), {"session": session.pk})
    assert response.status_code == 302
    assert session.attendance.get().registration == a
    client.force_login(cast.secretary)
    assert client.get(reverse("event_checkin", args=[a.code])).status_code == 403


def test_exports_and_the_event_report(client, cast, make_event):
    from openpyxl import load_workbook

    event = make_event()
    a = actions.register(event, fields=participant(1, agency=cast.commission, agency_name=""),
                         consent=True, confirmed=True)
    actions.register(event, fields=participant(2), consent=True, confirmed=True)
    attend(event, a, cast)
    actions.issue_certificates(event, actor=cast.organiser)
    client.force_login(cast.organiser)
    rows = list(load_workbook(io.BytesIO(client.get(reverse("event_export", args=[event.code, "participants"]))
                                         .content)).active.iter_rows(values_only=True))
    assert rows[3][:3] == ("ФИО", "Должность", "Организация")
    assert rows[4][0] == a.full_name and rows[4][7] == a.certificate.number
    rows = list(load_workbook(io.BytesIO(client.get(reverse("event_export", args=[event.code, "attendance"]))
                                         .content)).active.iter_rows(values_only=True))
    assert rows[4][-1] == 2 and rows[5][-1] == 0
    rows = list(load_workbook(io.BytesIO(client.get(reverse("event_export", args=[event.code, "report"]))
                                         .content)).active.iter_rows(values_only=True))
    assert ("КДНиЗП", 1, 1) in rows and ("нет в реестре", 1, 0) in rows and ("Итого", 2, 1) in rows
    assert AuditEvent.objects.filter(action__startswith="event.export", kind="export").count() == 3


def test_import_reports_the_rows_that_failed(client, cast, make_event):
    from openpyxl import Workbook

    event = make_event()
    wb = Workbook()
    ws = wb.active
    ws.append(["ФИО", "Должность", "Организация", "Территория", "E-mail", "Телефон"])
    ws.append(["Петрова Ирина", "психолог", "Опека Гагарин", "Гагаринский", "irina@example.ru", ""])
    ws.append(["", "психолог", "", "", "x@example.ru", ""])
    ws.append(["Сидоров Олег", "инспектор", "ПДН", "", "not-an-email", ""])
    ws.append(["Петрова Ирина", "психолог", "", "", "irina@example.ru", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.name = "list.xlsx"
    buffer.seek(0)
    client.force_login(cast.organiser)
    response = client.post(reverse("participants_import", args=[event.code]), {"file": buffer}, follow=True)
    page = response.content.decode()
    assert "Добавлено участников: 1." in page
    assert "Строка 3: нужны ФИО и должность" in page
    assert "Строка 4: неверный адрес электронной почты" in page
    assert "Строка 5: С этим адресом электронной почты уже есть регистрация" in page
    imported = Registration.objects.get()
    assert (imported.agency, imported.territory.name) == (cast.guardianship, "Гагаринский")
    response = client.post(reverse("participants_import", args=[event.code]),
                           {"file": io.BytesIO(b"not xlsx")}, follow=True)
    assert "Это не файл XLSX." in response.content.decode() or "Выберите файл XLSX." in response.content.decode()


def test_certificate_text_is_editable_but_safe(client, cast, make_event):
    event = make_event()
    client.force_login(cast.organiser)
    data = {"e-kind": "seminar", "e-title": event.title, "e-starts_on": str(event.starts_on),
            "e-ends_on": str(event.ends_on), "e-capacity": "10", "e-training_hours": "4", "e-min_sessions": "1",
            "e-registration_open": "on", "save_event": "1", "e-version": "1"}
    before = event.certificate_template
    for hostile, message in [
        ("{% load static %}{{ holder }}", "команды вроде {% if %} не допускаются"),
        ("{% lorem 100000000 w %}", "команды вроде {% if %} не допускаются"),
        ("{{ holder|safe }}", "команды вроде {% if %} не допускаются"),
        ("{{ settings }}", "Неизвестные подстановки: {{ settings }}"),
        ('<a rel="attachment" href="file:///etc/passwd">x</a>', "HTML-теги не допускаются"),
        ('<img src="http://127.0.0.1:9/">', "HTML-теги не допускаются"),
    ]:
        page = client.post(reverse("event_manage", args=[event.code]),
                           {**data, "e-certificate_template": hostile}).content.decode()
        assert html.escape(message, quote=False) in page or message in page, hostile
        event.refresh_from_db()
        assert event.certificate_template == before
    client.post(reverse("event_manage", args=[event.code]),
                {**data, "e-certificate_template": "# СЕРТИФИКАТ\n**{{ holder }}**, {{ hours }} ч."})
    event.refresh_from_db()
    registration = actions.register(event, fields=participant(1, full_name="<b>Имя</b> {{ number }}"),
                                    consent=True, confirmed=True)
    attend(event, registration, cast)
    actions.issue_certificates(event, actor=cast.organiser)
    from events.certificates import certificate_html

    page = certificate_html(Certificate.objects.get())
    assert ("<h1>СЕРТИФИКАТ</h1>\n<p><strong>&lt;b&gt;Имя&lt;/b&gt; {{ number }}</strong>, 4 ч.</p>" in page)


def test_training_hours_reach_the_facilitators_profile(client, cast, make_event):
    event = make_event(kind="training", hours=16)
    cast.facilitator.email = "facilitator@example.ru"
    cast.facilitator.save()
    registration = actions.register(event, fields=participant(1, email="facilitator@example.ru"),
                                    consent=True, confirmed=True)
    attend(event, registration, cast)
    actions.issue_certificates(event, actor=cast.organiser)
    client.force_login(cast.facilitator)
    assert "16" in client.get(reverse("account")).content.decode().split("Часы обучения")[1][:80]


@pytest.mark.parametrize("login", ["secretary", "coordinator", "facilitator", "analyst", "admin"])
def test_only_organisers_manage_events(client, cast, make_event, login):
    event = make_event()
    client.force_login(getattr(cast, login))
    assert client.get(reverse("events_manage")).status_code == 403
    assert client.get(reverse("event_manage", args=[event.code])).status_code == 403


def test_certificates_are_emailed_once_with_the_pdf(cast, make_event, mailoutbox, django_capture_on_commit_callbacks):
    from events.tasks import email_certificates

    event = make_event()
    people = [actions.register(event, fields=participant(n), consent=True, confirmed=True) for n in range(2)]
    for person in people:
        attend(event, person, cast)
    with django_capture_on_commit_callbacks(execute=True):
        actions.issue_certificates(event, actor=cast.organiser)
    actions.revoke(Certificate.objects.get(registration=people[1]), actor=cast.organiser, reason="ошибка")
    mailoutbox.clear()
    email_certificates.enqueue(event_id=event.pk)
    email_certificates.enqueue(event_id=event.pk)
    assert [m.to for m in mailoutbox] == [["p0@example.ru"]]
    name, content, mime = mailoutbox[0].attachments[0]
    assert name.endswith(".pdf") and content.startswith(b"%PDF") and mime == "application/pdf"


def test_raising_the_capacity_moves_the_waiting_list_up(client, cast, make_event):
    event = make_event(capacity=1)
    first, second, third = [actions.register(event, fields=participant(n), consent=True, confirmed=True)
                            for n in range(3)]
    assert [r.status for r in (first, second, third)] == [Registration.Status.CONFIRMED, Registration.Status.WAITLIST,
                                                          Registration.Status.WAITLIST]
    client.force_login(cast.organiser)
    from events.forms import EventForm

    data = {f"e-{k}": v for k, v in EventForm(instance=event).initial.items() if v not in (None, "")}
    data.update({"e-capacity": "2", "e-version": str(event.version), "save_event": "1",
                 "e-starts_on": event.starts_on.isoformat(), "e-ends_on": event.ends_on.isoformat()})
    response = client.post(reverse("event_manage", args=[event.code]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    statuses = [r.status for r in Registration.objects.filter(pk__in=[second.pk, third.pk]).order_by("created_at")]
    assert statuses == [Registration.Status.CONFIRMED, Registration.Status.WAITLIST]
