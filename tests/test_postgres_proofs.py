"""Proofs for the PostgreSQL store: a client killed mid-batch loses nothing acknowledged and
leaves nothing in part; no network role reaches another network's rows, through the library
or with hand-written SQL; erasure leaves no row that refers to the person; the audit chain
detects tampering.

The server keeps ``fsync`` and ``synchronous_commit`` on for these tests. The writers of the
crash proof are forked child processes (``os.fork``): the parent holds no connection pool while
it forks, and a child leaves with ``os._exit``.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import time
import traceback
from collections.abc import Callable
from datetime import date
from typing import Any

import orjson
import psycopg
import pytest

from iqcore import (
    CaseStatus,
    Contact,
    ContactChannel,
    CounsellingCase,
    IdentityRecord,
    Migrant,
)
from iqcore.errors import NotFound
from iqcore.serialization import from_json
from iqcore.storage import Store, WrongNetwork, open_store
from iqcore_adapters.postgres import create_admin_role, create_network_role, provision
from pg_server import PgServer

pytestmark = [pytest.mark.postgres]

PASSWORD = "proof-password-123"
ADMIN_ROLE = "iqcore_proof_admin"


class _Db:
    """A provisioned test database: the superuser's URL and the URLs of network roles."""

    def __init__(self, server: PgServer, name: str, networks: list[str]) -> None:
        self.server = server
        self.name = name
        self.admin = server.create_database(name)
        provision(self.admin)
        self.roles = {n: create_network_role(self.admin, n, PASSWORD) for n in networks}
        create_admin_role(self.admin, ADMIN_ROLE, PASSWORD)

    def url(self, network: str | None) -> str:
        role = ADMIN_ROLE if network is None else self.roles[network]
        return self.server.dsn(self.name, role, PASSWORD)

    def open(self, network: str | None) -> Store:
        return open_store(self.url(network), network=network)

    def superuser(self) -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.connect(self.admin, autocommit=True)


# -- crash ----------------------------------------------------------------------------------

CRASH_NET = "iq-crash"


def _case(trial: int, i: int) -> CounsellingCase:
    return CounsellingCase(
        id=f"t{trial:03d}-{i:05d}",
        migrant_id=f"m-t{trial:03d}-{i // 8}",
        network_id=CRASH_NET,
        opened_on=date(2024, 1, 1),
        occupation_id=f"occ-{i % 17}",
        contacts=tuple(
            Contact(on=date(2024, 1, 1 + k), channel=ContactChannel.PHONE, minutes=15 + k)
            for k in range(i % 4)
        ),
    )


def _fork(child: Callable[[], None]) -> int:
    """Run *child* in a forked process; its exit code is 0 on success, 1 on an exception."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            child()
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    return pid


@pytest.mark.slow
def test_client_killed_mid_batch_loses_no_acknowledged_record(postgres_server: PgServer) -> None:
    """20 trials: a child bulk-writes (COPY-sized chunks in even trials, small pipelined
    chunks in odd ones), acknowledging each committed chunk on a pipe; the parent SIGKILLs it
    after a random number of acknowledgements plus a random delay, that is mid-batch.
    Afterwards every acknowledged record is there, no chunk is there in part, every stored
    document decodes to exactly what was written, and every audit chain holds."""
    db = _Db(postgres_server, "iqcore_crash", [CRASH_NET])
    url = db.url(CRASH_NET)
    rng = random.Random(20240611)
    trials, killed_mid_batch, acknowledged_total = 20, 0, 0
    with db.superuser() as su:
        for trial in range(trials):
            chunk = 100 if trial % 2 == 0 else 24
            per_trial = chunk * 8
            read_fd, write_fd = os.pipe()

            def child(
                trial: int = trial,
                chunk: int = chunk,
                per_trial: int = per_trial,
                read_fd: int = read_fd,
                write_fd: int = write_fd,
            ) -> None:
                os.close(read_fd)
                store = open_store(url, network=CRASH_NET)

                def ack(done: int) -> None:
                    os.write(write_fd, b"%d\n" % done)

                store.put_many(
                    (_case(trial, i) for i in range(per_trial)),
                    progress=ack,
                    chunk_size=chunk,
                )
                store.close()

            pid = _fork(child)
            os.close(write_fd)
            wanted_acks = rng.randrange(0, 6)
            acks: list[int] = []
            with os.fdopen(read_fd, "rb") as pipe:
                while len(acks) < wanted_acks:
                    line = pipe.readline()
                    if not line:
                        break
                    acks.append(int(line))
                time.sleep(rng.uniform(0.0, 0.03))
                os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
                acks += [int(n) for n in pipe.read().split()]
            acknowledged = max(acks, default=0)
            acknowledged_total += acknowledged
            if os.WIFSIGNALED(status) and acknowledged < per_trial:
                killed_mid_batch += 1
            rows = su.execute(
                "SELECT id, doc FROM iqcore.records WHERE network = %s AND id LIKE %s ORDER BY id",
                (CRASH_NET, f"t{trial:03d}-%"),
            ).fetchall()
            ids = [r[0] for r in rows]
            assert ids == [f"t{trial:03d}-{i:05d}" for i in range(len(ids))], f"trial {trial}"
            assert len(ids) >= acknowledged, f"trial {trial}: an acknowledged record was lost"
            assert len(ids) % chunk == 0, f"trial {trial}: a chunk is there in part"
            assert [from_json(bytes(r[1]), CounsellingCase) for r in rows] == [
                _case(trial, i) for i in range(len(ids))
            ], f"trial {trial}: a stored record differs from the one written"
            # no session of the killed client is left holding locks
            leftover = su.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND state <> 'idle'",
                (db.roles[CRASH_NET],),
            ).fetchone()
            assert leftover is not None
    assert killed_mid_batch >= trials * 3 // 4, "the kills came too late to prove anything"
    assert acknowledged_total > 0, "the kills came too early to prove anything"
    with db.open(None) as admin:
        assert admin.verify_audit().ok
    with db.open(CRASH_NET) as store:
        assert store.verify_audit().ok


# -- isolation ------------------------------------------------------------------------------

NETWORKS = [f"iq-iso-{c}" for c in "abcdef"]
SHARED = "m-shared"


def _own(net: str) -> str:
    return f"m-own-{net}"


def _seed(store: Store, net: str) -> None:
    store.put_many(
        [
            Migrant(id=SHARED, arrival_year=2015),
            IdentityRecord(migrant_id=SHARED, given_name="Shared", family_name=net),
            CounsellingCase(
                id="c-shared", migrant_id=SHARED, network_id=net, opened_on=date(2024, 2, 1)
            ),
            Migrant(id=_own(net), arrival_year=2018),
            IdentityRecord(migrant_id=_own(net), given_name="Own", family_name=net),
            CounsellingCase(
                id=f"c-own-{net}", migrant_id=_own(net), network_id=net, opened_on=date(2024, 3, 1)
            ),
        ]
    )


def _snapshot(su: psycopg.Connection[tuple[Any, ...]], net: str) -> list[Any]:
    """Everything of *net* in every table, as the superuser sees it."""
    out: list[Any] = []
    for sql in (
        (
            "SELECT kind, id, migrant_id, schema_version, idx::text, doc FROM iqcore.records"
            " WHERE network = %s ORDER BY kind, id"
        ),
        "SELECT migrant_id, pseudonym FROM iqcore.persons WHERE network = %s ORDER BY 1",
        "SELECT seq, hash FROM iqcore.audit WHERE chain = %s ORDER BY seq",
        "SELECT seq, hash FROM iqcore.audit_heads WHERE chain = %s",
        "SELECT role_name FROM iqcore.network_roles WHERE network = %s",
    ):
        out.append(su.execute(sql, (net,)).fetchall())
    return out


class _Checks:
    """Counts the isolation checks; each one is an assertion that can fail."""

    def __init__(self) -> None:
        self.count = 0

    def true(self, condition: bool, what: str) -> None:
        assert condition, what
        self.count += 1

    def refused(self, conn: psycopg.Connection[tuple[Any, ...]], sql: str, *args: object) -> None:
        """*sql* fails (and its transaction is rolled back)."""
        with pytest.raises(psycopg.Error), conn.transaction():
            conn.execute(sql, args)
        self.count += 1

    def touches_nothing(
        self,
        conn: psycopg.Connection[tuple[Any, ...]],
        network: str | None,
        sql: str,
        *args: object,
    ) -> None:
        """*sql*, run with ``iqcore.network`` set to *network* (not set: None), reads or
        changes no row, or is refused; a change would be rolled back anyway."""
        try:
            with conn.transaction():
                if network is not None:
                    conn.execute("SELECT set_config('iqcore.network', %s, true)", (network,))
                cur = conn.execute(sql, args)
                row = cur.fetchone() if sql.startswith("SELECT") else None
                touched = cur.rowcount if row is None else row[0]
                assert touched == 0, f"{sql!r} touched {touched} row(s)"
                raise _Rollback
        except _Rollback:
            pass
        except psycopg.Error:
            pass
        self.count += 1


class _Rollback(Exception):
    pass


#: Inserts into another network's part of each table (``%s``: that network).
_FOREIGN_INSERTS = (
    (
        "INSERT INTO iqcore.records (network, kind, id, migrant_id, schema_version, idx, doc)"
        " VALUES (%s, 'migrant', 'm-x', NULL, 1, '{}', '\\x7b7d')"
    ),
    "INSERT INTO iqcore.persons (network, migrant_id, pseudonym) VALUES (%s, 'm-x', 'p-x')",
    (
        "INSERT INTO iqcore.audit (chain, seq, at, network, role, operation, kind, persons,"
        " count, prev, hash) VALUES (%s, 999999, 'now', %s, 'x', 'put', 'migrant', '{}', 0,"
        " 'x', 'x')"
    ),
    (
        "INSERT INTO iqcore.audit_heads (chain, seq, hash) VALUES (%s, 0, 'x')"
        " ON CONFLICT (chain) DO UPDATE SET hash = 'x'"
    ),
    "INSERT INTO iqcore.network_roles (role_name, network) VALUES (current_user, %s)",
)


@pytest.mark.slow
def test_no_network_reaches_another_through_the_library_or_raw_sql(
    postgres_server: PgServer,
) -> None:
    """For every ordered pair (A, B) of six networks, A reads, updates, deletes and inserts
    through the library and with hand-written SQL on A's own role connection (with A's
    network set, with B's network set, and with none), tries to switch role, to switch
    row-level security off and to remap itself; none of it touches B's rows, which are equal
    byte for byte before and after."""
    db = _Db(postgres_server, "iqcore_isolation", NETWORKS)
    for net in NETWORKS:
        with db.open(net) as store:
            _seed(store, net)
    checks = _Checks()
    with db.superuser() as su:
        for a_net, b_net in itertools.permutations(NETWORKS, 2):
            before = _snapshot(su, b_net)
            with db.open(a_net) as a:
                # through the library
                with pytest.raises(NotFound):
                    a.get(Migrant, _own(b_net))
                checks.count += 1
                checks.true(a.find(Migrant, migrant_id=_own(b_net)) == [], "find other person")
                checks.true(
                    {c.network_id for c in a.find(CounsellingCase)} == {a_net}, "find cases"
                )
                with pytest.raises(NotFound):
                    a.delete(Migrant, _own(b_net))
                checks.count += 1
                with pytest.raises(WrongNetwork):
                    a.put(
                        CounsellingCase(
                            id="c-intruder",
                            migrant_id=SHARED,
                            network_id=b_net,
                            opened_on=date(2024, 4, 1),
                        )
                    )
                checks.count += 1
                doc = orjson.loads(a.export_person(_own(b_net)))
                checks.true(doc["records"] == [], "export other person")
                checks.true(a.erase_person(_own(b_net)).total == 0, "erase other person")
                # the same ids exist in both networks: A changes only its own
                a.put(Migrant(id=SHARED, arrival_year=2016))
                a.put(
                    CounsellingCase(
                        id="c-shared",
                        migrant_id=SHARED,
                        network_id=a_net,
                        opened_on=date(2024, 2, 1),
                        status=CaseStatus.DOCUMENTS,
                    )
                )
                checks.true(a.get(Migrant, SHARED).arrival_year == 2016, "own update")
                a.put(Migrant(id=SHARED, arrival_year=2015))
            with psycopg.connect(db.url(a_net), autocommit=True) as raw:
                b_role = db.roles[b_net]
                for context in (a_net, b_net, None):
                    for table, column in (
                        ("records", "network"),
                        ("persons", "network"),
                        ("audit", "chain"),
                        ("audit_heads", "chain"),
                    ):
                        checks.touches_nothing(
                            raw,
                            context,
                            f"SELECT count(*) FROM iqcore.{table} WHERE {column} = %s",
                            b_net,
                        )
                        checks.touches_nothing(
                            raw,
                            context,
                            f"UPDATE iqcore.{table} SET {column} = {column} WHERE {column} = %s",
                            b_net,
                        )
                        checks.touches_nothing(
                            raw, context, f"DELETE FROM iqcore.{table} WHERE {column} = %s", b_net
                        )
                    checks.touches_nothing(
                        raw,
                        context,
                        "SELECT count(*) FROM iqcore.network_roles WHERE network = %s",
                        b_net,
                    )
                    # impersonating B: nothing at all is visible, not even A's own rows
                    if context != a_net:
                        checks.touches_nothing(raw, context, "SELECT count(*) FROM iqcore.records")
                    # inserting into B's partition of any table is refused
                    for sql in _FOREIGN_INSERTS:
                        params = (b_net, b_net) if sql.count("%s") == 2 else (b_net,)
                        with pytest.raises(psycopg.Error), raw.transaction():  # noqa: PT012
                            if context is not None:
                                raw.execute(
                                    "SELECT set_config('iqcore.network', %s, true)", (context,)
                                )
                            raw.execute(sql, params)
                        checks.count += 1
                # ways around row-level security are closed
                checks.refused(raw, f"SET ROLE {b_role}")
                checks.refused(raw, "ALTER TABLE iqcore.records DISABLE ROW LEVEL SECURITY")
                checks.refused(raw, "ALTER TABLE iqcore.records NO FORCE ROW LEVEL SECURITY")
                checks.refused(raw, "DROP POLICY network_rows ON iqcore.records")
                checks.refused(
                    raw,
                    "UPDATE iqcore.network_roles SET network = %s WHERE role_name = current_user",
                    b_net,
                )
                checks.refused(raw, "SET ROLE iqcore_owner")
                checks.refused(raw, "SET ROLE iqcore_admin")
                checks.refused(raw, "CREATE TABLE iqcore.stolen AS SELECT * FROM iqcore.records")
                with pytest.raises(psycopg.Error), raw.transaction():  # noqa: PT012
                    raw.execute("SET LOCAL row_security = off")
                    raw.execute("SELECT count(*) FROM iqcore.records")
                checks.count += 1
                with raw.transaction():
                    raw.execute("SET LOCAL ROLE iqcore_app")  # the group role: mapped to nobody
                    raw.execute("SELECT set_config('iqcore.network', %s, true)", (b_net,))
                    row = raw.execute("SELECT count(*) FROM iqcore.records").fetchone()
                    checks.true(row is not None and row[0] == 0, "group role sees nothing")
            checks.true(_snapshot(su, b_net) == before, f"{b_net} unchanged by {a_net}")
    pairs = len(NETWORKS) * (len(NETWORKS) - 1)
    print(f"\nisolation: {checks.count} checks over {pairs} ordered pairs of networks")
    assert pairs == 30
    assert checks.count >= 70 * pairs


# -- erasure and audit ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def erasure_db(postgres_server: PgServer) -> _Db:
    return _Db(postgres_server, "iqcore_erasure", ["iq-er-a", "iq-er-b"])


def _all_text(su: psycopg.Connection[tuple[Any, ...]]) -> list[str]:
    """Every row of every table of the iqcore schema as text, and every document decoded."""
    tables = [
        r[0]
        for r in su.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'iqcore' ORDER BY 1"
        ).fetchall()
    ]
    parts = []
    for table in tables:
        parts += [r[0] for r in su.execute(f"SELECT t::text FROM iqcore.{table} t").fetchall()]
    parts += [
        r[0] for r in su.execute("SELECT convert_from(doc, 'UTF8') FROM iqcore.records").fetchall()
    ]
    return parts


def test_after_erasure_no_row_refers_to_the_person(erasure_db: _Db) -> None:
    """A person with identity, cases and applications is erased in one network: no row of
    any table refers to them (id, canary name, audit pseudonym), their entries in the audit log
    can no longer be linked to them, the chain still holds, and the other network's record of
    a person with the same id is untouched."""
    person, canary = "m-erase-7f3a", "Qxzvlermanticore"
    a, b = erasure_db.open("iq-er-a"), erasure_db.open("iq-er-b")
    try:
        a.put_many(
            [
                Migrant(id=person, arrival_year=2019),
                IdentityRecord(migrant_id=person, given_name=canary, family_name="Family"),
                *(
                    CounsellingCase(
                        id=f"c-er-{i}",
                        migrant_id=person,
                        network_id="iq-er-a",
                        opened_on=date(2024, 1, 1 + i),
                    )
                    for i in range(3)
                ),
                Migrant(id="m-stays"),
            ]
        )
        a.get(IdentityRecord, person)
        b.put(Migrant(id=person, arrival_year=2020))
        with erasure_db.superuser() as su:
            pseudonym = su.execute(
                "SELECT pseudonym FROM iqcore.persons WHERE network = 'iq-er-a'"
                " AND migrant_id = %s",
                (person,),
            ).fetchone()
            assert pseudonym is not None
            # put_many: one entry per kind (migrant, identity, case); then the read
            assert len(a.audit_log(migrant_id=person)) == 4
            report = a.erase_person(person)
            assert report.counts() == {"counselling_case": 3, "identity": 1, "migrant": 1}
            text = _all_text(su)
            a_rows = su.execute(
                "SELECT count(*) FROM iqcore.records WHERE network = 'iq-er-a' AND migrant_id = %s",
                (person,),
            ).fetchone()
            assert a_rows == (0,)
            assert not [line for line in text if canary in line]
            # the audit entries keep the pseudonym, but nothing links it to anyone any more
            assert su.execute(
                "SELECT count(*) FROM iqcore.persons WHERE pseudonym = %s", pseudonym
            ).fetchone() == (0,)
            assert [line for line in text if pseudonym[0] in line] == [
                line
                for line in text
                if line.startswith(("(iq-er-a,", "(,")) and pseudonym[0] in line
            ]
            # the id is left only in the other network's own record of a person with that id
            b_rows = su.execute(
                "SELECT network FROM iqcore.records WHERE migrant_id = %s", (person,)
            ).fetchall()
            assert b_rows == [("iq-er-b",)]
            others = set(_all_text_rows_of(su, "iq-er-b", person))
            assert [line for line in text if person in line and line not in others] == []
        assert a.audit_log(migrant_id=person) == []
        assert a.audit_log()[-1].operation == "erase"
        assert a.verify_audit().ok
        assert b.get(Migrant, person).arrival_year == 2020
        assert a.get(Migrant, "m-stays").id == "m-stays"
    finally:
        a.close()
        b.close()


def _all_text_rows_of(su: psycopg.Connection[tuple[Any, ...]], net: str, person: str) -> list[str]:
    """The rows of *net* that name *person* (records, their decoded documents, persons)."""
    rows = [
        r[0]
        for r in su.execute(
            "SELECT t::text FROM iqcore.records t WHERE network = %s AND migrant_id = %s",
            (net, person),
        ).fetchall()
    ]
    rows += [
        r[0]
        for r in su.execute(
            "SELECT convert_from(doc, 'UTF8') FROM iqcore.records WHERE network = %s"
            " AND migrant_id = %s",
            (net, person),
        ).fetchall()
    ]
    rows += [
        r[0]
        for r in su.execute(
            "SELECT t::text FROM iqcore.persons t WHERE network = %s AND migrant_id = %s",
            (net, person),
        ).fetchall()
    ]
    return rows


def test_admin_view_erases_a_person_in_every_network(erasure_db: _Db) -> None:
    person = "m-everywhere"
    for net in ("iq-er-a", "iq-er-b"):
        with erasure_db.open(net) as store:
            store.put(Migrant(id=person))
            store.put(IdentityRecord(migrant_id=person, given_name="Every", family_name="Where"))
    with erasure_db.open(None) as admin:
        report = admin.erase_person(person)
        assert sorted({r.network for r in report.removed}) == ["iq-er-a", "iq-er-b"]
        assert report.total == 4
        assert admin.audit_log()[-1].network is None
        assert admin.verify_audit().ok
    with erasure_db.superuser() as su:
        assert [line for line in _all_text(su) if person in line] == []


def test_audit_chain_detects_tampering(erasure_db: _Db) -> None:
    """The superuser (who alone may) changes, removes and cuts off entries: each is found."""
    with erasure_db.open("iq-er-b") as store:
        for i in range(5):
            store.put(Migrant(id=f"m-audit-{i}"))
        store.get(Migrant, "m-audit-0")
        assert store.verify_audit().ok
        last = store.audit_log()[-1].seq
        with erasure_db.superuser() as su:
            su.execute(
                "UPDATE iqcore.audit SET count = count + 1 WHERE chain = 'iq-er-b' AND seq = %s",
                (last - 2,),
            )
            result = store.verify_audit()
            assert not result.ok
            assert result.first_broken == last - 2
            assert result.reason == "entry content changed"
            su.execute(
                "UPDATE iqcore.audit SET count = count - 1 WHERE chain = 'iq-er-b' AND seq = %s",
                (last - 2,),
            )
            assert store.verify_audit().ok
            saved = su.execute(
                "DELETE FROM iqcore.audit WHERE chain = 'iq-er-b' AND seq = %s RETURNING *",
                (last,),
            ).fetchone()
            assert saved is not None
            result = store.verify_audit()
            assert not result.ok
            assert "newest entries" in str(result.reason)
            su.execute(
                "INSERT INTO iqcore.audit VALUES (" + ", ".join(["%s"] * len(saved)) + ")",
                saved,
            )
            su.execute("DELETE FROM iqcore.audit WHERE chain = 'iq-er-b' AND seq = %s", (last - 3,))
            result = store.verify_audit()
            assert not result.ok
            assert result.first_broken == last - 2
            assert result.reason == "sequence gap or reorder"
