"""Properties of ``iqcore.assess``: determinism whatever the plugin order, the law's invariants,
JSON round trips, and the same result from cold and warm caches."""

# mypy's attrs plugin types the model's converted collection fields as Iterable[_T_co].
# mypy: disable-error-code="arg-type"

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import iqcore
from iqcore.model import (
    Decision,
    DecisionOutcome,
    FederalState,
    ReferenceOccupation,
)
from iqcore.plugins import ParameterRegistrar, RuleRegistrar, hookimpl, make_host
from iqcore.plugins.builtin import federal
from iqcore.reference_data import networks, occupations
from iqcore.rules import (
    Assessment,
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
from iqcore.serialization import from_json, to_json
from iqcore.testing import strategies as iqst

REF = LegalReference(act="Test act", verified=False)


def _note(ctx: CaseContext) -> Finding:
    return applied(f"route {ctx.route.value if ctx.route else '-'}")


class Regional:
    """A regional test plugin: a Land rule, a network rule and a network parameter."""

    def __init__(self, network_id: str, state: FederalState) -> None:
        self.iqcore_plugin_name = f"test.{network_id}"
        self.network_id = network_id
        self.state = state

    @hookimpl
    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        since = Validity(valid_from=date(2012, 4, 1))
        register(
            Rule(
                id=f"{self.network_id}.note",
                version=1,
                title="Network note",
                reference=REF,
                validity=since,
                stage=Stage.SCOPE,
                evaluate=_note,
                jurisdiction=Jurisdiction.of_network(self.network_id, self.state),
                order=95,
            ),
            Rule(
                id=f"{self.network_id}.land_note",
                version=1,
                title="Land note",
                reference=REF,
                validity=since,
                stage=Stage.NEXT_STEPS,
                evaluate=_note,
                jurisdiction=Jurisdiction.of_state(self.state),
                order=95,
            ),
        )

    @hookimpl
    def iqcore_register_parameters(self, register: ParameterRegistrar) -> None:
        register(
            Parameter.constant(
                id=f"{self.network_id}.months",
                title="Months here",
                value=6,
                reference=REF,
                jurisdiction=Jurisdiction.of_network(self.network_id, self.state),
                replaces="fed.compensation.months_per_area",
            )
        )


NETWORKS = sorted(networks(), key=lambda n: n.id)[:3]
PLUGINS: list[object] = [federal, *(Regional(n.id, n.state) for n in NETWORKS)]
REFERENCE_HOST = make_host(autoload=False, plugins=PLUGINS, blocked=("iqcore.federal",))
FEDERAL_HOST = make_host(autoload=False)

dates = st.dates(min_value=date(2005, 10, 20), max_value=date(2030, 12, 31))
places = st.sampled_from([None, *NETWORKS, *sorted(networks(), key=lambda n: n.id)[3:6]])
shipped = st.sampled_from(occupations())
any_occupation = st.one_of(shipped, iqst.reference_occupations())
cases = st.fixed_dictionaries(
    {
        "qualification": iqst.foreign_qualifications(),
        "occupation": any_occupation,
        "applicant": st.one_of(st.none(), iqst.migrants()),
        "as_of": dates,
        "network": places,
    }
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(case=cases, order=st.permutations(PLUGINS))
def test_same_inputs_same_bytes_whatever_the_plugin_order(
    case: dict[str, Any], order: list[object]
) -> None:
    host = make_host(autoload=False, plugins=order, blocked=("iqcore.federal",))
    cold = iqcore.assess(**case, host=host)  # fresh host: every cache is cold
    warm = iqcore.assess(**case, host=REFERENCE_HOST)  # shared host: caches warm up
    assert to_json(cold) == to_json(warm)
    assert to_json(iqcore.assess(**case, host=host)) == to_json(cold)


def _check_invariants(a: Assessment, occupation: ReferenceOccupation) -> None:
    remaining = a.remaining
    if a.outcome is DecisionOutcome.FULL_EQUIVALENCE:
        assert not remaining or a.route is not None
    if a.outcome is DecisionOutcome.PARTIAL_EQUIVALENCE:
        assert not occupation.regulated
        assert remaining
    if a.outcome is DecisionOutcome.COMPENSATION_MEASURE_REQUIRED:
        assert occupation.regulated
        assert remaining
        assert a.measures
        for m in a.measures:  # measures cover exactly the differences found (§11(2))
            assert m.covers == tuple(d.area for d in remaining)
    else:
        assert a.measures == ()
    for m in a.measures:
        assert m.max_months is None or m.max_months <= 36
    for d in a.differences:
        assert d.compensated_by is None or d.essential


@SETTINGS
@given(case=cases)
def test_invariants_of_the_law_and_json_round_trip(case: dict[str, Any]) -> None:
    a = iqcore.assess(**case, host=FEDERAL_HOST)
    _check_invariants(a, case["occupation"])
    if (a.outcome is not None and a.outcome is not DecisionOutcome.FULL_EQUIVALENCE) or (
        a.outcome is DecisionOutcome.FULL_EQUIVALENCE and not a.remaining
    ):
        # the prognosis can be written down as a would-be notice without breaking its rules
        fields = a.to_decision_fields()
        fields["differences"] = tuple(
            d for d in fields["differences"] if d.essential or d.compensated_by is None
        )
        Decision(id="d-1", decided_on=a.as_of, existing_qualifications=("x",), **fields)
    raw = to_json(a)
    back = from_json(raw, Assessment)
    assert back == a
    assert to_json(back) == raw
    # every rule in force was considered, in stage order
    ranks = [e.rule.stage.rank for e in a.trace]
    assert ranks == sorted(ranks)
