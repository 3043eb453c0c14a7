"""Fuzzing the JSON input of every top-level type with malformed documents.

For each type in :data:`iqcore.model.TOP_LEVEL_TYPES`, at least 10,000 malformed documents go to
both :func:`~iqcore.serialization.from_json` (as bytes) and :func:`~iqcore.serialization.from_dict`.
They are random JSON values and near misses of valid documents: a valid object from the shipped
strategies is written with :func:`~iqcore.serialization.to_dict`, then broken in ways that are
certain to make it invalid, chosen from the type of each field (an unknown key, a required key
deleted, a JSON value of the wrong type, a malformed code or date, a value of another enum, a
duplicate in a set, a broken nested item, an unsupported schema version), one to three at a
time. Semantic near misses change one value to another well-formed one (another enum member, a
flipped flag, a shifted date, a number nudged, an optional value removed); the model itself
decides whether the result is valid, and only the invalid ones count (the valid ones must read
back as the changed object). A further set of byte-level breakages (truncated text, bytes that
are not UTF-8, trailing garbage) goes to ``from_json`` only.

Every document must raise :class:`~iqcore.errors.ValidationError` and nothing else, and no
message (``str`` of the error, each problem's path and message) may contain a string of four or
more characters taken from a string value or a key of the input. Field names and enum values are
words of the format, not data: they are removed from the messages before the check. Every free
text and identifier in the base documents is first replaced by a marker string (``ZQX`` and
lowercase consonants) that cannot collide with those words.
"""

from __future__ import annotations

import copy
import enum
import random
import re
import types
import typing
import warnings
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import iqcore.model as model
from iqcore.errors import Problem, ValidationError
from iqcore.model._validators import check_id, optional_check_id
from iqcore.serialization import from_dict, from_json, to_dict
from iqcore.testing.strategies import strategy_for

pytestmark = pytest.mark.slow

DOCUMENTS_PER_TYPE = 10_000
BASE_OBJECTS = 60  # valid objects per type; each gives many near misses
RANDOM_SHARE = 0.1  # of the documents: random JSON values, not near misses
SEMANTIC_SHARE = 0.15  # of the near misses: well-formed changes judged by the model
BYTE_LEVEL_PER_TYPE = 500  # extra documents for from_json only

MARK = "ZQX"
_MARK_TAIL = "bcdfghjkmnpqrstvwxz"
CODE_TYPES = (model.Country, model.IscedField, model.IscoCode, model.KldbCode)

# --------------------------------------------------------------------------------------------
# The shape of each class, from its type hints
# --------------------------------------------------------------------------------------------


@attrs.frozen
class Kind:
    tag: str  # str, id, int, bool, date, enum, code, obj, seq
    cls: Any = None
    inner: Kind | None = None
    optional: bool = False
    is_set: bool = False


@attrs.frozen
class FieldInfo:
    name: str
    kind: Kind
    required: bool
    default: Any


_FIELDS: dict[type, tuple[FieldInfo, ...]] = {}


def _kind(tp: Any, attribute: attrs.Attribute[Any] | None = None) -> Kind:
    optional = False
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        assert len(args) == 1
        optional, tp = True, args[0]
        origin = typing.get_origin(tp)
    if origin in (tuple, frozenset):
        inner = _kind(typing.get_args(tp)[0])
        return Kind("seq", inner=inner, optional=optional, is_set=origin is frozenset)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return Kind("enum", cls=tp, optional=optional)
    if isinstance(tp, type) and attrs.has(tp):
        return Kind("code" if tp in CODE_TYPES else "obj", cls=tp, optional=optional)
    if tp is bool:
        return Kind("bool", optional=optional)
    if tp is int:
        return Kind("int", optional=optional)
    if tp is date:
        return Kind("date", optional=optional)
    if tp is str:
        is_id = attribute is not None and attribute.validator in (check_id, optional_check_id)
        return Kind("id" if is_id else "str", optional=optional)
    raise AssertionError(f"no fuzzing support for the type {tp!r}")


def fields_of(cls: type) -> tuple[FieldInfo, ...]:
    if cls not in _FIELDS:
        hints = typing.get_type_hints(cls)
        out = []
        for a in attrs.fields(cls):
            default = a.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default = default.factory()
            out.append(
                FieldInfo(a.name, _kind(hints[a.name], a), a.default is attrs.NOTHING, default)
            )
        _FIELDS[cls] = tuple(out)
    return _FIELDS[cls]


def _vocabulary() -> set[str]:
    words = {"schema_version"}
    for name in model.__all__:
        obj = getattr(model, name)
        if isinstance(obj, type) and attrs.has(obj):
            words.update(a.name for a in attrs.fields(obj))
        elif isinstance(obj, type) and issubclass(obj, enum.Enum):
            words.update(str(m.value) for m in obj)
    return words


VOCABULARY = frozenset(_vocabulary())
_FOLDED_VOCABULARY = frozenset(w.casefold() for w in VOCABULARY)
_VOCABULARY_RE = re.compile(  # whole words only: "id" must not be cut out of "invalid"
    r"(?<![A-Za-z0-9_])(?:"
    + "|".join(re.escape(w) for w in sorted(VOCABULARY, key=len, reverse=True) if len(w) >= 4)
    + r")(?![A-Za-z0-9_])"
)
_ENUM_VALUES = sorted(
    {
        m.value
        for name in model.__all__
        if isinstance(o := getattr(model, name), type) and issubclass(o, enum.Enum)
        for m in o
        if isinstance(m.value, str)
    }
)

# --------------------------------------------------------------------------------------------
# Markers and base documents
# --------------------------------------------------------------------------------------------


def marker(rnd: random.Random) -> str:
    return MARK + "".join(rnd.choice(_MARK_TAIL) for _ in range(rnd.randint(3, 10)))


def _normalise(value: Any, kind: Kind, rnd: random.Random, names: dict[str, str]) -> Any:
    """Replace free text and identifiers by markers, the same original by the same marker."""
    if value is None:
        return None
    if kind.tag in ("str", "id"):
        if value not in names:
            mark = marker(rnd)
            names[value] = f"{mark}@{marker(rnd)}.zq".lower() if "@" in value else mark
        return names[value]
    if kind.tag == "seq":
        assert kind.inner is not None
        items = [_normalise(v, kind.inner, rnd, names) for v in value]
        return frozenset(items) if kind.is_set else tuple(items)
    if kind.tag == "obj":
        cls = kind.cls
        old = {f.name: getattr(value, f.name) for f in fields_of(cls)}
        new = {f.name: _normalise(old[f.name], f.kind, rnd, names) for f in fields_of(cls)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return cls(**new)
            except (ValueError, TypeError):
                pass
            # A field with its own format (a language code, field names …) keeps its value.
            changed = [name for name in new if new[name] != old[name]]
            for name in changed:
                try:
                    return cls(**{**new, name: old[name]})
                except (ValueError, TypeError):
                    continue
            for name in changed:
                new[name] = old[name]
                try:
                    return cls(**new)
                except (ValueError, TypeError):
                    continue
        return value
    return value


def normalised(obj: Any, rnd: random.Random) -> Any:
    return _normalise(obj, Kind("obj", cls=type(obj)), rnd, {})


# --------------------------------------------------------------------------------------------
# Sites of a document and mutations that make it invalid for certain
# --------------------------------------------------------------------------------------------

Path = tuple[str | int, ...]


@attrs.frozen
class Site:
    path: Path
    kind: Kind
    in_set: bool  # somewhere below a frozenset (its items are written sorted)


def sites(doc: Any, cls: type) -> tuple[list[Site], list[tuple[Path, type]]]:
    values: list[Site] = []
    objects: list[tuple[Path, type]] = []

    def walk(value: Any, kind: Kind, path: Path, in_set: bool) -> None:
        if path:
            values.append(Site(path, kind, in_set))
        if value is None:
            return
        if kind.tag == "obj" and isinstance(value, dict):
            objects.append((path, kind.cls))
            for f in fields_of(kind.cls):
                if f.name in value:
                    walk(value[f.name], f.kind, (*path, f.name), in_set)
        elif kind.tag == "seq" and isinstance(value, list):
            assert kind.inner is not None
            for i, item in enumerate(value):
                walk(item, kind.inner, (*path, i), in_set or kind.is_set)

    walk(doc, Kind("obj", cls=cls), (), False)
    return values, objects


def _get(doc: Any, path: Path) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _resolves(doc: Any, path: Path) -> bool:
    try:
        for p in path:
            if isinstance(p, int):
                if not isinstance(doc, list) or p >= len(doc):
                    return False
            elif not isinstance(doc, dict) or p not in doc:
                return False
            doc = doc[p]
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _set(doc: Any, path: Path, value: Any) -> None:
    parent = _get(doc, path[:-1])
    parent[path[-1]] = value


def random_json(rnd: random.Random, depth: int = 0) -> Any:
    choice = rnd.randrange(8 if depth < 3 else 5)
    if choice == 0:
        return None
    if choice == 1:
        return rnd.random() < 0.5
    if choice == 2:
        return rnd.randint(-(2**40), 2**40)
    if choice == 3:
        return rnd.uniform(-1e9, 1e9)
    if choice == 4:
        return marker(rnd)
    if choice in (5, 6):
        return {marker(rnd): random_json(rnd, depth + 1) for _ in range(rnd.randint(1, 4))}
    return [random_json(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]


def _bad_code(cls: type, current: str, rnd: random.Random) -> str:
    if cls is model.Country:
        return rnd.choice(["XX", "ZZ", "QQ", "AA", current.lower(), current + "X", "D", "de"])
    if cls is model.KldbCode:
        digits = "".join(rnd.choice("0123456789") for _ in range(4))
        return rnd.choice([digits + rnd.choice("056789"), digits, digits + "12", "8130a"])
    if cls is model.IscoCode:
        return rnd.choice(["221", "22111", "22a1", " 221"])
    return rnd.choice(["11", "1234", "0", "00000", "0a1"])  # IscedField


def _bad_values(kind: Kind, current: Any, rnd: random.Random) -> list[Any]:
    """JSON values that are certainly wrong for a field of this kind."""
    out: list[Any] = [{marker(rnd): 1}]
    if not kind.optional:
        out.append(None)
    tag = kind.tag
    if tag in ("str", "id"):
        out += [rnd.randint(-5, 10**6), 1.5, rnd.random() < 0.5, [marker(rnd)]]
        if tag == "id":
            out += [f"{marker(rnd)} {marker(rnd)}", "", "-" + marker(rnd), marker(rnd) + "!"]
    elif tag == "int":
        out += [marker(rnd), 1.5, True, False, [1], "12"]
    elif tag == "bool":
        out += [marker(rnd), 2, 1.5, [], "1"]
    elif tag == "date":
        out += [marker(rnd), "2023-02-30", "2023-13-01", "20230101", 20230101, "2023-1-01", []]
    elif tag == "enum":
        values = {m.value for m in kind.cls}
        if all(isinstance(v, int) for v in values):
            out += [99, -1, marker(rnd), 1.5, "3", True]
        else:
            out += [marker(rnd), 7, True, [current]]
            out.append(rnd.choice([v for v in _ENUM_VALUES if v not in values]))
            if isinstance(current, str) and current.swapcase() not in values:
                out.append(current.swapcase())
    elif tag == "code":
        out += [marker(rnd), 81302, [current]]
        if isinstance(current, str):
            out.append(_bad_code(kind.cls, current, rnd))
    elif tag == "seq":
        out += [marker(rnd), {}, 5, True]
    elif tag == "obj":
        out += [marker(rnd), [], 3]
    return out


def break_document(
    doc: dict[str, Any],
    shape: tuple[list[Site], list[tuple[Path, type]]],
    rnd: random.Random,
    injected: list[Any],
) -> list[str]:
    """Apply one to three certain breakages to *doc* in place; describe them (no values).

    *shape* holds the sites of the unbroken document; every value and key put in is appended
    to *injected*.
    """
    values, objects = shape
    done: list[str] = []
    for _ in range(rnd.choice((1, 1, 1, 2, 3))):
        action = rnd.random()
        if action < 0.15 and objects:
            path, _obj_cls = rnd.choice(objects)
            if _resolves(doc, path) and isinstance(_get(doc, path), dict):
                key, value = marker(rnd), random_json(rnd)
                _get(doc, path)[key] = value
                injected += [key, value]
                done.append(f"unknown key at {path}")
                continue
        if action < 0.3 and objects:
            path, obj_cls = rnd.choice(objects)
            required = [f.name for f in fields_of(obj_cls) if f.required]
            if required and _resolves(doc, path) and isinstance(_get(doc, path), dict):
                name = rnd.choice(required)
                if name in _get(doc, path):
                    del _get(doc, path)[name]
                    done.append(f"required key deleted at {(*path, name)}")
                    continue
        if action < 0.36:
            doc["schema_version"] = rnd.choice([999, 0, -1, 2, marker(rnd), 1.5, [1], {}, True])
            injected.append(doc["schema_version"])
            done.append("schema_version")
            continue
        site = rnd.choice(values)
        if not _resolves(doc, site.path):
            continue
        current = _get(doc, site.path)
        if (
            site.kind.tag == "seq"
            and site.kind.is_set
            and isinstance(current, list)
            and current
            and rnd.random() < 0.3
        ):
            current.append(copy.deepcopy(rnd.choice(current)))
            done.append(f"duplicate in set at {site.path}")
            continue
        bad = rnd.choice(_bad_values(site.kind, current, rnd))
        injected.append(bad)
        _set(doc, site.path, bad)
        done.append(f"wrong value ({site.kind.tag}) at {site.path}")
    if not done:  # every chosen site had gone: add an unknown key at the top
        key, value = marker(rnd), random_json(rnd)
        doc[key] = value
        injected += [key, value]
        done.append("unknown key at ()")
    return done


# --------------------------------------------------------------------------------------------
# Semantic near misses, judged by the model itself
# --------------------------------------------------------------------------------------------


def _to_python(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind.tag == "enum":
        return kind.cls(value)
    if kind.tag == "date":
        return date.fromisoformat(value)
    return value


def _rebuild(obj: Any, path: Path, value: Any) -> Any:
    """The object with the value at *path* replaced (runs every validator and invariant)."""
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(obj)
        items[head] = value if not rest else _rebuild(items[head], rest, value)
        return tuple(items)
    current = getattr(obj, head)
    return attrs.evolve(obj, **{head: value if not rest else _rebuild(current, rest, value)})


def semantic_change(
    doc: dict[str, Any], obj: Any, candidates: list[Site], rnd: random.Random
) -> tuple[str, Path, Any] | None:
    """Change one value to another well-formed one; return (description, path, new value)."""
    if not candidates:
        return None
    site = rnd.choice(candidates)
    current = _get(doc, site.path)
    kind = site.kind
    field = None
    if isinstance(site.path[-1], str):
        parent_cls = _parent_class(type(obj), site.path)
        field = next(f for f in fields_of(parent_cls) if f.name == site.path[-1])
    if field is not None and not field.required and rnd.random() < 0.25:
        del _get(doc, site.path[:-1])[site.path[-1]]
        return (f"defaulted key deleted at {site.path}", site.path, field.default)
    if current is not None and kind.optional and rnd.random() < 0.3:
        _set(doc, site.path, None)
        return (f"optional value removed at {site.path}", site.path, None)
    if current is None:
        return None
    if kind.tag == "enum":
        others = [m for m in kind.cls if m.value != current]
        if not others:
            return None
        new: Any = rnd.choice(others).value
    elif kind.tag == "bool":
        new = not current
    elif kind.tag == "int":
        new = rnd.choice([current + 1, current - 1, 0, 1, -1, 37, 600, 601, 5001, 10**6])
    elif kind.tag == "date":
        new = (date.fromisoformat(current) + timedelta(days=rnd.randint(-4000, 4000))).isoformat()
    else:
        return None
    _set(doc, site.path, new)
    return (f"{kind.tag} changed at {site.path}", site.path, _to_python(kind, new))


def _parent_class(cls: type, path: Path) -> type:
    current: type = cls
    for p in path[:-1]:
        if isinstance(p, int):
            continue
        kind = next(f.kind for f in fields_of(current) if f.name == p)
        while kind.tag == "seq":
            assert kind.inner is not None
            kind = kind.inner
        current = kind.cls
    return current


# --------------------------------------------------------------------------------------------
# Checking one document
# --------------------------------------------------------------------------------------------


def _grams(text: str) -> Iterator[str]:
    """Every 4-character piece of *text* (iterated in C: the checks run on every document)."""
    n = len(text)
    return map(text.__getitem__, map(slice, range(n - 3), range(4, n + 1)))


def input_grams(doc: Any) -> set[str]:
    """Every 4-character piece of every string value and key of the input (vocabulary aside)."""
    out: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if value.casefold() not in _FOLDED_VOCABULARY:  # "full_equivalence" is no data
                out.update(_grams(value))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc)
    return out


def echoed(error: ValidationError, grams: set[str]) -> str | None:
    texts = [str(error)]
    for p in error.problems:
        texts += [p.path, p.message]
    for text in texts:
        if grams.isdisjoint(_grams(text)):
            continue
        cleaned = _VOCABULARY_RE.sub("\x00", text)  # field names and enum values may appear
        for g in _grams(cleaned):
            if g in grams:
                return g
    return None


class Failures:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.count = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.items) < 12:
            self.items.append(message)


def expect_invalid(call: Callable[[], Any], grams: set[str], what: str, failures: Failures) -> None:
    try:
        call()
    except ValidationError as e:
        piece = echoed(e, grams)
        if piece is not None:
            failures.add(f"{what}: the message repeats input ({piece!r}): {e}")
        if not e.problems:
            failures.add(f"{what}: ValidationError without problems")
    except Exception as e:  # anything else is the failure we look for
        failures.add(f"{what}: raised {type(e).__name__} instead of ValidationError")
    else:
        failures.add(f"{what}: accepted")


def check_document(
    doc: Any, cls: type, what: str, failures: Failures, grams: set[str] | None = None
) -> None:
    """*doc* must be rejected by from_json and from_dict; *grams* defaults to the doc's own."""
    if grams is None:
        grams = input_grams(doc)
    data = orjson.dumps(doc)
    expect_invalid(lambda: from_json(data, cls), grams, f"from_json {what}", failures)
    expect_invalid(lambda: from_dict(doc, cls), grams, f"from_dict {what}", failures)


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------


def _near_misses(obj: Any, rnd: random.Random, n: int, cls: type, failures: Failures) -> int:
    """Check *n* malformed documents made from one valid object; return how many were made."""
    base_obj = normalised(obj, rnd)
    base_bytes = orjson.dumps(to_dict(base_obj))
    base = orjson.loads(base_bytes)
    shape = sites(base, cls)
    semantic_sites = [s for s in shape[0] if not s.in_set and s.kind.tag != "seq"]
    base_grams = input_grams(base)
    made = 0
    attempts = 0
    while made < n and attempts < 4 * n:
        attempts += 1
        if rnd.random() < RANDOM_SHARE:
            doc: Any = random_json(rnd)
            if isinstance(doc, dict):
                doc[marker(rnd)] = random_json(rnd)  # an unknown key makes it certainly wrong
            check_document(doc, cls, "random JSON value", failures)
            made += 1
            continue
        doc = orjson.loads(base_bytes)  # a fresh copy, faster than copy.deepcopy
        if rnd.random() < SEMANTIC_SHARE:
            change = semantic_change(doc, base_obj, semantic_sites, rnd)
            if change is None:
                continue
            what, path, value = change
            try:
                expected = _rebuild(base_obj, path, value)
            except (ValueError, TypeError):
                check_document(doc, cls, what, failures, base_grams)
                made += 1
            else:  # still valid: it must read back as exactly the changed object
                try:
                    if from_dict(doc, cls) != expected:
                        failures.add(f"{what}: a valid change was read back differently")
                except ValidationError:
                    failures.add(f"{what}: a valid change was rejected")
            continue
        injected: list[Any] = []
        what = "; ".join(break_document(doc, shape, rnd, injected))
        check_document(doc, cls, what, failures, base_grams | input_grams(injected))
        made += 1
    return made


def _byte_level(obj: Any, rnd: random.Random, cls: type, failures: Failures) -> None:
    data = orjson.dumps(to_dict(normalised(obj, rnd)))
    grams = input_grams(orjson.loads(data))
    for _ in range(BYTE_LEVEL_PER_TYPE // BASE_OBJECTS + 1):
        choice = rnd.randrange(3)
        if choice == 0:
            bad = data[: rnd.randrange(len(data))]
            what = "truncated JSON text"
        elif choice == 1:
            at = rnd.randrange(len(data))
            bad = data[:at] + b"\xff\xfe" + data[at:]
            what = "bytes that are not UTF-8"
        else:
            bad = data + rnd.choice([b" x", b"}", b",", b"{}", b"\x00"])
            what = "trailing garbage"
        expect_invalid(lambda b=bad: from_json(b, cls), grams, what, failures)  # type: ignore[misc]


@pytest.mark.parametrize("cls", model.TOP_LEVEL_TYPES, ids=lambda c: c.__name__)
def test_malformed_documents_raise_validation_error_without_echoing_input(cls: type) -> None:
    failures = Failures()
    counter = {"documents": 0, "objects": 0}
    per_object = -(-DOCUMENTS_PER_TYPE // BASE_OBJECTS)

    @settings(
        max_examples=BASE_OBJECTS,
        phases=(Phase.generate,),  # no shrinking: the failures are collected and reported
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    # One seed per object: hypothesis' own Random would record every call as a draw.
    @given(strategy_for(cls), st.integers(0, 2**32 - 1))
    def run(obj: Any, seed: int) -> None:
        rnd = random.Random(seed)
        counter["objects"] += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # oversized workshops after a change only warn
            counter["documents"] += _near_misses(obj, rnd, per_object, cls, failures)
            _byte_level(obj, rnd, cls, failures)

    run()
    assert not failures.items, (
        f"{failures.count} of {counter['documents']} documents went wrong, e.g.:\n"
        + "\n".join(failures.items)
    )
    assert counter["documents"] >= DOCUMENTS_PER_TYPE, counter


def test_the_marker_cannot_collide_with_words_of_the_format() -> None:
    rnd = random.Random(0)
    for _ in range(1000):
        m = marker(rnd)
        assert not any(w in m or m in w for w in VOCABULARY if len(w) >= 4)


def test_the_checks_can_fail() -> None:
    """The checker itself: it flags an echo, another exception, and an accepted document."""
    grams = input_grams({"title_de": "ZQXbcdfg", "outcome": "FULL_EQUIVALENCE"})
    echo = ValidationError([Problem("$.title_de", "value", "bad value QXbcd")])
    assert echoed(echo, grams) == "QXbc"
    words = ValidationError([Problem("$.outcome", "enum", "outcome is not FULL_EQUIVALENCE")])
    assert echoed(words, grams) is None
    failures = Failures()
    expect_invalid(lambda: None, grams, "accepted", failures)
    expect_invalid(lambda: dict[str, int]()["x"], grams, "key error", failures)
    expect_invalid(lambda: (_ for _ in ()).throw(echo), grams, "echo", failures)
    assert [f.split(":")[0] for f in failures.items] == ["accepted", "key error", "echo"]
