"""Record kinds: which model objects a store keeps, how they are keyed, whom they concern.

A :class:`RecordKind` ties a model class to a stable kind name (the table or collection it lives
in), its key, the pseudonymous person it concerns (for export, erasure and the audit log), the
fields people filter on, and, where the record names its own network, that network.

iqcore registers the kinds of its own model when this module is imported. A plugin or an
application registers another kind with one call::

    register_kind(RecordKind(name="note", cls=Note, key=lambda n: n.id,
                             person=lambda n: n.migrant_id,
                             indexes=(IndexField(name="topic", type="text", get=...),
                                      IndexField(name="written_on", type="date", get=...)),
                             composites=(CompositeIndex(fields=("topic", "written_on")),)))

Which fields get a database index: each :class:`CompositeIndex` (over the network and its
fields, in order, so it serves a filter on its first field, on the first two, …), and each
``IndexField(indexed=True)`` that is not already the first field of a composite index. Every
index costs time on each write (in transactions of a thousand records, each index over values
that arrive in random order costs about as much as the raw insert itself), so a kind declares
indexes only for the filters people use; :meth:`RecordKind.database_indexes` lists them.

The stored assessment (:class:`iqcore.storage.records.AssessmentRecord`, kind ``assessment``)
is registered on first use, so that importing the storage package does not import the engine.
"""

from __future__ import annotations

import enum
import importlib
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

import attrs

from iqcore.errors import ConfigurationError, Problem, ValidationError
from iqcore.model.cases import CounsellingCase, RecognitionApplication
from iqcore.model.people import IdentityRecord, Migrant

__all__ = [
    "CompositeIndex",
    "IndexField",
    "Range",
    "RecordKind",
    "filter_value",
    "kind_for",
    "kind_named",
    "match_filters",
    "normalise_filters",
    "record_kinds",
    "register_kind",
]

T = TypeVar("T")

#: The column types an index field can have. Dates are stored as ISO 8601 text.
IndexType = Literal["text", "date", "int"]

_KIND_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: Column names that every backend uses itself; an index field may not take them.
RESERVED_FIELDS = frozenset({"network", "id", "migrant_id", "schema_version", "doc", "kind"})

Scalar = str | int | None


@attrs.frozen(kw_only=True)
class IndexField:
    """A field people filter on: its name, column type, and how to read it from a record."""

    name: str
    type: IndexType
    get: Callable[[Any], object] = attrs.field(eq=False)
    #: False for a field that is filterable but needs no database index of its own: rarely
    #: used, or of low cardinality (a status). Every index costs time on each write (the four
    #: of a counselling case doubled the raw insert time); filtering on an unindexed field
    #: scans the network's records of the kind, or the rows another filter's index selects.
    indexed: bool = True

    def __attrs_post_init__(self) -> None:
        if not _FIELD_NAME.match(self.name) or self.name in RESERVED_FIELDS:
            raise ConfigurationError(
                "an index field name must be 1-40 lower-case letters, digits or '_' and not "
                "one of the reserved column names"
            )
        if self.type not in ("text", "date", "int"):
            raise ConfigurationError("an index field type must be 'text', 'date' or 'int'")

    def value(self, obj: object) -> Scalar:
        """The normalised value of this field in *obj* (what a backend stores and compares)."""
        return filter_value(self.get(obj))


def _field_tuple(value: Sequence[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class CompositeIndex:
    """A database index over several index fields of a kind, in this order.

    It serves filters on a prefix of its fields: ``CompositeIndex(fields=("status",
    "opened_on"))`` serves ``find(status=…)`` and ``find(status=…, opened_on=Range(…))``, but
    not ``find(opened_on=Range(…))`` alone. Backends put the network in front of the fields.
    """

    fields: tuple[str, ...] = attrs.field(converter=_field_tuple)

    def __attrs_post_init__(self) -> None:
        if not 1 <= len(self.fields) <= 4 or len(set(self.fields)) != len(self.fields):
            raise ConfigurationError("a composite index names 1-4 different index fields")

    @property
    def name(self) -> str:
        """A stable name for the index (its fields joined by ``__``)."""
        return "__".join(self.fields)


@attrs.frozen(kw_only=True)
class Range:
    """A half-open range ``[start, end)`` for a filter; either side may be open (None).

    >>> from datetime import date
    >>> Range(start=date(2024, 1, 1), end=date(2025, 1, 1)).contains("2024-06-30")
    True
    """

    start: object = None
    end: object = None

    def bounds(self) -> tuple[Scalar, Scalar]:
        return filter_value(self.start), filter_value(self.end)

    def contains(self, value: Scalar) -> bool:
        lo, hi = self.bounds()
        if value is None:
            return False
        if lo is not None and _lt(value, lo):
            return False
        return not (hi is not None and not _lt(value, hi))


def _lt(a: str | int, b: str | int) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return a < b
    return str(a) < str(b)


@attrs.frozen(kw_only=True)
class RecordKind(Generic[T]):
    """What a store needs to know about one class of records.

    ``person`` returns the pseudonymous migrant id the record concerns, or None for records
    about nobody. ``network``, if given, returns the network the record itself names; a store
    refuses to keep it under another network. ``composites`` are database indexes over several
    of the :attr:`indexes` fields (see :meth:`database_indexes`).
    """

    name: str
    cls: type[T]
    key: Callable[[T], str] = attrs.field(eq=False)
    person: Callable[[T], str | None] = attrs.field(eq=False)
    indexes: tuple[IndexField, ...] = ()
    network: Callable[[T], str] | None = attrs.field(default=None, eq=False)
    composites: tuple[CompositeIndex, ...] = ()
    _getters: tuple[Callable[[Any], object], ...] = attrs.field(
        init=False, eq=False, repr=False, default=()
    )

    def __attrs_post_init__(self) -> None:
        if not _KIND_NAME.match(self.name):
            raise ConfigurationError(
                "a record kind name must be 1-40 lower-case letters, digits or '_'"
            )
        names = [f.name for f in self.indexes]
        if len(names) != len(set(names)):
            raise ConfigurationError("a record kind lists the same index field twice")
        for c in self.composites:
            if not isinstance(c, CompositeIndex) or not set(c.fields) <= set(names):
                raise ConfigurationError(
                    "a composite index must be a CompositeIndex over the kind's index fields"
                )
        if len({c.fields for c in self.composites}) != len(self.composites):
            raise ConfigurationError("a record kind lists the same composite index twice")
        getters = tuple(f.get for f in self.indexes)
        object.__setattr__(self, "_getters", getters)

    def index_values(self, obj: T) -> tuple[Scalar, ...]:
        """The normalised index values of *obj*, in the order of :attr:`indexes`."""
        fv = filter_value
        return tuple([fv(get(obj)) for get in self._getters])

    def database_indexes(self) -> tuple[tuple[str, ...], ...]:
        """The field lists a backend indexes (each after the network): every composite index,
        then every ``indexed`` field that no composite index starts with."""
        out = [c.fields for c in self.composites]
        leading = {c.fields[0] for c in self.composites}
        out.extend((f.name,) for f in self.indexes if f.indexed and f.name not in leading)
        return tuple(out)

    def field(self, name: str) -> IndexField:
        for f in self.indexes:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def filter_names(self) -> tuple[str, ...]:
        """Every name :meth:`Store.find` accepts for this kind."""
        return ("migrant_id", *(f.name for f in self.indexes))


def _enum_value(value: Any) -> Scalar:
    return filter_value(value._value_)


def _str_enum_value(value: Any) -> Scalar:
    return value._value_  # type: ignore[no-any-return]


#: Converters by exact type, for the types seen most (filled as enum classes are met).
_CONVERT: dict[type, Callable[[Any], Scalar]] = {date: date.isoformat, bool: int}


def filter_value(value: object) -> Scalar:
    """Normalise a record field or a filter value to what is stored: text, int or None."""
    t = type(value)
    if t is str or t is int or value is None:
        return value  # type: ignore[return-value]
    convert = _CONVERT.get(t)
    if convert is not None:
        return convert(value)
    if isinstance(value, enum.Enum):
        plain = value._value_
        if type(plain) is str or type(plain) is int:
            _CONVERT[t] = _str_enum_value
        else:
            _CONVERT[t] = _enum_value
        value = value.value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    code = getattr(value, "code", None)
    if isinstance(code, str):
        return code
    raise TypeError("a filter value must be text, a number, a date, an enum or None")


#: A normalised filter: exact value, a set of values (any of), or a range. ``None`` as a value
#: matches records whose field is empty; a range never matches an empty field.
NormalisedFilter = (
    tuple[Literal["eq"], Scalar]
    | tuple[Literal["in"], tuple[Scalar, ...]]
    | tuple[Literal["range"], tuple[Scalar, Scalar]]
)


def normalise_filters(
    kind: RecordKind[Any], filters: Mapping[str, object]
) -> dict[str, NormalisedFilter]:
    """Check filter names and values against *kind*; every problem is reported at once."""
    problems: list[Problem] = []
    out: dict[str, NormalisedFilter] = {}
    allowed = set(kind.filter_names)
    for name, raw in filters.items():
        path = f"$.filters.{name}"
        if name not in allowed:
            problems.append(
                Problem(path, "unknown_filter", f"{kind.name} records cannot be filtered by it")
            )
            continue
        try:
            if isinstance(raw, Range):
                out[name] = ("range", raw.bounds())
            elif isinstance(raw, set | frozenset | tuple | list):
                out[name] = ("in", tuple(sorted({filter_value(v) for v in raw}, key=repr)))
            else:
                out[name] = ("eq", filter_value(raw))
        except TypeError:
            problems.append(Problem(path, "bad_filter_value", "not a filterable value"))
    if problems:
        raise ValidationError(problems, type_name="filter")
    return out


def match_filters(
    kind: RecordKind[Any], obj: object, filters: Mapping[str, NormalisedFilter]
) -> bool:
    """True if *obj* passes every normalised filter (the reference semantics of ``find``)."""
    for name, (op, arg) in filters.items():
        if name == "migrant_id":
            value: Scalar = kind.person(obj)
        else:
            value = kind.field(name).value(obj)
        if op == "eq":
            if value != arg:
                return False
        elif op == "in":
            assert isinstance(arg, tuple)
            if value not in arg:
                return False
        else:
            assert isinstance(arg, tuple)
            if not Range(start=arg[0], end=arg[1]).contains(value):
                return False
    return True


_BY_NAME: dict[str, RecordKind[Any]] = {}
_BY_CLASS: dict[type, RecordKind[Any]] = {}


def register_kind(kind: RecordKind[Any], *, replace: bool = False) -> RecordKind[Any]:
    """Register *kind*. Registering the same kind again is a no-op; a different one with the
    same name or class is a :class:`~iqcore.errors.ConfigurationError` unless ``replace``."""
    if not isinstance(kind, RecordKind):
        raise ConfigurationError("register_kind needs a RecordKind")
    old = _BY_NAME.get(kind.name) or _BY_CLASS.get(kind.cls)
    if old is not None and not replace:
        if old is kind:
            return kind
        raise ConfigurationError(
            f"record kind {kind.name!r} (or its class) is already registered differently"
        )
    if old is not None:
        _BY_NAME.pop(old.name, None)
        _BY_CLASS.pop(old.cls, None)
    _BY_NAME[kind.name] = kind
    _BY_CLASS[kind.cls] = kind
    return kind


def kind_for(cls: type[T]) -> RecordKind[T]:
    """The registered kind of *cls*, or a ConfigurationError naming the class."""
    kind = _BY_CLASS.get(cls)
    if kind is None:
        _load_late_kinds()
        kind = _BY_CLASS.get(cls)
    if kind is None:
        raise ConfigurationError(f"{cls.__name__} is not a registered record kind")
    return kind


def kind_named(name: str) -> RecordKind[Any]:
    """The registered kind called *name*, or a ConfigurationError."""
    kind = _BY_NAME.get(name)
    if kind is None:
        _load_late_kinds()
        kind = _BY_NAME.get(name)
    if kind is None:
        raise ConfigurationError("unknown record kind")
    return kind


def record_kinds() -> tuple[RecordKind[Any], ...]:
    """Every registered kind, in registration order."""
    _load_late_kinds()
    return tuple(_BY_NAME.values())


#: Modules of iqcore that register record kinds when imported; loaded on the first lookup that
#: misses (so that ``import iqcore.storage`` does not import the assessment engine).
_LATE_KIND_MODULES: tuple[str, ...] = ("iqcore.storage.records",)
_LATE_LOADED = False


def _load_late_kinds() -> None:
    global _LATE_LOADED
    if _LATE_LOADED:
        return
    _LATE_LOADED = True
    for module in _LATE_KIND_MODULES:
        importlib.import_module(module)


def _date_of(attr: str) -> Callable[[Any], object]:
    return operator.attrgetter(attr)


def _index(
    name: str,
    type_: IndexType,
    getter: Callable[[Any], object] | None = None,
    *,
    indexed: bool = True,
) -> IndexField:
    return IndexField(name=name, type=type_, get=getter or _date_of(name), indexed=indexed)


def _decision_attr(attr: str) -> Callable[[Any], object]:
    def get(obj: Any) -> object:
        decision = obj.decision
        return None if decision is None else getattr(decision, attr)

    return get


MIGRANT: RecordKind[Migrant] = RecordKind(
    name="migrant",
    cls=Migrant,
    key=lambda m: m.id,
    person=lambda m: m.id,
    indexes=(
        _index("residence_state", "text", indexed=False),
        _index("arrival_year", "int", indexed=False),
    ),
)
IDENTITY: RecordKind[IdentityRecord] = RecordKind(
    name="identity",
    cls=IdentityRecord,
    key=lambda r: r.migrant_id,
    person=lambda r: r.migrant_id,
)
COUNSELLING_CASE: RecordKind[CounsellingCase] = RecordKind(
    name="counselling_case",
    cls=CounsellingCase,
    key=lambda c: c.id,
    person=lambda c: c.migrant_id,
    indexes=(
        _index("status", "text", indexed=False),
        _index("occupation_id", "text", indexed=False),
        _index("opened_on", "date", indexed=False),
        _index("closed_on", "date", indexed=False),
        _index("closure_reason", "text", indexed=False),
    ),
    network=lambda c: c.network_id,
    # The caseload by status (and period), and the cases of one occupation (and period). A date
    # range alone scans the network's cases: an index of its own would cost about a third more
    # time on every bulk save.
    composites=(
        CompositeIndex(fields=("status", "opened_on")),
        CompositeIndex(fields=("occupation_id", "opened_on")),
    ),
)
RECOGNITION_APPLICATION: RecordKind[RecognitionApplication] = RecordKind(
    name="recognition_application",
    cls=RecognitionApplication,
    key=lambda a: a.id,
    person=lambda a: a.migrant_id,
    indexes=(
        _index("status", "text", indexed=False),
        _index("occupation_id", "text", indexed=False),
        _index("received_on", "date", indexed=False),
        _index("authority_id", "text", indexed=False),
        _index("outcome", "text", _decision_attr("outcome"), indexed=False),
        _index("decided_on", "date", _decision_attr("decided_on"), indexed=False),
    ),
    composites=(
        CompositeIndex(fields=("status", "received_on")),
        CompositeIndex(fields=("occupation_id", "received_on")),
    ),
)

for _kind in (MIGRANT, IDENTITY, COUNSELLING_CASE, RECOGNITION_APPLICATION):
    register_kind(_kind)


def kinds_of(objs: Iterable[object]) -> set[str]:
    """The kind names of *objs* (a helper for reports and tests)."""
    return {kind_for(type(o)).name for o in objs}
