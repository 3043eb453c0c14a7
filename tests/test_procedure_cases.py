"""The counselling-case lifecycle: the transition table, transitions, referrals."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from iqcore.errors import InvalidTransition
from iqcore.model import (
    CaseStatus,
    ClosureReason,
    CounsellingCase,
    DecisionOutcome,
    ReferralTarget,
)
from iqcore.procedure import (
    CASE_TRANSITIONS,
    allowed_transitions,
    can_reach,
    refer,
    transition,
)

S = CaseStatus
OPENED = date(2024, 1, 8)


def new_case(status: CaseStatus = S.INTAKE) -> CounsellingCase:
    closed = status is S.CLOSED
    return CounsellingCase(
        id="case-1",
        migrant_id="m-1",
        network_id="net-1",
        opened_on=OPENED,
        status=status,
        closure_reason=ClosureReason.DROPPED_OUT if closed else None,
        closed_on=OPENED if closed else None,
    )


def walk(*states: CaseStatus) -> CounsellingCase:
    case = new_case()
    for i, to in enumerate(states):
        case = transition(case, to, on=OPENED + timedelta(days=i))
    return case


def test_the_table_covers_every_state_and_closing_is_allowed_from_all_but_closed() -> None:
    assert set(CASE_TRANSITIONS) == set(CaseStatus)
    for status, targets in CASE_TRANSITIONS.items():
        assert (S.CLOSED in targets) is (status is not S.CLOSED)
    assert CASE_TRANSITIONS[S.CLOSED] == frozenset()


def test_every_state_is_reachable_from_intake_and_can_reach_closed() -> None:
    for status in CaseStatus:
        assert can_reach(S.INTAKE, status), status
        assert can_reach(status, S.CLOSED), status
    assert not can_reach(S.CLOSED, S.INTAKE)
    assert not can_reach(S.JOB_PLACEMENT, S.IN_MEASURE)


def test_the_main_path_with_full_equivalence() -> None:
    case = walk(
        S.ORIENTATION,
        S.DOCUMENTS,
        S.APPLICATION_FILED,
        S.AWAITING_DECISION,
        S.DECISION_RECEIVED,
    )
    placed = transition(
        case, S.JOB_PLACEMENT, on=date(2024, 6, 1), outcome=DecisionOutcome.FULL_EQUIVALENCE
    )
    closed = transition(placed, S.CLOSED, on=date(2024, 7, 1), reason=ClosureReason.RECOGNISED_FULL)
    assert (closed.status, closed.closure_reason, closed.closed_on) == (
        S.CLOSED,
        ClosureReason.RECOGNISED_FULL,
        date(2024, 7, 1),
    )
    assert allowed_transitions(closed) == frozenset()


def test_partial_equivalence_leads_through_a_measure_to_a_follow_up_application() -> None:
    case = walk(
        S.ORIENTATION,
        S.DOCUMENTS,
        S.APPLICATION_FILED,
        S.AWAITING_DECISION,
        S.DECISION_RECEIVED,
    )
    case = transition(
        case,
        S.QUALIFICATION_COUNSELLING,
        on=date(2024, 6, 1),
        outcome=DecisionOutcome.PARTIAL_EQUIVALENCE,
    )
    case = transition(case, S.IN_MEASURE, on=date(2024, 7, 1))
    case = transition(case, S.FOLLOW_UP, on=date(2025, 1, 1))
    again = transition(case, S.APPLICATION_FILED, on=date(2025, 1, 15))
    assert again.status is S.APPLICATION_FILED
    assert allowed_transitions(case) == {S.APPLICATION_FILED, S.CLOSED}


@pytest.mark.parametrize(
    ("to", "outcome", "reason"),
    [
        (S.JOB_PLACEMENT, DecisionOutcome.PARTIAL_EQUIVALENCE, None),
        (S.JOB_PLACEMENT, DecisionOutcome.NO_EQUIVALENCE, None),
        (S.QUALIFICATION_COUNSELLING, DecisionOutcome.FULL_EQUIVALENCE, None),
        (S.CLOSED, DecisionOutcome.COMPENSATION_MEASURE_REQUIRED, ClosureReason.RECOGNISED_FULL),
    ],
)
def test_the_outcome_must_fit_the_branch_after_the_decision(
    to: CaseStatus, outcome: DecisionOutcome, reason: ClosureReason | None
) -> None:
    case = new_case(S.DECISION_RECEIVED)
    with pytest.raises(InvalidTransition, match="DECISION_RECEIVED to"):
        transition(case, to, on=OPENED, reason=reason, outcome=outcome)


def test_illegal_moves_raise_a_clear_error_and_leave_the_case_as_it_was() -> None:
    case = new_case(S.ORIENTATION)
    before = attrs.evolve(case)
    with pytest.raises(InvalidTransition) as err:
        transition(case, S.DECISION_RECEIVED, on=OPENED)
    message = str(err.value)
    assert "ORIENTATION" in message
    assert "DECISION_RECEIVED" in message
    assert "case-1" not in message
    assert "m-1" not in message
    assert case == before
    assert case.status is S.ORIENTATION


def test_closing_needs_a_reason_and_only_closing_takes_one() -> None:
    case = new_case()
    with pytest.raises(InvalidTransition, match="closure reason"):
        transition(case, S.CLOSED, on=OPENED)
    with pytest.raises(InvalidTransition, match="closure reason"):
        transition(case, S.ORIENTATION, on=OPENED, reason=ClosureReason.DROPPED_OUT)


def test_a_closed_case_is_final() -> None:
    case = new_case(S.CLOSED)
    for to in CaseStatus:
        with pytest.raises(InvalidTransition, match="final"):
            transition(case, to, on=OPENED, reason=ClosureReason.DROPPED_OUT)


def test_no_move_before_the_case_was_opened() -> None:
    with pytest.raises(InvalidTransition, match="before the case was opened"):
        transition(new_case(), S.ORIENTATION, on=OPENED - timedelta(days=1))


def test_wrong_types_are_refused() -> None:
    with pytest.raises(TypeError):
        transition(new_case(), "ORIENTATION", on=OPENED)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        transition(new_case(), S.CLOSED, on=OPENED, reason="DROPPED_OUT")  # type: ignore[arg-type]


def test_referrals_from_any_state_do_not_change_it() -> None:
    for status in CaseStatus:
        case = new_case(status)
        on = OPENED
        referred = refer(case, ReferralTarget.FAIR_INTEGRATION, on)
        assert referred.status is status
        assert referred.referrals[-1].to is ReferralTarget.FAIR_INTEGRATION
        assert case.referrals == ()
    twice = refer(
        refer(new_case(), ReferralTarget.LANGUAGE_COURSE, OPENED), ReferralTarget.JOBCENTER, OPENED
    )
    assert [r.to for r in twice.referrals] == [
        ReferralTarget.LANGUAGE_COURSE,
        ReferralTarget.JOBCENTER,
    ]


def test_referral_dates_lie_within_the_open_case() -> None:
    with pytest.raises(InvalidTransition, match="outside"):
        refer(new_case(), ReferralTarget.JOBCENTER, OPENED - timedelta(days=1))
    with pytest.raises(InvalidTransition, match="outside"):
        refer(new_case(S.CLOSED), ReferralTarget.JOBCENTER, OPENED + timedelta(days=1))


class CaseLifecycle(RuleBasedStateMachine):
    """Random moves: legal ones follow the table, illegal ones raise and change nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.case = new_case()
        self.day = OPENED
        self.visited = {self.case.status}

    @rule(
        to=st.sampled_from(CaseStatus),
        reason=st.none() | st.sampled_from(ClosureReason),
        days=st.integers(-3, 30),
    )
    def move(self, to: CaseStatus, reason: ClosureReason | None, days: int) -> None:
        on = self.day + timedelta(days=days)
        before = self.case
        snapshot = attrs.evolve(before)
        legal = (
            to in CASE_TRANSITIONS[before.status]
            and (reason is not None) is (to is S.CLOSED)
            and on >= before.opened_on
        )
        if legal:
            after = transition(before, to, on=on, reason=reason)
            assert after.status is to
            assert after.closure_reason is reason
            assert after.closed_on == (on if to is S.CLOSED else None)
            assert after.referrals == before.referrals
            self.case = after
            self.day = max(self.day, on)
            self.visited.add(to)
        else:
            with pytest.raises(InvalidTransition):
                transition(before, to, on=on, reason=reason)
        assert before == snapshot

    @rule(pick=st.integers(0, 10), days=st.integers(0, 30))
    def advance(self, pick: int, days: int) -> None:
        """A legal move that does not close the case (so that deep states are reached)."""
        options = sorted(CASE_TRANSITIONS[self.case.status] - {S.CLOSED})
        if not options:
            return
        to = options[pick % len(options)]
        on = self.day + timedelta(days=days)
        after = transition(self.case, to, on=on)
        assert after.status is to
        self.case, self.day = after, on
        self.visited.add(to)

    @rule(where=st.sampled_from(ReferralTarget))
    def referral(self, where: ReferralTarget) -> None:
        before = self.case
        if before.closed_on is not None and self.day > before.closed_on:
            with pytest.raises(InvalidTransition):
                refer(before, where, self.day)
            return
        after = refer(before, where, self.day)
        assert after.status is before.status
        assert len(after.referrals) == len(before.referrals) + 1

    @invariant()
    def closed_is_always_reachable(self) -> None:
        status = self.case.status
        assert can_reach(status, S.CLOSED)
        if status is not S.CLOSED:
            closed = transition(self.case, S.CLOSED, on=self.day, reason=ClosureReason.DROPPED_OUT)
            assert closed.status is S.CLOSED

    @invariant()
    def allowed_transitions_match_the_table(self) -> None:
        assert allowed_transitions(self.case) == CASE_TRANSITIONS[self.case.status]


CaseLifecycle.TestCase.settings = settings(max_examples=150, stateful_step_count=30)
test_case_lifecycle = CaseLifecycle.TestCase
