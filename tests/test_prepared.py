"""lib.prepared: a queryset compiled once, run with other values, gives what the queryset itself gives."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseStatus, Participant
from lib.prepared import Prepared


def test_a_prepared_queryset_returns_what_the_queryset_returns(cast, make_case):
    first, second = make_case(upto=CaseStatus.PROGRAM), make_case(upto=CaseStatus.PROGRAM)
    built = []

    def build(case):
        built.append(case)
        return Participant.objects.filter(case_id=case).select_related("person").prefetch_related("consents")

    participants = Prepared(build)
    for case in (first, second, first):
        rows = participants(case=case.pk)
        expected = list(build(case.pk))
        assert [(p.pk, p.person.surname, [c.pk for c in p.consents.all()]) for p in rows] == \
               [(p.pk, p.person.surname, [c.pk for c in p.consents.all()]) for p in expected]
        with CaptureQueriesContext(connection) as queries:
            assert rows[0].person.full_name and list(rows[0].consents.all())
        assert len(queries) == 0  # the joined person and the prefetched consents came with the rows
    assert len(built) == 1 + 3  # compiled once (with sentinels); the other builds are the expected lists above


def test_lists_strings_and_empty_lists(cast, make_case):
    cases = [make_case(upto=CaseStatus.SCREENING) for _ in range(3)]
    by_codes = Prepared(lambda codes, status: Case.objects.filter(code__in=codes, status=status).order_by("id"))
    assert [c.pk for c in by_codes(codes=[cases[0].code, cases[2].code], status="screening")] == \
           [cases[0].pk, cases[2].pk]
    assert [c.pk for c in by_codes(codes=[cases[1].code, cases[0].code], status="screening")] == \
           [cases[0].pk, cases[1].pk]
    assert by_codes(codes=[cases[1].code], status="closed") == []
    assert by_codes(codes=[], status="screening") == []
    assert len(by_codes.plans) == 3  # one plan per shape: two codes, one code, none


def test_a_value_that_does_not_reach_the_parameters_is_refused(cast):
    import pytest

    with pytest.raises(ValueError, match="n"):
        Prepared(lambda n: Case.objects.all()[:n])(n=5)  # Django writes LIMIT into the SQL text
    with pytest.raises(TypeError):
        Prepared(lambda day: Case.objects.filter(opened_on=day))(day=object())
