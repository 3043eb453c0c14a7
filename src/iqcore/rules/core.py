"""Rules: stages, selectors, the rule record, and the entries of an assessment's trace.

A :class:`Rule` is dated (``validity``), cited (``reference``), placed (``jurisdiction``) and
belongs to one :class:`Stage`. Its ``selector`` says which cases it applies to; its ``evaluate``
function reads the case through a :class:`~iqcore.rules.context.CaseContext`, records what it
found there, and returns a :class:`Finding` that goes into the trace.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from iqcore.model._validators import (
    check_id,
    frozenset_of,
    instance,
    int_range,
    nonempty_str,
    optional_check_id,
    optional_instance,
    tuple_of,
)
from iqcore.model.codes import CountryGroup
from iqcore.model.qualifications import (
    LawLevel,
    LegalBasis,
    QualificationKind,
    RecognitionRoute,
    SectoralProfession,
)
from iqcore.rules.dated import FEDERAL, Jurisdiction, LegalReference, Validity

if TYPE_CHECKING:
    from iqcore.rules.context import CaseContext

__all__ = [
    "STAGES",
    "Finding",
    "ParameterRead",
    "Rule",
    "RuleRef",
    "Selector",
    "Stage",
    "TraceEntry",
    "applied",
    "not_applied",
]


class Stage(enum.StrEnum):
    """The stages of an assessment, run in this order."""

    SCOPE = "SCOPE"
    COMPARISON = "COMPARISON"
    COMPENSATION = "COMPENSATION"
    OUTCOME = "OUTCOME"
    MEASURES = "MEASURES"
    LICENSING = "LICENSING"
    NEXT_STEPS = "NEXT_STEPS"

    @property
    def rank(self) -> int:
        return _STAGE_RANK[self]


#: The stages in the order the engine runs them.
STAGES: tuple[Stage, ...] = tuple(Stage)
_STAGE_RANK = {s: i for i, s in enumerate(STAGES)}


class Finding(NamedTuple):
    """What a rule found: whether it applied, and a short note (what it found, or why not)."""

    applied: bool
    note: str


_APPLIED: dict[str, Finding] = {}
_NOT_APPLIED: dict[str, Finding] = {}
_MEMO_MAX = 4096


def applied(note: str) -> Finding:
    """The rule applied; *note* says what it found."""
    found = _APPLIED.get(note)
    if found is None:
        found = Finding(True, note)
        if len(_APPLIED) < _MEMO_MAX:  # the same note gives the same (immutable) finding
            _APPLIED[note] = found
    return found


def not_applied(reason: str) -> Finding:
    """The rule was considered but did not apply; *reason* says why."""
    found = _NOT_APPLIED.get(reason)
    if found is None:
        found = Finding(False, reason)
        if len(_NOT_APPLIED) < _MEMO_MAX:
            _NOT_APPLIED[reason] = found
    return found


Evaluate = Callable[["CaseContext"], Finding]
_Check = Callable[["CaseContext"], bool]


def _str_tuple(value: Any) -> tuple[str, ...]:
    return tuple(value)


def _frozen(value: Iterable[Any]) -> frozenset[Any]:
    return frozenset(value)


@attrs.frozen(kw_only=True)
class Selector:
    """Which cases a rule applies to. Every criterion is optional; an empty one matches all.

    ``country_groups`` is the group of the country of training *as of the assessment date*;
    ``routes`` is the recognition route found by the scope stage (so it only makes sense for
    rules of later stages). A case must meet every criterion that is set.
    """

    regulated: bool | None = attrs.field(default=None, validator=optional_instance(bool))
    law: LawLevel | None = attrs.field(default=None, validator=optional_instance(LawLevel))
    legal_bases: frozenset[LegalBasis] = attrs.field(
        factory=frozenset, converter=_frozen, validator=frozenset_of(LegalBasis)
    )
    country_groups: frozenset[CountryGroup] = attrs.field(
        factory=frozenset, converter=_frozen, validator=frozenset_of(CountryGroup)
    )
    kldb_prefixes: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=tuple_of(str)
    )
    sectoral: frozenset[SectoralProfession] = attrs.field(
        factory=frozenset, converter=_frozen, validator=frozenset_of(SectoralProfession)
    )
    occupation_ids: frozenset[str] = attrs.field(
        factory=frozenset, converter=_frozen, validator=frozenset_of(str)
    )
    qualification_kinds: frozenset[QualificationKind] = attrs.field(
        factory=frozenset, converter=_frozen, validator=frozenset_of(QualificationKind)
    )
    routes: frozenset[RecognitionRoute] = attrs.field(
        factory=frozenset, converter=_frozen, validator=frozenset_of(RecognitionRoute)
    )
    _checks: tuple[tuple[str, _Check], ...] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    _n_static: int = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        checks = self._compile()
        object.__setattr__(self, "_checks", checks)
        object.__setattr__(self, "_n_static", len(checks) - (1 if self.routes else 0))

    def _compile(self) -> tuple[tuple[str, _Check], ...]:
        checks: list[tuple[str, _Check]] = []
        if self.regulated is not None:
            want = self.regulated
            text = "regulated" if want else "not regulated"
            checks.append(
                (f"applies only to occupations that are {text}", lambda c: c.regulated is want)
            )
        if self.law is not None:
            law = self.law
            checks.append(
                (
                    f"applies only to occupations under {law.value.lower()} law",
                    lambda c: c.occupation.law is law,
                )
            )
        if self.legal_bases:
            bases = self.legal_bases
            checks.append(
                (
                    f"applies only to the legal bases {_names(bases)}",
                    lambda c: c.occupation.legal_basis in bases,
                )
            )
        if self.country_groups:
            groups = self.country_groups
            checks.append(
                (
                    f"applies only to training in the country groups {_names(groups)}",
                    lambda c: c.country_group in groups,
                )
            )
        if self.kldb_prefixes:
            prefixes = self.kldb_prefixes
            checks.append(
                (
                    f"applies only to KldB codes starting {', '.join(prefixes)}",
                    lambda c: c.kldb is not None and c.kldb.startswith(prefixes),
                )
            )
        if self.sectoral:
            sectoral = self.sectoral
            checks.append(
                (
                    f"applies only to the sectoral professions {_names(sectoral)}",
                    lambda c: c.occupation.sectoral in sectoral,
                )
            )
        if self.occupation_ids:
            ids = self.occupation_ids
            checks.append(
                (
                    f"applies only to the occupations {', '.join(sorted(ids))}",
                    lambda c: c.occupation.id in ids,
                )
            )
        if self.qualification_kinds:
            kinds = self.qualification_kinds
            checks.append(
                (
                    f"applies only to qualifications of kind {_names(kinds)}",
                    lambda c: c.qualification.kind in kinds,
                )
            )
        if self.routes:
            routes = self.routes
            checks.append(
                (f"applies only to the routes {_names(routes)}", lambda c: c.route in routes)
            )
        return tuple(checks)

    @property
    def static_count(self) -> int:
        """How many criteria depend on the inputs alone (all but ``routes``, which comes last
        and depends on what the scope stage found)."""
        return self._n_static

    @property
    def criteria(self) -> tuple[str, ...]:
        """One sentence per criterion that is set (used as the reason a rule did not apply)."""
        return tuple(text for text, _ in self._checks)

    def first_miss(self, ctx: CaseContext, start: int = 0, stop: int | None = None) -> int:
        """The index of the first criterion *ctx* does not meet, or -1 if it meets them all.

        ``start`` and ``stop`` limit the criteria checked (by index).
        """
        checks = self._checks
        for i in range(start, len(checks) if stop is None else stop):
            if not checks[i][1](ctx):
                return i
        return -1


def _names(values: frozenset[Any]) -> str:
    return ", ".join(sorted(str(getattr(v, "value", v)) for v in values))


ANY = Selector()


@attrs.frozen(kw_only=True)
class Rule:
    """A dated, cited rule of one stage, for one jurisdiction.

    ``order`` places the rule within its stage (lower first; ties are broken by jurisdiction
    level and then by id, so the order never depends on the order plugins were registered in).
    ``replaces`` names a rule this one replaces within its own jurisdiction (checked when the rule
    book is built). ``parameters`` lists the ids of the parameters ``evaluate`` may read, and
    ``inputs`` the input fields it reads; both appear in the trace. ``origin`` is the plugin that
    registered the rule, filled in at registration.
    """

    id: str = attrs.field(validator=check_id)
    version: int = attrs.field(validator=int_range(1, 10_000))
    title: str = attrs.field(validator=nonempty_str)
    reference: LegalReference = attrs.field(validator=instance(LegalReference))
    validity: Validity = attrs.field(validator=instance(Validity))
    stage: Stage = attrs.field(validator=instance(Stage))
    evaluate: Evaluate = attrs.field(eq=False, repr=False)
    jurisdiction: Jurisdiction = attrs.field(default=FEDERAL, validator=instance(Jurisdiction))
    selector: Selector = attrs.field(default=ANY, validator=instance(Selector))
    order: int = attrs.field(default=100, validator=int_range(0, 1_000_000))
    replaces: str | None = attrs.field(default=None, validator=optional_check_id)
    parameters: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=tuple_of(str)
    )
    inputs: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple, validator=tuple_of(str))
    origin: str = attrs.field(default="", validator=instance(str))

    def __attrs_post_init__(self) -> None:
        if not callable(self.evaluate):
            raise TypeError("evaluate must be callable")
        if self.replaces == self.id:
            raise ValueError("a rule cannot replace itself")

    @property
    def evaluate_name(self) -> str:
        """The dotted name of the evaluation function (part of the rule book's fingerprint)."""
        fn = self.evaluate
        return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"

    def ref(self) -> RuleRef:
        """The rule as it is named in a trace."""
        return RuleRef(
            id=self.id,
            version=self.version,
            title=self.title,
            stage=self.stage,
            origin=self.origin,
            jurisdiction=str(self.jurisdiction),
            validity=self.validity,
            reference=self.reference,
            replaces=self.replaces,
            inputs=self.inputs,
        )


@attrs.frozen(kw_only=True)
class RuleRef:
    """A rule as the trace names it: id, version, title, stage, origin, place, dates, source."""

    id: str
    version: int
    title: str
    stage: Stage
    origin: str
    jurisdiction: str
    validity: Validity
    reference: LegalReference
    replaces: str | None = None
    inputs: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ParameterRead:
    """A dated parameter value a rule read: which one, the value, its validity and its source.

    A parameter's value is a whole number (``number``) or a text (``text``, e.g. a CEFR level);
    :attr:`value` gives whichever it is. ``replaces`` is set when a Land's or network's
    parameter answered for a federal one.
    """

    id: str
    validity: Validity
    reference: LegalReference
    number: int | None = None
    text: str | None = None
    unit: str | None = None
    replaces: str | None = None
    origin: str = ""

    @property
    def value(self) -> int | str:
        if self.number is not None:
            return self.number
        return self.text if self.text is not None else ""

    @classmethod
    def of(cls, value: object, **fields: Any) -> ParameterRead:
        """A read of *value* (an ``int`` or a ``str``)."""
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(number=value, **fields)
        if isinstance(value, str):
            return cls(text=str(value.value if isinstance(value, enum.Enum) else value), **fields)
        raise TypeError("a parameter value must be a whole number or a string")


@attrs.frozen(kw_only=True)
class TraceEntry:
    """One rule considered for a case: applied or not, why, and the parameters it read."""

    rule: RuleRef
    applied: bool
    note: str
    parameters: tuple[ParameterRead, ...] = ()

    @property
    def unverified(self) -> bool:
        """True if the rule's reference or a parameter it read is not confirmed by a source."""
        return (not self.rule.reference.verified) or any(
            not p.reference.verified for p in self.parameters
        )
