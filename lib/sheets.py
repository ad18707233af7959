"""Every spreadsheet the system writes or reads goes through here (tests/test_boundaries.py keeps it so).

Writing: every value is neutralised on its way into a cell. Text that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break) is stored as text with Excel's quote prefix, and
characters that XLSX cannot hold (control characters) are removed, so a participant called
``=HYPERLINK("http://…")`` is a name in the organiser's export, and a name with a stray control character does
not break the export for everyone. CSV rows get the same treatment (a leading apostrophe).

Reading: uploads are read in read-only mode within fixed bounds of rows and columns, whatever dimension the file
claims, so a 5 KB file with one cell at AZ40000 costs no more than a small one.
"""

import io
import math
import re
import zipfile

from django.utils.translation import gettext as _
from openpyxl import Workbook as _Workbook
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet as _Worksheet

from lib.errors import ActionError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_READ_ROWS = 5000
MAX_READ_COLUMNS = 60
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def is_formula_like(text):
    return text.startswith(FORMULA_START) and not _NUMBER.match(text)


def cell_text(value):
    """A string value as it may stand in a cell: no characters XLSX forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


class Worksheet(_Worksheet):
    """A worksheet whose ``append`` and ``cell`` neutralise what they are given."""

    def cell(self, row, column, value=None):
        target = super().cell(row=row, column=column)
        if value is not None:
            _put(target, value)
        return target

    def append(self, iterable):
        row = self._current_row + 1
        for column, value in enumerate(iterable, start=1):
            self.cell(row=row, column=column, value=value)
        self._current_row = row


def _put(target, value):
    if isinstance(value, str):
        value = cell_text(value)
        if is_formula_like(value):
            target.value = value
            target.data_type = "s"  # text, never a formula
            target.quotePrefix = True
            return
    elif value is not None and not isinstance(value, (int, float)) and not hasattr(value, "isoformat"):
        value = cell_text(str(value))
    target.value = value


class Workbook(_Workbook):
    """openpyxl's workbook whose sheets are the neutralising ``Worksheet``."""

    def __init__(self):
        super().__init__()
        first = self._sheets[0]
        self._sheets[0] = Worksheet(self, title=first.title)

    def create_sheet(self, title=None, index=None):
        sheet = Worksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def to_bytes(book):
    """The XLSX file; any formula that reached a cell by another path is turned into text first."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    cell.quotePrefix = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_values(values):
    """A CSV row with the same neutralising: formula-like text gets a leading apostrophe."""
    out = []
    for value in values:
        if isinstance(value, str):
            value = cell_text(value)
            if is_formula_like(value):
                value = "'" + value
        out.append(value)
    return out


def open_book(upload, *, read_only=True):
    """An uploaded workbook, refused (ActionError in Russian) if it is not XLSX or unpacks to more than the bound;
    the zip's own directory is checked before any XML is parsed, so a compressed bomb is never expanded."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ActionError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20})
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if hasattr(upload, "seek"):
            upload.seek(0)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ActionError(_("This is not an XLSX file.")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ActionError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_UNPACKED_BYTES // 2**20})
    try:
        return load_workbook(upload, read_only=read_only, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX  # noqa: BLE001
        raise ActionError(_("This is not an XLSX file.")) from None


def bounded_rows(sheet, *, max_rows=MAX_READ_ROWS, max_columns=MAX_READ_COLUMNS):
    """The values of a sheet as lists, never more than the bounds whatever dimension the file claims; trailing
    empty rows dropped. An ActionError if there are more rows than the bound."""
    try:
        rows = [list(values) for values in sheet.iter_rows(max_row=max_rows + 1, max_col=max_columns,
                                                           values_only=True)]
    except Exception:  # a damaged sheet  # noqa: BLE001
        raise ActionError(_("This is not an XLSX file.")) from None
    while rows and all(value in (None, "") for value in rows[-1]):
        rows.pop()
    # Rows beyond the bound are never read (a sheet's claimed size can lie either way; formatted empty rows are
    # common in real journals): data past row max_rows + 1 is simply not part of the import.
    if len(rows) > max_rows:
        raise ActionError(_("The file has more than %(n)s rows; split it into several files.") % {"n": max_rows})
    return rows


def read_rows(upload, *, max_rows=MAX_READ_ROWS, max_columns=MAX_READ_COLUMNS):
    """The values of the first sheet of an uploaded workbook, within bounds."""
    book = open_book(upload)
    try:
        return bounded_rows(book.worksheets[0], max_rows=max_rows, max_columns=max_columns)
    finally:
        book.close()


def find_header(rows, columns, required, *, within=10):
    """(index of the header row, {key: column}) among the first `within` rows: the first row that names every
    required column (each key may be written any of several ways, compared lower-cased); (None, {}) if none."""
    for index, values in enumerate(rows[:within]):
        cells = [str(v or "").strip().lower() for v in values]
        found = {key: cells.index(name) for key, names in columns.items() for name in names if name in cells}
        if all(key in found for key in required):
            return index, found
    return None, {}


def write_table(ws, *, title, header, rows, notes=(), widths=None, date_columns=(), landscape=True):
    """A sheet fit to read on screen and on paper, written through the neutralising cells above: a bold title,
    the notes under it (the filters used, the period), a header that wraps, an autofilter over the data, the
    header frozen and repeated on every printed page, columns wide enough (or as given) with wrapped text, A4
    fitted to the page width, page numbers in the footer. Numbers stay numbers so they sort as numbers."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.append([str(title)])
    ws.cell(row=ws._current_row, column=1).font = Font(bold=True, size=13)
    for note in notes:
        if note:
            ws.append([str(note)])
    ws.append([])
    header_row = ws._current_row + 1  # max_row would not count the empty line
    ws.append([str(h) for h in header])
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = wrap
    count = 0
    for values in rows:
        ws.append(list(values))
        count += 1
        for cell in ws[ws._current_row]:
            cell.alignment = wrap
        for column in date_columns:
            ws.cell(row=ws._current_row, column=column).number_format = "DD.MM.YYYY"
    last_column = get_column_letter(max(len(header), 1))
    ws.auto_filter.ref = f"A{header_row}:{last_column}{header_row + count}"
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    # No header word is ever broken: a column is at least as wide as the longest word of its header.
    fitted = _widths(ws, header_row, len(header))
    widths = fitted if widths is None else [
        max(width, max((len(word) + 4 for word in str(h).split()), default=0)) for width, h in zip(widths, header,
                                                                                                  strict=False)]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    _heights(ws, header_row, widths)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.oddFooter.center.text = str(_("Page &P of &N"))
    return ws


def _heights(ws, first_row, widths, line=15):
    """Row heights for the wrapped text (spreadsheets do not all grow a row on opening): lines × line points."""
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if cell.value is None:
                continue
            text = cell.value.strftime("%d.%m.%Y") if hasattr(cell.value, "strftime") else str(cell.value)
            usable = max(int(width * 0.85) - 1, 1)  # words wrap whole: a line holds fewer characters
            lines = max(lines, sum(max(1, math.ceil(len(part) / usable)) for part in text.split("\n")))
        ws.row_dimensions[row[0].row].height = line * lines


def _widths(ws, header_row, columns, low=8, high=48):
    """Each column as wide as its longest line (header words included), between `low` and `high` characters."""
    widths = []
    for column in range(1, columns + 1):
        longest = low
        for (value,) in ws.iter_rows(min_row=header_row, min_col=column, max_col=column, values_only=True):
            if value is None:
                continue
            text = value.strftime("%d.%m.%Y") if hasattr(value, "strftime") else str(value)
            longest = max(longest, *(len(word) + 2 for word in text.split()), min(len(text), high) + 2)
        widths.append(min(longest, high))
    return widths
