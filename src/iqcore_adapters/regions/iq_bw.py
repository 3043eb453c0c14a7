"""IQ Netzwerk Baden-Württemberg (``iq-bw``, 2015-2022): the network plugin ``regions.iq-bw``.

Baden-Württemberg's law comes from the Land plugin ``regions.bw``. This plugin adds the network
and its staff training with a source (iq-texts/000, IQ good practice):

* **Intercultural ambassadors** (project k.l.e.v.e.r-iq, implemented by the Bruderhaus Diakonie
  foundation, with the Federal Employment Agency's Regional Directorate Baden-Württemberg as
  strategic partner): a one-year advanced training in five modules of two days each for key staff
  of employment agencies and job centres (migration officers above all), who then start
  intercultural opening in their institution; run three times, 40 ambassadors trained; a yearly
  two-day follow-up meeting. Audience: staff (priority area 3, intercultural competence). The
  hours per module are not given (two days each): they are placeholders, and ``modules`` is
  listed in ``unverified``. Run dates and places are not given and are left out.
"""

from __future__ import annotations

from iqcore.model.programme import PriorityArea
from iqcore.model.training import Audience, Module, TrainingScheme
from iqcore_adapters.regions._network import network_record, registering, registering_network

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
iqcore_plugin_name = "regions.iq-bw"
NETWORK_ID = "iq-bw"
#: The plugin that brings the network's Land law.
LAND_PLUGIN = "regions.bw"

_SOURCE = (
    "iq-texts/000 (IQ Good Practice 'Incorporating migration-sensitive standards': "
    "intercultural ambassadors, k.l.e.v.e.r-iq)"
)


network = network_record(NETWORK_ID)


def schemes() -> list[TrainingScheme]:
    """The network's training schemes, each with its source."""
    return [
        TrainingScheme(
            id="iq-bw.intercultural-ambassadors",
            title="Intercultural ambassadors for employment agencies and job centres "
            "(k.l.e.v.e.r-iq)",
            provider="Bruderhaus Diakonie foundation",
            priority_area=PriorityArea.INTERCULTURAL_COMPETENCE,
            source=_SOURCE,
            network_id=NETWORK_ID,
            audience=Audience.STAFF,
            modules=[
                Module(
                    id=f"module-{n}",
                    title=f"Module {n} of 5 (two days; hours not given)",
                    hours=1,
                )
                for n in range(1, 6)
            ],
            unverified=("modules",),
        )
    ]


iqcore_register_networks = registering_network(network)
iqcore_register_training_schemes = registering(schemes)
