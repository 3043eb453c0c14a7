"""The status of a recognition application at the competent authority, kept consistent with
its dates (domain notes §8.4).

::

    RECEIVED → ACKNOWLEDGED ⇄ INCOMPLETE → COMPLETE → [QA_IN_PROGRESS] → UNDER_EXAMINATION
    UNDER_EXAMINATION → DECIDED → [OBJECTION → COURT] → CLOSED
    any state except CLOSED → CLOSED                 (withdrawal, rejection on procedure …)

Each move keeps the dates that the clock reads in step: acknowledging sets ``acknowledged_on``
(also when the acknowledgement lists missing documents: RECEIVED → INCOMPLETE), COMPLETE sets
``complete_on`` (the decision clock starts), entering QA_IN_PROGRESS opens a
QUALIFICATION_ANALYSIS suspension (ending a request for documents that still runs: the analysis
replaces it) and leaving it closes it, DECIDED records the decision, and
DECIDED or CLOSED end any suspension still running. No move may be dated before a date already
on record (the model keeps no dates of the status changes themselves).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from iqcore.errors import InvalidTransition, Problem, ValidationError
from iqcore.model.cases import (
    ApplicationStatus,
    Extension,
    RecognitionApplication,
    Suspension,
    SuspensionReason,
)
from iqcore.model.decisions import Decision
from iqcore.procedure.clock import DeadlineStatus, clock, extension_cap_applies
from iqcore.procedure.parameters import ProcedureParameters, procedure_parameters

__all__ = [
    "APPLICATION_TRANSITIONS",
    "allowed_application_transitions",
    "grant_extension",
    "request_information",
    "transition_application",
]

_A = ApplicationStatus

#: The allowed moves between the states of an application, as data (closing included).
APPLICATION_TRANSITIONS: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = (
    MappingProxyType(
        {
            _A.RECEIVED: frozenset({_A.ACKNOWLEDGED, _A.INCOMPLETE, _A.CLOSED}),
            _A.ACKNOWLEDGED: frozenset({_A.INCOMPLETE, _A.COMPLETE, _A.CLOSED}),
            _A.INCOMPLETE: frozenset({_A.ACKNOWLEDGED, _A.COMPLETE, _A.CLOSED}),
            _A.COMPLETE: frozenset({_A.QA_IN_PROGRESS, _A.UNDER_EXAMINATION, _A.CLOSED}),
            _A.QA_IN_PROGRESS: frozenset({_A.UNDER_EXAMINATION, _A.CLOSED}),
            _A.UNDER_EXAMINATION: frozenset({_A.QA_IN_PROGRESS, _A.DECIDED, _A.CLOSED}),
            _A.DECIDED: frozenset({_A.OBJECTION, _A.COURT, _A.CLOSED}),
            _A.OBJECTION: frozenset({_A.COURT, _A.CLOSED}),
            _A.COURT: frozenset({_A.CLOSED}),
            _A.CLOSED: frozenset(),
        }
    )
)


def allowed_application_transitions(
    application: RecognitionApplication,
) -> frozenset[ApplicationStatus]:
    """The states *application* may move to next."""
    return APPLICATION_TRANSITIONS[application.status]


def _last_event(app: RecognitionApplication) -> date:
    """The latest date already on record (suspension ends may lie in the future: not counted)."""
    days = [app.received_on]
    days += [d for d in (app.acknowledged_on, app.complete_on) if d is not None]
    days += [s.start for s in app.suspensions]
    if app.extension is not None:
        days.append(app.extension.granted_on)
    if app.decision is not None:
        days.append(app.decision.decided_on)
    return max(days)


def _running(app: RecognitionApplication, on: date) -> int | None:
    """Index of a suspension that has not ended by *on* (end None or after *on*)."""
    for index, s in enumerate(app.suspensions):
        if s.end is None or s.end > on:
            return index
    return None


def _end_suspensions(
    app: RecognitionApplication, on: date, only: SuspensionReason | None = None
) -> tuple[Suspension, ...]:
    out = []
    for s in app.suspensions:
        if (s.end is None or s.end > on) and (only is None or s.reason is only):
            s = attrs.evolve(s, end=max(on, s.start))
        out.append(s)
    return tuple(out)


def _refuse(app: RecognitionApplication, to: ApplicationStatus, why: str) -> InvalidTransition:
    return InvalidTransition(
        f"application: cannot move from {app.status.value} to {to.value}: {why}"
    )


def transition_application(
    application: RecognitionApplication,
    to: ApplicationStatus,
    *,
    on: date,
    decision: Decision | None = None,
) -> RecognitionApplication:
    """A new application in state *to*, with its dates kept consistent.

    Moving to DECIDED needs the *decision*, dated *on*. Raises
    :class:`~iqcore.errors.InvalidTransition` for a move the table does not allow, a date
    before the last one on record, or a missing decision.
    """
    app = application
    if not isinstance(app, RecognitionApplication):
        raise TypeError("application must be a RecognitionApplication")
    if not isinstance(to, ApplicationStatus):
        raise TypeError("to must be an ApplicationStatus")
    if not isinstance(on, date):
        raise TypeError("on must be a date")
    if decision is not None and not isinstance(decision, Decision):
        raise TypeError("decision must be a Decision")
    if to not in APPLICATION_TRANSITIONS[app.status]:
        if app.status is ApplicationStatus.CLOSED:
            raise _refuse(app, to, "a closed application is final")
        allowed = ", ".join(sorted(s.value for s in APPLICATION_TRANSITIONS[app.status]))
        raise _refuse(app, to, f"the procedure allows only {allowed}")
    if on < _last_event(app):
        raise _refuse(app, to, "the date is before the last event on record")
    if (to is ApplicationStatus.DECIDED) != (decision is not None):
        raise _refuse(app, to, "a decision is recorded when, and only when, the move is DECIDED")

    changes: dict[str, Any] = {"status": to}
    if app.status is ApplicationStatus.QA_IN_PROGRESS:
        changes["suspensions"] = _end_suspensions(
            app, on, only=SuspensionReason.QUALIFICATION_ANALYSIS
        )
    if to in (ApplicationStatus.ACKNOWLEDGED, ApplicationStatus.INCOMPLETE):
        if app.acknowledged_on is None:
            changes["acknowledged_on"] = on
    elif to is ApplicationStatus.COMPLETE:
        if app.complete_on is None:
            changes["complete_on"] = on
    elif to is ApplicationStatus.QA_IN_PROGRESS:
        # The analysis replaces a request for documents still running: that request ends today.
        qa = Suspension(start=on, reason=SuspensionReason.QUALIFICATION_ANALYSIS)
        changes["suspensions"] = (*_end_suspensions(app, on), qa)
    elif to is ApplicationStatus.DECIDED:
        assert decision is not None
        if decision.decided_on != on:
            raise _refuse(app, to, "the decision must be dated on the day of the move")
        changes["decision"] = decision
        changes["suspensions"] = _end_suspensions(app, on)
    elif to is ApplicationStatus.CLOSED:
        changes["suspensions"] = _end_suspensions(app, on)
    try:
        return attrs.evolve(app, **changes)
    except (ValueError, TypeError) as exc:
        raise _refuse(app, to, str(exc)) from None


def request_information(
    application: RecognitionApplication, *, on: date, until: date
) -> RecognitionApplication:
    """Record a request for further information or documents after completeness.

    The authority sets a deadline *until*; the decision clock stands still from *on* until that
    deadline expires (§5(4),(5) with §6(4), §12(4),(5) with §13(4) BQFG). Before the documents
    are complete there is no clock: move the application to INCOMPLETE instead.
    """
    app = application
    if app.status not in (ApplicationStatus.COMPLETE, ApplicationStatus.UNDER_EXAMINATION):
        raise InvalidTransition(
            f"application: cannot request information in state {app.status.value}: the "
            "decision clock runs only once the documents are complete (COMPLETE, "
            "UNDER_EXAMINATION); ask for missing documents by moving to INCOMPLETE"
        )
    if not (isinstance(on, date) and isinstance(until, date)):
        raise TypeError("on and until must be dates")
    if until <= on:
        raise InvalidTransition("application: the deadline for the information must be after on")
    if on < _last_event(app):
        raise InvalidTransition("application: the date is before the last event on record")
    if _running(app, on) is not None:
        raise InvalidTransition("application: another suspension of the deadline is still running")
    request = Suspension(start=on, end=until, reason=SuspensionReason.DOCUMENTS_REQUESTED)
    # A dict: attrs' mypy plugin types a converter=tuple field as an unsolved Iterable.
    changes: dict[str, Any] = {"suspensions": (*app.suspensions, request)}
    return attrs.evolve(app, **changes)


def grant_extension(
    application: RecognitionApplication,
    *,
    on: date,
    months: int,
    reason: str,
    parameters: ProcedureParameters | None = None,
) -> RecognitionApplication:
    """Record the one extension of the decision deadline (§6(3), §13(3) BQFG).

    Raises :class:`~iqcore.errors.InvalidTransition` if the deadline was already extended, is
    not running (documents incomplete, decision made) or has expired by *on*, and
    :class:`~iqcore.errors.ValidationError` if the reason is empty or the extension is longer
    than §13(3) sentence 4 allows.
    """
    app = application
    params = parameters if parameters is not None else procedure_parameters()
    if app.extension is not None:
        raise InvalidTransition(
            "application: the decision deadline can be extended only once (§6(3), §13(3) BQFG)"
        )
    problems = []
    if not (isinstance(reason, str) and reason.strip()):
        problems.append(
            Problem(
                "$.extension.reason",
                "procedure.extension_without_reason",
                "an extension must give its reason (§6(3) sentence 4, §13(3) BQFG)",
            )
        )
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 12:
        problems.append(
            Problem(
                "$.extension.months",
                "procedure.extension_months",
                "an extension is a whole number of months from 1 to 12",
            )
        )
    elif extension_cap_applies(app) and app.complete_on is not None:
        cap = params.extension_cap_eu_eea_ch
        if cap.in_force(app.complete_on) and months > cap.at(app.complete_on).months:
            problems.append(
                Problem(
                    "$.extension.months",
                    "procedure.extension_too_long",
                    "for a regulated profession with a qualification from the EU, EEA or "
                    "Switzerland an extension lasts at most one month (§13(3) sentence 4 BQFG)",
                )
            )
    if problems:
        raise ValidationError(problems, type_name="Extension")
    state = clock(app, on, parameters=params).decision
    if state.status not in (DeadlineStatus.RUNNING, DeadlineStatus.SUSPENDED):
        why = {
            DeadlineStatus.OVERDUE: "the original decision deadline has already expired",
            DeadlineStatus.NOT_STARTED: "the documents are not complete, no deadline runs",
            DeadlineStatus.NO_DEADLINE: "no decision deadline was in force",
        }.get(state.status, "the procedure has ended")
        raise InvalidTransition(f"application: cannot extend the decision deadline: {why}")
    if on < _last_event(app):
        raise InvalidTransition("application: the date is before the last event on record")
    extension = Extension(granted_on=on, months=months, reason=reason)
    return attrs.evolve(app, extension=extension)
