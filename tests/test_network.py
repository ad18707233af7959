"""Confidentiality across the network: what each organisation learns of a family it did not work with."""

from django.urls import reverse

from cases import actions as case_actions
from cases.models import Case, CaseStatus
from safety.actions import open_notice


def _stage(client, user, referral):
    client.force_login(user)
    page = client.get(reverse("referral", args=[referral.code])).content.decode()
    start = page.index("Этап")
    return page[start:start + 200]


def test_a_referrer_not_told_of_the_danger_reads_only_that_the_work_is_paused(client, cast, make_case):
    case = make_case(upto=CaseStatus.PROGRAM, author=cast.teacher)
    open_notice(case, actor=cast.coordinator, recipients=[cast.guardianship, cast.commission],
                content="Отец угрожает ребёнку")
    stage = _stage(client, cast.teacher, case.referral)
    assert "приостановлена" in stage and "безопасност" not in stage
    # The service itself sees the status.
    assert "безопасность ребёнка" in _stage(client, cast.coordinator, case.referral)


def test_a_referrer_that_received_the_notice_reads_why(client, cast, make_case):
    case = make_case(upto=CaseStatus.PROGRAM)  # referred by the commission, a recipient below
    open_notice(case, actor=cast.coordinator, recipients=[cast.commission], content="Отец угрожает ребёнку")
    assert "безопасность ребёнка" in _stage(client, cast.secretary, case.referral)


def test_an_outcome_reaches_the_referrer_only_with_the_signed_answer(client, cast, make_case):
    case = make_case(upto=CaseStatus.SCREENING)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.NOT_SUITABLE)
    stage = _stage(client, cast.secretary, case.referral)
    assert "не подходит" not in stage and "служба работает" in stage


def test_the_webhook_tells_the_agency_no_more_than_its_page(cast, make_case):
    from api import tokens
    from api.models import WebhookDelivery
    from api.webhooks import notify

    case = make_case(upto=CaseStatus.PROGRAM, author=cast.teacher)
    tokens.issue(agency=cast.school, name="школа", scopes=["referrals:read"], actor=cast.admin,
                 webhook_url="https://school.example/hook")
    open_notice(case, actor=cast.coordinator, recipients=[cast.guardianship], content="Отец угрожает ребёнку")
    case.refresh_from_db()
    WebhookDelivery.objects.all().delete()
    notify(case.referral, "referral.status")
    assert WebhookDelivery.objects.get().payload["case_status"] == "paused"


def test_the_organiser_does_not_read_the_case_library(client, cast):
    client.force_login(cast.organiser)
    assert client.get(reverse("library")).status_code == 403


# --- the person registry: each service its own part ---------------------------------------------------------------

def _journal(path, person):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Дата", "ФИО ребенка", "Дата рождения", "Программа"])
    book.active.append(["01.02.2024", f"{person.surname} {person.name} {person.patronymic}",
                        person.birth_date.strftime("%d.%m.%Y"), "медиация"])
    book.save(path)
    return path


def _import(path, service, actor):
    from cases import journal_import

    preview = journal_import.check(journal_import.read(path), service)
    return case_actions.import_journal(preview, service=service, actor=actor, file_name="j.xlsx", file_hash="h")


def test_another_service_importing_a_child_of_the_first_gets_its_own_record_and_no_data(
        client, cast, make_case, tmp_path):
    from people.models import Person
    from people.registry import find_duplicates

    case = make_case(upto=CaseStatus.PROGRAM)
    child = case.referral.persons.get(role="child").person
    child.address = "ул. Секретная, 7"
    child.save()
    _import(_journal(tmp_path / "b.xlsx", child), cast.service_b, cast.coordinator_b)
    theirs = Person.objects.exclude(pk=child.pk).get(surname=child.surname, name=child.name)
    assert theirs.referral_roles.get().referral.service == cast.service_b

    client.force_login(cast.coordinator_b)
    assert client.get(reverse("person", args=[child.code])).status_code == 404
    assert client.get(reverse("person_export", args=[child.code])).status_code == 404
    page = client.get(reverse("person", args=[theirs.code])).content.decode()
    assert "Секретная" not in page and case.journal_number not in page
    # The nightly scan tells each side only that another service may know the person.
    find_duplicates()
    page = client.get(reverse("duplicates")).content.decode()
    assert "Возможно, известен другой службе сети" in page and "Служба «Открытая дверь»" in page
    assert child.code not in page and "Секретная" not in page
    from people.models import DuplicateCandidate

    candidate = DuplicateCandidate.objects.get()
    assert client.post(reverse("duplicate_ask", args=[candidate.pk])).status_code == 302
    from accounts.models import Notification

    note = Notification.objects.get(user=cast.coordinator)
    assert "Служба Велиж" in note.text and note.url == reverse("person", args=[child.code])
    # The first service sees the same from its side, and neither can merge across.
    client.force_login(cast.coordinator)
    page = client.get(reverse("duplicates")).content.decode()
    assert "Служба Велиж" in page and theirs.code not in page
    assert client.post(reverse("duplicate_decide", args=[candidate.pk]), {"decision": "keep_first"}).status_code == 404


def test_a_person_page_shows_only_the_viewers_service_part(client, cast, make_case, make_referral):
    from referrals.models import Referral

    case = make_case(upto=CaseStatus.PROGRAM)
    child = case.referral.persons.get(role="child").person
    # Legacy data: one record named in referrals to both services.
    other = make_referral(author=cast.outsider)
    Referral.objects.filter(pk=other.pk).update(service=cast.service_b)
    other.persons.create(person=child, role="child")
    client.force_login(cast.coordinator_b)
    page = client.get(reverse("person", args=[child.code])).content.decode()
    assert "КДНиЗП Велиж" in page and "КДНиЗП Гагарин" not in page
    assert case.journal_number not in page
    # Contact details the first service holds are neither shown nor correctable by the second.
    child.phone = "+7 900 555-44-33"
    child.save()
    page = client.get(reverse("person", args=[child.code])).content.decode()
    assert "555-44-33" not in page
    assert client.post(reverse("person", args=[child.code]), {"phone": "1"}).status_code == 403
    from .test_documents import pdf_text

    assert "555-44-33" not in pdf_text(client.get(reverse("person_export", args=[child.code])).content)


def test_persons_of_an_unsent_draft_are_in_nobodys_registry(client, cast, make_referral):
    draft = make_referral(submit=False)
    child = draft.persons.get(role="child").person
    client.force_login(cast.coordinator)
    assert client.get(reverse("person", args=[child.code])).status_code == 404
    assert child.code not in client.get(reverse("registry")).content.decode()
    fields = {"surname": child.surname, "name": child.name, "patronymic": child.patronymic,
              "birth_date": child.birth_date.isoformat()}
    assert client.post(reverse("person_match"), fields).json()["candidates"] == []
    client.force_login(cast.guardian)
    assert client.post(reverse("person_match"), fields).json()["known"] is False


def test_the_look_up_answers_within_the_territory_and_never_reveals_a_birth_date(client, cast, make_referral,
                                                                                 settings):
    import datetime

    settings.OPENDOOR_MATCH_PER_MINUTE = 1000  # the attack is allowed as many look-ups as it likes
    child = make_referral().persons.get(role="child").person
    fields = {"surname": child.surname, "name": child.name, "patronymic": child.patronymic}
    client.force_login(cast.outsider)  # a commission of another district
    assert client.post(reverse("person_match"), {**fields, "birth_date": child.birth_date.isoformat()}
                       ).json()["known"] is False
    client.force_login(cast.teacher)  # a school of the same district
    answers = set()
    day = datetime.date(child.birth_date.year, 1, 1)
    for n in range(64):
        answer = client.post(reverse("person_match"),
                             {**fields, "birth_date": (day + datetime.timedelta(days=n * 5)).isoformat()}).json()
        assert "reasons" not in answer and "candidates" not in answer
        answers.add(answer["known"])
    answer = client.post(reverse("person_match"), {**fields, "birth_date": child.birth_date.isoformat()}).json()
    answers.add(answer["known"])
    assert answers == {True}  # the same answer whatever the date: nothing to search by


# --- statistics that cannot be differenced ------------------------------------------------------------------------

def _json(client, user, query):
    import json

    client.force_login(user)
    return json.loads(client.get(reverse("monitoring_export", args=["json"]) + query).content)


def test_outside_the_service_periods_are_calendar_months_quarters_or_years(client, cast, make_case):
    import datetime

    from django.utils import timezone

    make_case(upto=CaseStatus.SCREENING)
    today = timezone.localdate()
    for user in (cast.analyst, cast.coordinator_b):
        day = _json(client, user, f"?start={today}&end={today}&network=1")
        # A one-day window is refused; the figures given are the year's.
        assert day["period"] == {"from": f"{today.year}-01-01", "to": f"{today.year}-12-31"}
        client.force_login(user)
        page = client.get(reverse("monitoring") + f"?start={today}&end={today}&network=1").content.decode()
        assert "календарный месяц, квартал или год" in page
    month = datetime.date(today.year, today.month, 1)
    data = _json(client, cast.analyst, f"?start={month}&end={month.replace(day=28) + datetime.timedelta(days=4)}")
    assert data["period"]["from"] == f"{today.year}-01-01"  # 1st to 1st of next month is not a month either


def test_zero_and_small_counts_look_the_same_and_averages_over_few_cases_are_withheld(client, cast, make_case):
    make_case(upto=CaseStatus.FOLLOW_UP)
    data = _json(client, cast.analyst, "")
    from reports.monitoring import PEOPLE_FIGURES

    for key in PEOPLE_FIGURES:
        assert data["figures"][key] not in (0, 1, 2, 3, 4), key
    assert data["figures"]["days_to_first_meeting"] is None and data["figures"]["agreement_share"] is None
    for rows in data["breakdowns"].values():
        assert all(n not in (0, 1, 2, 3, 4) for _label, n in rows)
    assert all(n not in (0, 1, 2, 3, 4) for _month, n in data["trend"])


def test_totals_minus_the_shown_parts_never_give_one_hidden_cell(cast, make_case, make_referral):
    """Every table of the protected report, for a region of many small groups: wherever a cell is hidden, at
    least two are, holding at least 5 together — subtracting gives only a protected sum."""
    import datetime

    from django.utils import timezone

    from reports.monitoring import PEOPLE_BREAKDOWNS, Scope, compute, protect
    from reports.protection import HIDDEN, SUPPRESSED, THRESHOLD

    for _ in range(9):
        make_referral()
    make_referral(author=cast.teacher)
    make_case(upto=CaseStatus.PROGRAM, author=cast.guardian)
    today = timezone.localdate()
    raw = compute(Scope(datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)))
    safe = protect(raw)
    tables = [(raw[k], safe[k]) for k in PEOPLE_BREAKDOWNS] + [(raw["trend"], safe["trend"])]
    for rows, shown in tables:
        hidden = [n for (_l, n), (_l2, s) in zip(rows, shown, strict=True) if s in (HIDDEN, SUPPRESSED)]
        if hidden:
            assert len(hidden) >= 2 and (sum(hidden) >= THRESHOLD or len(hidden) == len(rows)), (rows, shown)
        for (_l, n), (_l2, s) in zip(rows, shown, strict=True):
            assert s != HIDDEN or n < THRESHOLD  # «<5» is never a false label
            assert s != SUPPRESSED or n >= THRESHOLD


def test_a_second_service_sees_its_own_figures_exactly_and_the_network_protected(client, cast, make_case):
    import datetime

    for _ in range(6):
        make_case(upto=CaseStatus.SCREENING)
    own = _json(client, cast.coordinator_b, "")
    assert own["protected"] is False and own["figures"]["referrals"] == 0  # its own service: none
    network = _json(client, cast.coordinator_b, "?network=1")
    assert network["protected"] is True and network["figures"]["referrals"] == 5  # 6, rounded
    first = _json(client, cast.coordinator, "")
    assert first["protected"] is False and first["figures"]["referrals"] == 6
    # Grant indicators belong to a service: another service's coordinator neither sees nor extends them.
    from reports.models import Indicator, IndicatorPeriod

    theirs = Indicator.objects.create(name="Семьи, получившие помощь", rule="referrals", service=cast.service)
    client.force_login(cast.coordinator_b)
    assert "Семьи, получившие помощь" not in client.get(reverse("indicators")).content.decode()
    client.post(reverse("indicators"), {"add_period": "1", "p-indicator": theirs.pk, "p-start": "2026-01-01",
                                        "p-end": "2026-12-31", "p-target": "10"})
    assert not IndicatorPeriod.objects.exists()
    # The analyst sees it, with the actual value protected (6 referrals → 5).
    IndicatorPeriod.objects.create(indicator=theirs, start=datetime.date(2026, 1, 1),
                                   end=datetime.date(2026, 12, 31), target=10)
    client.force_login(cast.analyst)
    page = client.get(reverse("indicators")).content.decode()
    assert "Семьи, получившие помощь" in page and "<strong>5</strong>" in page
