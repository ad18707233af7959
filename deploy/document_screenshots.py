"""Every document the system produces, rendered as a person sees it, into docs/screenshots/ (one PNG per page 1).

    make run            # once: the demo region in var/
    OPENDOOR_DEMO=true .venv/bin/python deploy/document_screenshots.py

PDFs are rendered with pypdfium2 (a dev dependency). DOCX and XLSX are first printed to PDF by LibreOffice when
`soffice` is installed (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui), which is how a recipient would
print them; without it they are skipped and the script says so. Nothing here is part of the running system.
"""

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opendoor.settings")
    os.environ.setdefault("OPENDOOR_DEMO", "true")
    import django

    django.setup()


def png(pdf_bytes, name, scale=1.4):
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes)
    page = document[0]
    width, height = page.get_size()
    page.render(scale=scale).to_pil().save(OUT / f"{name}.png")
    print(f"{name}.png  ({len(document)} page(s), {width / 72 * 25.4:.0f} × {height / 72 * 25.4:.0f} mm)")


def via_office(data, suffix, name):
    soffice = shutil.which("soffice")
    if not soffice:
        print(f"{name}: skipped (no LibreOffice to print the {suffix} as a reader would)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{name}{suffix}"
        source.write_bytes(data)
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],  # noqa: S603
                       check=True, capture_output=True, timeout=180)
        png((Path(tmp) / f"{name}.pdf").read_bytes(), name)


def main():
    setup()
    from accounts.models import Agency
    from cases import documents
    from cases.journal import journal_rows
    from cases.models import Case
    from events import exports as event_exports
    from events.certificates import certificate_pdf
    from events.models import Certificate
    from reports import exports, monitoring
    from reports.protection import fixed_period

    OUT.mkdir(parents=True, exist_ok=True)
    case = (Case.objects.filter(report__signed_at__isnull=False, agreement__isnull=False).order_by("-pk").first()
            or Case.objects.filter(report__signed_at__isnull=False).first())
    if case is None:
        sys.exit("No signed case: load the demo region first (make run).")
    png(documents.report_pdf(case), "document-report")
    if hasattr(case, "agreement"):
        png(documents.agreement_pdf(case), "document-agreement")
    png(documents.card_pdf(case), "document-card")
    via_office(documents.report_docx(case), ".docx", "document-letter")
    service = case.service
    cases = Case.objects.filter(service=service)
    via_office(documents.journal_xlsx(journal_rows(cases), [service.name, "Отбор: без отбора"]), ".xlsx",
               "document-journal")
    certificate = Certificate.objects.filter(revoked_at__isnull=True).select_related("registration__event").first()
    if certificate:
        png(certificate_pdf(certificate, Agency.main_service()), "document-certificate")
        via_office(event_exports.attendance(certificate.registration.event), ".xlsx", "document-attendance")
    today = datetime.date.today()
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    assert fixed_period(start, end)
    scope = monitoring.Scope(start, end, None, None, None)
    report, previous = monitoring.protect(monitoring.compute(scope)), monitoring.protect(
        monitoring.compute(scope.previous()))
    png(exports.as_pdf(report, previous, "регион (защищённые показатели)"), "document-monitoring")
    via_office(exports.as_xlsx(report, "регион", previous), ".xlsx", "document-monitoring-xlsx")


if __name__ == "__main__":
    main()
