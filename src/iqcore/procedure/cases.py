"""The lifecycle of a counselling case (domain notes §8.4) as a table of allowed transitions.

::

    INTAKE → ORIENTATION → DOCUMENTS → APPLICATION_FILED → AWAITING_DECISION → DECISION_RECEIVED
    DECISION_RECEIVED → JOB_PLACEMENT                    (full equivalence)
    DECISION_RECEIVED → QUALIFICATION_COUNSELLING → IN_MEASURE → FOLLOW_UP   (otherwise)
    FOLLOW_UP → APPLICATION_FILED                        (a follow-up application, Folgeantrag)
    any state except CLOSED → CLOSED                     (always with a ClosureReason)

Referrals (Faire Integration, a language course, the Jobcenter …) are possible in any state and
do not change it (:func:`refer`). A closed case is final.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from iqcore.errors import InvalidTransition
from iqcore.model.cases import (
    CaseStatus,
    ClosureReason,
    CounsellingCase,
    Referral,
    ReferralTarget,
)
from iqcore.model.decisions import DecisionOutcome

__all__ = [
    "CASE_TRANSITIONS",
    "allowed_transitions",
    "can_reach",
    "refer",
    "transition",
]

_S = CaseStatus

#: The allowed moves between the states of a counselling case, as data. Closing is allowed from
#: every state but CLOSED and is included here.
CASE_TRANSITIONS: Mapping[CaseStatus, frozenset[CaseStatus]] = MappingProxyType(
    {
        _S.INTAKE: frozenset({_S.ORIENTATION, _S.CLOSED}),
        _S.ORIENTATION: frozenset({_S.DOCUMENTS, _S.CLOSED}),
        _S.DOCUMENTS: frozenset({_S.APPLICATION_FILED, _S.CLOSED}),
        _S.APPLICATION_FILED: frozenset({_S.AWAITING_DECISION, _S.CLOSED}),
        _S.AWAITING_DECISION: frozenset({_S.DECISION_RECEIVED, _S.CLOSED}),
        _S.DECISION_RECEIVED: frozenset(
            {_S.JOB_PLACEMENT, _S.QUALIFICATION_COUNSELLING, _S.CLOSED}
        ),
        _S.JOB_PLACEMENT: frozenset({_S.CLOSED}),
        _S.QUALIFICATION_COUNSELLING: frozenset({_S.IN_MEASURE, _S.CLOSED}),
        _S.IN_MEASURE: frozenset({_S.FOLLOW_UP, _S.CLOSED}),
        _S.FOLLOW_UP: frozenset({_S.APPLICATION_FILED, _S.CLOSED}),
        _S.CLOSED: frozenset(),
    }
)


def allowed_transitions(case: CounsellingCase) -> frozenset[CaseStatus]:
    """The states *case* may move to next."""
    return CASE_TRANSITIONS[case.status]


def can_reach(start: CaseStatus, goal: CaseStatus) -> bool:
    """True if the table allows a path from *start* to *goal* (a state reaches itself)."""
    seen = {start}
    todo = [start]
    while todo:
        here = todo.pop()
        if here is goal:
            return True
        for nxt in CASE_TRANSITIONS[here] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return False


def _refuse(case: CounsellingCase, to: CaseStatus, why: str) -> InvalidTransition:
    return InvalidTransition(
        f"counselling case: cannot move from {case.status.value} to {to.value}: {why}"
    )


def transition(
    case: CounsellingCase,
    to: CaseStatus,
    *,
    on: date,
    reason: ClosureReason | None = None,
    outcome: DecisionOutcome | None = None,
) -> CounsellingCase:
    """A new case in state *to*; *case* itself is never changed.

    Moving to CLOSED needs a *reason* and sets ``closed_on`` to *on*; a reason for any other
    move is refused. When the case leaves DECISION_RECEIVED, *outcome* (the outcome of the
    notice, if given) is checked: JOB_PLACEMENT and closing as RECOGNISED_FULL need full
    equivalence, QUALIFICATION_COUNSELLING needs anything else.

    Raises :class:`~iqcore.errors.InvalidTransition` for a move the table does not allow, a
    missing or misplaced reason, an outcome that does not fit, or a date before the case was
    opened.
    """
    if not isinstance(case, CounsellingCase):
        raise TypeError("case must be a CounsellingCase")
    if not isinstance(to, CaseStatus):
        raise TypeError("to must be a CaseStatus")
    if not isinstance(on, date):
        raise TypeError("on must be a date")
    if reason is not None and not isinstance(reason, ClosureReason):
        raise TypeError("reason must be a ClosureReason")
    if outcome is not None and not isinstance(outcome, DecisionOutcome):
        raise TypeError("outcome must be a DecisionOutcome")
    if to not in CASE_TRANSITIONS[case.status]:
        if case.status is CaseStatus.CLOSED:
            raise _refuse(case, to, "a closed case is final")
        allowed = ", ".join(sorted(s.value for s in CASE_TRANSITIONS[case.status]))
        raise _refuse(case, to, f"the lifecycle allows only {allowed}")
    if on < case.opened_on:
        raise _refuse(case, to, "the date is before the case was opened")
    if to is CaseStatus.CLOSED and reason is None:
        raise _refuse(case, to, "closing a case needs a closure reason")
    if to is not CaseStatus.CLOSED and reason is not None:
        raise _refuse(case, to, "a closure reason is only given when a case is closed")
    if outcome is not None and case.status is CaseStatus.DECISION_RECEIVED:
        full = outcome is DecisionOutcome.FULL_EQUIVALENCE
        if to is CaseStatus.JOB_PLACEMENT and not full:
            raise _refuse(case, to, "job placement follows a decision of full equivalence")
        if to is CaseStatus.QUALIFICATION_COUNSELLING and full:
            raise _refuse(case, to, "after full equivalence no qualification counselling is due")
        if reason is ClosureReason.RECOGNISED_FULL and not full:
            raise _refuse(case, to, "RECOGNISED_FULL needs a decision of full equivalence")
    if to is CaseStatus.CLOSED:
        return attrs.evolve(case, status=to, closure_reason=reason, closed_on=on)
    return attrs.evolve(case, status=to)


def refer(case: CounsellingCase, to: ReferralTarget, on: date) -> CounsellingCase:
    """A new case with a referral added; the state does not change.

    A referral is possible in every state; its date must lie between the opening of the case
    and, for a closed case, its closing.
    """
    if not isinstance(case, CounsellingCase):
        raise TypeError("case must be a CounsellingCase")
    if not isinstance(to, ReferralTarget):
        raise TypeError("to must be a ReferralTarget")
    if not isinstance(on, date):
        raise TypeError("on must be a date")
    if on < case.opened_on or (case.closed_on is not None and on > case.closed_on):
        raise InvalidTransition(
            f"counselling case: cannot refer to {to.value} in state {case.status.value}: "
            "the date lies outside the time the case was open"
        )
    # A dict: attrs' mypy plugin types a converter=tuple field as an unsolved Iterable.
    changes: dict[str, Any] = {"referrals": (*case.referrals, Referral(to=to, on=on))}
    return attrs.evolve(case, **changes)
