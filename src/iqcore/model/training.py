"""Training schemes: bridge training, measure preparation, language and staff training."""

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
    to_frozenset,
    to_tuple,
    tuple_of,
    unique_ids,
)
from iqcore.model.codes import CefrLevel
from iqcore.model.decisions import AdaptationQualificationForm, CompensationMeasureType
from iqcore.model.people import LanguageScope
from iqcore.model.programme import PriorityArea

__all__ = [
    "Audience",
    "DeliveryMode",
    "LanguagePrerequisite",
    "Module",
    "SchemeRun",
    "TrainingScheme",
]


class Audience(enum.StrEnum):
    """Who a scheme trains: migrants, or staff of labour-market organisations (priority area 3)."""

    MIGRANTS = "MIGRANTS"
    STAFF = "STAFF"


class DeliveryMode(enum.StrEnum):
    IN_PERSON = "IN_PERSON"
    ONLINE = "ONLINE"
    BLENDED = "BLENDED"


@attrs.frozen(kw_only=True)
class Module:
    """A module of a scheme, with the competence areas (of target occupations) it covers."""

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=nonempty_str)
    hours: int = attrs.field(validator=int_range(1, 5000))
    covers: frozenset[str] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(str)
    )
    weeks: int = attrs.field(default=1, validator=int_range(1, 260))


@attrs.frozen(kw_only=True)
class LanguagePrerequisite:
    level: CefrLevel = attrs.field(validator=instance(CefrLevel))
    scope: LanguageScope = attrs.field(
        default=LanguageScope.GENERAL, validator=instance(LanguageScope)
    )


@attrs.frozen(kw_only=True)
class SchemeRun:
    """One run (cohort) of a scheme: its start date and the places it has."""

    starts_on: date = attrs.field(validator=instance(date))
    capacity: int = attrs.field(validator=int_range(0, 10_000))


@attrs.frozen(kw_only=True)
class TrainingScheme:
    """A training scheme of a provider in a network.

    A scheme for migrants targets reference occupations and prepares a compensation measure
    (regulated) or is an adaptation qualification (non-regulated); a scheme for staff
    (``audience=STAFF``) trains employees of organisations, e.g. intercultural ambassadors.
    ``source`` cites where the scheme is described; ``unverified`` lists unconfirmed fields.
    """

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=nonempty_str)
    provider: str = attrs.field(validator=nonempty_str)
    priority_area: PriorityArea = attrs.field(validator=instance(PriorityArea))
    source: str = attrs.field(validator=nonempty_str)
    network_id: str | None = attrs.field(default=None, validator=optional_check_id)
    audience: Audience = attrs.field(default=Audience.MIGRANTS, validator=instance(Audience))
    target_occupations: frozenset[str] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(str)
    )
    modules: tuple[Module, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Module)
    )
    language_prerequisite: LanguagePrerequisite | None = attrs.field(
        default=None, validator=optional_instance(LanguagePrerequisite)
    )
    teaches_language: LanguagePrerequisite | None = attrs.field(
        default=None, validator=optional_instance(LanguagePrerequisite)
    )
    measure_type: CompensationMeasureType | None = attrs.field(
        default=None, validator=optional_instance(CompensationMeasureType)
    )
    adaptation_form: AdaptationQualificationForm | None = attrs.field(
        default=None, validator=optional_instance(AdaptationQualificationForm)
    )
    delivery: DeliveryMode = attrs.field(
        default=DeliveryMode.IN_PERSON, validator=instance(DeliveryMode)
    )
    runs: tuple[SchemeRun, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(SchemeRun)
    )
    unverified: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )

    def __attrs_post_init__(self) -> None:
        unique_ids(self.modules, "modules")
        if self.measure_type is not None and self.adaptation_form is not None:
            raise ValueError(
                "a scheme prepares a compensation measure or is an adaptation qualification, "
                "not both"
            )
        if self.audience is Audience.STAFF and (
            self.target_occupations or self.measure_type is not None
        ):
            raise ValueError("a scheme for staff has no target occupations or measure type")
        if self.audience is Audience.MIGRANTS and not self.modules:
            raise ValueError("a scheme for migrants needs at least one module")
        starts = [r.starts_on for r in self.runs]
        if starts != sorted(starts):
            raise ValueError("runs must be in order of their start dates")

    @property
    def hours(self) -> int:
        return sum(m.hours for m in self.modules)

    @property
    def covers(self) -> frozenset[str]:
        out: set[str] = set()
        for m in self.modules:
            out |= m.covers
        return frozenset(out)
