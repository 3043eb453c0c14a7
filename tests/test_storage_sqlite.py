"""The SQLite store: URLs, pragmas, schema, kinds added later, audit tampering, erasure on disk,
read-only databases and errors. Crash, concurrency and full-disk proofs are in
``test_storage_sqlite_proofs.py``."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from datetime import date
from pathlib import Path

import attrs
import pytest

import iqcore
from iqcore import CounsellingCase, IdentityRecord, Migrant
from iqcore.errors import ConfigurationError, NotFound, StorageError
from iqcore.storage import (
    CompositeIndex,
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
from iqcore_adapters.sqlite import MIGRATIONS, SQLiteStore, default_path, parse_url

NET = "iq-test"


def _url(path: Path, **options: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in options.items())
    return f"sqlite://{path}" + (f"?{query}" if query else "")


def _open(path: Path, network: str | None = NET, **options: str) -> SQLiteStore:
    store = open_store(_url(path, **options), network=network)
    assert isinstance(store, SQLiteStore)
    return store


def _case(cid: str, mid: str = "m-1") -> CounsellingCase:
    return CounsellingCase(id=cid, migrant_id=mid, network_id=NET, opened_on=date(2024, 5, 6))


# -- URLs and setup -----------------------------------------------------------------------


def test_sqlite_scheme_comes_from_the_entry_point() -> None:
    assert "sqlite" in store_schemes()


def test_url_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IQCORE_HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / "iqcore.sqlite3"
    assert parse_url("sqlite://")[0] == tmp_path / "home" / "iqcore.sqlite3"
    assert parse_url("sqlite:")[0] == tmp_path / "home" / "iqcore.sqlite3"
    assert parse_url("sqlite:///srv/iq/db.sqlite3")[0] == Path("/srv/iq/db.sqlite3")
    assert parse_url("sqlite:////srv/iq/db.sqlite3")[0] == Path("/srv/iq/db.sqlite3")
    assert parse_url("sqlite:data/db.sqlite3")[0] == Path("data/db.sqlite3")
    _path, options = parse_url("sqlite:///x.db?synchronous=extra&mode=ro")
    assert options["synchronous"] == "EXTRA"
    assert options["mode"] == "ro"
    for bad in (
        "sqlite:///x.db?colour=red",
        "sqlite:///x.db?synchronous=OFF",
        "sqlite:///x.db?mode=rwc",
        "sqlite://host/x.db",
    ):
        with pytest.raises(ConfigurationError):
            parse_url(bad)


def test_default_path_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IQCORE_HOME", str(tmp_path / "home"))
    with open_store("sqlite://", network=NET) as store:
        store.put(Migrant(id="m-1"))
    assert (tmp_path / "home" / "iqcore.sqlite3").is_file()


def test_missing_directory_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        _open(tmp_path / "nope" / "db.sqlite3")


def test_pragmas(tmp_path: Path) -> None:
    with _open(tmp_path / "db.sqlite3") as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        versions = conn.execute("SELECT version FROM schema_migrations").fetchall()
        assert [v for (v,) in versions] == [m.version for m in MIGRATIONS]


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    _open(path).close()
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO schema_migrations VALUES (99, 'future', '2999-01-01')")
    raw.commit()
    raw.close()
    with pytest.raises(ReadOnlyStore, match="newer iqcore"):
        _open(path)


def test_each_record_row_carries_the_persons_audit_pseudonym(tmp_path: Path) -> None:
    with _open(tmp_path / "db.sqlite3") as store:
        store.put_many([_case("c-1"), _case("c-2"), _case("c-3", "m-2"), Migrant(id="m-1")])
        conn = store._conn
        persons = dict(conn.execute("SELECT migrant_id, pseudonym FROM persons").fetchall())
        assert sorted(persons) == ["m-1", "m-2"]
        for table in ("rec_counselling_case", "rec_migrant"):
            rows = conn.execute(f"SELECT migrant_id, person FROM {table}").fetchall()
            assert rows
            assert all(person == persons[mid] for mid, person in rows)
        store.get(CounsellingCase, "c-3")
        assert store.audit_log()[-1].persons == (persons["m-2"],)


def _index_names(store: SQLiteStore, table: str) -> set[str]:
    rows = store._conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    return {n for (n,) in rows}


def test_declared_composite_indexes_exist_and_serve_the_filters(tmp_path: Path) -> None:
    with _open(tmp_path / "db.sqlite3") as store:
        store.put(_case("c-1"))
        assert _index_names(store, "rec_counselling_case") == {
            "rec_counselling_case_migrant",
            "rec_counselling_case_ix_status__opened_on",
            "rec_counselling_case_ix_occupation_id__opened_on",
        }
        plan = store._conn.execute(
            "EXPLAIN QUERY PLAN SELECT doc FROM rec_counselling_case r WHERE r.network = ?"
            " AND r.f_status = ? AND r.f_opened_on >= ? AND r.f_opened_on < ?",
            (NET, "INTAKE", "2024-01-01", "2025-01-01"),
        ).fetchall()
        assert "rec_counselling_case_ix_status__opened_on" in " ".join(str(r) for r in plan)
        found = store.find(
            CounsellingCase,
            status="INTAKE",
            opened_on=Range(start=date(2024, 1, 1), end=date(2025, 1, 1)),
        )
        assert [c.id for c in found] == ["c-1"]


def test_changed_index_declarations_are_applied_on_the_next_write(tmp_path: Path) -> None:
    kind = RecordKind(
        name="test_indexed_note",
        cls=Note,
        key=lambda n: n.id,
        person=lambda n: n.migrant_id,
        indexes=(
            IndexField(name="topic", type="text", get=lambda n: n.topic),
            IndexField(name="written_on", type="date", get=lambda n: n.written_on),
        ),
    )
    composite = attrs.evolve(
        kind,
        indexes=tuple(attrs.evolve(f, indexed=False) for f in kind.indexes),
        composites=(CompositeIndex(fields=("topic", "written_on")),),
    )
    note = Note(id="n-1", migrant_id="m-1", topic="docs", written_on=date(2024, 1, 1))
    path = tmp_path / "db.sqlite3"
    try:
        register_kind(kind)
        with _open(path) as store:
            store.put(note)
            assert _index_names(store, "rec_test_indexed_note") == {
                "rec_test_indexed_note_migrant",
                "rec_test_indexed_note_ix_topic",
                "rec_test_indexed_note_ix_written_on",
            }
        register_kind(composite, replace=True)
        with _open(path) as store:
            store.put(attrs.evolve(note, id="n-2"))
            assert _index_names(store, "rec_test_indexed_note") == {
                "rec_test_indexed_note_migrant",
                "rec_test_indexed_note_ix_topic__written_on",
            }
            assert [n.id for n in store.find(Note, topic="docs")] == ["n-1", "n-2"]
    finally:
        for k in (kind, composite):
            _BY_NAME.pop(k.name, None)
            _BY_CLASS.pop(k.cls, None)


# -- upgrade from schema version 1 ----------------------------------------------------------

#: The layout that iqcore's SQLite store wrote at schema version 1 (records tied to the persons
#: table by a foreign key, pseudonyms only there, one index per indexed field).
_V1_SCHEMA = (
    (
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    ),
    "INSERT INTO schema_migrations VALUES (1, 'persons, audit log, record kinds', '2026-01-01')",
    (
        "CREATE TABLE persons (network TEXT NOT NULL, migrant_id TEXT NOT NULL, pseudonym TEXT NOT"
        " NULL, PRIMARY KEY (network, migrant_id)) WITHOUT ROWID"
    ),
    "CREATE INDEX persons_migrant ON persons (migrant_id)",
    (
        "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, network TEXT, role TEXT NOT"
        " NULL, operation TEXT NOT NULL, kind TEXT NOT NULL, persons TEXT NOT NULL, count INTEGER"
        " NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)"
    ),
    (
        "CREATE TABLE record_kinds (kind TEXT PRIMARY KEY, table_name TEXT NOT NULL UNIQUE,"
        " columns TEXT NOT NULL)"
    ),
    (
        "CREATE TABLE rec_counselling_case (network TEXT NOT NULL, id TEXT NOT NULL,"
        " migrant_id TEXT, schema_version INTEGER NOT NULL, doc BLOB NOT NULL, f_status TEXT,"
        " f_occupation_id TEXT,"
        " f_opened_on TEXT, f_closed_on TEXT, f_closure_reason TEXT, PRIMARY KEY (network, id),"
        " FOREIGN KEY (network, migrant_id) REFERENCES persons (network, migrant_id))"
    ),
    "CREATE INDEX rec_counselling_case_migrant ON rec_counselling_case (migrant_id, network)",
    (
        "CREATE INDEX rec_counselling_case_f_occupation_id ON rec_counselling_case"
        " (network, f_occupation_id)"
    ),
    "CREATE INDEX rec_counselling_case_f_opened_on ON rec_counselling_case (network, f_opened_on)",
    (
        "CREATE TABLE rec_test_legacy (network TEXT NOT NULL, id TEXT NOT NULL, migrant_id TEXT,"
        " schema_version INTEGER NOT NULL, doc BLOB NOT NULL, PRIMARY KEY (network, id),"
        " FOREIGN KEY (network, migrant_id) REFERENCES persons (network, migrant_id))"
    ),
    "CREATE INDEX rec_test_legacy_migrant ON rec_test_legacy (migrant_id, network)",
)


def _write_v1_database(path: Path) -> dict[str, str]:
    """A version-1 database with two persons' cases, a record of a kind nobody registers now,
    and a valid audit chain; returns the pseudonyms."""
    from iqcore.serialization import to_json
    from iqcore.storage.audit import GENESIS, PendingEntry, chain_rows

    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    for sql in _V1_SCHEMA:
        raw.execute(sql)
    cols = [["f_status", "text"], ["f_occupation_id", "text"], ["f_opened_on", "date"]]
    cols += [["f_closed_on", "date"], ["f_closure_reason", "text"]]
    raw.execute(
        "INSERT INTO record_kinds VALUES ('counselling_case', 'rec_counselling_case', ?)",
        (json.dumps(cols),),
    )
    raw.execute("INSERT INTO record_kinds VALUES ('test_legacy', 'rec_test_legacy', '[]')")
    pseudonyms = {"m-1": "a" * 32, "m-2": "b" * 32}
    for mid, p in pseudonyms.items():
        raw.execute("INSERT INTO persons VALUES (?, ?, ?)", (NET, mid, p))
    for cid, mid in (("c-1", "m-1"), ("c-2", "m-1"), ("c-3", "m-2")):
        c = _case(cid, mid)
        raw.execute(
            "INSERT INTO rec_counselling_case VALUES (?, ?, ?, 1, ?, ?, NULL, ?, NULL, NULL)",
            (NET, cid, mid, to_json(c), c.status.value, c.opened_on.isoformat()),
        )
    raw.execute("INSERT INTO rec_test_legacy VALUES (?, 'x-1', 'm-2', 1, '{}')", (NET,))
    pending = [
        PendingEntry(
            at="2026-01-01T00:00:00.000000+00:00",
            network=NET,
            role="app",
            operation="put",
            kind="counselling_case",
            persons=(pseudonyms[mid],),
            count=n,
        )
        for mid, n in (("m-1", 2), ("m-2", 1))
    ]
    raw.executemany(
        "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        chain_rows(pending, last_seq=0, last_hash=GENESIS),
    )
    raw.close()
    return pseudonyms


def test_a_version_1_database_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    pseudonyms = _write_v1_database(path)
    with _open(path) as store:
        conn = store._conn
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations")]
        assert versions == [m.version for m in MIGRATIONS] == [1, 2]
        assert conn.execute("PRAGMA foreign_key_list(rec_counselling_case)").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT id, person FROM rec_counselling_case ORDER BY id").fetchall()
        assert rows == [("c-1", "a" * 32), ("c-2", "a" * 32), ("c-3", "b" * 32)]
        assert _index_names(store, "rec_counselling_case") == {
            "rec_counselling_case_migrant",
            "rec_counselling_case_ix_status__opened_on",
            "rec_counselling_case_ix_occupation_id__opened_on",
        }
        assert _index_names(store, "rec_test_legacy") == {"rec_test_legacy_migrant"}
        assert store.get(CounsellingCase, "c-1") == _case("c-1", "m-1")
        assert [c.id for c in store.find(CounsellingCase, status="INTAKE")] == [
            "c-1",
            "c-2",
            "c-3",
        ]
        # the old entries still link to the person through the same pseudonym
        log = store.audit_log(migrant_id="m-1")
        assert [(e.operation, e.count) for e in log] == [("put", 2), ("get", 1), ("find", 3)]
        assert log[1].persons == (pseudonyms["m-1"],)
        store.put(_case("c-4", "m-2"))
        report = store.erase_person("m-2")
        assert sorted((r.kind, r.id) for r in report.removed) == [
            ("counselling_case", "c-3"),
            ("counselling_case", "c-4"),
            ("test_legacy", "x-1"),
        ]
        assert store.verify_audit().ok
        assert len(store.audit_log()) == 6  # 2 old puts, the get, the find, put, erase
    with _open(path) as again:
        assert [c.id for c in again.find(CounsellingCase)] == ["c-1", "c-2"]


# -- kinds added later --------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Note:
    """A record kind that an application adds (it is not part of iqcore's model)."""

    id: str
    migrant_id: str
    topic: str
    written_on: date


def test_a_kind_registered_later_gets_a_table_and_new_indexes_are_backfilled(
    tmp_path: Path,
) -> None:
    first = RecordKind(
        name="test_note",
        cls=Note,
        key=lambda n: n.id,
        person=lambda n: n.migrant_id,
        indexes=(IndexField(name="topic", type="text", get=lambda n: n.topic),),
    )
    second = attrs.evolve(
        first,
        indexes=(
            *first.indexes,
            IndexField(name="written_on", type="date", get=lambda n: n.written_on),
        ),
    )
    try:
        register_kind(first)
        path = tmp_path / "db.sqlite3"
        with _open(path) as store:
            store.put_many(
                [
                    Note(id="n-1", migrant_id="m-1", topic="docs", written_on=date(2024, 1, 1)),
                    Note(id="n-2", migrant_id="m-1", topic="exam", written_on=date(2024, 6, 1)),
                ]
            )
            assert [n.id for n in store.find(Note, topic="docs")] == ["n-1"]
        register_kind(second, replace=True)
        with _open(path) as store:
            found = store.find(Note, written_on=Range(start=date(2024, 3, 1)))
            assert [n.id for n in found] == ["n-2"]
            assert store.erase_person("m-1").counts() == {"test_note": 2}
    finally:
        for k in (first, second):
            _BY_NAME.pop(k.name, None)
            _BY_CLASS.pop(k.cls, None)


def test_erasure_reaches_tables_of_kinds_this_process_does_not_know(tmp_path: Path) -> None:
    kind = RecordKind(
        name="test_other_note", cls=Note, key=lambda n: n.id, person=lambda n: n.migrant_id
    )
    path = tmp_path / "db.sqlite3"
    register_kind(kind)
    try:
        with _open(path) as store:
            store.put(Note(id="n-1", migrant_id="m-1", topic="t", written_on=date(2024, 1, 1)))
    finally:
        _BY_NAME.pop(kind.name, None)
        _BY_CLASS.pop(kind.cls, None)
    with _open(path) as store:
        report = store.erase_person("m-1")
    assert [(r.kind, r.id) for r in report.removed] == [("test_other_note", "n-1")]


# -- audit --------------------------------------------------------------------------------


def test_tampering_with_the_audit_table_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with _open(path) as store:
        for i in range(6):
            store.put(_case(f"c-{i}"))
        store.get(CounsellingCase, "c-1")
        assert store.verify_audit().ok
    raw = sqlite3.connect(path)
    raw.execute("UPDATE audit SET operation = 'get' WHERE seq = 3")
    raw.commit()
    with _open(path) as store:
        result = store.verify_audit()
        assert not result.ok
        assert result.first_broken == 3
        assert result.reason == "entry content changed"
    raw.execute("UPDATE audit SET operation = 'put' WHERE seq = 3")
    raw.execute("DELETE FROM audit WHERE seq = 5")
    raw.commit()
    raw.close()
    with _open(path) as store:
        result = store.verify_audit()
        assert not result.ok
        assert result.first_broken == 6


def test_read_entries_are_written_at_close(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with _open(path) as store:
        store.put(Migrant(id="m-1"))
        for _ in range(3):
            store.get(Migrant, "m-1")
    with _open(path) as store:
        assert [e.operation for e in store.audit_log()] == ["put", "get", "get", "get"]


# -- erasure on disk ----------------------------------------------------------------------


def _all_text_in_rows(path: Path) -> str:
    raw = sqlite3.connect(path)
    tables = [n for (n,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    parts: list[str] = []
    for t in tables:
        for row in raw.execute(f"SELECT * FROM {t}"):
            parts.extend(
                v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row
            )
    raw.close()
    return "\n".join(parts)


def test_erased_person_is_gone_from_every_row_and_every_byte_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    canary = "Canary" + hashlib.sha256(str(tmp_path).encode()).hexdigest()[:24]
    person = "m-erase-" + canary[-8:]
    with _open(path) as store:
        others = [Migrant(id=f"m-{i:04d}") for i in range(300)]
        store.put_many(others)
        store.put(Migrant(id=person, arrival_year=2019))
        for version in range(5):  # old versions of the identity row, in WAL and pages
            store.put(
                IdentityRecord(
                    migrant_id=person,
                    given_name=f"{canary}{version}",
                    family_name=canary,
                    email=f"{canary.lower()}@example.org",
                    address=f"{canary} street {version}",
                )
            )
        store.put_many([_case(f"c-{i}", person) for i in range(20)])
        store.put_many(
            IdentityRecord(migrant_id=m.id, given_name="G", family_name="F") for m in others
        )
        store.get(IdentityRecord, person)
        store.checkpoint()  # some versions now in the main file, some still in the WAL
        store.put(IdentityRecord(migrant_id=person, given_name=canary, family_name=canary))
        assert canary.encode() in path.read_bytes() + Path(f"{path}-wal").read_bytes()
        report = store.erase_person(person)
        assert report.counts() == {"counselling_case": 20, "identity": 1, "migrant": 1}
        wal = Path(f"{path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
        files = [p for p in tmp_path.iterdir() if p.name.startswith(path.name)]
        for f in files:
            data = f.read_bytes()
            assert canary.encode() not in data, f.name
            assert canary.lower().encode() not in data, f.name
            assert person.encode() not in data, f.name
        assert store.verify_audit().ok
        assert len(store.find(Migrant)) == 300
    text = _all_text_in_rows(path)
    assert person not in text
    assert canary not in text
    for f in tmp_path.iterdir():
        assert canary.encode() not in f.read_bytes()


# -- read-only and errors -----------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_only_database_refuses_writes_and_unaudited_reads(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with _open(path) as store:
        store.put(Migrant(id="m-1"))
    before = _digest(path)
    with _open(path, mode="ro") as ro:
        with pytest.raises(ReadOnlyStore):
            ro.put(Migrant(id="m-2"))
        with pytest.raises(ReadOnlyStore):
            ro.delete(Migrant, "m-1")
        with pytest.raises(ReadOnlyStore):
            ro.erase_person("m-1")
        with pytest.raises(ReadOnlyStore):
            ro.get(Migrant, "m-1")  # the read could not be audited
        with pytest.raises(ReadOnlyStore), ro.transaction():
            pass
        assert ro.verify_audit().ok
    assert _digest(path) == before
    with _open(path) as store:
        assert [m.id for m in store.find(Migrant)] == ["m-1"]


def test_a_database_that_turns_read_only_mid_transaction_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with _open(path) as store:
        store.put(_case("c-0"))

        def work() -> None:
            with store.transaction():
                store.put(_case("c-1"))
                store._conn.execute("PRAGMA query_only = ON")
                store.put(_case("c-2"))

        with pytest.raises(ReadOnlyStore) as info:
            work()
        assert "c-2" not in str(info.value)
        store._conn.execute("PRAGMA query_only = OFF")
        assert [c.id for c in store.find(CounsellingCase)] == ["c-0"]
        assert store.verify_audit().ok


def test_an_error_inside_a_transaction_dooms_it(tmp_path: Path) -> None:
    with _open(tmp_path / "db.sqlite3") as store:

        def work() -> None:
            with store.transaction():
                store.put(_case("c-1"))
                store._conn.execute("PRAGMA query_only = ON")
                with pytest.raises(ReadOnlyStore):
                    store.put(_case("c-2"))
                store._conn.execute("PRAGMA query_only = OFF")
                store.put(_case("c-3"))  # the transaction is gone

        with pytest.raises(TransactionError):
            work()
        assert store.find(CounsellingCase) == []


def test_no_raw_sqlite_error_reaches_the_caller(tmp_path: Path) -> None:
    store = _open(tmp_path / "db.sqlite3")
    errors: list[BaseException] = []

    def other_thread() -> None:
        try:
            store.get(Migrant, "m-1")
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=other_thread)
    t.start()
    t.join()
    assert len(errors) == 1
    assert isinstance(errors[0], StorageError)
    assert not isinstance(errors[0], sqlite3.Error)
    store.close()
    with pytest.raises(StorageError):
        store.get(Migrant, "m-1")


def test_missing_record_and_admin_writes(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with _open(path) as store:
        with pytest.raises(NotFound):
            store.get(Migrant, "m-1")
        with pytest.raises(NotFound):
            store.delete(Migrant, "m-1")
    with _open(path, network=None) as admin:
        with pytest.raises(ReadOnlyStore):
            admin.put(Migrant(id="m-1"))
        assert admin.find(Migrant) == []


def test_top_level_open_store_reaches_sqlite(tmp_path: Path) -> None:
    with iqcore.open_store(_url(tmp_path / "x.sqlite3"), network=NET) as store:
        store.put(Migrant(id="m-1"))
        assert store.get(Migrant, "m-1") == Migrant(id="m-1")
