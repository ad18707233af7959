"""Uploaded files are accepted by what they contain, not by their name."""

import io
import re
import zipfile

SIGNATURES = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
]


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
        # A Word document, and not a macro-enabled one.
        if "word/document.xml" in names and "[Content_Types].xml" in names and "word/vbaProject.bin" not in names:
            return "docx"
    return None


def safe_name(name: str, extension: str) -> str:
    """A name that is safe to show and to send back: no path, no control characters, the real extension."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- .()]+", "_", stem, flags=re.UNICODE).strip(" ._") or "file"
    return f"{stem[:80]}.{extension}"
