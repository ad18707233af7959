"""Every allowed and every refused transition of Case and Referral goes through one function."""

import pytest

from audit.models import AuditEvent
from cases.actions import transition
from cases.models import CASE_TRANSITIONS, Case, CaseStatus
from lib.errors import ActionError
from referrals.actions import _move
from referrals.models import Referral

S = CaseStatus
PAIRS = [(a, b) for a in S.values for b in S.values]


def expected(source, target):
    allowed = target in CASE_TRANSITIONS[source]
    if source == S.SAFETY_HOLD and target not in {S.TERMINATED, S.PREPARATION}:
        return False  # the held case came from PREPARATION in this test; it resumes only there
    return allowed


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
REFERRAL_PAIRS = [(a, b) for a in R.values for b in R.values]


@pytest.mark.parametrize(("source", "target"), REFERRAL_PAIRS)
def test_referral_transition(cast, make_referral, source, target):
    referral = make_referral(submit=False)
    Referral.objects.filter(pk=referral.pk).update(status=source)
    referral.refresh_from_db()
    if target in Referral.TRANSITIONS[source]:
        _move(referral, target, actor=cast.secretary, action="test.move")
        referral.refresh_from_db()
        assert referral.status == target
    else:
        with pytest.raises(ActionError):
            _move(referral, target, actor=cast.secretary, action="test.move")
        referral.refresh_from_db()
        assert referral.status == source
