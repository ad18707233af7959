"""Benchmark of person matching: the project's matcher next to splink on the same synthetic data.

Not a test: it prints figures and writes them to bench/results/matching.json. For each size and each of two
sets — the tuning set (seed 2026, the one the matcher's prior was chosen on) and the held-out set
(synthetic.HELD_OUT: another seed, another share of duplicates and another mix of noise) — it generates synthetic
Russian persons with known duplicates, runs `manage.py match_csv` on the raw CSV and `bench/splink_match.py` (in
the splink environment) on the same records parsed and normalised by the matcher's own parser
(records.normalised: surname key, full first name, nominative patronymic, ISO date, sex), and scores both against
the truth. Both get the same prior — the probability that two random records are one person, 2^0.2 / N
(score.prior) — and the same rule for a match: probability at least 0.5. With --lookup N it fills the configured
database with N synthetic persons (once) and times the search-before-create look-up.
"""

import csv
import datetime
import json
import os
import random
import statistics
import subprocess  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from lib import sheets
from people import registry
from people.matching import parse, synthetic
from people.matching.records import normalised
from people.matching.score import prior
from people.models import Person

RESULTS = Path(settings.BASE_DIR) / "bench" / "results" / "matching.json"


def write_csv(rows, path):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "surname", "name", "patronymic", "birth_date", "sex"])
        for row in rows:
            writer.writerow(sheets.csv_values(row[:6]))


def read_pairs(path):
    with open(path, encoding="utf-8") as handle:
        return [(r[0], r[1]) for r in csv.reader(handle) if r and r[0] != "id1"]


def write_normalised(rows, path):
    """The records as the matcher's parser reads them, for splink; returns the seconds the parsing took."""
    started = time.perf_counter()
    parsed = [normalised(parse(*row[:6])) for row in rows]
    seconds = time.perf_counter() - started
    write_csv(parsed, path)
    return seconds


def timed(command):
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)  # nosec B603
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-2000:])
    return seconds


class Command(BaseCommand):
    help = "Precision, recall, F1 and time of the person matcher next to splink; look-up time at N persons."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
        parser.add_argument("--splink", default="", help="python of the environment with splink (.venv-bench)")
        parser.add_argument("--lookup", type=int, default=0, help="persons in the database for the look-up timing")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, sizes, splink, lookup, seed, **options):
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        sets = {"tuning": {"seed": seed}, "held-out": {k: v for k, v in synthetic.HELD_OUT.items()}}
        for size in sizes:
            for name, params in sets.items():
                results[f"batch-{size}-{name}"] = self.batch(size, splink, name, params)
                RESULTS.parent.mkdir(parents=True, exist_ok=True)
                RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        if lookup:
            results[f"lookup-{connection.vendor}-{lookup}"] = self.lookup(lookup, seed)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(f"→ {RESULTS.relative_to(settings.BASE_DIR)}")

    def batch(self, size, splink, set_name, params):
        rows = synthetic.generate(size, **params)
        truth = synthetic.true_pairs(rows)
        odds = 2 ** prior(len(rows))
        result = {"set": set_name, "generator": params, "records": len(rows), "true_pairs": len(truth),
                  "noise": synthetic.NOISES, "measured": datetime.date.today().isoformat(),
                  "prior_probability": odds / (1 + odds), "threshold": 0.5}
        with tempfile.TemporaryDirectory() as directory:
            source = os.path.join(directory, "persons.csv")
            write_csv(rows, source)
            tools = {"opendoor": ([sys.executable, "manage.py", "match_csv", source], [])}
            if splink:
                prepared = os.path.join(directory, "persons-normalised.csv")
                result["normalise_seconds"] = round(write_normalised(rows, prepared), 1)
                tools["splink"] = ([splink, "bench/splink_match.py", prepared],
                                   ["--prior", str(result["prior_probability"])])
            for tool, (command, options) in tools.items():
                target = os.path.join(directory, f"{tool}.csv")
                seconds = timed([*command, target, *options])
                scores = synthetic.evaluate(read_pairs(target), truth)
                result[tool] = {**scores, "seconds": round(seconds, 1)}
                self.stdout.write(f"{set_name:<9} {len(rows):>9} records  {tool:<9} P {scores['precision']:.4f}  "
                                  f"R {scores['recall']:.4f}  F1 {scores['f1']:.4f}  {seconds:8.1f} s")
        return result

    def lookup(self, size, seed):
        have = Person.objects.count()
        if have < size:
            self.stdout.write(f"Filling the registry: {have} → {size} persons …")
            started = time.perf_counter()
            rows = synthetic.generate(size - have, seed=seed + 1)
            while have + len(rows) < size:  # the generator gives about, not exactly, the number asked for
                rows += synthetic.generate(size - have - len(rows) + 100, seed=seed + len(rows))
            rows = rows[: size - have]
            for start in range(0, len(rows), 20_000):
                chunk = rows[start:start + 20_000]
                with transaction.atomic():
                    registry.add_registry_keys(Person.objects.bulk_create(
                        Person(surname=r[1], name=r[2], patronymic=r[3], sex=r[5] if r[5] in ("m", "f") else "",
                               birth_date=datetime.date.fromisoformat(r[4]) if r[4] else None) for r in chunk))
            self.stdout.write(f"  {time.perf_counter() - started:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE people_person; ANALYZE people_personkey")
        rng = random.Random(seed)  # nosec B311
        _, forms = synthetic._names_by_sex()
        sample = list(Person.objects.order_by("?").values("surname", "name", "patronymic", "birth_date", "sex")[:300])
        queries = []
        for person in sample:
            base = {k: (v or "").lower() if k != "birth_date" else v for k, v in person.items()}
            kind = rng.choice(synthetic.NOISES)
            noisy = synthetic.add_noise(base, kind, rng, forms, ["петров"])
            queries.append(noisy)
        times, found = [], 0
        for query in queries:
            started = time.perf_counter()
            hits = registry.lookup(query)
            times.append((time.perf_counter() - started) * 1000)
            found += bool(hits)
        times.sort()
        result = {"persons": Person.objects.count(), "lookups": len(times),
                  "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(len(times) * 0.95)], 1),
                  "max_ms": round(times[-1], 1), "with_candidates": found}
        self.stdout.write(f"look-up at {result['persons']} persons ({connection.vendor}): p50 {result['p50_ms']} ms, "
                          f"p95 {result['p95_ms']} ms, max {result['max_ms']} ms")
        return result
