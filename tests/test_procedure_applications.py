"""The application status machine keeps the dates the clock reads consistent."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from iqcore.errors import InvalidTransition, ValidationError
from iqcore.model import (
    ApplicationStatus,
    Country,
    Decision,
    DecisionOutcome,
    ForeignQualification,
    QualificationKind,
    RecognitionApplication,
    SuspensionReason,
)
from iqcore.procedure import (
    APPLICATION_TRANSITIONS,
    DeadlineStatus,
    allowed_application_transitions,
    clock,
    grant_extension,
    request_information,
    transition_application,
)

A = ApplicationStatus
RECEIVED = date(2023, 1, 31)


def new_app(*, country: str = "PH", regulated: bool = True) -> RecognitionApplication:
    qualification = ForeignQualification(
        title_original="Bachelor of Science in Nursing",
        country_of_training=Country(code=country),
        kind=QualificationKind.HIGHER_EDUCATION,
        duration_months=48,
    )
    return RecognitionApplication(
        id="app-1",
        migrant_id="m-1",
        qualification=qualification,
        occupation_id="occ-nurse",
        regulated=regulated,
        received_on=RECEIVED,
    )


def decision_on(app: RecognitionApplication, on: date) -> Decision:
    return Decision(
        id="dec-1",
        outcome=DecisionOutcome.FULL_EQUIVALENCE,
        decided_on=on,
        occupation_id=app.occupation_id,
        regulated=app.regulated,
    )


def test_the_table_covers_every_state_and_closed_is_final() -> None:
    assert set(APPLICATION_TRANSITIONS) == set(ApplicationStatus)
    assert APPLICATION_TRANSITIONS[A.CLOSED] == frozenset()
    for status, targets in APPLICATION_TRANSITIONS.items():
        assert (A.CLOSED in targets) is (status is not A.CLOSED)


def test_a_whole_procedure_sets_the_dates_the_clock_reads() -> None:
    app = new_app()
    app = transition_application(app, A.INCOMPLETE, on=date(2023, 2, 20))
    assert app.acknowledged_on == date(2023, 2, 20)
    assert clock(app, date(2023, 3, 1)).decision.status is DeadlineStatus.NOT_STARTED
    app = transition_application(app, A.ACKNOWLEDGED, on=date(2023, 3, 1))
    assert app.acknowledged_on == date(2023, 2, 20)
    app = transition_application(app, A.COMPLETE, on=date(2023, 3, 15))
    assert app.complete_on == date(2023, 3, 15)
    app = transition_application(app, A.QA_IN_PROGRESS, on=date(2023, 4, 1))
    assert app.suspensions[-1].reason is SuspensionReason.QUALIFICATION_ANALYSIS
    assert app.suspensions[-1].end is None
    assert clock(app, date(2023, 4, 5)).suspended
    app = transition_application(app, A.UNDER_EXAMINATION, on=date(2023, 5, 1))
    assert app.suspensions[-1].end == date(2023, 5, 1)
    c = clock(app, date(2023, 5, 2))
    assert (c.decision.due_on, c.suspended) == (date(2023, 7, 15), False)
    app = transition_application(
        app, A.DECIDED, on=date(2023, 7, 1), decision=decision_on(app, date(2023, 7, 1))
    )
    assert clock(app, date(2023, 8, 1)).decision.status is DeadlineStatus.DONE_IN_TIME
    app = transition_application(app, A.OBJECTION, on=date(2023, 7, 20))
    app = transition_application(app, A.COURT, on=date(2023, 10, 1))
    app = transition_application(app, A.CLOSED, on=date(2024, 3, 1))
    assert allowed_application_transitions(app) == frozenset()


def test_illegal_moves_raise_and_leave_the_application_as_it_was() -> None:
    app = new_app()
    before = attrs.evolve(app)
    with pytest.raises(InvalidTransition) as err:
        transition_application(app, A.DECIDED, on=RECEIVED, decision=decision_on(app, RECEIVED))
    assert "RECEIVED to DECIDED" in str(err.value)
    assert "app-1" not in str(err.value)
    assert app == before


def test_dates_never_go_backwards() -> None:
    app = transition_application(new_app(), A.ACKNOWLEDGED, on=date(2023, 2, 10))
    with pytest.raises(InvalidTransition, match="before the last event"):
        transition_application(app, A.COMPLETE, on=date(2023, 2, 9))
    with pytest.raises(InvalidTransition, match="before the last event"):
        transition_application(new_app(), A.ACKNOWLEDGED, on=RECEIVED - timedelta(days=1))


def test_deciding_needs_a_decision_of_that_day() -> None:
    app = transition_application(new_app(), A.ACKNOWLEDGED, on=date(2023, 2, 10))
    app = transition_application(app, A.COMPLETE, on=date(2023, 2, 10))
    app = transition_application(app, A.UNDER_EXAMINATION, on=date(2023, 2, 11))
    with pytest.raises(InvalidTransition, match="decision"):
        transition_application(app, A.DECIDED, on=date(2023, 4, 1))
    with pytest.raises(InvalidTransition, match="dated on the day"):
        transition_application(
            app, A.DECIDED, on=date(2023, 4, 1), decision=decision_on(app, date(2023, 4, 2))
        )
    with pytest.raises(InvalidTransition, match="only when"):
        transition_application(
            app, A.CLOSED, on=date(2023, 4, 1), decision=decision_on(app, date(2023, 4, 1))
        )


def under_examination() -> RecognitionApplication:
    app = transition_application(new_app(), A.ACKNOWLEDGED, on=date(2023, 2, 10))
    app = transition_application(app, A.COMPLETE, on=date(2023, 3, 15))
    return transition_application(app, A.UNDER_EXAMINATION, on=date(2023, 3, 16))


def test_a_request_for_information_suspends_until_its_deadline() -> None:
    app = request_information(under_examination(), on=date(2023, 4, 1), until=date(2023, 5, 1))
    assert clock(app, date(2023, 4, 10)).suspended
    assert clock(app, date(2023, 5, 1)).decision.due_on == date(2023, 7, 15)
    with pytest.raises(InvalidTransition, match="still running"):
        request_information(app, on=date(2023, 4, 15), until=date(2023, 6, 1))
    # A qualification analysis replaces the request: the request ends when the analysis starts.
    qa = transition_application(app, A.QA_IN_PROGRESS, on=date(2023, 4, 15))
    assert [(s.reason, s.end) for s in qa.suspensions] == [
        (SuspensionReason.DOCUMENTS_REQUESTED, date(2023, 4, 15)),
        (SuspensionReason.QUALIFICATION_ANALYSIS, None),
    ]
    # A decision before the request's deadline ends the suspension on that day.
    decided = transition_application(
        app, A.DECIDED, on=date(2023, 4, 20), decision=decision_on(app, date(2023, 4, 20))
    )
    assert decided.suspensions[-1].end == date(2023, 4, 20)


def test_no_request_for_information_before_completeness() -> None:
    with pytest.raises(InvalidTransition, match="INCOMPLETE"):
        request_information(new_app(), on=date(2023, 2, 1), until=date(2023, 3, 1))
    with pytest.raises(InvalidTransition, match="after on"):
        request_information(under_examination(), on=date(2023, 4, 1), until=date(2023, 4, 1))


def test_one_extension_only_with_a_reason_and_in_time() -> None:
    app = under_examination()
    extended = grant_extension(app, on=date(2023, 6, 1), months=2, reason="expert opinion needed")
    assert clock(extended, date(2023, 6, 2)).decision.due_on == date(2023, 8, 15)
    with pytest.raises(InvalidTransition, match="only once"):
        grant_extension(extended, on=date(2023, 6, 2), months=1, reason="again")
    with pytest.raises(InvalidTransition, match="expired"):
        grant_extension(app, on=date(2023, 6, 16), months=1, reason="too late")
    with pytest.raises(ValidationError) as err:
        grant_extension(app, on=date(2023, 6, 1), months=1, reason="  ")
    assert err.value.paths() == ["$.extension.reason"]
    with pytest.raises(ValidationError) as err:
        grant_extension(app, on=date(2023, 6, 1), months=13, reason="long")
    assert err.value.codes() == ["procedure.extension_months"]


def test_extension_for_an_eu_qualification_in_a_regulated_profession_is_one_month_at_most() -> None:
    app = transition_application(new_app(country="RO"), A.ACKNOWLEDGED, on=date(2023, 2, 10))
    app = transition_application(app, A.COMPLETE, on=date(2023, 3, 15))
    with pytest.raises(ValidationError) as err:
        grant_extension(app, on=date(2023, 6, 1), months=2, reason="complex")
    assert err.value.codes() == ["procedure.extension_too_long"]
    ok = grant_extension(app, on=date(2023, 6, 1), months=1, reason="complex")
    assert clock(ok, date(2023, 6, 2)).problems == ()


def test_no_extension_without_a_running_deadline() -> None:
    with pytest.raises(InvalidTransition, match="not complete"):
        grant_extension(new_app(), on=date(2023, 2, 1), months=1, reason="x")


def recorded_dates(app: RecognitionApplication) -> date:
    """The latest date on record (the model keeps no dates of the status changes themselves)."""
    days = [app.received_on, *(s.start for s in app.suspensions)]
    days += [d for d in (app.acknowledged_on, app.complete_on) if d is not None]
    if app.decision is not None:
        days.append(app.decision.decided_on)
    return max(days)


class ApplicationProcedure(RuleBasedStateMachine):
    """Random moves through the application machine; dates and statuses stay consistent."""

    def __init__(self) -> None:
        super().__init__()
        self.app = new_app()
        self.day = RECEIVED

    @rule(pick=st.integers(0, 10), days=st.integers(0, 40))
    def advance(self, pick: int, days: int) -> None:
        options = sorted(APPLICATION_TRANSITIONS[self.app.status])
        if not options:
            return
        to = options[pick % len(options)]
        on = self.day + timedelta(days=days)
        decision = decision_on(self.app, on) if to is A.DECIDED else None
        before = self.app
        after = transition_application(before, to, on=on, decision=decision)
        assert after.status is to
        self.app, self.day = after, on

    @rule(to=st.sampled_from(ApplicationStatus), days=st.integers(-5, 40))
    def any_move(self, to: ApplicationStatus, days: int) -> None:
        on = self.day + timedelta(days=days)
        decision = decision_on(self.app, on) if to is A.DECIDED else None
        before = self.app
        snapshot = attrs.evolve(before)
        legal = to in APPLICATION_TRANSITIONS[before.status] and on >= recorded_dates(before)
        if legal:
            self.app = transition_application(before, to, on=on, decision=decision)
            self.day = max(self.day, on)
        else:
            with pytest.raises(InvalidTransition):
                transition_application(before, to, on=on, decision=decision)
        assert before == snapshot

    @rule(days=st.integers(0, 20), length=st.integers(1, 60))
    def ask_for_information(self, days: int, length: int) -> None:
        if self.app.status not in (A.COMPLETE, A.UNDER_EXAMINATION):
            return
        on = self.day + timedelta(days=days)
        if any(s.end is None or s.end > on for s in self.app.suspensions):
            return
        self.app = request_information(self.app, on=on, until=on + timedelta(days=length))
        self.day = on

    @invariant()
    def dates_follow_the_status(self) -> None:
        app = self.app
        reached_complete = app.status not in (A.RECEIVED, A.ACKNOWLEDGED, A.INCOMPLETE)
        if app.status is not A.CLOSED:
            assert (app.complete_on is not None) is reached_complete
            assert (app.acknowledged_on is not None) is (app.status is not A.RECEIVED)
        running_qa = [
            s
            for s in app.suspensions
            if s.reason is SuspensionReason.QUALIFICATION_ANALYSIS and s.end is None
        ]
        assert bool(running_qa) is (app.status is A.QA_IN_PROGRESS)
        assert (app.decision is not None) is (
            app.status in (A.DECIDED, A.OBJECTION, A.COURT)
            or (app.status is A.CLOSED and app.decision is not None)
        )
        c = clock(app, self.day)
        assert c.problems == ()
        assert c.suspended is (
            app.decision is None
            and app.status is not A.CLOSED
            and any(s.end is None or s.end > self.day for s in app.suspensions)
            and c.decision.due_on is None
        )


ApplicationProcedure.TestCase.settings = settings(max_examples=100, stateful_step_count=25)
test_application_procedure = ApplicationProcedure.TestCase
