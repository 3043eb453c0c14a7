"""IQ Landesnetzwerk NRW (``iq-nw``, 2015-2022): the network plugin ``regions.iq-nw``.

North Rhine-Westphalia's law comes from the Land plugin ``regions.nw``. This plugin adds the
network and its training scheme with a source:

* **IQuaMed** of the mibeg-Institut Medizin: qualifications funded by the IQ programme in the
  2015-2018 round that prepare doctors (and other health professions) for the knowledge exam and
  the specialist language exam [S28]. The hours, runs and places are not given: the module's
  hours are a placeholder, and ``modules`` is listed in ``unverified``.
"""

from __future__ import annotations

from iqcore.model.decisions import CompensationMeasureType
from iqcore.model.programme import PriorityArea
from iqcore.model.training import Module, TrainingScheme
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
iqcore_plugin_name = "regions.iq-nw"
NETWORK_ID = "iq-nw"
#: The plugin that brings the network's Land law.
LAND_PLUGIN = "regions.nw"

_IQUAMED = (
    "[S28] http://www.anerkennung-nrw.de/neustart-in-weiss-das-programm-iquamed-des-mibeg-"
    "instituts-medizin/ | http://www.anerkennung-nrw.de/iquamed-iq-netzwerk-auf-dem-deutschen-"
    "chirurgenkongress-in-berlin-vorgestellt/"
)


network = network_record(NETWORK_ID)


def schemes() -> list[TrainingScheme]:
    """The network's training schemes, each with its source."""
    return [
        TrainingScheme(
            id="iq-nw.iquamed",
            title="IQuaMed – preparation for the knowledge exam for doctors",
            provider="mibeg-Institut Medizin",
            priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
            source=_IQUAMED,
            network_id=NETWORK_ID,
            target_occupations={"doctor"},
            measure_type=CompensationMeasureType.KNOWLEDGE_EXAM,
            modules=[
                Module(
                    id="knowledge-exam-preparation",
                    title="Preparation for the knowledge exam (hours not given)",
                    hours=1,
                    covers={"internal_medicine", "surgery"},
                )
            ],
            unverified=("modules",),
        )
    ]


iqcore_register_networks = registering_network(network)
iqcore_register_training_schemes = registering(schemes)
