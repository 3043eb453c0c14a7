"""IQ NRW – Ost (``iq-nrw-ost``, 2023-2025 and 2026-2028): network plugin ``regions.iq-nrw-ost``.

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
iqcore_plugin_name = "regions.iq-nrw-ost"
NETWORK_ID = "iq-nrw-ost"
#: The plugin that brings the network's Land law.
LAND_PLUGIN = "regions.nw"

network = network_record(NETWORK_ID)
schemes = no_schemes
iqcore_register_networks = registering_network(network)
iqcore_register_training_schemes = registering(schemes)
