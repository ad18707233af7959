"""What the custom machinery on Django's internals buys on this database (issue 19): each page is timed as it is
and with the machinery replaced by plain Django, in this process (median of --runs requests after warm-ups, the
same client, the same URL). Prints a table and writes bench/results/simplicity-<label>.json. Not a test.

- `lib.renderers.FastRenderer`: inputs and selects written in Python; plain: Django's template renderer (its
  templates cached, as in production).

`lib.prepared` (the case page's lists compiled once per process) and `reports.monitoring._Compiled` (the
report's queries compiled once) were measured the same way at 50,000 cases on PostgreSQL and removed: 14 % and
no gain (bench/results/simplicity-postgresql-regional-before.json, docs/performance.md)."""

import json
import statistics
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from accounts.models import User
from cases.models import Case
from people.models import Person


@contextmanager
def plain_renderer():
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        yield


MACHINERY = {"renderer": plain_renderer}


class Command(BaseCommand):
    help = "Time pages with and without the custom machinery on Django's internals."

    def add_arguments(self, parser):
        parser.add_argument("--label", default="local")
        parser.add_argument("--runs", type=int, default=40)

    @override_settings(ALLOWED_HOSTS=["testserver"], OPENDOOR_REQUIRE_2FA=False)
    def handle(self, *args, label, runs, **options):
        case = Case.objects.filter(status="closed", agreement__isnull=False,
                                   report__isnull=False).order_by("-id").first()
        pages = [
            ("case page", "koordinator", reverse("case", args=[case.code]), ("renderer",)),
            ("monitoring report", "koordinator", reverse("monitoring"), ("renderer",)),
            ("case list with filters", "koordinator", reverse("cases") + "?status=closed", ("renderer",)),
            ("new referral form", "kdn", reverse("referral_new"), ("renderer",)),
            ("assigning facilitators", "koordinator", reverse("case_assign", args=[case.code]), ("renderer",)),
        ]
        results = []
        self.stdout.write(f"{'страница':<26} {'механизм':<10} {'как есть, мс':>13} {'без него, мс':>13} {'выигрыш':>8}")
        for title, username, url, pieces in pages:
            client = Client()
            client.force_login(User.objects.get(username=username))
            for piece in pieces:
                with_it = self._time(client, url, runs, ExitStack())
                without = self._time(client, url, runs, MACHINERY[piece]())
                gain = (without - with_it) / without
                results.append({"page": title, "url": url, "machinery": piece, "with_ms": round(with_it, 2),
                                "without_ms": round(without, 2), "gain": round(gain, 3)})
                self.stdout.write(f"{title:<26} {piece:<10} {with_it:>13.2f} {without:>13.2f} {gain:>8.1%}")
        data = {"label": label, "vendor": connection.vendor, "persons": Person.objects.count(),
                "cases": Case.objects.count(), "runs": runs, "pages": results}
        folder = Path(settings.BASE_DIR) / "bench" / "results"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"simplicity-{label}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))
        self.stdout.write(f"Случаев: {data['cases']}; записано: bench/results/simplicity-{label}.json")

    @staticmethod
    def _time(client, url, runs, context):
        with context:
            for _ in range(5):
                status = client.get(url).status_code
                if status != 200:
                    raise CommandError(f"{url}: HTTP {status}")
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)
