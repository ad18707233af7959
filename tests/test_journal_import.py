"""Import of a legacy journal: a messy Excel file gives the expected cases and a clear report of the rest."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from cases import actions as case_actions
from cases import journal_import
from cases.models import Case, ImportBatch
from people.models import Person
from referrals.models import ReferralPerson


def messy_journal(path):
    """Merged title and date cells, dates as text and as Excel numbers, ё/е, a blank row, a repeated row,
    an impossible date, an unknown program, an extra column."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Журнал службы примирения за 2023 год"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(["№ п/п", "Дата поступления", "Откуда поступило", "Суть конфликта", "ФИО несовершеннолетнего",
                  "Дата рождения", "Законный представитель", "Форма работы", "Итог", "Лишняя колонка"])
    sheet.append([1, "12.03.2023", "КДНиЗП Гагарин", "Конфликт в семье", "Семёнов Артём Игоревич", "05.06.2010",
                  "Семенова Ольга Петровна", "Семейная конференция", "Достигнуто соглашение", "x"])
    sheet.append([2, 45000, "опека гагарин", "кража", "Петров Иван", 40000, "", "медиация", "примирение", ""])
    sheet.append([])
    sheet.append([3, datetime.date(2023, 5, 2), "", "школьный конфликт", "Кузнецова Мария Олеговна", "2011-09-01",
                  "", "круг", "частично", ""])
    sheet.append([3, datetime.date(2023, 5, 2), "", "школьный конфликт", "Кузнецова Мария Олеговна", "2011-09-01",
                  "", "круг", "частично", ""])
    sheet.append([4, "31.02.2023", "КДНиЗП Гагарин", "", "Сидоров", "", "", "гадание", "", ""])
    sheet.append([5, "01.10.2023", "", "", "Волкова Анна Сергеевна", "10.10.2012", "", "медиация", "", ""])
    sheet.append([6, None, "", "", "Волков Пётр Сергеевич", "", "", "", "не состоялась", ""])
    sheet.merge_cells("B10:B11")  # one date written for two entries
    book.save(path)
    return path


def test_a_messy_journal_gives_the_expected_rows_and_a_clear_report(cast, tmp_path):
    preview = journal_import.check(journal_import.read(messy_journal(tmp_path / "j.xlsx")), cast.service)
    by_line = {row.line: row for row in preview.rows}
    assert [r.line for r in preview.valid] == [4, 5, 7, 10, 11]
    assert by_line[4].parsed["received_on"] == datetime.date(2023, 3, 12)
    assert by_line[5].parsed["received_on"] == datetime.date(2023, 3, 15)  # Excel day 45000
    assert by_line[5].parsed["child_birth"] == datetime.date(2009, 7, 6)  # Excel day 40000
    assert by_line[11].parsed["received_on"] == datetime.date(2023, 10, 1)  # from the merged cell
    assert by_line[4].parsed["agency"] == cast.commission and by_line[5].parsed["agency"] == cast.guardianship
    assert by_line[7].parsed["agency"] is None
    assert by_line[8].status == "duplicate"
    assert by_line[9].status == "error"
    assert by_line[9].errors == ["дата направления «31.02.2023» не читается",
                                 "нужны фамилия и имя ребёнка", "неизвестная программа «гадание»"]
    assert preview.unknown_headers == ["Лишняя колонка"]


def test_a_negated_result_is_not_read_as_its_positive():
    outcomes = journal_import.folded(journal_import.OUTCOMES)
    assert journal_import._lookup(outcomes, "Не достигнуто соглашение") == "no_agreement"
    assert journal_import._lookup(outcomes, "достигнуто соглашение (договор подписан)") == "agreement"
    assert journal_import._lookup(outcomes, "гадание") is None


def test_nothing_is_written_unless_every_row_is_valid_or_valid_rows_are_chosen(cast, tmp_path):
    path = messy_journal(tmp_path / "j.xlsx")
    preview = journal_import.check(journal_import.read(path), cast.service)
    with pytest.raises(ValueError):
        case_actions.import_journal(preview, service=cast.service, actor=cast.coordinator, file_name="j.xlsx",
                                    file_hash="x")
    assert not Case.objects.exists()
    batch = case_actions.import_journal(preview, service=cast.service, actor=cast.coordinator, file_name="j.xlsx",
                                        file_hash="x", valid_only=True)
    assert batch.rows_imported == 5 and Case.objects.count() == 5
    case = Case.objects.get(referral__persons__person__surname="Семёнов")
    assert case.status == "closed" and case.year == 2023 and case.program.kind == "family_conference"
    assert case.report.outcome == "agreement" and case.report.signed_at
    assert case.referral.agency == cast.commission
    assert case.referral.persons.get(role="parent").person.full_name == "Семенова Ольга Петровна"
    assert Case.objects.get(referral__persons__person__surname="Волков").report.held is False
    assert {e["line"] for e in batch.report["errors"]} == {9}
    assert AuditEvent.objects.filter(action="journal.import").exists()
    # The answer went on paper: the referral owns no sent answer, and its page says so.
    client = Client()
    client.force_login(cast.coordinator)
    page = client.get(reverse("referral", args=[case.referral.code])).content.decode()
    assert not hasattr(case.referral, "answer") and "ответ на направление был дан вне системы" in page


def test_importing_the_same_file_again_adds_nothing(cast, tmp_path):
    path = messy_journal(tmp_path / "j.xlsx")
    call_command("import_journal", str(path), "--valid-only")
    call_command("import_journal", str(path), "--valid-only")
    assert Case.objects.count() == 5 and ImportBatch.objects.count() == 2
    assert ImportBatch.objects.first().rows_imported == 0


def test_imported_children_go_through_person_matching(cast, tmp_path, make_referral):
    referral = make_referral()
    known = referral.persons.get(role="child").person
    book = Workbook()
    book.active.append(["Дата", "ФИО ребенка", "Дата рождения", "Программа"])
    book.active.append(["01.02.2024", f"{known.surname} {known.name} {known.patronymic}",
                        known.birth_date.strftime("%d.%m.%Y"), "медиация"])
    book.save(tmp_path / "k.xlsx")
    call_command("import_journal", str(tmp_path / "k.xlsx"))
    assert ReferralPerson.objects.filter(person=known).count() == 2
    assert Person.objects.filter(surname=known.surname, name=known.name).count() == 1


def test_the_dry_run_writes_nothing_and_a_file_without_the_columns_is_refused(cast, tmp_path, capsys):
    path = messy_journal(tmp_path / "j.xlsx")
    call_command("import_journal", str(path), "--dry-run")
    output = capsys.readouterr().out
    assert "строка 9" in output and "ничего не записано" in output.lower()
    assert not Case.objects.exists()
    book = Workbook()
    book.active.append(["Что-то", "Другое"])
    book.save(tmp_path / "bad.xlsx")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Дата поступления"):
        call_command("import_journal", str(tmp_path / "bad.xlsx"))


def test_the_coordinator_previews_and_confirms_in_the_browser_form(client, cast, tmp_path):
    client.force_login(cast.coordinator)
    template = client.get(reverse("journal_import_template"))
    sheet = load_workbook(io.BytesIO(b"".join(template.streaming_content)
                                     if hasattr(template, "streaming_content") else template.content)).active
    assert sheet["B1"].value == "Дата поступления"
    path = messy_journal(tmp_path / "j.xlsx")
    with open(path, "rb") as handle:
        page = client.post(reverse("journal_import"), {"file": handle}).content.decode()
    assert "неизвестная программа «гадание»" in page and "Импортировать только правильные строки" in page
    assert not Case.objects.exists()
    response = client.post(reverse("journal_import"), {"confirm": "valid"}, follow=True)
    assert "Импортировано случаев: 5" in response.content.decode()
    assert Case.objects.count() == 5
