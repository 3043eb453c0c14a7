"""The plugin docs match the code: the hook reference page has one section per hook with every
argument, and the tutorial's example plugin is valid, assesses as the page says, and changes
nothing outside its network."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import iqcore
from iqcore.model import Country, FederalState, ForeignQualification, QualificationKind
from iqcore.plugins import HOOK_NAMES, PluginHost, hookspecs, make_host
from iqcore.reference_data import occupation
from iqcore.serialization import to_json
from iqcore.testing.plugins import check_plugin

DOCS = Path(__file__).resolve().parents[1] / "docs"
HOOKS_PAGE = DOCS / "reference" / "hooks.md"
TUTORIAL = DOCS / "tutorials" / "write-a-regional-plugin.md"
EXAMPLE = DOCS / "tutorials" / "example_plugin.py"
_HEADING = re.compile(r"^## `(?P<name>iqcore_\w+)\((?P<args>[^)]*)\)`\s*$")


def hook_sections(text: str) -> dict[str, tuple[list[str], str]]:
    """Each ``## `hook(args)` `` section of the page: its arguments and its text."""
    sections: dict[str, tuple[list[str], str]] = {}
    current: str | None = None
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            current = m["name"]
            args = [a.strip() for a in m["args"].split(",") if a.strip()]
            sections[current] = (args, "")
        elif line.startswith("## "):
            current = None
        elif current is not None:
            args, body = sections[current]
            sections[current] = (args, body + line + "\n")
    return sections


def check_hooks_page(text: str) -> list[str]:
    """Every difference between the page and the hookspecs (empty when they match)."""
    problems: list[str] = []
    sections = hook_sections(text)
    for name in HOOK_NAMES:
        want = list(inspect.signature(getattr(hookspecs, name)).parameters)
        if name not in sections:
            problems.append(f"{name}: no section")
            continue
        args, body = sections[name]
        if args != want:
            problems.append(f"{name}: heading lists {args}, the hook has {want}")
        for arg in want:
            if f"* `{arg}`:" not in body:
                problems.append(f"{name}: argument {arg} is not described")
        if "Since " not in body:
            problems.append(f"{name}: no 'Since' version")
    for name in sorted(set(sections) - set(HOOK_NAMES)):
        problems.append(f"{name}: documented but not a hook")
    return problems


def test_hook_reference_page_matches_the_hookspecs() -> None:
    assert check_hooks_page(HOOKS_PAGE.read_text(encoding="utf-8")) == []


def test_the_page_check_finds_a_missing_hook_or_argument() -> None:
    text = HOOKS_PAGE.read_text(encoding="utf-8")
    without_hook = re.sub(r"## `iqcore_assessment_done\(assessment\)`", "## Gone", text)
    assert check_hooks_page(without_hook) == ["iqcore_assessment_done: no section"]
    without_arg = text.replace(
        "## `iqcore_find_authority(occupation, state, network_id, authorities)`",
        "## `iqcore_find_authority(occupation, state, authorities)`",
    )
    (problem,) = check_hooks_page(without_arg)
    assert problem.startswith("iqcore_find_authority: heading lists ['occupation', 'state', ")
    undescribed = text.replace("* `network_id`: the regional network", "* network id")
    assert check_hooks_page(undescribed) == [
        "iqcore_find_authority: argument network_id is not described"
    ]


# -- the tutorial's example plugin -----------------------------------------------------------


@pytest.fixture(scope="module")
def example_plugin() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("example_plugin", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["example_plugin"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["example_plugin"]


def test_example_plugin_passes_check_plugin(example_plugin: ModuleType) -> None:
    report = check_plugin(example_plugin)
    assert report.ok
    assert report.name == "example.network"
    assert dict(report.registered) == {
        "networks": 1,
        "occupations": 0,
        "authorities": 1,
        "training_schemes": 1,
        "parameters": 1,
        "rules": 1,
    }


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_tutorial_code_runs_and_prints_what_the_page_says(example_plugin: ModuleType) -> None:
    """The "Try it on a host" block runs; each ``# value`` comment is the value of the
    expression on the line before."""
    (block,) = [b for b in _python_blocks(TUTORIAL.read_text(encoding="utf-8")) if "assess(" in b]
    namespace: dict[str, Any] = {}
    pending: list[str] = []
    checked = 0
    lines = block.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# "):
            expression = pending.pop()
            exec("\n".join(pending), namespace)  # everything before the expression
            pending = []
            assert repr(eval(expression, namespace)) == line[2:], expression
            checked += 1
        elif i + 1 < len(lines) and lines[i + 1].startswith("# "):
            ast.parse(line, mode="eval")  # the line before a result is one expression
            pending.append(line)
        else:
            pending.append(line)
    assert checked == 3


def test_example_plugin_changes_nothing_outside_its_network(example_plugin: ModuleType) -> None:
    with_plugin = make_host(autoload=False, plugins=[example_plugin])
    without = make_host(autoload=False)
    q = ForeignQualification(
        title_original="Office clerk",
        country_of_training=Country(code="PL"),
        kind=QualificationKind.VOCATIONAL_DUAL,
        duration_months=36,
        competence_areas=frozenset({"office_organisation"}),
    )
    occ = occupation("office_management_clerk")

    def run(host: PluginHost, **place: Any) -> bytes:
        return to_json(iqcore.assess(q, occ, as_of=date(2024, 3, 1), host=host, **place))

    for place in ({}, {"network": "iq-hb"}, {"network": "iq-nrw-west"}):
        assert run(with_plugin, **place) == run(without, **place)
    inside = iqcore.assess(
        q, occ, as_of=date(2024, 3, 1), host=with_plugin, network="example-network"
    )
    read = inside.entry("fed.compensation.experience").parameters
    assert [(p.id, p.value) for p in read] == [("example.compensation.months_per_area", 6)]
    assert inside.state is FederalState.HB
    assert [s.id for s in with_plugin.training_schemes("example-network")] == [
        "example-network.bridge-course"
    ]
