"""The rule cases in ``tests/rulecases`` cover the federal rule book and every result.

* every federal rule is stated as applied (``expect.trace.applied``) in at least one case that
  holds (not a known disagreement);
* every federal rule is *decisive* in at least one case: assessed with a rule book that lacks
  the rule, the case's result (outcome, route, differences, measures, licensing gaps, next
  steps) differs;
* every declared counter-case shows its rule decisive: the rule applied in the case and not in
  the counter-case, and the two results differ;
* every ``DecisionOutcome`` and ``RecognitionRoute`` value appears in an expected result.

Each check fails naming what is missing. The cases are assessed with the built-in plugins only,
so that installed third-party plugins cannot change what the federal rules cover.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iqcore.errors import IqcoreError
from iqcore.model import DecisionOutcome, RecognitionRoute
from iqcore.plugins import hookimpl
from iqcore.plugins.builtin import federal
from iqcore.plugins.host import PluginHost, make_host
from iqcore.plugins.registrars import ParameterRegistrar, RuleRegistrar
from iqcore.rules.dated import JurisdictionLevel
from iqcore.testing.rulecases import (
    Observed,
    RuleCase,
    load_rule_cases,
    observe,
    result_signature,
    run_case,
)

CASE_DIR = Path(__file__).parent / "rulecases"
FEDERAL_PLUGIN = "iqcore.federal"


def _case_files() -> list[Path]:
    # regions_*.yaml are the regional plugins' cases: they need those plugins (Land rules),
    # which this federal coverage check leaves out on purpose; tests/test_regions.py runs them.
    return sorted(
        p
        for p in CASE_DIR.iterdir()
        if p.suffix in (".yaml", ".yml") and not p.name.startswith("regions_")
    )


@pytest.fixture(scope="module")
def cases() -> list[RuleCase]:
    return [case for path in _case_files() for case in load_rule_cases(path)]


@pytest.fixture(scope="module")
def holding(cases: list[RuleCase]) -> list[RuleCase]:
    """The cases the engine is expected to get right (no known disagreement)."""
    return [c for c in cases if not c.known_disagreement]


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return make_host(autoload=False)


@pytest.fixture(scope="module")
def federal_rule_ids(host: PluginHost) -> frozenset[str]:
    ids = frozenset(
        r.id for r in host.rulebook().rules if r.jurisdiction.level is JurisdictionLevel.FEDERAL
    )
    assert ids, "the built-in rule book has no federal rules"
    return ids


@pytest.fixture(scope="module")
def observed(holding: list[RuleCase], host: PluginHost) -> dict[tuple[str, str], Observed]:
    return {(c.file, c.name): observe(run_case(c, host=host)) for c in holding}


def test_there_are_at_least_40_cases_with_unique_names(cases: list[RuleCase]) -> None:
    assert len(cases) >= 40
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "two case files use the same case name"


def test_every_federal_rule_is_stated_as_applied(
    holding: list[RuleCase], federal_rule_ids: frozenset[str]
) -> None:
    stated = frozenset().union(*(c.expect.applied for c in holding))
    missing = sorted(federal_rule_ids - stated)
    assert not missing, f"no rule case states these federal rules as applied: {missing}"


def test_every_stated_rule_id_exists(cases: list[RuleCase], host: PluginHost) -> None:
    known = {r.id for r in host.rulebook().rules}
    unknown = sorted(
        {
            (c.name, rule)
            for c in cases
            for rule in c.expect.applied | c.expect.not_applied
            if rule not in known
        }
    )
    assert not unknown, f"rule cases name rules the rule book does not have: {unknown}"


class _FederalWithout:
    """The federal plugin without one rule (all its versions)."""

    def __init__(self, rule_id: str) -> None:
        self.rule_id = rule_id
        self.iqcore_plugin_name = f"federal-without-{rule_id}"

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(*(r for r in federal.rules() if r.id != self.rule_id))

    @hookimpl
    def iqcore_register_parameters(self, register: ParameterRegistrar) -> None:
        register(*federal.parameters())


def _signature_without(rule_id: str, case: RuleCase, host: PluginHost) -> Any:
    try:
        return result_signature(observe(run_case(case, host=host)))
    except IqcoreError as exc:  # the result cannot be made without the rule: it differs
        return ("error", type(exc).__name__)


def _decisive_cases(
    rule_id: str,
    holding: list[RuleCase],
    observed: dict[tuple[str, str], Observed],
) -> Iterator[RuleCase]:
    without = make_host(
        autoload=False, blocked=[FEDERAL_PLUGIN], plugins=[_FederalWithout(rule_id)]
    )
    for case in holding:
        seen = observed[(case.file, case.name)]
        if rule_id not in seen.applied:
            continue
        if _signature_without(rule_id, case, without) != result_signature(seen):
            yield case


#: Federal rules that no case can show decisive, because another rule gives the same result
#: when they are left out; each with the reason. The test below fails when one of them becomes
#: decisive (then remove it here).
NOT_DECISIVE_BY_DESIGN: dict[str, str] = {
    "eu.measures.adaptation_or_aptitude": (
        "bqfg.measures.default permits the same two measures with the same choice (Art. 14 "
        "Directive 2005/36/EC and §11 BQFG agree); the EU rule is there for its citation"
    ),
}


def test_every_federal_rule_is_decisive_in_a_case(
    holding: list[RuleCase],
    observed: dict[tuple[str, str], Observed],
    federal_rule_ids: frozenset[str],
) -> None:
    never = {
        rule_id
        for rule_id in federal_rule_ids
        if next(_decisive_cases(rule_id, holding, observed), None) is None
    }
    missing = sorted(never - set(NOT_DECISIVE_BY_DESIGN))
    assert not missing, (
        "these federal rules change the result of no rule case when left out of the rule "
        f"book: {missing}"
    )
    now_decisive = sorted(set(NOT_DECISIVE_BY_DESIGN) - never)
    assert not now_decisive, (
        f"these rules are decisive now; remove them from NOT_DECISIVE_BY_DESIGN: {now_decisive}"
    )


def test_the_ablation_check_can_fail(
    holding: list[RuleCase], observed: dict[tuple[str, str], Observed]
) -> None:
    # A rule id no rule has is decisive nowhere: leaving it out changes nothing.
    assert next(_decisive_cases("no.such.rule", holding, observed), None) is None


def test_declared_counter_cases_show_their_rule_decisive(
    holding: list[RuleCase], observed: dict[tuple[str, str], Observed]
) -> None:
    by_name = {(c.file, c.name): c for c in holding}
    declared = [(c, rule, counter) for c in holding for rule, counter in c.decisive]
    assert declared, "no rule case declares a counter-case"
    problems: list[str] = []
    for case, rule, counter_name in declared:
        counter = by_name.get((case.file, counter_name))
        if counter is None:
            problems.append(f"{case.name}: counter-case {counter_name} is not a holding case")
            continue
        mine, theirs = observed[(case.file, case.name)], observed[(counter.file, counter.name)]
        if rule not in mine.applied:
            problems.append(f"{case.name}: {rule} did not apply")
        if rule in theirs.applied:
            problems.append(f"{case.name}: {rule} applied in the counter-case {counter_name} too")
        if result_signature(mine) == result_signature(theirs):
            problems.append(f"{case.name}: same result as the counter-case {counter_name}")
    assert not problems, "counter-cases that do not show their rule decisive: " + "; ".join(
        problems
    )


def test_every_outcome_and_route_appears_in_an_expected_result(cases: list[RuleCase]) -> None:
    outcomes = {c.expect.outcome for c in cases}
    routes = {c.expect.route for c in cases}
    missing = [o.value for o in DecisionOutcome if o.value not in outcomes]
    missing += [r.value for r in RecognitionRoute if r.value not in routes]
    assert not missing, f"no rule case expects these outcomes or routes: {missing}"
