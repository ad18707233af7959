"""Every figure of the monitoring report on a fixed data set, and small-cell protection for the analyst."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from cases import actions
from cases.models import CaseStatus, Program
from referrals import actions as referral_actions
from reports.monitoring import HIDDEN, Scope, compute, protect
from reports.protection import SUPPRESSED
from safety.actions import default_recipients, open_notice

S = CaseStatus


@pytest.fixture
def region(cast, make_case, make_referral):
    """7 closed mediations with agreement (1 child + 1 adult each), 2 circles not held, 1 family conference
    on hold after a safety notice, 1 declined referral, 1 waiting referral — all this year."""
    for _ in range(7):
        make_case(upto=S.CLOSED)
    for _ in range(2):
        case = make_case(upto=S.PREPARATION, kind=Program.Kind.CIRCLE)
        actions.mark_not_held(case, actor=cast.facilitator, reason="party_refused")
        fields = actions.report_defaults(case)
        fields["summary"] = "Не проведена."
        actions.draft_report(case, actor=cast.facilitator, fields=fields, expected_version=0)
        actions.sign_report(case, actor=cast.coordinator)
    held = make_case(upto=S.PREPARATION, kind=Program.Kind.FAMILY_CONFERENCE)
    open_notice(held, actor=cast.facilitator, recipients=default_recipients(held), content="Угроза.")
    referral_actions.decline_referral(make_referral(), actor=cast.coordinator, reason="Не профиль службы.")
    make_referral()
    today = timezone.localdate()
    return Scope(datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))


def test_every_figure(region):
    report = compute(region)
    assert {k: report[k] for k in ["referrals", "accepted", "declined", "completed", "not_completed", "minors",
                                   "adults", "agreements", "agreement_share", "safety_notices", "facilitators",
                                   "days_to_first_meeting", "days_to_report"]} == {
        "referrals": 12, "accepted": 10, "declined": 1, "completed": 7, "not_completed": 2, "minors": 7,
        "adults": 7, "agreements": 7, "agreement_share": 100, "safety_notices": 1, "facilitators": 1,
        "days_to_first_meeting": 0.0, "days_to_report": 0.0,
    }
    def nonzero(rows):
        return [(label, n) for label, n in rows if n]

    assert nonzero(report["by_source"]) == [("КДНиЗП", 12)]
    assert nonzero(report["by_situation"]) == [("риск жестокого обращения с ребёнком в семье", 12)]
    assert nonzero(report["by_kind"]) == [("восстановительная медиация", 7),
                                          ("семейная восстановительная встреча", 1), ("круг сообщества", 2)]
    assert nonzero(report["not_completed_reasons"]) == [("сторона отказалась", 2)]
    assert nonzero(report["followup"]) == [("договор выполнен", 7)]
    # Every category and every month is there, zeros included (a vanishing row would tell it is empty).
    assert len(report["by_source"]) == len(Agency.Kind.choices) and len(report["trend"]) == 12
    assert sum(n for _m, n in report["trend"]) == 12
    # The previous period is empty, and exactly reproducible.
    assert compute(region.previous())["referrals"] == 0
    assert compute(region) == report


def test_the_benchmark_s_hand_sql_computes_what_the_report_computes(region, cast, make_case):
    """bench_monitoring times the report against hand-written SQL; the two must give the same rows, figure by
    figure, or the comparison is not fair. A case in follow-up with a harm-repair item fills the repairs."""
    from django.db import connection

    from cases.models import AgreementItem
    from reports.management.commands.bench_monitoring import differences, hand_sql, run_sql
    from reports.monitoring import _rows

    case = make_case(upto=S.FOLLOW_UP)
    AgreementItem.objects.filter(agreement__case=case).update(kind=AgreementItem.Kind.APOLOGY)
    report, hand = _rows(region), run_sql(hand_sql(connection.vendor), region)
    assert report.keys() == hand.keys() and len(report) == 14
    empty = {name for name in report if not any(any(v for v in row) for row in report[name])}
    assert empty <= {"training", "not_held_outcomes"}  # no events here; circles not held say «not held»
    assert differences(report, hand) == []
    # The comparison can fail: one figure changed on the hand side is found.
    hand["figures"] = [tuple(v + 1 if isinstance(v, int) else v for v in hand["figures"][0])]
    assert differences(report, hand) == ["figures"]


def test_scope_by_territory_and_agency(region, cast):
    other = Scope(region.start, region.end, territory_id=cast.far.territory_id)
    assert compute(other)["referrals"] == 0
    mine = Scope(region.start, region.end, agency_id=cast.commission.pk)
    assert compute(mine)["referrals"] == 12


def test_protection_hides_small_cells_withholds_complements_and_rounds(region):
    safe = protect(compute(region))
    assert (safe["declined"], safe["safety_notices"]) == (HIDDEN, HIDDEN)
    # 12 referrals and 7 minors are published rounded to 5; 7 completed beside 2 not completed is withheld («скрыто»),
    # not labelled «<5»: total minus the shown part must not give the 2.
    assert (safe["referrals"], safe["minors"]) == (10, 5)
    assert (safe["completed"], safe["not_completed"]) == (SUPPRESSED, HIDDEN)
    assert safe["agreement_share"] is None
    # The kinds: 7 / 1 / 2 / zeros — the small ones hold 3 together, so the 7 is withheld too.
    kinds = dict(safe["by_kind"])
    assert kinds["восстановительная медиация"] == SUPPRESSED and kinds["круг сообщества"] == HIDDEN
    assert all(value in (HIDDEN, SUPPRESSED) for value in kinds.values())
    rows = protect({**compute(region), "by_kind": [("a", 20), ("b", 3), ("c", 9)]})["by_kind"]
    assert rows == [("a", 20), ("b", HIDDEN), ("c", SUPPRESSED)]


def test_analyst_never_sees_a_cell_under_five(client, cast, region):
    client.force_login(cast.analyst)
    query = f"?start={region.start}&end={region.end}"
    page = client.get(reverse("monitoring") + query).content.decode()
    assert "&lt;5" in page
    data = json.loads(client.get(reverse("monitoring_export", args=["json"]) + query).content)
    from reports.monitoring import PEOPLE_FIGURES

    numbers = [v for k, v in data["figures"].items() if k in PEOPLE_FIGURES and isinstance(v, int)]
    numbers += [n for rows in data["breakdowns"].values() for _l, n in rows if isinstance(n, int)]
    assert numbers and all(n >= 5 and n % 5 == 0 for n in numbers if n is not None)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(reverse("monitoring_export", args=["xlsx"]) + query).content))
    from reports.monitoring import LABELS

    people = {str(LABELS[k]) for k in PEOPLE_FIGURES}
    figures = [row for row in book.worksheets[0].iter_rows(values_only=True) if row[0] in people]
    breakdowns = [row for ws in book.worksheets[1:] for row in ws.iter_rows(values_only=True)]
    values = [row[1] for row in figures + breakdowns if len(row) > 1]
    assert len(figures) == len(PEOPLE_FIGURES)
    assert all(not (isinstance(v, int) and (v < 5 or v % 5)) for v in values)
    assert "<5" in values


def test_coordinator_sees_exact_figures(client, cast, region):
    client.force_login(cast.coordinator)
    data = json.loads(client.get(reverse("monitoring_export", args=["json"])
                                 + f"?start={region.start}&end={region.end}").content)
    assert data["figures"]["declined"] == 1 and data["protected"] is False


def test_the_command_writes_the_same_figures_as_the_page(client, cast, region, tmp_path):
    out = tmp_path / "m.json"
    call_command("monitoring_report", "--from", str(region.start), "--to", str(region.end), "--format", "json",
                 "--output", str(out))
    client.force_login(cast.coordinator)
    page = json.loads(client.get(reverse("monitoring_export", args=["json"])
                                 + f"?start={region.start}&end={region.end}").content)
    command = json.loads(out.read_text())
    assert command["figures"] == page["figures"] and command["breakdowns"] == page["breakdowns"]
    for fmt in ("xlsx", "pdf"):
        target = tmp_path / f"m.{fmt}"
        call_command("monitoring_report", "--from", str(region.start), "--to", str(region.end), "--format", fmt,
                     "--output", str(target))
        assert target.stat().st_size > 1000


def test_pdf_has_the_figures_and_the_charts(client, cast, region):
    from .test_documents import pdf_text

    client.force_login(cast.coordinator)
    content = client.get(reverse("monitoring_export", args=["pdf"]) + f"?start={region.start}&end={region.end}")
    text = pdf_text(content.content)
    for expected in ["Мониторинг деятельности службы примирения", "Поступило направлений 12",
                     "Направления по месяцам", "Программы по видам"]:
        assert expected in text, expected


@pytest.mark.parametrize("login", ["secretary", "facilitator", "methodologist", "admin", "organiser"])
def test_other_roles_are_refused(client, cast, login):
    client.force_login(getattr(cast, login))
    assert client.get(reverse("monitoring")).status_code == 403
    assert client.get(reverse("monitoring_export", args=["json"])).status_code == 403


def test_a_period_ending_before_it_starts_is_explained(client, cast):
    client.force_login(cast.coordinator)
    page = client.get(reverse("monitoring") + "?start=2026-05-01&end=2026-01-01").content.decode()
    assert "Конец периода не может быть раньше начала." in page


def test_grant_indicators_take_actual_values_from_the_data_or_by_hand(client, cast, region):
    from reports.models import Indicator

    client.force_login(cast.coordinator)
    url = reverse("indicators")
    client.post(url, {"add_indicator": "1", "i-name": "Семьи в программах", "i-unit": "семей", "i-baseline": "3",
                      "i-rule": "completed"})
    client.post(url, {"add_indicator": "1", "i-name": "Обученные специалисты", "i-unit": "чел.",
                      "i-baseline": "0", "i-rule": ""})
    families, trained = Indicator.objects.order_by("id")
    period = {"p-start": str(region.start), "p-end": str(region.end), "add_period": "1"}
    client.post(url, {**period, "p-indicator": families.pk, "p-target": "5"})
    page = client.post(url, {**period, "p-indicator": families.pk, "p-target": "5", "p-manual_actual": "9"})
    assert "берётся из данных системы" in page.content.decode()  # a data-linked indicator takes no hand value
    client.post(url, {**period, "p-indicator": trained.pk, "p-target": "20", "p-manual_actual": "12",
                      "p-comment": "по спискам семинаров"})
    page = client.get(url).content.decode()
    assert '<strong>7</strong> <span class="status status-done">достигнуто' in page
    assert "<strong>12</strong>" in page and "по спискам семинаров" in page and "пока не достигнуто" in page
    # The analyst reads the table but cannot change it.
    client.force_login(cast.analyst)
    assert client.get(url).status_code == 200
    assert client.post(url, {"add_indicator": "1", "i-name": "x", "i-unit": "x", "i-baseline": "0"}).status_code == 403
    assert Indicator.objects.count() == 2


def test_coordinator_and_analyst_dashboards(client, cast, region):
    client.force_login(cast.coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "Нагрузка ведущих" in page and "Результаты за квартал" in page
    assert "Заключён договор (план семьи): <strong>7</strong>" in page
    client.force_login(cast.analyst)
    page = client.get(reverse("home")).content.decode()
    # Protected: with another territory at zero, the 12 would follow from the region's total — withheld.
    assert "Гагаринский" in page and "<td>12</td>" not in page and "<td>скрыто</td>" in page
    assert "<td>7</td>" not in page and "Смирнов" not in page


def test_people_trained_and_certificates(cast, region, make_event):
    from events import actions as event_actions

    from .conftest import participant

    event = make_event()
    people = [event_actions.register(event, fields=participant(n), consent=True, confirmed=True) for n in range(3)]
    for person in people:
        for session in event.sessions.all():
            event_actions.mark_attendance(person, session, actor=cast.organiser)
    event_actions.issue_certificates(event, actor=cast.organiser)
    event_actions.revoke(people[0].certificate, actor=cast.organiser, reason="ошибка")
    report = compute(region)
    assert (report["people_trained"], report["certificates"]) == (2, 2)
    assert protect(report)["certificates"] == 2  # not about children or families: shown as is


def test_report_figures_are_cached_for_a_while(client, cast, region, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.OPENDOOR_REPORT_CACHE_SECONDS = 300
    client.force_login(cast.coordinator)
    url = reverse("monitoring") + f"?start={region.start}&end={region.end}"
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        page = client.get(url).content.decode()
    assert len(second) < len(first) - 10 and "Поступило направлений" in page


def test_harm_repair_items_are_counted(cast, make_case):
    case = make_case(upto=S.PROGRAM)
    today = timezone.localdate()
    items = [{"kind": kind, "action": f"Пункт {n}", "responsible": "сын", "deadline": today, "checker": "мать"}
             for n, kind in enumerate(["apology", "restitution", "work", "behaviour", "other"])]
    agreement = actions.record_agreement(case, actor=cast.facilitator, concluded_on=today, text="", items=items)
    apology, restitution, work = agreement.items.filter(kind__in=["apology", "restitution", "work"]).order_by("id")
    actions.record_followup(apology, actor=cast.facilitator, result="done", checked_on=today)
    actions.record_followup(restitution, actor=cast.facilitator, result="not_done", checked_on=today)
    actions.record_followup(work, actor=cast.facilitator, result="not_done", checked_on=today)
    actions.record_followup(work, actor=cast.facilitator, result="done", checked_on=today)  # the latest counts
    scope = Scope(datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))
    report = compute(scope)
    assert (report["harm_repair_items"], report["harm_repair_done"]) == (3, 2)
    assert (protect(report)["harm_repair_items"], protect(report)["harm_repair_done"]) == ("<5", "<5")


def test_exports_carry_the_previous_period_and_mark_withheld_cells(client, cast, region):
    from openpyxl import load_workbook

    client.force_login(cast.analyst)
    query = f"?start={region.start}&end={region.end}"
    data = json.loads(client.get(reverse("monitoring_export", args=["json"]) + query).content)
    assert data["previous"]["period"]["from"] == str(region.start.replace(year=region.start.year - 1))
    assert len(data["previous"]["trend"]) == len(data["trend"]) == 12
    assert data["labels"]["referrals"] == "Поступило направлений"
    assert "скрыто" in [v for v in data["figures"].values()]
    book = load_workbook(io.BytesIO(client.get(reverse("monitoring_export", args=["xlsx"]) + query).content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "Показатель")
    assert header[:3] == ("Показатель", "Этот период", "Предыдущий период")
    assert "скрыто" in [v for r in rows for v in r] and sheet.auto_filter.ref
    months = book.worksheets[-1]
    month_rows = [r for r in months.iter_rows(values_only=True) if r and r[0] and str(r[0])[:2].isdigit()]
    assert len(month_rows) == 12 and month_rows[0][2] == f"01.{region.start.year - 1}"
    # The chart has a legend and a name for screen readers.
    page = client.get(reverse("monitoring") + query).content.decode()
    assert 'aria-label="Направления по месяцам"' in page and "предыдущий период</text>" in page
