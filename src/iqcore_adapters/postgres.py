"""The central server store: PostgreSQL with one database role per network (psycopg 3).

Reached through the ``iqcore`` entry point ``postgres``; install the extra ``iqcore[postgres]``.
An administrator prepares the database once, then every network connects with its own role::

    from iqcore_adapters.postgres import create_network_role, provision

    provision("postgresql://admin@db.example.org/iqcore")
    create_network_role("postgresql://admin@db.example.org/iqcore", "iq-example", secret)
    store = iqcore.open_store(
        "postgresql://iqcore_net_iq_example_0cbd25ca@db.example.org/iqcore", network="iq-example"
    )

URL options (removed before the URL goes to libpq; every other query parameter is libpq's):
``schema`` (``iqcore``), ``pool_min`` (1), ``pool_max`` (8), ``pool_timeout`` (30 seconds).

**Isolation is done by the database, not only by the library.** Every table that holds personal
data (records, persons, the audit log and its chain heads) has row-level security enabled *and
forced*. The application roles are members of ``<schema>_app`` and are neither superuser, nor
owner of anything (the NOLOGIN role ``<schema>_owner`` owns the schema), nor BYPASSRLS. A row is
visible to an application role only if its network equals ``<schema>.current_network()``, which
is the network mapped to ``current_user`` in the table ``network_roles`` *and* named by the
setting ``iqcore.network``, which the library sets per transaction (``set_config(…, true)``).
So a connection without that setting sees nothing, and a role that sets another network's name
sees nothing either: a role can only ever reach its own network's rows, even with hand-written
SQL. The admin view (``network=None``) connects with a role of ``<schema>_admin``
(:func:`create_admin_role`), which may read every network's rows and erase them, never write.

Writes: one table for every record kind (``records``: network, kind, id, person, schema
version, index values as ``jsonb``, the document as the exact bytes iqcore serialised), so no
DDL ever runs at run time. ``put_many`` loads each chunk with binary ``COPY`` into a temporary
table and moves it into ``records`` with one ``INSERT … ON CONFLICT`` (PostgreSQL refuses
``COPY FROM`` straight into a table under row-level security). Each write transaction first
locks its network's audit chain head, so writes of one network are serialised and appended to a
per-network hash chain in the same transaction; reads are audited in the same transaction too
(outside an explicit ``transaction()``; inside one, when it ends, whether it commits or not).

Schema changes are versioned migrations (:data:`MIGRATIONS`), applied by :func:`provision`
with an administrator's URL: the application roles cannot change the schema by design, so a
store refuses to open a database whose schema is older or newer than this iqcore.

Erased rows are deleted in the same transaction as their audit entry. PostgreSQL keeps the bytes
of deleted rows in dead tuples until ``VACUUM`` and in WAL segments and backups until they are
recycled; this store does not claim :attr:`~iqcore.storage.Capability.SECURE_ERASURE`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
import pluggy

from iqcore.errors import ConfigurationError, IqcoreError, NotFound, StorageError
from iqcore.storage._codec import bulk, decode, encode, schema_version
from iqcore.storage.audit import GENESIS, PendingEntry, check_role, new_pseudonym, now, seal
from iqcore.storage.audit import verify_chain as _verify_chain
from iqcore.storage.base import Prepared, check_network, prepare
from iqcore.storage.errors import (
    Conflict,
    ReadOnlyStore,
    StorageBusy,
    StorageFull,
    TransactionError,
)
from iqcore.storage.export import build_export, parse_export
from iqcore.storage.kinds import kind_for, normalise_filters
from iqcore.storage.migrations import Migration, migrate
from iqcore.storage.protocol import (
    AuditEntry,
    AuditVerification,
    Capability,
    ErasureReport,
    ProgressCallback,
    RemovedRecord,
    chunked,
)

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg import Cursor as _Cursor
    from psycopg_pool import ConnectionPool

    Conn = Connection[tuple[Any, ...]]
    Cursor = _Cursor[tuple[Any, ...]]

__all__ = [
    "COPY_THRESHOLD",
    "MIGRATIONS",
    "PostgresStore",
    "create_admin_role",
    "create_network_role",
    "iqcore_register_stores",
    "migrations",
    "network_role_name",
    "open_postgres_store",
    "parse_url",
    "provision",
]

T = TypeVar("T")

hookimpl = pluggy.HookimplMarker("iqcore")

#: ``put_many`` chunks of at least this many records go through COPY; smaller ones through one
#: multi-row INSERT (COPY's temporary table costs more than it saves for a handful of rows).
COPY_THRESHOLD = 64
#: How often a single operation is retried after a deadlock or serialisation failure.
RETRIES = 5
#: The custom setting that names the network of a transaction.
SETTING = "iqcore.network"
#: The audit chain of the admin view (network ids start with a letter or digit, so no clash).
ADMIN_CHAIN = ""

_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,19}$")
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_OPTIONS = {"schema", "pool_min", "pool_max", "pool_timeout"}


@hookimpl
def iqcore_register_stores(register: Callable[[str, Any], None]) -> None:
    """Register the ``postgresql`` scheme (and libpq's short form ``postgres``)."""
    register("postgresql", open_postgres_store)
    register("postgres", open_postgres_store)


# -- URLs -----------------------------------------------------------------------------------


def parse_url(url: str) -> tuple[str, dict[str, str]]:
    """Split a ``postgresql://`` URL into the libpq URL and iqcore's options (checked)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ConfigurationError("a PostgreSQL store URL starts with postgresql://")
    query = parse_qsl(parts.query, keep_blank_values=True)
    options = {k: v for k, v in query if k in _OPTIONS}
    rest = [(k, v) for k, v in query if k not in _OPTIONS]
    schema = options.setdefault("schema", "iqcore")
    if not _SCHEMA.match(schema):
        raise ConfigurationError(
            "schema must be 1-20 lower-case letters, digits or '_', starting with a letter or '_'"
        )
    for name, default in (("pool_min", "1"), ("pool_max", "8")):
        if not options.setdefault(name, default).isdigit():
            raise ConfigurationError(f"{name} must be a whole number")
    if int(options["pool_max"]) < max(1, int(options["pool_min"])):
        raise ConfigurationError("pool_max must be at least 1 and at least pool_min")
    try:
        if float(options.setdefault("pool_timeout", "30")) <= 0:
            raise ValueError
    except ValueError:
        raise ConfigurationError("pool_timeout must be a positive number of seconds") from None
    conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(rest), parts.fragment))
    return conninfo, options


def open_postgres_store(
    url: str, *, network: str | None = None, role: str = "app"
) -> PostgresStore:
    """The factory of the ``postgresql`` scheme."""
    conninfo, options = parse_url(url)
    return PostgresStore(
        conninfo,
        network=network,
        role=role,
        schema=options["schema"],
        pool_min=int(options["pool_min"]),
        pool_max=int(options["pool_max"]),
        pool_timeout=float(options["pool_timeout"]),
    )


# -- errors ---------------------------------------------------------------------------------


def _map_error(exc: BaseException, what: str) -> IqcoreError:
    """A typed StorageError for a psycopg error. The message names the operation and the
    SQLSTATE, never a value (PostgreSQL's own messages may quote values of the row)."""
    if isinstance(exc, IqcoreError):
        return exc
    from psycopg_pool import PoolTimeout

    if isinstance(exc, PoolTimeout):
        return StorageBusy(f"PostgreSQL {what}: no connection became free within the pool timeout")
    state = getattr(exc, "sqlstate", None) or ""
    name = type(exc).__name__
    if state == "53100":
        return StorageFull(f"PostgreSQL {what} failed: the server's disk is full ({name})")
    if state == "25006":
        return ReadOnlyStore(f"PostgreSQL {what} failed: the database is read-only ({name})")
    if state.startswith("23"):
        return Conflict(f"PostgreSQL {what} failed: a constraint was violated ({name})")
    if state == "42501":
        return StorageError(
            f"PostgreSQL {what} failed: the database role may not do this ({name}); "
            "the transaction was rolled back"
        )
    if state in ("40001", "40P01", "55P03", "57014"):
        return StorageBusy(f"PostgreSQL {what} failed: the database stayed busy ({name})")
    if not state and name == "OperationalError" and "FATAL" in str(exc):
        # libpq gives no SQLSTATE for a refused connection; the server's FATAL says it was
        # reached and said no (login, database name, connection limit)
        return ConfigurationError(
            f"PostgreSQL {what} failed: the server refused the connection (check the role, its "
            "password and the database name)"
        )
    if state.startswith("08") or (not state and name == "OperationalError"):
        return StorageError(
            f"PostgreSQL {what} failed: the server could not be reached or the connection was lost"
        )
    if state in ("28P01", "28000"):
        return ConfigurationError(
            f"PostgreSQL {what} failed: the server refused the login ({name})"
        )
    detail = f"SQLSTATE {state}" if state else name
    return StorageError(f"PostgreSQL {what} failed ({detail}); the transaction was rolled back")


def _retryable(exc: BaseException) -> bool:
    return getattr(exc, "sqlstate", None) in ("40001", "40P01")


def _connection_lost(exc: BaseException) -> bool:
    """A connection that the server closed or that broke (no answer can come on it)."""
    import psycopg

    if not isinstance(exc, psycopg.OperationalError):
        return False
    state = exc.sqlstate or ""
    return state in ("", "57P01", "57P02", "57P03") or state.startswith("08")


# -- the schema -----------------------------------------------------------------------------


def _roles(schema: str) -> tuple[str, str, str]:
    """The owner, application and admin group roles of *schema* (all NOLOGIN)."""
    return f"{schema}_owner", f"{schema}_app", f"{schema}_admin"


def migrations(schema: str = "iqcore") -> tuple[Migration, ...]:
    """The versioned migrations of *schema* (run by :func:`provision` as the owner role)."""
    s = schema
    owner, app, admin = _roles(schema)
    cur = f"(SELECT {s}.current_network())"
    personal = ("records", "persons", "audit", "audit_heads", "network_roles")
    v1 = (
        (
            f"CREATE TABLE {s}.network_roles ("
            ' role_name text COLLATE "C" PRIMARY KEY,'
            ' network text COLLATE "C" NOT NULL UNIQUE)'
        ),
        (
            f"CREATE TABLE {s}.persons ("
            ' network text COLLATE "C" NOT NULL,'
            ' migrant_id text COLLATE "C" NOT NULL,'
            " pseudonym text NOT NULL UNIQUE,"
            " PRIMARY KEY (network, migrant_id))"
        ),
        f"CREATE INDEX persons_migrant ON {s}.persons (migrant_id)",
        (
            f"CREATE TABLE {s}.records ("
            ' network text COLLATE "C" NOT NULL,'
            ' kind text COLLATE "C" NOT NULL,'
            ' id text COLLATE "C" NOT NULL,'
            ' migrant_id text COLLATE "C",'
            " schema_version integer NOT NULL,"
            " idx jsonb NOT NULL DEFAULT '{}',"
            " doc bytea NOT NULL,"
            " PRIMARY KEY (network, kind, id),"
            f" FOREIGN KEY (network, migrant_id) REFERENCES {s}.persons (network, migrant_id))"
        ),
        f"CREATE INDEX records_person ON {s}.records (migrant_id, network)",
        (
            f"CREATE TABLE {s}.audit ("
            ' chain text COLLATE "C" NOT NULL,'
            " seq bigint NOT NULL,"
            " at text NOT NULL,"
            ' network text COLLATE "C",'
            " role text NOT NULL,"
            " operation text NOT NULL,"
            " kind text NOT NULL,"
            " persons text[] NOT NULL,"
            " count bigint NOT NULL,"
            " prev text NOT NULL,"
            " hash text NOT NULL,"
            " PRIMARY KEY (chain, seq))"
        ),
        f"CREATE INDEX audit_persons ON {s}.audit USING gin (persons)",
        (
            f"CREATE TABLE {s}.audit_heads ("
            ' chain text COLLATE "C" PRIMARY KEY,'
            " seq bigint NOT NULL,"
            " hash text NOT NULL)"
        ),
        # The network of the current transaction, as the database sees it: the network mapped
        # to the current role, and only if the transaction named that same network. Every name
        # in it is schema-qualified or from pg_catalog (searched first), so it needs no
        # search_path of its own, and without one PostgreSQL can inline it into the policies.
        (
            f"CREATE FUNCTION {s}.current_network() RETURNS text"
            " LANGUAGE sql STABLE PARALLEL SAFE AS $$"
            f" SELECT r.network FROM {s}.network_roles r"
            " WHERE r.role_name OPERATOR(pg_catalog.=) pg_catalog.current_user()::text"
            f" AND r.network OPERATOR(pg_catalog.=) pg_catalog.current_setting('{SETTING}', true)"
            " $$"
        ),
        *(f"ALTER TABLE {s}.{t} ENABLE ROW LEVEL SECURITY" for t in personal),
        *(f"ALTER TABLE {s}.{t} FORCE ROW LEVEL SECURITY" for t in personal),
        # network_roles: a role sees its own mapping only; only the owner changes it.
        (
            f"CREATE POLICY own_role ON {s}.network_roles FOR SELECT TO {app}"
            " USING (role_name = current_user::text)"
        ),
        (
            f"CREATE POLICY owner_manages ON {s}.network_roles FOR ALL TO {owner}"
            " USING (true) WITH CHECK (true)"
        ),
        # records and persons: a network's rows; the admin view reads and erases any.
        *(
            stmt
            for t in ("records", "persons")
            for stmt in (
                (
                    f"CREATE POLICY network_rows ON {s}.{t} FOR ALL TO {app}"
                    f" USING (network = {cur}) WITH CHECK (network = {cur})"
                ),
                f"CREATE POLICY admin_read ON {s}.{t} FOR SELECT TO {admin} USING (true)",
                f"CREATE POLICY admin_erase ON {s}.{t} FOR DELETE TO {admin} USING (true)",
            )
        ),
        # audit: read and append to the own chain; the admin view reads all, appends to its own.
        f"CREATE POLICY network_read ON {s}.audit FOR SELECT TO {app} USING (chain = {cur})",
        (
            f"CREATE POLICY network_append ON {s}.audit FOR INSERT TO {app}"
            f" WITH CHECK (chain = {cur} AND network = chain)"
        ),
        f"CREATE POLICY admin_read ON {s}.audit FOR SELECT TO {admin} USING (true)",
        (
            f"CREATE POLICY admin_append ON {s}.audit FOR INSERT TO {admin}"
            f" WITH CHECK (chain = '{ADMIN_CHAIN}' AND network IS NULL)"
        ),
        (
            f"CREATE POLICY network_head ON {s}.audit_heads FOR ALL TO {app}"
            f" USING (chain = {cur}) WITH CHECK (chain = {cur})"
        ),
        (
            f"CREATE POLICY admin_head ON {s}.audit_heads FOR ALL TO {admin}"
            f" USING (chain = '{ADMIN_CHAIN}') WITH CHECK (chain = '{ADMIN_CHAIN}')"
        ),
        f"CREATE POLICY admin_read ON {s}.audit_heads FOR SELECT TO {admin} USING (true)",
        # privileges: the group roles get exactly what the store needs; nothing else is granted
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM PUBLIC",
        f"REVOKE ALL ON FUNCTION {s}.current_network() FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {s} TO {app}, {admin}",
        f"GRANT EXECUTE ON FUNCTION {s}.current_network() TO {app}, {admin}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {s}.records, {s}.persons TO {app}",
        f"GRANT SELECT, INSERT ON {s}.audit TO {app}, {admin}",
        f"GRANT SELECT, INSERT, UPDATE ON {s}.audit_heads TO {app}, {admin}",
        # the admin roles see no row of it (no policy), so current_network() is NULL for them
        f"GRANT SELECT ON {s}.network_roles TO {app}, {admin}",
        f"GRANT SELECT ON {s}.schema_migrations TO {app}, {admin}",
        f"GRANT SELECT, DELETE ON {s}.records, {s}.persons TO {admin}",
    )
    return (
        Migration(
            version=1,
            description="records, persons, per-network audit chains, forced row-level security",
            statements=v1,
        ),
    )


#: The migrations of the default schema ``iqcore`` (how many versions this iqcore knows).
MIGRATIONS: tuple[Migration, ...] = migrations()


# -- administration -------------------------------------------------------------------------


def _admin_connect(admin_dsn: str) -> tuple[Conn, str]:
    import psycopg

    conninfo, options = parse_url(admin_dsn)
    try:
        conn = psycopg.connect(conninfo, autocommit=True)
    except psycopg.Error as exc:
        raise _map_error(exc, "admin connect") from None
    return conn, options["schema"]


def _literal(conn: Conn, value: str) -> str:
    from psycopg import sql

    return sql.Literal(value).as_string(conn)


def _ensure_group_roles(conn: Conn, schema: str) -> None:
    for name in _roles(schema):
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        if exists is None:
            conn.execute(
                f"CREATE ROLE {name} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
                " NOINHERIT NOREPLICATION"
            )


def provision(admin_dsn: str, *, schema: str | None = None) -> int:
    """Create or upgrade iqcore's schema in the database of *admin_dsn*; returns its version.

    *admin_dsn* is a ``postgresql://`` URL of a superuser, or of a role with CREATEROLE that may
    create schemas in the database. It creates the NOLOGIN group roles ``<schema>_owner``
    (owns every object), ``<schema>_app`` (network roles) and ``<schema>_admin`` (admin view)
    if they are missing, then applies the missing :func:`migrations` as the owner, in one
    transaction. Running it again is harmless.
    """
    conn, url_schema = _admin_connect(admin_dsn)
    schema = schema or url_schema
    if not _SCHEMA.match(schema):
        raise ConfigurationError("schema must be 1-20 lower-case letters, digits or '_'")
    owner, _app, _admin = _roles(schema)
    try:
        with conn.transaction():
            # one provisioning at a time per database (two at once would race on CREATE)
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('iqcore.provision'))")
            _ensure_group_roles(conn, schema)
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {owner}")
            _become_owner(conn, schema)
            conn.execute(f"SET LOCAL search_path = {schema}")
            version = migrate(conn.cursor(), migrations(schema), placeholder="%s")
            conn.execute("RESET ROLE")
    except StorageError:
        raise
    except Exception as exc:
        raise _map_error(exc, "provision") from None
    finally:
        conn.close()
    return version


def network_role_name(network_id: str, *, schema: str = "iqcore") -> str:
    """The default database role of a network: ``<schema>_net_<slug>_<hash>`` (at most 63
    bytes; the hash keeps ``iq-a`` and ``iq_a`` apart)."""
    check_network(network_id)
    slug = re.sub(r"[^a-z0-9]+", "_", network_id.lower()).strip("_")[:24]
    digest = hashlib.sha256(network_id.encode()).hexdigest()[:8]
    return f"{schema}_net_{slug}_{digest}"


def _check_role_name(role: str) -> str:
    if not isinstance(role, str) or not _ROLE_NAME.match(role):
        raise ConfigurationError(
            "a database role name must be 1-63 lower-case letters, digits or '_'"
        )
    return role


def _create_login_role(conn: Conn, role: str, password: str, group: str) -> None:
    """Create *role* (or reset its password), a plain login role in *group*. An existing role
    with any privilege that gets around row-level security is refused, not altered."""
    if not isinstance(password, str) or len(password) < 12:
        raise ConfigurationError("the password must be a string of at least 12 characters")
    row = conn.execute(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication"
        " FROM pg_roles WHERE rolname = %s",
        (role,),
    ).fetchone()
    # The verifier is computed here, so the password itself never reaches the server's logs.
    verifier = conn.pgconn.encrypt_password(
        password.encode(), role.encode(), b"scram-sha-256"
    ).decode()
    if row is None:
        conn.execute(
            f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            f" NOREPLICATION INHERIT PASSWORD {_literal(conn, verifier)}"
        )
    elif any(row):
        raise ConfigurationError(
            "the database role exists with privileges that get around row-level security "
            "(superuser, BYPASSRLS, CREATEROLE, CREATEDB or REPLICATION); choose another role"
        )
    else:
        conn.execute(f"ALTER ROLE {role} LOGIN PASSWORD {_literal(conn, verifier)}")
    conn.execute(f"GRANT {group} TO {role}")


def create_network_role(
    admin_dsn: str,
    network_id: str,
    password: str,
    *,
    role: str | None = None,
    schema: str | None = None,
) -> str:
    """Create the database role of *network_id* (or reset its password); returns its name.

    The role logs in with *password*, is a member of ``<schema>_app`` and nothing else, and is
    mapped to the network in ``network_roles``: through it, only that network's rows can ever
    be read or written. A role already mapped to another network, or a network already mapped
    to another role, is a :class:`~iqcore.storage.Conflict`. Run :func:`provision` first.
    """
    check_network(network_id)
    conn, url_schema = _admin_connect(admin_dsn)
    schema = schema or url_schema
    role = _check_role_name(role or network_role_name(network_id, schema=schema))
    _owner, app, admin = _roles(schema)
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('iqcore.provision'))")
            _check_provisioned(conn, schema)
            taken = conn.execute(
                f"SELECT role_name, network FROM {schema}.network_roles"
                " WHERE role_name = %s OR network = %s",
                (role, network_id),
            ).fetchall()
            if any((r, n) != (role, network_id) for r, n in taken):
                raise Conflict("the role or the network is already mapped to another one")
            member_of_admin = (
                conn.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", (role, admin)).fetchone()
                if _role_exists(conn, role)
                else None
            )
            if member_of_admin and member_of_admin[0]:
                raise ConfigurationError("a network role must not be a member of the admin role")
            _create_login_role(conn, role, password, app)
            _become_owner(conn, schema)
            conn.execute(
                f"INSERT INTO {schema}.network_roles (role_name, network) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                (role, network_id),
            )
            conn.execute("RESET ROLE")
    except StorageError:
        raise
    except ConfigurationError:
        raise
    except Exception as exc:
        raise _map_error(exc, "create network role") from None
    finally:
        conn.close()
    return role


def create_admin_role(
    admin_dsn: str, role: str, password: str, *, schema: str | None = None
) -> str:
    """Create a login role for the admin view (``network=None``): a member of
    ``<schema>_admin``, which reads every network's records and erases them, never writes.
    Keep it for erasure requests and audits; never give it to an application."""
    conn, url_schema = _admin_connect(admin_dsn)
    schema = schema or url_schema
    role = _check_role_name(role)
    _owner, app, admin = _roles(schema)
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('iqcore.provision'))")
            _check_provisioned(conn, schema)
            if _role_exists(conn, role):
                row = conn.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", (role, app)).fetchone()
                if row and row[0]:
                    raise ConfigurationError("a network role cannot also be an admin role")
            _create_login_role(conn, role, password, admin)
    except (StorageError, ConfigurationError):
        raise
    except Exception as exc:
        raise _map_error(exc, "create admin role") from None
    finally:
        conn.close()
    return role


def _become_owner(conn: Conn, schema: str) -> None:
    """``SET LOCAL ROLE <schema>_owner`` (an admin that is no superuser is made a member)."""
    owner = _roles(schema)[0]
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    if not (row and row[0]):
        conn.execute(f"GRANT {owner} TO CURRENT_USER")
    conn.execute(f"SET LOCAL ROLE {owner}")


def _role_exists(conn: Conn, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def _check_provisioned(conn: Conn, schema: str) -> None:
    row = conn.execute("SELECT to_regclass(%s)", (f"{schema}.network_roles",)).fetchone()
    if row is None or row[0] is None:
        raise ConfigurationError("the database has no iqcore schema yet; run provision() first")


# -- connection pools -----------------------------------------------------------------------


class _SharedPool:
    def __init__(self, pool: ConnectionPool[Conn]) -> None:
        self.pool = pool
        self.users = 0


_POOLS: dict[tuple[str, int, int, float], _SharedPool] = {}
_POOLS_LOCK = threading.Lock()
#: Pools inherited by a forked child: never used there, and kept referenced so that their
#: connections (the parent's sockets) are not closed by the child.
_INHERITED: list[_SharedPool] = []


def _forget_pools_after_fork() -> None:
    _INHERITED.extend(_POOLS.values())
    _POOLS.clear()


os.register_at_fork(after_in_child=_forget_pools_after_fork)


def _configure_connection(conn: Conn) -> None:
    """Each pooled connection plans its (prepared) statements once: the store's statements
    look rows up by key, so a generic plan is as good as a custom one, and planning every
    execution anew under row-level security costs more than the execution itself."""
    conn.execute("SET plan_cache_mode = force_generic_plan")


# -- the store ------------------------------------------------------------------------------


class PostgresStore:
    """A :class:`~iqcore.storage.Store` on a PostgreSQL database provisioned by
    :func:`provision`. Not thread-safe: one per thread (stores with the same URL share one
    connection pool). See the module documentation."""

    capabilities = frozenset(
        {
            Capability.TRANSACTIONS,
            Capability.PERSISTENT,
            Capability.ADMIN_VIEW,
            Capability.MULTI_PROCESS,
            Capability.NETWORK_ISOLATION,
            Capability.AUDIT,
        }
    )

    def __init__(
        self,
        conninfo: str,
        *,
        network: str | None = None,
        role: str = "app",
        schema: str = "iqcore",
        pool_min: int = 1,
        pool_max: int = 8,
        pool_timeout: float = 30.0,
    ) -> None:
        self._network = check_network(network)
        self._role = check_role(role)
        if not _SCHEMA.match(schema):
            raise ConfigurationError("schema must be 1-20 lower-case letters, digits or '_'")
        self._s = schema
        self._chain = ADMIN_CHAIN if self._network is None else self._network
        self._closed = True
        self._txn: Conn | None = None
        self._txn_failed = False
        self._txn_head: list[Any] | None = None  # [seq, hash] while the chain head is locked
        self._txn_reads: list[PendingEntry] = []
        self._key = (conninfo, pool_min, pool_max, pool_timeout)
        self._pool = self._acquire_pool(conninfo, pool_min, pool_max, pool_timeout)
        self._closed = False
        try:
            self._execute("open", self._check_database, write=False)
        except BaseException:
            self.close()
            raise

    @property
    def network(self) -> str | None:
        return self._network

    # -- pool and set-up ------------------------------------------------------------------
    def _acquire_pool(
        self, conninfo: str, pool_min: int, pool_max: int, timeout: float
    ) -> ConnectionPool[Conn]:
        import psycopg
        from psycopg_pool import ConnectionPool

        key = (conninfo, pool_min, pool_max, timeout)
        with _POOLS_LOCK:
            shared = _POOLS.get(key)
            if shared is not None:
                shared.users += 1
                return shared.pool
        # A new pool: one direct connection first, so that a refused login or an unreachable
        # server is reported at once and precisely, not as a pool timeout.
        try:
            psycopg.connect(conninfo, connect_timeout=max(1, int(timeout))).close()
        except psycopg.Error as exc:
            raise _map_error(exc, "connect") from None
        with _POOLS_LOCK:
            shared = _POOLS.get(key)
            if shared is None:  # (another thread may have made it meanwhile)
                pool: ConnectionPool[Conn] = ConnectionPool(
                    conninfo,
                    min_size=pool_min,
                    max_size=pool_max,
                    timeout=timeout,
                    kwargs={"autocommit": True},
                    configure=_configure_connection,
                    open=False,
                    name="iqcore",
                )
                pool.open(wait=False)
                shared = _POOLS[key] = _SharedPool(pool)
            shared.users += 1
            return shared.pool

    def _release_pool(self) -> None:
        with _POOLS_LOCK:
            shared = _POOLS.get(self._key)
            if shared is None or shared.pool is not self._pool:
                return
            shared.users -= 1
            if shared.users <= 0:
                del _POOLS[self._key]
                shared.pool.close()

    def _check_database(self, conn: Conn, _audit: list[PendingEntry]) -> None:
        """Refuse a database without iqcore's schema or at another version, and a role that is
        not this network's (or, for the admin view, not an admin role)."""
        import psycopg

        s = self._s
        owner, _app, admin = _roles(s)
        try:
            row = conn.execute(
                f"SELECT (SELECT max(version) FROM {s}.schema_migrations), r.rolsuper,"
                " r.rolbypassrls, pg_has_role(current_user, %s, 'MEMBER'),"
                f" pg_has_role(current_user, %s, 'USAGE'), {s}.current_network()"
                " FROM pg_roles r WHERE r.rolname = current_user",
                (owner, admin),
            ).fetchone()
        except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName):
            raise ConfigurationError(
                "the database has no iqcore schema (or this role may not see it); "
                "run iqcore_adapters.postgres.provision() with an admin URL first"
            ) from None
        except (psycopg.errors.UndefinedObject, psycopg.errors.InsufficientPrivilege):
            raise ConfigurationError(
                "this database role may not use iqcore's schema; use a role made by "
                "create_network_role() or create_admin_role()"
            ) from None
        assert row is not None
        version, superuser, bypass, is_owner, is_admin, mapped = row
        version = int(version or 0)
        if version > len(MIGRATIONS):
            raise ReadOnlyStore(
                "the database was provisioned by a newer iqcore (schema version "
                f"{version} > {len(MIGRATIONS)}); upgrade iqcore to use it"
            )
        if version < len(MIGRATIONS):
            raise ConfigurationError(
                f"the database schema is at version {version}, this iqcore needs "
                f"{len(MIGRATIONS)}: run iqcore_adapters.postgres.provision() with an admin URL"
            )
        if self._network is None:
            if not is_admin:
                raise ConfigurationError(
                    "the admin view (network=None) needs a role made by create_admin_role()"
                )
            return
        if superuser or bypass or is_owner:
            raise ConfigurationError(
                "a network store must connect as its network's role (create_network_role()), "
                "not as a superuser, a BYPASSRLS role or the schema owner"
            )
        if mapped != self._network:
            raise ConfigurationError(
                "this database role is not the role of this network; use the role that "
                "create_network_role() made for it"
            )

    # -- plumbing -------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("the store is closed")
        if self._txn_failed:
            raise TransactionError("the transaction failed and was rolled back; leave its block")

    def _set_context(self, conn: Conn) -> None:
        if self._network is not None:
            conn.execute("SELECT set_config(%s, %s, true)", (SETTING, self._network))

    def _lock_head_start(self, conn: Conn) -> Cursor:
        """Lock this store's audit chain head (first thing in a transaction that writes, so
        that writers of one network queue here and never deadlock on rows). Returns the cursor
        whose row is the head's ``(seq, hash)``; fetching it can wait (pipeline mode)."""
        return conn.execute(
            f"INSERT INTO {self._s}.audit_heads AS h (chain, seq, hash) VALUES (%s, 0, %s)"
            " ON CONFLICT (chain) DO UPDATE SET seq = h.seq RETURNING seq, hash",
            (self._chain, GENESIS),
        )

    @staticmethod
    def _head_of(cur: Cursor) -> list[Any]:
        row = cur.fetchone()
        assert row is not None
        return [int(row[0]), row[1]]

    def _lock_head(self, conn: Conn) -> list[Any]:
        return self._head_of(self._lock_head_start(conn))

    def _append_audit(self, conn: Conn, head: list[Any], pending: Sequence[PendingEntry]) -> None:
        """Seal *pending* after *head* (locked), insert the entries and move the head: one
        statement."""
        if not pending:
            return
        entries = seal(pending, last_seq=head[0], last_hash=head[1])
        s = self._s
        head[0], head[1] = entries[-1].seq, entries[-1].hash
        conn.execute(
            f"WITH a AS (INSERT INTO {s}.audit (chain, seq, at, network, role, operation, kind,"
            " persons, count, prev, hash) SELECT %s, q, t, %s, r, o, k,"
            " ARRAY(SELECT jsonb_array_elements_text(p::jsonb)), c, v, h"
            " FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[],"
            " %s::text[], %s::bigint[], %s::text[], %s::text[]) AS e(q, t, r, o, k, p, c, v, h))"
            f" UPDATE {s}.audit_heads SET seq = %s, hash = %s WHERE chain = %s",
            (
                self._chain,
                self._network,
                [e.seq for e in entries],
                [e.at for e in entries],
                [e.role for e in entries],
                [e.operation for e in entries],
                [e.kind for e in entries],
                [orjson.dumps(list(e.persons)).decode() for e in entries],
                [e.count for e in entries],
                [e.prev for e in entries],
                [e.hash for e in entries],
                head[0],
                head[1],
                self._chain,
            ),
        )

    def _execute(
        self,
        what: str,
        fn: Callable[[Conn, list[PendingEntry]], T],
        *,
        write: bool,
        audited: bool | None = None,
        pipeline: bool = True,
    ) -> T:
        """Run ``fn(conn, audit)`` in the open transaction, or in a transaction of its own
        (retried after a deadlock). *audit* collects the audit entries the operation causes.

        *write*: it changes data; *audited*: it may cause audit entries (default: *write*);
        *pipeline*: send its statements in libpq's pipeline mode (not with COPY), so that a
        whole operation takes one or two round trips to the server."""
        import psycopg

        self._check_open()
        if self._txn is not None:
            conn = self._txn
            audit: list[PendingEntry] = []
            try:
                with conn.pipeline() if pipeline else contextlib.nullcontext():
                    head = None
                    if write and self._txn_head is None:
                        head = self._lock_head_start(conn)
                    result = fn(conn, audit)
                    writes = [e for e in audit if e.operation not in _READ_OPERATIONS]
                    self._txn_reads.extend(e for e in audit if e.operation in _READ_OPERATIONS)
                    if writes:
                        if self._txn_head is None:
                            self._txn_head = self._head_of(head) if head else self._lock_head(conn)
                        self._append_audit(conn, self._txn_head, writes)
            except psycopg.Error as exc:
                self._txn_failed = True
                raise _map_error(exc, what) from None
            return result
        lock = write if audited is None else (write or audited)
        for attempt in range(RETRIES):
            try:
                with self._pool.connection() as conn:
                    return self._own_transaction(conn, fn, lock=lock, pipeline=pipeline)
            except psycopg.Error as exc:
                if _connection_lost(exc):
                    # the server dropped connections (a restart, an administrator): let the
                    # pool discard every dead one. A read is tried again; a write is not, as
                    # its commit may or may not have happened before the connection went.
                    self._pool.check()
                    if write or attempt == RETRIES - 1:
                        raise StorageError(
                            f"PostgreSQL {what} failed: the connection to the server was lost; "
                            "the operation may or may not have been committed"
                        ) from None
                elif not _retryable(exc) or attempt == RETRIES - 1:
                    raise _map_error(exc, what) from None
            except Exception as exc:
                if type(exc).__module__.startswith("psycopg_pool"):
                    raise _map_error(exc, what) from None
                raise
            time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _own_transaction(
        self,
        conn: Conn,
        fn: Callable[[Conn, list[PendingEntry]], T],
        *,
        lock: bool,
        pipeline: bool = False,
    ) -> T:
        """``fn`` in one transaction on *conn*, with its audit entries (psycopg errors pass).
        With *lock*, the audit chain head is locked first."""
        audit: list[PendingEntry] = []
        with conn.pipeline() if pipeline else contextlib.nullcontext(), conn.transaction():
            self._set_context(conn)
            head = self._lock_head_start(conn) if lock else None
            result = fn(conn, audit)
            if audit:
                self._append_audit(
                    conn, self._head_of(head) if head else self._lock_head(conn), audit
                )
        return result

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

    # -- writes ---------------------------------------------------------------------------
    def _persons_sql(self) -> str:
        """The upsert of audit pseudonyms (parameters: network, migrant ids, fresh
        pseudonyms). Its no-op update makes it return the existing rows too, found through the
        primary key whatever the planner's statistics say."""
        return (
            f"INSERT INTO {self._s}.persons AS p (network, migrant_id, pseudonym)"
            " SELECT %s, m, f FROM unnest(%s::text[], %s::text[]) AS t(m, f)"
            " ON CONFLICT (network, migrant_id) DO UPDATE SET pseudonym = p.pseudonym"
            " RETURNING p.migrant_id, p.pseudonym"
        )

    def _write_batch(self, conn: Conn, batch: _Batch) -> list[PendingEntry]:
        """Upsert a batch of records and their persons' pseudonyms; returns the audit entries
        (one per kind, in order). Small batches take one statement; large ones COPY."""
        assert self._network is not None
        if not batch.rows:
            return []
        s = self._s
        rows, people, fresh = batch.rows, batch.people, batch.fresh
        upsert = (
            " ON CONFLICT (network, kind, id) DO UPDATE SET migrant_id = excluded.migrant_id,"
            " schema_version = excluded.schema_version, idx = excluded.idx, doc = excluded.doc"
        )
        if len(rows) >= COPY_THRESHOLD:
            pseud: dict[str, str] = dict(
                conn.execute(self._persons_sql(), (self._network, people, fresh))
            )
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS iqcore_stage (kind text, id text,"
                " migrant_id text, schema_version integer, idx text, doc bytea)"
            )
            with conn.cursor() as cur:
                with cur.copy(
                    "COPY pg_temp.iqcore_stage (kind, id, migrant_id, schema_version, idx, doc)"
                    " FROM STDIN (FORMAT BINARY)"
                ) as copy:
                    copy.set_types(["text", "text", "text", "int4", "text", "bytea"])
                    for row in rows:
                        copy.write_row(row)
                # A plain INSERT costs about a third less than an upsert, so find out first
                # whether any staged key exists (one primary-key probe per row; no one else
                # can insert into this network meanwhile: its writers queue at the chain head)
                exists = cur.execute(
                    "SELECT EXISTS (SELECT 1 FROM pg_temp.iqcore_stage s WHERE (SELECT true"
                    f" FROM {s}.records r WHERE r.network = %s AND r.kind = s.kind"
                    " AND r.id = s.id LIMIT 1))",
                    (self._network,),
                ).fetchone()
                cur.execute(
                    f"INSERT INTO {s}.records (network, kind, id, migrant_id, schema_version,"
                    " idx, doc) SELECT %s, kind, id, migrant_id, schema_version, idx::jsonb, doc"
                    " FROM pg_temp.iqcore_stage" + (upsert if exists is None or exists[0] else ""),
                    (self._network,),
                )
                cur.execute("TRUNCATE pg_temp.iqcore_stage")
        else:
            # persons and records in one statement (the foreign key is checked at its end)
            columns = list(zip(*rows, strict=True))
            pseud = dict(
                conn.execute(
                    f"WITH p AS ({self._persons_sql()}),"
                    f" r AS (INSERT INTO {s}.records (network, kind, id, migrant_id,"
                    " schema_version, idx, doc) SELECT %s, k, i, m, v, x::jsonb, d FROM"
                    " unnest(%s::text[], %s::text[], %s::text[], %s::int[], %s::text[],"
                    f" %s::bytea[]) AS t(k, i, m, v, x, d){upsert})"
                    " SELECT migrant_id, pseudonym FROM p",
                    (self._network, people, fresh, self._network, *map(list, columns)),
                )
            )
        return [
            self._entry("put", name, [pseud[m] for m in persons], count)
            for name, (persons, count) in batch.groups.items()
        ]

    def put(self, obj: object) -> None:
        self._check_open()
        batch = _Batch([prepare(obj, self._network)], [encode(obj)])

        def work(conn: Conn, audit: list[PendingEntry]) -> None:
            audit.extend(self._write_batch(conn, batch))

        self._execute("put", work, write=True)

    def put_many(
        self,
        objs: Iterable[object],
        *,
        progress: ProgressCallback | None = None,
        chunk_size: int = 1000,
    ) -> int:
        """One transaction per chunk (COPY for chunks of :data:`COPY_THRESHOLD` or more).
        While the server writes one chunk, a helper thread checks and encodes the next one;
        a chunk that fails its checks is reported after the chunks before it are committed,
        exactly as without the helper."""
        self._check_open()
        chunks = chunked(objs, chunk_size)
        first = next(chunks, None)
        if first is None:
            return 0
        done = 0
        with bulk(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="iqcore") as helper:
            pending: Future[_Chunk] | None = helper.submit(self._prepare_chunk, first)
            while pending is not None:
                chunk = pending.result()
                following = next(chunks, None)
                pending = (
                    None if following is None else helper.submit(self._prepare_chunk, following)
                )
                self._execute(
                    "put_many",
                    chunk.write,
                    write=True,
                    pipeline=chunk.size < COPY_THRESHOLD,
                )
                done += chunk.size
                if progress is not None:
                    progress(done)
        return done

    def _prepare_chunk(self, objs: list[object]) -> _Chunk:
        prepared = [prepare(o, self._network) for o in objs]
        return _Chunk(self, _Batch(prepared, [encode(o) for o in objs]))

    def delete(self, cls: type[object], id: str) -> None:
        self._check_open()
        kind = kind_for(cls)
        if self._network is None:
            raise ReadOnlyStore("an admin view (network=None) cannot write records")
        s = self._s

        def work(conn: Conn, audit: list[PendingEntry]) -> None:
            row = conn.execute(
                f"DELETE FROM {s}.records r WHERE r.network = %s AND r.kind = %s AND r.id = %s"
                f" RETURNING (SELECT p.pseudonym FROM {s}.persons p"
                " WHERE p.network = r.network AND p.migrant_id = r.migrant_id)",
                (self._network, kind.name, id),
            ).fetchone()
            if row is None:
                raise NotFound(f"no {kind.name} record with this id in this network")
            audit.append(self._entry("delete", kind.name, [row[0]] if row[0] else [], 1))

        self._execute("delete", work, write=True)

    # -- reads ----------------------------------------------------------------------------
    def _net_clause(self, clauses: list[str], args: list[object]) -> None:
        if self._network is not None:
            clauses.append("r.network = %s")
            args.append(self._network)

    def get(self, cls: type[T], id: str) -> T:
        self._check_open()
        kind = kind_for(cls)
        s = self._s

        def work(conn: Conn, audit: list[PendingEntry]) -> T:
            clauses: list[str] = ["r.kind = %s", "r.id = %s"]
            args: list[object] = [kind.name, id]
            self._net_clause(clauses, args)
            with conn.cursor(binary=True) as cur:
                rows = cur.execute(
                    f"SELECT r.doc, p.pseudonym FROM {s}.records r LEFT JOIN {s}.persons p"
                    " ON p.network = r.network AND p.migrant_id = r.migrant_id"
                    f" WHERE {' AND '.join(clauses)} LIMIT 2",
                    args,
                ).fetchall()
            if not rows:
                raise NotFound(f"no {kind.name} record with this id in this network")
            if len(rows) > 1:
                raise Conflict(f"the {kind.name} id exists in several networks; open one of them")
            doc, pseudonym = rows[0]
            obj = decode(bytes(doc), kind.cls)
            if pseudonym is not None:
                audit.append(self._entry("get", kind.name, [pseudonym], 1))
            return obj

        return self._execute("get", work, write=False, audited=True)

    def find(self, cls: type[T], **filters: object) -> list[T]:
        self._check_open()
        kind = kind_for(cls)
        norm = normalise_filters(kind, filters)
        clauses: list[str] = ["r.kind = %s"]
        args: list[object] = [kind.name]
        self._net_clause(clauses, args)
        for name, (op, arg) in norm.items():
            clauses.append(_filter_sql(name, op, arg, args))
        s = self._s
        sql = (
            f"SELECT r.doc, p.pseudonym FROM {s}.records r LEFT JOIN {s}.persons p"
            " ON p.network = r.network AND p.migrant_id = r.migrant_id"
            f" WHERE {' AND '.join(clauses)} ORDER BY r.id, r.network"
        )

        def work(conn: Conn, audit: list[PendingEntry]) -> list[T]:
            with conn.cursor(binary=True) as cur:
                rows = cur.execute(sql, args).fetchall()
            out = _decode_many([bytes(d) for d, _p in rows], kind.cls)
            persons = [p for _d, p in rows if p is not None]
            if persons:
                audit.append(self._entry("find", kind.name, persons, len(rows)))
            return out

        return self._execute("find", work, write=False, audited=True)

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        import psycopg

        self._check_open()
        if self._txn is not None:
            raise TransactionError("transactions do not nest")
        try:
            conn = self._pool.getconn()
        except Exception as exc:
            raise _map_error(exc, "begin") from None
        try:
            try:
                with conn.pipeline():  # one round trip for both
                    conn.execute("BEGIN")
                    self._set_context(conn)
            except psycopg.Error as exc:
                if _connection_lost(exc):
                    self._pool.check()
                raise _map_error(exc, "begin") from None
            self._txn, self._txn_failed, self._txn_head, self._txn_reads = conn, False, None, []
            try:
                yield
            except BaseException:
                self._end_transaction(conn, commit=False)
                raise
            if self._txn_failed:
                self._end_transaction(conn, commit=False)
                raise TransactionError("the transaction failed and was rolled back")
            self._end_transaction(conn, commit=True)
        finally:
            self._txn = None
            self._txn_failed = False
            self._txn_head = None
            self._pool.putconn(conn)

    def _end_transaction(self, conn: Conn, *, commit: bool) -> None:
        """Commit (with the buffered read entries) or roll back; a rolled-back transaction's
        reads are then logged on the same connection: reading personal data is logged either
        way."""
        import psycopg

        reads, self._txn_reads = self._txn_reads, []
        head, self._txn_head = self._txn_head, None
        self._txn = None
        self._txn_failed = False
        if commit:
            try:
                if reads:
                    self._append_audit(conn, head or self._lock_head(conn), reads)
                conn.execute("COMMIT")
                return
            except psycopg.Error as exc:
                error: IqcoreError | None = _map_error(exc, "commit")
        else:
            error = None
        with contextlib.suppress(psycopg.Error):
            conn.execute("ROLLBACK")
        if reads:

            def log(_conn: Conn, audit: list[PendingEntry]) -> None:
                audit.extend(reads)

            try:
                self._own_transaction(conn, log, lock=True)
            except psycopg.Error as exc:
                if error is None:
                    raise _map_error(exc, "audit after rollback") from None
        if error is not None:
            raise error

    # -- persons --------------------------------------------------------------------------
    def export_person(self, migrant_id: str) -> bytes:
        self._check_open()
        s = self._s

        def work(conn: Conn, audit: list[PendingEntry]) -> list[tuple[str, str, bytes]]:
            clauses: list[str] = ["r.migrant_id = %s"]
            args: list[object] = [migrant_id]
            self._net_clause(clauses, args)
            where = " AND ".join(clauses)
            with conn.cursor(binary=True) as cur:
                rows = cur.execute(
                    f"SELECT r.kind, r.id, r.doc FROM {s}.records r WHERE {where}"
                    " ORDER BY r.kind, r.id, r.network",
                    args,
                ).fetchall()
                persons = cur.execute(
                    f"SELECT r.pseudonym FROM {s}.persons r WHERE {where}", args
                ).fetchall()
            audit.append(self._entry("export", "", [p for (p,) in persons], len(rows)))
            return [(k, i, bytes(d)) for k, i, d in rows]

        records = self._execute("export", work, write=False, audited=True)
        return build_export(self._network, migrant_id, records)

    def import_person(self, data: bytes) -> int:
        self._check_open()
        parsed = parse_export(data)
        prepared = [prepare(o, self._network) for o in parsed.records]
        batch = _Batch(prepared, [encode(o) for o in parsed.records])

        def work(conn: Conn, audit: list[PendingEntry]) -> None:
            entries = self._write_batch(conn, batch)
            persons = [p for e in entries for p in e.persons]
            audit.append(self._entry("import", "", persons, len(prepared)))

        self._execute("import", work, write=True, pipeline=len(prepared) < COPY_THRESHOLD)
        return len(prepared)

    def erase_person(self, migrant_id: str) -> ErasureReport:
        self._check_open()
        s = self._s

        def work(conn: Conn, audit: list[PendingEntry]) -> list[RemovedRecord]:
            clauses: list[str] = ["r.migrant_id = %s"]
            args: list[object] = [migrant_id]
            self._net_clause(clauses, args)
            where = " AND ".join(clauses)
            rows = conn.execute(
                f"DELETE FROM {s}.records r WHERE {where} RETURNING r.kind, r.id, r.network",
                args,
            ).fetchall()
            persons = conn.execute(
                f"DELETE FROM {s}.persons r WHERE {where} RETURNING r.pseudonym", args
            ).fetchall()
            removed = [RemovedRecord(kind=k, id=i, network=n) for k, i, n in rows]
            audit.append(self._entry("erase", "", [p for (p,) in persons], len(removed)))
            return removed

        removed = self._execute("erase", work, write=True)
        return ErasureReport(network=self._network, removed=tuple(sorted(removed)))

    # -- audit ----------------------------------------------------------------------------
    def _audit_cursor(
        self,
        conn: Conn,
        where: str = "",
        args: Sequence[object] = (),
        order: str = "chain, seq",
    ) -> Cursor:
        return conn.execute(
            "SELECT chain, seq, at, network, role, operation, kind, persons, count, prev, hash"
            f" FROM {self._s}.audit {where} ORDER BY {order}",
            args,
        )

    @staticmethod
    def _audit_entries(cur: Cursor) -> list[tuple[str, AuditEntry]]:
        return _entries_of(cur.fetchall())

    def audit_log(self, *, migrant_id: str | None = None) -> list[AuditEntry]:
        """This network's audit chain in order (for the admin view: the entries of every
        chain, the oldest first)."""
        self._check_open()
        s = self._s

        def work(conn: Conn, _audit: list[PendingEntry]) -> list[AuditEntry]:
            clauses: list[str] = []
            args: list[object] = []
            if self._network is not None:
                clauses.append("chain = %s")
                args.append(self._chain)
            if migrant_id is not None:
                person_where = "migrant_id = %s"
                args.append(migrant_id)
                if self._network is not None:
                    person_where += " AND network = %s"
                    args.append(self._network)
                clauses.append(
                    "persons && ARRAY(SELECT pseudonym FROM"
                    f" {s}.persons WHERE {person_where})::text[]"
                )
            where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
            # one chain in order; for the admin view, every chain, oldest entry first
            cur = self._audit_cursor(conn, where, args, order="at, chain, seq")
            return [e for _chain, e in self._audit_entries(cur)]

        return self._execute("audit log", work, write=False)

    def verify_audit(self) -> AuditVerification:
        """Check this network's chain (every chain for the admin view), including that the
        chain ends where its head says: cutting off the newest entries is detected too."""
        self._check_open()
        s = self._s

        def work(conn: Conn, _audit: list[PendingEntry]) -> AuditVerification:
            # the entries and the chain heads in one statement, so in one snapshot
            where = "" if self._network is None else "WHERE chain = %s"
            where_args: tuple[object, ...] = () if self._network is None else (self._chain,)
            rows = conn.execute(
                "SELECT false, chain, seq, at, network, role, operation, kind, persons, count,"
                f" prev, hash FROM {s}.audit {where} UNION ALL SELECT true, chain, seq, '',"
                " NULL, '', '', '', '{}', 0, '', hash FROM"
                f" {s}.audit_heads {where} ORDER BY 1, 2, 3",
                where_args * 2,
            ).fetchall()
            heads = [(r[1], r[2], r[11]) for r in rows if r[0]]
            by_chain: dict[str, list[AuditEntry]] = {c: [] for c, _q, _h in heads}
            for chain, entry in _entries_of([r[1:] for r in rows if not r[0]]):
                by_chain.setdefault(chain, []).append(entry)
            head_of = {c: (int(q), h) for c, q, h in heads}
            total = 0
            for chain in sorted(by_chain):
                entries = by_chain[chain]
                result = _verify_chain(entries)
                total += result.entries
                if not result.ok:
                    return AuditVerification(
                        ok=False,
                        entries=total,
                        first_broken=result.first_broken,
                        reason=result.reason,
                    )
                last = (entries[-1].seq, entries[-1].hash) if entries else (0, GENESIS)
                head = head_of.get(chain, last)
                if head != last:
                    return AuditVerification(
                        ok=False,
                        entries=total,
                        first_broken=last[0] + 1,
                        reason="the chain ends before its head: the newest entries were removed",
                    )
            return AuditVerification(ok=True, entries=total)

        return self._execute("audit verification", work, write=False)

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Release the store (its pool closes with the last store of its URL). An open
        transaction is rolled back; leaving its block then raises TransactionError."""
        if self._closed:
            return
        self._closed = True
        if self._txn is not None:
            import psycopg

            with contextlib.suppress(psycopg.Error):
                self._txn.execute("ROLLBACK")
            self._txn_failed = True
        self._release_pool()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_READ_OPERATIONS = frozenset({"get", "find", "export"})


class _Batch:
    """Records checked and encoded for the database: their rows (the last of several records
    with one key wins, as in a sequence of puts), the persons with fresh pseudonyms for those
    who have none yet, and per kind the persons and count that its audit entry names."""

    def __init__(self, prepared: Sequence[Prepared], docs: Sequence[bytes]) -> None:
        version = schema_version()
        self.size = len(prepared)
        self.people = sorted({p.person for p in prepared if p.person is not None})
        self.fresh = [new_pseudonym() for _ in self.people]
        latest: dict[tuple[str, str], int] = {}
        for i, p in enumerate(prepared):
            latest[(p.kind.name, p.key)] = i
        dumps = orjson.dumps
        self.rows: list[tuple[str, str, str | None, int, str, bytes]] = []
        for i in sorted(latest.values()):
            p = prepared[i]
            idx = {f.name: v for f, v in zip(p.kind.indexes, p.index, strict=True) if v is not None}
            self.rows.append((p.kind.name, p.key, p.person, version, dumps(idx).decode(), docs[i]))
        self.groups: dict[str, tuple[list[str], int]] = {}
        for p in prepared:
            persons, count = self.groups.get(p.kind.name, ([], 0))
            if p.person is not None:
                persons.append(p.person)
            self.groups[p.kind.name] = (persons, count + 1)


class _Chunk:
    """A batch of ``put_many``, ready to be written by its store."""

    def __init__(self, store: PostgresStore, batch: _Batch) -> None:
        self.store = store
        self.batch = batch
        self.size = batch.size

    def write(self, conn: Conn, audit: list[PendingEntry]) -> None:
        audit.extend(self.store._write_batch(conn, self.batch))


def _filter_sql(name: str, op: str, arg: Any, args: list[object]) -> str:
    """The SQL condition of one normalised filter (the semantics of
    :func:`iqcore.storage.kinds.match_filters`); appends its parameters to *args*."""
    if name == "migrant_id":
        col = "r.migrant_id"

        def eq(value: object) -> str:
            if value is None:
                return f"{col} IS NULL"
            if not isinstance(value, str):
                return "false"
            args.append(value)
            return f"{col} = %s"

        def compare(sign: str, bound: object) -> str:
            args.append(str(bound))
            return f"{col} {sign} %s"

    else:
        col = f"(r.idx -> '{name}')"  # the name was checked against the kind's fields

        def eq(value: object) -> str:
            if value is None:
                return f"{col} IS NULL"
            args.append(orjson.dumps({name: value}).decode())
            return "r.idx @> %s::jsonb"

        def compare(sign: str, bound: object) -> str:
            text = f"(r.idx ->> '{name}')"
            if isinstance(bound, int):
                args.extend((bound, str(bound)))
                return (
                    f"((jsonb_typeof({col}) = 'number' AND {text}::numeric {sign} %s)"
                    f" OR (jsonb_typeof({col}) = 'string' AND {text} COLLATE \"C\" {sign} %s))"
                )
            args.append(str(bound))
            return f'{text} COLLATE "C" {sign} %s'

    if op == "eq":
        return eq(arg)
    if op == "in":
        alternatives = [eq(v) for v in arg]
        return "(" + (" OR ".join(alternatives) or "false") + ")"
    lo, hi = arg
    parts = [f"{col} IS NOT NULL"]
    if lo is not None:
        parts.append(compare(">=", lo))
    if hi is not None:
        parts.append(compare("<", hi))
    return "(" + " AND ".join(parts) + ")"


def _entries_of(rows: Iterable[Sequence[Any]]) -> list[tuple[str, AuditEntry]]:
    """``(chain, AuditEntry)`` of audit rows (chain, seq, at, network, …, hash)."""
    return [
        (
            chain,
            AuditEntry(
                seq=int(seq),
                at=at,
                network=network,
                role=role,
                operation=op,
                kind=kind,
                persons=tuple(persons),
                count=int(count),
                prev=prev,
                hash=h,
            ),
        )
        for chain, seq, at, network, role, op, kind, persons, count, prev, h in rows
    ]


def _decode_many(docs: list[bytes], cls: type[T]) -> list[T]:
    if len(docs) < 8:
        return [decode(d, cls) for d in docs]
    from iqcore.serialization import from_json_many

    return from_json_many(b"[" + b",".join(docs) + b"]", cls)
