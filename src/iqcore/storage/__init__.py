"""Storage: the :class:`Store` protocol, record kinds, URL schemes and the in-memory store.

Open a store with :func:`open_store` (also ``iqcore.open_store``)::

    >>> import iqcore
    >>> with iqcore.open_store("memory://", network="iq-example") as store:
    ...     store.put(iqcore.Migrant(id="m-1"))
    ...     store.get(iqcore.Migrant, "m-1").id
    'm-1'

A stored assessment is an :class:`AssessmentRecord` (kind ``assessment``; imported on first
use from :mod:`iqcore.storage.records`, so that this package does not import the engine).

``memory://`` is the reference model. ``sqlite:///path`` (the embedded default, from
``iqcore_adapters``) and other backends arrive through the ``iqcore_register_stores`` hook.
Every backend passes the conformance kit :mod:`iqcore.testing.storage`.
"""

from typing import TYPE_CHECKING

from iqcore.errors import StorageError
from iqcore.storage.audit import verify_chain
from iqcore.storage.errors import (
    Conflict,
    ReadOnlyStore,
    StorageBusy,
    StorageFull,
    TransactionError,
    WrongNetwork,
)
from iqcore.storage.export import PersonExport, build_export, parse_export
from iqcore.storage.kinds import (
    CompositeIndex,
    IndexField,
    Range,
    RecordKind,
    kind_for,
    kind_named,
    record_kinds,
    register_kind,
)
from iqcore.storage.memory import MemoryStore
from iqcore.storage.migrations import Migration, migrate
from iqcore.storage.protocol import (
    AuditEntry,
    AuditVerification,
    Capability,
    ErasureReport,
    ProgressCallback,
    RemovedRecord,
    Store,
)
from iqcore.storage.registry import (
    SchemeRegistrar,
    StoreFactory,
    open_store,
    register_store_scheme,
    store_schemes,
)

__all__ = [
    "AssessmentRecord",
    "AuditEntry",
    "AuditVerification",
    "Capability",
    "CompositeIndex",
    "Conflict",
    "ErasureReport",
    "IndexField",
    "MemoryStore",
    "Migration",
    "PersonExport",
    "ProgressCallback",
    "Range",
    "ReadOnlyStore",
    "RecordKind",
    "RemovedRecord",
    "SchemeRegistrar",
    "StorageBusy",
    "StorageError",
    "StorageFull",
    "Store",
    "StoreFactory",
    "TransactionError",
    "WrongNetwork",
    "build_export",
    "kind_for",
    "kind_named",
    "migrate",
    "open_store",
    "parse_export",
    "record_kinds",
    "register_kind",
    "register_store_scheme",
    "store_schemes",
    "verify_chain",
]

if TYPE_CHECKING:
    from iqcore.storage.records import AssessmentRecord


def __getattr__(name: str) -> object:
    if name == "AssessmentRecord":
        from iqcore.storage.records import AssessmentRecord

        return AssessmentRecord
    raise AttributeError(f"module 'iqcore.storage' has no attribute {name!r}")
