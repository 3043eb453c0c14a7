"""The PostgreSQL store runs the shipped conformance kit exactly as a third party would.

The opener connects as the network's own database role (made by ``create_network_role``) and,
for the admin view, as a role made by ``create_admin_role``: the kit runs through row-level
security, not around it. Each new *location* the kit asks for gets an empty database: the
opener empties the one test database (as the superuser) the first time it sees a location.

The state machine checks logic, not durability (the crash proof in
``test_postgres_proofs.py`` does that with ``synchronous_commit`` on), so the kit's roles run
with ``synchronous_commit = off``: a commit does not wait for its WAL flush. ``fsync`` stays on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from iqcore.storage import Capability, Store, open_store
from iqcore.testing.storage import NET_A, NET_B, run_storage_conformance
from iqcore_adapters.postgres import (
    PostgresStore,
    create_admin_role,
    create_network_role,
    provision,
)
from pg_server import PgServer

pytestmark = [pytest.mark.postgres]

PASSWORD = "conformance-password-1"
ADMIN_ROLE = "iqcore_conformance_admin"
TABLES = ("records", "persons", "audit", "audit_heads")

POSTGRES_CAPABILITIES = {
    Capability.TRANSACTIONS,
    Capability.PERSISTENT,
    Capability.ADMIN_VIEW,
    Capability.MULTI_PROCESS,
    Capability.NETWORK_ISOLATION,
    Capability.AUDIT,
}


class _Database:
    """The test database: store URLs per network, and emptying it for a new location."""

    def __init__(self, server: PgServer) -> None:
        admin = server.create_database("iqcore_conformance")
        provision(admin)
        self.urls: dict[str | None, str] = {}
        for net in (NET_A, NET_B):
            role = create_network_role(admin, net, PASSWORD)
            self.urls[net] = server.dsn("iqcore_conformance", role, PASSWORD)
        create_admin_role(admin, ADMIN_ROLE, PASSWORD)
        self.urls[None] = server.dsn("iqcore_conformance", ADMIN_ROLE, PASSWORD)
        self.wiper = psycopg.connect(admin, autocommit=True)
        for url in self.urls.values():
            role = url.split("//", 1)[1].split(":", 1)[0]
            self.wiper.execute(f"ALTER ROLE {role} SET synchronous_commit = off")
        self.wiper.execute("SET synchronous_commit = off")
        self.location: Path | None = None
        # Stores with one URL share a connection pool; keeping one store per URL open keeps
        # the pools (and their connections) alive between the kit's many short-lived stores.
        self.keepers = [open_store(url, network=net) for net, url in self.urls.items()]

    def open(self, location: Path, network: str | None) -> Store:
        if location != self.location:
            with self.wiper.transaction():
                for table in TABLES:
                    self.wiper.execute(f"DELETE FROM iqcore.{table}")
            self.location = location
        return open_store(self.urls[network], network=network)

    def close(self) -> None:
        for store in self.keepers:
            store.close()
        self.wiper.close()


_DB: list[_Database] = []


@pytest.fixture(scope="module", autouse=True)
def _conformance_database(postgres_server: PgServer) -> Iterator[None]:
    _DB.append(_Database(postgres_server))
    yield
    _DB.pop().close()


def open_postgres(location: Path, network: str | None) -> Store:
    return _DB[-1].open(location, network)


TestPostgresConformance = run_storage_conformance(
    open_postgres,
    capabilities=POSTGRES_CAPABILITIES,
    operations=10_000,
    marks=[pytest.mark.slow],
    name="TestPostgresConformance",
)


def test_declared_capabilities_match_the_backend(tmp_path: Path) -> None:
    with open_postgres(tmp_path, NET_A) as store:
        assert isinstance(store, PostgresStore)
        assert store.capabilities == POSTGRES_CAPABILITIES
