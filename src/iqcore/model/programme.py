"""The IQ programme: funding phases, priority areas, networks, authorities, expert bodies."""

from __future__ import annotations

import enum
from datetime import date

import attrs

from iqcore.model._validators import (
    check_id,
    frozenset_of,
    instance,
    nonempty_str,
    optional_nonempty_str,
    to_frozenset,
)
from iqcore.model.codes import FederalState

__all__ = [
    "AuthorityKind",
    "CompetentAuthority",
    "ExpertBody",
    "FundingPhase",
    "PriorityArea",
    "RegionalNetwork",
]


class FundingPhase(enum.StrEnum):
    """Funding phases of the IQ programme (domain notes §5.1)."""

    P2005_2010 = "2005-2010"
    P2011_2014 = "2011-2014"
    P2015_2018 = "2015-2018"
    P2019_2022 = "2019-2022"
    P2023_2025 = "2023-2025"
    P2026_2028 = "2026-2028"

    @property
    def start(self) -> date:
        return date(int(self.value[:4]), 1, 1)

    @property
    def end(self) -> date:
        """The last day of the phase (inclusive)."""
        return date(int(self.value[5:]), 12, 31)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def of(cls, day: date) -> FundingPhase | None:
        """The phase running on *day*, or None outside the programme's phases."""
        for phase in cls:
            if phase.contains(day):
                return phase
        return None


_P = FundingPhase


class PriorityArea(enum.StrEnum):
    """Priority areas (Handlungsschwerpunkte) of the IQ programme, each valid in some phases.

    2015-2018 had three areas, 2019-2022 four; "Faire Integration" was a programme line in
    2019-2022 and is a Fachstelle and advice structure since 2023 (domain notes §5.1).
    Since 2023 the programme is organised in regional integration networks whose subprojects
    still work in these fields; the phases below record where a source names the area.
    """

    RECOGNITION_QUALIFICATION_COUNSELLING = "RECOGNITION_QUALIFICATION_COUNSELLING"
    QUALIFICATION_RECOGNITION_ACT = "QUALIFICATION_RECOGNITION_ACT"
    INTERCULTURAL_COMPETENCE = "INTERCULTURAL_COMPETENCE"
    REGIONAL_SKILLED_WORKER_NETWORKS = "REGIONAL_SKILLED_WORKER_NETWORKS"
    FAIR_INTEGRATION = "FAIR_INTEGRATION"

    @property
    def phases(self) -> frozenset[FundingPhase]:
        return _AREA_PHASES[self]

    def number(self, phase: FundingPhase) -> int | None:
        """The area's number in a phase (1-4), or None if it has none there."""
        return _AREA_NUMBERS.get((self, phase))

    def valid_in(self, phase: FundingPhase) -> bool:
        return phase in _AREA_PHASES[self]

    @classmethod
    def in_phase(cls, phase: FundingPhase) -> tuple[PriorityArea, ...]:
        return tuple(a for a in cls if phase in a.phases)


_AREA_PHASES: dict[PriorityArea, frozenset[FundingPhase]] = {
    PriorityArea.RECOGNITION_QUALIFICATION_COUNSELLING: frozenset(
        {_P.P2015_2018, _P.P2019_2022, _P.P2023_2025, _P.P2026_2028}
    ),
    PriorityArea.QUALIFICATION_RECOGNITION_ACT: frozenset(
        {_P.P2015_2018, _P.P2019_2022, _P.P2023_2025, _P.P2026_2028}
    ),
    PriorityArea.INTERCULTURAL_COMPETENCE: frozenset(
        {_P.P2015_2018, _P.P2019_2022, _P.P2023_2025, _P.P2026_2028}
    ),
    PriorityArea.REGIONAL_SKILLED_WORKER_NETWORKS: frozenset({_P.P2019_2022}),
    PriorityArea.FAIR_INTEGRATION: frozenset({_P.P2019_2022, _P.P2023_2025, _P.P2026_2028}),
}

_AREA_NUMBERS: dict[tuple[PriorityArea, FundingPhase], int] = {
    (PriorityArea.RECOGNITION_QUALIFICATION_COUNSELLING, _P.P2015_2018): 1,
    (PriorityArea.QUALIFICATION_RECOGNITION_ACT, _P.P2015_2018): 2,
    (PriorityArea.INTERCULTURAL_COMPETENCE, _P.P2015_2018): 3,
    (PriorityArea.RECOGNITION_QUALIFICATION_COUNSELLING, _P.P2019_2022): 1,
    (PriorityArea.FAIR_INTEGRATION, _P.P2019_2022): 1,
    (PriorityArea.QUALIFICATION_RECOGNITION_ACT, _P.P2019_2022): 2,
    (PriorityArea.INTERCULTURAL_COMPETENCE, _P.P2019_2022): 3,
    (PriorityArea.REGIONAL_SKILLED_WORKER_NETWORKS, _P.P2019_2022): 4,
}


def _nonempty_phases(_inst: object, attribute: attrs.Attribute[object], value: object) -> None:
    if not value:
        raise ValueError(f"{attribute.name} must name at least one funding phase")


@attrs.frozen(kw_only=True)
class RegionalNetwork:
    """An IQ regional network. It belongs to exactly one Land and runs in some phases.

    From 2011/2014 to 2022 there was one *Landesnetzwerk* per Land; since 2023 there are 23
    regional integration networks (RIN), two of them in North Rhine-Westphalia.
    """

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=nonempty_str)
    state: FederalState = attrs.field(validator=instance(FederalState))
    phases: frozenset[FundingPhase] = attrs.field(
        converter=to_frozenset,
        validator=[frozenset_of(FundingPhase), _nonempty_phases],
    )
    source: str = attrs.field(validator=nonempty_str)
    website: str | None = attrs.field(default=None, validator=optional_nonempty_str)

    def active(self, on: date) -> bool:
        return any(p.contains(on) for p in self.phases)


class AuthorityKind(enum.StrEnum):
    IHK_FOSA = "IHK_FOSA"
    IHK = "IHK"
    HWK = "HWK"
    AGRICULTURAL_CHAMBER = "AGRICULTURAL_CHAMBER"
    LIBERAL_PROFESSION_CHAMBER = "LIBERAL_PROFESSION_CHAMBER"
    LAND_AUTHORITY = "LAND_AUTHORITY"
    ENGINEERS_CHAMBER = "ENGINEERS_CHAMBER"
    ARCHITECTS_CHAMBER = "ARCHITECTS_CHAMBER"
    ZAB = "ZAB"
    FEDERAL_AUTHORITY = "FEDERAL_AUTHORITY"


@attrs.frozen(kw_only=True)
class CompetentAuthority:
    """A competent body (zuständige Stelle) for some occupations in some Länder.

    ``states`` empty means nationwide (e.g. IHK FOSA, the ZAB). ``occupations`` lists
    reference occupation ids; ``kldb_prefixes`` covers whole groups of occupations.
    """

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=nonempty_str)
    kind: AuthorityKind = attrs.field(validator=instance(AuthorityKind))
    source: str = attrs.field(validator=nonempty_str)
    states: frozenset[FederalState] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(FederalState)
    )
    occupations: frozenset[str] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(str)
    )
    kldb_prefixes: frozenset[str] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(str)
    )
    website: str | None = attrs.field(default=None, validator=optional_nonempty_str)
    note: str | None = attrs.field(default=None, validator=optional_nonempty_str)

    @property
    def nationwide(self) -> bool:
        return not self.states

    def serves(
        self, occupation_id: str, state: FederalState | None, kldb: str | None = None
    ) -> bool:
        in_place = self.nationwide or (state is not None and state in self.states)
        covers = occupation_id in self.occupations or (
            kldb is not None and any(kldb.startswith(p) for p in self.kldb_prefixes)
        )
        return in_place and covers


@attrs.frozen(kw_only=True)
class ExpertBody:
    """An IQ expert body (Fachstelle) or competence centre, with the phases it ran in."""

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=nonempty_str)
    topic: str = attrs.field(validator=nonempty_str)
    phases: frozenset[FundingPhase] = attrs.field(
        converter=to_frozenset, validator=[frozenset_of(FundingPhase), _nonempty_phases]
    )
    source: str = attrs.field(validator=nonempty_str)
