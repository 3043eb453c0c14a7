"""Small, fast field validators shared by the model classes.

Messages name the field and the rule, never the offending value (it may be personal data).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import attrs

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def check_id(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An identifier: 1-64 characters of letters, digits and ``._:-``, starting alphanumeric."""
    if not (isinstance(value, str) and _ID_RE.match(value)):
        raise ValueError(
            f"{attribute.name} must be an identifier of 1-64 letters, digits or '._:-'"
        )


def optional_check_id(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_id(inst, attribute, value)


def nonempty_str(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, str) and value.strip()):
        raise ValueError(f"{attribute.name} must be a non-empty string")


def optional_nonempty_str(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        nonempty_str(inst, attribute, value)


def optional_instance(cls: type[Any] | tuple[type[Any], ...]) -> Validator:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, cls):
            raise TypeError(f"{attribute.name} has the wrong type")

    return check


def instance(cls: type[Any] | tuple[type[Any], ...]) -> Validator:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, cls) or (cls is int and isinstance(value, bool)):
            raise TypeError(f"{attribute.name} has the wrong type")

    return check


def int_range(lo: int | None = None, hi: int | None = None, *, optional: bool = False) -> Validator:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{attribute.name} must be a whole number")
        if lo is not None and value < lo:
            raise ValueError(f"{attribute.name} must be at least {lo}")
        if hi is not None and value > hi:
            raise ValueError(f"{attribute.name} must be at most {hi}")

    return check


def tuple_of(cls: type[Any] | tuple[type[Any], ...]) -> Validator:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise TypeError(f"{attribute.name} must be a sequence")
        for item in value:
            if not isinstance(item, cls):
                raise TypeError(f"{attribute.name} holds an item of the wrong type")

    return check


def frozenset_of(cls: type[Any] | tuple[type[Any], ...]) -> Validator:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, frozenset):
            raise TypeError(f"{attribute.name} must be a set")
        for item in value:
            if not isinstance(item, cls):
                raise TypeError(f"{attribute.name} holds an item of the wrong type")

    return check


def unique_ids(items: tuple[Any, ...], what: str, key: str = "id") -> None:
    seen: set[Any] = set()
    for item in items:
        k = getattr(item, key)
        if k in seen:
            raise ValueError(f"{what} lists the same {key} twice")
        seen.add(k)


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Converter for sequence fields: any iterable becomes a tuple (the validator checks items)."""
    return value if type(value) is tuple else tuple(value)


def to_frozenset(value: Iterable[Any]) -> frozenset[Any]:
    """Converter for set fields: any iterable becomes a frozenset (the validator checks items)."""
    return value if type(value) is frozenset else frozenset(value)
