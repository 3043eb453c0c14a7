"""IQ NRW – West (``iq-nrw-west``, since 2023): the network plugin ``regions.iq-nrw-west``.

North Rhine-Westphalia's law comes from the Land plugin ``regions.nw``; this plugin adds the
network as iqcore ships it and no training scheme (none is confirmed by a cited source; see
:mod:`iqcore_adapters.regions._network`).
"""

from __future__ import annotations

from iqcore_adapters.regions._network import (
    network_record,
    no_schemes,
    registering,
    registering_network,
)

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
iqcore_plugin_name = "regions.iq-nrw-west"
NETWORK_ID = "iq-nrw-west"
#: The plugin that brings the network's Land law.
LAND_PLUGIN = "regions.nw"

network = network_record(NETWORK_ID)
schemes = no_schemes
iqcore_register_networks = registering_network(network)
iqcore_register_training_schemes = registering(schemes)
