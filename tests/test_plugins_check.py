"""``iqcore.testing.plugins``: check_plugin finds every kind of problem at once, and the fixtures
give a fresh host per test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from iqcore.model import FederalState
from iqcore.plugins import ParameterRegistrar, PluginHost, RuleRegistrar, hookimpl
from iqcore.rules import (
    CaseContext,
    Finding,
    Jurisdiction,
    LegalReference,
    Rule,
    Stage,
    Validity,
    applied,
)
from iqcore.testing.plugins import PluginCheckFailed, check_plugin

# The fixtures come through the ``pytest11`` entry point once iqcore is installed; naming the
# module here as well keeps this file working in a checkout whose metadata is older.
pytest_plugins = ["iqcore.testing.plugins"]

REF = LegalReference(act="Test act (not a real act)", verified=False)
BY = Jurisdiction.of_state(FederalState.BY)


def _note(ctx: CaseContext) -> Finding:
    return applied("noted")


def _rule(rule_id: str, **kw: Any) -> Rule:
    options: dict[str, Any] = {
        "version": 1,
        "title": "Test rule",
        "reference": REF,
        "validity": Validity(valid_from=date(2020, 1, 1)),
        "stage": Stage.NEXT_STEPS,
        "evaluate": _note,
        "jurisdiction": BY,
    }
    options.update(kw)
    return Rule(id=rule_id, **options)


class Valid:
    iqcore_plugin_name = "valid"

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(_rule("valid.note"))


def test_a_valid_plugin_passes_with_a_report() -> None:
    report = check_plugin(Valid())
    assert report.ok
    assert report.hooks == ("iqcore_register_rules",)
    assert report.registered["rules"] == 1
    assert "plugin valid: ok" in str(report)


def test_every_signature_problem_is_reported_at_once() -> None:
    class Sloppy:
        iqcore_plugin_name = "sloppy"

        @hookimpl
        def iqcore_register_rule(self, register: RuleRegistrar) -> None:
            """Misspelt."""

        def iqcore_register_parameters(self, register: ParameterRegistrar) -> None:
            """Not marked with @hookimpl."""

        @hookimpl
        def iqcore_find_authority(self, occupation: Any, place: Any) -> None:
            """An argument the hook does not have."""

        @hookimpl
        def iqcore_register_networks(self, register: Any = None) -> None:
            """A default value: pluggy would never pass it."""

    report = check_plugin(Sloppy(), raise_on_problems=False)
    assert not report.ok
    text = "\n".join(report.problems)
    assert "iqcore_register_rule: no such hook (misspelt?)" in text
    assert "iqcore_register_parameters: not marked with @hookimpl" in text
    assert "iqcore_find_authority: argument 'place' is not an argument of the hook" in text
    assert "iqcore_register_networks: argument 'register' has a default value" in text
    assert len(report.problems) == 4
    with pytest.raises(PluginCheckFailed, match="4 problem") as info:
        check_plugin(Sloppy())
    assert info.value.report == report


def test_registration_failures_are_reported_with_the_plugins_own_exception() -> None:
    class Duplicate:
        iqcore_plugin_name = "duplicate"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            register(_rule("fed.outcome.full", jurisdiction=BY))

    class Buggy:
        iqcore_plugin_name = "buggy"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            register(_rule("buggy.note", version=0))

    (problem,) = check_plugin(Duplicate(), raise_on_problems=False).problems
    assert "rule fed.outcome.full is registered by both duplicate and iqcore.federal" in problem
    (problem,) = check_plugin(Buggy(), raise_on_problems=False).problems
    assert "raised ValueError in iqcore_register_rules" in problem
    assert "[ValueError:" in problem  # the author sees their own exception


def test_a_plugin_is_checked_beside_the_plugins_it_depends_on() -> None:
    class Land:
        iqcore_plugin_name = "land"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            register(_rule("land.note"))

    class Network:
        iqcore_plugin_name = "network"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            net = Jurisdiction.of_network("iq-by", FederalState.BY)
            register(_rule("network.note", jurisdiction=net, replaces="land.note"))

    alone = check_plugin(Network(), raise_on_problems=False)
    assert "which no plugin registered" in alone.problems[0]
    assert check_plugin(Network(), beside=[Land()]).ok


def test_the_fixtures_are_shipped_through_the_pytest11_entry_point() -> None:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    entry_points = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["entry-points"]
    assert entry_points["pytest11"]["iqcore.testing.plugins"] == "iqcore.testing.plugins"


def test_iqcore_host_fixture_is_fresh_per_test(iqcore_host: PluginHost) -> None:
    assert [s.name for s in iqcore_host.plugins()] == ["iqcore.federal", "iqcore.reference"]
    iqcore_host.register(Valid())
    assert iqcore_host.faults == ()


def test_iqcore_host_fixture_again(iqcore_host: PluginHost) -> None:
    assert "valid" not in [s.name for s in iqcore_host.plugins()]


def test_iqcore_host_factory(iqcore_host_factory: Callable[..., PluginHost]) -> None:
    host = iqcore_host_factory(Valid(), blocked=["iqcore.federal"])
    assert [r.id for r in host.rulebook().rules] == ["valid.note"]
