"""The coordinator's import of a legacy journal: template, upload and preview, then confirmation."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Agency, Role
from lib.files import download

from . import actions as case_actions
from . import journal_import
from .models import ImportBatch

MAX_BYTES = 10 * 1024 * 1024


def _service(user):
    services = Agency.objects.filter(pk__in=user.agency_ids(Role.COORDINATOR)).order_by("pk")
    if not services:
        raise PermissionDenied
    return services[0]


def _folder():
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@login_required
def import_template(request):
    _service(request.user)
    return download(journal_import.template(), "shablon-zhurnala.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_journal(request):
    """GET: the form and past imports. POST with a file: the preview. POST with confirm: the import."""
    service = _service(request.user)
    context = {"batches": ImportBatch.objects.filter(service=service).select_related("imported_by")[:20]}
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, service)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose the journal file (XLSX)."))
        elif upload.size > MAX_BYTES:
            messages.error(request, _("The file is larger than 10 MB."))
        else:
            token = secrets.token_hex(16)
            path = _folder() / f"{token}.xlsx"
            with open(path, "wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            try:
                preview = journal_import.check(journal_import.read(path), service)
            except ValueError as error:
                path.unlink(missing_ok=True)
                messages.error(request, str(error))
            else:
                request.session["journal_import"] = {"token": token, "name": upload.name[:200]}
                context.update(preview=preview, file_name=upload.name)
    return render(request, "cases/import.html", context)


def _confirm(request, service):
    pending = request.session.get("journal_import") or {}
    token = pending.get("token", "")
    path = _folder() / f"{token}.xlsx"
    if not token.isalnum() or not path.exists():
        messages.error(request, _("Upload the file again: the preview has expired."))
        return redirect("journal_import")
    preview = journal_import.check(journal_import.read(path), service)
    try:
        batch = case_actions.import_journal(preview, service=service, actor=request.user, file_name=pending["name"],
                                      file_hash=journal_import.digest(path),
                                      valid_only=request.POST.get("confirm") == "valid")
    except ValueError as error:
        messages.error(request, str(error))
        return render(request, "cases/import.html", {"preview": preview, "file_name": pending["name"]})
    path.unlink(missing_ok=True)
    request.session.pop("journal_import", None)
    messages.success(request, _("Imported cases: %(n)d. Rows skipped: %(skipped)d, with errors: %(errors)d.")
                     % {"n": batch.rows_imported, "skipped": len(batch.report["skipped"]),
                        "errors": len(batch.report["errors"])})
    return redirect("journal_import")
