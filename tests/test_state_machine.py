"""Every allowed and every refused transition of Case and Referral goes through one function."""

import pytest

from audit.models import AuditEvent
from cases.actions import transition
from cases.models import CASE_TRANSITIONS, OPEN_STATES, Case, CaseStatus
from lib.errors import ActionError
from referrals.actions import _move
from referrals.models import Referral

S = CaseStatus

# The moves DESIGN §4.1 allows, written out here and not read from the model: a change of CASE_TRANSITIONS that
# this table does not make too fails the tests below. Rows are sources, columns targets, in the order of COLUMNS;
# "x" allowed, "." refused. A case on safety hold resumes only where it stopped (PREPARATION in this test) — the
# model allows every open state, transition() checks held_from.
COLUMNS = ["registered", "screening", "preparation", "program", "follow_up", "not_suitable", "not_held",
           "safety_hold", "terminated", "reported", "closed"]
CASE_TABLE = """
                reg scr pre pro fol nsu nhe hol ter rep clo
  registered     .   x   .   .   .   .   .   x   .   .   .
  screening      .   .   x   .   .   x   .   x   .   .   .
  preparation    .   x   .   x   .   .   x   x   .   .   .
  program        .   .   .   .   x   .   .   x   .   x   .
  follow_up      .   .   .   x   .   .   .   x   x   x   .
  not_suitable   .   .   .   .   .   .   .   .   .   x   .
  not_held       .   .   .   .   .   .   .   .   .   x   .
  safety_hold    .   .   x   .   .   .   .   .   x   .   .
  terminated     .   .   .   .   .   .   .   .   .   x   .
  reported       .   .   .   .   .   .   .   .   .   .   x
  closed         .   .   .   .   .   .   .   .   .   .   .
"""


def parse(table, columns):
    lines = [line.split() for line in table.strip().splitlines()[1:]]
    assert [line[0] for line in lines] == columns
    return {(line[0], target): mark == "x" for line in lines for target, mark in zip(columns, line[1:], strict=True)}


CASE_EXPECTED = parse(CASE_TABLE, COLUMNS)
PAIRS = sorted(CASE_EXPECTED)
assert set(COLUMNS) == set(S.values)


def expected(source, target):
    return CASE_EXPECTED[(source, target)]


def test_the_model_allows_no_move_the_table_does_not_name():
    """The model's table against the written one; SAFETY_HOLD may go back to any open state in the model (where it
    stopped), the written table shows the one this test holds it from."""
    for (source, target), allowed in CASE_EXPECTED.items():
        in_model = target in CASE_TRANSITIONS[source]
        if source == S.SAFETY_HOLD and target in OPEN_STATES:
            assert in_model
        else:
            assert in_model == allowed, (source, target)


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_case_transition(cast, make_referral, source, target):
    referral = make_referral()
    from cases.actions import accept_referral

    case = accept_referral(referral, actor=cast.coordinator)
    Case.objects.filter(pk=case.pk).update(status=source, held_from=S.PREPARATION if source == S.SAFETY_HOLD else "")
    case.refresh_from_db()
    before = AuditEvent.objects.count()
    if expected(source, target):
        transition(case, target, actor=cast.coordinator, action="test.move")
        case.refresh_from_db()
        assert case.status == target
        row = AuditEvent.objects.order_by("-id").first()
        assert (row.action, row.object_code, row.fields, row.actor) == ("test.move", case.code, ["status"],
                                                                      cast.coordinator)
        if target == S.CLOSED:
            assert case.closed_on is not None
    else:
        with pytest.raises(ActionError) as error:
            transition(case, target, actor=cast.coordinator, action="test.move")
        case.refresh_from_db()
        assert case.status == source
        assert AuditEvent.objects.count() == before
        assert "невозможен" in str(error.value) or "возобновляется" in str(error.value)


def test_every_open_state_can_be_put_on_hold_and_resumes_where_it_stopped(cast, make_case):
    case = make_case(upto=S.PREPARATION)
    transition(case, S.SAFETY_HOLD, actor=cast.facilitator, action="case.safety_hold")
    assert (case.status, case.held_from) == (S.SAFETY_HOLD, S.PREPARATION)
    with pytest.raises(ActionError):
        transition(case, S.PROGRAM, actor=cast.coordinator, action="case.resume")
    transition(case, S.PREPARATION, actor=cast.coordinator, action="case.resume")
    assert (case.status, case.held_from) == (S.PREPARATION, "")


R = Referral.Status
REFERRAL_COLUMNS = ["draft", "submitted", "accepted", "declined", "withdrawn"]
REFERRAL_TABLE = """
               dra sub acc dec wit
  draft         .   x   .   .   .
  submitted     .   .   x   x   x
  accepted      .   .   .   .   .
  declined      .   .   .   .   .
  withdrawn     .   .   .   .   .
"""
REFERRAL_EXPECTED = parse(REFERRAL_TABLE, REFERRAL_COLUMNS)
REFERRAL_PAIRS = sorted(REFERRAL_EXPECTED)
assert set(REFERRAL_COLUMNS) == set(R.values)


@pytest.mark.parametrize(("source", "target"), REFERRAL_PAIRS)
def test_referral_transition(cast, make_referral, source, target):
    referral = make_referral(submit=False)
    Referral.objects.filter(pk=referral.pk).update(status=source)
    referral.refresh_from_db()
    assert (target in Referral.TRANSITIONS[source]) == REFERRAL_EXPECTED[(source, target)]
    if REFERRAL_EXPECTED[(source, target)]:
        _move(referral, target, actor=cast.secretary, action="test.move")
        referral.refresh_from_db()
        assert referral.status == target
    else:
        with pytest.raises(ActionError):
            _move(referral, target, actor=cast.secretary, action="test.move")
        referral.refresh_from_db()
        assert referral.status == source
