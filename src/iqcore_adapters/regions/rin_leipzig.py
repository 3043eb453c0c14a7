"""RIN Leipzig (``rin-leipzig``, 2023-2025): the network plugin ``regions.rin-leipzig``.

Saxony's law (occupations, rules, parameters, competent bodies)
comes from the Land plugin ``regions.sn``.
This plugin adds the network as iqcore ships it (name, Land, phases and source; what the
sources do not confirm is in :func:`iqcore.reference_data.caveat`).

No training scheme of this network is confirmed by a cited source, so none is listed; a
network team adds its own with :func:`schemes`.
"""

from __future__ import annotations

from iqcore.model.programme import RegionalNetwork
from iqcore.model.training import TrainingScheme
from iqcore.plugins.hookspecs import hookimpl
from iqcore.plugins.registrars import NetworkRegistrar, TrainingSchemeRegistrar
from iqcore_adapters.regions._network import shipped_network

__all__ = [
    "LAND_PLUGIN",
    "NETWORK_ID",
    "iqcore_plugin_name",
    "iqcore_register_networks",
    "iqcore_register_training_schemes",
    "network",
    "schemes",
]

#: The plugin's name (also its entry-point name).
iqcore_plugin_name = "regions.rin-leipzig"
NETWORK_ID = "rin-leipzig"
#: The plugin that brings the network's Land law.
LAND_PLUGIN = "regions.sn"


def network() -> RegionalNetwork:
    """The network's record."""
    return shipped_network(NETWORK_ID)


def schemes() -> list[TrainingScheme]:
    """The network's training schemes: none is confirmed by a cited source."""
    return []


@hookimpl
def iqcore_register_networks(register: NetworkRegistrar) -> None:
    # The shipped record, registered as this plugin's own (replace=True: same id and Land).
    register(network(), replace=True)


@hookimpl
def iqcore_register_training_schemes(register: TrainingSchemeRegistrar) -> None:
    register(*schemes())
