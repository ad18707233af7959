"""The knowledge base: text of attachments, and full-text search in Russian.

PostgreSQL: `to_tsvector('russian', …)` with ranking (the title weighs more than the text), computed per query —
a region's base holds hundreds of documents, not millions. SQLite has no Russian stemmer, so each document keeps
its words' lemmas (pymorphy3) and a query matches documents holding the lemmas of all its words: «семьям» finds
«семья», «семьи»."""

import functools
import io
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _

from lib.errors import ActionError
from lib.uploads import accept
from people.matching.text import morph

from .models import KnowledgeDocument

_WORDS = re.compile(r"[А-Яа-яЁёA-Za-z0-9]+")
ALLOWED = {"pdf", "docx", "txt"}


def read_upload(upload):
    """(bytes, type) of an uploaded PDF, DOCX or UTF-8 text file, refused with a reason otherwise."""
    data, kind = accept(upload, ALLOWED)
    if kind is None:
        raise ActionError(_("Attach a PDF, a Word document (DOCX) or a UTF-8 text file."))
    return data, kind


def extract_text(data: bytes, kind: str) -> str:
    """The text of an attachment for search; an unreadable file is kept but not searched inside."""
    try:
        if kind == "txt":
            return data.decode("utf-8")
        if kind == "pdf":
            from pypdf import PdfReader

            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
        if kind == "docx":
            import docx

            return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    except Exception:  # a damaged file must not stop saving the document; it is just not searchable inside
        return ""
    return ""


@functools.lru_cache(maxsize=100_000)
def lemma(word: str) -> str:
    word = word.lower().replace("ё", "е")
    if not re.search(r"[а-я]", word):
        return word
    return morph().parse(word)[0].normal_form.replace("ё", "е")


def lemmas(text: str) -> str:
    """« семья семья ребенок … » — space-delimited lemmas, so a look-up can match whole words."""
    return " " + " ".join(lemma(w) for w in _WORDS.findall(text)) + " "


def _plain(text):
    """ё → е: the Russian stemmer treats «ребёнка» and «ребенка» as different words, people type both."""
    return text.replace("ё", "е").replace("Ё", "Е")


def index(document, version):
    document.search_text = _plain("\n".join(p for p in (version.body, version.file_text) if p))
    document.lemmas = lemmas(f"{document.title} {document.search_text}")
    document.updated_at = version.created_at
    document.save()


def search(query: str, category=None):
    """Documents matching a query, best first, with a short fragment around the first match."""
    documents = KnowledgeDocument.objects.select_related("category")
    if category:
        documents = documents.filter(category=category)
    query = (query or "").strip()
    if not query:
        return [(d, "") for d in documents.order_by("category__order", "title")]
    if connection.vendor == "postgresql":
        title = Replace(Replace("title", Value("ё"), Value("е")), Value("Ё"), Value("Е"))
        vector = SearchVector(title, weight="A", config="russian") + \
            SearchVector("search_text", weight="B", config="russian")
        ts_query = SearchQuery(_plain(query), config="russian", search_type="websearch")
        found = documents.annotate(rank=SearchRank(vector, ts_query)).filter(rank__gt=0).order_by("-rank", "title")
    else:
        words = [lemma(w) for w in _WORDS.findall(query)]
        condition = Q()
        for word in words:
            condition &= Q(lemmas__contains=f" {word} ")
        found = documents.filter(condition) if words else documents.none()
        title_words = set(words)
        found = sorted(found, key=lambda d: (-len(title_words & set(lemmas(d.title).split())), d.title))
    return [(d, fragment(d.search_text, query)) for d in found[:100]]


def fragment(text: str, query: str, width=220):
    """About `width` characters of the text around the first word of the query (by lemma)."""
    wanted = {lemma(w) for w in _WORDS.findall(query)}
    for match in _WORDS.finditer(text):
        if lemma(match.group(0)) in wanted:
            start = max(0, match.start() - width // 3)
            piece = text[start:start + width].replace("\n", " ")
            return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
    return text[:width].replace("\n", " ")
