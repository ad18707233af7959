"""The person registry: search before create, what each role learns from it, merging and undoing a merge."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from people import actions as person_actions
from people import registry
from people.models import DuplicateCandidate, Person, PersonKey, PersonMerge
from referrals.models import ReferralPerson

CHILD_OTHER_CASE = {"surname": "Смирнову", "name": "Тёму", "patronymic": "Олеговича", "birth_date": "", "sex": ""}


def post_match(client, user, **fields):
    client.force_login(user)
    return client.post(reverse("person_match"), {**CHILD_OTHER_CASE, **fields})


def test_look_up_finds_the_child_in_another_grammatical_case_and_short_name(make_referral):
    child = make_referral().persons.get(role="child").person
    found = registry.lookup({"surname": "Смирнову", "name": "Тёму", "patronymic": "Олеговича"})
    assert [p for p, _, _ in found] == [child]
    reasons = registry.describe(found[0][2])
    assert {"фамилия в другом падеже или роде", "краткая форма того же имени", "то же отчество"} <= set(reasons)


def test_a_second_referral_of_the_same_family_is_flagged_for_the_coordinator(make_referral):
    first = make_referral()
    assert not first.persons.filter(possibly_known=True).exists()
    second = make_referral()
    assert set(second.persons.values_list("possibly_known", flat=True)) == {True}


def test_a_referrer_learns_only_that_the_person_is_known(client, cast, make_referral):
    make_referral(author=cast.guardian)  # another agency's referral: the secretary may not see it
    answer = post_match(client, cast.secretary).json()
    assert answer["known"] is True
    assert "уже известен службе" in answer["message"]
    assert "candidates" not in answer
    text = json.dumps(answer, ensure_ascii=False)
    assert "Смирнов " not in text and "Артём" not in text and "Олегович " not in text
    assert AuditEvent.objects.filter(action="person.lookup", actor=cast.secretary).exists()


def test_the_coordinator_sees_the_candidates_with_reasons(client, cast, make_referral):
    child = make_referral().persons.get(role="child").person
    answer = post_match(client, cast.coordinator).json()
    assert [c["code"] for c in answer["candidates"]] == [child.code]
    assert answer["candidates"][0]["reasons"]


def test_an_unknown_person_gives_no_hint(client, cast, make_referral):
    make_referral()
    answer = post_match(client, cast.secretary, surname="Новикова", name="Ирина", patronymic="").json()
    assert answer == {"known": False}


def test_the_look_up_takes_names_only_in_a_post_body(client, cast):
    client.force_login(cast.secretary)
    assert client.get(reverse("person_match"), {"surname": "Смирнов"}).status_code == 405


def test_look_ups_are_rate_limited(client, cast, make_referral, settings):
    import time_machine

    settings.OPENDOOR_MATCH_PER_MINUTE = 3
    make_referral()
    with time_machine.travel("2026-11-30 10:00:05+03:00", tick=False):  # all within one minute
        codes = [post_match(client, cast.secretary).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert "Слишком много" in post_match(client, cast.secretary).json()["error"]


def test_the_coordinator_links_a_referred_child_to_the_existing_record_and_can_undo(client, cast, make_referral):
    first = make_referral()
    existing = first.persons.get(role="child").person
    second = make_referral()
    new = second.persons.get(role="child").person
    client.force_login(cast.coordinator)
    page = client.get(reverse("referral", args=[second.code])).content.decode()
    assert "Это тот же человек: связать с этой записью" in page
    response = client.post(reverse("person_link", args=[new.code]),
                           {"into": existing.code, "referral": second.code})
    assert response.status_code == 302
    assert ReferralPerson.objects.get(referral=second, role="child").person == existing
    new.refresh_from_db()
    assert new.merged_into == existing
    assert not PersonKey.objects.filter(person=new).exists()
    history = client.get(reverse("person", args=[existing.code])).content.decode()
    assert history.count("Направление") >= 2
    assert AuditEvent.objects.filter(action="person.merge", object_code=existing.code).exists()
    merge = PersonMerge.objects.get()
    client.post(reverse("merge_undo", args=[merge.pk]), {"next": "person"})
    assert ReferralPerson.objects.get(referral=second, role="child").person == new
    new.refresh_from_db()
    assert new.merged_into is None and PersonKey.objects.filter(person=new).exists()
    assert AuditEvent.objects.filter(action="person.unmerge", object_code=new.code).exists()


def test_a_merge_is_refused_with_a_reason(cast, make_referral):
    from lib.errors import ActionError

    referral = make_referral()
    child, mother = (referral.persons.get(role=r).person for r in ("child", "parent"))
    with pytest.raises(ActionError, match="в одном направлении"):
        person_actions.merge_persons(child, mother, actor=cast.coordinator)
    with pytest.raises(ActionError):
        person_actions.merge_persons(child, child, actor=cast.coordinator)


def test_a_merged_record_is_no_longer_reachable(client, cast, make_referral):
    existing = make_referral().persons.get(role="child").person
    new = make_referral().persons.get(role="child").person
    person_actions.merge_persons(existing, new, actor=cast.coordinator)
    client.force_login(cast.coordinator)
    assert client.get(reverse("person", args=[new.code])).status_code == 404


def test_find_duplicates_queues_pairs_once_and_the_coordinator_decides(client, cast, make_referral):
    make_referral()
    make_referral()
    call_command("find_duplicates")
    assert DuplicateCandidate.objects.count() == 2  # the child and the mother
    call_command("find_duplicates")
    assert DuplicateCandidate.objects.count() == 2
    client.force_login(cast.coordinator)
    page = client.get(reverse("duplicates")).content.decode()
    assert "Смирнова Ольга Петровна" in page
    assert "Это один человек: оставить запись 1" in page
    child_pair, mother_pair = DuplicateCandidate.objects.order_by("first__name")
    client.post(reverse("duplicate_decide", args=[child_pair.pk]), {"decision": "keep_first"})
    client.post(reverse("duplicate_decide", args=[mother_pair.pk]), {"decision": "distinct"})
    statuses = dict(DuplicateCandidate.objects.values_list("pk", "status"))
    assert statuses == {child_pair.pk: "merged", mother_pair.pk: "distinct"}
    assert Person.objects.get(pk=child_pair.second_id).merged_into_id == child_pair.first_id


def test_registry_search_is_a_post_and_finds_latin_spelling(client, cast, make_referral):
    make_referral()
    client.force_login(cast.coordinator)
    page = client.post(reverse("registry"), {"surname": "Smirnov", "name": "Artem", "patronymic": "Olegovich"})
    assert "Смирнов Артём Олегович" in page.content.decode()


def test_depersonalised_persons_leave_the_registry_keys(cast, make_referral):
    person = make_referral().persons.get(role="child").person
    assert PersonKey.objects.filter(person=person).exists()
    from django.utils import timezone

    person.depersonalised_at = timezone.now()
    person.save()
    assert not PersonKey.objects.filter(person=person).exists()


def test_a_merge_moves_every_row_that_names_the_person_found_from_the_model_registry(cast, make_case):
    """The registry knows no app above it: the rows a merge moves (referral roles, participations, conflicts of
    interest …) are found from Django's model registry, so a new model naming a person is moved too."""
    from cases import actions
    from cases.models import CaseStatus, Conflict

    case = make_case(upto=CaseStatus.PREPARATION)
    child = case.referral.persons.get(role="child").person
    twin = Person.objects.create(surname=child.surname, name=child.name, patronymic=child.patronymic,
                                 birth_date=child.birth_date)
    actions.declare_conflict(case, actor=cast.facilitator, facilitator=cast.facilitator, person=child,
                             reason="соседи")
    record = person_actions.merge_persons(twin, child, actor=cast.coordinator)
    assert set(record.moved) == {"referral_roles", "participations", "conflicts"}
    assert Conflict.objects.get().person == twin and case.participants.filter(person=twin).exists()
    person_actions.undo_merge(record, actor=cast.coordinator)
    assert Conflict.objects.get().person == child
