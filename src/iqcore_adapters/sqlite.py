"""The embedded default store: one SQLite file per installation (stdlib :mod:`sqlite3`).

Reached through the ``iqcore`` entry point ``sqlite``; open it with
``iqcore.open_store("sqlite:///var/lib/iqcore/network.sqlite3", network="iq-example")``.

URLs:

* ``sqlite://`` (or ``sqlite:``) — the default file: ``$IQCORE_HOME/iqcore.sqlite3``, else
  ``$XDG_DATA_HOME/iqcore/iqcore.sqlite3``, else ``~/.local/share/iqcore/iqcore.sqlite3``;
* ``sqlite:///absolute/path.sqlite3`` — an absolute path (like ``file:///``);
* ``sqlite:relative/path.sqlite3`` — a path relative to the working directory.

Query options: ``synchronous=FULL|EXTRA`` (FULL by default; NORMAL is accepted but can lose the
last commits on power loss), ``mode=rw|ro``, ``busy_timeout_ms=…`` (5000), and
``allow_network_fs=1`` to open a file on a network share anyway (not supported: SQLite's locking
is not reliable there).

How it is kept safe: WAL journal; every write in a ``BEGIN IMMEDIATE`` transaction with a busy
timeout and a retry loop, so "database is locked" never reaches a caller; ``synchronous=FULL``;
``secure_delete`` on and a truncating WAL checkpoint after each erasure, so an erased person's
bytes are overwritten in the database file and gone from the WAL file.

Layout (schema version 2): a ``persons`` table maps ``(network, migrant_id)`` to the person's
audit pseudonym; each record kind has a table ``rec_<kind>`` keyed by ``(network, id)`` with the
JSON document, the migrant id, the person's audit pseudonym (so a read is audited without a
second lookup) and one column per filter field; an index on ``(migrant_id, network)`` for export
and erasure, and one per :meth:`~iqcore.storage.RecordKind.database_indexes` entry on
``(network, fields…)``. Erasure deletes the person's rows in every record table and the persons
row in one transaction. A version-1 database (records tied to the persons table by a foreign key,
pseudonyms only there) is upgraded on open.

Speed: bulk writes build their rows in one pass per chunk (one ``executemany`` per kind) and
write one audit entry per kind and chunk, naming every person concerned; reads keep their audit
entries in a buffer that is written (hash-chained) every :data:`READ_AUDIT_BATCH` reads, at the
next write, at the end of a transaction and at close. The WAL is checkpointed every
:data:`WAL_AUTOCHECKPOINT_PAGES` pages rather than SQLite's 1000: index pages that many chunks
touch are then copied into the database once per checkpoint, not once per chunk.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote

import orjson
import pluggy

from iqcore.errors import ConfigurationError, NotFound, StorageError
from iqcore.serialization import from_json
from iqcore.storage._codec import bulk, decode, encode, encode_many, schema_version
from iqcore.storage.audit import (
    GENESIS,
    PendingEntry,
    at_ns,
    chain_rows,
    check_role,
    new_pseudonym,
    now,
    verify_chain,
)
from iqcore.storage.base import check_network
from iqcore.storage.errors import (
    Conflict,
    ReadOnlyStore,
    StorageBusy,
    StorageFull,
    TransactionError,
    WrongNetwork,
)
from iqcore.storage.export import build_export, parse_export
from iqcore.storage.kinds import RecordKind, kind_for, kind_named, normalise_filters
from iqcore.storage.migrations import Migration, current_version, migrate
from iqcore.storage.protocol import (
    AuditEntry,
    AuditVerification,
    Capability,
    ErasureReport,
    ProgressCallback,
    RemovedRecord,
    chunked,
)

__all__ = [
    "MIGRATIONS",
    "SQLiteStore",
    "default_path",
    "iqcore_register_stores",
    "open_sqlite_store",
    "parse_url",
]

T = TypeVar("T")

hookimpl = pluggy.HookimplMarker("iqcore")

#: How long a writer keeps retrying ``BEGIN IMMEDIATE`` before it gives up (StorageBusy).
MAX_WAIT_SECONDS = 120.0
#: The page cache per connection, in KiB. Bulk writes touch index pages in random order; a
#: cache that holds a whole chunk's pages writes each page once per chunk (the default 2 MiB
#: made large chunks spill and cost 2-3x more I/O).
CACHE_KIB = 64 * 1024
#: Read audit entries are written at the latest after this many reads (and at every write,
#: at the end of a transaction and at close).
READ_AUDIT_BATCH = 256
#: Pages of WAL after which a commit checkpoints it into the database (about 40 MB).
WAL_AUTOCHECKPOINT_PAGES = 10_000

_NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "fuse.sshfs"}
)


@hookimpl
def iqcore_register_stores(register: Callable[[str, Any], None]) -> None:
    """Register the ``sqlite`` scheme."""
    register("sqlite", open_sqlite_store)


def default_path() -> Path:
    """Where ``sqlite://`` keeps its file (see the module documentation)."""
    home = os.environ.get("IQCORE_HOME")
    if home:
        return Path(home) / "iqcore.sqlite3"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "iqcore" / "iqcore.sqlite3"


_OPTIONS = {"synchronous", "mode", "busy_timeout_ms", "allow_network_fs"}


def parse_url(url: str) -> tuple[Path, dict[str, str]]:
    """Split a ``sqlite:`` URL into the file path and its options (checked)."""
    if not url.startswith("sqlite:"):
        raise ConfigurationError("a SQLite store URL starts with sqlite:")
    rest = url[len("sqlite:") :]
    rest, _, query = rest.partition("?")
    options = dict(parse_qsl(query, keep_blank_values=True))
    unknown = set(options) - _OPTIONS
    if unknown:
        raise ConfigurationError("unknown SQLite URL option(s): " + ", ".join(sorted(unknown)))
    sync = options.setdefault("synchronous", "FULL").upper()
    if sync not in ("FULL", "EXTRA", "NORMAL"):
        raise ConfigurationError("synchronous must be FULL, EXTRA or NORMAL")
    options["synchronous"] = sync
    if options.setdefault("mode", "rw") not in ("rw", "ro"):
        raise ConfigurationError("mode must be rw or ro")
    if not options.setdefault("busy_timeout_ms", "5000").isdigit():
        raise ConfigurationError("busy_timeout_ms must be a whole number of milliseconds")
    if options.setdefault("allow_network_fs", "0") not in ("0", "1"):
        raise ConfigurationError("allow_network_fs must be 0 or 1")
    if rest in ("", "//"):
        return default_path(), options
    if rest.startswith("//"):
        rest = rest[2:]
        if not rest.startswith("/"):
            raise ConfigurationError(
                "sqlite://host/… is not supported; use sqlite:///absolute/path or sqlite:relative"
            )
        rest = "/" + rest.lstrip("/")
    return Path(rest), options


def _filesystem_type(path: Path) -> str | None:
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, fstype = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) > len(best):
            best, fstype = mount, parts[2]
    return fstype


def open_sqlite_store(url: str, *, network: str | None = None, role: str = "app") -> SQLiteStore:
    """The factory of the ``sqlite`` scheme."""
    path, options = parse_url(url)
    return SQLiteStore(path, network=network, role=role, **options)


# -- schema ---------------------------------------------------------------------------------

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        description="persons, audit log, record kinds",
        statements=(
            (
                "CREATE TABLE persons ("
                " network TEXT NOT NULL, migrant_id TEXT NOT NULL, pseudonym TEXT NOT NULL,"
                " PRIMARY KEY (network, migrant_id)) WITHOUT ROWID"
            ),
            "CREATE INDEX persons_migrant ON persons (migrant_id)",
            (
                "CREATE TABLE audit ("
                " seq INTEGER PRIMARY KEY, at TEXT NOT NULL, network TEXT, role TEXT NOT NULL,"
                " operation TEXT NOT NULL, kind TEXT NOT NULL, persons TEXT NOT NULL,"
                " count INTEGER NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)"
            ),
            (
                "CREATE TABLE record_kinds ("
                " kind TEXT PRIMARY KEY, table_name TEXT NOT NULL UNIQUE, columns TEXT NOT NULL)"
            ),
        ),
    ),
    Migration(
        version=2,
        description=(
            "records carry their audit pseudonym (no persons join, no foreign key);"
            " indexes follow the kinds' declared database indexes"
        ),
        apply=lambda cur: _upgrade_to_v2(cur),
    ),
)


def _upgrade_to_v2(cur: Any) -> None:
    """Rebuild every record table with a ``person`` column filled from ``persons``, without the
    foreign key, and with the indexes its kind declares (if this process knows the kind)."""
    cur.execute("ALTER TABLE record_kinds ADD COLUMN indexes TEXT NOT NULL DEFAULT '[]'")
    tables = cur.execute("SELECT kind, table_name, columns FROM record_kinds").fetchall()
    for kind_name, name, columns_json in tables:
        columns = [(c, t) for c, t in orjson.loads(columns_json)]
        new = f"{name}__v2"
        cur.execute(_create_table_sql(new, columns))
        names = "".join(f", {c}" for c, _t in columns)
        cur.execute(
            f"INSERT INTO {new} (network, id, migrant_id, person, schema_version, doc{names})"
            f" SELECT r.network, r.id, r.migrant_id, p.pseudonym, r.schema_version, r.doc"
            f"{''.join(f', r.{c}' for c, _t in columns)} FROM {name} r LEFT JOIN persons p"
            " ON p.network = r.network AND p.migrant_id = r.migrant_id"
        )
        cur.execute(f"DROP TABLE {name}")
        cur.execute(f"ALTER TABLE {new} RENAME TO {name}")
        cur.execute(f"CREATE INDEX {name}_migrant ON {name} (migrant_id, network)")
        try:
            kind = kind_named(kind_name)
        except ConfigurationError:
            continue  # a kind this process does not know: indexed when a writer knows it
        have = {c for c, _t in columns}
        wanted = [f for f in _wanted_indexes(name, kind) if set(f[1]) <= have]
        for index, cols in wanted:
            cur.execute(f"CREATE INDEX {index} ON {name} (network, {', '.join(cols)})")
        cur.execute(
            "UPDATE record_kinds SET indexes = ? WHERE kind = ?",
            (orjson.dumps([i for i, _c in wanted]).decode(), kind_name),
        )


def _create_table_sql(name: str, columns: Sequence[tuple[str, str]]) -> str:
    cols = "".join(f", {c} {_SQL_TYPES[t]}" for c, t in columns)
    return (
        f"CREATE TABLE {name} (network TEXT NOT NULL, id TEXT NOT NULL, migrant_id TEXT,"
        f" person TEXT, schema_version INTEGER NOT NULL, doc BLOB NOT NULL{cols},"
        " PRIMARY KEY (network, id))"
    )


def _wanted_indexes(table: str, kind: RecordKind[Any]) -> list[tuple[str, tuple[str, ...]]]:
    """(index name, columns) for each of the kind's database indexes."""
    out = []
    for fields in kind.database_indexes():
        cols = tuple(_column(f) for f in fields)
        out.append((f"{table}_ix_{'__'.join(fields)}", cols))
    return out


_SQLITE_FULL = 13
_SQLITE_READONLY = 8
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_CONSTRAINT = 19
_SQLITE_IOERR = 10
_SQLITE_CANTOPEN = 14


def _map_error(exc: BaseException, what: str) -> StorageError:
    """A typed StorageError for a sqlite3 error; the message names the operation and the
    SQLite result code, never a value."""
    if isinstance(exc, StorageError):
        return exc
    code = getattr(exc, "sqlite_errorcode", None)
    name = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    primary = code & 0xFF if isinstance(code, int) else None
    text = f"SQLite {what} failed ({name}); the transaction was rolled back"
    if primary == _SQLITE_FULL or (name == "SQLITE_IOERR_WRITE" and _disk_limited()):
        return StorageFull(f"SQLite {what} failed: the disk or file-size limit is full ({name})")
    if primary == _SQLITE_READONLY:
        return ReadOnlyStore(f"SQLite {what} failed: the database is read-only ({name})")
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StorageBusy(f"SQLite {what} failed: the database stayed busy ({name})")
    if primary == _SQLITE_CONSTRAINT:
        return Conflict(f"SQLite {what} failed: a constraint was violated ({name})")
    if isinstance(exc, sqlite3.ProgrammingError):
        return StorageError(f"SQLite {what} failed: the store was used wrongly (closed or shared)")
    return StorageError(text)


def _disk_limited() -> bool:
    """A failed write under a file-size limit (RLIMIT_FSIZE) is EFBIG, reported by SQLite as
    SQLITE_IOERR_WRITE; count it as a full disk when such a limit is set."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    except (ImportError, OSError, ValueError):
        return False
    return soft != resource.RLIM_INFINITY


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)


class _Table:
    """A record kind's table: its name, index columns and indexes as they are in the database,
    and the statements this store uses on it (built once)."""

    def __init__(
        self,
        kind: str,
        name: str,
        columns: Sequence[tuple[str, str]],
        indexes: Sequence[str] = (),
    ) -> None:
        self.kind = kind
        self.name = name
        self.columns = tuple((c, t) for c, t in columns)
        self.column_names = tuple(c for c, _t in self.columns)
        self.indexes = tuple(indexes)
        self.get_sql = f"SELECT doc, person FROM {name} WHERE network = ? AND id = ?"
        self.get_any_sql = f"SELECT doc, person FROM {name} WHERE id = ? LIMIT 2"
        #: The kind object whose indexes this table was last checked against (per process).
        self.checked: object = None


class _Writer:
    """Builds and writes the rows of one kind into its table (cached per store and kind)."""

    def __init__(self, kind: RecordKind[Any], table: _Table) -> None:
        self.kind = kind
        self.table = table
        cols = table.column_names
        self.positions = [cols.index(_column(f.name)) for f in kind.indexes]
        self.direct = self.positions == list(range(len(cols)))
        self.width = len(cols)
        names = "".join(f", {c}" for c in cols)
        marks = ", ?" * len(cols)
        updates = "".join(f", {c} = excluded.{c}" for c in cols)
        self.sql = (
            f"INSERT INTO {table.name} (network, id, migrant_id, person, schema_version,"
            f" doc{names}) VALUES (?, ?, ?, ?, ?, ?{marks}) ON CONFLICT (network, id) DO UPDATE"
            " SET migrant_id = excluded.migrant_id, person = excluded.person,"
            f" schema_version = excluded.schema_version, doc = excluded.doc{updates}"
        )

    def rows(
        self,
        network: str,
        objs: Sequence[object],
        docs: Sequence[bytes],
        pseudonyms: dict[str, str],
        version: int,
    ) -> list[tuple[object, ...]]:
        kind = self.kind
        key, person, values = kind.key, kind.person, kind.index_values
        out: list[tuple[object, ...]] = []
        append = out.append
        if self.direct:
            for obj, doc in zip(objs, docs, strict=True):
                mid = person(obj)
                pseud = None if mid is None else pseudonyms[mid]
                append((network, key(obj), mid, pseud, version, doc, *values(obj)))
            return out
        for obj, doc in zip(objs, docs, strict=True):
            mid = person(obj)
            pseud = None if mid is None else pseudonyms[mid]
            row: list[object] = [None] * self.width
            for pos, v in zip(self.positions, values(obj), strict=True):
                row[pos] = v
            append((network, key(obj), mid, pseud, version, doc, *row))
        return out


def _table_name(kind: str) -> str:
    return f"rec_{kind}"


def _column(field: str) -> str:
    return f"f_{field}"


_SQL_TYPES = {"text": "TEXT", "date": "TEXT", "int": "INTEGER"}


class SQLiteStore:
    """A :class:`~iqcore.storage.Store` on one SQLite file. Not thread-safe: one per thread."""

    capabilities = frozenset(
        {
            Capability.TRANSACTIONS,
            Capability.PERSISTENT,
            Capability.ADMIN_VIEW,
            Capability.MULTI_PROCESS,
            Capability.NETWORK_ISOLATION,
            Capability.AUDIT,
            Capability.SECURE_ERASURE,
        }
    )

    def __init__(
        self,
        path: Path | str,
        *,
        network: str | None = None,
        role: str = "app",
        synchronous: str = "FULL",
        mode: str = "rw",
        busy_timeout_ms: str | int = 5000,
        allow_network_fs: str | bool = False,
    ) -> None:
        self._network = check_network(network)
        self._role = check_role(role)
        self.path = Path(path)
        self._read_only = mode == "ro"
        self._busy_ms = int(busy_timeout_ms)
        self._in_txn = False
        self._txn_failed = False
        self._after_commit: list[Callable[[], None]] = []
        #: Buffered read entries: (time in ns, operation, kind, pseudonyms, count).
        self._reads: list[tuple[int, str, str, tuple[str, ...], int]] = []
        self._tables: dict[str, _Table] = {}
        self._writers: dict[str, _Writer] = {}
        self._closed = True
        if self.path.parent == default_path().parent and not self._read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.parent.is_dir():
            raise ConfigurationError("the directory of the SQLite file does not exist")
        if allow_network_fs not in (True, "1"):
            fstype = _filesystem_type(self.path.parent)
            if fstype in _NETWORK_FILESYSTEMS:
                raise ConfigurationError(
                    f"SQLite files must not live on a network share ({fstype}); use a local "
                    "disk or the PostgreSQL store"
                )
        try:
            self._synchronous = synchronous
            self._conn = self._connect(synchronous)
        except sqlite3.Error as exc:
            raise _map_error(exc, "open") from None
        self._closed = False

    @property
    def network(self) -> str | None:
        return self._network

    # -- connection -----------------------------------------------------------------------
    def _connect(self, synchronous: str) -> sqlite3.Connection:
        mode = "ro" if self._read_only else "rwc"
        uri = f"file:{quote(str(self.path))}?mode={mode}"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=self._busy_ms / 1000)
        try:
            self._retry(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchall(), conn=conn)
            conn.execute(f"PRAGMA synchronous={synchronous}")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute("PRAGMA trusted_schema=OFF")
            conn.execute(f"PRAGMA cache_size={-CACHE_KIB}")
            conn.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
            if self._read_only:
                version = self._retry(lambda: _version_if_any(conn), conn=conn)
                if version < len(MIGRATIONS):
                    raise ReadOnlyStore(
                        "the database is missing or needs a schema upgrade; open it writable once"
                    )
            else:
                self._conn = conn
                self._migrate()
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self) -> None:
        conn = self._conn
        if _version_if_any(conn) == len(MIGRATIONS):
            return
        self._begin()
        try:
            migrate(conn, MIGRATIONS)
            conn.execute("COMMIT")
        except BaseException:
            self._rollback_quietly()
            raise

    def _retry(self, fn: Callable[[], T], *, conn: sqlite3.Connection | None = None) -> T:
        """Run *fn*, retrying while the database is busy (with jitter), up to a deadline."""
        deadline = time.monotonic() + MAX_WAIT_SECONDS
        while True:
            try:
                return fn()
            except sqlite3.Error as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(random.uniform(0.001, 0.02))

    def _begin(self) -> None:
        self._retry(lambda: self._conn.execute("BEGIN IMMEDIATE"))

    def _rollback_quietly(self) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise _map_error(exc, what) from None

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("the store is closed")
        if self._txn_failed:
            raise TransactionError("the transaction failed and was rolled back; leave its block")

    def _check_writable(self) -> None:
        if self._read_only:
            raise ReadOnlyStore("the store was opened read-only (mode=ro)")

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """A write: inside the open user transaction, or a transaction of its own."""
        self._check_open()
        self._check_writable()
        conn = self._conn
        if self._in_txn:
            try:
                yield conn
            except sqlite3.Error as exc:
                self._rollback_quietly()
                self._txn_failed = True
                raise _map_error(exc, what) from None
            return
        try:
            self._begin()
            self._write_reads(conn)
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback_quietly()
            self._tables.clear()
            self._writers.clear()
            self._after_commit = []
            if isinstance(exc, sqlite3.Error):
                raise _map_error(exc, what) from None
            raise
        self._run_after_commit()

    def _run_after_commit(self) -> None:
        tasks, self._after_commit = self._after_commit, []
        for task in tasks:
            task()

    # -- audit ----------------------------------------------------------------------------
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

    def _append_audit(self, conn: sqlite3.Connection, pending: Sequence[PendingEntry]) -> None:
        if not pending:
            return
        row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        rows = chain_rows(
            pending, last_seq=row[0] if row else 0, last_hash=row[1] if row else GENESIS
        )
        conn.executemany(
            "INSERT INTO audit (seq, at, network, role, operation, kind, persons, count, prev,"
            " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _read_entries(self) -> list[PendingEntry]:
        """The buffered read entries as pending audit entries."""
        network, role = self._network, self._role
        return [
            PendingEntry(
                at=at_ns(ns),
                network=network,
                role=role,
                operation=op,
                kind=kind,
                persons=persons,
                count=count,
            )
            for ns, op, kind, persons, count in self._reads
        ]

    def _write_reads(self, conn: sqlite3.Connection) -> None:
        if self._reads:
            entries = self._read_entries()
            reads, self._reads = self._reads, []
            try:
                self._append_audit(conn, entries)
            except BaseException:
                self._reads[:0] = reads
                raise

    def _audit_read(self, operation: str, kind: str, persons: Iterable[str], count: int) -> None:
        self._reads.append((time.time_ns(), operation, kind, tuple(sorted(set(persons))), count))
        if len(self._reads) >= READ_AUDIT_BATCH and not self._in_txn:
            self._flush_reads()

    def _flush_reads(self) -> None:
        """Write the buffered read entries in a transaction of their own. It commits without
        fsync (``synchronous=NORMAL``): the entries survive a crash of the process, and a power
        loss at worst loses them, never a write or its entry; an fsync per batch of reads would
        halve the read rate on a busy disk."""
        if not self._reads or self._in_txn:
            return
        self._conn.execute("PRAGMA synchronous=NORMAL")
        try:
            with self._write("audit"):
                pass
        finally:
            self._conn.execute(f"PRAGMA synchronous={self._synchronous}")

    def _check_can_audit_reads(self) -> None:
        if self._read_only:
            raise ReadOnlyStore(
                "a read-only store cannot write the audit entry that reading personal data needs"
            )

    # -- tables ---------------------------------------------------------------------------
    def _known_table(self, kind: str) -> _Table | None:
        table = self._tables.get(kind)
        if table is not None:
            return table
        row = self._conn.execute(
            "SELECT table_name, columns, indexes FROM record_kinds WHERE kind = ?", (kind,)
        ).fetchone()
        if row is None:
            return None
        table = _Table(
            kind, row[0], [(c, t) for c, t in orjson.loads(row[1])], orjson.loads(row[2])
        )
        self._tables[kind] = table
        return table

    def _all_tables(self) -> list[_Table]:
        rows = self._conn.execute("SELECT kind FROM record_kinds ORDER BY kind").fetchall()
        out = []
        for (kind,) in rows:
            table = self._known_table(kind)
            assert table is not None
            out.append(table)
        return out

    def _table_for_write(self, conn: sqlite3.Connection, kind: RecordKind[Any]) -> _Table:
        """The kind's table, created or upgraded (new index columns, backfilled; the kind's
        declared indexes created, indexes it no longer declares dropped) if needed. Runs inside
        a write transaction."""
        table = self._known_table(kind.name)
        if table is not None and table.checked is kind:
            return table
        wanted: list[tuple[str, str]] = [(_column(f.name), f.type) for f in kind.indexes]
        name = _table_name(kind.name)
        indexes = _wanted_indexes(name, kind)
        if (
            table is not None
            and all(c in table.columns for c in wanted)
            and table.indexes == tuple(i for i, _c in indexes)
        ):
            table.checked = kind
            return table
        if table is None:
            conn.execute(_create_table_sql(name, wanted))
            conn.execute(f"CREATE INDEX {name}_migrant ON {name} (migrant_id, network)")
            columns = list(wanted)
            old_indexes: tuple[str, ...] = ()
        else:
            columns = list(table.columns)
            new = [c for c in wanted if c not in table.columns]
            for c, t in new:
                conn.execute(f"ALTER TABLE {name} ADD COLUMN {c} {_SQL_TYPES[t]}")
                columns.append((c, t))
            self._backfill(conn, kind, name, [c for c, _t in new])
            old_indexes = table.indexes
        names = [i for i, _c in indexes]
        for index in old_indexes:
            if index not in names:
                conn.execute(f"DROP INDEX IF EXISTS {index}")
        for index, cols in indexes:
            if index not in old_indexes:
                conn.execute(
                    f"CREATE INDEX IF NOT EXISTS {index} ON {name} (network, {', '.join(cols)})"
                )
        conn.execute(
            "INSERT INTO record_kinds (kind, table_name, columns, indexes) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (kind) DO UPDATE SET columns = excluded.columns,"
            " indexes = excluded.indexes",
            (kind.name, name, orjson.dumps(columns).decode(), orjson.dumps(names).decode()),
        )
        self._writers.pop(kind.name, None)
        table = _Table(kind.name, name, columns, names)
        table.checked = kind
        self._tables[kind.name] = table
        return table

    def _backfill(
        self, conn: sqlite3.Connection, kind: RecordKind[Any], name: str, cols: list[str]
    ) -> None:
        if not cols:
            return
        fields = [kind.field(c.removeprefix("f_")) for c in cols]
        sets = ", ".join(f"{c} = ?" for c in cols)
        rows = conn.execute(f"SELECT network, id, doc FROM {name}").fetchall()
        updates = []
        for network, id_, doc in rows:
            obj = decode(doc, kind.cls)
            updates.append((*(f.value(obj) for f in fields), network, id_))
        conn.executemany(f"UPDATE {name} SET {sets} WHERE network = ? AND id = ?", updates)

    def _writer(self, conn: sqlite3.Connection, kind: RecordKind[Any]) -> _Writer:
        table = self._table_for_write(conn, kind)
        writer = self._writers.get(kind.name)
        if writer is None or writer.table is not table or writer.kind is not kind:
            writer = self._writers[kind.name] = _Writer(kind, table)
        return writer

    # -- writes ---------------------------------------------------------------------------
    def _pseudonyms(self, conn: sqlite3.Connection, people: Iterable[str]) -> dict[str, str]:
        """The audit pseudonyms of *people* in this network, creating missing ones."""
        assert self._network is not None
        wanted = sorted(set(people))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            marks = ", ".join("?" * len(part))
            found.update(
                conn.execute(
                    "SELECT migrant_id, pseudonym FROM persons WHERE network = ?"
                    f" AND migrant_id IN ({marks})",
                    (self._network, *part),
                ).fetchall()
            )
        missing = [m for m in wanted if m not in found]
        if missing:
            fresh = {m: new_pseudonym() for m in missing}
            conn.executemany(
                "INSERT INTO persons (network, migrant_id, pseudonym) VALUES (?, ?, ?)",
                [(self._network, m, p) for m, p in fresh.items()],
            )
            found.update(fresh)
        return found

    def _checked_groups(self, objs: Sequence[object]) -> dict[RecordKind[Any], list[object]]:
        """*objs* grouped by kind, in order; every object checked before anything is written
        (unregistered class, admin view, another network)."""
        network = self._network
        if network is None:
            raise ReadOnlyStore("an admin view (network=None) cannot write records")
        groups: dict[RecordKind[Any], list[object]] = {}
        last_cls: type | None = None
        group: list[object] = []
        for obj in objs:
            cls = type(obj)
            if cls is not last_cls:
                kind = kind_for(cls)
                last_cls = cls
                group = groups.setdefault(kind, [])
                check = kind.network
            if check is not None and check(obj) != network:
                raise WrongNetwork(
                    f"{kind.name} names another network than the store's; it was not written"
                )
            group.append(obj)
        return groups

    def _write_groups(
        self,
        conn: sqlite3.Connection,
        groups: dict[RecordKind[Any], list[object]],
        docs: dict[RecordKind[Any], list[bytes]],
        operation: str = "put",
    ) -> list[PendingEntry]:
        """Upsert grouped records; returns one audit entry per kind naming every person."""
        network = self._network
        assert network is not None
        version = schema_version()
        people = {m for kind, objs in groups.items() for o in objs if (m := kind.person(o))}
        pseud = self._pseudonyms(conn, people) if people else {}
        entries = []
        for kind, objs in groups.items():
            writer = self._writer(conn, kind)
            rows = writer.rows(network, objs, docs[kind], pseud, version)
            conn.executemany(writer.sql, rows)
            persons = [str(r[3]) for r in rows if r[3] is not None]
            entries.append(self._entry(operation, kind.name, persons, len(rows)))
        return entries

    def put(self, obj: object) -> None:
        self._check_open()
        groups = self._checked_groups([obj])
        docs = {kind: [encode(obj)] for kind in groups}
        with self._write("put") as conn:
            self._append_audit(conn, self._write_groups(conn, groups, docs))

    def put_many(
        self,
        objs: Iterable[object],
        *,
        progress: ProgressCallback | None = None,
        chunk_size: int = 1000,
    ) -> int:
        self._check_open()
        done = 0
        with bulk():
            for chunk in chunked(objs, chunk_size):
                groups = self._checked_groups(chunk)
                docs = {kind: encode_many(items) for kind, items in groups.items()}
                with self._write("put_many") as conn:
                    self._append_audit(conn, self._write_groups(conn, groups, docs))
                done += len(chunk)
                if progress is not None:
                    progress(done)
        return done

    def delete(self, cls: type[object], id: str) -> None:
        self._check_open()
        kind = kind_for(cls)
        if self._network is None:
            raise ReadOnlyStore("an admin view (network=None) cannot write records")
        with self._write("delete") as conn:
            table = self._known_table(kind.name)
            row = None
            if table is not None:
                row = conn.execute(
                    f"DELETE FROM {table.name} WHERE network = ? AND id = ? RETURNING person",
                    (self._network, id),
                ).fetchone()
            if row is None:
                raise NotFound(f"no {kind.name} record with this id in this network")
            persons = [] if row[0] is None else [row[0]]
            self._append_audit(conn, [self._entry("delete", kind.name, persons, 1)])

    # -- reads ----------------------------------------------------------------------------
    def _where_network(self, alias: str = "r") -> tuple[str, tuple[object, ...]]:
        if self._network is None:
            return "1", ()
        return f"{alias}.network = ?", (self._network,)

    def _fetch(self, sql: str, params: Sequence[object]) -> list[Any]:
        """Rows of a read; retried while the database is busy."""
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            if not _is_busy(exc):
                raise
        return self._retry(lambda: self._conn.execute(sql, params).fetchall())

    def get(self, cls: type[T], id: str) -> T:
        if self._closed or self._txn_failed:
            self._check_open()
        kind = kind_for(cls)
        try:
            table = self._tables.get(kind.name) or self._retry(lambda: self._known_table(kind.name))
            if table is None:
                raise NotFound(f"no {kind.name} record with this id in this network")
            if self._network is not None:
                rows = self._fetch(table.get_sql, (self._network, id))
            else:
                rows = self._fetch(table.get_any_sql, (id,))
        except sqlite3.Error as exc:
            raise _map_error(exc, "get") from None
        if not rows:
            raise NotFound(f"no {kind.name} record with this id in this network")
        if len(rows) > 1:
            raise Conflict(f"the {kind.name} id exists in several networks; open one of them")
        doc, pseudonym = rows[0]
        if pseudonym is not None and self._read_only:
            self._check_can_audit_reads()
        obj: T = from_json(doc, kind.cls)
        if pseudonym is not None:
            try:
                self._audit_read("get", kind.name, (pseudonym,), 1)
            except sqlite3.Error as exc:
                raise _map_error(exc, "get") from None
        return obj

    def find(self, cls: type[T], **filters: object) -> list[T]:
        self._check_open()
        kind = kind_for(cls)
        norm = normalise_filters(kind, filters)
        with self._errors("find"):
            table = self._retry(lambda: self._known_table(kind.name))
            if table is None:
                return []
            where, params = self._where_network()
            clauses = [where]
            args: list[object] = list(params)
            for name, (op, arg) in norm.items():
                col = "r.migrant_id" if name == "migrant_id" else f"r.{_column(name)}"
                if name != "migrant_id" and _column(name) not in table.column_names:
                    table = self._upgrade_for_read(kind)
                if op == "eq":
                    if arg is None:
                        clauses.append(f"{col} IS NULL")
                    else:
                        clauses.append(f"{col} = ?")
                        args.append(arg)
                elif op == "in":
                    assert isinstance(arg, tuple)
                    values = [v for v in arg if v is not None]
                    alts = []
                    if values:
                        alts.append(f"{col} IN ({', '.join('?' * len(values))})")
                        args.extend(values)
                    if len(values) < len(arg):
                        alts.append(f"{col} IS NULL")
                    clauses.append("(" + (" OR ".join(alts) or "0") + ")")
                else:
                    assert isinstance(arg, tuple)
                    lo, hi = arg
                    if lo is not None:
                        clauses.append(f"{col} >= ?")
                        args.append(lo)
                    if hi is not None:
                        clauses.append(f"{col} < ?")
                        args.append(hi)
                    clauses.append(f"{col} IS NOT NULL")
            sql = (
                f"SELECT r.doc, r.person FROM {table.name} r"
                f" WHERE {' AND '.join(clauses)} ORDER BY r.id, r.network"
            )
            rows = self._fetch(sql, args)
            persons = [p for _d, p in rows if p is not None]
            if persons:
                self._check_can_audit_reads()
            out = _decode_many([d for d, _p in rows], kind.cls)
            if persons:
                self._audit_read("find", kind.name, persons, len(rows))
        return out

    def _upgrade_for_read(self, kind: RecordKind[Any]) -> _Table:
        with self._write("schema upgrade") as conn:
            return self._table_for_write(conn, kind)

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._check_open()
        self._check_writable()
        if self._in_txn:
            raise TransactionError("transactions do not nest")
        with self._errors("begin"):
            self._begin()
        self._in_txn = True
        self._txn_failed = False
        try:
            with self._errors("transaction"):
                self._write_reads(self._conn)
            yield
        except BaseException:
            self._rollback_quietly()
            self._end_txn(committed=False)
            raise
        if self._txn_failed:
            self._end_txn(committed=False)
            raise TransactionError("the transaction failed and was rolled back")
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback_quietly()
            self._end_txn(committed=False)
            raise _map_error(exc, "commit") from None
        self._end_txn(committed=True)

    def _end_txn(self, *, committed: bool) -> None:
        self._in_txn = False
        self._txn_failed = False
        if committed:
            self._run_after_commit()
        else:
            self._after_commit = []
            self._tables.clear()
            self._writers.clear()
        # On failure the entries stay in the buffer: written with the next write or at close.
        with contextlib.suppress(StorageError):
            self._flush_reads()

    # -- persons --------------------------------------------------------------------------
    def _person_networks(self, migrant_id: str) -> list[tuple[str, str]]:
        sql: str
        params: tuple[str, ...]
        if self._network is None:
            sql, params = (
                "SELECT network, pseudonym FROM persons WHERE migrant_id = ? ORDER BY network",
                (migrant_id,),
            )
        else:
            sql, params = (
                "SELECT network, pseudonym FROM persons WHERE migrant_id = ? AND network = ?",
                (migrant_id, self._network),
            )
        return [(n, p) for n, p in self._conn.execute(sql, params).fetchall()]

    def export_person(self, migrant_id: str) -> bytes:
        self._check_open()
        self._check_can_audit_reads()
        with self._errors("export"):
            where, params = self._where_network()
            records: list[tuple[str, str, bytes]] = []
            for table in self._retry(self._all_tables):
                rows = self._conn.execute(
                    f"SELECT r.id, r.doc FROM {table.name} r WHERE {where} AND r.migrant_id = ?",
                    (*params, migrant_id),
                ).fetchall()
                records.extend((table.kind, i, d) for i, d in rows)
            persons = [p for _n, p in self._person_networks(migrant_id)]
            self._audit_read("export", "", persons, len(records))
            self._flush_reads()
        return build_export(self._network, migrant_id, records)

    def import_person(self, data: bytes) -> int:
        self._check_open()
        self._check_writable()
        parsed = parse_export(data)
        groups = self._checked_groups(parsed.records)
        docs = {kind: encode_many(items) for kind, items in groups.items()}
        with self._write("import") as conn:
            entries = self._write_groups(conn, groups, docs)
            persons = [p for e in entries for p in e.persons]
            self._append_audit(conn, [self._entry("import", "", persons, len(parsed.records))])
        return len(parsed.records)

    def erase_person(self, migrant_id: str) -> ErasureReport:
        self._check_open()
        with self._write("erase") as conn:
            where, params = self._where_network("t")
            removed: list[RemovedRecord] = []
            for table in self._all_tables():
                rows = conn.execute(
                    f"DELETE FROM {table.name} AS t WHERE {where} AND t.migrant_id = ?"
                    " RETURNING id, network",
                    (*params, migrant_id),
                ).fetchall()
                removed.extend(RemovedRecord(kind=table.kind, id=i, network=n) for i, n in rows)
            persons = [p for _n, p in self._person_networks(migrant_id)]
            conn.execute(
                f"DELETE FROM persons AS t WHERE {where} AND t.migrant_id = ?",
                (*params, migrant_id),
            )
            self._append_audit(conn, [self._entry("erase", "", persons, len(removed))])
            self._after_commit.append(self._truncate_wal)
        return ErasureReport(network=self._network, removed=tuple(sorted(removed)))

    def _truncate_wal(self) -> None:
        """Copy the WAL into the database and truncate it to zero bytes, so that no old page
        image of erased data stays in the WAL file. Retries while readers hold old snapshots."""
        deadline = time.monotonic() + 10.0
        while True:
            try:
                busy, _log, _done = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                if not _is_busy(exc):
                    raise _map_error(exc, "checkpoint after erasure") from None
                busy = 1
            if not busy:
                return
            if time.monotonic() > deadline:
                raise StorageBusy(
                    "the erasure is committed, but other connections kept the WAL file from "
                    "being truncated; close them and call checkpoint()"
                )
            time.sleep(0.02)

    def checkpoint(self) -> None:
        """Truncate the WAL file now (done automatically after every erasure)."""
        self._check_open()
        if self._in_txn:
            raise TransactionError("checkpoint() cannot run inside a transaction")
        self._truncate_wal()

    # -- audit ----------------------------------------------------------------------------
    def _audit_rows(self, where: str = "", params: Sequence[object] = ()) -> Iterator[AuditEntry]:
        cur = self._conn.execute(
            "SELECT seq, at, network, role, operation, kind, persons, count, prev, hash"
            f" FROM audit {where} ORDER BY seq",
            params,
        )
        for seq, at, network, role, op, kind, persons, count, prev, h in cur:
            yield AuditEntry(
                seq=seq,
                at=at,
                network=network,
                role=role,
                operation=op,
                kind=kind,
                persons=tuple(orjson.loads(persons)),
                count=count,
                prev=prev,
                hash=h,
            )

    def audit_log(self, *, migrant_id: str | None = None) -> list[AuditEntry]:
        self._check_open()
        if not self._read_only:
            self._flush_reads()
        with self._errors("audit log"):
            if self._network is None:
                entries = list(self._audit_rows())
            else:
                entries = list(self._audit_rows("WHERE network = ?", (self._network,)))
            if migrant_id is not None:
                wanted = {p for _n, p in self._person_networks(migrant_id)}
                entries = [e for e in entries if wanted.intersection(e.persons)]
        return entries

    def verify_audit(self) -> AuditVerification:
        self._check_open()
        if not self._read_only:
            self._flush_reads()
        with self._errors("audit verification"):
            return verify_chain(self._audit_rows())

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        error: StorageError | None = None
        if self._in_txn:
            self._rollback_quietly()
            self._end_txn(committed=False)
        if self._reads and not self._read_only:
            try:
                self._flush_reads()
            except StorageError as exc:
                error = exc
        self._closed = True
        self._conn.close()
        if error is not None:
            raise StorageError(
                f"{len(self._reads)} read audit entries could not be written at close"
            ) from error

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _version_if_any(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if row is None:
        return 0
    return current_version(conn)


def _decode_many(docs: list[bytes], cls: type[T]) -> list[T]:
    if len(docs) < 8:
        return [decode(d, cls) for d in docs]
    from iqcore.serialization import from_json_many

    return from_json_many(b"[" + b",".join(docs) + b"]", cls)
