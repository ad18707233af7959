"""Event exports (XLSX) and the import of a participant list."""


from django import forms
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency, Territory
from lib import sheets

from . import actions
from .models import Registration


def _book(title, event, header, rows):
    wb = sheets.Workbook()
    ws = wb.active
    ws.title = str(title)[:31]
    sheets.write_table(ws, title=f"{title}: {event.title}", notes=[event.dates], header=header, rows=rows)
    return sheets.to_bytes(wb)


def participants(event):
    rows = [[r.full_name, r.position, r.agency_label, r.territory.name if r.territory else "", r.email, r.phone,
             r.get_status_display(), getattr(getattr(r, "certificate", None), "number", "")]
            for r in event.registrations.select_related("agency", "territory", "certificate")]
    return _book(_("Participants"), event, [_("Full name"), _("Position"), _("Agency"), _("Territory"), _("E-mail"),
                                            _("Phone"), _("Status"), _("Certificate")], rows)


def attendance(event):
    sessions = list(event.sessions.all())
    people = event.registrations.filter(status=Registration.Status.CONFIRMED).prefetch_related("attendance")
    rows = []
    for r in people:
        present = {a.session_id for a in r.attendance.all()}
        rows.append([r.full_name, *["+" if s.pk in present else "" for s in sessions], len(present)])
    # Session times in the service's time zone (stored in UTC), whole titles (the cells wrap).
    header = [_("Full name"), *[f"{timezone.localtime(s.starts_at):%d.%m %H:%M} {s.title}" for s in sessions],
              _("Sessions")]
    return _book(_("Attendance"), event, header, rows)


def report(event):
    """Participants by agency kind and by territory, and certificates issued."""
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    kinds = dict(Agency.Kind.choices)
    by_kind = confirmed.values_list("agency__kind").annotate(
        n=Count("id"), certificates=Count("id", filter=actions.issued_filter())).order_by("-n")
    by_territory = confirmed.values_list("territory__name").annotate(
        n=Count("id"), certificates=Count("id", filter=actions.issued_filter())).order_by("-n")
    rows = [[str(kinds.get(kind, _("not in the registry"))), n, c] for kind, n, c in by_kind]
    rows += [[], [_("By territory"), "", ""]]
    rows += [[name or _("not stated"), n, c] for name, n, c in by_territory]
    totals = confirmed.aggregate(n=Count("id"), c=Count("id", filter=actions.issued_filter()))
    rows += [[], [_("Total"), totals["n"], totals["c"]]]
    return _book(_("Event report"), event, [_("Agency kind"), _("Participants"), _("Certificates")], rows)


class ImportError_(Exception):  # noqa: N801 - "ImportError" is a builtin
    pass


COLUMNS = ["ФИО", "Должность", "Организация", "Территория", "E-mail", "Телефон"]


def import_participants(event, upload, *, actor):
    """Rows: name, position, agency, territory, e-mail, phone (a header row first). Good rows are registered;
    each failed row is reported with its reason and saves nothing."""
    try:
        table = sheets.read_rows(upload, max_columns=6)
    except actions.ActionError as error:
        raise ImportError_(str(error)) from None
    added, errors = 0, []
    agencies = {a.name.lower(): a for a in Agency.objects.all()} | {a.short_name.lower(): a
                                                                     for a in Agency.objects.all()}
    territories = {t.name.lower(): t for t in Territory.objects.all()}
    for number, row in enumerate(table[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in (list(row) + [None] * 6)[:6]]
        if not any(cells):
            continue
        name, position, agency, territory, email, phone = cells
        try:
            if not name or not position:
                raise actions.ActionError(_("the name and the position are required"))
            forms.EmailField().clean(email)
            fields = {"full_name": name, "position": position, "agency": agencies.get(agency.lower()),
                      "agency_name": "" if agencies.get(agency.lower()) else agency,
                      "territory": territories.get(territory.lower()), "email": email, "phone": phone}
            actions.register(event, fields=fields, consent=True, confirmed=True)
            added += 1
        except forms.ValidationError:
            errors.append((number, _("the e-mail is not valid")))
        except actions.ActionError as error:
            errors.append((number, str(error)))
    return added, errors
