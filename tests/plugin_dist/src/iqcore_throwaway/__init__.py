"""A throwaway iqcore plugin for the test suite: a test network in Bremen with one rule.

Nothing here is a fact of the law: the network, the rule and its reference are test data. Set
``IQCORE_THROWAWAY_FAULT=raise`` to make the plugin raise after registering its network, so the
tests can see an installed plugin fail closed for its own network only.
"""

from __future__ import annotations

import os
from datetime import date

from iqcore.model import FederalState, FundingPhase, RegionalNetwork
from iqcore.plugins import NetworkRegistrar, RuleRegistrar, hookimpl
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

__version__ = "0.1.0"

NETWORK_ID = "test-throwaway-net"
PLACE = Jurisdiction.of_network(NETWORK_ID, FederalState.HB)


def _note(ctx: CaseContext) -> Finding:
    return applied("the throwaway plugin was here")


@hookimpl
def iqcore_register_networks(register: NetworkRegistrar) -> None:
    register(
        RegionalNetwork(
            id=NETWORK_ID,
            name="Throwaway test network (not a real network)",
            state=FederalState.HB,
            phases={FundingPhase.P2023_2025},
            source="iqcore test suite",
        )
    )


@hookimpl
def iqcore_register_rules(register: RuleRegistrar) -> None:
    if os.environ.get("IQCORE_THROWAWAY_FAULT") == "raise":
        raise RuntimeError("the throwaway plugin was asked to fail")
    register(
        Rule(
            id="throwaway.note",
            version=1,
            title="A note from the throwaway plugin",
            reference=LegalReference(act="Test data, not an act", verified=False),
            validity=Validity(valid_from=date(2023, 1, 1)),
            stage=Stage.NEXT_STEPS,
            evaluate=_note,
            jurisdiction=PLACE,
        )
    )
