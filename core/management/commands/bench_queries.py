"""Count the SQL queries of the main pages on the current database: the count must not grow with the data.
Prints a table and writes bench/results/queries-<label>.json. Not a test."""

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

    @override_settings(ALLOWED_HOSTS=["testserver"], OPENDOOR_REQUIRE_2FA=False)
    def handle(self, *args, label, **options):
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
        results = []
        for title, username, url in pages:
            client = Client()
            if username:
                client.force_login(User.objects.get(username=username))
            client.get(url)  # warm caches of this process (translations, templates)
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            results.append({"page": title, "url": url, "status": status, "queries": len(queries)})
            self.stdout.write(f"{title:<28} {len(queries):>4} запросов  (HTTP {status})")
        data = {"label": label, "persons": Person.objects.count(), "cases": Case.objects.count(), "pages": results}
        folder = Path(settings.BASE_DIR) / "bench" / "results"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"queries-{label}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))
        self.stdout.write(f"Людей: {data['persons']}, случаев: {data['cases']}; записано: "
                          f"bench/results/queries-{label}.json")
