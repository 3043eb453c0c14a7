"""Recognition applications and counselling cases."""

from __future__ import annotations

import enum
from datetime import date

import attrs

from iqcore.model._validators import (
    check_id,
    instance,
    int_range,
    nonempty_str,
    optional_check_id,
    optional_instance,
    to_tuple,
    tuple_of,
)
from iqcore.model.decisions import Decision
from iqcore.model.qualifications import (
    ForeignQualification,
    RecognitionRoute,
    SectoralProfession,
)

__all__ = [
    "ApplicationStatus",
    "CaseStatus",
    "ClosureReason",
    "Contact",
    "ContactChannel",
    "CounsellingCase",
    "Extension",
    "RecognitionApplication",
    "Referral",
    "ReferralSource",
    "ReferralTarget",
    "Suspension",
    "SuspensionReason",
]


class ApplicationStatus(enum.StrEnum):
    RECEIVED = "RECEIVED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    INCOMPLETE = "INCOMPLETE"
    COMPLETE = "COMPLETE"
    QA_IN_PROGRESS = "QA_IN_PROGRESS"
    UNDER_EXAMINATION = "UNDER_EXAMINATION"
    DECIDED = "DECIDED"
    OBJECTION = "OBJECTION"
    COURT = "COURT"
    CLOSED = "CLOSED"


class CaseStatus(enum.StrEnum):
    """States of a counselling case (domain notes §8.4)."""

    INTAKE = "INTAKE"
    ORIENTATION = "ORIENTATION"
    DOCUMENTS = "DOCUMENTS"
    APPLICATION_FILED = "APPLICATION_FILED"
    AWAITING_DECISION = "AWAITING_DECISION"
    DECISION_RECEIVED = "DECISION_RECEIVED"
    JOB_PLACEMENT = "JOB_PLACEMENT"
    QUALIFICATION_COUNSELLING = "QUALIFICATION_COUNSELLING"
    IN_MEASURE = "IN_MEASURE"
    FOLLOW_UP = "FOLLOW_UP"
    CLOSED = "CLOSED"


class ClosureReason(enum.StrEnum):
    RECOGNISED_FULL = "RECOGNISED_FULL"
    PARTIAL_RETAINED = "PARTIAL_RETAINED"
    AUTHORISED_AFTER_MEASURE = "AUTHORISED_AFTER_MEASURE"
    REFERRED_ELSEWHERE = "REFERRED_ELSEWHERE"
    NO_RECOGNITION_POSSIBLE = "NO_RECOGNITION_POSSIBLE"
    DROPPED_OUT = "DROPPED_OUT"


class ContactChannel(enum.StrEnum):
    IN_PERSON = "IN_PERSON"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    VIDEO = "VIDEO"
    GROUP = "GROUP"


class ReferralSource(enum.StrEnum):
    SELF = "SELF"
    JOBCENTER = "JOBCENTER"
    EMPLOYMENT_AGENCY = "EMPLOYMENT_AGENCY"
    SOCIAL_ENVIRONMENT = "SOCIAL_ENVIRONMENT"
    INTERNET = "INTERNET"
    EMPLOYER = "EMPLOYER"
    CHAMBER = "CHAMBER"
    OTHER = "OTHER"


class ReferralTarget(enum.StrEnum):
    """Where a case can be referred from any state (domain notes §8.4)."""

    FAIR_INTEGRATION = "FAIR_INTEGRATION"
    LANGUAGE_COURSE = "LANGUAGE_COURSE"
    JOBCENTER = "JOBCENTER"
    EMPLOYMENT_AGENCY = "EMPLOYMENT_AGENCY"
    COMPETENT_AUTHORITY = "COMPETENT_AUTHORITY"
    OTHER = "OTHER"


class SuspensionReason(enum.StrEnum):
    DOCUMENTS_REQUESTED = "DOCUMENTS_REQUESTED"
    QUALIFICATION_ANALYSIS = "QUALIFICATION_ANALYSIS"


@attrs.frozen(kw_only=True)
class Suspension:
    """A period in which the decision clock stands still (§6(4) BQFG). ``end`` is exclusive."""

    start: date = attrs.field(validator=instance(date))
    reason: SuspensionReason = attrs.field(validator=instance(SuspensionReason))
    end: date | None = attrs.field(default=None, validator=optional_instance(date))

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("a suspension cannot end before it starts")


@attrs.frozen(kw_only=True)
class Extension:
    """The one extension of the decision deadline (§6(3), §13(3) BQFG), with its reason."""

    granted_on: date = attrs.field(validator=instance(date))
    months: int = attrs.field(validator=int_range(1, 12))
    reason: str = attrs.field(validator=nonempty_str)


@attrs.frozen(kw_only=True)
class RecognitionApplication:
    """An application for recognition filed with a competent authority."""

    id: str = attrs.field(validator=check_id)
    migrant_id: str = attrs.field(validator=check_id)
    qualification: ForeignQualification = attrs.field(validator=instance(ForeignQualification))
    occupation_id: str = attrs.field(validator=check_id)
    regulated: bool = attrs.field(validator=instance(bool))
    received_on: date = attrs.field(validator=instance(date))
    status: ApplicationStatus = attrs.field(
        default=ApplicationStatus.RECEIVED, validator=instance(ApplicationStatus)
    )
    sectoral: SectoralProfession | None = attrs.field(
        default=None, validator=optional_instance(SectoralProfession)
    )
    authority_id: str | None = attrs.field(default=None, validator=optional_check_id)
    route: RecognitionRoute | None = attrs.field(
        default=None, validator=optional_instance(RecognitionRoute)
    )
    accelerated: bool = attrs.field(default=False, validator=instance(bool))
    acknowledged_on: date | None = attrs.field(default=None, validator=optional_instance(date))
    complete_on: date | None = attrs.field(default=None, validator=optional_instance(date))
    suspensions: tuple[Suspension, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Suspension)
    )
    extension: Extension | None = attrs.field(default=None, validator=optional_instance(Extension))
    decision: Decision | None = attrs.field(default=None, validator=optional_instance(Decision))

    def __attrs_post_init__(self) -> None:
        for name in ("acknowledged_on", "complete_on"):
            day = getattr(self, name)
            if day is not None and day < self.received_on:
                raise ValueError(f"{name} cannot be before received_on")
        if self.route is RecognitionRoute.AUTOMATIC_SECTORAL:
            if self.sectoral is None:
                raise ValueError("automatic sectoral recognition needs a sectoral profession")
            group = self.qualification.country_of_training.group(self.received_on)
            if not group.is_eu_eea_ch:
                raise ValueError(
                    "automatic sectoral recognition needs a qualification from the EU, EEA or CH"
                )
        if self.sectoral is not None and not self.regulated:
            raise ValueError("a sectoral profession is always regulated")
        if self.decision is not None:
            if self.decision.occupation_id != self.occupation_id:
                raise ValueError("decision is for another occupation")
            if self.decision.regulated != self.regulated:
                raise ValueError("decision and application disagree on regulation")
            if self.decision.decided_on < self.received_on:
                raise ValueError("decision cannot be before received_on")
        if self.status is ApplicationStatus.DECIDED and self.decision is None:
            raise ValueError("status DECIDED needs a decision")
        starts = [s.start for s in self.suspensions]
        if starts != sorted(starts):
            raise ValueError("suspensions must be in order")
        for a, b in zip(self.suspensions, self.suspensions[1:], strict=False):
            if a.end is None or a.end > b.start:
                raise ValueError("suspensions must not overlap")
        if self.extension is not None and self.complete_on is None:
            raise ValueError("an extension needs complete documents (a running deadline)")


@attrs.frozen(kw_only=True)
class Contact:
    on: date = attrs.field(validator=instance(date))
    channel: ContactChannel = attrs.field(validator=instance(ContactChannel))
    minutes: int = attrs.field(default=30, validator=int_range(1, 600))


@attrs.frozen(kw_only=True)
class Referral:
    to: ReferralTarget = attrs.field(validator=instance(ReferralTarget))
    on: date = attrs.field(validator=instance(date))


@attrs.frozen(kw_only=True)
class CounsellingCase:
    """A counselling case of an IQ network for one migrant.

    The allowed transitions between statuses live in :mod:`iqcore.procedure`; this class only
    keeps its own record consistent (a closed case has a closure reason and a closing date).
    """

    id: str = attrs.field(validator=check_id)
    migrant_id: str = attrs.field(validator=check_id)
    network_id: str = attrs.field(validator=check_id)
    opened_on: date = attrs.field(validator=instance(date))
    status: CaseStatus = attrs.field(default=CaseStatus.INTAKE, validator=instance(CaseStatus))
    occupation_id: str | None = attrs.field(default=None, validator=optional_check_id)
    referral_source: ReferralSource | None = attrs.field(
        default=None, validator=optional_instance(ReferralSource)
    )
    contacts: tuple[Contact, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Contact)
    )
    referrals: tuple[Referral, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Referral)
    )
    application_ids: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    scheme_ids: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    closure_reason: ClosureReason | None = attrs.field(
        default=None, validator=optional_instance(ClosureReason)
    )
    closed_on: date | None = attrs.field(default=None, validator=optional_instance(date))

    def __attrs_post_init__(self) -> None:
        closed = self.status is CaseStatus.CLOSED
        if closed != (self.closure_reason is not None) or closed != (self.closed_on is not None):
            raise ValueError(
                "a closed case, and only a closed case, has closure_reason and closed_on"
            )
        if self.closed_on is not None and self.closed_on < self.opened_on:
            raise ValueError("closed_on cannot be before opened_on")
        if any(c.on < self.opened_on for c in self.contacts):
            raise ValueError("a contact cannot be before opened_on")
