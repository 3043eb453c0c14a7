"""Typed storage errors. All are :class:`iqcore.errors.StorageError`.

Messages name the operation and the rule that failed, never a value of a record.
"""

from __future__ import annotations

from iqcore.errors import StorageError

__all__ = [
    "Conflict",
    "ReadOnlyStore",
    "StorageBusy",
    "StorageFull",
    "TransactionError",
    "WrongNetwork",
]


class StorageFull(StorageError):
    """The disk (or a file-size limit) is full; the transaction was rolled back."""


class ReadOnlyStore(StorageError):
    """The store or its database cannot be written; nothing was changed."""


class Conflict(StorageError):
    """The operation collides with stored data (a constraint, or an ambiguous admin lookup)."""


class StorageBusy(StorageError):
    """Other writers held the database for longer than the store was willing to wait."""


class TransactionError(StorageError):
    """A transaction was used wrongly: nested, or used again after it failed."""


class WrongNetwork(StorageError):
    """A record names another network than the one the store was opened for."""
