"""What every network plugin shares: its network record, looked up in the shipped registry."""

from __future__ import annotations

from iqcore.model.programme import RegionalNetwork

__all__ = ["shipped_network"]


def shipped_network(network_id: str) -> RegionalNetwork:
    """The network as iqcore ships it (name, Land, phases, source): the plugin registers this
    record rather than a copy of its own, so the two can never disagree."""
    from iqcore import reference_data

    return reference_data.network(network_id)
