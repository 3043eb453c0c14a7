"""The SQLite store: URLs, pragmas, schema, kinds added later, audit tampering, erasure on disk,
read-only databases and errors. Crash, concurrency and full-disk proofs are in
``test_storage_sqlite_proofs.py``."""

from __future__ import annotations

import hashlib
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


def test_foreign_keys_keep_records_tied_to_a_person_row(tmp_path: Path) -> None:
    with _open(tmp_path / "db.sqlite3") as store:
        store.put(_case("c-1"))
        with pytest.raises(sqlite3.IntegrityError):
            store._conn.execute("DELETE FROM persons")


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
