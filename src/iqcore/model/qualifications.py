"""Foreign qualifications and German reference occupations."""

from __future__ import annotations

import enum
from datetime import date

import attrs

from iqcore.model._validators import (
    check_id,
    frozenset_of,
    instance,
    int_range,
    nonempty_str,
    optional_instance,
    optional_nonempty_str,
    to_frozenset,
    to_tuple,
    tuple_of,
    unique_ids,
)
from iqcore.model.codes import (
    CefrLevel,
    Country,
    DirectiveLevel,
    EqfLevel,
    FederalState,
    IscedField,
    IscedLevel,
    IscoCode,
    KldbCode,
)
from iqcore.model.people import LanguageScope

__all__ = [
    "AnabinInstitutionStatus",
    "CompetenceArea",
    "CompetenceKind",
    "Document",
    "DocumentKind",
    "ForeignQualification",
    "Institution",
    "LanguageRequirement",
    "LawLevel",
    "LegalBasis",
    "QualificationKind",
    "RecognitionRoute",
    "ReferenceOccupation",
    "RegulationStatus",
    "SectoralProfession",
    "WorkExperience",
]


class QualificationKind(enum.StrEnum):
    VOCATIONAL_DUAL = "VOCATIONAL_DUAL"
    VOCATIONAL_SCHOOL = "VOCATIONAL_SCHOOL"
    ADVANCED_VOCATIONAL = "ADVANCED_VOCATIONAL"
    HIGHER_EDUCATION = "HIGHER_EDUCATION"
    SCHOOL = "SCHOOL"


class AnabinInstitutionStatus(enum.StrEnum):
    """Status of a foreign institution in anabin (KMK/ZAB): H+, H+/-, H- or not listed."""

    H_PLUS = "H_PLUS"
    H_PLUS_MINUS = "H_PLUS_MINUS"
    H_MINUS = "H_MINUS"
    NOT_LISTED = "NOT_LISTED"


class CompetenceKind(enum.StrEnum):
    """Whether a competence area (or a difference in it) is theoretical, practical or both."""

    THEORETICAL = "THEORETICAL"
    PRACTICAL = "PRACTICAL"
    BOTH = "BOTH"


class DocumentKind(enum.StrEnum):
    """Documents of an application (BQFG §5, §12)."""

    CV = "CV"
    IDENTITY = "IDENTITY"
    TRAINING_CERTIFICATE = "TRAINING_CERTIFICATE"
    TRANSCRIPT = "TRANSCRIPT"
    EXPERIENCE_EVIDENCE = "EXPERIENCE_EVIDENCE"
    OTHER_QUALIFICATION = "OTHER_QUALIFICATION"
    TRANSLATION = "TRANSLATION"
    ENTITLEMENT_TO_PRACTISE = "ENTITLEMENT_TO_PRACTISE"
    NO_PRIOR_APPLICATION_DECLARATION = "NO_PRIOR_APPLICATION_DECLARATION"
    INTENT_TO_WORK = "INTENT_TO_WORK"


class RegulationStatus(enum.StrEnum):
    REGULATED = "REGULATED"
    NON_REGULATED = "NON_REGULATED"


class LawLevel(enum.StrEnum):
    """Whether an occupation is governed by federal law or by the law of a Land."""

    FEDERAL = "FEDERAL"
    STATE = "STATE"


class LegalBasis(enum.StrEnum):
    """The legal basis of the recognition procedure for an occupation."""

    BQFG_BUND = "BQFG_BUND"
    BQFG_LAND = "BQFG_LAND"
    FACHRECHT_BUND = "FACHRECHT_BUND"
    FACHRECHT_LAND = "FACHRECHT_LAND"
    HWO = "HWO"
    EU_2005_36 = "EU_2005_36"
    LISBON_CONVENTION = "LISBON_CONVENTION"
    BVFG_10 = "BVFG_10"

    @property
    def law_level(self) -> LawLevel | None:
        if self in (LegalBasis.BQFG_LAND, LegalBasis.FACHRECHT_LAND):
            return LawLevel.STATE
        if self in (LegalBasis.BQFG_BUND, LegalBasis.FACHRECHT_BUND, LegalBasis.HWO):
            return LawLevel.FEDERAL
        return None


class SectoralProfession(enum.StrEnum):
    """The seven sectoral professions of Directive 2005/36/EC (automatic recognition)."""

    DOCTOR = "DOCTOR"
    NURSE_GENERAL_CARE = "NURSE_GENERAL_CARE"
    DENTIST = "DENTIST"
    VETERINARIAN = "VETERINARIAN"
    MIDWIFE = "MIDWIFE"
    PHARMACIST = "PHARMACIST"
    ARCHITECT = "ARCHITECT"


class RecognitionRoute(enum.StrEnum):
    GENERAL_SYSTEM = "GENERAL_SYSTEM"
    AUTOMATIC_SECTORAL = "AUTOMATIC_SECTORAL"
    AUTOMATIC_EXPERIENCE = "AUTOMATIC_EXPERIENCE"
    NATIONAL = "NATIONAL"
    ACADEMIC_COMPARABILITY = "ACADEMIC_COMPARABILITY"


@attrs.frozen(kw_only=True)
class Institution:
    """The institution that awarded a qualification, with its anabin status."""

    name: str = attrs.field(validator=nonempty_str)
    anabin_status: AnabinInstitutionStatus = attrs.field(
        default=AnabinInstitutionStatus.NOT_LISTED,
        validator=instance(AnabinInstitutionStatus),
    )


@attrs.frozen(kw_only=True)
class Document:
    """A document of the application and whether it is available (in translation where needed)."""

    kind: DocumentKind = attrs.field(validator=instance(DocumentKind))
    available: bool = attrs.field(default=True, validator=instance(bool))
    translated: bool = attrs.field(default=False, validator=instance(bool))


@attrs.frozen(kw_only=True)
class WorkExperience:
    """A period of professional experience, where, in which occupation, and whether evidenced.

    ``competence_areas`` names the competence areas (ids of the reference occupation) the
    experience was gained in; only evidenced experience can compensate a difference.
    """

    occupation: str = attrs.field(validator=nonempty_str)
    months: int = attrs.field(validator=int_range(1, 600))
    country: Country = attrs.field(validator=instance(Country))
    evidenced: bool = attrs.field(default=False, validator=instance(bool))
    competence_areas: frozenset[str] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(str)
    )


@attrs.frozen(kw_only=True)
class ForeignQualification:
    """A professional qualification acquired abroad."""

    title_original: str = attrs.field(validator=nonempty_str)
    country_of_training: Country = attrs.field(validator=instance(Country))
    kind: QualificationKind = attrs.field(validator=instance(QualificationKind))
    duration_months: int = attrs.field(validator=int_range(1, 240))
    title_en: str | None = attrs.field(default=None, validator=optional_nonempty_str)
    institution: Institution | None = attrs.field(
        default=None, validator=optional_instance(Institution)
    )
    eqf_level: EqfLevel | None = attrs.field(default=None, validator=optional_instance(EqfLevel))
    isced_level: IscedLevel | None = attrs.field(
        default=None, validator=optional_instance(IscedLevel)
    )
    isced_field: IscedField | None = attrs.field(
        default=None, validator=optional_instance(IscedField)
    )
    directive_level: DirectiveLevel | None = attrs.field(
        default=None, validator=optional_instance(DirectiveLevel)
    )
    ects: int | None = attrs.field(default=None, validator=int_range(0, 600, optional=True))
    completed_on: date | None = attrs.field(default=None, validator=optional_instance(date))
    documents: tuple[Document, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Document)
    )
    documents_complete: bool = attrs.field(default=True, validator=instance(bool))
    documents_missing_through_no_fault: bool = attrs.field(default=False, validator=instance(bool))
    competence_areas: frozenset[str] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(str)
    )
    regulated_in_country_of_training: bool | None = attrs.field(
        default=None, validator=optional_instance(bool)
    )
    entitled_to_practise: bool | None = attrs.field(default=None, validator=optional_instance(bool))
    experience: tuple[WorkExperience, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(WorkExperience)
    )

    def __attrs_post_init__(self) -> None:
        if self.documents_complete and any(not d.available for d in self.documents):
            raise ValueError("documents_complete is true but a document is not available")
        if self.documents_missing_through_no_fault and self.documents_complete:
            raise ValueError("documents_missing_through_no_fault needs documents_complete false")
        if self.entitled_to_practise is not None and self.regulated_in_country_of_training is False:
            raise ValueError(
                "entitled_to_practise applies only where the profession is regulated "
                "in the country of training"
            )

    def evidenced_months(self, area: str | None = None) -> int:
        """Months of evidenced experience, in total or in one competence area."""
        return sum(
            e.months
            for e in self.experience
            if e.evidenced and (area is None or area in e.competence_areas)
        )

    @property
    def missing_documents(self) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if not d.available)


@attrs.frozen(kw_only=True)
class CompetenceArea:
    """A competence area (Handlungsfeld, Fach) of a reference occupation."""

    id: str = attrs.field(validator=check_id)
    title_de: str = attrs.field(validator=nonempty_str)
    title_en: str = attrs.field(validator=nonempty_str)
    essential: bool = attrs.field(default=True, validator=instance(bool))
    kind: CompetenceKind = attrs.field(
        default=CompetenceKind.BOTH, validator=instance(CompetenceKind)
    )


@attrs.frozen(kw_only=True)
class LanguageRequirement:
    """A language level needed for licensure (not for recognition itself)."""

    scope: LanguageScope = attrs.field(validator=instance(LanguageScope))
    level: CefrLevel = attrs.field(validator=instance(CefrLevel))
    language: str = attrs.field(default="de", validator=nonempty_str)
    legal_reference: str | None = attrs.field(default=None, validator=optional_nonempty_str)


@attrs.frozen(kw_only=True)
class ReferenceOccupation:
    """A German reference occupation (Referenzberuf).

    ``source`` cites where the record's facts come from; ``unverified`` names the fields whose
    values no cited source confirms (they are general knowledge and must be checked).
    """

    id: str = attrs.field(validator=check_id)
    title_de: str = attrs.field(validator=nonempty_str)
    title_en: str = attrs.field(validator=nonempty_str)
    regulation: RegulationStatus = attrs.field(validator=instance(RegulationStatus))
    law: LawLevel = attrs.field(validator=instance(LawLevel))
    legal_basis: LegalBasis = attrs.field(validator=instance(LegalBasis))
    legal_reference: str = attrs.field(validator=nonempty_str)
    qualification_kind: QualificationKind = attrs.field(validator=instance(QualificationKind))
    nominal_duration_months: int = attrs.field(validator=int_range(1, 240))
    source: str = attrs.field(validator=nonempty_str)
    kldb: KldbCode | None = attrs.field(default=None, validator=optional_instance(KldbCode))
    isco: IscoCode | None = attrs.field(default=None, validator=optional_instance(IscoCode))
    sectoral: SectoralProfession | None = attrs.field(
        default=None, validator=optional_instance(SectoralProfession)
    )
    state: FederalState | None = attrs.field(
        default=None, validator=optional_instance(FederalState)
    )
    eqf_level: EqfLevel | None = attrs.field(default=None, validator=optional_instance(EqfLevel))
    required_directive_level: DirectiveLevel | None = attrs.field(
        default=None, validator=optional_instance(DirectiveLevel)
    )
    competence_areas: tuple[CompetenceArea, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(CompetenceArea)
    )
    language_requirements: tuple[LanguageRequirement, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(LanguageRequirement)
    )
    unverified: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )

    def __attrs_post_init__(self) -> None:
        if self.sectoral is not None and self.regulation is not RegulationStatus.REGULATED:
            raise ValueError("a sectoral profession is always regulated")
        level = self.legal_basis.law_level
        if level is not None and level is not self.law:
            raise ValueError("legal_basis does not match law (federal or Land)")
        if self.state is not None and self.law is not LawLevel.STATE:
            raise ValueError("state is only set for occupations under the law of a Land")
        unique_ids(self.competence_areas, "competence_areas")
        names = set(attrs.fields_dict(ReferenceOccupation))
        if any(u not in names for u in self.unverified):
            raise ValueError("unverified names a field the occupation does not have")

    @property
    def regulated(self) -> bool:
        return self.regulation is RegulationStatus.REGULATED

    @property
    def essential_areas(self) -> tuple[CompetenceArea, ...]:
        return tuple(a for a in self.competence_areas if a.essential)

    def area(self, area_id: str) -> CompetenceArea:
        for a in self.competence_areas:
            if a.id == area_id:
                return a
        raise KeyError(area_id)
