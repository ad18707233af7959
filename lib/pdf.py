"""The one way to turn HTML into PDF. Every document of the system (case documents, certificates, monitoring,
library stories, data-subject exports) is rendered here, and nowhere else imports WeasyPrint
(tests/test_boundaries.py keeps it so).

The renderer fetches nothing it was not given: inline ``data:`` resources and the project's own static files
(``static:/path`` or ``/static/path``) are served; ``file:``, ``http(s):``, ``ftp:`` and every other address are
refused, so neither text typed by a user nor a template can pull a file of the server, the process environment or
another host into a document. The input is bounded in size and the layout in pages and time.
"""

import contextlib
import io
import mimetypes
import signal
import threading
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from lib.errors import ActionError

STATIC_SCHEME = "static"
# Bounds of one document: HTML characters, pages, seconds of layout (seconds only where a signal can interrupt).
MAX_HTML_CHARS = 2_000_000
MAX_PAGES = 300
MAX_SECONDS = 60


class RefusedResource(ValueError):
    """A document asked for a resource the renderer does not serve."""


def _static_path(url):
    parts = urlsplit(url)
    if parts.scheme == STATIC_SCHEME:
        name = parts.path.lstrip("/")
    elif not parts.scheme and parts.path.startswith("/" + settings.STATIC_URL.strip("/") + "/"):
        name = parts.path[len(settings.STATIC_URL.strip("/")) + 2:]
    else:
        return None
    name = unquote(name)
    if not name or ".." in name.split("/") or name.startswith("/"):
        return None
    try:
        return finders.find(name)
    except Exception:  # a suspicious path is simply not found
        return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        """Serves ``data:`` and the project's static files; refuses every other address (deny by default)."""

        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)

        def fetch(self, url, headers=None):
            if url.lower().startswith("data:"):
                return super().fetch(url, headers)  # urllib's DataHandler decodes it; no I/O
            path = _static_path(url)
            if path is None:
                raise RefusedResource(f"refused resource: {urlsplit(url).scheme or 'relative'}")
            with open(path, "rb") as handle:
                body = handle.read()
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    return ProjectFetcher


def url_fetcher():
    return _fetcher_class()()


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _time_bound(seconds):
    """Interrupt a layout that runs longer than ``seconds`` (in the main thread, where signals arrive: gunicorn's
    sync workers and the task worker); elsewhere the size and page bounds still hold."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def interrupt(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def html_to_pdf(html, *, font_config=None):
    """PDF bytes of ``html``; an ActionError with a Russian message if the document is too large."""
    from weasyprint import HTML

    if len(html) > MAX_HTML_CHARS:
        raise ActionError(_("The document is too large to be made into a PDF."))
    try:
        with _time_bound(MAX_SECONDS):
            document = HTML(string=html, base_url=f"{STATIC_SCHEME}:/", url_fetcher=url_fetcher()).render(
                font_config=font_config)
            if len(document.pages) > MAX_PAGES:
                raise ActionError(_("The document is too large to be made into a PDF."))
            output = io.BytesIO()
            document.write_pdf(output)
    except _Timeout:
        raise ActionError(_("The document took too long to make; shorten its text.")) from None
    return output.getvalue()


def font_configuration():
    """One font configuration for a whole batch: a new one per document keeps ~0.2 MB of Pango font maps
    alive each time, so a batch of thousands would grow without bound."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(template, context, *, font_config=None):
    """A project template (never user text) rendered with ``context`` and turned into PDF."""
    return html_to_pdf(render_to_string(template, context), font_config=font_config)
