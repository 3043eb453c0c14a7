"""The ``iqcore`` command through click's test runner: output, --json, errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from iqcore import demo
from iqcore.cli import (
    EXIT_CONFIG,
    EXIT_INPUT,
    EXIT_NOT_FOUND,
    EXIT_PLUGIN,
    EXIT_STORAGE,
    EXIT_USAGE,
)
from iqcore.cli._app import cli
from iqcore.storage import Store, register_store_scheme

CASES = demo.data_files()["cases.jsonl"]

COMMANDS = [
    [],
    ["demo"],
    ["assess"],
    ["plan"],
    ["occupations"],
    ["occupations", "search"],
    ["authority"],
    ["validate"],
    ["schema"],
    ["plugins"],
    ["import"],
    ["export"],
    ["report"],
    ["network-map"],
]


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IQCORE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("IQCORE_STORE", raising=False)
    (tmp_path / "home").mkdir()
    return


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def first_cases(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b"".join(CASES.read_bytes().splitlines(keepends=True)[:n]))
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "iqcore")
def test_help_everywhere_with_examples(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: iqcore" in result.stdout
    if command not in ([], ["occupations"]):
        assert "Examples:" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("iqcore ")


def test_assess_prints_a_table_and_explains(tmp_path: Path) -> None:
    path = first_cases(tmp_path, 4)
    result = run("assess", str(path))
    assert result.exit_code == 0, result.output
    assert "demo-case-001" in result.stdout
    assert "Pre-assessments (4)" in result.stdout
    de = run("assess", str(path), "--explain", "--lang", "de")
    assert de.exit_code == 0
    assert "Einschätzung" in de.stdout or "Referenzberuf" in de.stdout


def test_assess_json_is_stable(tmp_path: Path) -> None:
    path = first_cases(tmp_path, 3)
    result = run("assess", str(path), "--json", "--explain", "--lang", "en")
    assert result.exit_code == 0, result.output
    doc = orjson.loads(result.stdout)
    assert list(doc)[:2] == ["iqcore", "command"]
    assert doc["command"] == "assess"
    first = doc["results"][0]
    assert list(first) == [
        "case",
        "occupation",
        "regulated",
        "as_of",
        "network",
        "state",
        "outcome",
        "route",
        "remaining",
        "compensated",
        "measures",
        "licensing_gaps",
        "next_steps",
        "explanation",
        "assessment",
    ]
    assert first["case"] == "demo-case-001"
    assert first["assessment"]["schema_version"] == 1
    assert "not a decision" in first["explanation"]


def test_assess_overrides_date_and_network(tmp_path: Path) -> None:
    path = first_cases(tmp_path, 1)
    result = run("assess", str(path), "--as-of", "2024-02-01", "--network", "iq-nrw-west", "--json")
    assert result.exit_code == 0, result.output
    first = orjson.loads(result.stdout)["results"][0]
    assert (first["as_of"], first["network"], first["state"]) == (
        "2024-02-01",
        "iq-nrw-west",
        "DE-NW",
    )
    bad = run("assess", str(path), "--as-of", "yesterday")
    assert bad.exit_code == EXIT_INPUT
    assert "--as-of" in bad.stderr


def test_plan_json_and_text(tmp_path: Path) -> None:
    path = first_cases(tmp_path, 3)
    result = run("plan", str(path), "--catalogue", "demo", "--json")
    assert result.exit_code == 0, result.output
    doc = orjson.loads(result.stdout)
    assert doc["catalogue"] == "demo"
    planned = [r for r in doc["results"] if r["plans"]]
    assert planned
    step = planned[0]["plans"][0]["steps"][-1]
    assert set(step) == {"kind", "scheme", "title", "modules", "starts_on", "ends_on", "closes"}
    text = run("plan", str(path), "--catalogue", "demo", "--lang", "de", "--limit", "1")
    assert text.exit_code == 0
    assert "Plan 1" in text.stdout
    assert "demo catalogue" in text.stderr


def test_plan_with_a_catalogue_file(tmp_path: Path) -> None:
    path = first_cases(tmp_path, 2)
    schemes = tmp_path / "schemes.json"
    schemes.write_bytes(demo.data_files()["catalogue.json"].read_bytes())
    result = run("plan", str(path), "--catalogue", str(schemes), "--json")
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["catalogue"] == str(schemes)
    missing = run("plan", str(path), "--catalogue", str(tmp_path / "nope.json"))
    assert missing.exit_code == EXIT_USAGE


BAD_CASE = {
    "id": "case-1",
    "as_of": "2024-13-01",
    "occupation": "nurse",
    "qualification": {
        "title_original": "Sekretärin Zyxwvu",
        "country_of_training": "ZZ",
        "kind": "VOCATIONAL_SCHOOL",
        "duration_months": 0,
    },
}


def test_validate_lists_every_problem_with_its_path_and_no_input_value(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(orjson.dumps([BAD_CASE, {**BAD_CASE, "bogus": 1}]))
    result = run("validate", str(path))
    assert result.exit_code == EXIT_INPUT
    err = result.stderr
    assert err.startswith("iqcore: error: invalid CaseInput")
    assert "$[0].as_of" in err
    assert "$[0].qualification.country_of_training" in err
    assert "$[0].qualification.duration_months" in err
    assert "$[1]: unknown key" in err
    assert "Zyxwvu" not in err
    assert "2024-13-01" not in err
    assert "Traceback" not in err
    assert result.stdout == ""


def test_validate_json_lines_names_lines(tmp_path: Path) -> None:
    good = CASES.read_bytes().splitlines()[0]
    path = tmp_path / "cases.jsonl"
    path.write_bytes(good + b"\n\n" + orjson.dumps(BAD_CASE) + b"\n{not json\n")
    result = run("validate", str(path), "--json")
    assert result.exit_code == EXIT_INPUT
    error = orjson.loads(result.stderr)["error"]
    assert error["kind"] == "input"
    assert error["exit_code"] == EXIT_INPUT
    paths = [p["path"] for p in error["problems"]]
    assert "line 3: $.as_of" in paths
    assert "line 4: $" in paths
    ok = run("validate", str(first_cases(tmp_path, 5)))
    assert ok.exit_code == 0
    assert "ok: 5 valid Case" in ok.stdout


def test_validate_other_types(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(orjson.dumps({"id": "m-1", "nationalities": ["UA"]}))
    assert run("validate", str(path), "--type", "Migrant").exit_code == 0
    assert run("validate", str(path), "--type", "Decision").exit_code == EXIT_INPUT
    assert run("validate", str(path), "--type", "Nothing").exit_code == EXIT_NOT_FOUND


def test_unknown_occupation_and_network_in_cases(tmp_path: Path) -> None:
    case = orjson.loads(CASES.read_bytes().splitlines()[0])
    path = tmp_path / "c.json"
    path.write_bytes(orjson.dumps([{**case, "occupation": "astronaut", "network": "iq-moon"}]))
    result = run("assess", str(path))
    assert result.exit_code == EXIT_INPUT
    assert "$[0].occupation" in result.stderr
    assert "$[0].network" in result.stderr


def test_schema() -> None:
    result = run("schema", "Case")
    assert result.exit_code == 0
    doc = orjson.loads(result.stdout)
    assert doc["$schema"].endswith("2020-12/schema")
    assert "qualification" in doc["properties"]
    listing = run("schema", "--list")
    assert "ForeignQualification" in listing.stdout.split()
    assert run("schema", "Unicorn").exit_code == EXIT_NOT_FOUND


def test_occupations_search() -> None:
    result = run("occupations", "search", "arzt", "--json")
    assert result.exit_code == 0
    ids = [o["id"] for o in orjson.loads(result.stdout)["occupations"]]
    assert ids[0] == "doctor"
    none = run("occupations", "search", "qqqqq")
    assert none.exit_code == 0
    assert "No reference occupation" in none.stderr
    assert "Ärztin/Arzt" in run("occupations", "search", "Arzt").stdout


def test_authority() -> None:
    result = run("authority", "nurse", "--network", "iq-by", "--json")
    assert result.exit_code == 0, result.output
    doc = orjson.loads(result.stdout)
    assert doc["state"] == "DE-BY"
    assert doc["authorities"]
    assert any("DE-BY" in a["states"] for a in doc["authorities"])
    by_title = run("authority", "Ingenieur", "--network", "iq-nrw-west")
    assert by_title.exit_code == 0
    assert "engineer" in by_title.stdout
    assert run("authority", "nurse", "--network", "iq-atlantis").exit_code == EXIT_NOT_FOUND
    assert run("authority", "qqqqq", "--network", "iq-by").exit_code == EXIT_NOT_FOUND
    assert run("authority", "nurse").exit_code == EXIT_USAGE


def test_plugins() -> None:
    result = run("plugins", "--json")
    assert result.exit_code == 0
    plugins = {p["name"]: p for p in orjson.loads(result.stdout)["plugins"]}
    assert "iqcore_register_rules" in plugins["iqcore.federal"]["hooks"]
    assert "sqlite" in plugins
    assert "iqcore.federal" in run("plugins").stdout


def test_usage_errors() -> None:
    assert run("no-such-command").exit_code == EXIT_USAGE
    assert run("assess").exit_code == EXIT_USAGE
    assert run("assess", "/no/such/file.json").exit_code == EXIT_USAGE
    assert run("report", "--by", "colour").exit_code == EXIT_USAGE


def test_storage_configuration_and_plugin_errors(tmp_path: Path) -> None:
    missing_dir = f"sqlite://{tmp_path}/no/such/dir/x.sqlite3"
    config = run("report", "--store", missing_dir)
    assert config.exit_code == EXIT_CONFIG
    assert "iqcore: error:" in config.stderr
    assert run("report", "--store", "nosuchscheme://x").exit_code == EXIT_CONFIG
    readonly = run("report", "--store", f"sqlite://{tmp_path}/absent.sqlite3?mode=ro")
    assert readonly.exit_code == EXIT_STORAGE
    assert "Traceback" not in readonly.stderr

    def broken(url: str, *, network: str | None, role: str) -> Store:
        raise RuntimeError("the backend is broken")

    register_store_scheme("brokentest", broken, origin="test-plugin", replace=True)
    plugin = run("report", "--store", "brokentest://x")
    assert plugin.exit_code == EXIT_PLUGIN
    assert "test-plugin" in plugin.stderr
    debug = run("--debug", "report", "--store", "brokentest://x")
    assert debug.exit_code == EXIT_PLUGIN
    assert "Traceback" in debug.stderr
    as_json = run("report", "--store", "brokentest://x", "--format", "json")
    assert orjson.loads(as_json.stderr)["error"]["kind"] == "plugin"


def test_network_map() -> None:
    md = run("network-map", "rin-leipzig")
    assert md.exit_code == 0
    assert md.stdout.startswith("# Regional workshop")
    assert "| residence and work permit | Central immigration authority" in md.stdout
    assert "Organisers:" in md.stdout
    rows = run("network-map", "rin-leipzig", "--format", "csv").stdout.splitlines()
    assert rows[0].startswith("workshop,step,organisation_id")
    assert any(",JOB_CENTRE," in r for r in rows)
    assert run("network-map", "iq-be").exit_code == EXIT_NOT_FOUND


def test_import_cli_is_cheap() -> None:
    """``import iqcore`` and ``import iqcore.cli`` load neither click nor rich."""
    code = (
        "import sys, iqcore, iqcore.cli, iqcore.cli.cases, iqcore.reporting; "
        "print(sorted(m for m in ('click', 'rich', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
