# mypy's attrs plugin types the model's converted collection fields (converter=frozenset) as
# Iterable[_T_co]; the values passed here are right at run time.
# mypy: disable-error-code="arg-type"
"""The rule book: layering, replacements in the trace, conflicts, parameters, fingerprints."""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

import pytest

import iqcore
from iqcore.errors import PluginError, RuleConflict
from iqcore.model import Country, FederalState, ForeignQualification, QualificationKind
from iqcore.plugins import (
    ParameterRegistrar,
    PluginHost,
    RuleRegistrar,
    hookimpl,
    hookspecs,
    make_host,
)
from iqcore.reference_data import occupation
from iqcore.rules import (
    CaseContext,
    Finding,
    Jurisdiction,
    LegalReference,
    Parameter,
    Rule,
    RuleBook,
    Selector,
    Stage,
    Validity,
    applied,
)

REF = LegalReference(act="Test act", section="§1")
SINCE_2012 = Validity(valid_from=date(2012, 4, 1))
BY = Jurisdiction.of_state(FederalState.BY)
NW = Jurisdiction.of_state(FederalState.NW)
NET_BY = Jurisdiction.of_network("iq-test-by", FederalState.BY)


def _ok(ctx: CaseContext) -> Finding:
    return applied("ok")


def _reads_months(ctx: CaseContext) -> Finding:
    return applied(f"months {ctx.param('test.months')}")


def rule(rule_id: str, **kw: Any) -> Rule:
    options: dict[str, Any] = {
        "version": 1,
        "title": "Test rule",
        "reference": REF,
        "validity": SINCE_2012,
        "stage": Stage.SCOPE,
        "evaluate": _ok,
    }
    options.update(kw)
    return Rule(id=rule_id, **options)


class Plugin:
    """A test plugin registering the rules and parameters it is given."""

    def __init__(
        self, name: str, rules: list[Rule] | None = None, params: list[Any] | None = None
    ) -> None:
        self.iqcore_plugin_name = name
        self.rules = rules or []
        self.params = params or []

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        register(*self.rules)

    @hookimpl
    def iqcore_register_parameters(self, register: ParameterRegistrar) -> None:
        register(*self.params)


def host_of(*plugins: Plugin, federal: bool = False) -> PluginHost:
    blocked = () if federal else ("iqcore.federal",)
    return make_host(autoload=False, plugins=plugins, blocked=blocked)


# -- layering and replacement ---------------------------------------------------------------


def test_layering_federal_land_network() -> None:
    host = host_of(
        Plugin(
            "layers",
            [
                rule("f.one"),
                rule("by.one", jurisdiction=BY),
                rule("nw.one", jurisdiction=NW),
                rule("net.one", jurisdiction=NET_BY),
            ],
        )
    )
    book = host.rulebook()
    day = date(2020, 1, 1)
    assert [r.id for r in book.in_force(day)] == ["f.one"]
    assert [r.id for r in book.in_force(day, state=FederalState.BY)] == ["f.one", "by.one"]
    in_net = book.in_force(day, state=FederalState.BY, network_id="iq-test-by")
    assert [r.id for r in in_net] == ["f.one", "by.one", "net.one"]
    assert book.in_force(date(2010, 1, 1)) == ()


def test_declared_order_not_registration_order() -> None:
    a = rule("a.late", order=50)
    b = rule("b.early", order=10)
    c = rule("c.compare", stage=Stage.COMPARISON, order=1)
    for plugins in (
        [Plugin("p1", [a, c]), Plugin("p2", [b])],
        [Plugin("p2", [b, c]), Plugin("p1", [a])],
    ):
        book = host_of(*plugins).rulebook()
        assert [r.id for r in book.in_force(date(2020, 1, 1))] == ["b.early", "a.late", "c.compare"]


def test_land_replacement_shows_in_the_trace_only_in_that_land() -> None:
    federal = rule("f.measure", stage=Stage.OUTCOME)
    land = rule("by.measure", stage=Stage.OUTCOME, jurisdiction=BY, replaces="f.measure")
    host = host_of(Plugin("fed", [federal]), Plugin("bavaria", [land]))
    q = ForeignQualification(
        title_original="x",
        country_of_training=Country(code="TR"),
        kind=QualificationKind.VOCATIONAL_DUAL,
        duration_months=36,
    )
    occ = occupation("office_management_clerk")
    a = iqcore.assess(q, occ, as_of=date(2020, 1, 1), host=host, network=None)
    assert [e.rule.id for e in a.trace] == ["f.measure"]
    in_by = iqcore.assess(q, occ, as_of=date(2020, 1, 1), host=host, network="iq-by")
    assert [e.rule.id for e in in_by.trace] == ["f.measure", "by.measure"]
    from iqcore.model import FundingPhase, RegionalNetwork

    net = RegionalNetwork(
        id="iq-test-by",
        name="Test",
        state=FederalState.BY,
        phases={FundingPhase.P2023_2025},
        source="test",
    )
    b = iqcore.assess(q, occ, as_of=date(2020, 1, 1), host=host, network=net)
    replaced, replacer = b.trace
    assert replaced.rule.id == "f.measure"
    assert not replaced.applied
    assert "replaced by by.measure v1 of bavaria" in replaced.note
    assert replacer.rule.id == "by.measure"
    assert replacer.rule.replaces == "f.measure"
    assert replacer.rule.origin == "bavaria"
    assert replacer.applied


def test_network_replaces_its_lands_rule() -> None:
    host = host_of(
        Plugin(
            "chain",
            [
                rule("f.x"),
                rule("by.x", jurisdiction=BY, replaces="f.x"),
                rule("net.x", jurisdiction=NET_BY, replaces="by.x"),
            ],
        )
    )
    rules = host.rulebook().in_force(
        date(2020, 1, 1), state=FederalState.BY, network_id="iq-test-by"
    )
    assert [r.id for r in rules] == ["net.x"]


# -- conflicts ------------------------------------------------------------------------------


def _conflict(*plugins: Plugin) -> str:
    with pytest.raises(RuleConflict) as info:
        host_of(*plugins).rulebook()
    return str(info.value)


def test_same_rule_id_from_two_plugins_is_a_conflict() -> None:
    message = _conflict(
        Plugin("alpha", [rule("x.same")]), Plugin("beta", [rule("x.same", version=2)])
    )
    assert "alpha" in message
    assert "beta" in message
    assert "x.same" in message


def test_same_rule_and_version_twice_is_a_conflict() -> None:
    message = _conflict(Plugin("alpha", [rule("x.same")]), Plugin("beta", [rule("x.same")]))
    assert "alpha and beta" in message


def test_versions_of_one_plugin_must_not_overlap() -> None:
    v1 = rule("x.v", validity=Validity(valid_from=date(2012, 1, 1), valid_until=date(2016, 1, 1)))
    v2 = rule("x.v", version=2, validity=Validity(valid_from=date(2015, 1, 1)))
    assert "overlap" in _conflict(Plugin("alpha", [v1, v2]))
    v2_ok = rule("x.v", version=2, validity=Validity(valid_from=date(2016, 1, 1)))
    book = host_of(Plugin("alpha", [v1, v2_ok])).rulebook()
    assert book.rule("x.v", date(2013, 1, 1)).version == 1
    assert book.rule("x.v", date(2017, 1, 1)).version == 2


def test_two_replacements_for_the_same_place_and_time_conflict() -> None:
    message = _conflict(
        Plugin("fed", [rule("f.x")]),
        Plugin("bavaria-one", [rule("by.a", jurisdiction=BY, replaces="f.x")]),
        Plugin("bavaria-two", [rule("by.b", jurisdiction=BY, replaces="f.x")]),
    )
    assert "by.a of bavaria-one and by.b of bavaria-two" in message
    # a network inside the Land overlaps the Land's place too
    message = _conflict(
        Plugin("fed", [rule("f.x")]),
        Plugin("bavaria", [rule("by.a", jurisdiction=BY, replaces="f.x")]),
        Plugin("network", [rule("net.b", jurisdiction=NET_BY, replaces="f.x")]),
    )
    assert "by.a of bavaria and net.b of network" in message


def test_replacements_for_different_places_or_times_do_not_conflict() -> None:
    until_2016 = Validity(valid_from=date(2012, 4, 1), valid_until=date(2016, 1, 1))
    from_2016 = Validity(valid_from=date(2016, 1, 1))
    host = host_of(
        Plugin("fed", [rule("f.x")]),
        Plugin("bavaria", [rule("by.a", jurisdiction=BY, replaces="f.x", validity=until_2016)]),
        Plugin("bavaria2", [rule("by.b", jurisdiction=BY, replaces="f.x", validity=from_2016)]),
        Plugin("nrw", [rule("nw.a", jurisdiction=NW, replaces="f.x")]),
    )
    book = host.rulebook()
    assert [r.id for r in book.in_force(date(2014, 1, 1), state=FederalState.BY)] == ["by.a"]
    assert [r.id for r in book.in_force(date(2017, 1, 1), state=FederalState.BY)] == ["by.b"]
    assert [r.id for r in book.in_force(date(2017, 1, 1), state=FederalState.NW)] == ["nw.a"]


def test_replacement_outside_own_jurisdiction_is_a_conflict() -> None:
    message = _conflict(
        Plugin("nrw", [rule("nw.x", jurisdiction=NW)]),
        Plugin("bavaria", [rule("by.x", jurisdiction=BY, replaces="nw.x")]),
    )
    assert "outside its own jurisdiction" in message
    assert "bavaria" in message
    assert "nrw" in message
    message = _conflict(
        Plugin("nrw", [rule("nw.x", jurisdiction=NW)]),
        Plugin("network", [rule("net.x", jurisdiction=NET_BY, replaces="nw.x")]),
    )
    assert "network" in message
    assert "nrw" in message
    # a Land cannot replace a network's rule either (it is broader)
    assert "outside" in _conflict(
        Plugin("network", [rule("net.x", jurisdiction=NET_BY)]),
        Plugin("bavaria", [rule("by.x", jurisdiction=BY, replaces="net.x")]),
    )


def test_replacing_an_unknown_rule_is_a_conflict() -> None:
    assert "no plugin registered" in _conflict(
        Plugin("bavaria", [rule("by.x", jurisdiction=BY, replaces="f.missing")])
    )


def test_parameter_conflicts_name_both_origins() -> None:
    p = Parameter.constant(id="test.months", title="Months", value=12, reference=REF)
    message = _conflict(Plugin("alpha", params=[p]), Plugin("beta", params=[p]))
    assert "alpha and beta" in message
    nw_param = Parameter.constant(
        id="nw.months", title="M", value=1, reference=REF, jurisdiction=NW
    )
    by_param = Parameter.constant(
        id="by.months", title="M", value=1, reference=REF, jurisdiction=BY, replaces="nw.months"
    )
    message = _conflict(Plugin("nrw", params=[nw_param]), Plugin("bavaria", params=[by_param]))
    assert "outside its own jurisdiction" in message


def test_unknown_parameter_read_is_reported_with_the_plugin() -> None:
    with pytest.raises(PluginError) as info:
        host_of(Plugin("alpha", [rule("x.r", parameters=("no.such",))])).rulebook()
    assert info.value.plugin == "alpha"


# -- parameters as of dates -----------------------------------------------------------------


def _months_host(*extra: Plugin) -> PluginHost:
    series = Parameter.series(
        id="test.months",
        title="Months",
        unit="months",
        values=[
            (date(2012, 4, 1), date(2020, 3, 1), 12, LegalReference(act="Old act")),
            (date(2020, 3, 1), None, 6, LegalReference(act="New act", verified=False)),
        ],
    )
    reader = rule("x.reader", evaluate=_reads_months, parameters=("test.months",))
    return host_of(Plugin("base", [reader], [series]), *extra)


def test_parameters_answer_the_value_in_force() -> None:
    book = _months_host().rulebook()
    before = book.plan(date(2020, 2, 29)).params["test.months"]
    after = book.plan(date(2020, 3, 1)).params["test.months"]
    assert (before.value, after.value) == (12, 6)
    assert before.validity.valid_until == date(2020, 3, 1)
    assert after.reference.act == "New act"
    assert not after.reference.verified


def test_parameter_reads_are_in_the_trace() -> None:
    host = _months_host()
    q = ForeignQualification(
        title_original="x",
        country_of_training=Country(code="TR"),
        kind=QualificationKind.VOCATIONAL_DUAL,
        duration_months=36,
    )
    occ = occupation("office_management_clerk")
    for day, value in ((date(2019, 1, 1), 12), (date(2021, 1, 1), 6)):
        a = iqcore.assess(q, occ, as_of=day, host=host)
        (entry,) = a.trace
        (read,) = entry.parameters
        assert read.id == "test.months"
        assert read.value == value
        assert entry.note == f"months {value}"
    assert a.unverified() == ("test.months",)


def test_network_parameter_replaces_the_federal_value_only_there() -> None:
    local = Parameter.constant(
        id="net.months",
        title="Months here",
        value=3,
        reference=REF,
        jurisdiction=NET_BY,
        replaces="test.months",
    )
    book = _months_host(Plugin("network", params=[local])).rulebook()
    day = date(2021, 1, 1)
    assert book.plan(day, state=FederalState.BY).params["test.months"].value == 6
    read = book.plan(day, state=FederalState.BY, network_id="iq-test-by").params["test.months"]
    assert (read.value, read.id, read.replaces) == (3, "net.months", "test.months")


# -- plugins --------------------------------------------------------------------------------


def test_plugin_that_raises_is_named() -> None:
    class Broken:
        iqcore_plugin_name = "broken"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            raise RuntimeError("boom")

    with pytest.raises(PluginError) as info:
        host_of(Broken()).rulebook()
    assert info.value.plugin == "broken"
    assert "boom" not in str(info.value)


def test_registering_the_wrong_type_is_a_plugin_error() -> None:
    class Wrong:
        iqcore_plugin_name = "wrong"

        @hookimpl
        def iqcore_register_rules(self, register: RuleRegistrar) -> None:
            register("not a rule")

    with pytest.raises(PluginError, match="wrong"):
        host_of(Wrong()).rulebook()


def test_misspelt_hook_fails_at_once() -> None:
    class Misspelt:
        iqcore_plugin_name = "misspelt"

        @hookimpl
        def iqcore_register_rule(self, register: RuleRegistrar) -> None:
            """Not a hook."""

    with pytest.raises(PluginError, match="misspelt"):
        make_host(autoload=False, plugins=[Misspelt()])


def test_registration_records_the_origin() -> None:
    book = host_of(Plugin("alpha", [rule("x.one")])).rulebook()
    assert book.rule("x.one").origin == "alpha"
    assert [p.name for p in book.plugins] == ["alpha"]


def test_host_methods_match_the_hookspecs() -> None:
    specs = {
        name: inspect.signature(fn)
        for name, fn in vars(hookspecs).items()
        if name.startswith("iqcore_") and callable(fn)
    }
    assert specs
    for name, spec in specs.items():
        method = getattr(PluginHost, name)
        params = list(inspect.signature(method).parameters.values())[1:]
        assert [p.name for p in params] == list(spec.parameters)
        assert [p.annotation for p in params] == [p.annotation for p in spec.parameters.values()]


def test_federal_plugin_can_be_blocked() -> None:
    assert host_of().rulebook().rules == ()
    assert len(make_host(autoload=False).rulebook().rules) > 20


# -- fingerprints ---------------------------------------------------------------------------


def test_fingerprint_independent_of_registration_order_and_sensitive_to_values() -> None:
    a = Plugin("alpha", [rule("x.a")])
    b = Plugin("beta", [rule("x.b", order=5)])
    assert host_of(a, b).rulebook().fingerprint == host_of(b, a).rulebook().fingerprint
    p12 = Parameter.constant(id="t.m", title="M", value=12, reference=REF)
    p13 = Parameter.constant(id="t.m", title="M", value=13, reference=REF)
    f12 = host_of(Plugin("alpha", params=[p12])).rulebook().fingerprint
    f13 = host_of(Plugin("alpha", params=[p13])).rulebook().fingerprint
    assert f12 != f13


def test_place_fingerprint_ignores_other_networks_plugins() -> None:
    base = host_of(Plugin("fed", [rule("f.x")])).rulebook()
    more = host_of(
        Plugin("fed", [rule("f.x")]), Plugin("nrw", [rule("nw.x", jurisdiction=NW)])
    ).rulebook()
    day = date(2020, 1, 1)
    assert base.fingerprint != more.fingerprint
    assert (
        base.plan(day, state=FederalState.BY).fingerprint
        == more.plan(day, state=FederalState.BY).fingerprint
    )
    assert (
        base.plan(day, state=FederalState.NW).fingerprint
        != more.plan(day, state=FederalState.NW).fingerprint
    )


def test_rulebook_checks_its_inputs() -> None:
    with pytest.raises(TypeError):
        RuleBook(["not a rule"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="replace itself"):
        rule("x.self", replaces="x.self")
    assert Selector(regulated=True).criteria == ("applies only to occupations that are regulated",)
