"""The storage conformance kit: what every :class:`~iqcore.storage.Store` backend must pass.

A backend declares its capabilities once; tests that need a capability it lacks are skipped
(by capability, never by backend name). The kit has example-based test mixins and a hypothesis
state machine that runs random sequences of put, update, delete, find, transactions with commit
and rollback, export, import and erasure against the backend and a plain in-memory model side
by side, and checks after every step that they agree.

Use it in your own pytest suite (this is exactly how iqcore tests its own backends)::

    # tests/test_my_store.py
    from iqcore.storage import Capability, open_store
    from iqcore.testing.storage import run_storage_conformance

    def open_my_store(location, network):
        # the same *location* (a fresh directory per test) must give the same database
        return open_store(f"mystore://{location}/db", network=network)

    TestMyStore = run_storage_conformance(
        open_my_store,
        capabilities={Capability.TRANSACTIONS, Capability.NETWORK_ISOLATION, Capability.AUDIT},
    )

pytest collects ``TestMyStore``: every example test plus ``test_state_machine``, which runs at
least ``operations`` state-machine steps (10,000 by default). Or mix the classes yourself:
``class TestMine(CrudTests, TransactionTests): opener = staticmethod(...); capabilities = …``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from iqcore.errors import ConfigurationError, IqcoreError, NotFound, ValidationError
from iqcore.model.cases import CaseStatus, CounsellingCase, RecognitionApplication
from iqcore.model.codes import Country
from iqcore.model.people import IdentityRecord, Migrant
from iqcore.model.qualifications import ForeignQualification, QualificationKind
from iqcore.serialization import to_json
from iqcore.storage import (
    Capability,
    Range,
    ReadOnlyStore,
    RecordKind,
    Store,
    TransactionError,
    WrongNetwork,
    kind_for,
)
from iqcore.testing import strategies as iqst

__all__ = [
    "AdminViewTests",
    "AuditTests",
    "CrudTests",
    "FindTests",
    "IsolationTests",
    "PersistenceTests",
    "PersonTests",
    "StoreOpener",
    "StoreTestBase",
    "TransactionTests",
    "make_state_machine",
    "requires",
    "run_storage_conformance",
]

T = TypeVar("T")

#: Opens a store: ``opener(location, network)``. Every call with the same *location* (a fresh
#: directory per test) must reach the same database; ``network=None`` asks for an admin view.
StoreOpener = Callable[[Path, "str | None"], Store]

NET_A = "iq-conf-a"
NET_B = "iq-conf-b"


def requires(*capabilities: Capability) -> Callable[[T], T]:
    """Mark a test as needing *capabilities*; it is skipped for backends that lack them."""

    def mark(fn: T) -> T:
        fn._iqcore_requires = frozenset(capabilities)  # type: ignore[attr-defined]
        return fn

    return mark


def _requires_absent(*capabilities: Capability) -> Callable[[T], T]:
    def mark(fn: T) -> T:
        fn._iqcore_requires_absent = frozenset(capabilities)  # type: ignore[attr-defined]
        return fn

    return mark


# -- sample records -----------------------------------------------------------------------


def migrant(mid: str = "m-1", **kw: Any) -> Migrant:
    return Migrant(id=mid, **kw)


def identity(mid: str = "m-1", canary: str = "Sample") -> IdentityRecord:
    return IdentityRecord(
        migrant_id=mid, given_name=canary, family_name="Family", email="person@example.org"
    )


def case(
    cid: str = "c-1",
    mid: str = "m-1",
    network: str = NET_A,
    *,
    status: CaseStatus = CaseStatus.INTAKE,
    opened_on: date = date(2024, 3, 1),
    occupation_id: str | None = None,
) -> CounsellingCase:
    return CounsellingCase(
        id=cid,
        migrant_id=mid,
        network_id=network,
        opened_on=opened_on,
        status=status,
        occupation_id=occupation_id,
    )


class StoreTestBase:
    """Holds the opener and the declared capabilities; opens and closes stores per test."""

    opener: ClassVar[StoreOpener]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()

    _location: Path
    _open: list[Store]

    @pytest.fixture(autouse=True)
    def _iqcore_store_env(self, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
        needed: frozenset[Capability] = getattr(request.function, "_iqcore_requires", frozenset())
        missing = needed - self.capabilities
        if missing:
            pytest.skip("backend lacks capability: " + ", ".join(sorted(missing)))
        absent: frozenset[Capability] = getattr(
            request.function, "_iqcore_requires_absent", frozenset()
        )
        if absent & self.capabilities:
            pytest.skip("backend has capability: " + ", ".join(sorted(absent)))
        self._location = tmp_path
        self._open = []
        yield
        for store in reversed(self._open):
            store.close()

    def open(self, network: str | None = NET_A) -> Store:
        """A store on this test's database for *network*."""
        store = type(self).opener(self._location, network)
        self._open.append(store)
        return store


class CrudTests(StoreTestBase):
    """put, get, delete, put_many, and what is refused."""

    def test_put_get_each_kind(self) -> None:
        store = self.open()
        records: list[object] = [migrant(), identity(), case()]
        for r in records:
            store.put(r)
        for r in records:
            kind = kind_for(type(r))
            assert store.get(type(r), kind.key(r)) == r

    def test_put_replaces(self) -> None:
        store = self.open()
        store.put(case(status=CaseStatus.INTAKE))
        store.put(case(status=CaseStatus.DOCUMENTS))
        assert store.get(CounsellingCase, "c-1").status is CaseStatus.DOCUMENTS
        assert len(store.find(CounsellingCase)) == 1

    def test_get_missing_is_not_found(self) -> None:
        store = self.open()
        with pytest.raises(NotFound):
            store.get(Migrant, "m-404")

    def test_delete(self) -> None:
        store = self.open()
        store.put(migrant())
        store.delete(Migrant, "m-1")
        with pytest.raises(NotFound):
            store.get(Migrant, "m-1")
        with pytest.raises(NotFound):
            store.delete(Migrant, "m-1")

    def test_unregistered_class_is_refused(self) -> None:
        store = self.open()

        @attrs.frozen
        class NotAKind:
            id: str

        with pytest.raises(ConfigurationError):
            store.put(NotAKind(id="x"))
        with pytest.raises(ConfigurationError):
            store.get(NotAKind, "x")

    def test_put_many_reports_progress_per_chunk(self) -> None:
        store = self.open()
        seen: list[int] = []
        n = store.put_many(
            (migrant(f"m-{i:03d}") for i in range(25)), progress=seen.append, chunk_size=10
        )
        assert n == 25
        assert seen == [10, 20, 25]
        assert len(store.find(Migrant)) == 25

    def test_case_of_another_network_is_refused(self) -> None:
        store = self.open(NET_A)
        with pytest.raises(WrongNetwork):
            store.put(case(network=NET_B))
        with pytest.raises(WrongNetwork):
            store.put_many([case("c-1"), case("c-2", network=NET_B)])
        assert store.find(CounsellingCase) == []

    def test_closed_store_refuses(self) -> None:
        store = self.open()
        store.close()
        with pytest.raises(IqcoreError):
            store.put(migrant())
        store.close()  # idempotent


class FindTests(StoreTestBase):
    """``find``: exact values, sets, ranges, None, the person, unknown filters, order."""

    def _fill_cases(self, store: Store) -> None:
        store.put_many(
            [
                case("c-3", "m-1", status=CaseStatus.INTAKE, opened_on=date(2024, 1, 10)),
                case("c-1", "m-2", status=CaseStatus.DOCUMENTS, opened_on=date(2024, 2, 1)),
                case(
                    "c-2",
                    "m-1",
                    status=CaseStatus.DOCUMENTS,
                    opened_on=date(2024, 3, 1),
                    occupation_id="occ-nurse",
                ),
            ]
        )

    def test_find_all_sorted_by_key(self) -> None:
        store = self.open()
        self._fill_cases(store)
        assert [c.id for c in store.find(CounsellingCase)] == ["c-1", "c-2", "c-3"]

    def test_find_by_value_set_range_none_and_person(self) -> None:
        store = self.open()
        self._fill_cases(store)

        def ids(**f: object) -> list[str]:
            return [c.id for c in store.find(CounsellingCase, **f)]

        assert ids(status=CaseStatus.DOCUMENTS) == ["c-1", "c-2"]
        assert ids(status="INTAKE") == ["c-3"]
        assert ids(status={CaseStatus.INTAKE, CaseStatus.CLOSED}) == ["c-3"]
        assert ids(opened_on=Range(start=date(2024, 1, 10), end=date(2024, 3, 1))) == [
            "c-1",
            "c-3",
        ]
        assert ids(opened_on=Range(start=date(2024, 2, 2))) == ["c-2"]
        assert ids(occupation_id=None) == ["c-1", "c-3"]
        assert ids(occupation_id="occ-nurse") == ["c-2"]
        assert ids(migrant_id="m-1") == ["c-2", "c-3"]
        assert ids(migrant_id="m-1", status="DOCUMENTS") == ["c-2"]
        assert ids(status="FOLLOW_UP") == []

    def test_unknown_filter_is_a_validation_error(self) -> None:
        store = self.open()
        with pytest.raises(ValidationError) as info:
            store.find(CounsellingCase, colour="red", status=object())
        assert sorted(info.value.paths()) == ["$.filters.colour", "$.filters.status"]


class TransactionTests(StoreTestBase):
    """``transaction()``: commit, rollback on an exception, no nesting."""

    @requires(Capability.TRANSACTIONS)
    def test_commit(self) -> None:
        store = self.open()
        with store.transaction():
            store.put(migrant("m-1"))
            store.put(identity("m-1"))
            assert store.get(Migrant, "m-1").id == "m-1"  # own writes are visible
        assert store.get(IdentityRecord, "m-1").migrant_id == "m-1"

    @requires(Capability.TRANSACTIONS)
    def test_rollback_on_exception(self) -> None:
        store = self.open()
        store.put(migrant("m-0"))

        class Boom(Exception):
            pass

        def work() -> None:
            with store.transaction():
                store.put(migrant("m-1"))
                store.delete(Migrant, "m-0")
                store.put_many([case("c-1"), case("c-2")])
                store.erase_person("m-0")
                raise Boom

        with pytest.raises(Boom):
            work()
        assert [m.id for m in store.find(Migrant)] == ["m-0"]
        assert store.find(CounsellingCase) == []

    @requires(Capability.TRANSACTIONS)
    def test_nested_transaction_is_refused(self) -> None:
        store = self.open()
        with store.transaction():
            store.put(migrant("m-1"))
            with pytest.raises(TransactionError), store.transaction():
                pass
        assert store.get(Migrant, "m-1").id == "m-1"

    @requires(Capability.TRANSACTIONS, Capability.AUDIT)
    def test_rolled_back_writes_leave_no_audit_entry(self) -> None:
        store = self.open()
        before = len(store.audit_log())

        def work() -> None:
            with store.transaction():
                store.put(migrant("m-1"))
                raise RuntimeError("roll back")

        with pytest.raises(RuntimeError):
            work()
        assert [e.operation for e in store.audit_log()[before:]] == []
        assert store.verify_audit().ok


class IsolationTests(StoreTestBase):
    """Stores of two networks on one database see and change only their own records."""

    @requires(Capability.NETWORK_ISOLATION)
    def test_networks_do_not_see_each_other(self) -> None:
        a, b = self.open(NET_A), self.open(NET_B)
        a.put(migrant("m-1"))
        a.put(identity("m-1"))
        a.put(case("c-1", network=NET_A))
        with pytest.raises(NotFound):
            b.get(Migrant, "m-1")
        assert b.find(CounsellingCase) == []
        assert b.find(Migrant, migrant_id="m-1") == []
        with pytest.raises(NotFound):
            b.delete(Migrant, "m-1")
        assert orjson.loads(b.export_person("m-1"))["records"] == []
        assert b.erase_person("m-1").total == 0
        assert a.get(IdentityRecord, "m-1") == identity("m-1")
        assert len(a.find(CounsellingCase)) == 1

    @requires(Capability.NETWORK_ISOLATION)
    def test_same_ids_in_two_networks_are_independent(self) -> None:
        a, b = self.open(NET_A), self.open(NET_B)
        a.put(migrant("m-1", arrival_year=2015))
        b.put(migrant("m-1", arrival_year=2020))
        assert a.get(Migrant, "m-1").arrival_year == 2015
        assert b.get(Migrant, "m-1").arrival_year == 2020
        b.erase_person("m-1")
        assert a.get(Migrant, "m-1").arrival_year == 2015


class AdminViewTests(StoreTestBase):
    """``network=None``: an admin view that reads and erases across networks, never writes."""

    @requires(Capability.ADMIN_VIEW, Capability.NETWORK_ISOLATION)
    def test_admin_view_reads_and_erases_across_networks(self) -> None:
        a, b = self.open(NET_A), self.open(NET_B)
        a.put(migrant("m-1"))
        b.put(migrant("m-1"))
        b.put(migrant("m-2"))
        admin = self.open(None)
        assert admin.network is None
        assert sorted(m.id for m in admin.find(Migrant)) == ["m-1", "m-1", "m-2"]
        assert admin.get(Migrant, "m-2").id == "m-2"
        with pytest.raises(IqcoreError):
            admin.get(Migrant, "m-1")  # ambiguous: in two networks
        with pytest.raises(ReadOnlyStore):
            admin.put(migrant("m-3"))
        report = admin.erase_person("m-1")
        assert sorted(r.network for r in report.removed) == [NET_A, NET_B]
        assert a.find(Migrant) == []
        assert [m.id for m in b.find(Migrant)] == ["m-2"]

    @_requires_absent(Capability.ADMIN_VIEW)
    def test_without_admin_view_network_none_is_refused(self) -> None:
        with pytest.raises(IqcoreError):
            self.open(None)


class PersonTests(StoreTestBase):
    """Export (Art. 20) and erasure (Art. 17) of everything about one person."""

    def _fill_people(self, store: Store) -> None:
        store.put_many(
            [
                migrant("m-1"),
                identity("m-1", "Alpha"),
                case("c-1", "m-1"),
                case("c-2", "m-1"),
                migrant("m-2"),
                identity("m-2", "Beta"),
                case("c-3", "m-2"),
            ]
        )

    def test_export_holds_everything_about_the_person_and_nothing_else(self) -> None:
        store = self.open()
        self._fill_people(store)
        doc = orjson.loads(store.export_person("m-1"))
        assert doc["format"] == "iqcore.person-export"
        assert [(r["kind"], r["id"]) for r in doc["records"]] == [
            ("counselling_case", "c-1"),
            ("counselling_case", "c-2"),
            ("identity", "m-1"),
            ("migrant", "m-1"),
        ]
        assert all("schema_version" in r["document"] for r in doc["records"])
        assert b"Beta" not in store.export_person("m-1")

    def test_erase_removes_everything_and_reports_it(self) -> None:
        store = self.open()
        self._fill_people(store)
        report = store.erase_person("m-1")
        assert report.counts() == {"counselling_case": 2, "identity": 1, "migrant": 1}
        assert {(r.kind, r.id) for r in report.removed} == {
            ("counselling_case", "c-1"),
            ("counselling_case", "c-2"),
            ("identity", "m-1"),
            ("migrant", "m-1"),
        }
        for cls, key in [(Migrant, "m-1"), (IdentityRecord, "m-1"), (CounsellingCase, "c-1")]:
            with pytest.raises(NotFound):
                store.get(cls, key)
        assert orjson.loads(store.export_person("m-1"))["records"] == []
        assert store.get(IdentityRecord, "m-2").given_name == "Beta"
        assert store.erase_person("m-1").total == 0

    def test_export_imports_back(self) -> None:
        store = self.open()
        self._fill_people(store)
        before = {(type(r).__name__, to_json(r)) for r in self._records_of(store, "m-1")}
        exported = store.export_person("m-1")
        store.erase_person("m-1")
        assert store.import_person(exported) == 4
        after = {(type(r).__name__, to_json(r)) for r in self._records_of(store, "m-1")}
        assert after == before
        assert store.export_person("m-1") == exported

    def test_bad_import_is_a_validation_error_and_changes_nothing(self) -> None:
        store = self.open()
        self._fill_people(store)
        good = orjson.loads(store.export_person("m-1"))
        good["records"][0]["document"]["opened_on"] = "not a date"
        good["records"][3]["kind"] = "no_such_kind"
        store.erase_person("m-1")
        with pytest.raises(ValidationError) as info:
            store.import_person(orjson.dumps(good))
        assert len(info.value.problems) >= 2
        with pytest.raises(ValidationError):
            store.import_person(b"not json")
        assert store.find(CounsellingCase, migrant_id="m-1") == []

    @staticmethod
    def _records_of(store: Store, mid: str) -> list[object]:
        out: list[object] = []
        out.extend(store.find(Migrant, migrant_id=mid))
        out.extend(store.find(IdentityRecord, migrant_id=mid))
        out.extend(store.find(CounsellingCase, migrant_id=mid))
        return out


class AuditTests(StoreTestBase):
    """The audit log: every write and personal-data read, pseudonymous, hash-chained."""

    @requires(Capability.AUDIT)
    def test_writes_and_reads_are_logged_without_personal_values(self) -> None:
        store = self.open()
        store.put(migrant("m-secret-1"))
        store.put(identity("m-secret-1", "Zyxwvut"))
        store.get(IdentityRecord, "m-secret-1")
        store.find(Migrant, migrant_id="m-secret-1")
        store.export_person("m-secret-1")
        store.delete(Migrant, "m-secret-1")
        log = store.audit_log()
        assert [(e.operation, e.kind) for e in log] == [
            ("put", "migrant"),
            ("put", "identity"),
            ("get", "identity"),
            ("find", "migrant"),
            ("export", ""),
            ("delete", "migrant"),
        ]
        assert all(e.network == NET_A and len(e.persons) == 1 for e in log)
        assert len({e.persons for e in log}) == 1
        text = repr(log)
        assert "m-secret-1" not in text
        assert "Zyxwvut" not in text
        assert store.audit_log(migrant_id="m-secret-1") == log
        assert store.verify_audit().ok

    @requires(Capability.AUDIT)
    def test_after_erasure_the_log_no_longer_links_to_the_person(self) -> None:
        store = self.open()
        store.put(migrant("m-1"))
        assert len(store.audit_log(migrant_id="m-1")) == 1
        store.erase_person("m-1")
        assert store.audit_log(migrant_id="m-1") == []
        assert store.audit_log()[-1].operation == "erase"
        assert store.verify_audit().ok

    @requires(Capability.AUDIT, Capability.NETWORK_ISOLATION)
    def test_a_network_sees_only_its_own_audit_entries(self) -> None:
        a, b = self.open(NET_A), self.open(NET_B)
        a.put(migrant("m-1"))
        b.put(migrant("m-2"))
        assert {e.network for e in a.audit_log()} == {NET_A}
        assert {e.network for e in b.audit_log()} == {NET_B}
        assert a.verify_audit().ok


class PersistenceTests(StoreTestBase):
    """Data and the audit chain survive close and reopen."""

    @requires(Capability.PERSISTENT)
    def test_reopen(self) -> None:
        store = self.open()
        store.put_many([migrant("m-1"), identity("m-1"), case("c-1")])
        store.get(Migrant, "m-1")
        store.close()
        again = self.open()
        assert again.get(CounsellingCase, "c-1") == case("c-1")
        ops = [e.operation for e in again.audit_log()]
        assert ops[0] == "put"
        assert "get" in ops
        assert again.verify_audit().ok


# -- the state machine ----------------------------------------------------------------------

_MIGRANTS = ("m-0", "m-1", "m-2")
_CASES = ("c-0", "c-1", "c-2", "c-3")
_APPLICATIONS = ("a-0", "a-1", "a-2")
_KINDS: tuple[type, ...] = (Migrant, IdentityRecord, CounsellingCase, RecognitionApplication)


def _qualifications() -> list[ForeignQualification]:
    return [
        ForeignQualification(
            title_original="Diplôme d'infirmier",
            country_of_training=Country(code="FR"),
            kind=QualificationKind.HIGHER_EDUCATION,
            duration_months=36,
        ),
        ForeignQualification(
            title_original="Електротехник",
            country_of_training=Country(code="UA"),
            kind=QualificationKind.VOCATIONAL_SCHOOL,
            duration_months=30,
            ects=90,
        ),
    ]


def _records() -> st.SearchStrategy[object]:
    """Records over small pools of ids, so that updates, deletes and erasures hit something.
    Applications use two fixed qualifications: their full strategy costs about 20 ms a draw."""
    mids = st.sampled_from(_MIGRANTS)
    return st.one_of(
        iqst.migrants(id=mids),
        iqst.identity_records(migrant_id=mids),
        iqst.counselling_cases(id=st.sampled_from(_CASES), migrant_id=mids),
        iqst.recognition_applications(
            id=st.sampled_from(_APPLICATIONS),
            migrant_id=mids,
            qualification=st.sampled_from(_qualifications()),
            route=st.none(),
            suspensions=st.just(()),
            extension=st.none(),
        ),
    )


def _filters() -> st.SearchStrategy[tuple[type, dict[str, object]]]:
    day = st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31))
    return st.one_of(
        st.tuples(st.sampled_from(_KINDS), st.just({})),
        st.tuples(
            st.sampled_from(_KINDS),
            st.fixed_dictionaries({"migrant_id": st.sampled_from(_MIGRANTS)}),
        ),
        st.tuples(
            st.just(CounsellingCase),
            st.fixed_dictionaries(
                {},
                optional={
                    "status": st.one_of(
                        st.sampled_from(CaseStatus), st.sets(st.sampled_from(CaseStatus))
                    ),
                    "opened_on": st.builds(Range, start=st.none() | day, end=st.none() | day),
                    "closed_on": st.none(),
                },
            ),
        ),
        st.tuples(
            st.just(RecognitionApplication),
            st.fixed_dictionaries(
                {},
                optional={
                    "received_on": st.builds(Range, start=st.none() | day, end=st.none() | day),
                    "outcome": st.none() | st.sampled_from(["FULL_EQUIVALENCE", "NO_EQUIVALENCE"]),
                },
            ),
        ),
    )


def make_state_machine(
    opener: StoreOpener, capabilities: Iterable[Capability], *, workdir: Path | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine class comparing the backend of *opener* with a plain model.

    Each example gets a fresh directory under *workdir* (the system's temporary directory by
    default) as the location it opens its stores at."""
    caps = frozenset(capabilities)
    networks = (NET_A, NET_B) if Capability.NETWORK_ISOLATION in caps else (NET_A,)

    class StoreMachine(RuleBasedStateMachine):
        operations: ClassVar[int] = 0

        def __init__(self) -> None:
            super().__init__()
            self.dir = Path(tempfile.mkdtemp(prefix="iqcore-conformance-", dir=workdir))
            self.stores = {n: opener(self.dir, n) for n in networks}
            # model: (network, kind name, key) -> object; the person of each record
            self.model: dict[tuple[str, str, str], object] = {}
            self.txn: tuple[str, Any, dict[tuple[str, str, str], object]] | None = None

        def teardown(self) -> None:
            if self.txn is not None:
                self.txn[1].__exit__(RuntimeError, RuntimeError("teardown"), None)
            for s in self.stores.values():
                s.close()
            shutil.rmtree(self.dir, ignore_errors=True)

        def _net(self, net: str) -> str:
            return self.txn[0] if self.txn is not None else net

        def _count(self) -> None:
            type(self).operations += 1

        @staticmethod
        def _place(obj: object, net: str) -> object:
            if isinstance(obj, CounsellingCase):
                return attrs.evolve(obj, network_id=net)
            return obj

        def _key(self, net: str, obj: object) -> tuple[str, str, str]:
            kind = kind_for(type(obj))
            return (net, kind.name, kind.key(obj))

        @rule(net=st.sampled_from(networks), obj=_records())
        def put(self, net: str, obj: object) -> None:
            net = self._net(net)
            obj = self._place(obj, net)
            self.stores[net].put(obj)
            self.model[self._key(net, obj)] = obj
            self._count()

        @rule(net=st.sampled_from(networks), objs=st.lists(_records(), max_size=5))
        def put_many(self, net: str, objs: list[object]) -> None:
            net = self._net(net)
            placed = [self._place(o, net) for o in objs]
            seen: list[int] = []
            n = self.stores[net].put_many(placed, progress=seen.append, chunk_size=3)
            assert n == len(placed)
            assert seen == [min(len(placed), i) for i in range(3, len(placed) + 3, 3)]
            for o in placed:
                self.model[self._key(net, o)] = o
            self._count()

        @rule(
            net=st.sampled_from(networks),
            cls=st.sampled_from(_KINDS),
            key=st.sampled_from(_MIGRANTS + _CASES + _APPLICATIONS),
        )
        def delete(self, net: str, cls: type, key: str) -> None:
            net = self._net(net)
            mkey = (net, kind_for(cls).name, key)
            if mkey in self.model:
                self.stores[net].delete(cls, key)
                del self.model[mkey]
            else:
                with pytest.raises(NotFound):
                    self.stores[net].delete(cls, key)
            self._count()

        @rule(
            net=st.sampled_from(networks),
            cls=st.sampled_from(_KINDS),
            key=st.sampled_from(_MIGRANTS + _CASES + _APPLICATIONS),
        )
        def get(self, net: str, cls: type, key: str) -> None:
            net = self._net(net)
            mkey = (net, kind_for(cls).name, key)
            if mkey in self.model:
                assert self.stores[net].get(cls, key) == self.model[mkey]
            else:
                with pytest.raises(NotFound):
                    self.stores[net].get(cls, key)
            self._count()

        @rule(net=st.sampled_from(networks), query=_filters())
        def find(self, net: str, query: tuple[type, dict[str, object]]) -> None:
            from iqcore.storage.kinds import match_filters, normalise_filters

            net = self._net(net)
            cls, filters = query
            kind: RecordKind[Any] = kind_for(cls)
            norm = normalise_filters(kind, filters)
            expected = sorted(
                (k[2], o)
                for k, o in self.model.items()
                if k[0] == net and k[1] == kind.name and match_filters(kind, o, norm)
            )
            got: list[object] = self.stores[net].find(cls, **filters)
            assert got == [o for _k, o in expected]
            self._count()

        def _person_model(self, net: str, mid: str) -> dict[tuple[str, str, str], object]:
            return {
                k: o
                for k, o in self.model.items()
                if k[0] == net and kind_for(type(o)).person(o) == mid
            }

        @rule(net=st.sampled_from(networks), mid=st.sampled_from(_MIGRANTS))
        def export(self, net: str, mid: str) -> None:
            net = self._net(net)
            doc = orjson.loads(self.stores[net].export_person(mid))
            got = [(r["kind"], r["id"], orjson.dumps(r["document"])) for r in doc["records"]]
            expected = sorted(
                (k[1], k[2], orjson.dumps(orjson.loads(to_json(o))))
                for k, o in self._person_model(net, mid).items()
            )
            assert got == expected
            self._count()

        @rule(net=st.sampled_from(networks), mid=st.sampled_from(_MIGRANTS))
        def erase(self, net: str, mid: str) -> None:
            net = self._net(net)
            gone = self._person_model(net, mid)
            report = self.stores[net].erase_person(mid)
            assert {(r.network, r.kind, r.id) for r in report.removed} == set(gone)
            assert report.total == len(gone)
            for k in gone:
                del self.model[k]
            self._count()

        @rule(net=st.sampled_from(networks), mid=st.sampled_from(_MIGRANTS))
        def export_erase_import(self, net: str, mid: str) -> None:
            net = self._net(net)
            store = self.stores[net]
            data = store.export_person(mid)
            store.erase_person(mid)
            assert store.import_person(data) == len(self._person_model(net, mid))
            assert store.export_person(mid) == data
            self._count()

        @precondition(lambda self: self.txn is None and Capability.TRANSACTIONS in caps)
        @rule(net=st.sampled_from(networks))
        def begin(self, net: str) -> None:
            cm = self.stores[net].transaction()
            cm.__enter__()
            self.txn = (net, cm, dict(self.model))
            self._count()

        @precondition(lambda self: self.txn is not None)
        @rule()
        def commit(self) -> None:
            assert self.txn is not None
            _net, cm, _snapshot = self.txn
            self.txn = None
            cm.__exit__(None, None, None)
            self._count()

        @precondition(lambda self: self.txn is not None)
        @rule()
        def rollback(self) -> None:
            assert self.txn is not None
            _net, cm, snapshot = self.txn
            self.txn = None
            error = RuntimeError("rollback")
            suppressed = cm.__exit__(RuntimeError, error, None)
            assert not suppressed
            self.model = snapshot
            self._count()

        @invariant()
        def audit_chain_holds(self) -> None:
            if Capability.AUDIT in caps and self.txn is None:
                assert self.stores[networks[0]].verify_audit().ok

    return StoreMachine


def run_storage_conformance(
    opener: StoreOpener,
    *,
    capabilities: Iterable[Capability],
    operations: int = 10_000,
    max_examples: int = 100,
    stateful_step_count: int = 50,
    marks: Iterable[pytest.MarkDecorator] = (),
    name: str = "TestStorageConformance",
    workdir: Path | None = None,
) -> type:
    """A pytest test class running the whole kit against *opener*.

    ``test_state_machine`` runs the state machine in rounds of *max_examples* examples of up to
    *stateful_step_count* steps until at least *operations* steps have run. *marks* (for example
    ``pytest.mark.slow``) are applied to it. Its examples open their stores in fresh directories
    under *workdir* (for example a tmpfs, to keep fsync out of a long run).
    """
    caps = frozenset(capabilities)
    machine = make_state_machine(opener, caps, workdir=workdir)
    run_settings = settings(
        max_examples=max_examples,
        stateful_step_count=stateful_step_count,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )

    def test_state_machine(self: object) -> None:
        start = getattr(machine, "operations", 0)
        rounds = 0
        while getattr(machine, "operations", 0) - start < operations:
            run_state_machine_as_test(machine, settings=run_settings)
            rounds += 1
            assert rounds < 1000, "the state machine ran no steps"

    for mark in marks:
        test_state_machine = mark(test_state_machine)
    body: dict[str, Any] = {
        "opener": staticmethod(opener),
        "capabilities": caps,
        "state_machine": machine,
        "test_state_machine": test_state_machine,
    }
    bases = (
        CrudTests,
        FindTests,
        TransactionTests,
        IsolationTests,
        AdminViewTests,
        PersonTests,
        AuditTests,
        PersistenceTests,
    )
    return type(name, bases, body)
