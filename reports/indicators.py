"""Grant indicators: actual values from the monitoring figures where a rule links them."""

from decimal import Decimal

from . import protection
from .monitoring import PEOPLE_FIGURES, Scope, compute


def table(indicators, *, exact_for=()):
    """Rows of (indicator, [(period, actual, source, reached)]) with one report per distinct period and service.
    Actual values from the data are the indicator's service's own; for a viewer outside that service
    (`exact_for` does not hold it) they are protected like every published count (reports/protection.py)."""
    reports = {}
    rows = []
    for indicator in indicators:
        cells = []
        for period in indicator.periods.all():
            if indicator.rule:
                key = (period.start, period.end, indicator.service_id)
                if key not in reports:
                    reports[key] = compute(Scope(period.start, period.end, service_id=indicator.service_id))
                actual, source = reports[key][indicator.rule], "data"
                if indicator.service_id not in exact_for and indicator.rule in PEOPLE_FIGURES:
                    actual = protection.shown(actual)
            else:
                actual, source = period.manual_actual, "manual"
            reached = isinstance(actual, (int, float, Decimal)) and actual >= period.target
            cells.append((period, actual, source, reached))
        rows.append((indicator, cells))
    return rows
