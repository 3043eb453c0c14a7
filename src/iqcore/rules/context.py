"""The case as a rule sees it: the inputs, derived facts, the result so far, and parameters.

One :class:`CaseContext` is made per assessment and handed to every rule in stage order. Rules
read the inputs and the result of earlier stages, add to the result through the ``add_*``
methods, and read dated parameters through :meth:`CaseContext.param`, which records the value,
its validity and its legal reference in the trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from iqcore.errors import ConfigurationError
from iqcore.model.codes import CefrLevel, CountryGroup, FederalState
from iqcore.model.decisions import (
    CompensationMeasureType,
    DecisionOutcome,
    DifferenceBasis,
    SubstantialDifference,
)
from iqcore.model.people import LanguageScope, Migrant
from iqcore.model.qualifications import (
    ForeignQualification,
    RecognitionRoute,
    ReferenceOccupation,
)
from iqcore.rules.core import ParameterRead
from iqcore.rules.results import (
    LegalPath,
    LicensingCheck,
    LicensingStatus,
    NextStep,
    NextStepKind,
    Obstacle,
    PermittedMeasure,
    Remedy,
)

__all__ = ["CaseContext", "country_group"]


class CaseContext:
    """The inputs of one assessment, the facts derived from them, and the result so far.

    Inputs (read only): ``qualification``, ``occupation``, ``applicant`` (may be None),
    ``as_of``, ``state`` and ``network_id`` (the place; either may be None).
    Derived: ``country_group`` (of the country of training as of the date), ``regulated``,
    ``kldb`` (the code as a string or None).
    Result so far: ``legal_path``, ``route``, ``obstacles``, ``differences``, ``outcome``,
    ``measures``, ``applicant_chooses``, ``licensing``, ``next_steps``, ``remedies``.
    ``scratch`` is free space for a plugin's rules to pass facts between stages.
    """

    __slots__ = (
        "_params",
        "_reads",
        "applicant",
        "applicant_chooses",
        "as_of",
        "country_group",
        "differences",
        "kldb",
        "legal_path",
        "licensing",
        "measures",
        "network_id",
        "next_steps",
        "obstacles",
        "occupation",
        "outcome",
        "qualification",
        "regulated",
        "remedies",
        "route",
        "rule_id",
        "scratch",
        "state",
    )

    def __init__(
        self,
        *,
        qualification: ForeignQualification,
        occupation: ReferenceOccupation,
        applicant: Migrant | None,
        as_of: date,
        state: FederalState | None,
        network_id: str | None,
        country_group: CountryGroup,
        params: Mapping[str, ParameterRead],
    ) -> None:
        self.qualification = qualification
        self.occupation = occupation
        self.applicant = applicant
        self.as_of = as_of
        self.state = state
        self.network_id = network_id
        self.country_group = country_group
        self.regulated: bool = occupation.regulated
        self.kldb: str | None = occupation.kldb.code if occupation.kldb is not None else None
        self.legal_path: LegalPath | None = None
        self.route: RecognitionRoute | None = None
        self.obstacles: list[Obstacle] = []
        self.differences: list[SubstantialDifference] = []
        self.outcome: DecisionOutcome | None = None
        self.measures: list[PermittedMeasure] = []
        self.applicant_chooses: bool = False
        self.licensing: list[LicensingCheck] = []
        self.next_steps: list[NextStep] = []
        self.remedies: list[Remedy] = []
        self.scratch: dict[str, Any] = {}
        self.rule_id = ""
        self._params = params
        self._reads: list[ParameterRead] = []

    # -- parameters -------------------------------------------------------------------------

    def param(self, parameter_id: str) -> Any:
        """The value of a parameter in force for this place and date; recorded in the trace.

        A Land's or network's parameter that replaces *parameter_id* answers in its place.
        """
        read = self._params.get(parameter_id)
        if read is None:
            raise ConfigurationError(
                f"rule {self.rule_id} read parameter {parameter_id}, which has no value in "
                "force for this place and date"
            )
        self._reads.append(read)
        return read.value

    # -- the result so far ------------------------------------------------------------------

    @property
    def remaining(self) -> list[SubstantialDifference]:
        """The differences that stand in the way of equivalence (essential, not compensated)."""
        return [d for d in self.differences if d.counts]

    def add_obstacle(self, code: str, note: str) -> None:
        self.obstacles.append(Obstacle(code=code, rule_id=self.rule_id, note=note))

    def add_difference(self, difference: SubstantialDifference) -> None:
        self.differences.append(difference)

    def replace_difference(self, old: SubstantialDifference, new: SubstantialDifference) -> None:
        self.differences[self.differences.index(old)] = new

    def add_measure(
        self,
        measure: CompensationMeasureType,
        *,
        covers: tuple[str, ...],
        max_months: int | None = None,
    ) -> None:
        self.measures.append(
            PermittedMeasure(
                type=measure, rule_id=self.rule_id, covers=covers, max_months=max_months
            )
        )

    def add_licensing(
        self,
        *,
        language: str,
        scope: LanguageScope,
        required: CefrLevel,
        held: CefrLevel | None,
        status: LicensingStatus,
    ) -> None:
        self.licensing.append(
            LicensingCheck(
                rule_id=self.rule_id,
                language=language,
                scope=scope,
                required=required,
                held=held,
                status=status,
            )
        )

    def add_next_step(self, kind: NextStepKind, items: tuple[str, ...] = ()) -> None:
        self.next_steps.append(NextStep(kind=kind, rule_id=self.rule_id, items=items))

    def add_remedy(
        self,
        area: str,
        basis: DifferenceBasis,
        *,
        more_experience_months: int | None,
        module: bool = True,
    ) -> None:
        self.remedies.append(
            Remedy(
                area=area,
                basis=basis,
                rule_id=self.rule_id,
                more_experience_months=more_experience_months,
                module=module,
            )
        )


_GROUP_PERIODS: dict[str, tuple[tuple[date, date, CountryGroup], ...]] = {}


def country_group(code: str, as_of: date) -> CountryGroup:
    """``CountryGroup.of(code, as_of)``, from a per-country table built on first use."""
    periods = _GROUP_PERIODS.get(code)
    if periods is None:
        if code == "DE":
            periods = ((date.min, date.max, CountryGroup.DE),)
        else:
            from iqcore.reference_data import country_group_periods

            periods = tuple(
                (p.start, p.end or date.max, CountryGroup(p.group))
                for p in country_group_periods().get(code, ())
            )
        _GROUP_PERIODS[code] = periods
    for start, end, group in periods:
        if start <= as_of < end:
            return group
    return CountryGroup.THIRD_COUNTRY
