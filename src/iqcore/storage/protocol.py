"""The :class:`Store` protocol that every backend implements, and the values it returns."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Protocol, TypeVar, runtime_checkable

import attrs

__all__ = [
    "AuditEntry",
    "AuditVerification",
    "Capability",
    "ErasureReport",
    "ProgressCallback",
    "RemovedRecord",
    "Store",
]

T = TypeVar("T")

#: Called by ``put_many`` after each chunk is committed, with the number of records done so far.
ProgressCallback = Callable[[int], None]


class Capability(enum.StrEnum):
    """What a backend can do. Conformance tests skip by capability, never by backend name."""

    #: ``transaction()`` commits or rolls back a group of writes atomically.
    TRANSACTIONS = "transactions"
    #: Data survives ``close()`` and a new ``open_store`` of the same URL.
    PERSISTENT = "persistent"
    #: ``network=None`` opens a read-and-erase view over every network.
    ADMIN_VIEW = "admin_view"
    #: Several processes may write to the same database at once.
    MULTI_PROCESS = "multi_process"
    #: Stores opened for different networks on the same database see only their own records.
    NETWORK_ISOLATION = "network_isolation"
    #: Every write and every read of personal data goes to a hash-chained audit log.
    AUDIT = "audit"
    #: Erased data is overwritten on disk, not only unlinked (for stores that have a disk).
    SECURE_ERASURE = "secure_erasure"


@attrs.frozen(kw_only=True, order=True)
class RemovedRecord:
    """One record that :meth:`Store.erase_person` removed."""

    kind: str
    id: str
    network: str


@attrs.frozen(kw_only=True)
class ErasureReport:
    """What :meth:`Store.erase_person` removed (GDPR Art. 17), sorted by kind and id."""

    network: str | None
    removed: tuple[RemovedRecord, ...]

    @property
    def total(self) -> int:
        return len(self.removed)

    def counts(self) -> dict[str, int]:
        """Removed records per kind."""
        out: dict[str, int] = {}
        for r in self.removed:
            out[r.kind] = out.get(r.kind, 0) + 1
        return out


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One entry of the audit log: who (network and role), when, which operation on which kind,
    which pseudonymous persons (audit pseudonyms, never migrant ids), how many records.

    ``hash`` is SHA-256 over the entry's fields and ``prev``, the hash of the entry before.
    """

    seq: int
    at: str
    network: str | None
    role: str
    operation: str
    kind: str
    persons: tuple[str, ...]
    count: int
    prev: str
    hash: str


@attrs.frozen(kw_only=True)
class AuditVerification:
    """The result of :meth:`Store.verify_audit`: ok, or the first broken link and why."""

    ok: bool
    entries: int
    first_broken: int | None = None
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.ok


@runtime_checkable
class Store(Protocol):
    """A store of iqcore records for one network (or, where supported, an admin view).

    Stores are not thread-safe: use one per thread. Writes outside :meth:`transaction` are
    each their own transaction. Nested ``transaction()`` is a
    :class:`~iqcore.storage.errors.TransactionError`. Every failure of the backend is a
    :class:`~iqcore.errors.StorageError`; the store is then as it was before the transaction.
    """

    @property
    def network(self) -> str | None:
        """The network this store sees, or None for an admin view."""
        ...

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What this backend can do."""
        ...

    def put(self, obj: object) -> None:
        """Insert or replace one record (keyed by its kind's key within the network)."""
        ...

    def put_many(
        self,
        objs: Iterable[object],
        *,
        progress: ProgressCallback | None = None,
        chunk_size: int = 1000,
    ) -> int:
        """Insert or replace many records, one transaction per chunk (or all inside an open
        ``transaction()``); ``progress(n)`` is called after each committed chunk."""
        ...

    def get(self, cls: type[T], id: str) -> T:
        """The record of *cls* with key *id*, or :class:`~iqcore.errors.NotFound`."""
        ...

    def find(self, cls: type[T], **filters: object) -> list[T]:
        """Records of *cls* matching every filter (value, set of values, or Range), by key."""
        ...

    def delete(self, cls: type[object], id: str) -> None:
        """Remove one record, or :class:`~iqcore.errors.NotFound`."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """A context: commit on normal exit, roll back on an exception."""
        ...

    def export_person(self, migrant_id: str) -> bytes:
        """One JSON document with every record about the person (GDPR Art. 20)."""
        ...

    def import_person(self, data: bytes) -> int:
        """Load an :meth:`export_person` document into this store; returns the record count."""
        ...

    def erase_person(self, migrant_id: str) -> ErasureReport:
        """Remove every record about the person, identity included (GDPR Art. 17)."""
        ...

    def audit_log(self, *, migrant_id: str | None = None) -> list[AuditEntry]:
        """Audit entries of this network (all for an admin view), optionally of one person."""
        ...

    def verify_audit(self) -> AuditVerification:
        """Check the whole hash chain; ok, or the first broken link."""
        ...

    def close(self) -> None:
        """Flush pending audit entries and release the backend. Idempotent."""
        ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Split *items* into lists of at most *size* (a helper for ``put_many``)."""
    if size < 1:
        raise ValueError("chunk_size must be at least 1")
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
