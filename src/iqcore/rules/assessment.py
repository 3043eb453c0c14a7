"""The result of :func:`iqcore.assess`: a prognosis with its trace and provenance.

An :class:`Assessment` is iqcore's counselling prognosis of what a competent authority would
find. It is not a :class:`~iqcore.model.decisions.Decision` (the record of a notice an authority
issued), and the two types are kept apart on purpose.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from iqcore.model.codes import FederalState
from iqcore.model.decisions import (
    CompensationMeasureType,
    DecisionOutcome,
    SubstantialDifference,
)
from iqcore.model.qualifications import RecognitionRoute
from iqcore.rules.core import Stage, TraceEntry
from iqcore.rules.dated import LegalReference
from iqcore.rules.results import (
    AreaTitle,
    LegalPath,
    LicensingCheck,
    LicensingStatus,
    NextStep,
    Obstacle,
    PermittedMeasure,
    Provenance,
    Remedy,
)

__all__ = ["Assessment"]


@attrs.frozen(kw_only=True)
class Assessment:
    """A pre-assessment of a foreign qualification against a German reference occupation.

    ``outcome`` is None when no equivalence assessment under the Recognition Act applies (the
    academic route, the BVFG route, or no procedure on the date); ``route`` is None when the
    scope stage found none. ``differences`` holds the remaining *and* the compensated
    differences (see :attr:`remaining` and :attr:`compensated`); ``remedies`` says what would
    compensate each remaining one. ``trace`` lists every rule considered, in stage order.
    """

    occupation_id: str
    occupation_title_de: str
    occupation_title_en: str
    regulated: bool
    as_of: date
    state: FederalState | None
    network_id: str | None
    legal_path: LegalPath | None
    route: RecognitionRoute | None
    outcome: DecisionOutcome | None
    obstacles: tuple[Obstacle, ...] = ()
    differences: tuple[SubstantialDifference, ...] = ()
    remedies: tuple[Remedy, ...] = ()
    measures: tuple[PermittedMeasure, ...] = ()
    applicant_chooses: bool = False
    licensing: tuple[LicensingCheck, ...] = ()
    next_steps: tuple[NextStep, ...] = ()
    areas: tuple[AreaTitle, ...] = ()
    trace: tuple[TraceEntry, ...] = ()
    provenance: Provenance

    # -- views ------------------------------------------------------------------------------

    @property
    def remaining(self) -> tuple[SubstantialDifference, ...]:
        """The differences that stand in the way of equivalence (essential, not compensated)."""
        return tuple(d for d in self.differences if d.counts)

    @property
    def compensated(self) -> tuple[SubstantialDifference, ...]:
        """The differences that experience or other evidence compensated (kept on record)."""
        return tuple(d for d in self.differences if d.compensated)

    @property
    def permitted_measures(self) -> frozenset[CompensationMeasureType]:
        return frozenset(m.type for m in self.measures)

    @property
    def licensing_gaps(self) -> tuple[LicensingCheck, ...]:
        """Licensing conditions that are not met, or not known to be met."""
        return tuple(c for c in self.licensing if c.status is not LicensingStatus.MET)

    def applied(self, stage: Stage | None = None) -> tuple[TraceEntry, ...]:
        """The trace entries of the rules that applied (in one stage, or all)."""
        return tuple(
            e for e in self.trace if e.applied and (stage is None or e.rule.stage is stage)
        )

    def entry(self, rule_id: str) -> TraceEntry:
        """The trace entry of a rule (KeyError if the rule was not considered)."""
        for e in self.trace:
            if e.rule.id == rule_id:
                return e
        raise KeyError(rule_id)

    def reference(self, rule_id: str) -> LegalReference | None:
        """The legal reference of a rule in the trace, or None."""
        for e in self.trace:
            if e.rule.id == rule_id:
                return e.rule.reference
        return None

    def unverified(self) -> tuple[str, ...]:
        """Rules and parameters the result relied on whose source is not confirmed."""
        out: list[str] = []
        for e in self.trace:
            if not e.applied:
                continue
            if not e.rule.reference.verified and e.rule.id not in out:
                out.append(e.rule.id)
            for p in e.parameters:
                if not p.reference.verified and p.id not in out:
                    out.append(p.id)
        return tuple(out)

    def area_title(self, area: str, lang: str = "en") -> str:
        for a in self.areas:
            if a.id == area:
                return a.title_de if lang == "de" else a.title_en
        return area

    def explain(self, lang: str = "de") -> str:
        """Plain language a counsellor can hand to the client (``lang`` ``"de"`` or ``"en"``)."""
        from iqcore.rules.explain import explain

        return explain(self, lang)

    def to_decision_fields(self) -> dict[str, Any]:
        """The fields of a would-be :class:`~iqcore.model.decisions.Decision` (no id, no date).

        A helper for counsellors' tools; the prognosis itself never becomes a Decision.
        """
        return {
            "outcome": self.outcome,
            "occupation_id": self.occupation_id,
            "regulated": self.regulated,
            "route": self.route,
            "differences": self.differences,
            "permitted_measures": self.permitted_measures,
        }
