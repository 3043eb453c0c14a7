"""An installed plugin distribution is found through its entry point; the allow and block lists
work on it; when it fails, only its own network fails closed.

The throwaway distribution in ``tests/plugin_dist`` is built (hatchling, no build isolation) and
installed with pip into a temporary virtual environment. The environment is made with
``--system-site-packages`` and without pip, and a ``.pth`` file adds this environment's
site-packages (``site.addsitedir``, so iqcore's editable install works too), so iqcore and its
dependencies are visible without any network access. A script then runs in a subprocess of that
environment and reports what it sees as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

DIST_SRC = Path(__file__).parent / "plugin_dist"

SCRIPT = r"""
import json, os
import iqcore
from datetime import date
from iqcore.errors import PluginError
from iqcore.model import Country, ForeignQualification, QualificationKind
from iqcore.plugins import make_host
from iqcore.reference_data import occupation

def names(**kw):
    return [s.name for s in make_host(**kw).plugins()]

def scenario(env, **kw):
    for var in ("IQCORE_LOAD_PLUGINS", "IQCORE_DISABLE_PLUGINS", "IQCORE_THROWAWAY_FAULT"):
        os.environ.pop(var, None)
    os.environ.update(env)
    return names(**kw)

out = {}
os.environ["IQCORE_LOAD_PLUGINS"] = "throwaway,sqlite"
host = make_host()
out["summary"] = [
    [s.name, s.distribution, s.version, s.source, list(s.hooks)] for s in host.plugins()
]
q = ForeignQualification(
    title_original="Office clerk", country_of_training=Country(code="PL"),
    kind=QualificationKind.VOCATIONAL_DUAL, duration_months=36,
    competence_areas=frozenset({"office_organisation"}),
)
occ = occupation("office_management_clerk")
a = iqcore.assess(q, occ, as_of=date(2024, 3, 1), network="test-throwaway-net", host=host)
out["provenance"] = [str(p) for p in a.provenance.plugins]
out["trace"] = [e.rule.id for e in a.trace if e.rule.origin == "throwaway"]
out["default"] = scenario({})
out["allow_only_it"] = scenario({"IQCORE_LOAD_PLUGINS": "throwaway"})
out["allow_others"] = scenario({"IQCORE_LOAD_PLUGINS": "sqlite"})
out["allow_none"] = scenario({"IQCORE_LOAD_PLUGINS": ""})
out["disabled"] = scenario({"IQCORE_DISABLE_PLUGINS": "throwaway"})
out["blocked"] = scenario({}, blocked=["throwaway"])
out["no_autoload"] = scenario({}, autoload=False)
scenario({"IQCORE_LOAD_PLUGINS": "throwaway", "IQCORE_THROWAWAY_FAULT": "raise"})
faulty = make_host()
try:
    iqcore.assess(q, occ, as_of=date(2024, 3, 1), network="test-throwaway-net", host=faulty)
except PluginError as exc:
    out["fault"] = [exc.plugin, exc.distribution, exc.version, str(exc)]
other = iqcore.assess(q, occ, as_of=date(2024, 3, 1), network="iq-nrw-west", host=faulty)
plain = iqcore.assess(q, occ, as_of=date(2024, 3, 1), network="iq-nrw-west", host=make_host(
    autoload=False))
from iqcore.serialization import to_json
out["other_network_unchanged"] = to_json(other) == to_json(plain)
scenario({"IQCORE_LOAD_PLUGINS": "throwaway-broken"})
broken = make_host()
out["broken"] = [[s.name, s.distribution, s.version, s.failed] for s in broken.plugins()
                 if s.failed]
try:
    iqcore.assess(q, occ, as_of=date(2024, 3, 1), host=broken)
except PluginError as exc:
    out["broken_fails_closed"] = exc.plugin
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plugin-venv")
    env_dir = root / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(env_dir)],
        check=True,
        capture_output=True,
    )
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    main_site = sysconfig.get_paths()["purelib"]
    Path(site, "_iqcore_test_main_env.pth").write_text(
        f"import site; site.addsitedir({main_site!r})\n", encoding="utf-8"
    )
    source = root / "plugin_dist"
    shutil.copytree(DIST_SRC, source)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
            str(source),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_NO_INPUT": "1"},
    )
    return python


@pytest.fixture(scope="module")
def seen(venv_python: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQCORE_")}
    out = subprocess.run(
        [str(venv_python), "-c", SCRIPT], check=False, capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.mark.slow
def test_discovered_through_its_entry_point(seen: dict[str, Any]) -> None:
    rows = {r[0]: r[1:] for r in seen["summary"]}
    assert rows["throwaway"] == [
        "iqcore-throwaway",
        "0.1.0",
        "entry point",
        ["iqcore_register_networks", "iqcore_register_rules"],
    ]
    assert "throwaway (iqcore-throwaway 0.1.0)" in seen["provenance"]
    assert seen["trace"] == ["throwaway.note"]


@pytest.mark.slow
def test_allow_and_block_lists_work_on_it(seen: dict[str, Any]) -> None:
    assert "throwaway" in seen["default"]
    assert [n for n in seen["allow_only_it"] if not n.startswith("iqcore.")] == ["throwaway"]
    assert "throwaway" not in seen["allow_others"]
    assert seen["allow_none"] == ["iqcore.federal", "iqcore.reference"]
    assert "throwaway" not in seen["disabled"]
    assert "throwaway" not in seen["blocked"]
    assert "throwaway" not in seen["no_autoload"]


@pytest.mark.slow
def test_a_failing_installed_plugin_fails_closed_for_its_network_only(seen: dict[str, Any]) -> None:
    plugin, distribution, version, message = seen["fault"]
    assert (plugin, distribution, version) == ("throwaway", "iqcore-throwaway", "0.1.0")
    assert message.startswith("plugin throwaway (iqcore-throwaway 0.1.0): raised RuntimeError")
    assert seen["other_network_unchanged"] is True


@pytest.mark.slow
def test_an_installed_plugin_that_cannot_be_imported_fails_closed_everywhere(
    seen: dict[str, Any],
) -> None:
    ((name, distribution, version, failed),) = seen["broken"]
    assert (name, distribution, version) == ("throwaway-broken", "iqcore-throwaway", "0.1.0")
    assert "could not be imported (ModuleNotFoundError)" in failed
    assert seen["broken_fails_closed"] == "throwaway-broken"
    assert "throwaway-broken" in seen["default"]  # listed, so an operator can block it


def test_the_throwaway_plugin_is_not_installed_here() -> None:
    from importlib.metadata import entry_points

    assert "throwaway" not in {ep.name for ep in entry_points(group="iqcore")}
