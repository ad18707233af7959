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
