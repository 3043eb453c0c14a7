"""The tamper-evident audit log shared by the backends: entries, the hash chain, verification.

Each entry names the network and role that acted, the time, the operation, the record kind, the
*audit pseudonyms* of the persons concerned, and a count. An audit pseudonym is a random token
kept in the store's person table next to the migrant id; erasing the person deletes that row, so
the entries that stay behind can no longer be linked to anyone (and hold no migrant id to begin
with). ``hash = sha256(canonical(entry fields) + prev)`` links each entry to the one before; the
first entry's ``prev`` is :data:`GENESIS`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import attrs
import orjson

from iqcore.errors import ConfigurationError
from iqcore.storage.protocol import AuditEntry, AuditVerification

__all__ = [
    "GENESIS",
    "PendingEntry",
    "at_ns",
    "chain_rows",
    "check_role",
    "entry_hash",
    "new_pseudonym",
    "now",
    "seal",
    "verify_chain",
]

GENESIS = "0" * 64
_ROLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def new_pseudonym() -> str:
    """A fresh random audit pseudonym (128 bits, hex)."""
    return secrets.token_hex(16)


def now() -> str:
    """The current UTC time, ISO 8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def at_ns(ns: int) -> str:
    """The time *ns* (nanoseconds since the epoch, as :func:`time.time_ns` gives) in the format
    of :func:`now`; lets a backend take the time of a read cheaply and format it later."""
    return datetime.fromtimestamp(ns // 1000 / 1_000_000, UTC).isoformat(timespec="microseconds")


def check_role(role: str) -> str:
    """A role names a function (``counsellor``, ``import-job``), never a person."""
    if not isinstance(role, str) or not _ROLE.match(role):
        raise ConfigurationError(
            "role must be an identifier of 1-64 letters, digits or '._:-' (a function, not a name)"
        )
    return role


@attrs.frozen(kw_only=True)
class PendingEntry:
    """An entry that is not yet in the chain (no sequence number or hash yet)."""

    at: str
    network: str | None
    role: str
    operation: str
    kind: str
    persons: tuple[str, ...]
    count: int


def entry_hash(
    seq: int,
    at: str,
    network: str | None,
    role: str,
    operation: str,
    kind: str,
    persons: Sequence[str],
    count: int,
    prev: str,
) -> str:
    """SHA-256 (hex) of the canonical JSON of the entry's fields and the previous hash."""
    body = orjson.dumps([seq, at, network, role, operation, kind, list(persons), count, prev])
    return hashlib.sha256(body).hexdigest()


def seal(pending: Iterable[PendingEntry], *, last_seq: int, last_hash: str) -> list[AuditEntry]:
    """Chain *pending* entries after the entry ``(last_seq, last_hash)``."""
    out: list[AuditEntry] = []
    seq, prev = last_seq, last_hash
    for p in pending:
        seq += 1
        h = entry_hash(seq, p.at, p.network, p.role, p.operation, p.kind, p.persons, p.count, prev)
        out.append(
            AuditEntry(
                seq=seq,
                at=p.at,
                network=p.network,
                role=p.role,
                operation=p.operation,
                kind=p.kind,
                persons=p.persons,
                count=p.count,
                prev=prev,
                hash=h,
            )
        )
        prev = h
    return out


def chain_rows(
    pending: Iterable[PendingEntry], *, last_seq: int, last_hash: str
) -> list[tuple[int, str, str | None, str, str, str, str, int, str, str]]:
    """Like :func:`seal`, as rows ``(seq, at, network, role, operation, kind, persons as a JSON
    array, count, prev, hash)`` for an SQL insert (no :class:`AuditEntry` objects made)."""
    out = []
    seq, prev = last_seq, last_hash
    dumps, sha256 = orjson.dumps, hashlib.sha256
    for p in pending:
        seq += 1
        persons = list(p.persons)
        body = dumps([seq, p.at, p.network, p.role, p.operation, p.kind, persons, p.count, prev])
        h = sha256(body).hexdigest()
        out.append(
            (
                seq,
                p.at,
                p.network,
                p.role,
                p.operation,
                p.kind,
                dumps(persons).decode(),
                p.count,
                prev,
                h,
            )
        )
        prev = h
    return out


def verify_chain(entries: Iterable[AuditEntry]) -> AuditVerification:
    """Walk the chain in order; report the first entry whose link or hash does not hold.

    Detects a changed, inserted, removed or reordered entry. It cannot detect that the newest
    entries were cut off: keep :meth:`~iqcore.storage.Store.audit_log`'s last hash elsewhere
    if that matters.
    """
    prev = GENESIS
    expected_seq = 1
    n = 0
    for e in entries:
        n += 1
        if e.seq != expected_seq:
            return AuditVerification(
                ok=False, entries=n, first_broken=e.seq, reason="sequence gap or reorder"
            )
        if e.prev != prev:
            return AuditVerification(
                ok=False, entries=n, first_broken=e.seq, reason="link to previous entry broken"
            )
        h = entry_hash(
            e.seq, e.at, e.network, e.role, e.operation, e.kind, e.persons, e.count, e.prev
        )
        if h != e.hash:
            return AuditVerification(
                ok=False, entries=n, first_broken=e.seq, reason="entry content changed"
            )
        prev = e.hash
        expected_seq += 1
    return AuditVerification(ok=True, entries=n)
