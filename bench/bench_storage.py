"""Storage benchmark: iqcore's SQLite store against raw ``sqlite3``, and PostgreSQL COPY.

Run: ``python bench/bench_storage.py [--n 200000] [--reads 20000] [--chunk 1000] [--dir DIR]``.
Not a test.

It builds ``--n`` seeded-random counselling cases (contacts and referrals included, about
500 bytes of JSON each, four cases per person), then in one run prints:

1. the raw floor: ``sqlite3.executemany`` of the same JSON rows (pre-encoded, not timed) into a
   table ``(network, id, doc)`` in the same journal mode (WAL, ``synchronous=FULL``), once in one
   transaction and once in transactions of ``--chunk`` rows;
2. iqcore's SQLite bulk save (``Store.put_many``: encoding, index columns and the declared
   indexes, person pseudonyms, audit entries), once with one transaction per chunk and once
   inside one ``Store.transaction()``, each against the raw insert with the same transactions
   (goal: within 2.5x of the raw insert);
3. point reads per second with ``Store.get`` (decoding and audit included; goal >= 20,000/s);
4. a filtered query (status and a date range) with ``Store.find``;
5. PostgreSQL bulk save with COPY (filled in by :func:`bench_postgres_copy`, see there).

Database files go to ``--dir`` (default: a temporary directory on the same disk as /tmp).
"""

from __future__ import annotations

# mypy's attrs plugin types the model's converted collection fields (converter=tuple) as
# ``Iterable[_T_co]`` with an unbound type variable.
# mypy: disable-error-code="misc,arg-type"
import argparse
import gc
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from iqcore.model import (
    CaseStatus,
    ClosureReason,
    Contact,
    ContactChannel,
    CounsellingCase,
    Referral,
    ReferralSource,
    ReferralTarget,
)
from iqcore.serialization import to_json
from iqcore.storage import Range, open_store

NETWORK = "iq-bench"


def make_cases(n: int, seed: int) -> list[CounsellingCase]:
    """*n* realistic counselling cases, four per person."""
    rng = random.Random(seed)
    statuses = [s for s in CaseStatus if s is not CaseStatus.CLOSED]
    out = []
    for i in range(n):
        opened = date(2019, 1, 1) + timedelta(days=rng.randrange(2000))
        contacts = tuple(
            Contact(
                on=opened + timedelta(days=7 * k + rng.randrange(7)),
                channel=rng.choice(list(ContactChannel)),
                minutes=rng.choice((15, 30, 45, 60, 90)),
            )
            for k in range(rng.randrange(1, 5))
        )
        referrals = tuple(
            Referral(to=rng.choice(list(ReferralTarget)), on=opened + timedelta(days=30 + k))
            for k in range(rng.randrange(0, 3))
        )
        closed = rng.random() < 0.3
        out.append(
            CounsellingCase(
                id=f"case-{i:07d}",
                migrant_id=f"m-{i // 4:07d}",
                network_id=NETWORK,
                opened_on=opened,
                status=CaseStatus.CLOSED if closed else rng.choice(statuses),
                occupation_id=f"occ-{rng.randrange(400):04d}",
                referral_source=rng.choice(list(ReferralSource)),
                contacts=contacts,
                referrals=referrals,
                application_ids=tuple(f"app-{i:07d}-{k}" for k in range(rng.randrange(0, 2))),
                closure_reason=rng.choice(list(ClosureReason)) if closed else None,
                closed_on=opened + timedelta(days=400) if closed else None,
            )
        )
    return out


def _fresh(directory: Path, name: str) -> Path:
    path = directory / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def raw_insert(directory: Path, rows: Sequence[tuple[str, str, bytes]], chunk: int | None) -> float:
    """Seconds for raw executemany of pre-encoded rows; one transaction, or one per *chunk*."""
    path = _fresh(directory, "raw.sqlite3")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE rec (network TEXT NOT NULL, id TEXT NOT NULL, doc BLOB NOT NULL,"
        " PRIMARY KEY (network, id))"
    )
    gc.collect()
    start = time.perf_counter()
    step = chunk or len(rows)
    for i in range(0, len(rows), step):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO rec (network, id, doc) VALUES (?, ?, ?)", rows[i : i + step])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def iqcore_save(
    directory: Path, cases: Sequence[CounsellingCase], chunk: int, *, one_transaction: bool
) -> float:
    """Seconds for ``put_many``: a transaction per *chunk*, or all inside one ``transaction()``."""
    path = _fresh(directory, "iqcore.sqlite3")
    with open_store(f"sqlite://{path}", network=NETWORK) as store:
        gc.collect()
        start = time.perf_counter()
        if one_transaction:
            with store.transaction():
                store.put_many(cases, chunk_size=chunk)
        else:
            store.put_many(cases, chunk_size=chunk)
        return time.perf_counter() - start


def point_reads(directory: Path, ids: Sequence[str]) -> float:
    path = directory / "iqcore.sqlite3"
    with open_store(f"sqlite://{path}", network=NETWORK) as store:
        gc.collect()
        start = time.perf_counter()
        for case_id in ids:
            store.get(CounsellingCase, case_id)
        return time.perf_counter() - start


def filtered_query(directory: Path) -> tuple[int, float]:
    path = directory / "iqcore.sqlite3"
    with open_store(f"sqlite://{path}", network=NETWORK) as store:
        gc.collect()
        start = time.perf_counter()
        found = store.find(
            CounsellingCase,
            status=CaseStatus.DOCUMENTS,
            opened_on=Range(start=date(2020, 1, 1), end=date(2022, 1, 1)),
        )
        return len(found), time.perf_counter() - start


# -- PostgreSQL ---------------------------------------------------------------------------------
# Goal (issue 5, section 6): at least 20,000 records per second.

PG_CHUNK = 1000


def bench_postgres_copy(cases: Sequence[CounsellingCase]) -> float | None:
    """Seconds for the PostgreSQL store's COPY bulk save of *cases*; None if not measured.

    It starts a throwaway server on 127.0.0.1 the way the tests do (``tests/pg_server.py``: run
    by an unprivileged OS user when this runs as root, ``fsync`` and ``synchronous_commit`` on),
    provisions a database, connects as the network's own role (row-level security applies) and
    saves the cases with ``put_many`` in chunks of ``PG_CHUNK``: one transaction, one binary
    COPY and one ``INSERT … ON CONFLICT`` per chunk, with person pseudonyms and audit entries.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    try:
        import pg_server
        from iqcore_adapters.postgres import create_network_role, provision
    except ImportError as exc:  # the extra iqcore[postgres] is not installed
        print(f"postgresql: not measured ({exc.name} is missing)")
        return None
    if pg_server.find_bindir() is None:
        print("postgresql: not measured (no server binaries under /usr/lib/postgresql/*/bin)")
        return None
    server = pg_server.start_server()
    try:
        admin = server.create_database("iqcore_bench")
        provision(admin)
        password = "bench-password-1"
        role = create_network_role(admin, NETWORK, password)
        with open_store(server.dsn("iqcore_bench", role, password), network=NETWORK) as store:
            gc.collect()
            start = time.perf_counter()
            store.put_many(cases, chunk_size=PG_CHUNK)
            return time.perf_counter() - start
    finally:
        server.stop()


def _median(fn: Callable[[], float], runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--reads", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args(argv)

    directory = Path(tempfile.mkdtemp(prefix="iqcore-bench-", dir=args.dir))
    try:
        print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}")
        ids = _save_phase(directory, args)
        gc.collect()  # a reading process does not hold the whole batch in memory
        reads = _median(lambda: point_reads(directory, ids), args.runs)
        _line(
            "point reads (get: decoded, audited)",
            f"{args.reads / reads:9,.0f} /s  (goal >= 20,000)",
        )
        n_found, query = _median_pair(lambda: filtered_query(directory), args.runs)
        _line(
            "filtered query (status + date range)",
            f"{n_found:,} records in {query * 1000:.0f} ms ({n_found / query:,.0f} rec/s)",
        )
        pg = bench_postgres_copy(make_cases(args.n, args.seed))
        if pg is None:
            _line("postgresql COPY bulk save", "not measured here (no PostgreSQL store yet)")
        else:
            _line("postgresql COPY bulk save", f"{args.n / pg:9,.0f} rec/s  (goal >= 20,000)")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


def _save_phase(directory: Path, args: argparse.Namespace) -> list[str]:
    """Bulk save: raw floor and iqcore; returns the ids to read back."""
    cases = make_cases(args.n, args.seed)
    rows = [(NETWORK, c.id, to_json(c)) for c in cases]
    size = sum(len(r[2]) for r in rows) / len(rows)
    print(f"records: {args.n:,} counselling cases, {size:.0f} B of JSON each")
    # Interleaved, so that a change in the machine's load hits both sides of each ratio.
    raw_one, ours_one, raw_chunked, ours = [], [], [], []
    for _ in range(args.runs):
        raw_one.append(raw_insert(directory, rows, None))
        ours_one.append(iqcore_save(directory, cases, args.chunk, one_transaction=True))
        raw_chunked.append(raw_insert(directory, rows, args.chunk))
        ours.append(iqcore_save(directory, cases, args.chunk, one_transaction=False))
    one = [o / r for o, r in zip(ours_one, raw_one, strict=True)]
    chunked = [o / r for o, r in zip(ours, raw_chunked, strict=True)]
    med = statistics.median
    _line("raw executemany, one transaction", f"{args.n / med(raw_one):9,.0f} rec/s")
    _line("iqcore put_many in one transaction()", f"{args.n / med(ours_one):9,.0f} rec/s")
    _line("  ratio (median of runs' ratios)", f"{med(one):5.2f}x  (goal <= 2.5x)  {_runs(one)}")
    _line(f"raw executemany, {args.chunk}-row txns", f"{args.n / med(raw_chunked):9,.0f} rec/s")
    _line(f"iqcore put_many, {args.chunk}-rec chunks", f"{args.n / med(ours):9,.0f} rec/s")
    _line("  ratio (median of runs' ratios)", f"{med(chunked):5.2f}x  {_runs(chunked)}")
    _line("  ratio to raw, one transaction", f"{med(ours) / med(raw_one):5.2f}x")
    rng = random.Random(args.seed)
    return [cases[rng.randrange(len(cases))].id for _ in range(args.reads)]


def _runs(ratios: Sequence[float]) -> str:
    return "(runs: " + ", ".join(f"{r:.2f}" for r in ratios) + ")"


def _line(label: str, value: str) -> None:
    print(f"{label:38s}: {value}")


def _median_pair(fn: Callable[[], tuple[int, float]], runs: int) -> tuple[int, float]:
    results = [fn() for _ in range(runs)]
    return results[0][0], statistics.median(t for _n, t in results)


if __name__ == "__main__":
    raise SystemExit(main())
