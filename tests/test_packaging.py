"""Packaging: typed packages, the built wheel, the public names, a cheap import, the main job."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import iqcore

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

#: Modules that ``import iqcore`` must not load (issue 2 §6; DESIGN: iqcore never imports
#: iqcore_adapters; the testing kit and plotting load only when asked for).
FORBIDDEN_ON_IMPORT = (
    "pycountry",
    "sqlite3",
    "_sqlite3",
    "psycopg",
    "psycopg_pool",
    "click",
    "typer",
    "rich",
    "iqcore_adapters",
    "hypothesis",
    "pytest",
    "matplotlib",
)

#: Generous bound on the CPU time of ``import iqcore`` (best of three); about 0.1 s here.
IMPORT_CPU_LIMIT_S = 0.3
WHEEL_BUILD_LIMIT_S = 30.0


def _python(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.parametrize("package", ["iqcore", "iqcore_adapters"])
def test_packages_are_typed(package: str) -> None:
    spec = importlib.util.find_spec(package)
    assert spec is not None
    assert spec.submodule_search_locations
    location = Path(next(iter(spec.submodule_search_locations)))
    assert (location / "py.typed").is_file()
    assert (SRC / package / "py.typed").is_file()


def test_version_matches_installed_metadata() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+(\S*)", iqcore.__version__)
    assert importlib.metadata.version("iqcore") == iqcore.__version__


def test_metadata_declares_python_and_runtime_dependencies() -> None:
    meta = importlib.metadata.metadata("iqcore")
    assert meta["Requires-Python"] == ">=3.11"
    requires = {
        re.split(r"[\s<>=!;\[]", r, maxsplit=1)[0].lower()
        for r in meta.get_all("Requires-Dist") or []
        if "extra ==" not in r
    }
    assert requires == {"attrs", "cattrs", "pluggy", "orjson", "pycountry"}
    extras = set(meta.get_all("Provides-Extra") or [])
    assert {"testing", "docs", "dev"} <= extras


def test_all_public_names_resolve() -> None:
    names = iqcore.__all__
    assert len(names) == len(set(names))
    missing = [name for name in names if not hasattr(iqcore, name)]
    assert missing == []
    model = importlib.import_module("iqcore.model")
    assert set(model.__all__) <= set(names)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute"):
        _ = iqcore.no_such_name


# The probe runs in a fresh interpreter: it records every file opened while ``import iqcore``
# runs (through an audit hook) and the modules loaded afterwards.
_IMPORT_PROBE = """
import json, sys
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.append(args[0])
sys.addaudithook(hook)
import iqcore
print(json.dumps({"modules": sorted(sys.modules), "opened": opened}))
"""


def test_import_loads_no_heavy_module_and_reads_no_data() -> None:
    done = _python("-c", _IMPORT_PROBE)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)
    loaded = {name.split(".")[0] for name in probe["modules"]}
    assert loaded.isdisjoint(FORBIDDEN_ON_IMPORT), loaded & set(FORBIDDEN_ON_IMPORT)
    data_files = [p for p in probe["opened"] if "reference_data" in p and not p.endswith(".py")]
    assert data_files == []
    assert not any(name.startswith("iqcore.reference_data") for name in probe["modules"])


def test_import_probe_sees_a_data_read() -> None:
    """The probe above can fail: reading reference data is seen by its audit hook."""
    probe_with_read = _IMPORT_PROBE.replace(
        "import iqcore\n",
        "import iqcore\nfrom iqcore.reference_data import country_group_periods\n"
        "country_group_periods()\n",
    )
    done = _python("-c", probe_with_read)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)
    assert any(p.endswith("country_groups.json") for p in probe["opened"])


def _import_times() -> dict[str, int]:
    """Cumulative import time in microseconds per module, from ``python -X importtime``."""
    done = _python("-X", "importtime", "-c", "import iqcore")
    assert done.returncode == 0, done.stderr
    times: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)$", line)
        if match:
            times[match[3]] = int(match[1])
    return times


def test_importtime_lists_no_heavy_module() -> None:
    times = _import_times()
    assert "iqcore" in times
    modules = {name.split(".")[0] for name in times}
    assert modules.isdisjoint(FORBIDDEN_ON_IMPORT), modules & set(FORBIDDEN_ON_IMPORT)


_TIMED_IMPORT = (
    "import time; t = time.process_time(); import iqcore; print(time.process_time() - t)"
)


def test_import_is_quick() -> None:
    """CPU time, not wall time: the suite runs on two busy workers, which inflates wall time."""
    best = min(float(_python("-c", _TIMED_IMPORT).stdout) for _ in range(3))
    assert best < IMPORT_CPU_LIMIT_S, f"import iqcore took {best:.3f} s of CPU time"


def _build_wheel(out: Path) -> Path:
    args = ["-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-q", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        args.append("--no-build-isolation")  # no network needed when the backend is installed
    done = _python(*args, str(ROOT), timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    (wheel,) = out.glob("iqcore-*.whl")
    return wheel


def test_wheel_holds_both_typed_packages_and_the_data(tmp_path: Path) -> None:
    start = time.perf_counter()
    wheel = _build_wheel(tmp_path)
    seconds = time.perf_counter() - start
    assert seconds < WHEEL_BUILD_LIMIT_S, f"building the wheel took {seconds:.1f} s"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta_text = archive.read(metadata).decode()
    assert {"iqcore/py.typed", "iqcore_adapters/py.typed", "iqcore/__main__.py"} <= names
    data = {
        p.relative_to(SRC).as_posix()
        for p in (SRC / "iqcore" / "reference_data").rglob("*")
        if p.is_file() and p.suffix in {".json", ".yaml", ".yml", ".csv"}
    }
    assert data, "no reference data files found in the source tree"
    assert data <= names, sorted(data - names)
    assert not any(n.startswith(("tests/", "docs/", "bench/", "src/")) for n in names)
    assert "Requires-Python: >=3.11" in meta_text


def test_main_job_prints_the_summary() -> None:
    done = _python("-m", "iqcore")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout
    assert out.startswith(f"iqcore {iqcore.__version__}")
    assert re.search(r"^  Länder +16$", out, re.MULTILINE)
    occupations = re.search(r"^  reference occupations +(\d+)$", out, re.MULTILINE)
    assert occupations is not None
    assert int(occupations[1]) >= 30
    assert "regional networks: 16, in 16 of the 16 Länder" in out  # one per Land until 2022
    assert "IQ NRW – West; IQ NRW – Ost" in out
    assert "Office management clerk (Kauffrau/Kaufmann für Büromanagement)" in out
    assert "United Kingdom: EU on 2020-01-31, THIRD_COUNTRY on 2020-02-01" in out
    assert '"outcome":"COMPENSATION_MEASURE_REQUIRED"' in out
    assert "read back from JSON: an equal Decision" in out
