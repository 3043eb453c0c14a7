"""Proofs for the SQLite store: crashes lose nothing acknowledged, concurrent writers lose nothing
and never see "database is locked", and a full disk leaves the state as before.

The writers are forked child processes (``os.fork``): fast to start, and with iqcore already
imported, so the parent can kill them at any moment of a write, including during a commit.
"""

from __future__ import annotations

# mypy's attrs plugin types the model's converted collection fields (converter=tuple) as
# ``Iterable[_T_co]`` with an unbound type variable.
# mypy: disable-error-code="misc"
import os
import random
import resource
import signal
import sqlite3
import time
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path

import orjson
import pytest

from iqcore import Contact, ContactChannel, CounsellingCase
from iqcore.storage import StorageFull, open_store
from iqcore_adapters.sqlite import SQLiteStore

NET = "iq-proof"
CHUNK = 40
PER_TRIAL = 1200  # 30 chunks; a child needs ~0.2 s for all of them on this machine


def _case(trial: int, i: int) -> CounsellingCase:
    return CounsellingCase(
        id=f"t{trial:03d}-{i:05d}",
        migrant_id=f"m-t{trial:03d}",
        network_id=NET,
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


def _ack(fd: int, n: int) -> None:
    os.write(fd, b"%d\n" % n)


def _integrity(path: Path) -> str:
    raw = sqlite3.connect(path)
    try:
        return str(raw.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        raw.close()


@pytest.mark.slow
def test_crash_at_a_random_moment_loses_no_acknowledged_record(tmp_path: Path) -> None:
    """>= 100 trials: a child bulk-writes and acknowledges each committed chunk on a pipe; the
    parent SIGKILLs it at a random moment. Afterwards every acknowledged record is there, no
    chunk is there in part, every stored document decodes, the audit chain holds, and
    ``PRAGMA integrity_check`` is ok."""
    path = tmp_path / "crash.sqlite3"
    url = f"sqlite://{path}"
    open_store(url, network=NET).close()
    rng = random.Random(20240501)
    trials = 100
    killed_mid_write = 0
    for trial in range(trials):
        read_fd, write_fd = os.pipe()

        def child(trial: int = trial, write_fd: int = write_fd, read_fd: int = read_fd) -> None:
            os.close(read_fd)
            store = open_store(url, network=NET)
            store.put_many(
                (_case(trial, i) for i in range(PER_TRIAL)),
                progress=lambda n: _ack(write_fd, n),
                chunk_size=CHUNK,
            )
            store.close()

        pid = _fork(child)
        os.close(write_fd)
        # The moment is drawn relative to the child's own progress, so that the kills land
        # mid-write on a fast machine as on a slow one: after a random number of acknowledged
        # chunks, plus a random fraction of a chunk's time.
        wait_for = rng.randrange(0, PER_TRIAL // CHUNK)
        with os.fdopen(read_fd, "rb") as pipe:
            acks: list[int] = []
            while len(acks) < wait_for:
                line = pipe.readline()
                if not line:
                    break
                acks.append(int(line))
            time.sleep(rng.uniform(0.0, 0.01))
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            acks.extend(int(line) for line in pipe.read().split())
        acknowledged = max(acks, default=0)
        if os.WIFSIGNALED(status):
            killed_mid_write += 1
        assert _integrity(path) == "ok", f"trial {trial}"
        with open_store(url, network=NET) as store:
            found = store.find(CounsellingCase, migrant_id=f"m-t{trial:03d}")
            ids = [c.id for c in found]
            assert ids == [f"t{trial:03d}-{i:05d}" for i in range(len(ids))], f"trial {trial}"
            assert len(ids) >= acknowledged, f"trial {trial}: acknowledged record lost"
            assert len(ids) % CHUNK == 0 or len(ids) == PER_TRIAL, f"trial {trial}: partial"
            assert found == [_case(trial, i) for i in range(len(ids))]
            assert store.verify_audit().ok
    assert killed_mid_write >= trials // 2, "the kills came too late to prove anything"


def _writer(url: str, worker: int, n: int, write_fd: int, start_at: float) -> None:
    while time.time() < start_at:
        time.sleep(0.001)
    store = open_store(url, network=NET)
    rng = random.Random(worker)
    i = 0
    while i < n:
        if rng.random() < 0.7:
            store.put(_case(worker, i))
            done = [i]
            i += 1
        else:
            size = min(rng.randint(2, 20), n - i)
            store.put_many([_case(worker, j) for j in range(i, i + size)], chunk_size=7)
            done = list(range(i, i + size))
            i += size
        os.write(write_fd, b"".join(b"%d %d\n" % (worker, j) for j in done))
        if rng.random() < 0.2:
            store.get(CounsellingCase, f"t{worker:03d}-{done[0]:05d}")
        if rng.random() < 0.05:
            store.find(CounsellingCase, migrant_id=f"m-t{worker:03d}")
    store.close()


@pytest.mark.slow
def test_four_processes_write_at_once_without_loss_or_lock_errors(tmp_path: Path) -> None:
    """Four processes open a fresh database at the same moment (racing the schema set-up) and
    write to it at once with single puts and batches; every acknowledged write is there and no
    writer raised (so no "database is locked" reached a caller)."""
    path = tmp_path / "shared.sqlite3"
    url = f"sqlite://{path}"
    read_fd, write_fd = os.pipe()
    start_at = time.time() + 0.3
    per_worker = 250
    pids = [_fork(lambda w=w: _writer(url, w, per_worker, write_fd, start_at)) for w in range(4)]
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        acks = [tuple(map(int, line.split())) for line in pipe.read().splitlines()]
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    assert codes == [0, 0, 0, 0], "a writer raised (see its traceback above)"
    assert len(acks) == 4 * per_worker
    assert _integrity(path) == "ok"
    with open_store(url, network=NET) as store:
        stored = {c.id for c in store.find(CounsellingCase)}
        assert stored == {f"t{w:03d}-{j:05d}" for w, j in acks}
        assert store.verify_audit().ok
        ops = {e.operation for e in store.audit_log()}
        assert {"put", "get"} <= ops


@pytest.mark.slow
def test_full_disk_gives_storage_full_and_leaves_the_state_as_before(tmp_path: Path) -> None:
    """A child process with a file-size limit (RLIMIT_FSIZE) writes a batch that does not fit:
    it gets StorageFull, sees the state as before the transaction, and can still write a small
    record once space is back. The parent then finds the database intact."""
    path = tmp_path / "full.sqlite3"
    url = f"sqlite://{path}"
    with open_store(url, network=NET) as store:
        store.put_many(_case(1, i) for i in range(200))
    result_r, result_w = os.pipe()

    def child() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        store = open_store(url, network=NET)
        assert isinstance(store, SQLiteStore)
        before = [c.id for c in store.find(CounsellingCase)]
        limit = max(p.stat().st_size for p in tmp_path.iterdir()) + 256 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
        outcome: dict[str, object] = {}
        try:
            with store.transaction():
                store.put_many(_case(2, i) for i in range(5000))
        except StorageFull as exc:
            outcome["error"] = type(exc).__name__
            outcome["message"] = str(exc)
        try:
            store.put_many(_case(3, i) for i in range(5000))
        except StorageFull as exc:
            outcome["error_chunked"] = type(exc).__name__
        outcome["same_after"] = [c.id for c in store.find(CounsellingCase)][: len(before)] == before
        outcome["after_txn_count"] = len(store.find(CounsellingCase, migrant_id="m-t002"))
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        store.put(_case(4, 0))
        store.close()
        os.write(result_w, orjson.dumps(outcome))

    pid = _fork(child)
    os.close(result_w)
    with os.fdopen(result_r, "rb") as pipe:
        outcome = orjson.loads(pipe.read() or b"{}")
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    assert outcome["error"] == "StorageFull"
    assert outcome["error_chunked"] == "StorageFull"
    assert "t002" not in str(outcome["message"])
    assert outcome["same_after"] is True
    assert outcome["after_txn_count"] == 0
    assert _integrity(path) == "ok"
    with open_store(url, network=NET) as store:
        assert len(store.find(CounsellingCase, migrant_id="m-t001")) == 200
        assert store.find(CounsellingCase, migrant_id="m-t002") == []
        chunked = len(store.find(CounsellingCase, migrant_id="m-t003"))
        assert chunked % 1000 == 0  # committed chunks only, never part of one
        assert [c.id for c in store.find(CounsellingCase, migrant_id="m-t004")] == ["t004-00000"]
        assert store.verify_audit().ok
