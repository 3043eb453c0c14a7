"""An example regional plugin for the tutorial "Write a regional plugin".

Everything here is example data for a network that does not exist: the network, the authority,
the training scheme, the value and the rule are made up to show the hooks, and every reference
says so (``verified=False``). A real plugin cites the act, section and URL of each rule and
value, and the source of each record.

The test suite imports this file, checks it with :func:`iqcore.testing.plugins.check_plugin`
and assesses cases through it (``tests/test_plugins_docs.py``).
"""

from __future__ import annotations

from datetime import date

from iqcore.model import (
    AuthorityKind,
    CompetentAuthority,
    FederalState,
    FundingPhase,
    Module,
    PriorityArea,
    RegionalNetwork,
    TrainingScheme,
)
from iqcore.plugins import (
    AuthorityRegistrar,
    NetworkRegistrar,
    ParameterRegistrar,
    RuleRegistrar,
    TrainingSchemeRegistrar,
    hookimpl,
)
from iqcore.rules import (
    CaseContext,
    Finding,
    Jurisdiction,
    LegalReference,
    Parameter,
    Rule,
    Selector,
    Stage,
    Validity,
    applied,
    not_applied,
)

#: The name the plugin is registered under (and its entry-point name when installed).
iqcore_plugin_name = "example.network"
__version__ = "0.1.0"

NETWORK_ID = "example-network"
#: Where this plugin's rules and values apply: one network, in its Land.
HERE = Jurisdiction.of_network(NETWORK_ID, FederalState.HB)
EXAMPLE = LegalReference(act="Example only (not a real act)", verified=False)


@hookimpl
def iqcore_register_networks(register: NetworkRegistrar) -> None:
    """The network itself: id, name, Land, funding phases, source."""
    register(
        RegionalNetwork(
            id=NETWORK_ID,
            name="Example network (tutorial)",
            state=FederalState.HB,
            phases={FundingPhase.P2023_2025},
            source="iqcore tutorial (example data)",
        )
    )


@hookimpl
def iqcore_register_authorities(register: AuthorityRegistrar) -> None:
    """A competent body of the network's Land (example data)."""
    register(
        CompetentAuthority(
            id="example-teacher-office",
            name="Example teacher recognition office (not a real body)",
            kind=AuthorityKind.LAND_AUTHORITY,
            source="iqcore tutorial (example data)",
            states={FederalState.HB},
            occupations={"teacher"},
        )
    )


@hookimpl
def iqcore_register_training_schemes(register: TrainingSchemeRegistrar) -> None:
    """A training scheme of the network (example data)."""
    register(
        TrainingScheme(
            id="example-network.bridge-course",
            title="Bridge course for office clerks (example)",
            provider="Example provider",
            priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
            source="iqcore tutorial (example data)",
            network_id=NETWORK_ID,
            target_occupations={"office_management_clerk"},
            modules=[
                Module(id="bookkeeping", title="Bookkeeping", hours=80, covers={"bookkeeping"})
            ],
        )
    )


@hookimpl
def iqcore_register_parameters(register: ParameterRegistrar) -> None:
    """The network's own value for a federal default, in force from 2023."""
    register(
        Parameter.constant(
            id="example.compensation.months_per_area",
            title="Months of evidenced experience per missing area (example)",
            value=6,
            unit="months",
            reference=EXAMPLE,
            valid_from=date(2023, 1, 1),
            jurisdiction=HERE,
            replaces="fed.compensation.months_per_area",
        )
    )


def _bridge_course(ctx: CaseContext) -> Finding:
    """Point to the network's bridge course when differences remain."""
    if ctx.remaining:
        return applied("the network's bridge course covers remaining differences")
    return not_applied("no difference remains")


@hookimpl
def iqcore_register_rules(register: RuleRegistrar) -> None:
    """A next-steps rule that applies only in the network, to one occupation."""
    register(
        Rule(
            id="example.next.bridge_course",
            version=1,
            title="Bridge course of the network",
            reference=EXAMPLE,
            validity=Validity(valid_from=date(2023, 1, 1)),
            stage=Stage.NEXT_STEPS,
            evaluate=_bridge_course,
            jurisdiction=HERE,
            selector=Selector(occupation_ids={"office_management_clerk"}),
        )
    )
