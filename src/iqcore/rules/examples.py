# mypy's attrs plugin types the model's converted collection fields (converter=tuple,
# converter=frozenset) as Iterable[_T_co]; the values passed here are right at run time.
# mypy: disable-error-code="arg-type"
"""Illustrative reference occupations for examples, tests and benchmarks of the engine.

These are **examples**, not reference data: the competence areas are a simplified illustration
of each occupation, and every field that no cited source confirms is listed in the record's
``unverified`` field. Use :mod:`iqcore.reference_data` for real records.
"""

from __future__ import annotations

from iqcore.model.codes import CefrLevel, KldbCode
from iqcore.model.people import LanguageScope
from iqcore.model.qualifications import (
    CompetenceArea,
    LanguageRequirement,
    LawLevel,
    LegalBasis,
    QualificationKind,
    ReferenceOccupation,
    RegulationStatus,
    SectoralProfession,
)

__all__ = [
    "doctor",
    "electronics_technician",
    "mathematician",
    "nurse",
    "office_management_clerk",
]

_EXAMPLE = "illustrative example of iqcore (not reference data)"


def _area(area_id: str, de: str, en: str, *, essential: bool = True) -> CompetenceArea:
    return CompetenceArea(id=area_id, title_de=de, title_en=en, essential=essential)


def doctor() -> ReferenceOccupation:
    """Doctor (Ärztin/Arzt): regulated by federal law (BÄO), a sectoral profession."""
    return ReferenceOccupation(
        id="example.doctor",
        title_de="Ärztin/Arzt",
        title_en="Doctor",
        regulation=RegulationStatus.REGULATED,
        law=LawLevel.FEDERAL,
        legal_basis=LegalBasis.FACHRECHT_BUND,
        legal_reference="BÄO, ÄApprO",
        qualification_kind=QualificationKind.HIGHER_EDUCATION,
        nominal_duration_months=72,
        source=_EXAMPLE,
        kldb=KldbCode(code="81404"),
        sectoral=SectoralProfession.DOCTOR,
        competence_areas=(
            _area("internal_medicine", "Innere Medizin", "Internal medicine"),
            _area("surgery", "Chirurgie", "Surgery"),
            _area("emergency_medicine", "Notfallmedizin", "Emergency medicine"),
            _area("pharmacology", "Pharmakologie", "Pharmacology"),
            _area("medical_law", "Rechtsfragen der ärztlichen Berufsausübung", "Medical law"),
        ),
        language_requirements=(
            LanguageRequirement(scope=LanguageScope.GENERAL, level=CefrLevel.B2),
            LanguageRequirement(scope=LanguageScope.OCCUPATIONAL, level=CefrLevel.C1),
        ),
        unverified=("kldb", "nominal_duration_months", "competence_areas"),
    )


def nurse() -> ReferenceOccupation:
    """Nurse (Pflegefachfrau/Pflegefachmann): federal law (PflBG), a sectoral profession."""
    return ReferenceOccupation(
        id="example.nurse",
        title_de="Pflegefachfrau/Pflegefachmann",
        title_en="Nurse",
        regulation=RegulationStatus.REGULATED,
        law=LawLevel.FEDERAL,
        legal_basis=LegalBasis.FACHRECHT_BUND,
        legal_reference="PflBG §§40-43",
        qualification_kind=QualificationKind.VOCATIONAL_SCHOOL,
        nominal_duration_months=36,
        source=_EXAMPLE,
        kldb=KldbCode(code="81302"),
        sectoral=SectoralProfession.NURSE_GENERAL_CARE,
        competence_areas=(
            _area("acute_care", "Akutpflege", "Acute care"),
            _area("geriatric_care", "Altenpflege", "Geriatric care"),
            _area("paediatric_care", "Pädiatrische Pflege", "Paediatric care"),
            _area("psychiatric_care", "Psychiatrische Pflege", "Psychiatric care"),
            _area("outpatient_care", "Ambulante Pflege", "Outpatient care"),
        ),
        language_requirements=(
            LanguageRequirement(scope=LanguageScope.GENERAL, level=CefrLevel.B2),
        ),
        unverified=("kldb", "nominal_duration_months", "competence_areas", "language_requirements"),
    )


def electronics_technician() -> ReferenceOccupation:
    """Electronics technician (Elektroniker/in): non-regulated dual training under the HwO."""
    return ReferenceOccupation(
        id="example.electronics_technician",
        title_de="Elektronikerin/Elektroniker",
        title_en="Electronics technician",
        regulation=RegulationStatus.NON_REGULATED,
        law=LawLevel.FEDERAL,
        legal_basis=LegalBasis.HWO,
        legal_reference="HwO, BQFG",
        qualification_kind=QualificationKind.VOCATIONAL_DUAL,
        nominal_duration_months=42,
        source=_EXAMPLE,
        competence_areas=(
            _area("electrical_installation", "Elektroinstallation", "Electrical installation"),
            _area("control_systems", "Steuerungstechnik", "Control systems"),
            _area("safety_regulations", "Sicherheitsvorschriften (VDE)", "Safety rules (VDE)"),
            _area("building_automation", "Gebäudeautomation", "Building automation"),
        ),
        unverified=("nominal_duration_months", "competence_areas"),
    )


def office_management_clerk() -> ReferenceOccupation:
    """Office management clerk (Kaufleute für Büromanagement): non-regulated, BBiG/BQFG."""
    return ReferenceOccupation(
        id="example.office_management_clerk",
        title_de="Kauffrau/Kaufmann für Büromanagement",
        title_en="Office management clerk",
        regulation=RegulationStatus.NON_REGULATED,
        law=LawLevel.FEDERAL,
        legal_basis=LegalBasis.BQFG_BUND,
        legal_reference="BBiG, BQFG",
        qualification_kind=QualificationKind.VOCATIONAL_DUAL,
        nominal_duration_months=36,
        source=_EXAMPLE,
        kldb=KldbCode(code="71402"),
        competence_areas=(
            _area("office_organisation", "Büroorganisation", "Office organisation"),
            _area("bookkeeping", "Buchführung", "Bookkeeping"),
            _area("customer_relations", "Kundenbeziehungen", "Customer relations"),
            _area("personnel_administration", "Personalverwaltung", "Personnel administration"),
            _area("correspondence", "Korrespondenz", "Correspondence", essential=False),
        ),
        unverified=("kldb", "nominal_duration_months", "competence_areas"),
    )


def mathematician() -> ReferenceOccupation:
    """Mathematician: a university degree for a non-regulated use (academic comparability)."""
    return ReferenceOccupation(
        id="example.mathematician",
        title_de="Mathematikerin/Mathematiker",
        title_en="Mathematician",
        regulation=RegulationStatus.NON_REGULATED,
        law=LawLevel.FEDERAL,
        legal_basis=LegalBasis.LISBON_CONVENTION,
        legal_reference="Lisbon Recognition Convention",
        qualification_kind=QualificationKind.HIGHER_EDUCATION,
        nominal_duration_months=36,
        source=_EXAMPLE,
        unverified=("nominal_duration_months",),
    )
