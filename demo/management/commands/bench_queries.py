"""Count the SQL queries of the main pages on the current database: the count must not grow with the data.
Prints a table and writes bench/results/queries-<label>.json. On PostgreSQL it also runs EXPLAIN ANALYZE on
every SELECT of every page and writes bench/results/plans-<label>.json: for each query its time, its planning
time and how it reads each table (which index, or a sequential scan and over how many rows), so that every index
is justified by a plan and a full scan of a large table shows. Not a test."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from accounts.models import User
from cases.models import Case
from events.models import Certificate
from people.models import Person


class Command(BaseCommand):
    help = "Count SQL queries per page on this database."

    def add_arguments(self, parser):
        parser.add_argument("--label", default="local")
        parser.add_argument("--big", type=int, default=10000,
                            help="a sequential scan reading at least this many rows is reported")

    @override_settings(ALLOWED_HOSTS=["testserver"], OPENDOOR_REQUIRE_2FA=False)
    def handle(self, *args, label, big, **options):
        # A closed case with an agreement and a report: the same shape at every size (queries depend on shape).
        case = Case.objects.filter(status="closed", agreement__isnull=False,
                                   report__isnull=False).order_by("-id").first()
        certificate = Certificate.objects.first()
        pages = [
            ("coordinator's start page", "koordinator", reverse("home")),
            ("case list with filters", "koordinator", reverse("cases") + "?status=closed&kind=mediation"),
            ("case page", "koordinator", reverse("case", args=[case.code])),
            ("referrer's list", "kdn", reverse("referrals")),
            ("referrer's start page", "kdn", reverse("home")),
            ("monitoring report", "koordinator", reverse("monitoring")),
            ("verification page", None, reverse("verify", args=[certificate.number])),
        ]
        results, plans = [], []
        for title, username, url in pages:
            client = Client()
            if username:
                client.force_login(User.objects.get(username=username))
            client.get(url)  # warm caches of this process (translations, templates)
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            results.append({"page": title, "url": url, "status": status, "queries": len(queries)})
            self.stdout.write(f"{title:<28} {len(queries):>4} запросов  (HTTP {status})")
            if connection.vendor == "postgresql":
                plans.append({"page": title, "queries": [explain(q["sql"]) for q in queries.captured_queries
                                                         if q["sql"].startswith("SELECT")]})
                if not plans[-1]["queries"]:  # answered from the cache: nothing to explain
                    continue
                worst = max(plans[-1]["queries"], key=lambda q: q["execution_ms"])
                full = [scan for q in plans[-1]["queries"] for scan in q["scans"]
                        if scan["how"] == "Seq Scan" and scan["rows"] >= big]
                self.stdout.write(f"{'':<28} самый долгий запрос {worst['execution_ms']:.2f} мс "
                                  f"({', '.join(s['index'] or s['how'] for s in worst['scans'])}); "
                                  f"полных просмотров больших таблиц: {len(full)}")
        data = {"label": label, "persons": Person.objects.count(), "cases": Case.objects.count(), "pages": results}
        folder = Path(settings.BASE_DIR) / "bench" / "results"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"queries-{label}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))
        if plans:
            (folder / f"plans-{label}.json").write_text(json.dumps(
                {"label": label, "persons": data["persons"], "cases": data["cases"], "pages": plans}, indent=1,
                ensure_ascii=False))
        self.stdout.write(f"Людей: {data['persons']}, случаев: {data['cases']}; записано: "
                          f"bench/results/queries-{label}.json")


def explain(sql):
    """EXPLAIN ANALYZE of one captured query: times and, per table read, the access path and rows read."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0][0]
    scans = []

    def walk(node):
        if "Relation Name" in node:
            index = node.get("Index Name") or ", ".join(  # a bitmap scan names its indexes in its children
                child["Index Name"] for child in _descendants(node) if "Index Name" in child) or None
            scans.append({"table": node["Relation Name"], "how": node["Node Type"], "index": index,
                          "rows": node["Actual Rows"] * node.get("Actual Loops", 1)
                          + node.get("Rows Removed by Filter", 0)})
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    # The statement's shape without its literals (session keys, codes): enough to recognise it.
    shape = sql.split(" WHERE ")[0][:60] + " … FROM " + sql.split(" FROM ", 1)[-1].split(" WHERE ")[0][:160]
    return {"query": shape, "execution_ms": round(plan["Execution Time"], 3),
            "planning_ms": round(plan["Planning Time"], 3), "scans": scans}


def _descendants(node):
    for child in node.get("Plans", []):
        yield child
        yield from _descendants(child)
