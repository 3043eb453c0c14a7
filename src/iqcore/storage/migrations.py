"""Versioned schema migrations for SQL backends (a ``schema_migrations`` table).

A backend lists its :class:`Migration` steps in order. On open, :func:`migrate` applies those
that are newer than the database's version, each inside the caller's transaction, and records
them. A database newer than the library is refused rather than damaged.

The runner speaks DB-API: it needs a cursor-like object with ``execute`` and ``fetchall``, and
the placeholder style of the driver (``?`` for sqlite3, ``%s`` for psycopg).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import attrs

from iqcore.errors import StorageError
from iqcore.storage.audit import now
from iqcore.storage.errors import ReadOnlyStore

__all__ = ["Cursor", "Migration", "current_version", "migrate"]


class Cursor(Protocol):
    """The part of a DB-API cursor (or sqlite3 connection) that migrations use."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...


@attrs.frozen(kw_only=True)
class Migration:
    """One step: a version (1, 2, …), a description, and SQL statements or a function."""

    version: int
    description: str
    statements: tuple[str, ...] = ()
    apply: Callable[[Cursor], None] | None = attrs.field(default=None, eq=False)

    def run(self, cur: Cursor) -> None:
        for sql in self.statements:
            cur.execute(sql)
        if self.apply is not None:
            self.apply(cur)


_CREATE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def current_version(cur: Cursor) -> int:
    """The highest applied version (0 for a new database). Creates the table if needed."""
    cur.execute(_CREATE)
    row = cur.execute("SELECT max(version) FROM schema_migrations").fetchall()
    return int(row[0][0] or 0)


def migrate(cur: Cursor, migrations: Sequence[Migration], *, placeholder: str = "?") -> int:
    """Apply the missing *migrations* in order; returns the version the database is now at.

    Call it inside a write transaction, so that a failed step leaves the database unchanged.
    """
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise StorageError("migrations must be numbered 1, 2, 3, … without gaps")
    have = current_version(cur)
    if have > len(migrations):
        raise ReadOnlyStore(
            "the database was written by a newer iqcore (schema version "
            f"{have} > {len(migrations)}); upgrade iqcore to use it"
        )
    ph = ", ".join([placeholder] * 3)
    for m in migrations[have:]:
        m.run(cur)
        cur.execute(
            f"INSERT INTO schema_migrations (version, description, applied_at) VALUES ({ph})",
            (m.version, m.description, now()),
        )
    return len(migrations)
