"""The monitoring report as XLSX (one sheet per breakdown), JSON and PDF, in Russian."""

import datetime
import json
import re

from django.utils.translation import gettext as _

from lib import sheets

from .monitoring import BREAKDOWN_LABELS, LABELS


def scope_title(report, scope_label):
    scope = report["scope"]
    return _("Period %(start)s — %(end)s; %(scope)s") % {
        "start": scope.start.strftime("%d.%m.%Y"), "end": scope.end.strftime("%d.%m.%Y"), "scope": scope_label}


def as_json(report, scope_label):
    scope = report["scope"]
    data = {
        "period": {"from": scope.start.isoformat(), "to": scope.end.isoformat()},
        "scope": str(scope_label),
        "protected": bool(report.get("protected")),
        "figures": {key: report[key] for key in LABELS},
        "breakdowns": {key: [[label, n] for label, n in report[key]] for key in BREAKDOWN_LABELS},
        "trend": [[m.isoformat() if isinstance(m, datetime.date) else str(m), n] for m, n in report["trend"]],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def sheet_title(label):
    """Excel forbids some characters in sheet names and allows 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(label)).strip()[:31]


def as_xlsx(report, scope_label):
    from openpyxl.styles import Font

    wb = sheets.Workbook()
    sheet = wb.active
    sheet.title = _("Figures")[:31]
    title = scope_title(report, scope_label)

    def head(ws, columns):
        ws.append([str(_("Monitoring of the reconciliation service"))])
        ws.append([title])
        if report.get("protected"):
            ws.append([str(_("Protected figures: under 5 (zero included) shown as «<5», withheld as «…», "
                             "the rest rounded to 5."))])
        ws.append([])
        ws.append([str(c) for c in columns])
        ws["A1"].font = Font(bold=True, size=13)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        ws.column_dimensions["A"].width = 60
        ws.column_dimensions["B"].width = 14

    head(sheet, [_("Figure"), _("Value")])
    for key, label in LABELS.items():
        value = report[key]
        sheet.append([str(label), "—" if value is None else value])
    for key, label in BREAKDOWN_LABELS.items():
        ws = wb.create_sheet(sheet_title(label))
        head(ws, [label, _("Number")])
        for row_label, n in report[key]:
            ws.append([row_label, n])
    ws = wb.create_sheet(str(_("By month"))[:31])
    head(ws, [_("Month"), _("Referrals received")])
    for month, n in report["trend"]:
        ws.append([month.strftime("%m.%Y") if hasattr(month, "strftime") else str(month), n])
    return sheets.to_bytes(wb)


def as_pdf(report, previous, scope_label):
    from lib.pdf import render_pdf

    from .views import report_context

    return render_pdf("reports/pdf.html", report_context(report, previous, scope_label))
