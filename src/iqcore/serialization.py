"""JSON for every iqcore type: one cattrs converter, orjson, JSON Schema and precise input errors.

Public functions
----------------
:func:`to_json` / :func:`from_json` (bytes), :func:`to_dict` / :func:`from_dict` (the JSON data
model as Python dicts and lists), :func:`to_json_many` / :func:`from_json_many` (one JSON array of
documents), :func:`json_schema` / :func:`schemas` (JSON Schema draft 2020-12),
:func:`converter` (the :mod:`cattrs` converter that serves every type) and :func:`register_type`
(for types that plugins add), :func:`bulk_mode` (a garbage-collector setting for large batches).

Wire format
-----------
* Codes (:class:`~iqcore.model.Country`, :class:`~iqcore.model.KldbCode`,
  :class:`~iqcore.model.IscoCode`, :class:`~iqcore.model.IscedField`, and any attrs class whose
  only field is ``code: str``) are plain strings: ``"SY"``, ``"81302"``.
* Enums are written by value (``"FULL_EQUIVALENCE"``, ``6``), dates as ``"YYYY-MM-DD"``.
* Tuples are arrays; frozensets are arrays **sorted** by their written value, so the same object
  always gives the same bytes.
* Every field is written, in the order of the class; an absent optional value is written as
  ``null``. On input a field that has a default may be left out, and an optional field may be
  ``null`` or left out.
* Every top-level document carries ``"schema_version"`` (:data:`SCHEMA_VERSION`) as its first
  key. On input it is optional (the current version is assumed); an unsupported version is a
  problem with code ``schema_version``. Nested objects do not carry it.

Input errors
------------
Unknown keys are rejected. Bad input raises :class:`~iqcore.errors.ValidationError` listing every
problem at once, each a :class:`~iqcore.errors.Problem` with the JSON path of the field
(``$.experience[2].months``) and one of these stable codes:

``json`` (not JSON text), ``type`` (wrong JSON type), ``missing`` (a required field is absent),
``unknown_key`` (reported at the path of the object that holds it; the key is not named),
``enum`` (not one of the allowed values), ``format`` (a malformed string: a code, a date, an
identifier), ``range`` (a number out of range), ``duplicate`` (the same item twice in a set),
``value`` (any other rule of a field), ``invariant`` (a rule of the whole object; reported at
the object's path) and ``schema_version``.

Messages name the field and the rule, never a value from the input.

Speed
-----
Every class gets generated, specialised functions. Structuring good input takes a fast path that
checks every JSON type and still enforces every attrs validator and ``__attrs_post_init__``
invariant (the input is untrusted), but does not track paths. Only when it fails is the input
structured again on the detailed path, which collects every problem with its path.

On the fast path a model object is built as attrs' ``__init__`` builds it (fields set, then the
validators in field order, then ``__attrs_post_init__``), except that validators which only
check a type the fast path has just checked exactly (``instance_of``, the model's ``instance``,
``optional_instance``, ``tuple_of``, ``frozenset_of``) are not called a second time. Classes
with other converters, a hand-written ``__init__`` or ``__attrs_pre_init__`` are built by their
``__init__``. Small value objects whose fields are all enums, booleans or codes (a
:class:`~iqcore.model.Document`, a country) are interned: equal input gives one shared
(immutable) instance. Writing leaves enums and dates to orjson and inlines nested objects.
For big batches use :func:`to_json_many` / :func:`from_json_many` (which run in
:func:`bulk_mode` with the cyclic garbage collector paused, and restore it afterwards).
"""

from __future__ import annotations

import contextlib
import enum
import gc
import inspect
import re
import threading
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any, TypeVar

import attrs
import cattrs
import orjson
from attr import validators as _attr_validators
from cattrs.preconf.orjson import make_converter

from iqcore.errors import Problem, ValidationError
from iqcore.model import _validators as _v

__all__ = [
    "JSON_SCHEMA_DIALECT",
    "SCHEMA_VERSION",
    "SUPPORTED_SCHEMA_VERSIONS",
    "bulk_mode",
    "converter",
    "from_dict",
    "from_json",
    "from_json_many",
    "json_schema",
    "register_type",
    "schemas",
    "to_dict",
    "to_json",
    "to_json_many",
]

T = TypeVar("T")

#: The version of the JSON document format written by this iqcore.
SCHEMA_VERSION = 1
#: The document versions this iqcore reads.
SUPPORTED_SCHEMA_VERSIONS: frozenset[int] = frozenset({1})
#: The JSON Schema dialect of :func:`json_schema`.
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_VERSION_KEY = "schema_version"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_CODE_CACHE_SIZE = 8192


class _Fallback(Exception):
    """Raised by the fast path to hand over to the detailed path."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()
_BAD: Any = object()  # a value the detailed path could not structure (a problem is recorded)


# --------------------------------------------------------------------------------------------
# Type analysis
# --------------------------------------------------------------------------------------------

_SCALARS: dict[type, str] = {str: "str", bool: "bool", int: "int", float: "float", date: "date"}


@attrs.frozen
class _T:
    """A node of the analysed type of a field.

    kind: str, int, bool, float, date, enum, code, object, tuple, frozenset, optional.
    """

    kind: str
    cls: Any = None  # enum / code / object class
    inner: _T | None = None  # element of tuple/frozenset, value of optional

    @property
    def base(self) -> _T:
        return self.inner if self.kind == "optional" and self.inner is not None else self

    @property
    def trivial(self) -> bool:
        """A JSON-native scalar: nothing to convert, only a type check."""
        return self.kind in ("str", "int", "bool")


def _is_code_class(cls: type) -> bool:
    if not attrs.has(cls):
        return False
    fields = attrs.fields(cls)
    return len(fields) == 1 and fields[0].name == "code" and fields[0].type in (str, "str")


def _analyse(tp: Any) -> _T:
    if tp in _SCALARS:
        return _T(_SCALARS[tp])
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return _T("optional", inner=_analyse(rest[0]))
        raise TypeError("only X | None unions can be serialised")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _T("tuple", inner=_analyse(args[0]))
        raise TypeError("only tuple[X, ...] can be serialised")
    if origin in (frozenset, typing.AbstractSet) or tp is frozenset:
        if len(args) != 1:
            raise TypeError("frozenset needs an item type")
        return _T("frozenset", inner=_analyse(args[0]))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _T("enum", cls=tp)
    if isinstance(tp, type) and attrs.has(tp):
        if _is_code_class(tp):
            return _T("code", cls=tp)
        return _T("object", cls=tp)
    raise TypeError(f"type {tp!r} cannot be serialised by iqcore")


@attrs.frozen
class _Field:
    name: str  # attribute name
    key: str  # JSON key and keyword argument (the attrs alias)
    type: _T
    attribute: attrs.Attribute[Any]
    required: bool
    default: Any  # value, or _MISSING
    factory: Callable[[], Any] | None
    validators: tuple[Callable[..., Any], ...] = ()  # the attribute's, flattened (see below)


def _fields_of(cls: type) -> list[_Field]:
    attrs.resolve_types(cls)
    out: list[_Field] = []
    for a in attrs.fields(cls):
        if not a.init:
            continue
        key = a.alias or a.name
        required = a.default is attrs.NOTHING
        default: Any = _MISSING
        factory: Callable[[], Any] | None = None
        if isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            if a.default.takes_self:
                raise TypeError(f"{cls.__name__}.{a.name}: takes_self defaults are not supported")
            factory = a.default.factory
        elif not required:
            default = a.default
        try:
            tnode = _analyse(a.type)
        except TypeError as exc:
            raise TypeError(f"{cls.__name__}.{a.name}: {exc}") from None
        validators = tuple(_validators_of(a))
        out.append(_Field(a.name, key, tnode, a, required, default, factory, validators))
    return out


# --------------------------------------------------------------------------------------------
# Plans: generated functions per class
# --------------------------------------------------------------------------------------------


class _Plan:
    """The generated un/structuring functions of one attrs class."""

    cls: type
    fields: list[_Field]
    keys: frozenset[str]
    fast: Callable[[Any], Any]
    fast_top: Callable[[Any], Any]
    unstructure: Callable[[Any], dict[str, Any]]
    unstructure_top: Callable[[Any], dict[str, Any]]
    unstructure_plain: Callable[[Any], dict[str, Any]]
    unstructure_plain_top: Callable[[Any], dict[str, Any]]

    keys_top: frozenset[str]

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.intern: dict[tuple[Any, ...], Any] = {}


_PLANS: dict[type, _Plan] = {}
_GENERATION = [0]  # bumped whenever the set of finished plans changes (for cached derivations)
_LOCK = threading.RLock()
_EXTRA_TOP_LEVEL: dict[str, type] = {}


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    if not (isinstance(cls, type) and attrs.has(cls)) or _is_code_class(cls):
        raise TypeError(f"{cls!r} is not an attrs class that iqcore can serialise")
    with _LOCK:
        plan = _PLANS.get(cls)
        if plan is None:
            plan = _build_plan(cls)
    return plan


def _late(cls: type, attr: str) -> Callable[[Any], Any]:
    """A function that looks up a plan's function when first called (recursive types)."""

    def call(value: Any) -> Any:
        return getattr(_plan(cls), attr)(value)

    return call


class _Gen:
    """Source and namespace of one generated function."""

    def __init__(self) -> None:
        self.ns: dict[str, Any] = {
            "_F": _Fallback,
            "_M": _MISSING,
            "_fromiso": date.fromisoformat,
            "_sorted": sorted,
            "_jkey": _json_key,
        }
        self.lines: list[str] = []
        self.counter = 0

    def name(self, prefix: str, value: Any) -> str:
        self.counter += 1
        n = f"_{prefix}{self.counter}"
        self.ns[n] = value
        return n

    def tmp(self) -> str:
        self.counter += 1
        return f"_t{self.counter}"

    def compile(self, fname: str) -> Callable[..., Any]:
        src = "\n".join(self.lines)
        code = compile(src, f"<iqcore.serialization {fname}>", "exec")
        exec(code, self.ns)
        fn: Callable[..., Any] = self.ns[fname]
        return fn


def _json_key(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


_ENUM_TABLES: dict[type, tuple[dict[Any, Any], type | None]] = {}


def _enum_table(cls: type[enum.Enum]) -> tuple[dict[Any, Any], type | None]:
    """The value → member table of an enum and the one type of its values (cached)."""
    found = _ENUM_TABLES.get(cls)
    if found is None:
        found = _ENUM_TABLES[cls] = _make_enum_table(cls)
    return found


def _make_enum_table(cls: type[enum.Enum]) -> tuple[dict[Any, Any], type | None]:
    table = {m.value: m for m in cls}
    value_types = {type(v) for v in table}
    if value_types == {str}:
        return table, None  # a str-keyed dict matches only strings
    if len(value_types) == 1:
        return table, value_types.pop()
    return table, object  # mixed values: check exact types per item


def _code_maker(cls: type) -> tuple[dict[str, Any], Callable[[str], Any]]:
    cache: dict[str, Any] = {}

    def make(code: str) -> Any:
        obj = cls(code=code)
        if len(cache) < _CODE_CACHE_SIZE:
            cache[code] = obj
        return obj

    return cache, make


_CODE_MAKERS: dict[type, tuple[dict[str, Any], Callable[[str], Any]]] = {}


def _code_tools(cls: type) -> tuple[dict[str, Any], Callable[[str], Any]]:
    tools = _CODE_MAKERS.get(cls)
    if tools is None:
        tools = _CODE_MAKERS[cls] = _code_maker(cls)
    return tools


def _elem_fn(t: _T) -> Callable[[Any], Any]:
    """A fast converter for one item of a container (raises on anything unexpected)."""
    kind = t.kind
    if kind in ("str", "int", "bool"):
        exact = {"str": str, "int": int, "bool": bool}[kind]

        def scalar(v: Any) -> Any:
            if type(v) is not exact:
                raise _Fallback
            return v

        return scalar
    if kind == "float":

        def to_float(v: Any) -> Any:
            if type(v) is float:
                return v
            if type(v) is int:
                return float(v)
            raise _Fallback

        return to_float
    if kind == "date":

        def to_date(v: Any) -> Any:
            if type(v) is not str or len(v) != 10 or v[4] != "-" or v[7] != "-":
                raise _Fallback
            return date.fromisoformat(v)

        return to_date
    if kind == "enum":
        table, vtype = _enum_table(t.cls)
        if vtype is None:
            return table.__getitem__

        def to_enum(v: Any) -> Any:
            m = table[v]
            if type(v) is not type(m.value):
                raise _Fallback
            return m

        return to_enum
    if kind == "code":
        cache, make = _code_tools(t.cls)

        def to_code(v: Any) -> Any:
            if type(v) is not str:
                raise _Fallback
            obj = cache.get(v)
            return make(v) if obj is None else obj

        return to_code
    if kind == "object":
        plan = _PLANS.get(t.cls)
        return plan.fast if plan is not None and hasattr(plan, "fast") else _late(t.cls, "fast")
    if kind == "optional":
        assert t.inner is not None
        inner = _elem_fn(t.inner)

        def opt(v: Any) -> Any:
            return None if v is None else inner(v)

        return opt
    assert t.inner is not None
    item = _elem_fn(t.inner)
    if kind == "tuple":

        def to_tuple(v: Any) -> Any:
            if type(v) is not list:
                raise _Fallback
            return tuple([item(x) for x in v])

        return to_tuple

    def to_set(v: Any) -> Any:
        if type(v) is not list:
            raise _Fallback
        s = frozenset([item(x) for x in v])
        if len(s) != len(v):
            raise _Fallback
        return s

    return to_set


def _emit_conv(g: _Gen, t: _T, v: str, ind: str) -> None:
    """Emit code that checks and converts the variable *v* in place (fast path)."""
    L = g.lines
    kind = t.kind
    if kind in ("str", "int", "bool"):
        L.append(f"{ind}if type({v}) is not {kind}: raise _F")
    elif kind == "float":
        L.append(f"{ind}if type({v}) is not float:")
        L.append(f"{ind}    if type({v}) is not int: raise _F")
        L.append(f"{ind}    {v} = float({v})")
    elif kind == "date":
        L.append(
            f"{ind}if type({v}) is not str or len({v}) != 10 or {v}[4] != '-' or {v}[7] != '-':"
            " raise _F"
        )
        L.append(f"{ind}{v} = _fromiso({v})")
    elif kind == "enum":
        table, vtype = _enum_table(t.cls)
        tn = g.name("e", table)
        if vtype is None:
            L.append(f"{ind}{v} = {tn}[{v}]")
        elif vtype is object:
            L.append(f"{ind}{v} = {g.name('ef', _elem_fn(t))}({v})")
        else:
            L.append(f"{ind}if type({v}) is not {g.name('vt', vtype)}: raise _F")
            L.append(f"{ind}{v} = {tn}[{v}]")
    elif kind == "code":
        cache, make = _code_tools(t.cls)
        cn, mn = g.name("cc", cache), g.name("mk", make)
        tmp = g.tmp()
        L.append(f"{ind}if type({v}) is not str: raise _F")
        L.append(f"{ind}{tmp} = {cn}.get({v})")
        L.append(f"{ind}{v} = {mn}({v}) if {tmp} is None else {tmp}")
    elif kind == "object":
        L.append(f"{ind}{v} = {g.name('fs', _elem_fn(t))}({v})")
    elif kind == "optional":
        assert t.inner is not None
        L.append(f"{ind}if {v} is not None:")
        _emit_conv(g, t.inner, v, ind + "    ")
    else:
        assert t.inner is not None
        inner = t.inner
        L.append(f"{ind}if type({v}) is not list: raise _F")
        if inner.trivial:
            x = g.tmp()
            L.append(f"{ind}for {x} in {v}:")
            L.append(f"{ind}    if type({x}) is not {inner.kind}: raise _F")
            items = v
        else:
            items = f"[{g.name('el', _elem_fn(inner))}(_x) for _x in {v}]"
        if kind == "tuple":
            L.append(f"{ind}{v} = tuple({items})")
        else:
            tmp = g.tmp()
            L.append(f"{ind}{tmp} = frozenset({items})")
            L.append(f"{ind}if len({tmp}) != len({v}): raise _F")
            L.append(f"{ind}{v} = {tmp}")


def _gen_fast(plan: _Plan, top: bool) -> Callable[[Any], Any]:
    g = _Gen()
    g.ns["_C"] = plan.cls
    fname = "_structure"
    L = g.lines
    L.append(f"def {fname}(d):")
    L.append("    if type(d) is not dict: raise _F")
    L.append("    n = 0")
    n_required = 0
    for i, f in enumerate(plan.fields):
        v = f"v{i}"
        if f.required:
            n_required += 1
            L.append(f"    {v} = d[{f.key!r}]")
            _emit_conv(g, f.type, v, "    ")
        else:
            L.append(f"    {v} = d.get({f.key!r}, _M)")
            L.append(f"    if {v} is _M:")
            if f.factory is not None:
                L.append(f"        {v} = {g.name('df', f.factory)}()")
            else:
                L.append(f"        {v} = {g.name('d', f.default)}")
            L.append("    else:")
            L.append("        n += 1")
            _emit_conv(g, f.type, v, "        ")
    if top:
        g.ns["_SV"] = SUPPORTED_SCHEMA_VERSIONS
        L.append(f"    sv = d.get({_VERSION_KEY!r}, _M)")
        L.append("    if sv is not _M:")
        L.append("        if type(sv) is not int or sv not in _SV: raise _F")
        L.append("        n += 1")
    L.append(f"    if len(d) != {n_required} + n: raise _F")
    args = ", ".join(f"{f.key}=v{i}" for i, f in enumerate(plan.fields))
    direct = _direct_construction(plan)
    if direct is not None:
        # Build the instance as attrs' __init__ would (set every field, run the validators
        # in field order, then __attrs_post_init__), leaving out only the validators that the
        # type checks above already imply (e.g. instance_of(bool) after `type(v) is bool`).
        g.ns["_new"] = object.__new__
        g.ns["_set"] = object.__setattr__
        build = ["o = _new(_C)"]
        build += [f"_set(o, {f.name!r}, v{i})" for i, f in enumerate(plan.fields)]
        for i, f in enumerate(plan.fields):
            for validator in direct[i]:
                vn = g.name("val", validator)
                an = g.name("att", f.attribute)
                build.append(f"{vn}(o, {an}, v{i})")
        if hasattr(plan.cls, "__attrs_post_init__"):
            build.append("o.__attrs_post_init__()")
    else:
        build = [f"o = _C({args})"]
    if _internable(plan):
        # A value object over a small, finite domain (enums, booleans, codes): equal inputs
        # give equal objects, so one validated instance per value is shared.
        g.ns["_IC"] = plan.intern
        key = ", ".join(f"v{i}" for i in range(len(plan.fields)))
        L.append(f"    key = ({key},)")
        L.append("    o = _IC.get(key)")
        L.append("    if o is None:")
        L.extend(f"        {line}" for line in build)
        L.append(f"        if len(_IC) < {_INTERN_SIZE}: _IC[key] = o")
        L.append("    return o")
    else:
        L.extend(f"    {line}" for line in build)
        L.append("    return o")
    return g.compile(fname)


def _guaranteed(t: _T) -> type | None:
    """The exact type the fast path guarantees for a value of *t* (None: no guarantee)."""
    kind = t.kind
    if kind in ("enum", "code", "object"):
        return t.cls  # type: ignore[no-any-return]
    return {
        "str": str,
        "int": int,
        "bool": bool,
        "float": float,
        "date": date,
        "tuple": tuple,
        "frozenset": frozenset,
    }.get(kind)


def _is_subtype(tp: type | None, of: Any) -> bool:
    if tp is None:
        return False
    classes = of if isinstance(of, tuple) else (of,)
    if not all(isinstance(c, type) for c in classes):
        return False
    if tp is bool and int in classes and bool not in classes:
        return False  # the model's instance(int) rejects bools; be as strict
    return issubclass(tp, classes)


_VALIDATORS_MODULE = "iqcore.model._validators"


def _has_attrs_init(cls: type) -> bool:
    """True if ``cls.__init__`` is the one attrs generated (not a hand-written one)."""
    code = getattr(vars(cls).get("__init__"), "__code__", None)
    return code is not None and "attrs generated" in code.co_filename


_INSTANCE_OF: Any = getattr(_attr_validators, "_InstanceOfValidator", type(None))
_OPTIONAL: Any = getattr(_attr_validators, "_OptionalValidator", type(None))


def _implied(validator: Any, t: _T) -> bool:
    """True if the fast path's type checks for *t* already guarantee what *validator* checks."""
    optional = t.kind == "optional"
    base = t.base
    if isinstance(validator, _INSTANCE_OF):
        return not optional and _is_subtype(_guaranteed(base), validator.type)
    if isinstance(validator, _OPTIONAL):
        return _implied(validator.validator, base)
    if getattr(validator, "__module__", None) != _VALIDATORS_MODULE:
        return False
    name = getattr(validator, "__qualname__", "")
    try:
        cls = inspect.getclosurevars(validator).nonlocals.get("cls")
    except (TypeError, ValueError):
        return False
    if cls is None:
        return False
    if name == "instance.<locals>.check":
        return not optional and _is_subtype(_guaranteed(base), cls)
    if name == "optional_instance.<locals>.check":
        return _is_subtype(_guaranteed(base), cls)
    if name in ("tuple_of.<locals>.check", "frozenset_of.<locals>.check"):
        kind = "tuple" if name.startswith("tuple") else "frozenset"
        return (
            not optional
            and base.kind == kind
            and base.inner is not None
            and base.inner.kind != "optional"
            and _is_subtype(_guaranteed(base.inner), cls)
        )
    return False


def _direct_construction(plan: _Plan) -> list[list[Callable[..., Any]]] | None:
    """Per field, the validators the fast path must call; None to call ``__init__`` instead.

    Direct construction is used for plain slotted, frozen attrs classes whose converters are
    only ``tuple``/``frozenset`` (or the model's ``to_tuple``/``to_frozenset``) on fields that
    the fast path already builds as such.
    """
    cls = plan.cls
    names = [f.name for f in plan.fields]
    slots = [n for n in getattr(cls, "__slots__", ()) if n != "__weakref__"]
    if (
        not slots
        or sorted(slots) != sorted(names)
        or len(names) != len(attrs.fields(cls))
        or hasattr(cls, "__attrs_pre_init__")
        or not _has_attrs_init(cls)
    ):
        return None
    out: list[list[Callable[..., Any]]] = []
    for f in plan.fields:
        conv: Any = f.attribute.converter
        if conv is not None and not (
            (conv in (tuple, _v.to_tuple) and f.type.kind == "tuple")
            or (conv in (frozenset, _v.to_frozenset) and f.type.kind == "frozenset")
        ):
            return None
        out.append([v for v in _validators_of(f.attribute) if not _implied(v, f.type)])
    return out


_INTERN_SIZE = 4096


def _internable(plan: _Plan) -> bool:
    """True for classes whose fields all have a finite domain (enums, booleans, codes)."""
    return bool(plan.fields) and all(
        f.type.base.kind in ("enum", "bool", "code") for f in plan.fields
    )


_TRIVIAL_OUT = ("str", "int", "bool", "float", "date", "enum")
_PLAIN_OUT = ("str", "int", "bool", "float")


def _out_expr(
    g: _Gen, t: _T, src: str, plain: bool, depth: int = 0, stack: tuple[type, ...] = ()
) -> str:
    """A Python expression that turns *src* into JSON data.

    With *plain* the result holds only builtin JSON types; without it, dates and enums are left
    for orjson, which writes them natively (faster). Nested objects held in a simple name (an
    item of an array, an optional value) are written inline as dict displays.
    """
    kind = t.kind
    if kind in (_PLAIN_OUT if plain else _TRIVIAL_OUT):
        return src
    if kind == "date":
        return f"{src}.isoformat()"
    if kind == "enum":
        return f"{src}.value"
    if kind == "code":
        return f"{src}.code"
    if kind == "object":
        plan = _PLANS.get(t.cls)
        if (
            plan is not None
            and hasattr(plan, "fields")
            and src.isidentifier()
            and depth < 4
            and t.cls not in stack
        ):
            inner_stack = (*stack, t.cls)
            items = [
                f"{f.key!r}: "
                + _out_expr(g, f.type, f"{src}.{f.name}", plain, depth + 1, inner_stack)
                for f in plan.fields
            ]
            return "{" + ", ".join(items) + "}"
        attr = "unstructure_plain" if plain else "unstructure"
        fn = getattr(plan, attr) if hasattr(plan, attr) else _late(t.cls, attr)
        return f"{g.name('u', fn)}({src})"
    assert t.inner is not None
    if kind == "optional":
        tmp = g.tmp()
        inner_expr = _out_expr(g, t.inner, tmp, plain, depth, stack)
        if inner_expr == tmp:
            return src
        return f"(None if ({tmp} := {src}) is None else {inner_expr})"
    x = f"_x{depth}"
    inner = t.inner
    if kind == "tuple":
        if inner.kind in (_PLAIN_OUT if plain else _TRIVIAL_OUT):
            return f"list({src})" if plain else src  # orjson writes tuples as arrays
        return f"[{_out_expr(g, inner, x, plain, depth + 1, stack)} for {x} in {src}]"
    # frozenset: sorted by the written value
    if inner.kind in _PLAIN_OUT:
        return f"_sorted({src})"
    if inner.kind in ("date", "enum", "code"):
        return f"_sorted([{_out_expr(g, inner, x, True, depth + 1, stack)} for {x} in {src}])"
    item = _out_expr(g, inner, x, plain, depth + 1, stack)
    return f"_sorted([{item} for {x} in {src}], key=_jkey)"


def _gen_unstructure(plan: _Plan, top: bool, plain: bool) -> Callable[[Any], dict[str, Any]]:
    g = _Gen()
    items = [f"{_VERSION_KEY!r}: {SCHEMA_VERSION}"] if top else []
    for f in plan.fields:
        items.append(f"{f.key!r}: {_out_expr(g, f.type, 'o.' + f.name, plain)}")
    g.lines.append("def _unstructure(o):")
    g.lines.append("    return {" + ", ".join(items) + "}")
    return g.compile("_unstructure")


def _nested_classes(t: _T) -> Iterator[type]:
    if t.kind == "object":
        yield t.cls
    if t.inner is not None:
        yield from _nested_classes(t.inner)


def _build_plan(cls: type) -> _Plan:
    plan = _Plan(cls)
    _PLANS[cls] = plan
    try:
        plan.fields = _fields_of(cls)
        plan.keys = frozenset(f.key for f in plan.fields)
        plan.keys_top = plan.keys | {_VERSION_KEY}
        for f in plan.fields:
            for sub in _nested_classes(f.type):
                if sub not in _PLANS:
                    _build_plan(sub)
        plan.fast = _gen_fast(plan, top=False)
        plan.fast_top = _gen_fast(plan, top=True)
        plan.unstructure = _gen_unstructure(plan, top=False, plain=False)
        plan.unstructure_top = _gen_unstructure(plan, top=True, plain=False)
        plan.unstructure_plain = _gen_unstructure(plan, top=False, plain=True)
        plan.unstructure_plain_top = _gen_unstructure(plan, top=True, plain=True)
    except BaseException:
        del _PLANS[cls]
        _GENERATION[0] += 1
        raise
    _register_hooks(plan)
    _GENERATION[0] += 1
    return plan


# --------------------------------------------------------------------------------------------
# The cattrs converter
# --------------------------------------------------------------------------------------------

_CONVERTER = make_converter(forbid_extra_keys=True)


def _register_hooks(plan: _Plan) -> None:
    cls = plan.cls

    def structure(value: Any, _type: Any) -> Any:
        return _structure(plan, value, "$", top=False)

    _CONVERTER.register_structure_hook(cls, structure)
    _CONVERTER.register_unstructure_hook(cls, plan.unstructure_plain)
    for f in plan.fields:
        _register_code_hooks(f.type)


def _register_code_hooks(t: _T) -> None:
    if t.kind == "code":
        code_cls = t.cls
        _CONVERTER.register_unstructure_hook(code_cls, lambda obj: obj.code)
        _CONVERTER.register_structure_hook(code_cls, lambda value, _t: code_cls(code=value))
    if t.inner is not None:
        _register_code_hooks(t.inner)


def converter() -> cattrs.Converter:
    """The one :mod:`cattrs` converter (orjson preconf) that serves every iqcore type.

    Its hooks for attrs classes are iqcore's generated functions: ``unstructure`` gives plain
    JSON data like :func:`to_dict` (without ``schema_version``), ``structure`` validates like
    :func:`from_dict` (every problem, with paths from ``$``). Use :func:`register_type` to add
    a type.
    """
    return _CONVERTER


def register_type(cls: type[T], *, top_level: bool = False) -> type[T]:
    """Prepare serialisation for an attrs class (and the classes it holds); returns *cls*.

    Plugins call this for the types they add; ``top_level=True`` also lists the type in
    :func:`schemas`. Unregistered attrs classes are prepared on first use anyway; registering
    early finds unsupported field types at load time. Usable as a class decorator.
    """
    _plan(cls)
    if top_level:
        with _LOCK:
            _EXTRA_TOP_LEVEL[cls.__qualname__] = cls
    return cls


# --------------------------------------------------------------------------------------------
# The detailed path: every problem, with its path
# --------------------------------------------------------------------------------------------

_GENERIC = {
    "type": "wrong type",
    "missing": "required field is missing",
    "enum": "not one of the allowed values",
    "format": "malformed value",
    "range": "out of range",
    "duplicate": "the same item is listed twice",
    "value": "breaks a rule of this field",
    "invariant": "breaks a rule of this object",
}


class _Collector:
    """The problems found so far.

    ``dynamic`` is set when a message is not one of this module's fixed texts (class names,
    field keys and counts aside) but the text of an exception raised by iqcore's model code:
    only then can a message hold anything that came from the input, and only then is the input
    searched by :func:`_scrub`.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.dynamic = False

    def add(self, path: str, code: str, message: str, *, dynamic: bool = False) -> None:
        if dynamic:
            self.dynamic = True
        self.problems.append(Problem(path, code, message))


def _trusted(exc: BaseException) -> bool:
    """True if *exc* was raised by iqcore's own code (whose messages never hold values)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = tb.tb_frame.f_globals.get("__name__", "")
    return isinstance(module, str) and module.startswith("iqcore.")


def _validators_of(a: attrs.Attribute[Any]) -> list[Callable[..., Any]]:
    out: list[Callable[..., Any]] = []
    pending = [a.validator] if a.validator is not None else []
    while pending:
        v = pending.pop(0)
        subs = getattr(v, "_validators", None)
        if isinstance(subs, tuple | list):
            pending[0:0] = list(subs)
        else:
            out.append(v)
    return out


def _value_code(t: _T) -> str:
    kind = t.base.kind
    if kind in ("int", "float"):
        return "range"
    if kind in ("str", "code", "date"):
        return "format"
    if kind == "enum":
        return "enum"
    return "value"


class _NoInstance:
    """Stands in for the instance when a field validator is run before construction."""


_NO_INSTANCE = _NoInstance()


def _detail(t: _T, value: Any, path: str, out: _Collector) -> Any:
    kind = t.kind
    if kind == "optional":
        if value is None:
            return None
        assert t.inner is not None
        return _detail(t.inner, value, path, out)
    if kind == "str":
        if isinstance(value, str):
            return value
        out.add(path, "type", "must be a string")
        return _BAD
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        out.add(path, "type", "must be a whole number")
        return _BAD
    if kind == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        out.add(path, "type", "must be a number")
        return _BAD
    if kind == "bool":
        if isinstance(value, bool):
            return value
        out.add(path, "type", "must be true or false")
        return _BAD
    if kind == "date":
        if not isinstance(value, str):
            out.add(path, "type", "must be a date string YYYY-MM-DD")
            return _BAD
        if _DATE_RE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        out.add(path, "format", "must be a valid date YYYY-MM-DD")
        return _BAD
    if kind == "enum":
        table, vtype = _enum_table(t.cls)
        expect = str if vtype is None else vtype
        if expect is not object and not (
            isinstance(value, expect) and not (expect is int and isinstance(value, bool))
        ):
            what = "a string" if expect is str else "a whole number"
            out.add(path, "type", f"must be {what} (one of the values of {t.cls.__name__})")
            return _BAD
        try:
            member = table[value]
        except (KeyError, TypeError):
            member = None
        if member is None or not isinstance(value, type(member.value)):
            out.add(path, "enum", f"must be one of the values of {t.cls.__name__}")
            return _BAD
        return member
    if kind == "code":
        if not isinstance(value, str):
            out.add(path, "type", f"must be a string ({t.cls.__name__})")
            return _BAD
        try:
            return t.cls(code=value)
        except (ValueError, TypeError):
            out.add(path, "format", f"must be a valid {t.cls.__name__} code")
            return _BAD
    if kind == "object":
        plan = _plan(t.cls)
        try:  # a sound part of a broken document: the fast path checks it completely
            return plan.fast(value)
        except Exception:  # the fast path refuses it: find its problems
            pass
        return _detail_object(plan, value, path, out, top=False)
    assert t.inner is not None
    if not isinstance(value, list | tuple):
        out.add(path, "type", "must be an array")
        return _BAD
    items = [_detail(t.inner, item, f"{path}[{i}]", out) for i, item in enumerate(value)]
    if any(item is _BAD for item in items):
        return _BAD
    if kind == "tuple":
        return tuple(items)
    try:
        result = frozenset(items)
    except TypeError:
        out.add(path, "type", "items must be hashable values")
        return _BAD
    if len(result) != len(items):
        out.add(path, "duplicate", _GENERIC["duplicate"])
        return _BAD
    return result


def _detail_object(plan: _Plan, value: Any, path: str, out: _Collector, *, top: bool) -> Any:
    cls = plan.cls
    if type(value) is not dict and not isinstance(value, Mapping):
        what = "a document" if top else "this field"
        out.add(path, "type", f"{what} must be a JSON object ({cls.__name__})")
        return _BAD
    before = len(out.problems)
    allowed = plan.keys_top if top else plan.keys
    unknown = sum(1 for k in value if k not in allowed)
    if unknown:
        out.add(path, "unknown_key", f"unknown key ({unknown} of them)")
    if top and _VERSION_KEY in value:
        sv = value[_VERSION_KEY]
        if not (type(sv) is int and sv in SUPPORTED_SCHEMA_VERSIONS):
            supported = ", ".join(str(v) for v in sorted(SUPPORTED_SCHEMA_VERSIONS))
            out.add(
                f"{path}.{_VERSION_KEY}",
                "schema_version",
                f"unsupported schema_version; this iqcore reads version {supported}",
            )
    kwargs: dict[str, Any] = {}
    for f in plan.fields:
        fpath = f"{path}.{f.key}"
        if f.key not in value:
            if f.required:
                out.add(fpath, "missing", f"{f.key} is required")
            continue
        n = len(out.problems)
        converted = _detail(f.type, value[f.key], fpath, out)
        if converted is _BAD or len(out.problems) != n:
            continue
        converted = _run_field_checks(f, converted, fpath, out)
        if converted is not _BAD:
            kwargs[f.key] = converted
    if len(out.problems) != before:
        return _BAD
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as exc:
        message = str(exc) if _trusted(exc) else _GENERIC["invariant"]
        out.add(path, "invariant", message or _GENERIC["invariant"], dynamic=True)
        return _BAD


def _run_field_checks(f: _Field, value: Any, path: str, out: _Collector) -> Any:
    a = f.attribute
    if a.converter is not None and callable(a.converter):
        try:
            value = a.converter(value)
        except (ValueError, TypeError) as exc:
            code = "type" if isinstance(exc, TypeError) else _value_code(f.type)
            out.add(path, code, _GENERIC[code])
            return _BAD
    for validator in f.validators:
        try:
            validator(_NO_INSTANCE, a, value)
        except (ValueError, TypeError) as exc:
            code = "type" if isinstance(exc, TypeError) else _value_code(f.type)
            message = str(exc) if _trusted(exc) else f"{f.key}: {_GENERIC[code]}"
            out.add(path, code, message or _GENERIC[code], dynamic=True)
            return _BAD
        except Exception:  # it needs the real instance: construction runs it again
            continue
    return value


_VOCABULARY_CACHE: list[Any] = [-1, frozenset()]  # [generation, words]


def _vocabulary() -> frozenset[str]:
    """Field names and enum values of every prepared type: words of the format, not data.

    Cached; computed again only when a plan has been added since.
    """
    generation, words = _VOCABULARY_CACHE
    if generation != _GENERATION[0]:
        with _LOCK:
            generation = _GENERATION[0]
            words = _make_vocabulary()
            _VOCABULARY_CACHE[:] = [generation, words]
    result: frozenset[str] = words
    return result


def _make_vocabulary() -> frozenset[str]:
    words = {_VERSION_KEY}
    for plan in list(_PLANS.values()):
        for f in getattr(plan, "fields", ()):
            words.add(f.key)
            stack = [f.type]
            while stack:
                t = stack.pop()
                if t.kind == "enum":
                    words.update(str(m.value) for m in t.cls)
                if t.inner is not None:
                    stack.append(t.inner)
    return frozenset(words)


def _strings_in(value: Any, found: set[str], longest: int) -> None:
    """Add to *found* every string (key or value) in *value* of 4 to *longest* characters."""
    pending = [value]
    pop, push = pending.pop, pending.append
    while pending:
        item = pop()
        t = type(item)
        if t is str:
            if 4 <= len(item) <= longest:
                found.add(item)
        elif t is dict:
            for k, v in item.items():
                if type(k) is str:
                    if 4 <= len(k) <= longest:
                        found.add(k)
                else:
                    push(k)
                if type(v) is not str:
                    push(v)
                elif 4 <= len(v) <= longest:
                    found.add(v)
        elif t is list or t is tuple:
            for v in item:
                if type(v) is not str:
                    push(v)
                elif 4 <= len(v) <= longest:
                    found.add(v)
        elif isinstance(item, str):
            if 4 <= len(item) <= longest:
                found.add(str(item))
        elif isinstance(item, Mapping):
            for k, v in item.items():
                push(k)
                push(v)
        elif isinstance(item, list | tuple):
            pending.extend(item)


def _scrub(problems: list[Problem], document: Any) -> list[Problem]:
    """Replace any message that happens to contain a string from the input (a safety net).

    Field names and enum values are words of the format, not data: they may appear. Only input
    strings that could fit in a message are collected (the input is walked once, without
    recursion, so deep input cannot exhaust the stack).
    """
    longest = max(len(p.message) for p in problems)
    strings: set[str] = set()
    _strings_in(document, strings, longest)
    if not strings:
        return problems
    strings -= _vocabulary()
    if not strings:
        return problems
    out = []
    for p in problems:
        if any(s in p.message for s in strings):
            p = Problem(p.path, p.code, _GENERIC.get(p.code, "invalid value"))
        out.append(p)
    return out


def _structure(plan: _Plan, document: Any, path: str, *, top: bool) -> Any:
    try:
        return plan.fast_top(document) if top else plan.fast(document)
    except Exception:  # any failure of the fast path: take the detailed path
        pass
    out = _Collector()
    result = _detail_object(plan, document, path, out, top=top)
    if out.problems:
        # Messages of this module are fixed texts; only those taken from the model's exceptions
        # (out.dynamic) need the safety net of a search of the input.
        problems = _scrub(out.problems, document) if out.dynamic else out.problems
        raise ValidationError(problems, type_name=plan.cls.__name__)
    return result


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def to_json(obj: Any) -> bytes:
    """The JSON document of an iqcore object (UTF-8 bytes, deterministic, with schema_version)."""
    return orjson.dumps(_plan(type(obj)).unstructure_top(obj))


def to_dict(obj: Any) -> dict[str, Any]:
    """The document of an iqcore object as plain JSON data (dicts, lists, str, int, bool, None)."""
    return _plan(type(obj)).unstructure_plain_top(obj)


def _invalid_json(cls: type) -> ValidationError:
    return ValidationError([Problem("$", "json", "not valid JSON text")], type_name=cls.__name__)


def from_json(data: bytes | bytearray | memoryview | str, cls: type[T]) -> T:
    """Read one JSON document as an instance of *cls*.

    Raises :class:`~iqcore.errors.ValidationError` with every problem if the input is not a
    valid document (including when it is not JSON at all).
    """
    plan = _plan(cls)
    try:
        document = orjson.loads(data)
    except (orjson.JSONDecodeError, TypeError):
        raise _invalid_json(cls) from None
    result: T = _structure(plan, document, "$", top=True)
    return result


def from_dict(data: Mapping[str, Any], cls: type[T]) -> T:
    """Make an instance of *cls* from a document in the JSON data model (as :func:`to_dict` gives).

    Values must be JSON values: strings for dates, codes and string enums, lists for arrays.
    """
    result: T = _structure(_plan(cls), data, "$", top=True)
    return result


_PAUSE_LOCK = threading.Lock()
_PAUSE = [0, False]  # [contexts that pause the collector now, was it enabled before the first]


@contextlib.contextmanager
def bulk_mode(threshold: int = 100_000, *, pause: bool = False) -> Iterator[None]:
    """Keep the cyclic garbage collector from slowing down the building of large batches.

    Making many objects at once triggers the cyclic GC over and over (it can triple the time of
    bulk work, and the cost grows with the live heap). By default this context raises the
    generation-0 threshold and restores the old thresholds on exit; it never freezes the GC.

    With ``pause=True`` it also disables the collector for the duration: meant for short, tight
    loops that make no reference cycles (iqcore's batch functions use it). The collector is
    enabled again on exit, also when the body raises, if it was enabled when the first of any
    nested or concurrent pausing contexts began (the last one to end restores it). Reference
    counting still frees memory meanwhile; only cyclic garbage waits. Both settings are
    process-wide.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(threshold, old[0]), max(old[1], 50), max(old[2], 100))
    if pause:
        with _PAUSE_LOCK:
            if _PAUSE[0] == 0:
                _PAUSE[1] = gc.isenabled()
                gc.disable()
            _PAUSE[0] += 1
    try:
        yield
    finally:
        if pause:
            with _PAUSE_LOCK:
                _PAUSE[0] -= 1
                if _PAUSE[0] == 0 and _PAUSE[1]:
                    gc.enable()
        gc.set_threshold(*old)


def to_json_many(objs: Iterable[Any], *, bulk: bool = True) -> bytes:
    """One JSON array of documents (each with its schema_version), in the order given.

    With ``bulk`` (the default) the work runs in :func:`bulk_mode` with the collector paused.
    """
    plans: dict[type, Callable[[Any], dict[str, Any]]] = {}
    docs = []
    with bulk_mode(pause=True) if bulk else contextlib.nullcontext():
        for obj in objs:
            fn = plans.get(type(obj))
            if fn is None:
                fn = plans[type(obj)] = _plan(type(obj)).unstructure_top
            docs.append(fn(obj))
        return orjson.dumps(docs)


def from_json_many(
    data: bytes | bytearray | memoryview | str, cls: type[T], *, bulk: bool = True
) -> list[T]:
    """Read a JSON array of documents of *cls*. Problems of all items are reported at once.

    Paths start with the item's index (``$[3].experience[0].months``). With ``bulk`` (the
    default) the work runs in :func:`bulk_mode` with the collector paused.
    """
    plan = _plan(cls)
    with bulk_mode(pause=True) if bulk else contextlib.nullcontext():
        try:
            documents = orjson.loads(data)
        except (orjson.JSONDecodeError, TypeError):
            raise _invalid_json(cls) from None
        if not isinstance(documents, list):
            raise ValidationError(
                [Problem("$", "type", "must be a JSON array of documents")], type_name=cls.__name__
            )
        fast = plan.fast_top
        result: list[T] = []
        append = result.append
        try:
            for document in documents:
                append(fast(document))
        except Exception:  # take the detailed path from here on
            problems: list[Problem] = []
            for i in range(len(result), len(documents)):
                try:
                    append(_structure(plan, documents[i], f"$[{i}]", top=True))
                except ValidationError as exc:
                    problems.extend(exc.problems)
            if problems:
                raise ValidationError(problems, type_name=cls.__name__) from None
    return result


# --------------------------------------------------------------------------------------------
# JSON Schema (draft 2020-12), generated from the classes
# --------------------------------------------------------------------------------------------


def _code_schema(cls: type) -> dict[str, Any]:
    from iqcore.model import codes

    schema: dict[str, Any] = {"type": "string"}
    if cls is codes.Country:
        schema["enum"] = sorted(codes._iso_country_codes())
    else:
        patterns = {
            codes.KldbCode: codes._KLDB_RE.pattern,
            codes.IscoCode: codes._ISCO_RE.pattern,
            codes.IscedField: codes._ISCED_RE.pattern,
        }
        if cls in patterns:
            schema["pattern"] = patterns[cls]
    return schema


def _validator_facts(a: attrs.Attribute[Any]) -> dict[str, Any]:
    """What the schema can say about a field's validators (those of iqcore.model)."""
    from iqcore.model import _validators as v

    facts: dict[str, Any] = {}
    for fn in _validators_of(a):
        if fn in (v.check_id, v.optional_check_id):
            facts["pattern"] = v._ID_RE.pattern
        elif fn in (v.nonempty_str, v.optional_nonempty_str):
            facts["minLength"] = 1
            facts["pattern"] = "\\S"
        elif getattr(fn, "__qualname__", "") == "int_range.<locals>.check" and (
            getattr(fn, "__module__", "") == v.__name__
        ):
            bounds = inspect.getclosurevars(fn).nonlocals
            if bounds.get("lo") is not None:
                facts["minimum"] = bounds["lo"]
            if bounds.get("hi") is not None:
                facts["maximum"] = bounds["hi"]
        elif getattr(fn, "__name__", "") == "_nonempty_phases":
            facts["minItems"] = 1
    return facts


class _SchemaBuilder:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self.names: dict[Any, str] = {}

    def ref(self, obj: type, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        name = self.names.get(obj)
        if name is None:
            name = obj.__name__
            if name in self.defs:
                name = f"{obj.__module__}.{obj.__qualname__}".replace(".", "_")
            self.names[obj] = name
            self.defs[name] = {}  # placeholder: recursive types end here
            self.defs[name] = make()
        return {"$ref": f"#/$defs/{name}"}

    def type_schema(self, t: _T) -> dict[str, Any]:
        kind = t.kind
        if kind == "str":
            return {"type": "string"}
        if kind == "int":
            return {"type": "integer"}
        if kind == "bool":
            return {"type": "boolean"}
        if kind == "float":
            return {"type": "number"}
        if kind == "date":
            return {"type": "string", "format": "date", "pattern": _DATE_PATTERN}
        if kind == "enum":
            return self.ref(t.cls, lambda: _enum_schema(t.cls))
        if kind == "code":
            return self.ref(t.cls, lambda: _titled(t.cls, _code_schema(t.cls)))
        if kind == "object":
            return self.ref(t.cls, lambda: self.object_schema(t.cls, top=False))
        assert t.inner is not None
        if kind == "optional":
            return {"anyOf": [self.type_schema(t.inner), {"type": "null"}]}
        schema: dict[str, Any] = {"type": "array", "items": self.type_schema(t.inner)}
        if kind == "frozenset":
            schema["uniqueItems"] = True
        return schema

    def field_schema(self, f: _Field) -> dict[str, Any]:
        schema = self.type_schema(f.type)
        facts = _validator_facts(f.attribute)
        if facts:
            if f.type.kind == "optional":
                inner = schema["anyOf"][0]
                schema["anyOf"][0] = _merge(inner, facts)
            else:
                schema = _merge(schema, facts)
        if not f.required:
            default = f.factory() if f.factory is not None else f.default
            if default is None or isinstance(default, bool | int | str | tuple | frozenset):
                schema["default"] = _json_default(default)
        return schema

    def object_schema(self, cls: type, *, top: bool) -> dict[str, Any]:
        plan = _plan(cls)
        props: dict[str, Any] = {}
        if top:
            props[_VERSION_KEY] = {
                "type": "integer",
                "enum": sorted(SUPPORTED_SCHEMA_VERSIONS),
                "default": SCHEMA_VERSION,
            }
        for f in plan.fields:
            props[f.key] = self.field_schema(f)
        schema: dict[str, Any] = {
            "type": "object",
            "properties": props,
            "required": [f.key for f in plan.fields if f.required],
            "additionalProperties": False,
        }
        return _titled(cls, schema)


def _merge(schema: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {"allOf": [schema, facts]}
    return {**schema, **facts}


def _json_default(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(_json_default(v) for v in value)
    if isinstance(value, tuple):
        return [_json_default(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _titled(obj: type, schema: dict[str, Any]) -> dict[str, Any]:
    doc = inspect.getdoc(obj)
    out: dict[str, Any] = {"title": obj.__name__}
    if doc and obj.__doc__ is not None and "__doc__" in vars(obj):
        out["description"] = doc.split("\n\n", 1)[0].replace("\n", " ")
    out.update(schema)
    return out


def _enum_schema(cls: type[enum.Enum]) -> dict[str, Any]:
    values = [m.value for m in cls]
    schema: dict[str, Any] = {}
    if all(isinstance(v, str) for v in values):
        schema["type"] = "string"
    elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        schema["type"] = "integer"
    schema["enum"] = values
    return _titled(cls, schema)


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the top-level document of *cls*.

    Generated from the attrs fields and type hints: enums list their values, codes carry their
    pattern (countries their ISO 3166-1 codes), dates ``format: date``, fields with a default are
    optional, objects allow no other keys, nested classes are ``$defs``. Rules that only code can
    check (invariants between fields) are not in the schema; :func:`from_json` checks them.
    """
    builder = _SchemaBuilder()
    root = builder.object_schema(cls, top=True)
    builder.defs.pop(cls.__name__, None)
    schema: dict[str, Any] = {"$schema": JSON_SCHEMA_DIALECT, **root}
    if builder.defs:
        schema["$defs"] = dict(sorted(builder.defs.items()))
    return schema


def _top_level_types() -> dict[str, type]:
    from iqcore.model import TOP_LEVEL_TYPES

    out = {cls.__name__: cls for cls in TOP_LEVEL_TYPES}
    with _LOCK:
        out.update(_EXTRA_TOP_LEVEL)
    return out


def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every top-level type (the model's and those plugins registered)."""
    return {name: json_schema(cls) for name, cls in _top_level_types().items()}
