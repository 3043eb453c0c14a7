"""Substantial differences, outcomes, compensation measures, and the record of a notice."""

from __future__ import annotations

import enum
from datetime import date

import attrs

from iqcore.model._validators import (
    check_id,
    frozenset_of,
    instance,
    int_range,
    nonempty_str,
    optional_check_id,
    optional_instance,
    optional_nonempty_str,
    to_frozenset,
    to_tuple,
    tuple_of,
)
from iqcore.model.qualifications import CompetenceKind, RecognitionRoute

__all__ = [
    "MAX_ADAPTATION_PERIOD_MONTHS",
    "AdaptationQualificationForm",
    "CompensationEvidence",
    "CompensationMeasureType",
    "Decision",
    "DecisionOutcome",
    "DifferenceBasis",
    "EvidenceKind",
    "ProceduralClosure",
    "SubstantialDifference",
]

#: §11(1) BQFG, Art. 14(1) Directive 2005/36/EC: an adaptation period lasts at most 3 years.
MAX_ADAPTATION_PERIOD_MONTHS = 36


class DifferenceBasis(enum.StrEnum):
    """A substantial difference in content or in duration (§4(2) No. 1 BQFG)."""

    CONTENT = "CONTENT"
    DURATION = "DURATION"


class EvidenceKind(enum.StrEnum):
    """What compensated a difference (§4(2) No. 3, §9(2) No. 3 BQFG)."""

    WORK_EXPERIENCE = "WORK_EXPERIENCE"
    OTHER_CERTIFICATE = "OTHER_CERTIFICATE"
    LIFELONG_LEARNING = "LIFELONG_LEARNING"


class DecisionOutcome(enum.StrEnum):
    """The outcome of an equivalence assessment, in the terms of the official statistics."""

    FULL_EQUIVALENCE = "FULL_EQUIVALENCE"
    PARTIAL_EQUIVALENCE = "PARTIAL_EQUIVALENCE"
    COMPENSATION_MEASURE_REQUIRED = "COMPENSATION_MEASURE_REQUIRED"
    NO_EQUIVALENCE = "NO_EQUIVALENCE"


class ProceduralClosure(enum.StrEnum):
    """Ways a procedure ends without a decision on the merits."""

    WITHDRAWN = "WITHDRAWN"
    REJECTED_NON_COOPERATION = "REJECTED_NON_COOPERATION"
    INADMISSIBLE_ALREADY_ESTABLISHED = "INADMISSIBLE_ALREADY_ESTABLISHED"


class CompensationMeasureType(enum.StrEnum):
    """Compensation measures for regulated professions (§11 BQFG, Art. 14 Directive)."""

    ADAPTATION_PERIOD = "ADAPTATION_PERIOD"
    APTITUDE_TEST = "APTITUDE_TEST"
    KNOWLEDGE_EXAM = "KNOWLEDGE_EXAM"


class AdaptationQualificationForm(enum.StrEnum):
    """Forms of adaptation qualification for non-regulated occupations (domain notes §2.2)."""

    IN_COMPANY = "IN_COMPANY"
    COURSE = "COURSE"
    FORMAL_TRAINING = "FORMAL_TRAINING"
    MIXED = "MIXED"


@attrs.frozen(kw_only=True)
class CompensationEvidence:
    """The evidence that compensated a difference: experience, a certificate, validated learning."""

    kind: EvidenceKind = attrs.field(validator=instance(EvidenceKind))
    description: str = attrs.field(validator=nonempty_str)
    months: int | None = attrs.field(default=None, validator=int_range(1, 600, optional=True))


@attrs.frozen(kw_only=True)
class SubstantialDifference:
    """A difference between the foreign qualification and the reference occupation.

    It counts (is *substantial* in the sense of §4(2) BQFG) only if it is essential and not
    compensated; a compensated difference stays on record with the evidence that compensated it.
    """

    area: str = attrs.field(validator=check_id)
    basis: DifferenceBasis = attrs.field(validator=instance(DifferenceBasis))
    kind: CompetenceKind = attrs.field(
        default=CompetenceKind.BOTH, validator=instance(CompetenceKind)
    )
    essential: bool = attrs.field(default=True, validator=instance(bool))
    compensated_by: CompensationEvidence | None = attrs.field(
        default=None, validator=optional_instance(CompensationEvidence)
    )
    description: str | None = attrs.field(default=None, validator=optional_nonempty_str)

    @property
    def compensated(self) -> bool:
        return self.compensated_by is not None

    @property
    def counts(self) -> bool:
        """True if the difference stands in the way of equivalence (essential, not compensated)."""
        return self.essential and self.compensated_by is None


@attrs.frozen(kw_only=True)
class Decision:
    """The record of a notice (Bescheid) that a competent authority issued.

    Not to be confused with an :class:`~iqcore.rules.Assessment`, which is iqcore's prognosis.
    The invariants of the law hold when a decision is made (domain notes §8.3):

    * full equivalence lists no remaining difference;
    * partial equivalence exists only for non-regulated occupations, lists at least one
      remaining difference and the existing qualifications (§7(2) BQFG);
    * a compensation measure is required only for regulated professions, with at least one
      remaining difference and at least one permitted measure (§10 BQFG);
    * measures are permitted only when a compensation measure is required;
    * an adaptation period lasts at most 36 months.
    """

    id: str = attrs.field(validator=check_id)
    outcome: DecisionOutcome = attrs.field(validator=instance(DecisionOutcome))
    decided_on: date = attrs.field(validator=instance(date))
    occupation_id: str = attrs.field(validator=check_id)
    regulated: bool = attrs.field(validator=instance(bool))
    authority_id: str | None = attrs.field(default=None, validator=optional_check_id)
    route: RecognitionRoute | None = attrs.field(
        default=None, validator=optional_instance(RecognitionRoute)
    )
    existing_qualifications: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    differences: tuple[SubstantialDifference, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(SubstantialDifference)
    )
    permitted_measures: frozenset[CompensationMeasureType] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(CompensationMeasureType)
    )
    adaptation_period_months: int | None = attrs.field(
        default=None, validator=int_range(1, MAX_ADAPTATION_PERIOD_MONTHS, optional=True)
    )
    legal_remedy_notice: bool = attrs.field(default=True, validator=instance(bool))

    def __attrs_post_init__(self) -> None:
        remaining = [d for d in self.differences if d.counts]
        outcome = self.outcome
        if outcome is DecisionOutcome.FULL_EQUIVALENCE and remaining:
            raise ValueError("full equivalence cannot list a remaining substantial difference")
        if outcome is DecisionOutcome.PARTIAL_EQUIVALENCE:
            if self.regulated:
                raise ValueError("partial equivalence exists only for non-regulated occupations")
            if not remaining:
                raise ValueError("partial equivalence needs a remaining substantial difference")
            if not self.existing_qualifications:
                raise ValueError("partial equivalence must state the existing qualifications")
        if outcome is DecisionOutcome.COMPENSATION_MEASURE_REQUIRED:
            if not self.regulated:
                raise ValueError(
                    "a compensation measure is required only for regulated professions"
                )
            if not remaining:
                raise ValueError("a compensation measure needs a remaining substantial difference")
            if not self.permitted_measures:
                raise ValueError("a compensation measure decision must permit at least one measure")
        elif self.permitted_measures:
            raise ValueError("measures are permitted only when a compensation measure is required")
        if (
            self.adaptation_period_months is not None
            and CompensationMeasureType.ADAPTATION_PERIOD not in self.permitted_measures
        ):
            raise ValueError("adaptation_period_months needs an adaptation period to be permitted")
        areas = [(d.area, d.basis) for d in self.differences]
        if len(areas) != len(set(areas)):
            raise ValueError("differences lists the same area and basis twice")

    @property
    def remaining_differences(self) -> tuple[SubstantialDifference, ...]:
        return tuple(d for d in self.differences if d.counts)
