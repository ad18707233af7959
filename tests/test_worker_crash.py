"""A worker killed with SIGKILL in the middle of a certificate batch: the next worker takes the batch up again,
finishes it, and no number is given twice. Real processes on a real (file) database, not a simulation."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                                reason="runs its own SQLite database; once per suite is enough")

SETUP = """
import datetime
from django.utils import timezone
from accounts.models import Agency, Membership, Role, User
from events import actions
from events.models import Event, EventSession
service = Agency.objects.create(kind="service", short_name="Служба", name="Служба примирения")
organiser = User.objects.create_user("org", password="x")
Membership.objects.create(user=organiser, agency=service, role=Role.ORGANISER)
today = timezone.localdate()
event = Event.objects.create(kind="seminar", title="Семинар", starts_on=today, ends_on=today, capacity=100,
                             organiser=organiser, training_hours=4)
session = EventSession.objects.create(event=event, title="Занятие", starts_at=timezone.now())
for n in range(COUNT):
    r = actions.register(event, fields={"full_name": f"Участник {n}", "position": "педагог", "agency": None,
                                        "agency_name": "Школа", "territory": None, "email": f"p{n}@example.ru",
                                        "phone": ""}, consent=True, confirmed=True)
    actions.mark_attendance(r, session, actor=organiser)
actions.issue_certificates(event, actor=organiser)
"""
COUNT = 40


def query(db, sql):
    with sqlite3.connect(db, timeout=20) as connection:
        return connection.execute(sql).fetchall()


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_worker_leaves_a_batch_that_the_next_worker_finishes(tmp_path):
    root = Path(settings.BASE_DIR)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDOOR_", "DJANGO_"))}
    env.update(OPENDOOR_DEMO="true", OPENDOOR_VAR_DIR=str(tmp_path), DATABASE_URL="",
               DJANGO_SETTINGS_MODULE="opendoor.settings", OPENDOOR_TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=root, timeout=300)
    subprocess.run([*manage, "shell", "-c", SETUP.replace("COUNT", str(COUNT))], env=env, check=True, cwd=root,
                   timeout=300)
    db = tmp_path / "opendoor.sqlite3"
    worker = subprocess.Popen([*manage, "run_worker"], env=env, cwd=root, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_for(lambda: query(db, "select done from events_certificatebatch")[0][0] >= 5)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    done, finished = query(db, "select done, finished_at from events_certificatebatch")[0]
    assert finished is None and 5 <= done < COUNT, "killed in the middle"
    statuses = [row[0] for row in query(db, "select status from django_tasks_database_dbtaskresult "
                                            "where task_path like '%render_certificates'")]
    assert statuses == ["RUNNING"]  # what the dead worker leaves behind

    worker = subprocess.Popen([*manage, "run_worker"], env=env, cwd=root, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_for(lambda: query(db, "select finished_at from events_certificatebatch")[0][0] is not None)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    done, total = query(db, "select done, total from events_certificatebatch")[0]
    numbers = [row[0] for row in query(db, "select number from events_certificate")]
    assert done == total == COUNT
    assert len(numbers) == len(set(numbers)) == COUNT
    assert query(db, "select count(*) from events_certificate where pdf_ready = 0")[0][0] == 0
    assert query(db, "select last from events_certificatecounter")[0][0] == COUNT
    files = sorted(p.stem for p in (tmp_path / "files" / "certificates").glob("*.pdf"))
    assert files == sorted(numbers)
