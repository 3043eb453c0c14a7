# mypy's attrs plugin types the model's converted collection fields (converter=frozenset) as
# Iterable[_T_co]; the values passed here are right at run time.
# mypy: disable-error-code="arg-type"
"""One bad plugin does not poison the others.

For every kind of fault (raising, returning a value, registering the wrong type, a duplicate id,
a replacement outside its jurisdiction, a network in the wrong Land, failing in
``iqcore_configure``) a fixed set of cases is assessed for every place (no Land, each Land, each
shipped network) with and without the faulty plugin: the JSON of every place outside the
plugin's scope is the same byte for byte, and every place inside it fails closed with a
``PluginError`` naming the plugin, its distribution and version. A failed plugin leaves none of
its registrations behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

import iqcore
from iqcore.errors import PluginError, RuleConflict
from iqcore.model import (
    Country,
    FederalState,
    ForeignQualification,
    FundingPhase,
    QualificationKind,
    RegionalNetwork,
    WorkExperience,
)
from iqcore.plugins import (
    NetworkRegistrar,
    ParameterRegistrar,
    PluginConflict,
    PluginHost,
    RuleRegistrar,
    hookimpl,
    make_host,
    plugin_name,
)
from iqcore.reference_data import networks, occupation
from iqcore.rules import (
    CaseContext,
    Finding,
    Jurisdiction,
    LegalReference,
    Parameter,
    Rule,
    Stage,
    Validity,
    applied,
)
from iqcore.serialization import to_json

REF = LegalReference(act="Test act (not a real act)", section="§1", verified=False)
SINCE = Validity(valid_from=date(2012, 4, 1))
AS_OF = date(2024, 3, 1)
DIST, VERSION = "iqcore-test-plugins", "9.8.7"
NRW_WEST = Jurisdiction.of_network("iq-nrw-west", FederalState.NW)
BY = Jurisdiction.of_state(FederalState.BY)


def _note(ctx: CaseContext) -> Finding:
    return applied("noted")


def rule(rule_id: str, jurisdiction: Jurisdiction, **kw: Any) -> Rule:
    options: dict[str, Any] = {
        "version": 1,
        "title": "Test rule",
        "reference": REF,
        "validity": SINCE,
        "stage": Stage.NEXT_STEPS,
        "evaluate": _note,
        "jurisdiction": jurisdiction,
    }
    options.update(kw)
    return Rule(id=rule_id, **options)


# -- well-behaved regional plugins (present in both hosts) -----------------------------------


class GoodLand:
    """A well-behaved Land plugin for Bavaria: one rule, one parameter replacing a default."""

    iqcore_plugin_name = "good.by"

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(rule("good.by.note", BY))

    @hookimpl
    def iqcore_register_parameters(self, register: ParameterRegistrar) -> None:
        register(
            Parameter.constant(
                id="good.by.months",
                title="Months per area (test)",
                value=6,
                reference=REF,
                jurisdiction=BY,
                replaces="fed.compensation.months_per_area",
            )
        )


class GoodNetwork:
    """A well-behaved network plugin for IQ NRW – West (confirms the shipped record)."""

    iqcore_plugin_name = "good.nrw-west"

    @hookimpl
    def iqcore_register_networks(self, register: NetworkRegistrar) -> None:
        from iqcore.reference_data import network

        register(network("iq-nrw-west"))

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(rule("good.nrw-west.note", NRW_WEST))


GOOD = (GoodLand(), GoodNetwork())

# -- faulty plugins, one per kind of fault -----------------------------------------------------


class Raises:
    """Registers its network's rule, then raises (scope: IQ NRW – West)."""

    iqcore_plugin_name = "faulty.raises"

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(rule("faulty.raises.note", NRW_WEST))
        raise RuntimeError("a bug in the plugin")


class ReturnsValue:
    """Returns its rules instead of registering them (scope: Bavaria)."""

    iqcore_plugin_name = "faulty.returns"

    @hookimpl
    def iqcore_register_parameters(self, register: ParameterRegistrar) -> None:
        register(
            Parameter.constant(
                id="faulty.returns.p", title="P", value=1, reference=REF, jurisdiction=BY
            )
        )

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> list[Rule]:
        return [rule("faulty.returns.note", BY)]


class WrongType:
    """Registers a rule, then something that is not a parameter (scope: IQ NRW – West)."""

    iqcore_plugin_name = "faulty.wrong-type"

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(rule("faulty.wrong-type.note", NRW_WEST))

    @hookimpl
    def iqcore_register_parameters(self, register: ParameterRegistrar) -> None:
        register({"id": "not.a.parameter"})


class Duplicate:
    """Registers a rule under a federal rule's id (scope: IQ NRW – West)."""

    iqcore_plugin_name = "faulty.duplicate"

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(rule("fed.scope.legal_path", NRW_WEST, version=7))


class OutsideJurisdiction:
    """A rule for IQ NRW – West replacing Bavaria's rule (scope: IQ NRW – West)."""

    iqcore_plugin_name = "faulty.outside"

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(rule("faulty.outside.note", NRW_WEST, replaces="good.by.note"))


class WrongLand:
    """Registers IQ NRW – West's rule in Bavaria (scope: the network, as it said)."""

    iqcore_plugin_name = "faulty.wrong-land"

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(
            rule("faulty.wrong-land.note", Jurisdiction.of_network("iq-nrw-west", FederalState.BY))
        )


class DuplicateNetwork:
    """Registers a different network under a shipped network's id (scope: that network)."""

    iqcore_plugin_name = "faulty.network"

    @hookimpl
    def iqcore_register_networks(self, register: NetworkRegistrar) -> None:
        register(
            RegionalNetwork(
                id="rin-leipzig",
                name="Not the shipped record",
                state=FederalState.SN,
                phases={FundingPhase.P2023_2025},
                source="test",
            )
        )


class ConfigureRaises:
    """Raises in iqcore_configure; registers a Bavarian rule (scope: Bavaria)."""

    iqcore_plugin_name = "faulty.configure"

    @hookimpl
    def iqcore_configure(self, host: PluginHost) -> None:
        raise ValueError("cannot configure")

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(rule("faulty.configure.note", BY))


class ReplacesFailed:
    """Depends on a failed plugin: replaces the rule only faulty.raises registered."""

    iqcore_plugin_name = "faulty.dependent"

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(rule("faulty.dependent.note", NRW_WEST, replaces="faulty.raises.note"))


# (plugin, places that must fail closed: a Land (all its places) or a network id)
FAULTS: list[tuple[object, set[FederalState | str], type[PluginError]]] = [
    (Raises(), {"iq-nrw-west"}, PluginError),
    (ReturnsValue(), {FederalState.BY}, PluginError),
    (WrongType(), {"iq-nrw-west"}, PluginError),
    (Duplicate(), {"iq-nrw-west"}, PluginConflict),
    (OutsideJurisdiction(), {"iq-nrw-west"}, PluginConflict),
    (WrongLand(), {"iq-nrw-west"}, PluginError),
    (DuplicateNetwork(), {"rin-leipzig"}, PluginConflict),
    (ConfigureRaises(), {FederalState.BY}, PluginError),
]

# -- the fixed set of cases, for every place -------------------------------------------------


def _cases() -> list[tuple[ForeignQualification, str]]:
    doctor = ForeignQualification(
        title_original="Doctor of Medicine",
        country_of_training=Country(code="SY"),
        kind=QualificationKind.HIGHER_EDUCATION,
        duration_months=72,
        competence_areas=frozenset({"internal_medicine", "surgery", "pharmacology", "hygiene"}),
    )
    technician = ForeignQualification(
        title_original="Elektrik",
        country_of_training=Country(code="TR"),
        kind=QualificationKind.VOCATIONAL_SCHOOL,
        duration_months=24,
        competence_areas=frozenset({"electrical_installation", "energy_systems"}),
        experience=(
            WorkExperience(
                occupation="Elektriker",
                months=20,
                country=Country(code="TR"),
                evidenced=True,
                competence_areas={"electrical_safety"},
            ),
        ),
    )
    clerk = ForeignQualification(
        title_original="Office clerk",
        country_of_training=Country(code="PL"),
        kind=QualificationKind.VOCATIONAL_DUAL,
        duration_months=36,
        competence_areas=frozenset({"office_organisation", "customer_relations"}),
    )
    return [
        (doctor, "doctor"),
        (technician, "electronics_technician"),
        (clerk, "office_management_clerk"),
    ]


Place = tuple[FederalState | None, str | None]


def _places() -> list[Place]:
    return [
        (None, None),
        *((s, None) for s in FederalState),
        *((n.state, n.id) for n in networks()),
    ]


def _in_scope(place: Place, scope: set[FederalState | str]) -> bool:
    state, network = place
    return state in scope or network in scope


def _assess_all(host: PluginHost) -> Iterator[tuple[Place, int, bytes | PluginError]]:
    for place in _places():
        state, network = place
        for i, (q, occ_id) in enumerate(_cases()):
            occ = occupation(occ_id)
            try:
                a = iqcore.assess(
                    q,
                    occ,
                    applicant=iqcore.Migrant(id="p-1", residence_state=state) if state else None,
                    as_of=AS_OF,
                    network=network,
                    host=host,
                )
            except PluginError as exc:
                yield place, i, exc
            else:
                yield place, i, to_json(a)


def _host(*extra: object) -> PluginHost:
    host = make_host(autoload=False, plugins=GOOD)
    for plugin in extra:
        host.register(plugin, distribution=DIST, version=VERSION)
    return host


@pytest.fixture(scope="module")
def baseline() -> dict[tuple[Place, int], bytes | PluginError]:
    return {(p, i): r for p, i, r in _assess_all(_host())}


def test_baseline_has_no_failures(baseline: dict[tuple[Place, int], bytes | PluginError]) -> None:
    assert all(isinstance(r, bytes) for r in baseline.values())
    # the good plugins contribute where they apply, so the test can see a difference
    by = baseline[((FederalState.BY, None), 2)]
    assert isinstance(by, bytes)
    assert b"good.by.note" in by


@pytest.mark.parametrize(
    ("plugin", "scope", "error"), FAULTS, ids=[type(p).__name__ for p, _, _ in FAULTS]
)
def test_faulty_plugin_fails_closed_only_in_its_scope(
    baseline: dict[tuple[Place, int], bytes | PluginError],
    plugin: object,
    scope: set[FederalState | str],
    error: type[PluginError],
) -> None:
    host = _host(plugin)
    name = plugin_name(plugin)
    (fault,) = host.faults
    assert fault.plugin.name == name
    failed = 0
    for place, i, result in _assess_all(host):
        if _in_scope(place, scope):
            assert isinstance(result, error), (place, i)
            assert result.plugin == name
            assert (result.distribution, result.version) == (DIST, VERSION)
            assert f"plugin {name} ({DIST} {VERSION})" in str(result)
            failed += 1
        else:
            assert result == baseline[(place, i)], (place, i)
    assert failed > 0
    # nothing of the failed plugin is used, even in the places outside its scope
    book = host.rulebook(partial=True)
    assert not [r for r in book.rules if r.origin == name]
    assert not [p for p in book.parameters if p.origin == name]
    # the strict rule book reports it, as a RuleConflict for a conflict
    with pytest.raises(RuleConflict if error is PluginConflict else PluginError):
        host.rulebook()


def test_a_plugin_depending_on_a_failed_plugin_fails_too() -> None:
    host = _host(Raises(), ReplacesFailed())
    faults = {f.plugin.name: f for f in host.faults}
    assert set(faults) == {"faulty.raises", "faulty.dependent"}
    assert "which only the failed plugin faulty.raises registered" in str(
        faults["faulty.dependent"].error
    )


def test_two_installed_plugins_with_one_id_are_both_at_fault() -> None:
    class One:
        iqcore_plugin_name = "one"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            register(rule("shared.id", Jurisdiction.of_network("iq-by", FederalState.BY)))

    class Two:
        iqcore_plugin_name = "two"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            register(rule("shared.id", Jurisdiction.of_network("iq-bw", FederalState.BW)))

    for order in ([One(), Two()], [Two(), One()]):
        host = make_host(autoload=False, plugins=order)
        assert sorted(f.plugin.name for f in host.faults) == ["one", "two"]
        assert host.plan(AS_OF, state=FederalState.NW).items  # others unaffected
        with pytest.raises(PluginConflict, match="registered by both one and two"):
            host.plan(AS_OF, state=FederalState.BY, network_id="iq-by")


def test_registrations_are_all_or_nothing() -> None:
    class HalfDone:
        iqcore_plugin_name = "half"

        @hookimpl
        def iqcore_register_networks(self, register: NetworkRegistrar) -> None:
            register(
                RegionalNetwork(
                    id="test-half-network",
                    name="Test network",
                    state=FederalState.HB,
                    phases={FundingPhase.P2023_2025},
                    source="test",
                )
            )

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            net = Jurisdiction.of_network("test-half-network", FederalState.HB)
            register(rule("half.a", net))
            # the same id and version again is refused; swallowing the refusal does not
            # help: the plugin still fails
            with contextlib.suppress(PluginError):
                register(rule("half.a", net))

    host = make_host(autoload=False, plugins=[HalfDone()])
    (fault,) = host.faults
    assert "registered rule half.a v1 twice" in str(fault.error)
    assert "test-half-network" not in {n.id for n in host.networks().networks}
    assert not [r for r in host.rulebook(partial=True).rules if r.origin == "half"]
    # the network it meant to register fails closed rather than being "unknown"
    with pytest.raises(PluginError, match="half"):
        host.network_state("test-half-network")
    q, occ_id = _cases()[2]
    with pytest.raises(PluginError, match="half"):
        iqcore.assess(q, occupation(occ_id), as_of=AS_OF, network="test-half-network", host=host)
    # Bremen outside the network is not in the plugin's scope
    assert iqcore.assess(q, occupation(occ_id), as_of=AS_OF, host=host).state is None


def test_a_plugin_registering_after_its_hook_returned_is_refused() -> None:
    kept: list[RuleRegistrar] = []

    class Keeper:
        iqcore_plugin_name = "keeper"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            kept.append(register)

    host = make_host(autoload=False, plugins=[Keeper()])
    host.rulebook()
    with pytest.raises(PluginError, match="after its hook had returned"):
        kept[0](rule("late.rule", BY))


def test_a_plugin_that_fails_everywhere_when_nothing_is_known_of_it() -> None:
    class Early:
        iqcore_plugin_name = "early"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            raise KeyError("before registering anything")

    host = make_host(autoload=False, plugins=[Early()])
    (fault,) = host.faults
    assert fault.everywhere
    with pytest.raises(PluginError, match="raised KeyError in iqcore_register_rules"):
        host.plan(AS_OF, state=FederalState.HB)
    # the message does not repeat the exception's text (it may hold personal data)
    with pytest.raises(PluginError) as info:
        host.plan(AS_OF)
    assert "before registering" not in str(info.value)
    assert isinstance(info.value.__cause__, KeyError)
