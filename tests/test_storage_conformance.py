"""iqcore's own backends run the shipped conformance kit exactly as a third party would."""

from __future__ import annotations

from pathlib import Path

import pytest

from iqcore.storage import Capability, Store, open_store
from iqcore.testing.storage import run_storage_conformance


def open_memory(location: Path, network: str | None) -> Store:
    return open_store(f"memory://{location}", network=network)


def open_sqlite(location: Path, network: str | None) -> Store:
    return open_store(f"sqlite://{location}/iqcore.sqlite3", network=network)


MEMORY_CAPABILITIES = {
    Capability.TRANSACTIONS,
    Capability.ADMIN_VIEW,
    Capability.NETWORK_ISOLATION,
    Capability.AUDIT,
}
SQLITE_CAPABILITIES = MEMORY_CAPABILITIES | {
    Capability.PERSISTENT,
    Capability.MULTI_PROCESS,
    Capability.SECURE_ERASURE,
}

TestMemoryConformance = run_storage_conformance(
    open_memory,
    capabilities=MEMORY_CAPABILITIES,
    operations=10_000,
    marks=[pytest.mark.slow],
    name="TestMemoryConformance",
)
# The state machine checks logic, not durability (the crash tests do that on a real disk), so
# its many short-lived databases live on a tmpfs where there is one: fsync costs ~2x otherwise.
_SHM = Path("/dev/shm")

TestSQLiteConformance = run_storage_conformance(
    open_sqlite,
    capabilities=SQLITE_CAPABILITIES,
    operations=10_000,
    marks=[pytest.mark.slow],
    name="TestSQLiteConformance",
    workdir=_SHM if _SHM.is_dir() else None,
)


def test_declared_capabilities_match_the_backends(tmp_path: Path) -> None:
    with open_memory(tmp_path, "iq-a") as memory:
        assert memory.capabilities == MEMORY_CAPABILITIES
    with open_sqlite(tmp_path, "iq-a") as sqlite:
        assert sqlite.capabilities == SQLITE_CAPABILITIES
