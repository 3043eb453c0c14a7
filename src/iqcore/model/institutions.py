"""Institutions of the labour market that IQ works with (priority areas 3 and 4)."""

from __future__ import annotations

import enum
import warnings

import attrs

from iqcore.model._validators import (
    check_id,
    frozenset_of,
    instance,
    int_range,
    nonempty_str,
    optional_check_id,
    optional_instance,
    to_frozenset,
    to_tuple,
    tuple_of,
)
from iqcore.model.codes import FederalState
from iqcore.model.programme import FundingPhase, PriorityArea

__all__ = [
    "RECOMMENDED_WORKSHOP_SIZE",
    "IntegrationStep",
    "Organisation",
    "OrganisationKind",
    "Partner",
    "StakeholderNetwork",
    "StakeholderNetworkSizeWarning",
    "Subproject",
]

#: "It is recommended to limit the size of the group to a maximum of 20 to 25 people"
#: (IQ good practice "Regional Workshop", IQ Saxony).
RECOMMENDED_WORKSHOP_SIZE = (20, 25)


class OrganisationKind(enum.StrEnum):
    EMPLOYMENT_AGENCY = "EMPLOYMENT_AGENCY"
    JOB_CENTRE = "JOB_CENTRE"
    JOINT_EMPLOYER_SERVICE = "JOINT_EMPLOYER_SERVICE"
    FEDERAL_MIGRATION_OFFICE = "FEDERAL_MIGRATION_OFFICE"
    IMMIGRATION_COUNSELLING = "IMMIGRATION_COUNSELLING"
    IMMIGRATION_AUTHORITY = "IMMIGRATION_AUTHORITY"
    SOCIAL_WELFARE_OFFICE = "SOCIAL_WELFARE_OFFICE"
    ADULT_EDUCATION_CENTRE = "ADULT_EDUCATION_CENTRE"
    CHAMBER = "CHAMBER"
    SME = "SME"
    PUBLIC_ADMINISTRATION = "PUBLIC_ADMINISTRATION"
    MIGRANT_ORGANISATION = "MIGRANT_ORGANISATION"
    COUNSELLING_CENTRE = "COUNSELLING_CENTRE"


class IntegrationStep(enum.StrEnum):
    """Steps of labour-market integration a partner can be responsible for."""

    FIRST_CONTACT = "FIRST_CONTACT"
    RESIDENCE_AND_WORK_PERMIT = "RESIDENCE_AND_WORK_PERMIT"
    INTEGRATION_COURSE = "INTEGRATION_COURSE"
    LANGUAGE_COURSE = "LANGUAGE_COURSE"
    RECOGNITION_COUNSELLING = "RECOGNITION_COUNSELLING"
    RECOGNITION_PROCEDURE = "RECOGNITION_PROCEDURE"
    QUALIFICATION = "QUALIFICATION"
    PLACEMENT = "PLACEMENT"
    EMPLOYER_SERVICE = "EMPLOYER_SERVICE"
    BENEFITS = "BENEFITS"
    SOCIAL_COUNSELLING = "SOCIAL_COUNSELLING"


class StakeholderNetworkSizeWarning(UserWarning):
    """A regional workshop is larger than the recommended 20-25 people."""


@attrs.frozen(kw_only=True)
class Organisation:
    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=nonempty_str)
    kind: OrganisationKind = attrs.field(validator=instance(OrganisationKind))
    state: FederalState | None = attrs.field(
        default=None, validator=optional_instance(FederalState)
    )
    network_id: str | None = attrs.field(default=None, validator=optional_check_id)


@attrs.frozen(kw_only=True)
class Subproject:
    """A subproject of a regional network, in one priority area and one phase."""

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=nonempty_str)
    network_id: str = attrs.field(validator=check_id)
    priority_area: PriorityArea = attrs.field(validator=instance(PriorityArea))
    phase: FundingPhase = attrs.field(validator=instance(FundingPhase))
    implementing_organisation: Organisation = attrs.field(validator=instance(Organisation))

    def __attrs_post_init__(self) -> None:
        if not self.priority_area.valid_in(self.phase):
            raise ValueError("priority_area does not exist in this funding phase")


@attrs.frozen(kw_only=True)
class Partner:
    """A partner of a regional workshop: which steps it is responsible for, and its contact point.

    ``contact_point`` is a function or a team (e.g. "Migration officer"), never a person's name.
    """

    organisation: Organisation = attrs.field(validator=instance(Organisation))
    responsibilities: frozenset[IntegrationStep] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(IntegrationStep)
    )
    contact_point: str = attrs.field(validator=nonempty_str)
    participants: int = attrs.field(default=1, validator=int_range(1, 100))


@attrs.frozen(kw_only=True)
class StakeholderNetwork:
    """A regional workshop of local partners (IQ good practice, IQ Saxony).

    A workshop larger than the recommended 20-25 people is allowed but warned about with
    :class:`StakeholderNetworkSizeWarning`.
    """

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=nonempty_str)
    network_id: str = attrs.field(validator=check_id)
    partners: tuple[Partner, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Partner)
    )
    organisers: frozenset[str] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(str)
    )

    def __attrs_post_init__(self) -> None:
        ids = [p.organisation.id for p in self.partners]
        if len(ids) != len(set(ids)):
            raise ValueError("partners lists the same organisation twice")
        if not self.organisers <= set(ids):
            raise ValueError("organisers must be partner organisations")
        if self.size > RECOMMENDED_WORKSHOP_SIZE[1]:
            warnings.warn(
                f"regional workshop has {self.size} people; the recommended maximum is "
                f"{RECOMMENDED_WORKSHOP_SIZE[0]}-{RECOMMENDED_WORKSHOP_SIZE[1]}",
                StakeholderNetworkSizeWarning,
                stacklevel=3,
            )

    @property
    def size(self) -> int:
        return sum(p.participants for p in self.partners)

    @property
    def oversized(self) -> bool:
        return self.size > RECOMMENDED_WORKSHOP_SIZE[1]

    def responsible_for(self, step: IntegrationStep) -> tuple[Partner, ...]:
        return tuple(p for p in self.partners if step in p.responsibilities)
