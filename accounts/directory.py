"""The region's directory — territories, agencies, services of the network — kept in the browser, and its import
from XLSX: a preview with a Russian error per row, then the import; importing again updates by the short name
instead of duplicating. Nothing referenced is ever deleted: it is deactivated."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from audit import log
from lib import sheets
from lib.errors import ActionError
from lib.validation import clean_text

from .models import Agency, Territory

# Header cells, lower-cased, that name each column (the sample file uses the first of each).
COLUMNS = {
    "kind": ["вид", "вид организации", "тип"],
    "short_name": ["краткое название", "краткое наименование", "сокращённое название"],
    "name": ["полное название", "полное наименование", "название", "наименование"],
    "territory": ["территория", "муниципальное образование", "район"],
    "address": ["адрес"],
    "email": ["e-mail", "email", "электронная почта", "почта для уведомлений"],
    "phone": ["телефон"],
}
REQUIRED = ("kind", "short_name", "name")
SAMPLE = [
    ["Вид", "Краткое название", "Полное название", "Территория", "Адрес", "E-mail", "Телефон"],
    ["КДНиЗП", "КДНиЗП Сафоново", "Комиссия по делам несовершеннолетних и защите их прав Сафоновского района",
     "Сафоновский район", "г. Сафоново, ул. Ленина, 1", "kdn@safonovo.example", "+7 48142 2-00-00"],
    ["орган опеки и попечительства", "Опека Сафоново", "Отдел опеки и попечительства Сафоновского района",
     "Сафоновский район", "", "opeka@safonovo.example", ""],
    ["образовательная организация", "Школа № 1 Сафоново", "МБОУ «Средняя школа № 1» г. Сафоново",
     "Сафоновский район", "", "school1@safonovo.example", ""],
    ["служба примирения", "Служба Сафоново", "Служба примирения Сафоновского района", "Сафоновский район", "",
     "", ""],
]


def _kind(text):
    text = (text or "").strip().lower()
    for value, label in Agency.Kind.choices:
        if text in (value, str(label).lower()):
            return value
    aliases = {"кдн": Agency.Kind.COMMISSION, "кднизп": Agency.Kind.COMMISSION, "опека": Agency.Kind.GUARDIANSHIP,
               "пдн": Agency.Kind.POLICE_JUVENILE, "школа": Agency.Kind.SCHOOL,
               "служба": Agency.Kind.RECONCILIATION_SERVICE, "службапримирения": Agency.Kind.RECONCILIATION_SERVICE}
    return aliases.get(text.replace(" ", ""))


@dataclass
class Row:
    line: int
    values: dict
    errors: list = field(default_factory=list)
    action: str = ""  # "create" or "update"


def read(upload):
    """[Row] of an uploaded directory file, each checked; an ActionError when the file itself is not one."""
    rows = sheets.read_rows(upload, max_rows=5000, max_columns=20)
    header_at, positions = sheets.find_header(rows, COLUMNS, REQUIRED)
    if header_at is None:
        raise ActionError(_("No header row with the columns «Вид», «Краткое название» and «Полное название» was "
                            "found in the first 10 rows. Download the sample file to see the expected columns."))
    out, seen = [], set()
    existing = set(Agency.objects.values_list("short_name", flat=True))
    for line, values in enumerate(rows[header_at + 1:], start=header_at + 2):
        if all(v in (None, "") for v in values):
            continue
        raw = {key: clean_text(str(values[i]) if i < len(values) and values[i] is not None else "")[:255].strip()
               for key, i in positions.items()}
        row = Row(line, raw)
        kind = _kind(raw.get("kind"))
        if kind is None:
            row.errors.append(_("unknown kind «%(value)s»") % {"value": raw.get("kind") or "—"})
        else:
            row.values["kind"] = kind
        if not raw.get("short_name"):
            row.errors.append(_("no short name"))
        elif len(raw["short_name"]) > 80:
            row.errors.append(_("the short name is longer than 80 characters"))
        elif raw["short_name"] in seen:
            row.errors.append(_("the short name repeats an earlier row"))
        if not raw.get("name"):
            row.errors.append(_("no full name"))
        email = raw.get("email", "")
        if email and ("@" not in email or " " in email):
            row.errors.append(_("the e-mail «%(value)s» is not an address") % {"value": email})
        seen.add(raw.get("short_name"))
        row.action = "update" if raw.get("short_name") in existing else "create"
        out.append(row)
    return out


@transaction.atomic
def apply(rows, *, actor):
    """Write the valid rows: create or update by short name; territories are created as they are named.
    Returns (created, updated)."""
    created = updated = 0
    for row in rows:
        if row.errors:
            continue
        v = row.values
        territory = None
        if v.get("territory"):
            territory, _new = Territory.objects.get_or_create(name=v["territory"][:120])
        fields = {"kind": v["kind"], "name": v["name"], "territory": territory, "address": v.get("address", ""),
                  "email": v.get("email", ""), "phone": v.get("phone", "")[:40], "active": True}
        agency, new = Agency.objects.update_or_create(short_name=v["short_name"], defaults=fields)
        created += new
        updated += not new
    log.record(actor, "directory.import", actor, fields=[f"created:{created}", f"updated:{updated}"])
    return created, updated


def sample_file():
    book = sheets.Workbook()
    sheet = book.active
    sheet.title = "Справочник"
    for values in SAMPLE:
        sheet.append(values)
    for column, width in zip("ABCDEFG", (28, 24, 60, 22, 30, 26, 18), strict=True):
        sheet.column_dimensions[column].width = width
    kinds = book.create_sheet("Виды")
    kinds.append(["Вид (любое из значений)"])
    for _value, label in Agency.Kind.choices:
        kinds.append([str(label)])
    return sheets.to_bytes(book)
