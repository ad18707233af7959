"""Generated documents are opened and read: the text a person would read is checked, in Russian."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import actions
from cases.models import CaseStatus, Consent, OutcomeReport

S = CaseStatus


def pdf_text(content):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def docx_text(content):
    from docx import Document

    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def reported(cast, make_case):
    case = make_case(upto=S.FOLLOW_UP)
    for p in case.participants.all():
        actions.record_consent(p, actor=cast.facilitator, purpose=Consent.Purpose.SHARE_AGREEMENT,
                               by_representative=False, given_on=timezone.localdate())
        if p.is_minor:
            actions.record_consent(p, actor=cast.facilitator, purpose=Consent.Purpose.SHARE_AGREEMENT,
                                   by_representative=True, given_on=timezone.localdate())
    for item in case.agreement.items.all():
        actions.record_followup(item, actor=cast.facilitator, result="done", checked_on=timezone.localdate())
    fields = actions.report_defaults(case)
    fields["summary"] = "Программа проведена, стороны договорились и выполнили договор."
    actions.draft_report(case, actor=cast.facilitator, fields=fields, expected_version=0)
    actions.sign_report(case, actor=cast.coordinator)
    case.refresh_from_db()
    return case


def test_outcome_report_pdf_reads_as_a_letter_in_russian(client, cast, reported):
    client.force_login(cast.secretary)
    response = client.get(reverse("referral_report", args=[reported.referral.code, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="otvet-{reported.number}-{reported.year}.pdf"')
    text = pdf_text(response.content)
    for expected in ["Служба примирения", f"Исх. № {reported.journal_number}-И",
                     "Информация о результатах восстановительной программы",
                     "Комиссия Гагаринского района", "Программа проведена да", "Восстановительная медиация",
                     "несовершеннолетних: 1, взрослых: 1", "Заключён договор (план семьи)", "Договор выполнен",
                     "Семейный совет раз в неделю", "Куратор службы примирения", "Т. Т. Coordinator"]:
        assert expected in text, expected
    for secret in ("CONFIDENTIAL", "беседа"):
        assert secret not in text
    row = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).latest("id")
    assert (row.actor, row.action, row.object_code) == (cast.secretary, "document.report.pdf", reported.code)


def test_the_referrer_reads_the_answer_as_it_was_sent(client, cast, reported):
    """The referral owns a copy of the signed answer (referrals.SentAnswer): what the case file or the service's
    letterhead becomes later does not change what the agency received."""
    from referrals.models import SentAnswer

    sent = SentAnswer.objects.get(referral=reported.referral)
    assert sent.signature == "Куратор службы примирения — Т. Т. Coordinator"
    OutcomeReport.objects.filter(case=reported).update(summary="ИЗМЕНЕНО ПОСЛЕ ПОДПИСИ")
    reported.service.head_name = "Новиков Пётр Сергеевич"
    reported.service.save()
    client.force_login(cast.secretary)
    page = client.get(reverse("referral", args=[reported.referral.code])).content.decode()
    assert "стороны договорились и выполнили договор" in page and "ИЗМЕНЕНО" not in page
    assert "Программа проведена" in page and "Т. Т. Coordinator" in page
    for extension, read in (("pdf", pdf_text), ("docx", docx_text)):
        text = read(client.get(reverse("referral_report", args=[reported.referral.code, extension])).content)
        assert "стороны договорились" in text and "ИЗМЕНЕНО" not in text and "П. С. Новиков" not in text


def test_outcome_report_docx_letter_is_a_russian_official_letter(client, cast, reported):
    import zipfile

    from docx import Document
    from docx.shared import Cm

    client.force_login(cast.coordinator)
    response = client.get(reverse("case_document", args=[reported.code, "report.docx"]))
    text = docx_text(response.content)
    for expected in ["Служба примирения", f"№ {reported.journal_number}-И",
                     "Комиссия Гагаринского района", "О результатах восстановительной программы",
                     f"случай № {reported.journal_number}", "Заключён договор (план семьи)",
                     "Семейный совет раз в неделю", "Куратор службы примирения", "Т. Т. Coordinator",
                     "На направление от", "Исполнитель: Facilitator Тест Тестович"]:
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text and "CONFIDENTIAL" not in text
    doc = Document(io.BytesIO(response.content))
    section = doc.sections[0]
    # A4, margins of ГОСТ Р 7.0.97-2016 (left 20 mm or more, right 10, top and bottom 20).
    assert abs(section.page_width - Cm(21)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    assert section.left_margin >= Cm(2) and section.right_margin >= Cm(1) and section.top_margin >= Cm(2)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        styles = package.read("word/styles.xml").decode()
        core = package.read("docProps/core.xml").decode()
        headers = [package.read(n).decode() for n in package.namelist() if n.startswith("word/header")]
    assert 'w:lang w:val="ru-RU"' in styles and "python-docx" not in core
    assert "<dc:language>ru-RU</dc:language>" in core and reported.service.name in core
    # Page numbers from page two: a PAGE field in the header, a different (empty) first-page header.
    assert any("PAGE" in h for h in headers) and section.different_first_page_header_footer
    # The signature block: position, space for the signature and the name on tab stops, not padded spaces.
    signature = next(p for p in doc.paragraphs if "Т. Т. Coordinator" in p.text)
    assert signature.text.count("\t") == 2 and "    " not in signature.text


def test_a_service_uses_its_own_letter_template_and_a_broken_one_is_refused(client, cast, reported, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document

    def template(*lines):
        doc = Document()
        for line in lines:
            doc.add_paragraph(line)
        buffer = io.BytesIO()
        doc.save(buffer)
        return SimpleUploadedFile("letter.docx", buffer.getvalue())

    client.force_login(cast.coordinator)
    response = client.post(reverse("service_settings"), {"template": "1", "letter_template": template(
        "БЛАНК {{ service_name }}", "Кому: {{ addressee_name }}", "{{ signer_name }}")})
    assert response.status_code == 302, [str(m) for m in response.context["messages"]]
    text = docx_text(client.get(reverse("case_document", args=[reported.code, "report.docx"])).content)
    assert "БЛАНК Служба примирения" in text and "Кому: Комиссия Гагаринского района" in text
    # A template is text a user wrote: the sandbox refuses one that reaches for classes or globals.
    for probe in ("{{ service_name.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}"):
        page = client.post(reverse("service_settings"), {"template": "1", "letter_template": template(probe)})
        assert "то, что письму использовать нельзя" in page.content.decode(), probe
    assert AuditEvent.objects.filter(action="service.letter_template", actor=cast.coordinator).exists()
    downloaded = client.get(reverse("letter_template"))
    assert "БЛАНК {{ service_name }}" in docx_text(b"".join(downloaded.streaming_content)
                                                  if downloaded.streaming else downloaded.content)
    page = client.post(reverse("service_settings"), {"template": "1",
                                                     "letter_template": template("{{ service_name ")})
    assert "поле в фигурных скобках не закрыто" in page.content.decode()
    text = docx_text(client.get(reverse("case_document", args=[reported.code, "report.docx"])).content)
    assert "БЛАНК Служба примирения" in text  # the refused uploads left the saved template as it was
    # A lone unsafe attribute is not refused but prints nothing.
    client.post(reverse("service_settings"), {"template": "1", "letter_template": template(
        "[{{ rows.__class__ }}]{{ service_name }}")})
    text = docx_text(client.get(reverse("case_document", args=[reported.code, "report.docx"])).content)
    assert "[]Служба примирения" in text and "class" not in text
    client.post(reverse("service_settings"), {"template_reset": "1"})
    text = docx_text(client.get(reverse("case_document", args=[reported.code, "report.docx"])).content)
    assert "БЛАНК" not in text and "О результатах восстановительной программы" in text


def test_signature_names_are_written_initials_first():
    from accounts.letterhead import initials_first

    assert initials_first("Соколова Елена Андреевна") == "Е. А. Соколова"
    assert initials_first("Соколова Е. А.") == "Е. А. Соколова"
    assert initials_first("Соколова Е.А.") == "Е. А. Соколова"
    assert initials_first("Соколова") == "Соколова"
    assert initials_first("И. И. Иванов") == "И. И. Иванов" and initials_first("И.И. Иванов") == "И. И. Иванов"


def test_agreement_pdf_for_signature_and_registration_card(client, cast, reported):
    client.force_login(cast.facilitator)
    text = pdf_text(client.get(reverse("case_document", args=[reported.code, "agreement.pdf"])).content)
    for expected in ["Примирительный договор", "Мы, участники восстановительной программы",
                     "Семейный совет раз в неделю", "Подписи участников", "Смирнов Артём Олегович",
                     "Смирнова Ольга Петровна", "Ведущий: Facilitator Тест Тестович"]:
        assert expected in text, expected
    card = pdf_text(client.get(reverse("case_document", args=[reported.code, "card.pdf"])).content)
    for expected in [f"Регистрационная карточка случая № {reported.journal_number}", "Комиссия Гагаринского района",
                     "Риск жестокого обращения с ребёнком в семье", "Смирнов Артём Олегович", "ребёнок",
                     "152-ФЗ"]:
        assert expected in card, expected


def test_case_journal_xlsx_has_the_columns_and_the_rows(client, cast, reported, make_case):
    from openpyxl import load_workbook

    not_held = make_case(upto=S.PREPARATION)
    actions.mark_not_held(not_held, actor=cast.facilitator, reason="party_refused")
    client.force_login(cast.coordinator)
    response = client.get(reverse("case_journal_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    # A title, whose journal it is, the filters used, the export date, an empty line, then the table.
    assert rows[0][0] == "Журнал регистрации случаев службы примирения"
    assert rows[2][0] == "Отбор: без отбора" and rows[3][0].startswith("Выгружено ")
    assert sheet.auto_filter.ref.startswith("A6:") and sheet.freeze_panes == "A7"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 and sheet.print_title_rows == "$6:$6"
    rows = rows[5:]
    assert rows[0] == ["Год", "№", "Дата", "Источник", "Ситуация", "Вид программы", "Ведущие", "Несовершеннолетних",
                       "Взрослых", "Завершён", "Причина незавершения", "Вывод", "Результат проверки выполнения",
                       "Статус"]
    by_number = {f"{r[1]}/{r[0]}": r for r in rows[1:]}
    line = by_number[reported.journal_number]
    assert isinstance(line[1], int)  # sorts as a number
    line = line[1:]
    assert line[2:9] == ["КДНиЗП Гагарин", "риск жестокого обращения с ребёнком в семье",
                         "восстановительная медиация", "Facilitator Т. Т.", 1, 1, "да"]
    assert line[10:] == ["заключён договор (план семьи)", "договор выполнен", "результат сообщён"]
    assert by_number[not_held.journal_number][10] == "сторона отказалась"
    # Filters apply to the export as to the page, and the title says which.
    filtered = client.get(reverse("case_journal_xlsx") + "?status=not_held")
    rows = list(load_workbook(io.BytesIO(filtered.content)).active.iter_rows(values_only=True))
    assert rows[2][0] == "Отбор: Статус: программа не проведена"
    assert [f"{r[1]}/{r[0]}" for r in rows[6:]] == [not_held.journal_number]
    assert AuditEvent.objects.filter(action="journal.export", actor=cast.coordinator).count() == 2


def test_journal_page_filters(client, cast, reported, make_case):
    other = make_case(upto=S.SCREENING)
    client.force_login(cast.coordinator)
    page = client.get(reverse("cases") + "?status=reported").content.decode()
    assert f">{reported.journal_number}<" in page and f">{other.journal_number}<" not in page
    page = client.get(reverse("cases") + "?kind=circle").content.decode()
    assert "Подходящих случаев нет" in page


def test_documents_are_refused_to_roles_without_the_case(client, cast, reported):
    for login in ("facilitator2", "methodologist", "guardian"):
        client.force_login(getattr(cast, login))
        assert client.get(reverse("case_document", args=[reported.code, "report.pdf"])).status_code == 404
    client.force_login(cast.guardian)
    assert client.get(reverse("referral_report", args=[reported.referral.code, "pdf"])).status_code == 404


def test_the_journal_counts_at_most_a_thousand(client, cast, make_case, monkeypatch):
    from lib.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    for _ in range(3):
        make_case(upto=S.REGISTERED)
    client.force_login(cast.coordinator)
    page = client.get(reverse("cases")).content.decode()
    assert "Больше 2 случаев: уточните отбор" in page
    make_case(upto=S.SCREENING)
    page = client.get(reverse("cases") + "?status=screening").content.decode()
    assert "1 случай" in page


def _pdf_checks(content, name):
    """A4 (either way round), and every character inside the page box."""
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    for index in range(len(document)):
        page = document[index]
        width, height = page.get_size()
        assert sorted((round(width), round(height))) == [595, 842], (name, width, height)
        text = page.get_textpage()
        for i in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(i)
            assert -0.5 <= left and right <= width + 0.5 and -0.5 <= bottom and top <= height + 0.5, (name, i)


def test_every_pdf_is_a4_with_nothing_outside_the_page(client, cast, reported, make_event):
    from events import actions as event_actions
    from events.certificates import certificate_pdf
    from events.models import Certificate

    from .test_events import attend, participant

    client.force_login(cast.coordinator)
    for name in ("report.pdf", "agreement.pdf", "card.pdf"):
        _pdf_checks(client.get(reverse("case_document", args=[reported.code, name])).content, name)
    _pdf_checks(client.get(reverse("monitoring_export", args=["pdf"])).content, "monitoring.pdf")
    event = make_event()
    registration = event_actions.register(event, fields=participant(1, full_name="Длиннофамильная-Двойная "
                                                                      "Анастасия-Мария Константиновна"),
                                          consent=True, confirmed=True)
    attend(event, registration, cast)
    event_actions.issue_certificates(event, actor=cast.organiser)
    _pdf_checks(certificate_pdf(Certificate.objects.get()), "certificate.pdf")


def test_spreadsheets_hold_no_formula_and_local_times(client, cast, reported, make_event):
    from openpyxl import load_workbook

    from events import actions as event_actions

    from .test_events import attend, participant

    event = make_event()
    registration = event_actions.register(event, fields=participant(1, full_name="=HYPERLINK(\"http://x\")",
                                                                     position="+1+2"), consent=True, confirmed=True)
    attend(event, registration, cast)
    books = []
    client.force_login(cast.organiser)
    for name in ("participants", "attendance", "report"):
        books.append(client.get(reverse("event_export", args=[event.code, name])).content)
    client.force_login(cast.coordinator)
    books.append(client.get(reverse("case_journal_xlsx")).content)
    books.append(client.get(reverse("monitoring_export", args=["xlsx"])).content)
    for content in books:
        book = load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
            assert sheet.page_setup.paperSize in (9, "9") and sheet.auto_filter.ref
    # Session times in the service's time zone, as the organiser set them.
    sheet = load_workbook(io.BytesIO(books[1])).active
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "ФИО")
    starts = [timezone.localtime(s.starts_at).strftime("%d.%m %H:%M") for s in event.sessions.all()]
    assert all(any(str(h).startswith(start) for h in header) for start in starts)
