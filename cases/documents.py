"""Documents in Russian: PDF from HTML templates (WeasyPrint), DOCX letters (python-docx), XLSX (openpyxl)."""

import io

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from lib import sheets
from lib.pdf import render_pdf


def _coordinator(case):
    return User.objects.filter(memberships__agency=case.service, memberships__role=Role.COORDINATOR).first()


def report_context(case):
    report = case.report
    agreement = getattr(case, "agreement", None)
    shareable = agreement is not None and case.agreement_shareable()
    return {
        "case": case, "report": report, "referral": case.referral, "service": case.service,
        "agreement": agreement if shareable else None,
        "agreement_withheld": agreement is not None and not shareable,
        "items": agreement.items.all() if shareable else [],
        "signer": report.signed_by or _coordinator(case),
        # The service's own letterhead (Справочник / Настройки службы): read at each render, so a change shows
        # on the next document.
        "signature": signature(case.service, report.signed_by or _coordinator(case)),
        "outgoing_number": f"{case.service.outgoing_prefix}{case.journal_number}-И",
        "today": timezone.localdate(),
    }


def signature(service, signer):
    """(position, name) under a letter: the head of the service as set in its details, else the coordinator."""
    if service.head_name:
        return service.head_position or _("Head of the reconciliation service"), service.head_name
    return _("Coordinator of the reconciliation service"), signer.short_name if signer else ""


def letterhead_line(service):
    return ", ".join(p for p in (service.address, service.phone, service.email) if p)


def report_pdf(case):
    return render_pdf("cases/docs/report.html", report_context(case))


def agreement_pdf(case):
    agreement = case.agreement
    return render_pdf("cases/docs/agreement.html", {
        "case": case, "agreement": agreement, "items": agreement.items.all(), "service": case.service,
        "parties": case.participants.select_related("person"),
        "facilitators": case.facilitators.all(),
    })


def card_pdf(case):
    return render_pdf("cases/docs/card.html", {
        "case": case, "referral": case.referral, "service": case.service,
        "persons": case.referral.persons.select_related("person"),
        "facilitators": case.facilitators.all(), "program": getattr(case, "program", None),
        "screening": case.latest_screening(), "today": timezone.localdate(),
    })


def report_docx(case):
    """A letter to the referring agency on the service's letterhead: number, date, addressee, signature line."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    ctx = report_context(case)
    report, service, referral = ctx["report"], ctx["service"], ctx["referral"]
    doc = Document()
    for section in doc.sections:
        section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(11)

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(service.name)
    run.bold = True
    if letterhead_line(service):
        doc.add_paragraph(letterhead_line(service)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_("Ref. № %(number)s of %(date)s") % {
        "number": ctx["outgoing_number"], "date": timezone.localtime(report.signed_at or timezone.now()).strftime(
            "%d.%m.%Y")})
    to = doc.add_paragraph(referral.agency.name)
    to.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(_("Information on the results of the restorative program")).bold = True
    doc.add_paragraph(_("In answer to your referral of %(date)s (case № %(number)s) we inform you:") % {
        "date": referral.submitted_on.strftime("%d.%m.%Y") if referral.submitted_on else "—",
        "number": case.journal_number})
    rows = [
        (_("Program held"), _("yes") if report.held else _("no")),
        (_("Program kind"), capfirst(report.get_program_kind_display()) or "—"),
        (_("Dates"), " — ".join(d.strftime("%d.%m.%Y") for d in (report.started_on, report.finished_on) if d) or "—"),
        (_("Participants"), _("minors: %(m)s, adults: %(a)s") % {"m": report.minors, "a": report.adults}),
        (_("Outcome"), capfirst(report.get_outcome_display())),
        (_("Follow-up result"), capfirst(report.get_followup_result_display())),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    doc.add_paragraph(report.summary)
    if ctx["agreement"]:
        doc.add_paragraph(_("Agreement of the parties of %(date)s (shared with the consent of every party):") % {
            "date": ctx["agreement"].concluded_on.strftime("%d.%m.%Y")})
        for item in ctx["items"]:
            doc.add_paragraph(f"{item.action} — {item.responsible}, {_('by')} {item.deadline:%d.%m.%Y}",
                              style="List Bullet")
    elif ctx["agreement_withheld"]:
        doc.add_paragraph(_("The text of the agreement is not shared: not every party has consented to share it "
                            "with your agency."))
    signer = ctx["signer"]
    doc.add_paragraph()
    position, name = signature(case.service, signer)
    doc.add_paragraph(f"{position}    ____________    {name}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


JOURNAL_COLUMNS = [
    gettext_lazy("Year"), "№", gettext_lazy("Date"),
    gettext_lazy("Source"), gettext_lazy("Situation"), gettext_lazy("Program kind"),
    gettext_lazy("Facilitators"), gettext_lazy("Minors"), gettext_lazy("Adults"), gettext_lazy("Completed"),
    gettext_lazy("Why not completed"), gettext_lazy("Outcome"), gettext_lazy("Follow-up result"),
    gettext_lazy("Status"),
]


def journal_values(case):
    report = getattr(case, "report", None)
    program = getattr(case, "program", None)
    completed = bool(report and report.held)
    why_not = ""
    if case.not_held_reason:
        why_not = case.get_not_held_reason_display()
    elif report and not report.held:
        why_not = report.get_outcome_display()
    return [
        case.year,
        case.number,  # a number, so that the journal sorts 2, 10, 11 and not 10, 11, 2
        case.opened_on,
        case.referral.agency.short_name,
        case.referral.get_situation_display(),
        program.get_kind_display() if program else "",
        ", ".join(f.short_name for f in case.facilitators.all()),
        case.minors,
        case.adults,
        (_("yes") if completed else _("no")) if report else "",
        why_not,
        report.get_outcome_display() if report else "",
        report.get_followup_result_display() if report else "",
        case.get_status_display(),
    ]


def journal_xlsx(rows, notes=()):
    """notes: the lines under the title (whose journal, the filters used)."""
    wb = sheets.Workbook()
    ws = wb.active
    ws.title = str(_("Case journal"))[:31]
    sheets.write_table(
        ws, title=_("Case journal of the reconciliation service"),
        notes=[*notes, _("Exported on %(date)s") % {"date": timezone.localdate().strftime("%d.%m.%Y")}],
        header=JOURNAL_COLUMNS, rows=(journal_values(case) for case in rows), date_columns=(3,),
        widths=[7, 7, 12, 24, 30, 26, 24, 9, 9, 11, 26, 30, 28, 24])
    return sheets.to_bytes(wb)
