"""Time the monitoring report against the same figures written by hand in SQL, on the current database.

Before timing, the hand SQL's rows are required equal to the report's, figure by figure (the command stops
otherwise). Prints a table and writes bench/results/monitoring-<label>.json. Not a test."""

import datetime
import json
import platform
import statistics
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases.models import AgreementItem, Case
from reports.monitoring import Scope, _rows, compute


def hand_sql(vendor):
    """The report's fourteen figures for the whole network, written by hand: the same rows, compared the same way
    (times against the period's first moment and the moment after its last day, as stored — no conversion per
    row), so that the two can be timed side by side and their results required equal. name -> (sql, params)."""
    if vendor == "postgresql":
        days = lambda later, earlier: f"EXTRACT(EPOCH FROM ({later})::timestamp - ({earlier})::timestamp) / 86400.0"  # noqa: E731
        month = "to_char(submitted_on, 'YYYY-MM-01')"
    else:
        days = lambda later, earlier: f"julianday({later}) - julianday({earlier})"  # noqa: E731
        month = "strftime('%%Y-%%m-01', submitted_on)"
    in_period = "BETWEEN %(start)s AND %(end)s"
    in_moments = ">= %(first)s AND {column} < %(after)s"
    reports = ("FROM cases_outcomereport o JOIN cases_case c ON c.id = o.case_id JOIN referrals_referral r "
               "ON r.id = c.referral_id WHERE o.signed_at " + in_moments.format(column="o.signed_at"))
    # Only the joins a figure needs (the network has no scope to filter by).
    reports_alone = "FROM cases_outcomereport o WHERE o.signed_at " + in_moments.format(column="o.signed_at")
    with_case = ("FROM cases_outcomereport o JOIN cases_case c ON c.id = o.case_id WHERE o.signed_at "
                 + in_moments.format(column="o.signed_at"))
    decided = "decided_at " + in_moments.format(column="decided_at")
    repair_kinds = ", ".join(f"'{kind}'" for kind in sorted(AgreementItem.HARM_REPAIR))
    return {
        "counts": f"SELECT COUNT(CASE WHEN submitted_on {in_period} THEN 1 END), "
                  f"COUNT(CASE WHEN {decided} AND status = 'accepted' THEN 1 END), "
                  f"COUNT(CASE WHEN {decided} AND status = 'declined' THEN 1 END) FROM referrals_referral",
        "figures": "SELECT COUNT(CASE WHEN o.held THEN 1 END), COUNT(CASE WHEN NOT o.held THEN 1 END), "
                   "SUM(o.minors), SUM(o.adults), "
                   "COUNT(CASE WHEN o.held AND o.outcome IN ('agreement', 'partial') THEN 1 END), "
                   f"AVG({days('o.signed_at', 'r.created_at')}) " + reports,
        "first_meetings": f"SELECT AVG({days('t.first', 't.submitted_on')}), COUNT(t.first) FROM "
                          "(SELECT MIN(m.date) AS first, r.submitted_on FROM cases_case c JOIN referrals_referral r "
                          "ON r.id = c.referral_id LEFT JOIN cases_meeting m ON m.case_id = c.id "
                          f"WHERE c.opened_on {in_period} GROUP BY c.id, r.submitted_on) t",
        "by_source": "SELECT a.kind, COUNT(*) FROM referrals_referral r JOIN accounts_agency a ON a.id = r.agency_id "
                     f"WHERE r.submitted_on {in_period} GROUP BY a.kind",
        "by_situation": f"SELECT situation, COUNT(*) FROM referrals_referral WHERE submitted_on {in_period} "
                        "GROUP BY situation",
        "by_kind": "SELECT p.kind, COUNT(*) FROM cases_case c LEFT JOIN cases_program p ON p.case_id = c.id "
                   f"WHERE c.opened_on {in_period} GROUP BY p.kind",
        "not_held_reasons": "SELECT c.not_held_reason, COUNT(*) " + with_case + " AND NOT o.held "
                            "GROUP BY c.not_held_reason",
        "not_held_outcomes": "SELECT o.outcome, COUNT(*) " + reports_alone
                             + " AND NOT o.held AND o.outcome <> 'not_held' GROUP BY o.outcome",
        "followup": "SELECT o.followup_result, COUNT(*) " + reports_alone + " AND o.held AND "
                    "o.followup_result <> 'not_checked' GROUP BY o.followup_result",
        "safety": "SELECT COUNT(*) FROM safety_safetynotice WHERE sent_at " + in_moments.format(column="sent_at"),
        "facilitators": "SELECT COUNT(DISTINCT f.user_id) FROM cases_meeting m LEFT JOIN cases_case_facilitators f "
                        f"ON f.case_id = m.case_id WHERE m.held AND m.date {in_period}",
        "training": "SELECT COUNT(DISTINCT g.email), COUNT(*) FROM events_certificate c JOIN events_registration g "
                    "ON g.id = c.registration_id JOIN events_event e ON e.id = g.event_id "
                    f"WHERE c.revoked_at IS NULL AND e.ends_on {in_period}",
        "repairs": "SELECT COUNT(*), COUNT(CASE WHEN (SELECT f.result FROM cases_followup f WHERE f.item_id = i.id "
                   "ORDER BY f.checked_on DESC, f.id DESC LIMIT 1) = 'done' THEN 1 END) FROM cases_agreementitem i "
                   f"JOIN cases_agreement a ON a.id = i.agreement_id WHERE a.concluded_on {in_period} "
                   f"AND i.kind IN ({repair_kinds})",
        "trend": f"SELECT {month} AS month, COUNT(*) FROM referrals_referral WHERE submitted_on {in_period} "
                 "GROUP BY month ORDER BY month",
    }


def run_sql(statements, scope):
    first, after = scope.moments()
    values = {"start": scope.start, "end": scope.end, "first": first, "after": after}
    out = {}
    with connection.cursor() as cursor:
        for name, sql in statements.items():
            cursor.execute(sql, values)
            out[name] = cursor.fetchall()
    return out


def comparable(rows):
    """Rows as both sides can agree on: numbers as floats to 9 places, groups in order."""
    def value(v):
        if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
            return round(float(v), 9)
        return v
    return sorted((tuple(value(v) for v in row) for row in rows), key=repr)


def differences(report_rows, hand_rows):
    """The figures where the report and the hand SQL disagree (none, or the benchmark is not fair)."""
    return [name for name in report_rows if comparable(report_rows[name]) != comparable(hand_rows.get(name, []))]


def timed(function, repeat):
    function()  # warm up: connection, caches
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


class Command(BaseCommand):
    help = "Benchmark the monitoring report against hand-written SQL on this database."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument("--label", default="")

    def handle(self, *args, repeat, label, **options):
        today = datetime.date.today()
        scope = Scope(datetime.date(today.year - 1, 1, 1), datetime.date(today.year, 12, 31))
        statements = hand_sql(connection.vendor)
        wrong = differences(_rows(scope), run_sql(statements, scope))
        if wrong:
            raise CommandError(f"The hand SQL and the report disagree on: {', '.join(wrong)}")
        report = timed(lambda: compute(scope), repeat)
        sql = timed(lambda: run_sql(statements, scope), repeat)
        result = {
            "label": label or connection.vendor, "database": connection.vendor, "cases": Case.objects.count(),
            "period": [scope.start.isoformat(), scope.end.isoformat()], "repeat": repeat,
            "report_ms": round(report * 1000, 2), "hand_sql_ms": round(sql * 1000, 2),
            "ratio": round(report / sql, 2), "python": platform.python_version(),
            "figures_equal": True, "figures": len(statements),
        }
        folder = Path(settings.BASE_DIR) / "bench" / "results"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"monitoring-{result['label']}.json".replace(" ", "-")
        (folder / name).write_text(json.dumps(result, indent=1))
        self.stdout.write(f"{'база':<12}{'случаев':>10}{'отчёт, мс':>12}{'SQL, мс':>10}{'отношение':>11}")
        self.stdout.write(f"{result['label']:<12}{result['cases']:>10}{result['report_ms']:>12}"
                          f"{result['hand_sql_ms']:>10}{result['ratio']:>11}")
        self.stdout.write(f"Записано: bench/results/{name}")
