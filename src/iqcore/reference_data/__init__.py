"""Reference data shipped with iqcore, loaded lazily from the JSON files in ``data/``.

Nothing here is read when ``import iqcore`` runs; each loader reads its file on first call and
caches the result. Records are built as :mod:`iqcore.model` objects (or the small record classes
of this module for data the model keeps as enums) through :func:`iqcore.serialization.from_dict`,
so the data files use exactly the model's field names and every validator and invariant runs.

Every record carries a ``source``; values no cited source confirms are named in the record's
``unverified`` fields (occupations, phases, priority areas, sectoral professions), in an
authority's ``note``, or in the per-record :func:`caveat` (networks and expert bodies).

Look-ups
--------
* Länder: :func:`states`, :func:`state_info`.
* Programme: :func:`funding_phases`, :func:`funding_phase`, :func:`priority_areas`,
  :func:`expert_bodies`, :func:`expert_body`.
* Regional networks: :func:`networks`, :func:`network`, and :func:`network_registry`, whose
  :meth:`NetworkRegistry.merged` adds networks registered by plugins (duplicate ids are refused).
* Directive 2005/36/EC: :func:`sectoral_professions`, :func:`sectoral_profession`.
* Reference occupations: :func:`occupations`, :func:`occupation`, :func:`by_kldb`,
  :func:`find_occupations` (German or English title, case- and accent-insensitive).
* Competent authorities: :func:`authorities`, :func:`authority`, :func:`find_authority`.
* ISCED-F 2013: :func:`isced_fields`, :func:`isced_field`.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from importlib import resources
from typing import Any, Literal, TypeVar

import attrs

from iqcore.errors import ConfigurationError, NotFound
from iqcore.model._validators import (
    check_id,
    instance,
    int_range,
    nonempty_str,
    optional_instance,
    optional_nonempty_str,
    tuple_of,
)
from iqcore.model.codes import FederalState, IscedField, KldbCode
from iqcore.model.programme import (
    CompetentAuthority,
    ExpertBody,
    FundingPhase,
    PriorityArea,
    RegionalNetwork,
)
from iqcore.model.qualifications import ReferenceOccupation, SectoralProfession

__all__ = [
    "FundingPhaseInfo",
    "IscedFieldInfo",
    "MembershipPeriod",
    "NetworkRegistry",
    "PriorityAreaInfo",
    "SectoralProfessionInfo",
    "StateInfo",
    "authorities",
    "authority",
    "by_kldb",
    "caveat",
    "country_group_periods",
    "expert_bodies",
    "expert_body",
    "find_authority",
    "find_occupations",
    "fold_text",
    "funding_phase",
    "funding_phases",
    "isced_field",
    "isced_fields",
    "load_json",
    "network",
    "network_registry",
    "networks",
    "occupation",
    "occupations",
    "priority_areas",
    "regional_network",
    "sectoral_profession",
    "sectoral_professions",
    "state_info",
    "states",
]

T = TypeVar("T")


def load_json(name: str) -> Any:
    """Read one data file of this package (by file name)."""
    text = resources.files(__name__).joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@attrs.frozen(kw_only=True)
class MembershipPeriod:
    """A country's membership of a country group: ``start`` inclusive, ``end`` exclusive."""

    country: str
    group: str
    start: date
    end: date | None
    source: str


@functools.cache
def country_group_periods() -> dict[str, tuple[MembershipPeriod, ...]]:
    """The dated membership table behind :meth:`iqcore.CountryGroup.of`, by country code."""
    raw = load_json("country_groups.json")
    out: dict[str, list[MembershipPeriod]] = {}
    for p in raw["periods"]:
        period = MembershipPeriod(
            country=p["country"],
            group=p["group"],
            start=date.fromisoformat(p["start"]),
            end=date.fromisoformat(p["end"]) if p["end"] else None,
            source=raw["sources"][p["source"]],
        )
        out.setdefault(period.country, []).append(period)
    return {k: tuple(sorted(v, key=lambda x: x.start)) for k, v in out.items()}


# --------------------------------------------------------------------------------------------
# Record classes for data the model keeps as enums
# --------------------------------------------------------------------------------------------


def _check_unverified(inst: Any) -> None:
    names = set(attrs.fields_dict(type(inst)))
    if any(u not in names for u in inst.unverified):
        raise ValueError("unverified names a field the record does not have")


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _network_tuple(value: Iterable[RegionalNetwork]) -> tuple[RegionalNetwork, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class StateInfo:
    """One of the 16 Länder as listed in the data file (code, German and English name)."""

    state: FederalState = attrs.field(validator=instance(FederalState))
    name_de: str = attrs.field(validator=nonempty_str)
    name_en: str = attrs.field(validator=nonempty_str)
    source: str = attrs.field(validator=nonempty_str)


@attrs.frozen(kw_only=True)
class FundingPhaseInfo:
    """Description, funders and structure of one funding phase of the IQ programme."""

    phase: FundingPhase = attrs.field(validator=instance(FundingPhase))
    name: str = attrs.field(validator=nonempty_str)
    funders: tuple[str, ...] = attrs.field(converter=_str_tuple, validator=tuple_of(str))
    partners: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=tuple_of(str)
    )
    administered_by: str | None = attrs.field(default=None, validator=optional_nonempty_str)
    structure: str = attrs.field(validator=nonempty_str)
    description: str = attrs.field(validator=nonempty_str)
    source: str = attrs.field(validator=nonempty_str)
    unverified: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=tuple_of(str)
    )

    def __attrs_post_init__(self) -> None:
        _check_unverified(self)


@attrs.frozen(kw_only=True)
class PriorityAreaInfo:
    """A priority area (Handlungsschwerpunkt) as it stood in one funding phase.

    ``number`` is the area's number in the phase (None since 2023, when the programme stopped
    numbering areas); it agrees with :meth:`iqcore.PriorityArea.number`. ``esf_funded`` is None
    where no source says.
    """

    area: PriorityArea = attrs.field(validator=instance(PriorityArea))
    phase: FundingPhase = attrs.field(validator=instance(FundingPhase))
    number: int | None = attrs.field(default=None, validator=int_range(1, 4, optional=True))
    title_de: str | None = attrs.field(default=None, validator=optional_nonempty_str)
    title_en: str = attrs.field(validator=nonempty_str)
    description: str = attrs.field(validator=nonempty_str)
    esf_funded: bool | None = attrs.field(default=None, validator=optional_instance(bool))
    source: str = attrs.field(validator=nonempty_str)
    unverified: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=tuple_of(str)
    )

    def __attrs_post_init__(self) -> None:
        if not self.area.valid_in(self.phase):
            raise ValueError("the priority area does not exist in this funding phase")
        if self.number != self.area.number(self.phase):
            raise ValueError("number disagrees with the area's number in this phase")
        _check_unverified(self)


@attrs.frozen(kw_only=True)
class SectoralProfessionInfo:
    """A sectoral profession of Directive 2005/36/EC (automatic recognition, Annex V)."""

    profession: SectoralProfession = attrs.field(validator=instance(SectoralProfession))
    title_de: str = attrs.field(validator=nonempty_str)
    title_en: str = attrs.field(validator=nonempty_str)
    directive_articles: str = attrs.field(validator=nonempty_str)
    annex_v: str = attrs.field(validator=nonempty_str)
    occupation_id: str = attrs.field(validator=check_id)
    source: str = attrs.field(validator=nonempty_str)
    unverified: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=tuple_of(str)
    )

    def __attrs_post_init__(self) -> None:
        _check_unverified(self)


@attrs.frozen(kw_only=True)
class IscedFieldInfo:
    """An ISCED-F 2013 field with its English title; ``verified`` is False for general knowledge."""

    field: IscedField = attrs.field(validator=instance(IscedField))
    title_en: str = attrs.field(validator=nonempty_str)
    verified: bool = attrs.field(validator=instance(bool))
    source: str = attrs.field(validator=nonempty_str)

    @property
    def level(self) -> Literal["broad", "narrow", "detailed"]:
        """``broad`` (2 digits), ``narrow`` (3) or ``detailed`` (4)."""
        n = len(self.field.code)
        return "broad" if n == 2 else "narrow" if n == 3 else "detailed"


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _build(records: Iterable[Mapping[str, Any]], cls: type[T]) -> tuple[T, ...]:
    from iqcore.serialization import from_dict

    return tuple(from_dict(r, cls) for r in records)


def _phase(value: FundingPhase | str) -> FundingPhase:
    try:
        return FundingPhase(value)
    except ValueError:
        raise NotFound("unknown funding phase") from None


def _state(value: FederalState | str) -> FederalState:
    try:
        return FederalState(value)
    except ValueError:
        raise NotFound("unknown federal state (expected an ISO 3166-2:DE code)") from None


@functools.cache
def states() -> tuple[StateInfo, ...]:
    """The 16 Länder, in the order of the data file."""
    return _build(load_json("states.json")["states"], StateInfo)


def state_info(state: FederalState | str) -> StateInfo:
    """The record of one Land, by :class:`~iqcore.FederalState` or ISO 3166-2:DE code."""
    key = _state(state)
    for s in states():
        if s.state is key:
            return s
    raise NotFound("federal state not in the reference data")  # pragma: no cover


@functools.cache
def _programme() -> dict[str, Any]:
    raw = load_json("programme.json")
    return {
        "phases": _build(raw["funding_phases"], FundingPhaseInfo),
        "areas": _build(raw["priority_areas"], PriorityAreaInfo),
        "expert_bodies": _build(raw["expert_bodies"], ExpertBody),
        "caveats": dict(raw.get("caveats", {})),
    }


def funding_phases() -> tuple[FundingPhaseInfo, ...]:
    """Every funding phase of the programme, oldest first."""
    phases: tuple[FundingPhaseInfo, ...] = _programme()["phases"]
    return phases


def funding_phase(phase: FundingPhase | str) -> FundingPhaseInfo:
    """The record of one funding phase (``FundingPhase`` or its value, e.g. ``"2019-2022"``)."""
    key = _phase(phase)
    for p in funding_phases():
        if p.phase is key:
            return p
    raise NotFound("funding phase not in the reference data")


def priority_areas(phase: FundingPhase | str | None = None) -> tuple[PriorityAreaInfo, ...]:
    """Priority areas with their descriptions, of one phase or of all (by phase, then number)."""
    areas: tuple[PriorityAreaInfo, ...] = _programme()["areas"]
    if phase is None:
        return areas
    key = _phase(phase)
    return tuple(a for a in areas if a.phase is key)


def expert_bodies(phase: FundingPhase | str | None = None) -> tuple[ExpertBody, ...]:
    """IQ expert bodies (Fachstellen), of one phase or of all."""
    bodies: tuple[ExpertBody, ...] = _programme()["expert_bodies"]
    if phase is None:
        return bodies
    key = _phase(phase)
    return tuple(b for b in bodies if key in b.phases)


def expert_body(body_id: str) -> ExpertBody:
    """One expert body by id; raises :class:`~iqcore.errors.NotFound`."""
    for b in expert_bodies():
        if b.id == body_id:
            return b
    raise NotFound("no expert body with this id")


# --------------------------------------------------------------------------------------------
# Regional networks: an open registry
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class NetworkRegistry:
    """The known regional networks: the shipped ones plus any that plugins registered.

    Immutable: :meth:`merged` returns a new registry. Each network id is unique; a plugin that
    registers an id that is already known is refused with a
    :class:`~iqcore.errors.ConfigurationError` naming both origins.
    """

    networks: tuple[RegionalNetwork, ...] = attrs.field(converter=_network_tuple)
    origins: Mapping[str, str] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for n in self.networks:
            if n.id in seen:
                raise ConfigurationError("two regional networks share one id")
            seen.add(n.id)

    def select(
        self,
        phase: FundingPhase | str | None = None,
        state: FederalState | str | None = None,
    ) -> tuple[RegionalNetwork, ...]:
        """Networks running in *phase* (if given) and belonging to *state* (if given)."""
        p = _phase(phase) if phase is not None else None
        s = _state(state) if state is not None else None
        return tuple(
            n for n in self.networks if (p is None or p in n.phases) and (s is None or n.state is s)
        )

    def get(self, network_id: str) -> RegionalNetwork:
        """One network by id; raises :class:`~iqcore.errors.NotFound`."""
        for n in self.networks:
            if n.id == network_id:
                return n
        raise NotFound("no regional network with this id")

    def origin(self, network_id: str) -> str:
        """Where a network comes from: ``"iqcore"`` for shipped data, else the plugin's name."""
        self.get(network_id)
        return self.origins.get(network_id, "iqcore")

    def merged(self, extra: Iterable[RegionalNetwork], *, origin: str) -> NetworkRegistry:
        """A new registry with *extra* networks added (from *origin*, e.g. a plugin's name)."""
        extra = tuple(extra)
        if not all(isinstance(n, RegionalNetwork) for n in extra):
            raise ConfigurationError(
                f"{origin}: registered networks must be RegionalNetwork objects"
            )
        known = {n.id: self.origin(n.id) for n in self.networks}
        for n in extra:
            if n.id in known:
                raise ConfigurationError(
                    f"network id {n.id!r} from {origin} is already registered by {known[n.id]}"
                )
            known[n.id] = origin
        origins = dict(self.origins)
        origins.update({n.id: origin for n in extra})
        return NetworkRegistry(networks=self.networks + extra, origins=origins)


@functools.cache
def _networks_file() -> tuple[tuple[RegionalNetwork, ...], dict[str, str]]:
    raw = load_json("networks.json")
    return _build(raw["networks"], RegionalNetwork), dict(raw.get("caveats", {}))


@functools.cache
def network_registry() -> NetworkRegistry:
    """The registry of the networks shipped with iqcore (plugins merge theirs into a copy)."""
    return NetworkRegistry(networks=_networks_file()[0])


def networks(
    phase: FundingPhase | str | None = None, state: FederalState | str | None = None
) -> tuple[RegionalNetwork, ...]:
    """Shipped regional networks, filtered by funding phase and/or Land."""
    return network_registry().select(phase, state)


def network(network_id: str) -> RegionalNetwork:
    """One shipped regional network by id (e.g. ``"iq-nrw-west"``); raises ``NotFound``."""
    return network_registry().get(network_id)


def regional_network(network_id: str) -> RegionalNetwork:
    """Alias of :func:`network` (the name the plugin host looks up)."""
    return network(network_id)


def caveat(record_id: str) -> str | None:
    """What a cited source does not confirm about a shipped network or expert body, if anything.

    Networks and expert bodies have no ``unverified`` field in the model, so their data files
    keep these notes beside the records.
    """
    return _networks_file()[1].get(record_id) or _programme()["caveats"].get(record_id)


# --------------------------------------------------------------------------------------------
# Sectoral professions
# --------------------------------------------------------------------------------------------


@functools.cache
def sectoral_professions() -> tuple[SectoralProfessionInfo, ...]:
    """The seven sectoral professions of Directive 2005/36/EC."""
    raw = load_json("sectoral_professions.json")
    return _build(raw["sectoral_professions"], SectoralProfessionInfo)


def sectoral_profession(profession: SectoralProfession | str) -> SectoralProfessionInfo:
    """The record of one sectoral profession; raises ``NotFound``."""
    try:
        key = SectoralProfession(profession)
    except ValueError:
        raise NotFound("unknown sectoral profession") from None
    for s in sectoral_professions():
        if s.profession is key:
            return s
    raise NotFound("sectoral profession not in the reference data")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# Reference occupations
# --------------------------------------------------------------------------------------------

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_SPACE = re.compile(r"\s+")
_PARTS = re.compile(r"[/,()]| – | - ")
_WORD_BOUNDARY = frozenset(" /(,-–")


def fold_text(text: str) -> str:
    """Fold *text* for matching: NFKD, combining marks removed, case-folded ("ß" becomes "ss").

    ``fold_text("Ärztin") == "arztin"``; whitespace runs become one space.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", stripped.casefold()).strip()


def _variants(text: str) -> tuple[str, ...]:
    """The folded text, plus its transliteration (ä → ae …) when that differs."""
    a = fold_text(text)
    b = fold_text(text.translate(_TRANSLIT))
    return (a,) if a == b else (a, b)


@attrs.frozen
class _Entry:
    occupation: ReferenceOccupation
    titles: tuple[str, ...]  # folded full titles (and their transliterations)
    parts: frozenset[str]  # folded alternatives: "ärztin/arzt" → {"arztin", "arzt", ...}


@functools.cache
def _occupation_index() -> tuple[tuple[ReferenceOccupation, ...], tuple[_Entry, ...]]:
    occs = _build(load_json("occupations.json")["occupations"], ReferenceOccupation)
    ids = [o.id for o in occs]
    if len(ids) != len(set(ids)):  # pragma: no cover - guarded by the tests
        raise ConfigurationError("occupations.json lists an occupation id twice")
    entries = []
    for o in occs:
        titles: list[str] = []
        parts: set[str] = set()
        for t in (o.title_de, o.title_en):
            titles.extend(_variants(t))
            for p in _PARTS.split(t):
                if p.strip():
                    parts.update(_variants(p))
        entries.append(_Entry(o, tuple(titles), frozenset(parts)))
    return occs, tuple(entries)


def occupations() -> tuple[ReferenceOccupation, ...]:
    """Every shipped reference occupation, in the order of the data file."""
    return _occupation_index()[0]


def occupation(occupation_id: str) -> ReferenceOccupation:
    """One reference occupation by id (e.g. ``"doctor"``); raises ``NotFound``."""
    for o in occupations():
        if o.id == occupation_id:
            return o
    raise NotFound("no reference occupation with this id")


def by_kldb(code: KldbCode | str) -> tuple[ReferenceOccupation, ...]:
    """The occupations with this 5-digit KldB 2010 code (empty if none).

    Codes no cited source confirms are named in the occupation's ``unverified`` fields.
    """
    wanted = code.code if isinstance(code, KldbCode) else code
    return tuple(o for o in occupations() if o.kldb is not None and o.kldb.code == wanted)


def _at_word_start(title: str, q: str) -> bool:
    start = title.find(q)
    while start != -1:
        if start == 0 or title[start - 1] in _WORD_BOUNDARY:
            return True
        start = title.find(q, start + 1)
    return False


def _rank(entry: _Entry, queries: tuple[str, ...]) -> int | None:
    """0 whole title, 1 an alternative of it, 2 the start of a word, 3 anywhere; None: no match."""
    best: int | None = None
    for q in queries:
        if q in entry.titles:
            return 0
        if q in entry.parts:
            rank = 1
        elif any(_at_word_start(t, q) for t in entry.titles):
            rank = 2
        elif any(q in t for t in entry.titles):
            rank = 3
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def find_occupations(text: str) -> tuple[ReferenceOccupation, ...]:
    """Occupations whose German or English title contains *text*, best matches first.

    Matching ignores case and accents ("arzt" finds "Ärztin/Arzt"), treats "ß" as "ss" and
    accepts "ae"/"oe"/"ue" for umlauts ("aerztin"). Ranking: the whole title; one of its
    alternatives ("Arzt" in "Ärztin/Arzt"); the start of a word; anywhere. Ties keep the
    shorter German title first. A blank query finds nothing.
    """
    queries = _variants(text)
    if not queries[0]:
        return ()
    ranked: list[tuple[int, int, str, ReferenceOccupation]] = []
    for entry in _occupation_index()[1]:
        r = _rank(entry, queries)
        if r is not None:
            o = entry.occupation
            ranked.append((r, len(o.title_de), o.title_de, o))
    ranked.sort(key=lambda t: t[:3])
    return tuple(t[3] for t in ranked)


# --------------------------------------------------------------------------------------------
# Competent authorities
# --------------------------------------------------------------------------------------------


@functools.cache
def authorities() -> tuple[CompetentAuthority, ...]:
    """Every shipped competent authority (nationwide bodies and generic kinds included)."""
    return _build(load_json("authorities.json")["authorities"], CompetentAuthority)


def authority(authority_id: str) -> CompetentAuthority:
    """One competent authority by id; raises :class:`~iqcore.errors.NotFound`."""
    for a in authorities():
        if a.id == authority_id:
            return a
    raise NotFound("no competent authority with this id")


def find_authority(
    occupation_id: str, state: FederalState | str | None = None
) -> tuple[CompetentAuthority, ...]:
    """Authorities competent for an occupation in a Land, the most specific first.

    Authorities of the Land come before nationwide bodies and generic kinds of body (whose
    ``states`` is empty). Without *state* only those are returned. The result may be empty, and
    it may hold more than one authority of a Land (Bavaria, for instance): the ``note`` of each
    says what is not confirmed. The occupation's KldB code, if known, also matches an authority's
    ``kldb_prefixes``.
    """
    s = _state(state) if state is not None else None
    kldb: str | None = None
    for o in occupations():
        if o.id == occupation_id and o.kldb is not None:
            kldb = o.kldb.code
    found = [a for a in authorities() if a.serves(occupation_id, s, kldb)]
    found.sort(key=lambda a: a.nationwide)
    return tuple(found)


# --------------------------------------------------------------------------------------------
# ISCED-F 2013
# --------------------------------------------------------------------------------------------


@functools.cache
def isced_fields() -> tuple[IscedFieldInfo, ...]:
    """ISCED-F 2013 fields (broad, narrow and detailed), in code order."""
    return _build(load_json("isced_f.json")["fields"], IscedFieldInfo)


def isced_field(code: IscedField | str) -> IscedFieldInfo:
    """The record of one ISCED-F field by code (``"0912"``); raises ``NotFound``."""
    wanted = code.code if isinstance(code, IscedField) else code
    for f in isced_fields():
        if f.field.code == wanted:
            return f
    raise NotFound("no ISCED-F 2013 field with this code")
