"""Attachments: type by content, size limit, stored outside static, served only through the audited view."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Attachment, CaseStatus


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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
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
    assert "Принимаются только файлы PDF, JPEG, PNG и DOCX" in page or "больше 1 МБ" in page
    assert Attachment.objects.count() == 0


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
