"""The regional plugins (iqcore_adapters.regions): discovery, registrations, authorities, cases."""

from __future__ import annotations

import importlib
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import iqcore
from iqcore import reference_data
from iqcore.model import FederalState
from iqcore.plugins import PluginHost, make_host
from iqcore.rules.dated import JurisdictionLevel
from iqcore.testing.rulecases import (
    RuleCaseFailure,
    check_case,
    load_rule_cases,
    observe,
    result_signature,
    run_case,
)
from iqcore_adapters.regions import LAND_PLUGINS, NETWORK_PLUGINS, PLUGINS, bavaria

CASES = sorted((Path(__file__).parent / "rulecases").glob("regions_*.yaml"))

LAND_OF = {
    "regions.by": FederalState.BY,
    "regions.bw": FederalState.BW,
    "regions.nw": FederalState.NW,
    "regions.sn": FederalState.SN,
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(dict(PLUGINS)[name])


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """Only the built-in and the regional plugins (nothing else installed interferes)."""
    return make_host(autoload=False, plugins=[_module(n) for n, _ in PLUGINS])


@pytest.fixture(scope="module")
def plain() -> PluginHost:
    return make_host(autoload=False)


# -- discovery --------------------------------------------------------------------------------


def test_every_plugin_has_its_entry_point() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="iqcore")}
    for name, module in PLUGINS:
        assert found.get(name) == module, f"{name} is not installed under the group iqcore"
        assert _module(name).iqcore_plugin_name == name


def test_entry_points_are_loaded_by_the_default_host_without_faults() -> None:
    host = make_host()
    names = {p.name: p for p in host.plugins()}
    for name, _ in PLUGINS:
        assert name in names, f"{name} was not discovered"
        assert names[name].failed is None
    assert not [f for f in host.faults if f.plugin.name.startswith("regions.")]


def test_at_least_four_networks_in_at_least_three_laender() -> None:
    states = {_module(n).network().state for n, _ in NETWORK_PLUGINS}
    assert len(NETWORK_PLUGINS) >= 4
    assert len(states) >= 3


def test_each_plugin_passes_check_plugin() -> None:
    plugins = pytest.importorskip("iqcore.testing.plugins")
    for name, _ in PLUGINS:
        plugins.check_plugin(_module(name))


# -- what the plugins register ----------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n, _ in LAND_PLUGINS])
def test_land_plugin_registers_its_land_only(name: str, host: PluginHost) -> None:
    module = _module(name)
    state = LAND_OF[name]
    rules = module.rules()
    assert rules
    assert all(r.jurisdiction.level is JurisdictionLevel.STATE for r in rules)
    assert all(r.jurisdiction.state is state for r in rules)
    assert all(p.jurisdiction.state is state for p in module.parameters())
    book = host.rulebook()
    replaced = {r.replaces for r in book.rules if r.origin == name and r.replaces}
    assert "fed.comparison.duration" in replaced, "the engineer minimum replaces the federal rule"
    occupations = module.occupations()
    assert {o.id.split(".", 1)[1] for o in occupations} == {
        "teacher",
        "engineer",
        "educator",
        "social_worker",
    }
    assert all(o.state is state and o.id.startswith(module.PREFIX + ".") for o in occupations)
    assert all(o.legal_reference and o.source for o in occupations)
    authorities = module.authorities()
    assert authorities
    assert all(a.states == {state} for a in authorities)
    registered = {o.id for o in host.occupations()}
    assert {o.id for o in occupations} <= registered
    assert {a.id for a in authorities} <= {a.id for a in host.authorities()}


def test_teacher_language_is_replaced_where_a_source_gives_the_level(host: PluginHost) -> None:
    book = host.rulebook()
    replacing = {r.origin for r in book.rules if r.replaces == "fed.licensing.language"}
    # Bavaria's level is not confirmed by a source, so Bavaria does not replace the rule.
    assert replacing == {"regions.bw", "regions.nw", "regions.sn"}
    assert book.parameter("bw.teacher.german_level").at(date(2024, 6, 1)) == "C2"


def test_saxon_teacher_fees_are_parameters(host: PluginHost) -> None:
    book = host.rulebook()
    day = date(2024, 6, 1)
    low, high = book.parameter("sn.teacher.fee_min_eur"), book.parameter("sn.teacher.fee_max_eur")
    assert (low.at(day), high.at(day)) == (205, 475)
    assert low.jurisdiction.state is FederalState.SN
    assert low.unit == "EUR"


@pytest.mark.parametrize("name", [n for n, _ in NETWORK_PLUGINS])
def test_network_plugin_registers_its_network_and_schemes(name: str, host: PluginHost) -> None:
    module = _module(name)
    network = module.network()
    assert network == reference_data.network(module.NETWORK_ID)
    assert host.networks().origin(network.id) == name
    assert network.state is LAND_OF[module.LAND_PLUGIN]
    for scheme in module.schemes():
        assert scheme.network_id == network.id
        assert scheme.source
    registered = {s.id for s in host.training_schemes(network.id)}
    assert {s.id for s in module.schemes()} <= registered


def test_schemes_cite_sources_and_name_placeholders() -> None:
    schemes = [
        s for n, _ in PLUGINS if hasattr(_module(n), "schemes") for s in _module(n).schemes()
    ]
    assert {s.id for s in schemes} == {
        "iq-by.abi-augsburg",
        "iq-bw.intercultural-ambassadors",
        "iq-nw.iquamed",
        "nw.qualifying",
    }
    for s in schemes:
        assert s.source
        assert not s.runs, "no run dates or capacities are confirmed"
        if any(m.hours == 1 for m in s.modules):
            assert "modules" in s.unverified, f"{s.id}: placeholder hours must be unverified"
    ambassadors = next(s for s in schemes if s.id == "iq-bw.intercultural-ambassadors")
    assert ambassadors.audience.value == "STAFF"
    assert len(ambassadors.modules) == 5
    assert ambassadors.priority_area.value == "INTERCULTURAL_COMPETENCE"
    # IQ Sachsen-Anhalt's course is Saxony-Anhalt's, not Saxony's.
    assert not any("Sachsen-Anhalt" in s.provider or "sachsen-anhalt" in s.source for s in schemes)


def test_no_contact_data_in_records() -> None:
    texts: list[str] = []
    for name, _ in LAND_PLUGINS:
        for a in _module(name).authorities():
            texts += [a.name, a.note or "", a.source]
    for name, _ in PLUGINS:
        module = _module(name)
        for s in module.schemes() if hasattr(module, "schemes") else ():
            texts += [s.title, s.provider] + [m.title for m in s.modules]
    for text in texts:
        assert "@" not in text
        assert "Tel" not in text
        assert "(at)" not in text


# -- authorities ------------------------------------------------------------------------------

#: (Land, occupation) -> ids that must come first (any of them), federal and Länder occupations.
EXPECTED_FIRST: dict[tuple[FederalState, str], set[str]] = {
    (FederalState.BY, "engineer"): {"by-ingenieurekammer-bau", "by-reg-schwaben"},
    (FederalState.BY, "teacher"): {"by-stmuk"},
    (FederalState.BY, "doctor"): {"reg-oberbayern", "reg-unterfranken"},
    (FederalState.BW, "teacher"): {"bw-rp-tuebingen"},
    (FederalState.BW, "engineer"): {"bw-ingenieurkammer"},
    (FederalState.BW, "nurse"): {"rp-stuttgart"},
    (FederalState.NW, "teacher"): {"nw-bezreg-arnsberg-teachers", "nw-bezreg-detmold-teachers"},
    (FederalState.NW, "engineer"): {"nw-bezirksregierung-engineers", "nw-ingenieurkammer-bau"},
    (FederalState.NW, "doctor"): {"zag-ah-nrw"},
    (FederalState.SN, "teacher"): {"sn-lasub"},
    (FederalState.SN, "engineer"): {"sn-ingenieurkammer"},
    (FederalState.SN, "doctor"): {"sn-lds"},
}


@pytest.mark.parametrize(("state", "occupation"), sorted(EXPECTED_FIRST))
def test_which_authority_for_this_occupation_in_this_land(
    state: FederalState, occupation: str, host: PluginHost
) -> None:
    found = host.find_authority(occupation, state=state)
    assert found, f"no authority for {occupation} in {state}"
    assert found[0].id in EXPECTED_FIRST[(state, occupation)]
    assert state in found[0].states


@pytest.mark.parametrize(
    ("network", "occupation", "first"),
    [
        ("iq-nrw-west", "teacher", "nw-bezreg-"),
        ("iq-nrw-ost", "engineer", "nw-"),
        ("rin-leipzig", "teacher", "sn-lasub"),
        ("rin-chemnitz-dresden", "doctor", "sn-lds"),
        ("iq-by", "engineer", "by-"),
        ("iq-bw", "teacher", "bw-rp-tuebingen"),
    ],
)
def test_authority_through_the_network(
    network: str, occupation: str, first: str, host: PluginHost
) -> None:
    found = host.find_authority(occupation, network=network)
    assert found
    assert found[0].id.startswith(first)


def test_land_occupation_records_are_answered_too(host: PluginHost) -> None:
    assert host.find_authority("sn.teacher", state=FederalState.SN)[0].id == "sn-lasub"
    assert host.find_authority("bw.engineer", state=FederalState.BW)[0].id == "bw-ingenieurkammer"


def test_without_the_plugins_only_generic_bodies_answer(plain: PluginHost) -> None:
    found = plain.find_authority("teacher", state=FederalState.SN)
    assert found
    assert all(not a.states for a in found)


# -- rules in effect --------------------------------------------------------------------------


def test_replacement_shows_in_the_trace(host: PluginHost) -> None:
    cases = load_rule_cases(Path(__file__).parent / "rulecases" / "regions_bavaria.yaml")
    case = next(c for c in cases if c.name == "by-engineer-thirty-months-below-the-bayingg-minimum")
    result = run_case(case, host=host)
    replaced = next(e for e in result.trace if e.rule.id == "fed.comparison.duration")
    assert not replaced.applied
    assert replaced.note.startswith("replaced by by.comparison.duration")
    replacing = next(e for e in result.trace if e.rule.id == "by.comparison.duration")
    assert replacing.rule.replaces == "fed.comparison.duration"
    assert replacing.applied
    assert any(p.name == "regions.by" for p in result.provenance.plugins)


def test_other_laender_are_untouched(host: PluginHost, plain: PluginHost) -> None:
    day = date(2024, 6, 1)
    for state in (FederalState.HE, FederalState.BE, FederalState.ST):
        ours = host.rulebook().plan(day, state=state).fingerprint
        assert ours == plain.rulebook().plan(day, state=state).fingerprint
    assert (
        host.rulebook().plan(day, state=FederalState.BY).fingerprint
        != plain.rulebook().plan(day, state=FederalState.BY).fingerprint
    )


def test_blocking_a_network_plugin_keeps_the_land_law() -> None:
    host = make_host(
        autoload=False,
        plugins=[_module(n) for n, _ in PLUGINS if n != "regions.rin-leipzig"],
    )
    plan = host.rulebook().plan(date(2024, 6, 1), state=FederalState.SN, network_id="rin-leipzig")
    assert "sn.comparison.duration" in {r.id for r in plan.rules}


def test_bavarian_procedure_parameters_cite_the_baybqfg() -> None:
    params = bavaria.procedure_parameters()
    decision = params.accelerated_decision
    value = decision.value_at(date(2024, 1, 1))
    assert str(value.value) == "2 months"
    assert value.reference.act == "BayBQFG"
    assert decision.replaces == "bqfg.s14a.decision"
    assert not value.reference.verified
    assert params.decision == iqcore.procedure.procedure_parameters().decision


# -- the YAML cases ---------------------------------------------------------------------------


def test_at_least_five_cases_per_land() -> None:
    assert len(CASES) >= 4
    for path in CASES:
        assert len(load_rule_cases(path)) >= 5, path.name


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_cases_fail_without_the_regional_plugins(path: Path, plain: PluginHost) -> None:
    failing = 0
    for case in load_rule_cases(path):
        try:
            check_case(case, host=plain)
        except RuleCaseFailure:
            failing += 1
    assert failing >= 3, f"{path.name}: the cases must depend on the Land's rules"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_declared_counter_cases_show_the_land_rule_decisive(path: Path, host: PluginHost) -> None:
    cases = {c.name: c for c in load_rule_cases(path)}
    observed: dict[str, Any] = {n: observe(run_case(c, host=host)) for n, c in cases.items()}
    declared = [(c, rule, counter) for c in cases.values() for rule, counter in c.decisive]
    assert declared, f"{path.name} declares no counter-case"
    for case, rule, counter in declared:
        mine, theirs = observed[case.name], observed[counter]
        assert rule in mine.applied
        assert rule not in theirs.applied
        assert result_signature(mine) != result_signature(theirs)
