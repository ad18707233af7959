"""The monitoring report as XLSX (one sheet per breakdown), JSON and PDF, in Russian."""

import datetime
import json
import re

from django.utils.translation import gettext as _

from accounts.models import Agency
from lib import sheets
from lib.pdf import render_pdf

from . import charts
from .monitoring import BREAKDOWN_LABELS, LABELS


def report_context(report, previous, label):
    """What the report page and its PDF show: figures with the previous period, breakdowns with charts."""
    return {
        "service": Agency.main_service(),
        "report": report, "previous": previous, "scope_label": label,
        "figures": [(LABELS[k], report[k], previous[k]) for k in LABELS],
        "breakdowns": [(BREAKDOWN_LABELS[k], rows, charts.bars(rows, name=BREAKDOWN_LABELS[k])) for k, rows in
                       ((k, report[k] if report.get("protected") else [(label, n) for label, n in report[k] if n])
                        for k in BREAKDOWN_LABELS) if rows],
        "trend_chart": charts.columns(report["trend"], previous["trend"], name=_("Referrals by month")),
    }



def scope_title(report, scope_label):
    scope = report["scope"]
    return _("Period %(start)s — %(end)s; %(scope)s") % {
        "start": scope.start.strftime("%d.%m.%Y"), "end": scope.end.strftime("%d.%m.%Y"), "scope": scope_label}


def _plain(value):
    """A published value as data: numbers stay numbers, «<5» and «скрыто» are text, no figure is None → null."""
    return value if value is None or isinstance(value, (int, float)) else str(value)


def _month(m):
    return m.isoformat() if isinstance(m, datetime.date) else str(m)


def as_json(report, scope_label, previous=None):
    def body(r):
        scope = r["scope"]
        return {
            "period": {"from": scope.start.isoformat(), "to": scope.end.isoformat()},
            "figures": {key: _plain(r[key]) for key in LABELS},
            "breakdowns": {key: [[str(label), _plain(n)] for label, n in r[key]] for key in BREAKDOWN_LABELS},
            "trend": [[_month(m), _plain(n)] for m, n in r["trend"]],
        }

    data = {**body(report), "scope": str(scope_label), "protected": bool(report.get("protected")),
            "labels": {key: str(label) for key, label in {**LABELS, **BREAKDOWN_LABELS}.items()}}
    if previous is not None:
        data["previous"] = body(previous)
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def sheet_title(label):
    """Excel forbids some characters in sheet names and allows 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(label)).strip()[:31]


def as_xlsx(report, scope_label, previous=None):
    """One sheet of figures and one per breakdown, each with this period and the previous one side by side."""
    wb = sheets.Workbook()
    notes = [scope_title(report, scope_label)]
    if previous is not None:
        notes.append(_("Previous period: %(start)s — %(end)s") % {
            "start": previous["scope"].start.strftime("%d.%m.%Y"), "end": previous["scope"].end.strftime("%d.%m.%Y")})
    if report.get("protected"):
        notes.append(_("Protected figures: under 5 (zero included) shown as «<5», withheld as «скрыто», "
                       "the rest rounded to 5."))
    columns = [_("This period"), *([_("Previous period")] if previous is not None else [])]

    def value(v):
        return "—" if v is None else _plain(v)

    def pair(key, index=None):
        this = report[key] if index is None else report[key][index][1]
        if previous is None:
            return [value(this)]
        before = previous[key] if index is None else previous[key][index][1]
        return [value(this), value(before)]

    sheet = wb.active
    sheet.title = str(_("Figures"))[:31]
    sheets.write_table(sheet, title=_("Monitoring of the reconciliation service"), notes=notes,
                       header=[_("Figure"), *columns], rows=[[str(label), *pair(key)] for key, label in LABELS.items()],
                       widths=[60, 16, 16], landscape=False)
    for key, label in BREAKDOWN_LABELS.items():
        ws = wb.create_sheet(sheet_title(label))
        sheets.write_table(ws, title=label, notes=notes, header=[label, *columns],
                           rows=[[str(row_label), *pair(key, i)] for i, (row_label, _n) in enumerate(report[key])],
                           widths=[60, 16, 16], landscape=False)
    ws = wb.create_sheet(str(_("By month"))[:31])
    month_columns = [_("Month"), _("Referrals received")]
    if previous is not None:
        month_columns += [_("Month of the previous period"), _("Referrals received")]
    rows = []
    for i, (month, n) in enumerate(report["trend"]):
        row = [month.strftime("%m.%Y") if hasattr(month, "strftime") else str(month), value(n)]
        if previous is not None and i < len(previous["trend"]):
            before, m = previous["trend"][i][1], previous["trend"][i][0]
            row += [m.strftime("%m.%Y") if hasattr(m, "strftime") else str(m), value(before)]
        rows.append(row)
    sheets.write_table(ws, title=_("Referrals by month"), notes=notes, header=month_columns, rows=rows,
                       widths=[16, 16, 22, 16], landscape=False)
    return sheets.to_bytes(wb)


def as_pdf(report, previous, scope_label):
    return render_pdf("reports/pdf.html", report_context(report, previous, scope_label))
