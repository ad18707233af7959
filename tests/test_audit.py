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
    assert "<td>case.assign</td>" not in page  # the coordinator assigned; the facilitator did not
    page = client.get(reverse("audit") + "?action=case.assign").content.decode()
    assert page.count("<td>case.assign</td>") == 1
    page = client.get(reverse("audit") + f"?agency={cast.commission.pk}&action=referral.submit").content.decode()
    assert page.count("<td>referral.submit</td>") == 2
    page = client.get(reverse("audit") + "?since=2000-01-01&until=2000-01-02").content.decode()
    assert "Записей нет." in page


def test_export_is_a_csv_of_the_filtered_rows_and_is_audited(client, cast, make_case):
    case = make_case(upto=CaseStatus.SCREENING)
    client.force_login(cast.admin)
    response = client.get(reverse("audit_export") + f"?object={case.code}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["id", "time", "actor", "kind", "action"]
    assert {r[6] for r in rows[1:]} == {case.code}
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
    with pytest.raises(CommandError, match=f"записи {rows[3]}"):
        call_command("verify_audit")


def test_the_page_shows_a_broken_chain(client, cast, make_case):
    make_case(upto=CaseStatus.REGISTERED)
    first = AuditEvent.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET fields = %s WHERE id = %s", ['["forged"]', first.pk])
    client.force_login(cast.admin)
    page = client.get(reverse("audit") + "?verify=1").content.decode()
    assert f"Цепочка нарушена на записи {first.pk}." in page
