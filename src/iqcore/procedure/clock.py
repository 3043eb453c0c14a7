"""The procedure clock: what is due when, and what is overdue, as of any date.

:func:`clock` reads a :class:`~iqcore.model.RecognitionApplication` *as it stood on* ``as_of``:
an acknowledgement, completeness date, suspension, extension or decision dated after ``as_of``
has not happened yet, and a suspension that ends after ``as_of`` is still running. The
acknowledgement deadline starts on ``received_on``; the decision deadline starts on
``complete_on`` (§6(3) sentence 2, §13(3) sentence 2 BQFG: the clock does not start until the
documents are complete). Each deadline uses the parameter value in force on the day its period
starts, and reports that value with its legal reference.

The decision deadline stands still while a suspension runs (§6(4), §13(4) BQFG): every
suspended day after the clock started moves the deadline one day later, like §209 BGB counts a
suspension. A suspension that begins after the deadline has expired does not revive it. The one
extension adds its months to the end of the deadline it extends (§190 BGB); it is counted only
if it was granted while that deadline ran, and at most one month where §13(3) sentence 4 BQFG
applies (regulated profession, qualification from the EU, EEA or Switzerland). An extension
that breaks these rules is reported in :attr:`ProcedureClock.problems` and counted only as far
as it is lawful; ``clock(..., strict=True)`` raises :class:`~iqcore.errors.ValidationError`
instead.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from iqcore.errors import NotFound, Problem, ValidationError
from iqcore.model.cases import (
    ApplicationStatus,
    Extension,
    RecognitionApplication,
    Suspension,
    SuspensionReason,
)
from iqcore.procedure.parameters import ProcedureParameters, procedure_parameters
from iqcore.procedure.periods import Period, add_months
from iqcore.rules.dated import LegalReference, Parameter

__all__ = [
    "Deadline",
    "DeadlineKind",
    "DeadlineStatus",
    "ParameterUse",
    "ProcedureClock",
    "clock",
    "extension_cap_applies",
]


class DeadlineKind(enum.StrEnum):
    """The two deadlines the authority owes the applicant."""

    ACKNOWLEDGEMENT = "ACKNOWLEDGEMENT"
    DECISION = "DECISION"


class DeadlineStatus(enum.StrEnum):
    """Where a deadline stands on the as-of date."""

    NOT_STARTED = "NOT_STARTED"
    """The period has not begun (application not received, documents not complete)."""
    NO_DEADLINE = "NO_DEADLINE"
    """No statutory period was in force on the day the period would have started."""
    RUNNING = "RUNNING"
    SUSPENDED = "SUSPENDED"
    OVERDUE = "OVERDUE"
    """The period has ended and the act is still not done."""
    DONE_IN_TIME = "DONE_IN_TIME"
    DONE_LATE = "DONE_LATE"
    ENDED = "ENDED"
    """The procedure was closed without a decision (withdrawal, rejection on procedure)."""


@attrs.frozen(kw_only=True)
class ParameterUse:
    """A dated parameter value that a deadline was computed from, with its legal reference."""

    parameter_id: str
    as_of: date
    value: Period | frozenset[SuspensionReason]
    reference: LegalReference

    def __str__(self) -> str:
        if isinstance(self.value, Period):
            shown = str(self.value)
        else:
            shown = ", ".join(sorted(r.value for r in self.value))
        return f"{self.parameter_id} = {shown} ({self.reference}, as of {self.as_of.isoformat()})"


@attrs.frozen(kw_only=True)
class Deadline:
    """One deadline as of a date.

    ``due_on`` is the last day on which the act is in time; it is None while the period has not
    started or stands still. ``days_remaining`` counts the running days after ``as_of`` up to
    ``due_on`` (0: due today; negative: overdue by that many days). While the clock is suspended
    it is frozen at the number of running days still left when the clock resumes (an estimate
    where an extension applies). It is None once the act is done.
    """

    kind: DeadlineKind
    status: DeadlineStatus
    starts_on: date | None = None
    due_on: date | None = None
    original_due_on: date | None = None
    done_on: date | None = None
    days_remaining: int | None = None
    suspended_days: int = 0
    extension_months: int = 0
    basis: tuple[ParameterUse, ...] = ()

    @property
    def overdue(self) -> bool:
        return self.status is DeadlineStatus.OVERDUE

    @property
    def days_overdue(self) -> int:
        """Days past the deadline if overdue, else 0."""
        if self.status is DeadlineStatus.OVERDUE and self.days_remaining is not None:
            return -self.days_remaining
        return 0

    @property
    def open(self) -> bool:
        """True while the act is owed (running, suspended or overdue)."""
        return self.status in (
            DeadlineStatus.RUNNING,
            DeadlineStatus.SUSPENDED,
            DeadlineStatus.OVERDUE,
        )


@attrs.frozen(kw_only=True)
class ProcedureClock:
    """The state of a recognition procedure's deadlines on ``as_of``."""

    application_id: str
    as_of: date
    accelerated: bool
    """True if the accelerated procedure applies (asked for, and in force on receipt)."""
    extension_cap_applies: bool
    """True if §13(3) sentence 4 BQFG limits the extension (regulated, EU/EEA/CH training)."""
    acknowledgement: Deadline
    decision: Deadline
    current_suspension: Suspension | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def suspended(self) -> bool:
        """True if the decision clock stands still on ``as_of``."""
        return self.current_suspension is not None

    @property
    def clock_started(self) -> bool:
        """True once the documents are complete (the decision deadline runs or ran)."""
        return self.decision.starts_on is not None

    @property
    def deadlines(self) -> tuple[Deadline, Deadline]:
        return (self.acknowledgement, self.decision)

    @property
    def overdue(self) -> tuple[Deadline, ...]:
        """The deadlines that have passed with the act still not done."""
        return tuple(d for d in self.deadlines if d.overdue)

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue)

    @property
    def next_due(self) -> Deadline | None:
        """The open deadline with a known due date that comes first, if any."""
        owed = [d for d in self.deadlines if d.open and d.due_on is not None]
        return min(owed, key=lambda d: d.due_on or date.max) if owed else None


def extension_cap_applies(application: RecognitionApplication) -> bool:
    """True if §13(3) sentence 4 BQFG caps the extension at one month.

    That is the case for a regulated profession when the qualification was acquired in the EU,
    the EEA or Switzerland (country group as of ``received_on``). The rule also covers training
    acquired elsewhere but recognised in one of these states; the model does not record that.
    """
    if not application.regulated:
        return False
    group = application.qualification.country_of_training.group(application.received_on)
    return group.is_eu_eea_ch


def _use(parameter: Parameter[Period], day: date) -> tuple[Period, ParameterUse] | None:
    try:
        value = parameter.value_at(day)
    except NotFound:
        return None
    use = ParameterUse(
        parameter_id=parameter.id, as_of=day, value=value.value, reference=value.reference
    )
    return value.value, use


def _acknowledgement(
    app: RecognitionApplication, as_of: date, params: ProcedureParameters, accelerated: bool
) -> Deadline:
    kind = DeadlineKind.ACKNOWLEDGEMENT
    if as_of < app.received_on:
        return Deadline(kind=kind, status=DeadlineStatus.NOT_STARTED)
    if accelerated:
        parameter = params.accelerated_acknowledgement
    elif app.regulated:
        parameter = params.acknowledgement_regulated
    else:
        parameter = params.acknowledgement
    done = app.acknowledged_on if app.acknowledged_on and app.acknowledged_on <= as_of else None
    found = _use(parameter, app.received_on)
    if found is None:
        status = DeadlineStatus.DONE_IN_TIME if done else DeadlineStatus.NO_DEADLINE
        return Deadline(kind=kind, status=status, starts_on=app.received_on, done_on=done)
    period, use = found
    due = period.end(app.received_on)
    remaining: int | None = None
    if done is not None:
        status = DeadlineStatus.DONE_IN_TIME if done <= due else DeadlineStatus.DONE_LATE
    else:
        remaining = (due - as_of).days
        status = DeadlineStatus.OVERDUE if remaining < 0 else DeadlineStatus.RUNNING
    return Deadline(
        kind=kind,
        status=status,
        starts_on=app.received_on,
        due_on=due,
        original_due_on=due,
        done_on=done,
        days_remaining=remaining,
        basis=(use,),
    )


@attrs.define
class _DecisionState:
    """Scratch state while the decision deadline is computed (not part of the API)."""

    due: date
    suspended_days: int = 0
    extension_months: int = 0
    original_due: date | None = None
    extension_pending: Extension | None = None
    basis: list[ParameterUse] = attrs.Factory(list)


def _apply_extension(
    state: _DecisionState,
    start: date,
    cap: tuple[Period, ParameterUse] | None,
    problems: list[Problem],
    frozen_since: date | None = None,
) -> None:
    """Count the pending extension; *frozen_since*: the clock has stood still since that day."""
    ext = state.extension_pending
    if ext is None:
        return
    state.extension_pending = None
    state.original_due = state.due
    if ext.granted_on < start:
        problems.append(
            Problem(
                "$.extension.granted_on",
                "procedure.extension_before_clock",
                "the extension was granted before the documents were complete, when no "
                "decision deadline ran (§6(3), §13(3) BQFG); it is not counted",
            )
        )
        return
    expired = ext.granted_on > state.due
    if frozen_since is not None and ext.granted_on >= frozen_since:
        expired = False  # granted while the clock stood still before the deadline
    if expired:
        problems.append(
            Problem(
                "$.extension.granted_on",
                "procedure.extension_late",
                "the extension was granted after the original decision deadline had expired; "
                "it must be communicated in time (§6(3), §13(3) BQFG) and is not counted",
            )
        )
        return
    months = ext.months
    if cap is not None:
        cap_period, use = cap
        state.basis.append(use)
        if months > cap_period.months:
            problems.append(
                Problem(
                    "$.extension.months",
                    "procedure.extension_too_long",
                    "the extension is longer than §13(3) sentence 4 BQFG allows for a regulated "
                    "profession with a qualification from the EU, EEA or Switzerland; only the "
                    "maximum is counted",
                )
            )
            months = cap_period.months
    state.extension_months = months
    state.due = add_months(state.due, months)


def _decision(
    app: RecognitionApplication,
    as_of: date,
    params: ProcedureParameters,
    accelerated: bool,
    cap_applies: bool,
    problems: list[Problem],
) -> tuple[Deadline, Suspension | None]:
    kind = DeadlineKind.DECISION
    decision = app.decision
    done = decision.decided_on if decision and decision.decided_on <= as_of else None
    view = done if done is not None else as_of
    start = app.complete_on if app.complete_on is not None and app.complete_on <= view else None
    ended = app.status is ApplicationStatus.CLOSED and decision is None
    if start is None:
        if done is not None:
            status = DeadlineStatus.DONE_IN_TIME
        elif ended:
            status = DeadlineStatus.ENDED
        else:
            status = DeadlineStatus.NOT_STARTED
        return Deadline(kind=kind, status=status, done_on=done), None

    if accelerated:
        parameter = params.accelerated_decision
    elif app.regulated:
        parameter = params.decision_regulated
    else:
        parameter = params.decision
    found = _use(parameter, start)
    if found is None:
        status = DeadlineStatus.DONE_IN_TIME if done else DeadlineStatus.NO_DEADLINE
        if ended and not done:
            status = DeadlineStatus.ENDED
        return Deadline(kind=kind, status=status, starts_on=start, done_on=done), None
    period, use = found
    state = _DecisionState(due=period.end(start))
    state.basis.append(use)
    ext = app.extension
    state.extension_pending = ext if ext is not None and ext.granted_on <= view else None
    cap = _use(params.extension_cap_eu_eea_ch, start) if cap_applies else None

    grounds_param = (
        params.suspension_grounds_regulated if app.regulated else params.suspension_grounds
    )
    grounds_used: set[str] = set()
    running: Suspension | None = None
    frozen_remaining: int | None = None
    for index, suspension in enumerate(app.suspensions):
        if suspension.start > view:
            break
        end = suspension.end if suspension.end is not None and suspension.end <= view else None
        if end is not None and end <= start:
            continue  # over before the clock started
        try:
            grounds = grounds_param.value_at(suspension.start)
        except NotFound:
            grounds = None
        if grounds is None or suspension.reason not in grounds.value:
            problems.append(
                Problem(
                    f"$.suspensions[{index}].reason",
                    "procedure.suspension_without_ground",
                    "this suspension has no ground in force that suspends the decision "
                    "deadline (§6(4), §13(4) BQFG); it is not counted",
                )
            )
            continue
        if grounds_param.id not in grounds_used:
            grounds_used.add(grounds_param.id)
            state.basis.append(
                ParameterUse(
                    parameter_id=grounds_param.id,
                    as_of=suspension.start,
                    value=grounds.value,
                    reference=grounds.reference,
                )
            )
        effective = max(suspension.start, start)
        if effective > state.due:
            _apply_extension(state, start, cap, problems)
        if effective > state.due:
            break  # the deadline had expired before this suspension began
        if end is None:
            running = suspension
            _apply_extension(state, start, cap, problems, frozen_since=effective)
            state.suspended_days += (view - effective).days + 1
            frozen_remaining = (state.due - effective).days + 1
            break
        days = (end - effective).days
        state.due = date.fromordinal(state.due.toordinal() + days)
        state.suspended_days += days
    if running is None:
        _apply_extension(state, start, cap, problems)

    base = Deadline(
        kind=kind,
        status=DeadlineStatus.RUNNING,
        starts_on=start,
        done_on=done,
        suspended_days=state.suspended_days,
        extension_months=state.extension_months,
        original_due_on=state.original_due if state.original_due else state.due,
        basis=tuple(state.basis),
    )
    if running is not None:
        if done is not None:
            return attrs.evolve(base, status=DeadlineStatus.DONE_IN_TIME), None
        return (
            attrs.evolve(base, status=DeadlineStatus.SUSPENDED, days_remaining=frozen_remaining),
            running,
        )
    if done is not None:
        status = DeadlineStatus.DONE_IN_TIME if done <= state.due else DeadlineStatus.DONE_LATE
        return attrs.evolve(base, status=status, due_on=state.due), None
    if ended:
        return attrs.evolve(base, status=DeadlineStatus.ENDED, due_on=state.due), None
    remaining = (state.due - as_of).days
    status = DeadlineStatus.OVERDUE if remaining < 0 else DeadlineStatus.RUNNING
    return attrs.evolve(base, status=status, due_on=state.due, days_remaining=remaining), None


def clock(
    application: RecognitionApplication,
    as_of: date,
    *,
    parameters: ProcedureParameters | None = None,
    strict: bool = False,
) -> ProcedureClock:
    """The deadlines of *application* as they stood on *as_of*.

    *parameters* replaces the federal deadlines (for a Fachrecht with its own periods).
    Problems with the record (an unlawful extension, an accelerated procedure before it
    existed, a suspension without a ground) are listed in ``problems``; with ``strict=True``
    they raise :class:`~iqcore.errors.ValidationError` instead.
    """
    if not isinstance(application, RecognitionApplication):
        raise TypeError("application must be a RecognitionApplication")
    if not isinstance(as_of, date):
        raise TypeError("as_of must be a date")
    params = parameters if parameters is not None else procedure_parameters()
    problems: list[Problem] = []
    accelerated = application.accelerated
    if accelerated and not params.accelerated_decision.in_force(application.received_on):
        problems.append(
            Problem(
                "$.accelerated",
                "procedure.accelerated_not_in_force",
                "the accelerated procedure (§14a BQFG with §81a AufenthG) was not in force on "
                "the day the application was received; the ordinary deadlines are used",
            )
        )
        accelerated = False
    cap_applies = extension_cap_applies(application)
    acknowledgement = _acknowledgement(application, as_of, params, accelerated)
    decision, running = _decision(application, as_of, params, accelerated, cap_applies, problems)
    if strict and problems:
        raise ValidationError(problems, type_name="RecognitionApplication")
    return ProcedureClock(
        application_id=application.id,
        as_of=as_of,
        accelerated=accelerated,
        extension_cap_applies=cap_applies,
        acknowledgement=acknowledgement,
        decision=decision,
        current_suspension=running,
        problems=tuple(problems),
    )
