"""The audit viewer, its filters and export, and the chain verification command."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import CaseStatus


def test_admin_filters_the_log_by_user_object_action_and_period(client, cast, make_case):
    case = make_case(upto=CaseStatus.SCREENING)
    other = make_case(upto=CaseStatus.REGISTERED)
    client.force_login(cast.admin)
    page = client.get(reverse("audit") + f"?object={case.code}").content.decode()
    assert case.code in page and other.code not in page
    page = client.get(reverse("audit") + f"?actor={cast.facilitator.pk}").content.decode()
    assert '<code class="muted">case.assign</code>' not in page  # the coordinator assigned; the facilitator did not
    page = client.get(reverse("audit") + "?action=case.assign").content.decode()
    assert page.count('<code class="muted">case.assign</code>') == 1
    page = client.get(reverse("audit") + f"?agency={cast.commission.pk}&action=referral.submit").content.decode()
    assert page.count('<code class="muted">referral.submit</code>') == 2
    page = client.get(reverse("audit") + "?since=2000-01-01&until=2000-01-02").content.decode()
    assert "Записей нет." in page


def test_export_is_a_csv_of_the_filtered_rows_and_is_audited(client, cast, make_case):
    case = make_case(upto=CaseStatus.SCREENING)
    client.force_login(cast.admin)
    response = client.get(reverse("audit_export") + f"?object={case.code}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["id", "time", "actor", "kind", "action"]
    assert {r[7] for r in rows[1:]} == {case.code} and rows[0][5] == "action_label"
    assert "Смирнов" not in response.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="audit.export", actor=cast.admin, kind="export").count() == 1


@pytest.mark.parametrize("login", ["coordinator", "facilitator", "secretary", "analyst"])
def test_only_administrators_read_the_log(client, cast, login):
    client.force_login(getattr(cast, login))
    assert client.get(reverse("audit")).status_code == 403
    assert client.get(reverse("audit_export")).status_code == 403


def test_verify_command_names_the_first_broken_row(cast, make_case, capsys):
    make_case(upto=CaseStatus.SCREENING)
    call_command("verify_audit")
    assert "Журнал аудита цел" in capsys.readouterr().out
    rows = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [rows[2]])
    with pytest.raises(CommandError, match=f"на записи {rows[3]}"):
        call_command("verify_audit")


def test_the_page_shows_a_broken_chain(client, cast, make_case):
    make_case(upto=CaseStatus.REGISTERED)
    first = AuditEvent.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET fields = %s WHERE id = %s", ['["forged"]', first.pk])
    client.force_login(cast.admin)
    page = client.get(reverse("audit") + "?verify=1").content.decode()
    assert f"Цепочка журнала аудита нарушена: на записи {first.pk}: запись изменена" in page


def test_recomputing_the_chain_without_the_key_is_detected(cast, make_case):
    """Whoever can write to the database edits a row and recomputes every later link with plain SHA-256 (as the
    old chain was): without the key the links cannot be right."""
    import hashlib

    from audit.log import verify_chain
    from audit.models import AuditHead

    make_case(upto=CaseStatus.SCREENING)
    rows = list(AuditEvent.objects.order_by("id"))
    prev = rows[1].prev_hash
    with connection.cursor() as cursor:
        for position, row in enumerate(rows[1:], start=1):
            action = "forged" if position == 1 else row.action
            payload = "|".join([prev, row.at.isoformat(), str(row.actor_id or ""), row.kind, action, row.object_type,
                                row.object_code, ",".join(row.fields)])
            new = hashlib.sha256(payload.encode()).hexdigest()
            cursor.execute("UPDATE audit_auditevent SET action = %s, prev_hash = %s, row_hash = %s WHERE id = %s",
                           [action, prev, new, row.pk])
            prev = new
    AuditHead.objects.filter(pk=1).update(row_hash=prev)
    assert verify_chain() == rows[1].pk


def test_cutting_the_tail_is_detected_by_the_head_and_by_the_anchors(cast, make_case, settings):
    from audit.log import file_anchors, verify_chain, write_anchor
    from audit.models import AuditAnchor, AuditHead

    make_case(upto=CaseStatus.FOLLOW_UP)
    anchor = write_anchor()
    assert file_anchors() == [(anchor.count, anchor.row_hash)]
    rows = list(AuditEvent.objects.order_by("id"))
    with connection.cursor() as cursor:  # delete the last 5 rows behind the ORM's back
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [rows[-5].pk])
    assert "в конце удалены" in str(verify_chain())
    # The intruder also rewrites the head and the anchor rows in the database: the anchor file still tells.
    AuditHead.objects.filter(pk=1).update(count=len(rows) - 5, row_hash=rows[-6].row_hash)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditanchor")
    assert AuditAnchor.objects.count() == 0
    broken = verify_chain()
    assert broken is not None and f"якорь помнит {len(rows)} записей" in str(broken)
    with pytest.raises(CommandError, match="записи в конце удалены"):
        call_command("verify_audit")
    # An anchor from the administrators' e-mail alone tells too.
    import os

    os.remove(settings.OPENDOOR_AUDIT_ANCHOR_FILE)
    assert verify_chain() is None  # nothing outside remembers the end …
    with pytest.raises(CommandError, match="записи в конце удалены"):
        call_command("verify_audit", "--anchor", str(anchor.count), anchor.row_hash)  # … but the e-mail does


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql" and "postgres" not in __import__("os").environ.get(
    "DATABASE_URL", ""), reason="two real connections writing at once: PostgreSQL")
def test_concurrent_writers_keep_one_chain(cast):
    """Two connections append audit rows at the same time; every row chains to the true last one (the old
    "lock the last row" let two writers chain to the same parent and raised false alarms)."""
    import threading

    from django.db import connections

    from audit import log
    from audit.log import verify_chain

    barrier = threading.Barrier(2)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(60):
                log.record(cast.admin, f"test.concurrent.{n}.{i}", cast.admin)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(action__startswith="test.concurrent.").count() == 120
    assert verify_chain() is None
