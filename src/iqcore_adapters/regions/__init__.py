"""Regional plugins: the law of four Länder and the IQ networks in them.

Each module here is a plugin, installed under the entry-point group ``iqcore`` with its name:

======================================  ========================  =========================
Plugin (entry point)                    Module                    Adds
======================================  ========================  =========================
``regions.by``                          ``bavaria``               Land law of Bavaria
``regions.bw``                          ``baden_wuerttemberg``    Land law of Baden-Württemberg
``regions.nw``                          ``north_rhine_westphalia`` Land law of NRW
``regions.sn``                          ``saxony``                Land law of Saxony
``regions.iq-by``                       ``iq_by``                 MigraNet (IQ Bayern)
``regions.iq-bw``                       ``iq_bw``                 IQ Netzwerk Baden-Württemberg
``regions.iq-nw``                       ``iq_nw``                 IQ Landesnetzwerk NRW (to 2022)
``regions.iq-nrw-west``                 ``iq_nrw_west``           IQ NRW – West (since 2023)
``regions.iq-nrw-ost``                  ``iq_nrw_ost``            IQ NRW – Ost (since 2023)
``regions.rin-leipzig``                 ``rin_leipzig``           RIN Leipzig (since 2023)
``regions.rin-chemnitz-dresden``        ``rin_chemnitz_dresden``  RIN Chemnitz-Dresden (since 2023)
======================================  ========================  =========================

A **Land plugin** registers the Land's rules and parameters (jurisdiction: the Land; some replace
a federal rule within the Land, explicitly), its records of the Länder-law occupations (teacher,
engineer, educator, social worker), its competent bodies, and Land-wide schemes. A **network
plugin** registers its network and its training schemes; it names its Land plugin in
``LAND_PLUGIN``. The law of a Land is registered once, however many networks the Land has (NRW and
Saxony have two each since 2023), so blocking one network's plugin never drops the Land's law for
the other.

Every record cites its sources; what no source confirms is left out or named in the record's
``unverified`` field (occupations, schemes) or in a ``LegalReference(verified=False)`` (rules
and parameters).
"""

from __future__ import annotations

__all__ = ["LAND_PLUGINS", "NETWORK_PLUGINS", "PLUGINS"]

#: Land plugins: (plugin name, module).
LAND_PLUGINS: tuple[tuple[str, str], ...] = (
    ("regions.by", "iqcore_adapters.regions.bavaria"),
    ("regions.bw", "iqcore_adapters.regions.baden_wuerttemberg"),
    ("regions.nw", "iqcore_adapters.regions.north_rhine_westphalia"),
    ("regions.sn", "iqcore_adapters.regions.saxony"),
)

#: Network plugins: (plugin name, module).
NETWORK_PLUGINS: tuple[tuple[str, str], ...] = (
    ("regions.iq-by", "iqcore_adapters.regions.iq_by"),
    ("regions.iq-bw", "iqcore_adapters.regions.iq_bw"),
    ("regions.iq-nw", "iqcore_adapters.regions.iq_nw"),
    ("regions.iq-nrw-west", "iqcore_adapters.regions.iq_nrw_west"),
    ("regions.iq-nrw-ost", "iqcore_adapters.regions.iq_nrw_ost"),
    ("regions.rin-leipzig", "iqcore_adapters.regions.rin_leipzig"),
    ("regions.rin-chemnitz-dresden", "iqcore_adapters.regions.rin_chemnitz_dresden"),
)

#: Every regional plugin, Land plugins first.
PLUGINS: tuple[tuple[str, str], ...] = LAND_PLUGINS + NETWORK_PLUGINS
