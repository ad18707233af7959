"""Import of the journals services kept in Excel before the system: read tolerantly, check every row, show what
would happen, write only on confirmation, never the same row twice.

Reading: the header row is found among the first 15 rows by the column names it contains (synonyms below, case,
ё/е and punctuation ignored); merged cells give their value to every cell they cover; dates may be real dates,
Excel day numbers or text (12.03.2024, 12.03.24, 2024-03-12); blank rows are skipped; a row repeated in the file
is imported once. Each row becomes a closed case with its referral, the child (and the representative, when
named) matched against the person registry, the program and its outcome.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill

from accounts.models import Agency
from lib import sheets
from lib.errors import ActionError
from people.matching import parse_date
from referrals.models import Situation

from .models import (
    ImportedRow,
    OutcomeReport,
    ProgramKind,
)

# Column → the names services give it (compared folded: lower case, ё → е, letters and digits only).
COLUMNS = {
    "number": ["№", "номер", "n", "№ п/п", "номер по журналу", "рег номер", "регистрационный номер"],
    "received_on": ["дата поступления", "дата направления", "дата", "дата обращения", "поступило", "дата регистрации"],
    "agency": ["кто направил", "направившая организация", "откуда поступило", "источник", "инициатор",
               "организация", "направлено"],
    "situation": ["ситуация", "тип ситуации", "вид ситуации", "категория", "суть конфликта", "вид конфликта"],
    "description": ["описание", "краткое описание", "содержание", "обстоятельства", "фабула"],
    "child": ["фио ребенка", "ребенок", "несовершеннолетний", "фио несовершеннолетнего", "участник ребенок"],
    "child_birth": ["дата рождения ребенка", "дата рождения", "др", "дата рождения несовершеннолетнего"],
    "parent": ["фио законного представителя", "законный представитель", "родитель", "фио родителя"],
    "program": ["программа", "вид программы", "форма работы", "восстановительная программа", "вид работы"],
    "started_on": ["дата начала", "начало", "начало программы"],
    "finished_on": ["дата окончания", "окончание", "дата завершения", "окончание программы"],
    "outcome": ["результат", "итог", "результат программы", "исход"],
    "note": ["примечание", "комментарий", "примечания"],
}
TEMPLATE_HEADERS = ["№", "Дата поступления", "Кто направил", "Ситуация", "Описание", "ФИО ребёнка",
                    "Дата рождения ребёнка", "ФИО законного представителя", "Программа", "Дата начала",
                    "Дата окончания", "Результат", "Примечание"]
REQUIRED = ("received_on", "child")

PROGRAMS = {
    ProgramKind.MEDIATION: ["медиация", "восстановительная медиация", "примирительная встреча", "программа примирения"],
    ProgramKind.FAMILY_CONFERENCE: ["семейная конференция", "семейная восстановительная встреча", "свв",
                                    "семейный совет"],
    ProgramKind.CIRCLE: ["круг", "круг сообщества", "круг поддержки", "восстановительный круг"],
    ProgramKind.SCHOOL_CONFERENCE: ["школьная конференция", "школьная восстановительная конференция"],
    ProgramKind.HARM_REPAIR: ["программа заглаживания вреда", "заглаживание вреда", "встреча жертвы и обидчика"],
    ProgramKind.PREVENTIVE: ["профилактическая программа", "профилактическая восстановительная программа",
                             "родитель подросток", "детско родительская"],
}
OUTCOMES = {
    OutcomeReport.Outcome.AGREEMENT: ["примирение", "достигнуто соглашение", "соглашение", "договор",
                                     "заключен договор", "примирились", "успешно"],
    OutcomeReport.Outcome.PARTIAL: ["частичное", "частично", "частичное соглашение"],
    OutcomeReport.Outcome.NO_AGREEMENT: ["без соглашения", "не достигнуто", "соглашение не достигнуто",
                                        "не достигнуто соглашение", "не примирились"],
    OutcomeReport.Outcome.NOT_HELD: ["не проведена", "отказ", "отказ сторон", "не состоялась"],
}


def fold(text) -> str:
    text = str(text or "").lower().replace("ё", "е")
    return " ".join(re.findall(r"[a-zа-я0-9№]+", text))


def folded(table):
    """{value: [names]} → {value: {folded names, the value itself}}, built once per import."""
    return {value: {fold(n) for n in names} | {fold(value)} for value, names in table.items()}


def _lookup(table, text):
    """The value a cell names: an exact name first, else the longest name the cell contains
    («не достигнуто соглашение» is a refusal, though it contains «достигнуто соглашение»)."""
    key = fold(text)
    if not key:
        return None
    for value, names in table.items():
        if key in names:
            return value
    contained = [(len(name), value) for value, names in table.items() for name in names if name and name in key]
    return max(contained, key=lambda item: item[0])[1] if contained else None


SITUATION_WORDS = {
    Situation.CRUELTY_RISK: ["жестокое обращение", "риск жестокого обращения", "насилие в семье"],
    Situation.FAMILY_CONFLICT: ["конфликт в семье", "детско родительский конфликт", "семейный конфликт",
                                "конфликт родителей и детей"],
    Situation.PARENTS_CONFLICT: ["спор родителей", "развод", "конфликт родителей"],
    Situation.OFFENCE: ["правонарушение", "преступление", "кража", "драка", "ооп"],
    Situation.SCHOOL_CONFLICT: ["школьный конфликт", "конфликт в школе", "буллинг", "травля"],
    Situation.INSTITUTION_CONFLICT: ["конфликт в учреждении", "конфликт в детском доме"],
    Situation.RETURN_TO_FAMILY: ["возвращение в семью", "возврат в семью"],
}


def situations():
    """Situation → its Russian label and the words journals use for it."""
    return {value: [str(label), *SITUATION_WORDS.get(value, [])] for value, label in Situation.choices}


def _only(found):
    """The one agency a partial name fits; none when it fits several («опека» in a region of many)."""
    return found.pop() if len(found) == 1 else None


def read_date(value):
    """A date from a cell: a date, an Excel day number or text; None when empty, False when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 1 < value < 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    text = str(value).strip().rstrip("г.").strip()
    return parse_date(text) or False


def split_name(text):
    parts = [p for p in re.split(r"\s+", str(text or "").strip()) if p]
    return (parts + ["", "", ""])[:3] if parts else None


@dataclass
class Row:
    line: int
    values: dict
    errors: list = field(default_factory=list)
    status: str = "ok"  # ok / error / duplicate / imported
    key: str = ""
    parsed: dict = field(default_factory=dict)


@dataclass
class Preview:
    rows: list
    columns: dict  # column → header as written in the file
    unknown_headers: list

    @property
    def valid(self):
        return [r for r in self.rows if r.status == "ok"]

    @property
    def errors(self):
        return [r for r in self.rows if r.status == "error"]

    @property
    def skipped(self):
        return [r for r in self.rows if r.status in ("duplicate", "imported")]


def _unmerged_values(sheet):
    """Cell values (within lib.sheets' bounds) with every merged range's value copied to each of its cells."""
    values = sheets.bounded_rows(sheet)
    for merged in sheet.merged_cells.ranges:
        top = values[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(values) else None
        for r in range(merged.min_row - 1, min(merged.max_row, len(values))):
            row = values[r]
            for c in range(merged.min_col - 1, merged.max_col):
                if c < len(row):
                    row[c] = top
    return values


def _header(values):
    synonyms = {fold(name): column for column, names in COLUMNS.items() for name in names}
    best = (0, None, {})
    for index, row in enumerate(values[:15]):
        found = {}
        for position, cell in enumerate(row):
            column = synonyms.get(fold(cell))
            if column and column not in found:
                found[column] = position
        if len(found) > best[0]:
            best = (len(found), index, found)
    return best[1], best[2]


def read(path) -> Preview:
    try:
        with open(path, "rb") as handle:
            book = sheets.open_book(handle, read_only=False)
            values = _unmerged_values(book.worksheets[0])
    except ActionError as error:
        raise ValueError(str(error)) from None
    header_index, positions = _header(values)
    if header_index is None or not all(c in positions for c in REQUIRED):
        raise ValueError(_("No header row with the columns «Дата поступления» and «ФИО ребёнка» was found in the "
                           "first 15 rows. Download the template to see the expected columns."))
    header = values[header_index]
    known = set(positions.values())
    unknown = [str(h) for i, h in enumerate(header) if h not in (None, "") and i not in known]
    rows = []
    for offset, raw in enumerate(values[header_index + 1:], start=header_index + 2):
        cells = {column: raw[position] if position < len(raw) else None for column, position in positions.items()}
        content = [v for column, v in cells.items() if column not in ("number", "received_on")]
        if not any(str(v).strip() for v in content if v is not None):
            continue  # a blank row (a number or a merged date alone is no entry)
        rows.append(Row(line=offset, values=cells))
    return Preview(rows=rows, columns={c: str(header[p]) for c, p in positions.items()}, unknown_headers=unknown)


def check(preview: Preview, service) -> Preview:
    """Fill each row's parsed values and errors (in Russian); mark repeats in the file and rows imported before."""
    agencies = {}
    for agency in Agency.objects.all():
        agencies[fold(agency.short_name)] = agencies[fold(agency.name)] = agency
    situation_names, program_names, outcome_names = folded(situations()), folded(PROGRAMS), folded(OUTCOMES)
    seen = set()
    already = set(ImportedRow.objects.filter(batch__service=service).values_list("key", flat=True))
    for row in preview.rows:
        v, p = row.values, row.parsed
        received = read_date(v.get("received_on"))
        if not received:
            row.errors.append(_("no date of the referral") if received is None else
                              _("the date of the referral «%(value)s» cannot be read") % {"value": v["received_on"]})
        elif received > timezone.localdate():
            row.errors.append(_("the date of the referral is in the future"))
        p["received_on"] = received or None
        child = split_name(v.get("child"))
        if not child or not child[1]:
            row.errors.append(_("the child's surname and first name are needed"))
        p["child"] = child
        birth = read_date(v.get("child_birth"))
        if birth is False:
            row.errors.append(_("the date of birth «%(value)s» cannot be read") % {"value": v["child_birth"]})
        p["child_birth"] = birth or None
        p["parent"] = split_name(v.get("parent"))
        agency_text = fold(v.get("agency"))
        p["agency"] = agencies.get(agency_text) or _only(
            {a for name, a in agencies.items() if agency_text and agency_text in name})
        p["agency_text"] = str(v.get("agency") or "").strip()
        p["situation"] = _lookup(situation_names, v.get("situation")) or Situation.OTHER
        p["program"] = _lookup(program_names, v.get("program"))
        if v.get("program") not in (None, "") and p["program"] is None:
            row.errors.append(_("unknown program «%(value)s»") % {"value": v["program"]})
        p["outcome"] = _lookup(outcome_names, v.get("outcome"))
        if v.get("outcome") not in (None, "") and p["outcome"] is None:
            row.errors.append(_("unknown result «%(value)s»") % {"value": v["outcome"]})
        for name in ("started_on", "finished_on"):
            day = read_date(v.get(name))
            if day is False:
                row.errors.append(_("the date «%(value)s» cannot be read") % {"value": v[name]})
            p[name] = day or None
        p["description"] = " ".join(str(v.get(k) or "").strip() for k in ("description", "note")).strip()
        p["number"] = str(v.get("number") or "").strip()
        row.key = hashlib.sha256("|".join(fold(x) for x in (
            p["received_on"], " ".join(child or []), p["child_birth"], p["agency_text"], p["program"],
            p["outcome"])).encode()).hexdigest()
        if row.errors:
            row.status = "error"
        elif row.key in already:
            row.status = "imported"
        elif row.key in seen:
            row.status = "duplicate"
        seen.add(row.key)
    return preview


def template() -> bytes:
    book = sheets.Workbook()
    sheet = book.active
    sheet.title = "Журнал"
    sheet.append(TEMPLATE_HEADERS)
    sheet.append([1, "12.03.2024", "КДНиЗП Гагаринский р-н", "конфликт между родителями и ребёнком",
                  "Подросток уходит из дома", "Иванов Пётр Сергеевич", "05.06.2010", "Иванова Ольга Петровна",
                  "семейная конференция", "20.03.2024", "15.04.2024", "достигнуто соглашение", ""])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGHIJKLM", [6, 14, 26, 28, 36, 28, 14, 28, 24, 12, 12, 22, 24], strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("Подсказки")
    notes.append(["Колонка", "Допустимые значения"])
    notes.append(["Ситуация", "; ".join(str(label) for _, label in Situation.choices)])
    notes.append(["Программа", "; ".join(str(label) for _, label in ProgramKind.choices)])
    notes.append(["Результат", "; ".join(names[0] for names in OUTCOMES.values())])
    notes.append(["Даты", "ДД.ММ.ГГГГ, ГГГГ-ММ-ДД или дата Excel"])
    return sheets.to_bytes(book)


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()
