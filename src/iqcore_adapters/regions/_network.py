"""What every network plugin shares: its network record and its hooks.

A network plugin adds the network as iqcore ships it (name, Land, phases and source; what the
sources do not confirm is in :func:`iqcore.reference_data.caveat`) and the network's training
schemes that a cited source confirms (none, for most networks: a network team adds its own with
``schemes``). Its Land's law (occupations, rules, parameters, competent bodies) comes from the
Land plugin it names in ``LAND_PLUGIN``. A module states its ids and its schemes and takes the
rest from here::

    network = network_record(NETWORK_ID)
    schemes = no_schemes
    iqcore_register_networks = registering_network(network)
    iqcore_register_training_schemes = registering(schemes)
"""

from __future__ import annotations

from collections.abc import Callable

from iqcore.model.programme import RegionalNetwork
from iqcore.model.training import TrainingScheme
from iqcore.plugins.hookspecs import hookimpl
from iqcore.plugins.registrars import NetworkRegistrar
from iqcore_adapters.regions._common import registering

__all__ = ["network_record", "no_schemes", "registering", "registering_network", "shipped_network"]


def shipped_network(network_id: str) -> RegionalNetwork:
    """The network as iqcore ships it (name, Land, phases, source): the plugin registers this
    record rather than a copy of its own, so the two can never disagree."""
    from iqcore import reference_data

    return reference_data.network(network_id)


def network_record(network_id: str) -> Callable[[], RegionalNetwork]:
    """A plugin's ``network()``: the shipped record of *network_id*."""

    def network() -> RegionalNetwork:
        """The network's record."""
        return shipped_network(network_id)

    return network


def no_schemes() -> list[TrainingScheme]:
    """The network's training schemes: none is confirmed by a cited source."""
    return []


def registering_network(
    network: Callable[[], RegionalNetwork],
) -> Callable[[NetworkRegistrar], None]:
    """The hook ``iqcore_register_networks`` registering *network*'s record."""

    @hookimpl
    def register_network(register: NetworkRegistrar) -> None:
        # The shipped record, registered as this plugin's own (replace=True: same id and Land).
        register(network(), replace=True)

    return register_network
