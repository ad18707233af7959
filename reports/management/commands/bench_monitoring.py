"""Time the monitoring report against the same figures written by hand in SQL, on the current database.

Prints a table and writes bench/results/monitoring-<database>.json. Not a test: nothing here asserts."""

import datetime
import json
import platform
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from cases.models import Case
from reports.monitoring import Scope, compute


def hand_sql(vendor):
    tz = settings.TIME_ZONE
    if vendor == "postgresql":
        day = lambda column: f"({column} AT TIME ZONE '{tz}')::date"  # noqa: E731
        days_between = "EXTRACT(EPOCH FROM AVG(o.signed_at - r.created_at)) / 86400"
        first_days = "AVG(first - submitted_on)"
        month = "date_trunc('month', submitted_on)"
    else:
        offset = datetime.datetime.now(datetime.UTC).astimezone(__import__("zoneinfo").ZoneInfo(tz)).utcoffset()
        hours = int(offset.total_seconds() // 3600)
        day = lambda column: f"date({column}, '{hours:+d} hours')"  # noqa: E731
        days_between = "AVG(julianday(o.signed_at) - julianday(r.created_at))"
        first_days = "AVG(julianday(first) - julianday(submitted_on))"
        month = "strftime('%%Y-%%m-01', submitted_on)"
    reports = (f"FROM cases_outcomereport o JOIN cases_case c ON c.id = o.case_id "
               f"JOIN referrals_referral r ON r.id = c.referral_id WHERE {day('o.signed_at')} BETWEEN %s AND %s")
    return [
        ("SELECT SUM(CASE WHEN submitted_on BETWEEN %s AND %s THEN 1 ELSE 0 END), "
         f"SUM(CASE WHEN {day('decided_at')} BETWEEN %s AND %s AND status = 'accepted' THEN 1 ELSE 0 END), "
         f"SUM(CASE WHEN {day('decided_at')} BETWEEN %s AND %s AND status = 'declined' THEN 1 ELSE 0 END) "
         "FROM referrals_referral", 3),
        ("SELECT a.kind, COUNT(*) FROM referrals_referral r JOIN accounts_agency a ON a.id = r.agency_id "
         "WHERE r.submitted_on BETWEEN %s AND %s GROUP BY a.kind", 1),
        ("SELECT situation, COUNT(*) FROM referrals_referral WHERE submitted_on BETWEEN %s AND %s "
         "GROUP BY situation", 1),
        ("SELECT p.kind, COUNT(*) FROM cases_case c LEFT JOIN cases_program p ON p.case_id = c.id "
         "WHERE c.opened_on BETWEEN %s AND %s GROUP BY p.kind", 1),
        ("SELECT SUM(CASE WHEN o.held THEN 1 ELSE 0 END), SUM(CASE WHEN o.held THEN 0 ELSE 1 END), "
         "SUM(o.minors), SUM(o.adults), SUM(CASE WHEN o.held AND o.outcome IN ('agreement', 'partial') "
         f"THEN 1 ELSE 0 END), {days_between} " + reports, 1),
        ("SELECT c.not_held_reason, COUNT(*) " + reports + " AND NOT o.held GROUP BY c.not_held_reason", 1),
        ("SELECT o.outcome, COUNT(*) " + reports + " AND NOT o.held AND o.outcome <> 'not_held' GROUP BY o.outcome",
         1),
        ("SELECT o.followup_result, COUNT(*) " + reports + " AND o.held AND o.followup_result <> 'not_checked' "
         "GROUP BY o.followup_result", 1),
        (f"SELECT COUNT(*) FROM safety_safetynotice WHERE {day('sent_at')} BETWEEN %s AND %s", 1),
        (f"SELECT {first_days} FROM (SELECT c.id, MIN(m.date) AS first, r.submitted_on FROM cases_case c "
         "JOIN referrals_referral r ON r.id = c.referral_id LEFT JOIN cases_meeting m ON m.case_id = c.id "
         "WHERE c.opened_on BETWEEN %s AND %s GROUP BY c.id, r.submitted_on) t WHERE first IS NOT NULL", 1),
        ("SELECT COUNT(DISTINCT f.user_id) FROM cases_meeting m JOIN cases_case_facilitators f "
         "ON f.case_id = m.case_id WHERE m.held AND m.date BETWEEN %s AND %s", 1),
        (f"SELECT {month} AS month, COUNT(*) FROM referrals_referral WHERE submitted_on BETWEEN %s AND %s "
         "GROUP BY month ORDER BY month", 1),
        ("SELECT COUNT(DISTINCT g.email), COUNT(*) FROM events_certificate c JOIN events_registration g "
         "ON g.id = c.registration_id JOIN events_event e ON e.id = g.event_id "
         "WHERE c.revoked_at IS NULL AND e.ends_on BETWEEN %s AND %s", 1),
    ]


def run_sql(statements, start, end):
    with connection.cursor() as cursor:
        for sql, pairs in statements:
            cursor.execute(sql, [start, end] * pairs)
            cursor.fetchall()


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
        report = timed(lambda: compute(scope), repeat)
        sql = timed(lambda: run_sql(statements, scope.start, scope.end), repeat)
        result = {
            "label": label or connection.vendor, "database": connection.vendor, "cases": Case.objects.count(),
            "period": [scope.start.isoformat(), scope.end.isoformat()], "repeat": repeat,
            "report_ms": round(report * 1000, 2), "hand_sql_ms": round(sql * 1000, 2),
            "ratio": round(report / sql, 2), "python": platform.python_version(),
        }
        folder = Path(settings.BASE_DIR) / "bench" / "results"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"monitoring-{result['label']}.json".replace(" ", "-")
        (folder / name).write_text(json.dumps(result, indent=1))
        self.stdout.write(f"{'база':<12}{'случаев':>10}{'отчёт, мс':>12}{'SQL, мс':>10}{'отношение':>11}")
        self.stdout.write(f"{result['label']:<12}{result['cases']:>10}{result['report_ms']:>12}"
                          f"{result['hand_sql_ms']:>10}{result['ratio']:>11}")
        self.stdout.write(f"Записано: bench/results/{name}")
