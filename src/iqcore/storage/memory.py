"""The in-memory store: the reference model of the :class:`~iqcore.storage.Store` protocol.

``memory://`` opens a fresh, private database. ``memory://NAME`` opens a database shared by
every store opened with the same name in this process while one of them is open, which is how
two networks are shown to be isolated. Nothing is persisted. There is no isolation between two
stores' concurrent transactions: it is a model for tests and single-threaded use.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TypeVar

from iqcore.errors import ConfigurationError, NotFound, StorageError
from iqcore.storage._codec import encode
from iqcore.storage.audit import GENESIS, PendingEntry, check_role, new_pseudonym, now, seal
from iqcore.storage.base import Prepared, check_network, prepare
from iqcore.storage.errors import Conflict, ReadOnlyStore, TransactionError
from iqcore.storage.export import build_export, parse_export
from iqcore.storage.kinds import kind_for, match_filters, normalise_filters
from iqcore.storage.protocol import (
    AuditEntry,
    AuditVerification,
    Capability,
    ErasureReport,
    ProgressCallback,
    RemovedRecord,
    chunked,
)

__all__ = ["MemoryStore", "open_memory_store"]

T = TypeVar("T")

_Key = tuple[str, str, str]  # (kind, network, id)


class _Database:
    def __init__(self) -> None:
        self.records: dict[_Key, tuple[object, str | None]] = {}
        self.persons: dict[tuple[str, str], str] = {}
        self.audit: list[AuditEntry] = []

    def append_audit(self, pending: Iterable[PendingEntry]) -> None:
        last = self.audit[-1] if self.audit else None
        self.audit.extend(
            seal(
                pending,
                last_seq=last.seq if last else 0,
                last_hash=last.hash if last else GENESIS,
            )
        )


_NAMED: weakref.WeakValueDictionary[str, _Database] = weakref.WeakValueDictionary()


def open_memory_store(url: str, *, network: str | None = None, role: str = "app") -> MemoryStore:
    """The factory of the ``memory://`` scheme."""
    if not url.startswith("memory://"):
        raise ConfigurationError("a memory store URL starts with memory://")
    name = url[len("memory://") :]
    if name:
        db = _NAMED.get(name)
        if db is None:
            db = _Database()
            _NAMED[name] = db
    else:
        db = _Database()
    return MemoryStore(db, network=network, role=role)


class MemoryStore:
    """The reference store, in memory. See the module documentation."""

    capabilities = frozenset(
        {
            Capability.TRANSACTIONS,
            Capability.ADMIN_VIEW,
            Capability.NETWORK_ISOLATION,
            Capability.AUDIT,
        }
    )

    def __init__(self, db: _Database, *, network: str | None, role: str = "app") -> None:
        self._db = db
        self._network = check_network(network)
        self._role = check_role(role)
        self._closed = False
        self._snapshot: tuple[dict[_Key, tuple[object, str | None]], dict[Any, str]] | None = None
        self._txn_failed = False
        self._pending_writes: list[PendingEntry] = []
        self._pending_reads: list[PendingEntry] = []

    # -- plumbing -------------------------------------------------------------------------
    @property
    def network(self) -> str | None:
        return self._network

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("the store is closed")
        if self._txn_failed:
            raise TransactionError("the transaction failed and was rolled back; leave its block")

    def _entry(self, operation: str, kind: str, persons: Iterable[str], count: int) -> PendingEntry:
        return PendingEntry(
            at=now(),
            network=self._network,
            role=self._role,
            operation=operation,
            kind=kind,
            persons=tuple(sorted(set(persons))),
            count=count,
        )

    def _audit_write(self, entry: PendingEntry) -> None:
        if self._snapshot is not None:
            self._pending_writes.append(entry)
        else:
            self._db.append_audit([entry])

    def _audit_read(self, entry: PendingEntry) -> None:
        if self._snapshot is not None:
            self._pending_reads.append(entry)
        else:
            self._db.append_audit([entry])

    def _pseudonym(self, network: str, migrant_id: str) -> str:
        key = (network, migrant_id)
        p = self._db.persons.get(key)
        if p is None:
            p = new_pseudonym()
            self._db.persons[key] = p
        return p

    def _networks(self) -> Iterable[str] | None:
        return None if self._network is None else (self._network,)

    def _visible(self, network: str) -> bool:
        return self._network is None or network == self._network

    # -- writes ---------------------------------------------------------------------------
    def _write(self, prepared: list[Prepared]) -> list[str]:
        assert self._network is not None
        persons: list[str] = []
        for p in prepared:
            self._db.records[(p.kind.name, self._network, p.key)] = (p.obj, p.person)
            if p.person is not None:
                persons.append(self._pseudonym(self._network, p.person))
        return persons

    def put(self, obj: object) -> None:
        self._check_open()
        p = prepare(obj, self._network)
        persons = self._write([p])
        self._audit_write(self._entry("put", p.kind.name, persons, 1))

    def put_many(
        self,
        objs: Iterable[object],
        *,
        progress: ProgressCallback | None = None,
        chunk_size: int = 1000,
    ) -> int:
        self._check_open()
        done = 0
        for chunk in chunked(objs, chunk_size):
            prepared = [prepare(o, self._network) for o in chunk]
            by_kind: dict[str, list[Prepared]] = {}
            for p in prepared:
                by_kind.setdefault(p.kind.name, []).append(p)
            for name, items in by_kind.items():
                persons = self._write(items)
                self._audit_write(self._entry("put", name, persons, len(items)))
            done += len(chunk)
            if progress is not None:
                progress(done)
        return done

    def delete(self, cls: type[object], id: str) -> None:
        self._check_open()
        kind = kind_for(cls)
        if self._network is None:
            raise ReadOnlyStore("an admin view (network=None) cannot write records")
        key = (kind.name, self._network, id)
        if key not in self._db.records:
            raise NotFound(f"no {kind.name} record with this id in this network")
        _obj, person = self._db.records.pop(key)
        persons = [self._pseudonym(self._network, person)] if person is not None else []
        self._audit_write(self._entry("delete", kind.name, persons, 1))

    # -- reads ----------------------------------------------------------------------------
    def get(self, cls: type[T], id: str) -> T:
        self._check_open()
        kind = kind_for(cls)
        hits = [
            (net, v)
            for (k, net, i), v in self._db.records.items()
            if k == kind.name and i == id and self._visible(net)
        ]
        if not hits:
            raise NotFound(f"no {kind.name} record with this id in this network")
        if len(hits) > 1:
            raise Conflict(f"the {kind.name} id exists in several networks; open one of them")
        net, (obj, person) = hits[0]
        if person is not None:
            self._audit_read(self._entry("get", kind.name, [self._db.persons[(net, person)]], 1))
        return obj  # type: ignore[return-value]

    def find(self, cls: type[T], **filters: object) -> list[T]:
        self._check_open()
        kind = kind_for(cls)
        norm = normalise_filters(kind, filters)
        hits = sorted(
            (i, net, v)
            for (k, net, i), v in self._db.records.items()
            if k == kind.name and self._visible(net) and match_filters(kind, v[0], norm)
        )
        persons = [self._db.persons[(net, v[1])] for _i, net, v in hits if v[1] is not None]
        if hits and persons:
            self._audit_read(self._entry("find", kind.name, persons, len(hits)))
        return [v[0] for _i, _net, v in hits]  # type: ignore[misc]

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._check_open()
        if self._snapshot is not None:
            raise TransactionError("transactions do not nest")
        self._snapshot = (dict(self._db.records), dict(self._db.persons))
        self._pending_writes, self._pending_reads = [], []
        try:
            yield
        except BaseException:
            records, persons = self._snapshot
            self._db.records.clear()
            self._db.records.update(records)
            self._db.persons.clear()
            self._db.persons.update(persons)
            self._finish(commit=False)
            raise
        else:
            if self._txn_failed:
                self._finish(commit=False)
                raise TransactionError("the transaction failed and was rolled back")
            self._finish(commit=True)

    def _finish(self, *, commit: bool) -> None:
        writes, reads = self._pending_writes, self._pending_reads
        self._snapshot = None
        self._txn_failed = False
        self._pending_writes, self._pending_reads = [], []
        self._db.append_audit([*(writes if commit else []), *reads])

    # -- persons --------------------------------------------------------------------------
    def _person_records(self, migrant_id: str) -> list[tuple[_Key, object]]:
        return sorted(
            ((key, v[0]) for key, v in self._db.records.items() if v[1] == migrant_id),
            key=lambda kv: kv[0],
        )

    def export_person(self, migrant_id: str) -> bytes:
        self._check_open()
        found = [(k, o) for k, o in self._person_records(migrant_id) if self._visible(k[1])]
        nets = {k[1] for k, _o in found}
        persons = [self._db.persons[(n, migrant_id)] for n in nets]
        self._audit_read(self._entry("export", "", persons, len(found)))
        return build_export(self._network, migrant_id, [(k[0], k[2], encode(o)) for k, o in found])

    def import_person(self, data: bytes) -> int:
        self._check_open()
        parsed = parse_export(data)
        prepared = [prepare(o, self._network) for o in parsed.records]
        persons = self._write(prepared)
        self._audit_write(self._entry("import", "", persons, len(prepared)))
        return len(prepared)

    def erase_person(self, migrant_id: str) -> ErasureReport:
        self._check_open()
        found = [k for k, _o in self._person_records(migrant_id) if self._visible(k[1])]
        removed = tuple(sorted(RemovedRecord(kind=k, id=i, network=n) for k, n, i in found))
        nets = {n for (n, m) in self._db.persons if m == migrant_id and self._visible(n)}
        persons = [self._db.persons[(n, migrant_id)] for n in nets]
        for key in found:
            del self._db.records[key]
        for n in nets:
            del self._db.persons[(n, migrant_id)]
        self._audit_write(self._entry("erase", "", persons, len(removed)))
        return ErasureReport(network=self._network, removed=removed)

    # -- audit ----------------------------------------------------------------------------
    def audit_log(self, *, migrant_id: str | None = None) -> list[AuditEntry]:
        self._check_open()
        entries = [e for e in self._db.audit if self._network is None or e.network == self._network]
        if migrant_id is not None:
            wanted = {
                p for (n, m), p in self._db.persons.items() if m == migrant_id and self._visible(n)
            }
            entries = [e for e in entries if wanted.intersection(e.persons)]
        return entries

    def verify_audit(self) -> AuditVerification:
        self._check_open()
        from iqcore.storage.audit import verify_chain

        return verify_chain(self._db.audit)

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        self._closed = True

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
