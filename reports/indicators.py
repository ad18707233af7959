"""Grant indicators: actual values from the monitoring figures where a rule links them."""

from .monitoring import Scope, compute


def table(indicators):
    """Rows of (indicator, [(period, actual, source, reached)]) with one report per distinct period."""
    reports = {}
    rows = []
    for indicator in indicators:
        cells = []
        for period in indicator.periods.all():
            if indicator.rule:
                key = (period.start, period.end)
                if key not in reports:
                    reports[key] = compute(Scope(period.start, period.end))
                actual, source = reports[key][indicator.rule], "data"
            else:
                actual, source = period.manual_actual, "manual"
            reached = actual is not None and actual >= period.target
            cells.append((period, actual, source, reached))
        rows.append((indicator, cells))
    return rows
