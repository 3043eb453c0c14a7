"""The PostgreSQL store: URLs, provisioning, what the database enforces about roles, COPY bulk
writes, transactions, concurrency, lost connections, errors without values, kinds added by an
application. The conformance kit and the crash, isolation and erasure proofs are in
``test_postgres_conformance.py`` and ``test_postgres_proofs.py``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import attrs
import psycopg
import pytest

from iqcore import CaseStatus, CounsellingCase, FederalState, IdentityRecord, Migrant
from iqcore.errors import ConfigurationError, IqcoreError, NotFound, StorageError
from iqcore.storage import (
    Conflict,
    IndexField,
    Range,
    ReadOnlyStore,
    RecordKind,
    TransactionError,
    open_store,
    register_kind,
    store_schemes,
)
from iqcore.storage.kinds import _BY_CLASS, _BY_NAME
from iqcore_adapters.postgres import (
    COPY_THRESHOLD,
    MIGRATIONS,
    PostgresStore,
    create_admin_role,
    create_network_role,
    migrations,
    network_role_name,
    parse_url,
    provision,
)
from pg_server import PgServer

NET = "iq-pg-a"
OTHER = "iq-pg-b"
PASSWORD = "store-test-password"
ADMIN_ROLE = "iqcore_store_admin"
postgres = pytest.mark.postgres


def _case(cid: str, mid: str = "m-1", net: str = NET, **kw: Any) -> CounsellingCase:
    return CounsellingCase(
        id=cid,
        migrant_id=mid,
        network_id=net,
        opened_on=kw.pop("opened_on", date(2024, 5, 6)),
        **kw,
    )


# -- URLs, without a server -------------------------------------------------------------


def test_postgresql_scheme_comes_from_the_entry_point() -> None:
    assert {"postgresql", "postgres"} <= set(store_schemes())


def test_url_options_are_taken_out_and_libpq_parameters_kept() -> None:
    conninfo, options = parse_url(
        "postgresql://u:p@db.example.org:5433/iq?schema=iq_west&sslmode=require&pool_max=3"
    )
    assert conninfo == "postgresql://u:p@db.example.org:5433/iq?sslmode=require"
    assert options == {
        "schema": "iq_west",
        "pool_min": "1",
        "pool_max": "3",
        "pool_timeout": "30",
    }
    assert parse_url("postgres://db/iq")[0] == "postgresql://db/iq"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://db/iq",
        "postgresql://db/iq?schema=Bad-Name",
        "postgresql://db/iq?schema=" + "x" * 21,
        "postgresql://db/iq?pool_max=lots",
        "postgresql://db/iq?pool_min=4&pool_max=2",
        "postgresql://db/iq?pool_max=0",
        "postgresql://db/iq?pool_timeout=-1",
    ],
)
def test_bad_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_url(url)


def test_network_role_names_are_short_stable_and_distinct() -> None:
    a, b = network_role_name("iq-a"), network_role_name("iq_a")
    assert a != b
    assert a == network_role_name("iq-a")
    assert a.startswith("iqcore_net_iq_a_")
    long = network_role_name("n" * 64, schema="s" * 20)
    assert len(long) <= 63
    with pytest.raises(ConfigurationError):
        network_role_name("not a network id")


def test_migrations_are_numbered_and_force_row_level_security() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    sql = " ".join(s for m in migrations("iq_x") for s in m.statements)
    for table in ("records", "persons", "audit", "audit_heads", "network_roles"):
        assert f"ALTER TABLE iq_x.{table} ENABLE ROW LEVEL SECURITY" in sql
        assert f"ALTER TABLE iq_x.{table} FORCE ROW LEVEL SECURITY" in sql


# -- a provisioned database ---------------------------------------------------------------


class _Db:
    def __init__(self, server: PgServer) -> None:
        self.server = server
        self.admin = server.create_database("iqcore_store")
        assert provision(self.admin) == len(MIGRATIONS)
        self.roles = {n: create_network_role(self.admin, n, PASSWORD) for n in (NET, OTHER)}
        create_admin_role(self.admin, ADMIN_ROLE, PASSWORD)

    def url(self, network: str | None, **options: str) -> str:
        role = ADMIN_ROLE if network is None else self.roles[network]
        query = "&".join(f"{k}={v}" for k, v in options.items())
        return self.server.dsn("iqcore_store", role, PASSWORD) + (f"?{query}" if query else "")

    def open(self, network: str | None = NET, **options: str) -> PostgresStore:
        store = open_store(self.url(network, **options), network=network)
        assert isinstance(store, PostgresStore)
        return store

    def superuser(self) -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.connect(self.admin, autocommit=True)


@pytest.fixture(scope="module")
def db(postgres_server: PgServer) -> _Db:
    return _Db(postgres_server)


@pytest.fixture
def store(db: _Db) -> Iterator[PostgresStore]:
    with db.superuser() as su:
        for table in ("records", "persons"):
            su.execute(f"DELETE FROM iqcore.{table} WHERE network IN (%s, %s)", (NET, OTHER))
    with db.open() as s:
        yield s


@postgres
def test_provision_is_idempotent_and_the_database_enforces_the_roles(db: _Db) -> None:
    assert provision(db.admin) == len(MIGRATIONS)
    with db.superuser() as su:
        tables = su.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, r.rolname"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_roles r ON r.oid = c.relowner"
            " WHERE n.nspname = 'iqcore' AND c.relkind = 'r' ORDER BY 1"
        ).fetchall()
        by_name = {t[0]: t[1:] for t in tables}
        for table in ("audit", "audit_heads", "network_roles", "persons", "records"):
            assert by_name[table] == (True, True, "iqcore_owner"), table
        assert by_name["schema_migrations"][2] == "iqcore_owner"
        for role in (*db.roles.values(), ADMIN_ROLE):
            flags = su.execute(
                "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication,"
                " pg_has_role(rolname, 'iqcore_owner', 'MEMBER') FROM pg_roles"
                " WHERE rolname = %s",
                (role,),
            ).fetchone()
            assert flags == (False,) * 6, role
        groups = su.execute(
            "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'iqcore\\_%%'"
            " AND rolname IN ('iqcore_owner', 'iqcore_app', 'iqcore_admin') ORDER BY 1"
        ).fetchall()
        assert groups == [("iqcore_admin", False), ("iqcore_app", False), ("iqcore_owner", False)]


@postgres
def test_a_store_refuses_a_role_that_is_not_its_networks(db: _Db) -> None:
    with pytest.raises(ConfigurationError, match="not the role of this network"):
        open_store(db.url(NET), network=OTHER)
    with pytest.raises(ConfigurationError, match="superuser"):
        open_store(db.admin, network=NET)
    with pytest.raises(ConfigurationError, match="admin view"):
        open_store(db.url(NET), network=None)
    with pytest.raises(ConfigurationError, match="not the role of this network"):
        open_store(db.url(None), network=NET)


@postgres
def test_a_wrong_password_or_a_missing_server_is_reported_without_values(
    db: _Db, postgres_server: PgServer
) -> None:
    role = db.roles[NET]
    url = postgres_server.dsn("iqcore_store", role, "wrong-password-123")
    with pytest.raises(ConfigurationError) as info:
        open_store(url, network=NET)
    assert "wrong-password" not in str(info.value)
    assert role not in str(info.value)
    closed = f"postgresql://{role}:x@127.0.0.1:1/iqcore_store?pool_timeout=2"
    with pytest.raises(StorageError) as lost:
        open_store(closed, network=NET)
    assert role not in str(lost.value)


@postgres
def test_schema_versions_are_checked(db: _Db, postgres_server: PgServer) -> None:
    """A database without the schema, one at an older version and one written by a newer
    iqcore are each refused (a separate schema, so the others are not disturbed)."""
    assert provision(db.admin, schema="iqv") == len(MIGRATIONS)
    role = create_network_role(db.admin, NET, PASSWORD, schema="iqv", role="iqv_net_a")
    url = postgres_server.dsn("iqcore_store", role, PASSWORD) + "?schema=iqv"
    with db.superuser() as su:
        open_store(url, network=NET).close()
        su.execute("DELETE FROM iqv.schema_migrations")
        with pytest.raises(ConfigurationError, match="provision"):
            open_store(url, network=NET)
        su.execute(
            "INSERT INTO iqv.schema_migrations VALUES (1, 'v1', 'now'), (2, 'future', 'now')"
        )
        with pytest.raises(ReadOnlyStore, match="newer iqcore"):
            open_store(url, network=NET)
        su.execute("DELETE FROM iqv.schema_migrations WHERE version = 2")
        open_store(url, network=NET).close()
    with pytest.raises(ConfigurationError, match="no iqcore schema"):
        open_store(url.replace("schema=iqv", "schema=iq_nothing"), network=NET)


@postgres
def test_create_network_role_before_provision_is_refused(postgres_server: PgServer) -> None:
    admin = postgres_server.create_database("iqcore_empty")
    with pytest.raises(ConfigurationError, match="provision"):
        create_network_role(admin, NET, PASSWORD)


@postgres
def test_role_management_refuses_what_would_weaken_isolation(db: _Db) -> None:
    with pytest.raises(Conflict):
        create_network_role(db.admin, NET, PASSWORD, role="iqcore_other_role_for_a")
    with pytest.raises(Conflict):
        create_network_role(db.admin, "iq-pg-c", PASSWORD, role=db.roles[NET])
    with pytest.raises(ConfigurationError, match="12 characters"):
        create_network_role(db.admin, "iq-pg-c", "short")
    with db.superuser() as su:
        su.execute("DROP ROLE IF EXISTS iq_too_mighty")
        su.execute("CREATE ROLE iq_too_mighty LOGIN CREATEDB")
    with pytest.raises(ConfigurationError, match="row-level security"):
        create_network_role(db.admin, "iq-pg-c", PASSWORD, role="iq_too_mighty")
    with pytest.raises(ConfigurationError):
        create_admin_role(db.admin, db.roles[NET], PASSWORD)
    # again with a new password: the role is kept, the old password no longer works
    assert create_network_role(db.admin, NET, PASSWORD + "-new") == db.roles[NET]
    with pytest.raises(ConfigurationError):
        open_store(db.url(NET), network=NET)
    create_network_role(db.admin, NET, PASSWORD)
    open_store(db.url(NET), network=NET).close()


# -- writes ---------------------------------------------------------------------------------


@postgres
def test_put_many_copies_large_chunks_and_the_last_duplicate_wins(store: PostgresStore) -> None:
    seen: list[int] = []
    cases = [_case(f"c-{i:04d}", f"m-{i // 3}") for i in range(2500)]
    cases[1500] = _case("c-0010", "m-3", status=CaseStatus.DOCUMENTS)  # same key as #10, later
    assert store.put_many(cases, progress=seen.append, chunk_size=1000) == 2500
    assert seen == [1000, 2000, 2500]
    assert len(store.find(CounsellingCase)) == 2499
    assert store.get(CounsellingCase, "c-0010").status is CaseStatus.DOCUMENTS
    with store._pool.connection() as conn:  # the chunks went through COPY's staging table
        row = conn.execute("SELECT to_regclass('pg_temp.iqcore_stage')").fetchone()
    assert row is not None
    assert row[0] is not None
    puts = [e for e in store.audit_log() if e.operation == "put"]
    assert [e.count for e in puts] == [1000, 1000, 500]
    assert store.verify_audit().ok


@postgres
def test_put_many_in_a_transaction_is_all_or_nothing(store: PostgresStore) -> None:
    before = len(store.audit_log())
    with pytest.raises(RuntimeError), store.transaction():  # noqa: PT012
        store.put_many((_case(f"c-{i}") for i in range(COPY_THRESHOLD * 3)), chunk_size=100)
        store.get(CounsellingCase, "c-1")
        raise RuntimeError("roll back")
    assert store.find(CounsellingCase) == []
    # the rolled-back writes left no entry; the read they made is logged all the same
    assert [e.operation for e in store.audit_log()[before:]] == ["get"]
    with store.transaction():
        store.put_many((_case(f"c-{i}") for i in range(150)), chunk_size=100)
    assert len(store.find(CounsellingCase)) == 150
    assert store.verify_audit().ok


@pytest.fixture
def note_kind() -> Iterator[RecordKind[Any]]:
    kind: RecordKind[Any] = RecordKind(
        name="test_pg_note",
        cls=Note,
        key=lambda n: n.id,
        person=lambda n: n.migrant_id,
        indexes=(
            IndexField(name="topic", type="text", get=lambda n: n.topic),
            IndexField(name="pages", type="int", get=lambda n: n.pages),
        ),
    )
    register_kind(kind)
    yield kind
    _BY_NAME.pop(kind.name, None)
    _BY_CLASS.pop(kind.cls, None)


@attrs.frozen(kw_only=True)
class Note:
    """A record kind that an application adds (it is not part of iqcore's model)."""

    id: str
    migrant_id: str
    topic: str
    pages: int | None = None


@postgres
def test_a_failed_statement_kills_the_transaction_and_names_no_value(
    store: PostgresStore, note_kind: RecordKind[Any]
) -> None:
    """PostgreSQL refuses a NUL character in an index value: a typed StorageError whose message
    carries no value; the transaction is dead and rolled back."""
    store.put(Migrant(id="m-0"))
    with pytest.raises(TransactionError), store.transaction():  # noqa: PT012
        store.put(Migrant(id="m-1"))
        with pytest.raises(StorageError) as info:
            store.put(Note(id="n-1", migrant_id="m-1", topic="secret\x00topic"))
        assert "secret" not in str(info.value)
        with pytest.raises(TransactionError):
            store.get(Migrant, "m-0")
    assert [m.id for m in store.find(Migrant)] == ["m-0"]
    assert store.verify_audit().ok


@postgres
def test_kinds_added_by_an_application_need_no_schema_change(
    store: PostgresStore, note_kind: RecordKind[Any]
) -> None:
    notes = [
        Note(id="n-1", migrant_id="m-1", topic="docs", pages=3),
        Note(id="n-2", migrant_id="m-1", topic="exam", pages=12),
        Note(id="n-3", migrant_id="m-2", topic="docs"),
    ]
    store.put_many(notes)
    assert [n.id for n in store.find(Note, topic="docs")] == ["n-1", "n-3"]
    assert [n.id for n in store.find(Note, pages=Range(start=4))] == ["n-2"]
    assert [n.id for n in store.find(Note, pages=None)] == ["n-3"]
    assert [n.id for n in store.find(Note, pages={3, 12})] == ["n-1", "n-2"]
    assert store.erase_person("m-1").counts() == {"test_pg_note": 2}


@postgres
def test_find_agrees_with_the_reference_store(store: PostgresStore) -> None:
    """Filters the state machine does not draw: an int field, text ranges, None in a set."""
    memory = open_store("memory://", network=NET)
    records: list[object] = [
        Migrant(id="m-1", arrival_year=2015, residence_state=FederalState.BY),
        Migrant(id="m-2", arrival_year=2021),
        Migrant(id="m-3", residence_state=FederalState.HE),
        _case("c-1", "m-1", occupation_id="occ-a"),
        _case("c-2", "m-2", occupation_id="occ-b", opened_on=date(2023, 1, 1)),
        _case("c-3", "m-3"),
    ]
    store.put_many(records)
    memory.put_many(records)
    queries: list[tuple[type[Any], dict[str, object]]] = [
        (Migrant, {"arrival_year": 2015}),
        (Migrant, {"arrival_year": "2015"}),
        (Migrant, {"arrival_year": Range(start=2016)}),
        (Migrant, {"arrival_year": Range(end=2100)}),
        (Migrant, {"arrival_year": Range(start="2016")}),
        (Migrant, {"residence_state": {FederalState.BY, None}}),
        (Migrant, {"residence_state": None, "arrival_year": None}),
        (Migrant, {"migrant_id": Range(start="m-2")}),
        (CounsellingCase, {"occupation_id": Range(start="occ-a", end="occ-b")}),
        (CounsellingCase, {"occupation_id": set()}),
        (CounsellingCase, {"opened_on": Range(end=date(2024, 1, 1)), "migrant_id": "m-2"}),
    ]
    for cls, filters in queries:
        assert store.find(cls, **filters) == memory.find(cls, **filters), filters


# -- admin view, concurrency, connections ---------------------------------------------------


@postgres
def test_the_admin_view_reads_and_erases_but_never_writes(db: _Db, store: PostgresStore) -> None:
    store.put(IdentityRecord(migrant_id="m-9", given_name="Nine", family_name="Family"))
    with db.open(None) as admin:
        assert admin.get(IdentityRecord, "m-9").given_name == "Nine"
        with pytest.raises(ReadOnlyStore):
            admin.put(Migrant(id="m-10"))
        with pytest.raises(ReadOnlyStore):
            admin.delete(Migrant, "m-9")
        assert admin.erase_person("m-9").total == 1
        assert admin.audit_log()[-1].network is None
        assert admin.verify_audit().ok
    with pytest.raises(NotFound):
        store.get(IdentityRecord, "m-9")


@postgres
def test_four_writers_of_one_network_at_once_lose_nothing(db: _Db, store: PostgresStore) -> None:
    """Threads with a store each (and so a connection each) write the same network at once,
    with single puts, small batches and reads; the chain head queues them, nothing is lost,
    no deadlock reaches a caller, and the audit chain holds."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(w: int) -> None:
        try:
            with db.open() as mine:
                start.wait()
                for i in range(30):
                    if i % 3 == 0:
                        mine.put_many([_case(f"w{w}-{i}-{k}", f"m-{w}") for k in range(4)])
                    else:
                        mine.put(_case(f"w{w}-{i}", f"m-{w}"))
                    mine.find(CounsellingCase, migrant_id=f"m-{w}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.find(CounsellingCase)) == 4 * (10 * 4 + 20)
    assert store.verify_audit().ok


@postgres
def test_a_connection_the_server_dropped_is_replaced(db: _Db, store: PostgresStore) -> None:
    store.put(Migrant(id="m-1"))
    with db.superuser() as su:
        killed = su.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = %s",
            (db.roles[NET],),
        ).fetchone()
    assert killed is not None
    assert killed[0] >= 1
    outcomes: list[str] = []
    for _ in range(2):  # the pool may hand out the dead connection once: a typed error
        try:
            outcomes.append(store.get(Migrant, "m-1").id)
        except StorageError as exc:
            outcomes.append(type(exc).__name__ + ("" if "m-1" not in str(exc) else " with value"))
    assert outcomes[-1] == "m-1"
    assert outcomes[0] in ("m-1", "StorageError")


@postgres
def test_errors_are_typed_iqcore_errors(store: PostgresStore) -> None:
    with pytest.raises(NotFound):
        store.delete(Migrant, "m-404")
    store.close()
    with pytest.raises(IqcoreError):
        store.put(Migrant(id="m-1"))
    store.close()  # idempotent


@postgres
def test_closing_inside_a_transaction_rolls_it_back(db: _Db, store: PostgresStore) -> None:
    other = db.open()
    with pytest.raises(TransactionError), other.transaction():  # noqa: PT012
        other.put(Migrant(id="m-1"))
        other.close()
    assert store.find(Migrant) == []
    assert store.verify_audit().ok
