"""Helpers every backend shares: network names, preparing a record for a write.

Third-party backends may use them; they hold the rules that the conformance kit checks.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from iqcore.errors import ConfigurationError
from iqcore.storage.errors import ReadOnlyStore, WrongNetwork
from iqcore.storage.kinds import RecordKind, Scalar, kind_for

__all__ = ["Prepared", "check_network", "prepare"]

_NETWORK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def check_network(network: str | None) -> str | None:
    """A network id (1-64 letters, digits, ``._:-``) or None for an admin view."""
    if network is None:
        return None
    if not isinstance(network, str) or not _NETWORK.match(network):
        raise ConfigurationError(
            "network must be an identifier of 1-64 letters, digits or '._:-', or None"
        )
    return network


@attrs.frozen
class Prepared:
    """A record ready to be written: its kind, key, person and normalised index values."""

    kind: RecordKind[Any]
    obj: object
    key: str
    person: str | None
    index: tuple[Scalar, ...]


def prepare(obj: object, network: str | None) -> Prepared:
    """Check that *obj* is a registered kind and may be written by a store of *network*."""
    if network is None:
        raise ReadOnlyStore("an admin view (network=None) cannot write records")
    kind = kind_for(type(obj))
    if kind.network is not None and kind.network(obj) != network:
        raise WrongNetwork(
            f"{kind.name} names another network than the store's; it was not written"
        )
    return Prepared(kind, obj, kind.key(obj), kind.person(obj), kind.index_values(obj))
