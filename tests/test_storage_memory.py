"""The in-memory reference store: specifics beyond the conformance kit."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

import iqcore
from iqcore import CounsellingCase, IdentityRecord, Migrant
from iqcore.errors import ConfigurationError, NotFound, PluginError
from iqcore.storage import (
    MemoryStore,
    Store,
    open_store,
    register_store_scheme,
    store_schemes,
)
from iqcore.storage.audit import verify_chain


def test_open_store_is_reachable_from_the_top_level() -> None:
    with iqcore.open_store("memory://", network="iq-a") as store:
        assert isinstance(store, Store)
        assert isinstance(store, MemoryStore)
        assert store.network == "iq-a"


def test_memory_scheme_is_built_in_and_unknown_schemes_are_refused() -> None:
    assert "memory" in store_schemes()
    with pytest.raises(ConfigurationError):
        open_store("nosuchscheme://x", network="iq-a")
    with pytest.raises(ConfigurationError):
        open_store("not a url", network="iq-a")


def test_a_second_origin_for_a_scheme_is_a_plugin_error() -> None:
    with pytest.raises(PluginError, match="already registered"):
        register_store_scheme("memory", lambda url, *, network, role: None, origin="rogue")  # type: ignore[arg-type]


def test_named_memory_databases_are_shared_while_open() -> None:
    a = open_store("memory://shared-test", network="iq-a")
    a.put(Migrant(id="m-1"))
    b = open_store("memory://shared-test", network="iq-a")
    assert b.get(Migrant, "m-1").id == "m-1"
    fresh = open_store("memory://", network="iq-a")
    with pytest.raises(NotFound):
        fresh.get(Migrant, "m-1")


def test_tampering_with_the_memory_audit_log_is_detected() -> None:
    store = open_store("memory://", network="iq-a")
    assert isinstance(store, MemoryStore)
    for i in range(5):
        store.put(Migrant(id=f"m-{i}"))
    log = store._db.audit
    assert verify_chain(log).ok
    log[2] = attrs.evolve(log[2], operation="get")
    result = store.verify_audit()
    assert not result.ok
    assert result.first_broken == 3


def test_a_case_of_another_network_is_refused() -> None:
    store = open_store("memory://", network="iq-a")
    case = CounsellingCase(
        id="c-1", migrant_id="m-1", network_id="iq-b", opened_on=date(2024, 1, 2)
    )
    with pytest.raises(iqcore.storage.WrongNetwork):
        store.put(case)
    assert store.find(CounsellingCase) == []


def test_identity_is_keyed_by_migrant_id() -> None:
    store = open_store("memory://", network="iq-a")
    store.put(IdentityRecord(migrant_id="m-1", given_name="Given", family_name="Family"))
    assert store.get(IdentityRecord, "m-1").given_name == "Given"
