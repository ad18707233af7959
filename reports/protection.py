"""Statistical disclosure control for every figure that leaves the service that owns the data (the analyst, other
services' coordinators, any export marked protected) — one method, used by the page, XLSX, PDF, JSON, the API
and the network page, written down in docs/statistics.md.

The method follows the rules national statistics offices publish for tables of counts about people
(threshold rule, secondary suppression, rounding to base 5):

1. Fixed periods only: a calendar month, quarter or year. No arbitrary window, so two windows that differ by a
   day cannot be subtracted (`fixed_period`).
2. Threshold: every count about children and families under 5 — zero included — is shown as «<5». A zero is
   not told apart from 1–4, or a «<5» would mean «at least one».
3. Secondary (complementary) suppression: in every table whose total is published (a breakdown and its total,
   the months and the period's total), when cells are hidden, more are hidden — smallest first — until the
   hidden cells together hold at least 5, so «total minus the shown parts» gives only a sum that is itself
   protected, never one cell. Such a cell is marked «скрыто», not «<5»: it is not small, only withheld.
4. Rounding: every count shown is rounded to the nearest multiple of 5 (from 5 up), so differences between
   published figures — a territory against the region, one table against another — carry an uncertainty of
   several units and cannot pin a small group.
5. Averages and shares over fewer than 5 cases are not shown.

Counts that are not about families (facilitators, certificates, people trained at events) are shown as they are.
"""

import datetime

from django.utils.translation import gettext_lazy as _

THRESHOLD = 5
HIDDEN = "<5"  # a count under 5 (zero included)
# A count of 5 or more hidden so that a «<5» cannot be worked out from the total: «скрыто», never «<5» (it is not
# small, only withheld; Rosstat withholds such figures for confidentiality the same way).
SUPPRESSED = _("withheld")
BASE = 5


def shown(n):
    """One count as it may be published: «<5» (zero included) or rounded to the nearest 5."""
    if n is None or n < THRESHOLD:
        return HIDDEN
    return BASE * int(n / BASE + 0.5)


def table(values, total_published=True):
    """A column of counts with a published total: threshold, then complementary suppression, then rounding."""
    hidden = {i for i, n in enumerate(values) if n < THRESHOLD}
    if total_published and hidden:
        others = sorted((n, i) for i, n in enumerate(values) if i not in hidden)
        # Hide more, smallest first, until the hidden cells hold at least THRESHOLD together and are not one.
        while others and (sum(values[i] for i in hidden) < THRESHOLD or len(hidden) == 1):
            hidden.add(others.pop(0)[1])
    return [(HIDDEN if values[i] < THRESHOLD else SUPPRESSED) if i in hidden else shown(n)
            for i, n in enumerate(values)]


def average(value, cases):
    """An average or a share over `cases` cases: not shown under THRESHOLD."""
    return None if value is None or cases is None or cases < THRESHOLD else value


# --- fixed periods --------------------------------------------------------------------------------------------

def _month_end(year, month):
    return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def fixed_period(start, end):
    """"month", "quarter" or "year" when [start, end] is exactly one calendar period, else None."""
    if start.day != 1 or end < start:
        return None
    if start.month == 1 and end == datetime.date(start.year, 12, 31):
        return "year"
    if end == _month_end(start.year, start.month):
        return "month"
    if start.month % 3 == 1 and end == _month_end(start.year, start.month + 2):
        return "quarter"
    return None


def previous_period(start, end):
    """The calendar period of the same kind just before (a month before a month, …); None if not fixed."""
    kind = fixed_period(start, end)
    if kind is None:
        return None
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    index = start.year * 12 + start.month - 1 - months
    first = datetime.date(index // 12, index % 12 + 1, 1)
    last_index = index + months - 1
    return first, _month_end(last_index // 12, last_index % 12 + 1)


def months_of(start, end):
    """The first day of every month of the period."""
    out, day = [], datetime.date(start.year, start.month, 1)
    while day <= end:
        out.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out
