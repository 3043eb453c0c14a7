"""The procedure clock: deadlines, suspensions, the one extension, the accelerated procedure."""

from __future__ import annotations

import doctest
from datetime import date, timedelta
from types import ModuleType
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iqcore.errors import ValidationError
from iqcore.model import (
    ApplicationStatus,
    Country,
    Decision,
    DecisionOutcome,
    Extension,
    ForeignQualification,
    QualificationKind,
    RecognitionApplication,
    Suspension,
    SuspensionReason,
)
from iqcore.procedure import (
    DeadlineKind,
    DeadlineStatus,
    Period,
    ProcedureParameters,
    add_months,
    clock,
    extension_cap_applies,
    parameters,
    periods,
    procedure_parameters,
)

D = date
QA = SuspensionReason.QUALIFICATION_ANALYSIS
DOCS = SuspensionReason.DOCUMENTS_REQUESTED
RECEIVED = D(2023, 1, 31)


def make_app(
    *,
    country: str = "TR",
    regulated: bool = False,
    received_on: date = RECEIVED,
    **changes: Any,
) -> RecognitionApplication:
    qualification = ForeignQualification(
        title_original="Elektroniker",
        country_of_training=Country(code=country),
        kind=QualificationKind.VOCATIONAL_DUAL,
        duration_months=36,
    )
    return RecognitionApplication(
        id="app-1",
        migrant_id="m-1",
        qualification=qualification,
        occupation_id="occ-1",
        regulated=regulated,
        received_on=received_on,
        **changes,
    )


def decided(app: RecognitionApplication, on: date) -> RecognitionApplication:
    decision = Decision(
        id="dec-1",
        outcome=DecisionOutcome.FULL_EQUIVALENCE,
        decided_on=on,
        occupation_id=app.occupation_id,
        regulated=app.regulated,
    )
    return attrs.evolve(app, decision=decision, status=ApplicationStatus.DECIDED)


@pytest.mark.parametrize("module", [periods, parameters], ids=lambda m: m.__name__)
def test_docstring_examples_run(module: ModuleType) -> None:
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert results.failed == 0
    assert results.attempted > 0


# -- month arithmetic -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 3, 31), 1, D(2023, 4, 30)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2022, 11, 30), 3, D(2023, 2, 28)),
        (D(2023, 12, 15), 1, D(2024, 1, 15)),
        (D(2023, 10, 31), 2, D(2023, 12, 31)),
        (D(2023, 5, 31), -3, D(2023, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_short_month(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 1, 1)), st.integers(0, 60))
def test_add_months_lands_in_the_right_month_on_the_same_or_last_day(day: date, n: int) -> None:
    out = add_months(day, n)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == n
    assert out.day == day.day or (out.day < day.day and (out + timedelta(days=1)).day == 1)


def test_period_weeks_and_validation() -> None:
    assert Period(weeks=2).end(D(2024, 3, 4)) == D(2024, 3, 18)
    assert str(Period(months=3)) == "3 months"
    with pytest.raises(ValueError, match="at least one"):
        Period()


# -- parameters ----------------------------------------------------------------------------


def test_parameters_are_dated_and_cited() -> None:
    p = procedure_parameters()
    assert all(param.values[0].reference.url for param in p.as_tuple())
    assert len({param.id for param in p.as_tuple()}) == len(p.as_tuple())
    assert p.acknowledgement.at(D(2012, 4, 1)) == Period(months=1)
    assert str(p.acknowledgement.value_at(D(2013, 1, 1)).reference) == "§6(2) BQFG"
    assert str(p.acknowledgement_regulated.value_at(D(2013, 1, 1)).reference) == "§13(2) BQFG"
    assert not p.decision.in_force(D(2012, 11, 30))
    assert p.decision.at(D(2012, 12, 1)) == Period(months=3)
    assert p.decision_regulated.at(D(2012, 12, 1)) == Period(months=3)
    assert not p.accelerated_acknowledgement.in_force(D(2020, 2, 29))
    assert p.accelerated_acknowledgement.at(D(2020, 3, 1)) == Period(weeks=2)
    assert p.accelerated_decision.at(D(2020, 3, 1)) == Period(months=2)
    assert p.extension_cap_eu_eea_ch.at(D(2020, 1, 1)) == Period(months=1)
    assert p.suspension_grounds.at(D(2020, 1, 1)) == frozenset({DOCS, QA})
    assert procedure_parameters() is p


def test_parameters_refuse_values_of_the_wrong_type() -> None:
    p = procedure_parameters()
    with pytest.raises(TypeError, match="decision"):
        attrs.evolve(p, decision=p.suspension_grounds)  # type: ignore[arg-type]


# -- acknowledgement -----------------------------------------------------------------------


def test_acknowledgement_due_one_month_after_receipt_and_overdue_the_day_after() -> None:
    app = make_app()
    ack = clock(app, D(2023, 2, 28)).acknowledgement
    assert (ack.status, ack.due_on, ack.days_remaining) == (
        DeadlineStatus.RUNNING,
        D(2023, 2, 28),
        0,
    )
    assert ack.basis[0].parameter_id == "bqfg.s6.acknowledgement"
    later = clock(app, D(2023, 3, 1))
    assert later.acknowledgement.status is DeadlineStatus.OVERDUE
    assert later.acknowledgement.days_overdue == 1
    assert later.overdue == (later.acknowledgement,)
    assert later.is_overdue


def test_acknowledgement_done_in_time_or_late() -> None:
    on_time = make_app(acknowledged_on=D(2023, 2, 20))
    assert clock(on_time, D(2023, 6, 1)).acknowledgement.status is DeadlineStatus.DONE_IN_TIME
    # Looked at before it happened, the acknowledgement is still owed.
    assert clock(on_time, D(2023, 2, 19)).acknowledgement.status is DeadlineStatus.RUNNING
    late = make_app(acknowledged_on=D(2023, 3, 2))
    ack = clock(late, D(2023, 6, 1)).acknowledgement
    assert (ack.status, ack.done_on, ack.days_remaining) == (
        DeadlineStatus.DONE_LATE,
        D(2023, 3, 2),
        None,
    )


def test_regulated_acknowledgement_cites_section_13() -> None:
    ack = clock(make_app(regulated=True), D(2023, 2, 1)).acknowledgement
    assert str(ack.basis[0].reference) == "§13(2) BQFG"


def test_nothing_runs_before_the_application_is_received() -> None:
    c = clock(make_app(), D(2023, 1, 1))
    assert c.acknowledgement.status is DeadlineStatus.NOT_STARTED
    assert c.decision.status is DeadlineStatus.NOT_STARTED
    assert c.next_due is None


# -- decision ------------------------------------------------------------------------------


def test_decision_clock_starts_only_with_complete_documents() -> None:
    app = make_app(acknowledged_on=D(2023, 2, 10), complete_on=D(2023, 3, 15))
    before = clock(app, D(2023, 3, 14))
    assert before.decision.status is DeadlineStatus.NOT_STARTED
    assert not before.clock_started
    c = clock(app, D(2023, 6, 15))
    assert c.clock_started
    assert (c.decision.status, c.decision.due_on, c.decision.days_remaining) == (
        DeadlineStatus.RUNNING,
        D(2023, 6, 15),
        0,
    )
    assert c.next_due is c.decision
    assert str(c.decision.basis[0].reference) == "§6(3) BQFG"
    assert c.decision.basis[0].reference.url == "https://bundestag.github.io/gesetze/b/bqfg/"
    overdue = clock(app, D(2023, 6, 16))
    assert overdue.decision.status is DeadlineStatus.OVERDUE
    assert overdue.decision.days_overdue == 1


def test_decision_deadline_end_of_month_and_leap_year() -> None:
    app = make_app(received_on=D(2023, 11, 1), complete_on=D(2023, 11, 30))
    assert clock(app, D(2023, 12, 1)).decision.due_on == D(2024, 2, 29)
    app = make_app(received_on=D(2022, 11, 1), complete_on=D(2022, 11, 30))
    assert clock(app, D(2022, 12, 1)).decision.due_on == D(2023, 2, 28)


def test_regulated_decision_cites_section_13() -> None:
    app = make_app(regulated=True, complete_on=D(2023, 3, 15))
    decision = clock(app, D(2023, 4, 1)).decision
    assert decision.basis[0].parameter_id == "bqfg.s13.decision"
    assert decision.due_on == D(2023, 6, 15)


def test_no_decision_deadline_before_1_december_2012() -> None:
    app = make_app(received_on=D(2012, 9, 1), complete_on=D(2012, 10, 1))
    c = clock(app, D(2013, 6, 1))
    assert c.decision.status is DeadlineStatus.NO_DEADLINE
    assert c.decision.due_on is None
    assert not c.is_overdue or c.overdue == (c.acknowledgement,)
    app = make_app(received_on=D(2012, 11, 1), complete_on=D(2012, 12, 1))
    assert clock(app, D(2013, 1, 1)).decision.due_on == D(2013, 3, 1)


def test_decision_in_time_late_and_looked_at_before_it_was_made() -> None:
    app = make_app(complete_on=D(2023, 3, 15))
    in_time = decided(app, D(2023, 6, 10))
    assert clock(in_time, D(2024, 1, 1)).decision.status is DeadlineStatus.DONE_IN_TIME
    assert clock(in_time, D(2023, 6, 9)).decision.status is DeadlineStatus.RUNNING
    late = decided(app, D(2023, 7, 1))
    d = clock(late, D(2024, 1, 1)).decision
    assert (d.status, d.due_on, d.days_remaining) == (
        DeadlineStatus.DONE_LATE,
        D(2023, 6, 15),
        None,
    )
    assert not d.open


def test_closed_without_decision_ends_the_deadline() -> None:
    app = make_app(complete_on=D(2023, 3, 15), status=ApplicationStatus.CLOSED)
    assert clock(app, D(2023, 9, 1)).decision.status is DeadlineStatus.ENDED
    assert not clock(app, D(2023, 9, 1)).decision.overdue


# -- suspensions ---------------------------------------------------------------------------


def test_a_qualification_analysis_suspends_the_clock() -> None:
    qa = Suspension(start=D(2023, 4, 1), end=D(2023, 5, 1), reason=QA)
    app = make_app(complete_on=D(2023, 3, 15), suspensions=(qa,))
    assert clock(app, D(2023, 3, 31)).decision.days_remaining == 76
    during = clock(app, D(2023, 4, 10))
    assert during.suspended
    assert during.current_suspension == qa
    assert during.decision.status is DeadlineStatus.SUSPENDED
    assert during.decision.due_on is None
    assert during.decision.days_remaining == 76
    assert during.decision.suspended_days == 10
    after = clock(app, D(2023, 5, 1))
    assert not after.suspended
    assert after.decision.due_on == D(2023, 7, 15)
    assert after.decision.days_remaining == 75
    assert after.decision.suspended_days == 30
    assert after.decision.basis[1].parameter_id == "bqfg.s6.suspension_grounds"


def test_suspension_dated_after_as_of_is_not_yet_known() -> None:
    qa = Suspension(start=D(2023, 4, 1), end=D(2023, 5, 1), reason=QA)
    app = make_app(complete_on=D(2023, 3, 15), suspensions=(qa,))
    assert clock(app, D(2023, 3, 20)).decision.due_on == D(2023, 6, 15)


def test_suspensions_only_count_after_the_clock_starts() -> None:
    before = Suspension(start=D(2023, 2, 1), end=D(2023, 3, 1), reason=DOCS)
    straddling = Suspension(start=D(2023, 3, 10), end=D(2023, 3, 20), reason=DOCS)
    app = make_app(complete_on=D(2023, 3, 15), suspensions=(before,))
    assert clock(app, D(2023, 4, 1)).decision.due_on == D(2023, 6, 15)
    app = make_app(complete_on=D(2023, 3, 15), suspensions=(straddling,))
    decision = clock(app, D(2023, 4, 1)).decision
    assert (decision.due_on, decision.suspended_days) == (D(2023, 6, 20), 5)


def test_a_suspension_after_the_deadline_expired_does_not_revive_it() -> None:
    late = Suspension(start=D(2023, 6, 20), reason=QA)
    app = make_app(complete_on=D(2023, 3, 15), suspensions=(late,))
    c = clock(app, D(2023, 6, 25))
    assert c.decision.status is DeadlineStatus.OVERDUE
    assert not c.suspended


def test_open_ended_suspension_and_several_suspensions() -> None:
    first = Suspension(start=D(2023, 4, 1), end=D(2023, 4, 11), reason=DOCS)
    second = Suspension(start=D(2023, 5, 1), reason=QA)
    app = make_app(complete_on=D(2023, 3, 15), suspensions=(first, second))
    c = clock(app, D(2023, 9, 1))
    assert c.suspended
    assert c.decision.status is DeadlineStatus.SUSPENDED
    assert c.decision.days_remaining == (D(2023, 6, 25) - D(2023, 5, 1)).days + 1
    closed = make_app(
        complete_on=D(2023, 3, 15), suspensions=(first, attrs.evolve(second, end=D(2023, 6, 1)))
    )
    assert clock(closed, D(2023, 9, 1)).decision.due_on == D(2023, 7, 26)


def test_decided_during_a_suspension_is_in_time() -> None:
    qa = Suspension(start=D(2023, 4, 1), reason=QA)
    app = decided(make_app(complete_on=D(2023, 3, 15), suspensions=(qa,)), D(2023, 8, 1))
    c = clock(app, D(2023, 9, 1))
    assert c.decision.status is DeadlineStatus.DONE_IN_TIME
    assert not c.suspended


def test_a_suspension_without_a_ground_in_force_is_reported_and_not_counted() -> None:
    p = procedure_parameters()
    only_docs = attrs.evolve(
        p.suspension_grounds,
        values=(attrs.evolve(p.suspension_grounds.values[0], value=frozenset({DOCS})),),
    )
    params = attrs.evolve(p, suspension_grounds=only_docs)
    qa = Suspension(start=D(2023, 4, 1), end=D(2023, 5, 1), reason=QA)
    app = make_app(complete_on=D(2023, 3, 15), suspensions=(qa,))
    c = clock(app, D(2023, 5, 2), parameters=params)
    assert c.decision.due_on == D(2023, 6, 15)
    assert [pr.code for pr in c.problems] == ["procedure.suspension_without_ground"]
    assert c.problems[0].path == "$.suspensions[0].reason"


# -- the extension -------------------------------------------------------------------------


def ext(granted_on: date, months: int = 1) -> Extension:
    return Extension(granted_on=granted_on, months=months, reason="complex comparison")


def test_extension_adds_months_to_the_end_of_the_original_deadline() -> None:
    app = make_app(complete_on=D(2023, 3, 15), extension=ext(D(2023, 6, 1), 2))
    c = clock(app, D(2023, 7, 1))
    assert (c.decision.due_on, c.decision.original_due_on, c.decision.extension_months) == (
        D(2023, 8, 15),
        D(2023, 6, 15),
        2,
    )
    assert c.decision.status is DeadlineStatus.RUNNING
    assert c.problems == ()
    assert not c.extension_cap_applies
    # Before it was granted, the extension is not known.
    assert clock(app, D(2023, 5, 31)).decision.due_on == D(2023, 6, 15)


def test_extension_clamps_at_the_end_of_month() -> None:
    app = make_app(
        received_on=D(2023, 8, 1), complete_on=D(2023, 8, 31), extension=ext(D(2023, 11, 1))
    )
    assert clock(app, D(2023, 11, 2)).decision.due_on == D(2023, 12, 30)
    # 31 Aug + 3 months = 30 Nov (clamped); + 1 month = 30 Dec.


def test_extension_capped_at_one_month_for_regulated_eu_qualifications() -> None:
    app = make_app(
        country="RO",
        regulated=True,
        complete_on=D(2023, 3, 15),
        extension=ext(D(2023, 6, 1), 2),
    )
    assert extension_cap_applies(app)
    c = clock(app, D(2023, 7, 1))
    assert c.decision.due_on == D(2023, 7, 15)
    assert c.decision.extension_months == 1
    assert [p.code for p in c.problems] == ["procedure.extension_too_long"]
    assert c.problems[0].path == "$.extension.months"
    assert "bqfg.s13.extension_cap_eu_eea_ch" in {u.parameter_id for u in c.decision.basis}
    with pytest.raises(ValidationError) as err:
        clock(app, D(2023, 7, 1), strict=True)
    assert err.value.codes() == ["procedure.extension_too_long"]


@pytest.mark.parametrize(
    ("country", "regulated", "capped"),
    [
        ("RO", True, True),
        ("CH", True, True),
        ("NO", True, True),
        ("TR", True, False),
        ("RO", False, False),
        ("DE", True, False),
    ],
)
def test_who_the_cap_applies_to(country: str, regulated: bool, capped: bool) -> None:
    app = make_app(country=country, regulated=regulated, complete_on=D(2023, 3, 15))
    assert extension_cap_applies(app) is capped


def test_the_cap_follows_the_country_group_as_of_receipt() -> None:
    # The United Kingdom left the EU on 2020-02-01.
    before = make_app(country="GB", regulated=True, received_on=D(2019, 6, 1))
    after = make_app(country="GB", regulated=True, received_on=D(2021, 6, 1))
    assert extension_cap_applies(before)
    assert not extension_cap_applies(after)


def test_third_country_regulated_extension_is_not_capped() -> None:
    app = make_app(regulated=True, complete_on=D(2023, 3, 15), extension=ext(D(2023, 6, 1), 3))
    c = clock(app, D(2023, 7, 1))
    assert (c.decision.due_on, c.problems) == (D(2023, 9, 15), ())


def test_extension_granted_after_the_deadline_expired_is_not_counted() -> None:
    app = make_app(complete_on=D(2023, 3, 15), extension=ext(D(2023, 6, 20)))
    c = clock(app, D(2023, 6, 25))
    assert c.decision.status is DeadlineStatus.OVERDUE
    assert c.decision.due_on == D(2023, 6, 15)
    assert [p.code for p in c.problems] == ["procedure.extension_late"]


def test_extension_granted_on_the_last_day_counts() -> None:
    app = make_app(complete_on=D(2023, 3, 15), extension=ext(D(2023, 6, 15)))
    c = clock(app, D(2023, 6, 25))
    assert (c.decision.due_on, c.problems) == (D(2023, 7, 15), ())


def test_extension_before_the_clock_started_is_not_counted() -> None:
    app = make_app(complete_on=D(2023, 3, 15), extension=ext(D(2023, 3, 1)))
    c = clock(app, D(2023, 4, 1))
    assert c.decision.due_on == D(2023, 6, 15)
    assert [p.code for p in c.problems] == ["procedure.extension_before_clock"]


def test_a_suspension_in_the_extended_period_moves_the_extended_deadline() -> None:
    pause = Suspension(start=D(2023, 6, 20), end=D(2023, 6, 30), reason=DOCS)
    app = make_app(complete_on=D(2023, 3, 15), extension=ext(D(2023, 6, 1)), suspensions=(pause,))
    c = clock(app, D(2023, 7, 1))
    assert (c.decision.original_due_on, c.decision.due_on) == (D(2023, 6, 15), D(2023, 7, 25))
    assert c.decision.suspended_days == 10


def test_extension_while_suspended_is_in_time() -> None:
    qa = Suspension(start=D(2023, 6, 1), reason=QA)
    app = make_app(complete_on=D(2023, 3, 15), suspensions=(qa,), extension=ext(D(2023, 7, 1)))
    c = clock(app, D(2023, 7, 2))
    assert c.suspended
    assert c.problems == ()
    assert c.decision.extension_months == 1


# -- the accelerated procedure -------------------------------------------------------------


def test_accelerated_procedure_two_weeks_and_two_months() -> None:
    app = make_app(received_on=D(2021, 1, 31), accelerated=True, complete_on=D(2021, 2, 10))
    c = clock(app, D(2021, 2, 11))
    assert c.accelerated
    assert c.acknowledgement.due_on == D(2021, 2, 14)
    assert c.acknowledgement.basis[0].parameter_id == "bqfg.s14a.acknowledgement"
    assert c.decision.due_on == D(2021, 4, 10)
    assert str(c.decision.basis[0].reference) == "§14a BQFG"
    assert c.problems == ()


def test_accelerated_procedure_from_its_first_day() -> None:
    app = make_app(received_on=D(2020, 3, 1), accelerated=True)
    c = clock(app, D(2020, 3, 2))
    assert c.accelerated
    assert c.acknowledgement.due_on == D(2020, 3, 15)


def test_accelerated_before_1_march_2020_falls_back_and_is_reported() -> None:
    app = make_app(received_on=D(2020, 2, 15), accelerated=True, complete_on=D(2020, 2, 20))
    c = clock(app, D(2020, 3, 1))
    assert not c.accelerated
    assert c.acknowledgement.due_on == D(2020, 3, 15)
    assert c.decision.due_on == D(2020, 5, 20)
    assert [p.code for p in c.problems] == ["procedure.accelerated_not_in_force"]
    with pytest.raises(ValidationError):
        clock(app, D(2020, 3, 1), strict=True)


def test_accelerated_with_suspension_and_extension() -> None:
    qa = Suspension(start=D(2021, 3, 1), end=D(2021, 3, 11), reason=QA)
    app = make_app(
        received_on=D(2021, 2, 1),
        accelerated=True,
        complete_on=D(2021, 2, 10),
        suspensions=(qa,),
        extension=ext(D(2021, 4, 1)),
    )
    c = clock(app, D(2021, 4, 2))
    # 10 Feb + 2 months = 10 Apr; +10 suspended days = 20 Apr; +1 month = 20 May.
    assert c.decision.due_on == D(2021, 5, 20)


# -- misuse and properties -----------------------------------------------------------------


def test_clock_refuses_wrong_types_and_names_no_values() -> None:
    with pytest.raises(TypeError, match="as_of"):
        clock(make_app(), "2023-01-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="application"):
        clock(object(), D(2023, 1, 1))  # type: ignore[arg-type]


def test_custom_parameters_for_a_fachrecht() -> None:
    p = procedure_parameters()
    longer = attrs.evolve(
        p.decision, values=(attrs.evolve(p.decision.values[0], value=Period(months=4)),)
    )
    params: ProcedureParameters = attrs.evolve(p, decision=longer)
    app = make_app(complete_on=D(2023, 3, 15))
    assert clock(app, D(2023, 4, 1), parameters=params).decision.due_on == D(2023, 7, 15)


@st.composite
def applications(draw: st.DrawFn) -> RecognitionApplication:
    received = draw(st.dates(min_value=D(2013, 1, 1), max_value=D(2030, 1, 1)))
    complete = received + timedelta(days=draw(st.integers(0, 90)))
    suspensions = []
    start = complete + timedelta(days=draw(st.integers(-20, 40)))
    for _ in range(draw(st.integers(0, 3))):
        length = draw(st.integers(0, 60))
        end = start + timedelta(days=length)
        suspensions.append(
            Suspension(start=start, end=end, reason=draw(st.sampled_from([QA, DOCS])))
        )
        start = end + timedelta(days=draw(st.integers(0, 40)))
    return make_app(
        received_on=received,
        complete_on=complete,
        suspensions=tuple(suspensions),
        accelerated=draw(st.booleans()),
        regulated=draw(st.booleans()),
    )


@given(applications(), st.integers(0, 400))
def test_deadline_never_before_the_unsuspended_one_and_shifted_by_suspended_days(
    app: RecognitionApplication, offset: int
) -> None:
    assert app.complete_on is not None
    as_of = app.complete_on + timedelta(days=offset)
    c = clock(app, as_of)
    d = c.decision
    assert d.kind is DeadlineKind.DECISION
    months = 2 if c.accelerated else 3
    base = add_months(app.complete_on, months)
    if d.status is DeadlineStatus.SUSPENDED:
        assert d.due_on is None
        assert d.days_remaining is not None
        assert d.days_remaining > 0
    else:
        assert d.due_on == base + timedelta(days=d.suspended_days)
        assert d.days_remaining == (d.due_on - as_of).days
        assert (d.status is DeadlineStatus.OVERDUE) == (as_of > d.due_on)


@given(applications())
def test_days_remaining_falls_by_one_per_running_day_and_holds_while_suspended(
    app: RecognitionApplication,
) -> None:
    assert app.complete_on is not None
    previous = None
    for offset in range(0, 200, 1):
        c = clock(app, app.complete_on + timedelta(days=offset))
        remaining = c.decision.days_remaining
        assert remaining is not None
        if previous is not None:
            assert remaining == previous - (0 if c.suspended else 1)
        previous = remaining
