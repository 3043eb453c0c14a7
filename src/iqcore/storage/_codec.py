"""Encoding records for storage through :mod:`iqcore.serialization` (one seam for backends)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TypeVar

__all__ = ["bulk", "decode", "encode", "encode_many", "schema_version"]

T = TypeVar("T")


def encode(obj: object) -> bytes:
    """The stored JSON document of *obj* (it carries its ``schema_version``)."""
    from iqcore.serialization import to_json

    return to_json(obj)


def encode_many(objs: Sequence[object]) -> list[bytes]:
    """The stored JSON documents of *objs* (one per object), each as :func:`encode` writes it."""
    from iqcore.serialization import to_json

    return [to_json(o) for o in objs]


def decode(data: bytes | str, cls: type[T]) -> T:
    """The object of *cls* stored as *data* (a ValidationError if it is not a valid document)."""
    from iqcore.serialization import from_json

    return from_json(data, cls)


def schema_version() -> int:
    """The document schema version this iqcore writes (stored beside each document)."""
    from iqcore.serialization import SCHEMA_VERSION

    return SCHEMA_VERSION


def bulk() -> AbstractContextManager[None]:
    """The serialiser's bulk mode: keeps the cyclic GC from running over and over in a batch."""
    from iqcore.serialization import bulk_mode

    return bulk_mode()
