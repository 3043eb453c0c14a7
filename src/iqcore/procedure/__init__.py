"""The recognition procedure: deadlines, the procedure clock, and the two status machines.

* :func:`procedure_parameters` — the federal deadlines as dated, cited parameters
  (§§ 6, 13, 14a BQFG);
* :func:`clock` — what is due when and what is overdue for a
  :class:`~iqcore.model.RecognitionApplication`, as of any date;
* :func:`transition`, :func:`allowed_transitions`, :func:`refer` — the counselling-case
  lifecycle;
* :func:`transition_application`, :func:`allowed_application_transitions`,
  :func:`request_information`, :func:`grant_extension` — the application at the authority.

Month arithmetic follows §31 VwVfG with §§187-188 BGB, clamped to the end of a short month
(see :mod:`iqcore.procedure.periods`).
"""

from iqcore.procedure.applications import (
    APPLICATION_TRANSITIONS,
    allowed_application_transitions,
    grant_extension,
    request_information,
    transition_application,
)
from iqcore.procedure.cases import (
    CASE_TRANSITIONS,
    allowed_transitions,
    can_reach,
    refer,
    transition,
)
from iqcore.procedure.clock import (
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    ParameterUse,
    ProcedureClock,
    clock,
    extension_cap_applies,
)
from iqcore.procedure.parameters import (
    ACCELERATED_PROCEDURE_IN_FORCE,
    DECISION_DEADLINE_IN_FORCE,
    ProcedureParameters,
    procedure_parameters,
)
from iqcore.procedure.periods import Period, add_months

__all__ = [
    "ACCELERATED_PROCEDURE_IN_FORCE",
    "APPLICATION_TRANSITIONS",
    "CASE_TRANSITIONS",
    "DECISION_DEADLINE_IN_FORCE",
    "Deadline",
    "DeadlineKind",
    "DeadlineStatus",
    "ParameterUse",
    "Period",
    "ProcedureClock",
    "ProcedureParameters",
    "add_months",
    "allowed_application_transitions",
    "allowed_transitions",
    "can_reach",
    "clock",
    "extension_cap_applies",
    "grant_extension",
    "procedure_parameters",
    "refer",
    "request_information",
    "transition",
    "transition_application",
]
