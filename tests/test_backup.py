"""Back up, wipe, restore, and find every record and file again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from audit.log import verify_chain
from cases import actions
from cases.models import Attachment, Case, CaseStatus
from core.backup import counts
from people.models import Person
from safety.actions import default_recipients, open_notice
from safety.models import SafetyNotice

from .conftest import blank_pdf

PDF = blank_pdf()


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore(cast, make_case, settings, tmp_path):
    settings.OPENDOOR_FILES_DIR = str(tmp_path / "files")
    closed = make_case(upto=CaseStatus.CLOSED)
    held = make_case(upto=CaseStatus.PREPARATION)
    open_notice(held, actor=cast.facilitator, recipients=default_recipients(held), content="Угроза.")
    attachment = actions.attach_file(closed, actor=cast.facilitator, upload=SimpleUploadedFile("с.pdf", PDF),
                                     kind="consent")
    before = counts()
    codes = sorted(Case.objects.values_list("code", flat=True))
    target = tmp_path / "backup.tar.gz"
    call_command("backup", str(target))

    # Wipe everything: records and files.
    call_command("flush", interactive=False, verbosity=0)
    attachment.path.unlink()
    assert Case.objects.count() == 0 and not attachment.path.exists()

    with pytest.raises(CommandError):
        call_command("restore", str(target))  # refuses without --yes
    call_command("restore", str(target), "--yes")
    assert counts() == before
    assert sorted(Case.objects.values_list("code", flat=True)) == codes
    assert Person.objects.filter(surname="Смирнов").count() == 2
    assert SafetyNotice.objects.get().recipients.count() == 2
    assert Attachment.objects.get().path.read_bytes() == PDF
    assert Case.objects.get(code=closed.code).report.signed_at is not None
    assert verify_chain() is None
