"""The PostgreSQL restore drill (`make restore-drill`): pg_dump the database in DATABASE_URL (custom format), restore
it into a scratch database, and check that every table of ops.backup's model set has the same row count and that
the audit chain verifies in the copy. Prints the figures and writes them to bench/results/restore-drill.json.

Files are not part of pg_dump: copy OPENDOOR_FILES_DIR with the dump (README, «Backup and restore»)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parent.parent
SOURCE = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/opendoor"
SCRATCH = "opendoor_restore_drill"


def counts(url):
    script = "import json; from ops.backup import counts; print(json.dumps(counts()))"
    env = {**os.environ, "DATABASE_URL": url, "OPENDOOR_DEMO": os.environ.get("OPENDOOR_DEMO", "true")}
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    config = dj_database_url.parse(SOURCE)
    admin = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"],
             "password": config["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    scratch_url = SOURCE.rsplit("/", 1)[0] + "/" + SCRATCH
    folder = ROOT / "var" / "drill"
    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / "opendoor.dump"
    began = time.perf_counter()
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), SOURCE], check=True)
    os.chmod(dump, 0o600)
    dumped = time.perf_counter()
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}"')  # nosec B608 - a constant name
        connection.execute(f'CREATE DATABASE "{SCRATCH}"')  # nosec B608 - a constant name
    subprocess.run(["pg_restore", "--no-owner", "-d", scratch_url, str(dump)], check=True)
    restored = time.perf_counter()
    before, after = counts(SOURCE), counts(scratch_url)
    # The copy is checked with the same OPENDOOR_AUDIT_KEY (or demo secret key) as the source's server uses.
    env = {**os.environ, "DATABASE_URL": scratch_url, "OPENDOOR_DEMO": os.environ.get("OPENDOOR_DEMO", "true")}
    audit = subprocess.run([sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True,
                           text=True)
    different = {label: (n, after.get(label)) for label, n in before.items() if after.get(label) != n}
    result = {"source": config["NAME"], "rows": sum(before.values()), "tables": len(before),
              "dump_mb": round(dump.stat().st_size / 2**20, 1), "dump_s": round(dumped - began, 1),
              "restore_s": round(restored - dumped, 1), "tables_differing": different,
              "audit": (audit.stdout or audit.stderr).strip()}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    (ROOT / "bench" / "results" / "restore-drill.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}"')  # nosec B608 - a constant name
    if different or audit.returncode:
        sys.exit("restore drill: the copy differs from the source")
    print("restore drill: every table's rows and the audit chain are the same in the restored copy")


if __name__ == "__main__":
    main()
