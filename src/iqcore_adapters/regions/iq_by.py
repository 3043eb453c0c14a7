"""MigraNet – IQ Landesnetzwerk Bayern (``iq-by``, 2015-2022): the network plugin ``regions.iq-by``.

Bavaria's law comes from the Land plugin ``regions.by``. This plugin adds the network and its
training scheme with a source:

* **ABI** at Hochschule Augsburg, a bridge programme for engineers with foreign degrees: courses
  on weekends from April to October; German B2 required (applications from a good B1); a
  university certificate; free of charge as an IQ subproject [S28]. The hours, the exact weeks,
  the runs and the places are not published in the source: the single module's hours are a
  placeholder, and ``modules`` is listed in the record's ``unverified`` field. The source reports
  that the programme started for the last time (date not given).
"""

from __future__ import annotations

from iqcore.model.codes import CefrLevel
from iqcore.model.people import LanguageScope
from iqcore.model.programme import PriorityArea
from iqcore.model.training import LanguagePrerequisite, Module, TrainingScheme
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
iqcore_plugin_name = "regions.iq-by"
NETWORK_ID = "iq-by"
#: The plugin that brings the network's Land law.
LAND_PLUGIN = "regions.by"

_ABI = (
    "[S28] https://www.b4bschwaben.de/b4b-nachrichten/augsburg_artikel,"
    "-hochschulprojekt-abi-startet-in-augsburg-zum-letzten-mal-_arid,266278.html"
)


network = network_record(NETWORK_ID)


def schemes() -> list[TrainingScheme]:
    """The network's training schemes, each with its source."""
    return [
        TrainingScheme(
            id="iq-by.abi-augsburg",
            title="ABI – bridge programme for engineers with foreign degrees",
            provider="Hochschule Augsburg",
            priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
            source=_ABI,
            network_id=NETWORK_ID,
            target_occupations={"engineer"},
            modules=[
                Module(
                    id="weekend-courses",
                    title="Weekend courses, April to October (hours not published)",
                    hours=1,
                )
            ],
            language_prerequisite=LanguagePrerequisite(
                level=CefrLevel.B2, scope=LanguageScope.GENERAL
            ),
            unverified=("modules",),
        )
    ]


iqcore_register_networks = registering_network(network)
iqcore_register_training_schemes = registering(schemes)
