"""Documents in Russian: PDF from HTML templates (WeasyPrint), DOCX letters (docxtpl templates), XLSX (openpyxl)."""


from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.letterhead import initials_first
from accounts.models import Role, User
from lib import sheets
from lib.pdf import render_pdf

from .letter import answer_facts, letter


def _coordinator(case):
    return User.objects.filter(memberships__agency=case.service, memberships__role=Role.COORDINATOR).first()


def report_context(case):
    report = case.report
    agreement = getattr(case, "agreement", None)
    shareable = agreement is not None and case.agreement_shareable()
    return {
        "case": case, "report": report, "referral": case.referral, "service": case.service,
        "facts": answer_facts(report),  # the same rows in the PDF, the letter and the referral's page
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
    """(position, «И. О. Фамилия») under a document: the head of the service as set in its details, else the
    coordinator who signs."""
    if service.head_name:
        return service.head_position or _("Head of the reconciliation service"), initials_first(service.head_name)
    return _("Coordinator of the reconciliation service"), initials_first(signer.short_name) if signer else ""


def letterhead_line(service):
    return ", ".join(p for p in (service.address, service.phone, service.email) if p)


def report_pdf(case, context=None):
    return render_pdf("cases/docs/report.html", context or report_context(case))


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


def report_docx(case, context=None):
    """The letter to the referring agency (ГОСТ Р 7.0.97-2016) from the service's DOCX template (cases/letter.py)."""
    return letter(context or report_context(case))


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
