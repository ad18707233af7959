"""Uploaded files are accepted by what they contain, not by their name, and documents that can act (PDF scripts
and actions, DOCX macros, embedded objects and external links) are refused. Every upload of the system goes
through ``accept`` (tests/test_boundaries.py keeps it so)."""

import io
import re
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ActionError

SIGNATURES = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
]
# A DOCX that unpacks to more than this is refused before it is read (a compressed bomb).
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_PDF_OBJECTS = 200_000

# PDF keys and actions that run something, open something, submit something or carry a file.
PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles",
                   "/RichMedia", "/XFA", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR", "/Sound", "/Movie"}
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute", "/GoToE",
                      "/GoToR", "/Rendition", "/Sound", "/Movie", "/Hide", "/SetOCGState"}
_PDF_NAME = re.compile(rb"/[A-Za-z0-9#]+")
# Relationship types a Word document may point outside itself with: hyperlinks only.
_HYPERLINK = "relationships/hyperlink"


def sniff(head: bytes, data: bytes | None = None) -> str | None:
    """The real type of a file (pdf, jpg, png, docx) from its bytes, or None when it is none of them."""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    return None


def _pdf_names(data):
    """Every name token of the raw file, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    for match in _PDF_NAME.finditer(data):
        token = match.group(0)
        yield re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), token).decode("latin-1")


def pdf_hazards(data):
    """Reasons a PDF must be refused: scripts, automatic or launching actions, embedded files, forms that submit,
    encryption (its contents cannot be checked), or a file that cannot be parsed."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, IndirectObject

    found = set()
    found |= {name for name in _pdf_names(data) if name in PDF_ACTIVE_KEYS or name in PDF_ACTIVE_ACTIONS}
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return [_("The PDF is encrypted, so its contents cannot be checked. Save it without a password.")]
        size = min(int(reader.trailer.get("/Size", 0)), MAX_PDF_OBJECTS)
        for number in range(1, size):
            try:
                obj = reader.get_object(IndirectObject(number, 0, reader))
            except Exception:  # nosec B112 (a free or damaged entry is simply skipped)
                continue
            if isinstance(obj, DictionaryObject):
                found |= {key for key in obj if key in PDF_ACTIVE_KEYS}
                if obj.get("/S") in PDF_ACTIVE_ACTIONS:
                    found.add(str(obj.get("/S")))
    except Exception:  # pypdf raises many kinds for a damaged file  # noqa: BLE001
        return [_("The PDF cannot be read. Save it again (for example, «Print to PDF») and attach the new file.")]
    if found:
        return [_("The PDF contains scripts, actions or embedded files (%(what)s); such files are not accepted. "
                  "Save it again with «Print to PDF» and attach the new file.") % {
            "what": ", ".join(sorted(name.lstrip("/") for name in found))}]
    return []


def docx_hazards(data):
    """Reasons a DOCX must be refused: macros, embedded or ActiveX objects, external templates or sources."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        items = archive.infolist()
    except zipfile.BadZipFile:
        return [_("The document cannot be read.")]
    if sum(item.file_size for item in items) > MAX_UNPACKED_BYTES:
        return [_("The document is too large when unpacked.")]
    reasons = []
    names = [item.filename for item in items]
    lowered = [name.lower() for name in names]
    if any("vbaproject" in name or name.endswith(".bin") for name in lowered):
        reasons.append(_("it contains macros or binary objects"))
    if any(name.startswith(("word/embeddings/", "word/activex/")) for name in lowered):
        reasons.append(_("it contains embedded objects"))
    try:
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except KeyError:
        return [_("The document cannot be read.")]
    if "macroEnabled" in types or "vbaProject" in types or "oleObject" in types:
        reasons.append(_("it contains macros or embedded objects"))
    for name in names:
        if not name.endswith(".rels"):
            continue
        rels = archive.read(name).decode("utf-8", "replace")
        for relation in re.findall(r"<Relationship\b[^>]*>", rels):
            external = re.search(r'TargetMode\s*=\s*"External"', relation)
            if external and _HYPERLINK not in relation:
                reasons.append(_("it loads a template or content from outside the file"))
            if re.search(r'Type\s*=\s*"[^"]*/(package|oleObject|aFChunk|control|activeXControlBinary)"', relation):
                reasons.append(_("it contains embedded objects"))
    if reasons:
        return [_("The Word document is not accepted: %(why)s. Save it again as a plain DOCX without them.") % {
            "why": "; ".join(dict.fromkeys(str(r) for r in reasons))}]
    return []


HAZARDS = {"pdf": pdf_hazards, "docx": docx_hazards}


def accept(upload, allowed):
    """(bytes, type) of an upload whose content is one of ``allowed`` (pdf, jpg, png, docx, txt) and holds
    nothing active; an ActionError in Russian otherwise. Size is limited by OPENDOOR_MAX_UPLOAD_MB."""
    limit = settings.OPENDOOR_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ActionError(_("The file is larger than %(mb)s MB.") % {"mb": settings.OPENDOOR_MAX_UPLOAD_MB})
    data = upload.read(limit + 1)
    kind = sniff(data[:16], data)
    if kind is None and "txt" in allowed and upload.name.lower().endswith(".txt"):
        try:
            data.decode("utf-8")
            kind = "txt"
        except UnicodeDecodeError:
            kind = None
    if kind not in allowed:
        return None, None
    problems = HAZARDS.get(kind, lambda _data: [])(data)
    if problems:
        raise ActionError(problems[0])
    return data, kind


def safe_name(name: str, extension: str) -> str:
    """A name that is safe to show and to send back: no path, no control characters, the real extension."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- .()]+", "_", stem, flags=re.UNICODE).strip(" ._") or "file"
    return f"{stem[:80]}.{extension}"
