"""The shipped reference data as a built-in plugin (``iqcore.reference``).

It registers the regional networks, reference occupations and competent authorities shipped in
:mod:`iqcore.reference_data` through the same hooks third parties use, and answers
``iqcore_find_authority`` last (``trylast``) from the registered authorities, so a Land's plugin
can answer first for its own place.
"""

from __future__ import annotations

from iqcore import reference_data
from iqcore.model.codes import FederalState
from iqcore.model.programme import CompetentAuthority
from iqcore.model.qualifications import ReferenceOccupation
from iqcore.plugins.hookspecs import hookimpl
from iqcore.plugins.registrars import AuthorityRegistrar, NetworkRegistrar, OccupationRegistrar

__all__ = [
    "iqcore_find_authority",
    "iqcore_register_authorities",
    "iqcore_register_networks",
    "iqcore_register_occupations",
]


@hookimpl
def iqcore_register_networks(register: NetworkRegistrar) -> None:
    register(*reference_data.networks())


@hookimpl
def iqcore_register_occupations(register: OccupationRegistrar) -> None:
    register(*reference_data.occupations())


@hookimpl
def iqcore_register_authorities(register: AuthorityRegistrar) -> None:
    register(*reference_data.authorities())


@hookimpl(trylast=True)
def iqcore_find_authority(
    occupation: ReferenceOccupation,
    state: FederalState | None,
    network_id: str | None,
    authorities: tuple[CompetentAuthority, ...],
) -> tuple[CompetentAuthority, ...] | None:
    """The authorities serving the occupation in the Land (first), then nationwide ones."""
    kldb = occupation.kldb.code if occupation.kldb is not None else None
    found = [a for a in authorities if a.serves(occupation.id, state, kldb)]
    found.sort(key=lambda a: (a.nationwide, a.id))
    return tuple(found)
