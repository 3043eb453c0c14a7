"""``iqcore demo``, ``report``, ``import``/``export`` on real SQLite files, and the demo data."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from iqcore import demo
from iqcore.cli import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_NOT_FOUND
from iqcore.cli._app import cli
from iqcore.demo import _generate
from iqcore.model import CounsellingCase, Migrant, RecognitionApplication
from iqcore.storage import open_store

pytestmark = pytest.mark.xdist_group("cli_demo")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the demo run once (the demo takes a few seconds)."""
    home = tmp_path_factory.mktemp("home")
    result = run("demo", "--json", env={"IQCORE_HOME": str(home)})
    assert result.exit_code == 0, result.output
    return home


def env(home: Path) -> dict[str, str]:
    return {"IQCORE_HOME": str(home), "IQCORE_STORE": ""}


def test_the_data_files_are_what_the_generator_writes() -> None:
    files = demo.data_files()
    for name, data in _generate.build().items():
        assert files[name].read_bytes() == data, f"{name} is stale: python -m iqcore.demo._generate"


def test_the_bundled_data_is_synthetic_and_large_enough() -> None:
    cases = demo.load_cases()
    assert len(cases) >= 50
    assert len({c.network for c in cases}) >= 6
    assert len({c.occupation for c in cases}) >= 8
    assert all(c.applicant is not None and c.applicant.id.startswith("demo-") for c in cases)
    assert all("synthetic" in s.source for s in demo.catalogue())
    workshop = demo.workshops("rin-leipzig")[0]
    assert workshop.size <= 25
    assert workshop.organisers


def test_demo_summary_and_store(demo_home: Path) -> None:
    store = open_store(demo.default_url().replace("sqlite://", "sqlite://"), network=None)
    try:
        assert store.network is None
    finally:
        store.close()
    url = f"sqlite://{demo_home}/iqcore-demo.sqlite3"
    with open_store(url, network="iq-be", role="test") as be:
        cases = be.find(CounsellingCase)
        assert cases
        assert all(c.network_id == "iq-be" for c in cases)
        decided = [a for a in be.find(RecognitionApplication) if a.decision is not None]
        assert decided
        assert be.find(Migrant)


def test_demo_text_output_and_rerun_is_idempotent(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    first = run("demo", env=env(home))
    assert first.exit_code == 0, first.output
    assert "cases assessed" in first.stdout
    assert "Outcomes by network" in first.stdout
    again = run("demo", "--json", "--no-report", env=env(home))
    assert again.exit_code == 0
    doc = orjson.loads(again.stdout)
    assert doc["cases"] >= 50
    assert doc["decisions"] > 0
    assert doc["with_plan"] > 0
    url = doc["store"]
    with open_store(url, network=None, role="test") as store:
        n_cases = len(store.find(CounsellingCase))
    assert n_cases == doc["cases"]
    # another store gets upserts: running twice keeps one record per id
    other = f"sqlite://{tmp_path}/other.sqlite3"
    for _ in range(2):
        assert run("demo", "--store", other, "--no-report", env=env(home)).exit_code == 0
    with open_store(other, network=None, role="test") as store:
        assert len(store.find(CounsellingCase)) == doc["cases"]


def test_demo_files_points_to_readable_cases(demo_home: Path) -> None:
    result = run("demo", "--files", "--json", env=env(demo_home))
    files = orjson.loads(result.stdout)["files"]
    assert Path(files["cases.jsonl"]).is_file()
    assert run("validate", files["cases.jsonl"]).exit_code == 0


def test_report_formats(demo_home: Path, tmp_path: Path) -> None:
    e = env(demo_home)
    table = run("report", "--demo", "--by", "year", env=e)
    assert table.exit_code == 0, table.output
    assert "Outcomes by year" in table.stdout
    assert "Subprojects and staff trained" in table.stdout
    doc = orjson.loads(run("report", "--demo", "--format", "json", env=e).stdout)
    assert [t["dimension"] for t in doc["tables"]] == ["network", "organisation_kind"]
    outcomes = doc["tables"][0]
    assert outcomes["total"]["n"] > 0
    assert all(row[c] is None for row in outcomes["rows"] for c in row["suppressed"])
    csv_text = run("report", "--demo", "--by", "country", "--format", "csv", env=e).stdout
    assert csv_text.startswith("country,n,full,full_share")
    md = tmp_path / "r.md"
    run("report", "--demo", "--format", "markdown", "-o", str(md), "--institutional", "none", env=e)
    assert md.read_text().startswith("### Outcomes by network")
    prognoses = orjson.loads(
        run("report", "--demo", "--source", "assessments", "--format", "json", env=e).stdout
    )
    assert prognoses["tables"][0]["total"]["n"] >= 50
    one = orjson.loads(
        run("report", "--demo", "--network", "iq-be", "--format", "json", env=e).stdout
    )
    assert [r["group"] for r in one["tables"][0]["rows"]] == ["iq-be"]


def test_report_charts(demo_home: Path, tmp_path: Path) -> None:
    e = env(demo_home)
    png = tmp_path / "outcomes.png"
    result = run(
        "report", "--demo", "--by", "year", "--institutional", "none", "--chart", str(png), env=e
    )
    assert result.exit_code == 0, result.output
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5_000
    svg = tmp_path / "all.svg"
    assert run("report", "--demo", "--chart", str(svg), env=e).exit_code == 0
    for name in ("all-outcomes-network.svg", "all-institutional-organisation_kind.svg"):
        assert ET.parse(tmp_path / name).getroot().tag.endswith("svg")


def test_export_import_round_trip(demo_home: Path, tmp_path: Path) -> None:
    e = env(demo_home)
    url = f"sqlite://{demo_home}/iqcore-demo.sqlite3"
    out = tmp_path / "export.jsonl"
    assert run("export", "--store", url, "-o", str(out), env=e).exit_code == 0
    lines = out.read_bytes().splitlines()
    kinds = {orjson.loads(line)["kind"] for line in lines}
    assert {"migrant", "counselling_case", "case_assessment", "case_plan", "subproject"} <= kinds
    copy = f"sqlite://{tmp_path}/copy.sqlite3"
    imported = run("import", str(out), "--store", copy, "--json", env=e)
    assert imported.exit_code == 0, imported.output
    assert orjson.loads(imported.stdout)["records"] == len(lines)
    again = tmp_path / "again.jsonl"
    assert run("export", "--store", copy, "-o", str(again), env=e).exit_code == 0
    assert sorted(again.read_bytes().splitlines()) == sorted(lines)
    only = run("export", "--store", url, "--network", "iq-be", "--kind", "migrant", env=e)
    assert only.exit_code == 0
    assert all(orjson.loads(x)["kind"] == "migrant" for x in only.stdout.splitlines())
    assert run("export", "--store", url, "--kind", "nope", env=e).exit_code == EXIT_NOT_FOUND


def test_import_checks_everything_first(tmp_path: Path) -> None:
    good = {"kind": "migrant", "network": "iq-be", "record": {"id": "m-1"}}
    bad_lines = [
        orjson.dumps(good),
        b"{broken",
        orjson.dumps({"kind": "spaceship", "network": "iq-be", "record": {}}),
        orjson.dumps({"kind": "migrant", "record": {"id": "m-2"}}),
        orjson.dumps({"kind": "migrant", "network": "iq-be", "record": {"id": ""}}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(bad_lines) + b"\n")
    url = f"sqlite://{tmp_path}/x.sqlite3"
    result = run("import", str(path), "--store", url)
    assert result.exit_code == EXIT_INPUT
    for place in ("line 2: $", "line 3: $.kind", "line 4: $.network", "line 5: $.record.id"):
        assert place in result.stderr
    assert not (tmp_path / "x.sqlite3").exists()  # nothing was opened or written
    fixed = run("import", str(path), "--store", url, "--network", "iq-be")
    assert fixed.exit_code == EXIT_INPUT  # --network fixes line 4 only


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return 0
    try:
        row = conn.execute("SELECT table_name FROM record_kinds WHERE kind = 'migrant'").fetchone()
        if row is None:
            return 0
        return int(conn.execute(f"SELECT count(*) FROM {row[0]}").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


@pytest.mark.slow
def test_an_interrupted_import_leaves_whole_chunks(tmp_path: Path) -> None:
    total, chunk = 20_000, 100
    path = tmp_path / "many.jsonl"
    path.write_bytes(
        b"".join(
            orjson.dumps({"kind": "migrant", "network": "iq-be", "record": {"id": f"m-{i}"}})
            + b"\n"
            for i in range(total)
        )
    )
    db = tmp_path / "big.sqlite3"
    url = f"sqlite://{db}"
    code = "import sys; from iqcore.cli import main; sys.exit(main(sys.argv[1:]))"
    args = [sys.executable, "-c", code, "import", str(path), "--store", url]
    proc = subprocess.Popen(
        [*args, "--chunk-size", str(chunk)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "IQCORE_HOME": str(tmp_path)},
    )
    deadline = time.monotonic() + 60
    while _count(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    written = _count(db)
    if proc.returncode == 0:  # pragma: no cover - the machine was faster than the signal
        pytest.skip("the import finished before it could be interrupted")
    assert proc.returncode == EXIT_INTERRUPTED, err
    assert b"interrupted" in err
    assert 0 < written < total
    assert written % chunk == 0
    with open_store(url, network="iq-be", role="test") as store:
        assert len(store.find(Migrant)) == written  # every stored record reads back whole
    rerun = subprocess.run(args, capture_output=True, env={**os.environ}, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert _count(db) == total
