"""Hypothesis strategies for every public type of :mod:`iqcore.model`.

Every strategy generates *valid* objects only: each field validator and each invariant of the
model holds (a partial-equivalence decision is for a non-regulated occupation and lists a
remaining difference; an automatic sectoral application has a qualification from the EU, EEA or
Switzerland as of the day it was received; a stakeholder network stays within the recommended
size; and so on). The values are realistic: German occupation titles, qualification titles in
their original language, ISO 3166 country codes from :mod:`pycountry` (plus ``XK``), ISO 639
language codes, dates in the years the Recognition Act has been in force.

Every attrs class has a function named after it in the plural that takes keyword overrides, one
hypothesis strategy per field::

    from hypothesis import given, strategies as st
    from iqcore import Country, DecisionOutcome
    from iqcore.testing.strategies import decisions, foreign_qualifications

    @given(foreign_qualifications(country_of_training=st.just(Country(code="SY"))))
    def test_syrian_qualification(q): ...

    @given(decisions(outcome=st.just(DecisionOutcome.PARTIAL_EQUIVALENCE)))
    def test_partial(d): ...

Fields that are not overridden adapt to the overridden ones where an invariant links them
(``decisions(regulated=st.just(True))`` never draws a partial equivalence). Overrides that
contradict an invariant are filtered out (hypothesis reports it if nothing is left). An unknown
field name raises :class:`TypeError` at once.

:func:`strategy_for` returns the strategy for any public model class (enums included), and
:data:`STRATEGIES` maps each class to its strategy function. Importing hypothesis registers them
all (through the ``hypothesis`` entry point, :func:`_hypothesis_setup_hook`), so that
``st.from_type(Decision)`` and ``st.builds`` with type hints use them.

Names in these strategies are random strings, never names of people; e-mail addresses use the
reserved ``example.org`` domain.
"""

from __future__ import annotations

import enum
import functools
import string
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

import attrs
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from iqcore import model as m
from iqcore.model import (
    MAX_ADAPTATION_PERIOD_MONTHS,
    AdaptationQualificationForm,
    AnabinInstitutionStatus,
    ApplicationStatus,
    Audience,
    AuthorityKind,
    CaseStatus,
    CefrLevel,
    ClosureReason,
    CompensationEvidence,
    CompensationMeasureType,
    CompetenceArea,
    CompetenceKind,
    CompetentAuthority,
    Consent,
    ConsentPurpose,
    Contact,
    ContactChannel,
    CounsellingCase,
    Country,
    CountryGroup,
    Decision,
    DecisionOutcome,
    DeliveryMode,
    DifferenceBasis,
    DirectiveLevel,
    Document,
    DocumentKind,
    EqfLevel,
    EvidenceKind,
    ExpertBody,
    Extension,
    FederalState,
    ForeignQualification,
    FundingPhase,
    Gender,
    IdentityRecord,
    Institution,
    IntegrationStep,
    IscedField,
    IscedLevel,
    IscoCode,
    KldbCode,
    LanguagePrerequisite,
    LanguageRequirement,
    LanguageScope,
    LanguageSkill,
    LawLevel,
    LegalBasis,
    Migrant,
    Module,
    Organisation,
    OrganisationKind,
    Partner,
    PriorityArea,
    QualificationKind,
    RecognitionApplication,
    RecognitionRoute,
    ReferenceOccupation,
    Referral,
    ReferralSource,
    ReferralTarget,
    RegionalNetwork,
    RegulationStatus,
    ResidenceStatus,
    SchemeRun,
    SectoralProfession,
    StakeholderNetwork,
    StakeholderNetworkSizeWarning,
    Subproject,
    SubstantialDifference,
    Suspension,
    SuspensionReason,
    TrainingScheme,
    WorkExperience,
)

__all__ = [
    "STRATEGIES",
    "compensation_evidences",
    "competence_areas",
    "competent_authorities",
    "consents",
    "contacts",
    "counselling_cases",
    "countries",
    "decisions",
    "documents",
    "expert_bodies",
    "extensions",
    "foreign_qualifications",
    "identity_records",
    "institutions",
    "isced_fields",
    "isco_codes",
    "kldb_codes",
    "language_prerequisites",
    "language_requirements",
    "language_skills",
    "migrants",
    "modules",
    "organisations",
    "partners",
    "recognition_applications",
    "reference_occupations",
    "referrals",
    "regional_networks",
    "scheme_runs",
    "stakeholder_network_size_warnings",
    "stakeholder_networks",
    "strategy_for",
    "subprojects",
    "substantial_differences",
    "suspensions",
    "training_schemes",
    "work_experiences",
]

T = TypeVar("T")
Overrides = Mapping[str, SearchStrategy[Any]]

#: Where generated records say they come from (``source`` fields).
GENERATED_SOURCE = "generated test data (iqcore.testing.strategies); not a real record"

# --------------------------------------------------------------------------------------------
# Realistic building blocks (no names of people anywhere)
# --------------------------------------------------------------------------------------------

#: Frequent countries of training and nationalities in German recognition counselling.
_COMMON_COUNTRIES = (
    "SY", "UA", "TR", "RO", "PL", "BA", "RS", "XK", "IN", "PH", "TN", "MA", "IR", "AF",
    "RU", "IT", "GR", "ES", "BR", "EG", "IQ", "VN", "AL", "HR", "BG", "HU", "FR", "AT",
    "CH", "GB", "NO", "LI", "IS", "CN", "KZ", "NG", "CM", "CO", "MX", "US",
)  # fmt: skip

_LANGUAGES = (
    "de", "en", "ar", "uk", "ru", "tr", "ro", "pl", "fa", "ku", "ti", "so", "fr", "es",
    "sq", "sr", "hr", "bs", "vi", "zh", "hi", "ta", "it", "el", "bg", "hu", "pt", "prs",
    "ckb", "kmr", "deu", "ara", "ukr",
)  # fmt: skip

_CITIES: dict[FederalState, tuple[str, ...]] = {
    FederalState.BW: ("Stuttgart", "Mannheim", "Freiburg im Breisgau"),
    FederalState.BY: ("München", "Nürnberg", "Augsburg"),
    FederalState.BE: ("Berlin",),
    FederalState.BB: ("Potsdam", "Cottbus"),
    FederalState.HB: ("Bremen", "Bremerhaven"),
    FederalState.HH: ("Hamburg",),
    FederalState.HE: ("Frankfurt am Main", "Wiesbaden", "Kassel"),
    FederalState.MV: ("Schwerin", "Rostock"),
    FederalState.NI: ("Hannover", "Braunschweig", "Osnabrück"),
    FederalState.NW: ("Köln", "Düsseldorf", "Dortmund", "Essen", "Bielefeld"),
    FederalState.RP: ("Mainz", "Kaiserslautern", "Trier"),
    FederalState.SL: ("Saarbrücken",),
    FederalState.SN: ("Leipzig", "Dresden", "Chemnitz"),
    FederalState.ST: ("Magdeburg", "Halle (Saale)"),
    FederalState.SH: ("Kiel", "Lübeck"),
    FederalState.TH: ("Erfurt", "Jena"),
}
_ALL_CITIES = tuple(c for cs in _CITIES.values() for c in cs)

#: (title in the original, English title, kind, typical months, ISCED-F field, EQF level)
_FOREIGN_TITLES: tuple[tuple[str, str, QualificationKind, int, str, int], ...] = (
    ("Licență în Inginerie Electrică", "Bachelor of Electrical Engineering",
     QualificationKind.HIGHER_EDUCATION, 48, "0713", 6),
    ("Bachelor of Science in Nursing", "Bachelor of Science in Nursing",
     QualificationKind.HIGHER_EDUCATION, 48, "0913", 6),
    ("Diplôme d'État d'infirmier", "State diploma in nursing",
     QualificationKind.VOCATIONAL_SCHOOL, 36, "0913", 6),
    ("Лікар-стоматолог", "Dentist", QualificationKind.HIGHER_EDUCATION, 60, "0911", 7),
    ("Врач-лечебник", "Physician (general medicine)",
     QualificationKind.HIGHER_EDUCATION, 72, "0912", 7),
    ("Dyplom lekarza", "Physician's diploma", QualificationKind.HIGHER_EDUCATION, 72, "0912", 7),
    ("İnşaat Mühendisliği Lisans Diploması", "Bachelor of Civil Engineering",
     QualificationKind.HIGHER_EDUCATION, 48, "0732", 6),
    ("Técnico Superior en Electricidad", "Higher technician in electricity",
     QualificationKind.VOCATIONAL_SCHOOL, 24, "0713", 5),
    ("بكالوريوس صيدلة", "Bachelor of Pharmacy", QualificationKind.HIGHER_EDUCATION, 60, "0916", 6),
    ("Kuhar", "Cook", QualificationKind.VOCATIONAL_SCHOOL, 36, "1013", 4),
    ("Mecânico de Automóveis", "Car mechanic", QualificationKind.VOCATIONAL_DUAL, 36, "0716", 4),
    ("Laurea magistrale in Architettura", "Master's degree in Architecture",
     QualificationKind.HIGHER_EDUCATION, 60, "0731", 7),
    ("Πτυχίο Νοσηλευτικής", "Degree in Nursing", QualificationKind.HIGHER_EDUCATION, 48, "0913", 6),
    ("Diploma in Information Technology", "Diploma in Information Technology",
     QualificationKind.VOCATIONAL_SCHOOL, 24, "0612", 5),
    ("Инженер-механик", "Mechanical engineer", QualificationKind.HIGHER_EDUCATION, 60, "0715", 7),
    ("کارشناسی مهندسی برق", "Bachelor of Electrical Engineering",
     QualificationKind.HIGHER_EDUCATION, 48, "0713", 6),
    ("Majstor elektrotehnike", "Master electrician",
     QualificationKind.ADVANCED_VOCATIONAL, 24, "0713", 6),
    ("Diploma de Bacalaureat", "Baccalaureate diploma", QualificationKind.SCHOOL, 48, "0011", 4),
)  # fmt: skip

_INSTITUTION_NAMES = (
    "Universitatea Politehnica din București",
    "Damascus University",
    "Національний медичний університет",
    "Istanbul Teknik Üniversitesi",
    "Instituto de Formación Profesional",
    "University of the Philippines",
    "Institut Supérieur des Sciences Infirmières",
    "Politecnico di Milano",
    "Srednja strukovna škola",
    "Tehran Technical College",
)


@attrs.frozen
class _Occupation:
    title_de: str
    title_en: str
    regulation: RegulationStatus
    law: LawLevel
    legal_basis: LegalBasis
    legal_reference: str
    kind: QualificationKind
    months: int
    sectoral: SectoralProfession | None = None
    areas: tuple[tuple[str, str, str], ...] = ()


_R, _N = RegulationStatus.REGULATED, RegulationStatus.NON_REGULATED
_FED, _LAND = LawLevel.FEDERAL, LawLevel.STATE
_HE, _VS, _VD = (
    QualificationKind.HIGHER_EDUCATION,
    QualificationKind.VOCATIONAL_SCHOOL,
    QualificationKind.VOCATIONAL_DUAL,
)

_OCCUPATIONS: tuple[_Occupation, ...] = (
    _Occupation("Ärztin/Arzt", "Medical doctor", _R, _FED, LegalBasis.FACHRECHT_BUND, "BÄO",
                _HE, 72, SectoralProfession.DOCTOR,
                (("innere-medizin", "Innere Medizin", "Internal medicine"),
                 ("chirurgie", "Chirurgie", "Surgery"),
                 ("pharmakologie", "Pharmakologie", "Pharmacology"))),
    _Occupation("Pflegefachfrau/Pflegefachmann", "Nurse", _R, _FED, LegalBasis.FACHRECHT_BUND,
                "PflBG", _VS, 36, SectoralProfession.NURSE_GENERAL_CARE,
                (("pflegeprozess", "Pflegeprozess", "Nursing process"),
                 ("gesundheitsrecht", "Rechtliche Grundlagen", "Legal foundations"))),
    _Occupation("Apothekerin/Apotheker", "Pharmacist", _R, _FED, LegalBasis.FACHRECHT_BUND,
                "BApO", _HE, 60, SectoralProfession.PHARMACIST,
                (("pharmazeutische-chemie", "Pharmazeutische Chemie", "Pharmaceutical chemistry"),
                 ("arzneimittelrecht", "Arzneimittelrecht", "Pharmaceutical law"))),
    _Occupation("Zahnärztin/Zahnarzt", "Dentist", _R, _FED, LegalBasis.FACHRECHT_BUND, "ZHG",
                _HE, 60, SectoralProfession.DENTIST,
                (("zahnerhaltung", "Zahnerhaltung", "Restorative dentistry"),)),
    _Occupation("Hebamme", "Midwife", _R, _FED, LegalBasis.FACHRECHT_BUND, "HebG", _HE, 42,
                SectoralProfession.MIDWIFE,
                (("geburtshilfe", "Geburtshilfe", "Obstetrics"),)),
    _Occupation("Physiotherapeutin/Physiotherapeut", "Physiotherapist", _R, _FED,
                LegalBasis.FACHRECHT_BUND, "MPhG", _VS, 36, None,
                (("bewegungstherapie", "Bewegungstherapie", "Exercise therapy"),)),
    _Occupation("Lehrkraft", "Teacher", _R, _LAND, LegalBasis.FACHRECHT_LAND,
                "Lehrkräftebildungsgesetz des Landes", _HE, 66, None,
                (("fachdidaktik", "Fachdidaktik", "Subject didactics"),
                 ("zweites-fach", "Zweites Unterrichtsfach", "Second teaching subject"),
                 ("schulrecht", "Schulrecht", "School law"))),
    _Occupation("Erzieherin/Erzieher", "Educator", _R, _LAND, LegalBasis.BQFG_LAND,
                "BQFG des Landes", _VS, 36, None,
                (("fruehpaedagogik", "Frühpädagogik", "Early childhood education"),)),
    _Occupation("Ingenieurin/Ingenieur", "Engineer", _R, _LAND, LegalBasis.FACHRECHT_LAND,
                "Ingenieurgesetz des Landes", _HE, 42, None,
                (("statik", "Baustatik", "Structural analysis"),
                 ("baurecht", "Baurecht", "Construction law"))),
    _Occupation("Sozialarbeiterin/Sozialarbeiter", "Social worker", _R, _LAND,
                LegalBasis.FACHRECHT_LAND, "Sozialberufe-Anerkennungsgesetz des Landes", _HE, 42,
                None, (("sozialrecht", "Sozialrecht", "Social law"),)),
    _Occupation("Architektin/Architekt", "Architect", _R, _LAND, LegalBasis.FACHRECHT_LAND,
                "Architektengesetz des Landes", _HE, 48, SectoralProfession.ARCHITECT,
                (("entwurf", "Entwurf", "Design"), ("baurecht", "Baurecht", "Building law"))),
    _Occupation("Elektronikerin/Elektroniker", "Electronics technician", _N, _FED,
                LegalBasis.BQFG_BUND, "BQFG", _VD, 42, None,
                (("elektrotechnik", "Elektrotechnische Grundlagen", "Electrical fundamentals"),
                 ("schutzmassnahmen", "Schutzmaßnahmen", "Protective measures"))),
    _Occupation("Industriemechanikerin/Industriemechaniker", "Industrial mechanic", _N, _FED,
                LegalBasis.BQFG_BUND, "BQFG", _VD, 42, None,
                (("fertigungstechnik", "Fertigungstechnik", "Production engineering"),)),
    _Occupation("Kauffrau/Kaufmann für Büromanagement", "Office management clerk", _N, _FED,
                LegalBasis.BQFG_BUND, "BQFG", _VD, 36, None,
                (("buchfuehrung", "Buchführung", "Bookkeeping"),
                 ("bueroorganisation", "Büroorganisation", "Office organisation"))),
    _Occupation("Fachinformatikerin/Fachinformatiker", "IT specialist", _N, _FED,
                LegalBasis.BQFG_BUND, "BQFG", _VD, 36, None,
                (("anwendungsentwicklung", "Anwendungsentwicklung", "Application development"),)),
    _Occupation("Köchin/Koch", "Cook", _N, _FED, LegalBasis.BQFG_BUND, "BQFG", _VD, 36, None,
                (("hygiene", "Lebensmittelhygiene", "Food hygiene"),)),
    _Occupation("Kfz-Mechatronikerin/Kfz-Mechatroniker", "Car mechatronics technician", _N,
                _FED, LegalBasis.HWO, "HwO", _VD, 42, None,
                (("fahrzeugelektrik", "Fahrzeugelektrik", "Vehicle electrics"),)),
)  # fmt: skip

_OCCUPATION_IDS = (
    "arzt", "pflegefachkraft", "apotheker", "zahnarzt", "hebamme", "physiotherapeut",
    "lehrkraft", "erzieher", "ingenieur", "sozialarbeiter", "architekt", "elektroniker",
    "industriemechaniker", "buero-kaufmann", "fachinformatiker", "koch", "kfz-mechatroniker",
)  # fmt: skip

_AREA_IDS = tuple(sorted({a[0] for o in _OCCUPATIONS for a in o.areas}))

_EXISTING_QUALIFICATIONS = (
    "Grundlagen der Elektrotechnik",
    "Installation elektrischer Anlagen",
    "Berufserfahrung in der stationären Pflege",
    "Grundlagen der Buchführung",
    "Anatomie und Physiologie",
    "Programmierung in einer Hochsprache",
    "Fertigungs- und Montagetechnik",
)

_DIFFERENCE_TEXTS = (
    "Deutsche Sicherheitsvorschriften nicht Gegenstand der Ausbildung",
    "Praktischer Anteil deutlich kürzer",
    "Deutsches Rechtssystem nicht behandelt",
    "Fehlende praktische Einsätze in der ambulanten Versorgung",
)

_EVIDENCE_TEXTS = (
    "Arbeitszeugnis über Tätigkeit im Fachgebiet",
    "Zertifikat einer Weiterbildung",
    "Nachweis informell erworbener Kompetenzen",
)

_EXPERIENCE_OCCUPATIONS = (
    "Elektriker", "Krankenpflegerin", "Bauingenieur", "Softwareentwicklerin", "Koch",
    "Buchhalterin", "Kfz-Mechaniker", "Lehrerin", "Apotheker", "Industriemechaniker",
)  # fmt: skip

_ORG_NAMES: dict[OrganisationKind, str] = {
    OrganisationKind.EMPLOYMENT_AGENCY: "Agentur für Arbeit",
    OrganisationKind.JOB_CENTRE: "Jobcenter",
    OrganisationKind.JOINT_EMPLOYER_SERVICE: "Gemeinsamer Arbeitgeber-Service",
    OrganisationKind.FEDERAL_MIGRATION_OFFICE: "BAMF Außenstelle",
    OrganisationKind.IMMIGRATION_COUNSELLING: "Migrationsberatung für Erwachsene",
    OrganisationKind.IMMIGRATION_AUTHORITY: "Ausländerbehörde",
    OrganisationKind.SOCIAL_WELFARE_OFFICE: "Sozialamt",
    OrganisationKind.ADULT_EDUCATION_CENTRE: "Volkshochschule",
    OrganisationKind.CHAMBER: "Handwerkskammer",
    OrganisationKind.SME: "Elektrotechnik-Fachbetrieb",
    OrganisationKind.PUBLIC_ADMINISTRATION: "Stadtverwaltung",
    OrganisationKind.MIGRANT_ORGANISATION: "Verein der Migrantenorganisationen",
    OrganisationKind.COUNSELLING_CENTRE: "IQ Anerkennungs- und Qualifizierungsberatung",
}

_CONTACT_POINTS = (
    "Migrationsbeauftragte Stelle",
    "Team Arbeitgeberservice",
    "Integrationsbeauftragte Stelle",
    "Teamleitung Markt und Integration",
    "Beratungsteam Anerkennung",
    "Fachbereich Migration",
)

_AUTHORITY_NAMES: dict[AuthorityKind, str] = {
    AuthorityKind.IHK_FOSA: "IHK FOSA – Foreign Skills Approval",
    AuthorityKind.IHK: "Industrie- und Handelskammer",
    AuthorityKind.HWK: "Handwerkskammer",
    AuthorityKind.AGRICULTURAL_CHAMBER: "Landwirtschaftskammer",
    AuthorityKind.LIBERAL_PROFESSION_CHAMBER: "Kammer der freien Berufe",
    AuthorityKind.LAND_AUTHORITY: "Landesprüfungsamt für Gesundheitsberufe",
    AuthorityKind.ENGINEERS_CHAMBER: "Ingenieurkammer",
    AuthorityKind.ARCHITECTS_CHAMBER: "Architektenkammer",
    AuthorityKind.ZAB: "Zentralstelle für ausländisches Bildungswesen",
    AuthorityKind.FEDERAL_AUTHORITY: "Bundesverwaltungsamt",
}

#: (name, topic, phases) of IQ expert bodies (domain notes §5.1).
_EXPERT_BODIES: tuple[tuple[str, str, frozenset[FundingPhase]], ...] = (
    ("Fachstelle Anerkennung und Qualifizierung", "recognition and qualification",
     frozenset({FundingPhase.P2023_2025, FundingPhase.P2026_2028})),
    ("Fachstelle Faire Integration", "fair integration",
     frozenset({FundingPhase.P2023_2025, FundingPhase.P2026_2028})),
    ("Fachstelle Einwanderung und Integration", "immigration and integration",
     frozenset({FundingPhase.P2023_2025, FundingPhase.P2026_2028})),
    ("Fachstelle Beratung und Qualifizierung", "counselling and qualification",
     frozenset({FundingPhase.P2015_2018})),
    ("Fachstelle Einwanderung", "immigration", frozenset({FundingPhase.P2019_2022})),
    ("Fachstelle Anerkennung", "recognition", frozenset({FundingPhase.P2011_2014})),
)  # fmt: skip

_MIGRANT_SCHEMES = (
    "Vorbereitung auf die Kenntnisprüfung Medizin",
    "Anpassungsqualifizierung Pflege",
    "Brückenmaßnahme für Ingenieurinnen und Ingenieure",
    "Anpassungsqualifizierung Elektrotechnik",
    "Berufsbezogenes Deutsch Pflege B2",
    "Qualifizierung für akademische Heilberufe",
    "Anpassungsqualifizierung im kaufmännischen Bereich",
)
_STAFF_SCHEMES = (
    "Interkulturelle Kompetenz für Mitarbeitende der Arbeitsverwaltung",
    "Ausbildung Interkulturelle Botschafterinnen und Botschafter",
    "Diversitätsorientierte Öffnung der Verwaltung",
)
_MODULE_TITLES = (
    "Fachsprache im Berufsalltag",
    "Rechtliche Grundlagen in Deutschland",
    "Praxisphase im Betrieb",
    "Prüfungsvorbereitung",
    "Interkulturelle Kommunikation",
    "Grundlagen des Aufenthaltsrechts",
    "Fallarbeit und Reflexion",
)
_PROVIDERS = (
    "Bildungswerk der Wirtschaft",
    "Hochschule für angewandte Wissenschaften",
    "Berufsförderungswerk",
    "Volkshochschule",
    "Bildungszentrum der Handwerkskammer",
)
_EXTENSION_REASONS = (
    "Besondere Schwierigkeit der Angelegenheit",
    "Gutachten einer externen Stelle angefordert",
)

_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}"
_NAME_ALPHABET = string.ascii_letters + "äöüßéèçğışățñøå"

_APPLICATION_START = date(2012, 4, 1)  # the federal Recognition Act came into force
_APPLICATION_END = date(2027, 12, 31)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


class _Fields:
    """Draw one field: from its override if one was given, otherwise from a default.

    A default is a strategy (drawn from) or a function of no arguments that returns the value
    (called only when the field is not overridden, so it may draw itself).
    """

    def __init__(self, draw: st.DrawFn, overrides: Overrides) -> None:
        self._draw = draw
        self.overrides = overrides

    def __call__(self, name: str, default: SearchStrategy[Any] | Callable[[], Any]) -> Any:
        override = self.overrides.get(name)
        if override is not None:
            return self._draw(override)
        if isinstance(default, SearchStrategy):
            return self._draw(default)
        return default()

    def given(self, name: str) -> bool:
        return name in self.overrides


def _make(cls: type[T], overrides: Overrides, **kwargs: Any) -> T:
    """Construct; without overrides a failure is a bug here, with overrides it is filtered."""
    if not overrides:
        return cls(**kwargs)
    try:
        return cls(**kwargs)
    except (ValueError, TypeError):
        reject()


def _check_overrides(cls: type, overrides: Overrides) -> None:
    names = attrs.fields_dict(cls)
    for name, value in overrides.items():
        if name not in names:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        if not isinstance(value, SearchStrategy):
            raise TypeError(f"the override for {cls.__name__}.{name} must be a hypothesis strategy")


def _plain_cached(factory: F) -> F:
    """Build the strategy without overrides once (building and validating strategies is slow)."""
    cache: list[SearchStrategy[Any]] = []

    @functools.wraps(factory)
    def wrapper(**overrides: SearchStrategy[Any]) -> SearchStrategy[Any]:
        if overrides:
            return factory(**overrides)  # type: ignore[no-any-return]
        if not cache:
            cache.append(factory())
        return cache[0]

    return wrapper  # type: ignore[return-value]


def _optional(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    return st.none() | strategy


@functools.cache
def _opt(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    """``None`` or *strategy*, cached: only for strategies that are built once."""
    return st.none() | strategy


@functools.cache
def _enum(cls: type[Any]) -> SearchStrategy[Any]:
    return st.sampled_from(cls)


@functools.cache
def _choice(values: tuple[Any, ...]) -> SearchStrategy[Any]:
    return st.sampled_from(values)


@functools.cache
def _ints(lo: int, hi: int) -> SearchStrategy[int]:
    return st.integers(lo, hi)


@functools.cache
def _bools() -> SearchStrategy[bool]:
    return st.booleans()


def _text(choices: tuple[str, ...]) -> SearchStrategy[str]:
    """Mostly realistic values, sometimes any non-blank Unicode text (to exercise the edges)."""
    return _text_cached(choices)


@functools.cache
def _text_cached(choices: tuple[str, ...]) -> SearchStrategy[str]:
    return st.one_of(st.sampled_from(choices), st.sampled_from(choices), _free_text())


@functools.cache
def _free_text() -> SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8"), min_size=1, max_size=24).filter(
        lambda s: bool(s.strip())
    )


@functools.cache
def _ids(prefix: str) -> SearchStrategy[str]:
    realistic = st.integers(1, 999_999).map(lambda n: f"{prefix}-{n:06d}")
    return st.one_of(realistic, realistic, st.from_regex(_ID_PATTERN, fullmatch=True))


@functools.cache
def _occupation_ids() -> SearchStrategy[str]:
    return st.one_of(st.sampled_from(_OCCUPATION_IDS), _ids("occ"))


@functools.cache
def _area_ids() -> SearchStrategy[str]:
    return st.one_of(st.sampled_from(_AREA_IDS), _ids("area"))


def _on_or_after(day: date, max_days: int = 730) -> SearchStrategy[date]:
    return _ints(0, max_days).map(lambda n: day + timedelta(days=n))


def _after(draw: st.DrawFn, day: date, max_days: int) -> date:
    return day + timedelta(days=draw(_ints(0, max_days)))


def _maybe_after(draw: st.DrawFn, day: date, max_days: int) -> date | None:
    return _after(draw, day, max_days) if draw(_bools()) else None


def _either(draw: st.DrawFn, value: T, strategy: SearchStrategy[T]) -> T:
    """*value* or a draw from *strategy*, half and half."""
    return value if draw(_bools()) else draw(strategy)


def _maybe(draw: st.DrawFn, value: T) -> T | None:
    return value if draw(_bools()) else None


@functools.cache
def _application_days() -> SearchStrategy[date]:
    return st.dates(_APPLICATION_START, _APPLICATION_END)


@functools.cache
def _city() -> SearchStrategy[str]:
    return st.sampled_from(_ALL_CITIES)


def _city_in(state: FederalState | None) -> SearchStrategy[str]:
    return _choice(_CITIES[state]) if state is not None else _city()


@functools.cache
def _all_country_codes() -> tuple[str, ...]:
    import pycountry

    codes = {c.alpha_2 for c in pycountry.countries} | {"XK"}
    return tuple(sorted(codes))


@functools.cache
def eu_eea_ch_codes(as_of: date) -> tuple[str, ...]:
    """Codes of the countries in the EU, EEA/EFTA or CH group on *as_of* (from the data)."""
    from iqcore.reference_data import country_group_periods

    out = []
    for code, periods in country_group_periods().items():
        for p in periods:
            if p.start <= as_of and (p.end is None or as_of < p.end):
                if CountryGroup(p.group).is_eu_eea_ch:
                    out.append(code)
                break
    return tuple(sorted(out))


# --------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------


@functools.cache
def _country_codes() -> SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_COMMON_COUNTRIES),
        st.deferred(lambda: st.sampled_from(_all_country_codes())),
    )


@_plain_cached
def countries(**overrides: SearchStrategy[Any]) -> SearchStrategy[Country]:
    """ISO 3166-1 alpha-2 countries (and ``XK``), frequent countries of origin more often."""
    _check_overrides(Country, overrides)
    return st.builds(Country, code=overrides.get("code", _country_codes()))


@_plain_cached
def isced_fields(**overrides: SearchStrategy[Any]) -> SearchStrategy[IscedField]:
    """ISCED-F 2013 fields: broad (2 digits), narrow (3) or detailed (4)."""
    _check_overrides(IscedField, overrides)
    broad = st.sampled_from(("00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10"))
    tail = st.sampled_from(("", "1", "11", "12", "13", "14", "2", "21", "3", "31", "88"))
    detailed = st.sampled_from(("0114", "0411", "0611", "0713", "0715", "0912", "0913", "0916"))
    code = st.one_of(detailed, st.tuples(broad, tail).map("".join))
    return st.builds(IscedField, code=overrides.get("code", code))


@_plain_cached
def kldb_codes(**overrides: SearchStrategy[Any]) -> SearchStrategy[KldbCode]:
    """KldB 2010 codes: four digits and the requirement level 1-4."""
    _check_overrides(KldbCode, overrides)
    code = st.tuples(st.integers(0, 9999), st.integers(1, 4)).map(lambda t: f"{t[0]:04d}{t[1]}")
    return st.builds(KldbCode, code=overrides.get("code", code))


@_plain_cached
def isco_codes(**overrides: SearchStrategy[Any]) -> SearchStrategy[IscoCode]:
    """ISCO-08 unit groups (four digits)."""
    _check_overrides(IscoCode, overrides)
    code = st.integers(110, 9629).map(lambda n: f"{n:04d}")
    return st.builds(IscoCode, code=overrides.get("code", code))


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


@st.composite
def _consents(draw: st.DrawFn, overrides: Overrides) -> Consent:
    f = _Fields(draw, overrides)
    given_on = f("given_on", _application_days())
    return _make(
        Consent,
        overrides,
        purpose=f("purpose", _enum(ConsentPurpose)),
        given_on=given_on,
        withdrawn_on=f("withdrawn_on", lambda: _maybe_after(draw, given_on, 730)),
    )


@_plain_cached
def consents(**overrides: SearchStrategy[Any]) -> SearchStrategy[Consent]:
    """A consent for a purpose, sometimes withdrawn later."""
    _check_overrides(Consent, overrides)
    return _consents(overrides)


@_plain_cached
def language_skills(**overrides: SearchStrategy[Any]) -> SearchStrategy[LanguageSkill]:
    """A language (ISO 639-1 or 639-3) with CEFR level, scope and certification."""
    _check_overrides(LanguageSkill, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "language": st.sampled_from(_LANGUAGES),
        "level": _enum(CefrLevel),
        "scope": _enum(LanguageScope),
        "certified": _bools(),
    }
    return st.builds(LanguageSkill, **{**defaults, **overrides})


_NON_SENSITIVE = tuple(s for s in ResidenceStatus if not s.sensitive)


@functools.cache
def _germany() -> Country:
    return Country(code="DE")


@functools.cache
def _unique_consents() -> SearchStrategy[list[Consent]]:
    return st.lists(consents(), max_size=4, unique_by=lambda c: c.purpose)


@functools.cache
def _special_consents() -> SearchStrategy[Consent]:
    return consents(purpose=st.just(ConsentPurpose.SPECIAL_CATEGORY_DATA))


@functools.cache
def _languages() -> SearchStrategy[list[LanguageSkill]]:
    return st.lists(language_skills(), max_size=4, unique_by=lambda s: (s.language, s.scope))


@st.composite
def _migrants(draw: st.DrawFn, overrides: Overrides) -> Migrant:
    f = _Fields(draw, overrides)
    if f.given("residence_state") and not f.given("residence_country"):
        residence_state = f("residence_state", st.none())
        if residence_state is not None:
            residence_country = f("residence_country", lambda: _maybe(draw, _germany()))
        else:
            residence_country = f("residence_country", _opt(countries()))
    else:
        residence_country = f(
            "residence_country", lambda: _germany() if draw(_bools()) else draw(_opt(countries()))
        )
        germany = residence_country is None or residence_country.code == "DE"
        residence_state = f("residence_state", _opt(_enum(FederalState)) if germany else st.none())
    if f.given("residence_status") and not f.given("consents"):
        status = f("residence_status", st.none())
        consent_list = f("consents", _unique_consents())
        if status is not None and status.sensitive and not _has_special(consent_list):
            consent_list = [
                *(c for c in consent_list if c.purpose is not ConsentPurpose.SPECIAL_CATEGORY_DATA),
                draw(_special_consents()),
            ]
    else:
        consent_list = f("consents", _unique_consents())
        allowed = tuple(ResidenceStatus) if _has_special(consent_list) else _NON_SENSITIVE
        status = f("residence_status", _opt(_choice(allowed)))
    return _make(
        Migrant,
        overrides,
        id=f("id", _ids("m")),
        nationalities=f("nationalities", _nationalities()),
        residence_country=residence_country,
        residence_state=residence_state,
        residence_status=status,
        arrival_year=f("arrival_year", _opt(_ints(1960, 2025))),
        birth_year=f("birth_year", _opt(_ints(1940, 2008))),
        gender=f("gender", _enum(Gender)),
        languages=f("languages", _languages()),
        consents=consent_list,
    )


@functools.cache
def _nationalities() -> SearchStrategy[frozenset[Country]]:
    return st.frozensets(countries(), max_size=3)


def _has_special(items: Any) -> bool:
    return any(c.purpose is ConsentPurpose.SPECIAL_CATEGORY_DATA for c in items)


@_plain_cached
def migrants(**overrides: SearchStrategy[Any]) -> SearchStrategy[Migrant]:
    """Pseudonymous migrants; a sensitive residence status always comes with the consent."""
    _check_overrides(Migrant, overrides)
    return _migrants(overrides)


@functools.cache
def _name_like() -> SearchStrategy[str]:
    # Random strings of letters, never a real or invented person's name from a list.
    return st.text(st.sampled_from(_NAME_ALPHABET), min_size=2, max_size=14).map(str.capitalize)


@_plain_cached
def identity_records(**overrides: SearchStrategy[Any]) -> SearchStrategy[IdentityRecord]:
    """Identity records with random letter strings as names and ``example.org`` e-mail."""
    _check_overrides(IdentityRecord, overrides)
    local = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,19}", fullmatch=True)
    defaults: dict[str, SearchStrategy[Any]] = {
        "migrant_id": _ids("m"),
        "given_name": st.one_of(_name_like(), _free_text()),
        "family_name": st.one_of(_name_like(), _free_text()),
        "email": _optional(local.map(lambda s: f"{s}@example.org")),
        "phone": _optional(
            st.tuples(st.integers(30, 9999), st.integers(100_000, 99_999_999)).map(
                lambda t: f"+49 {t[0]} {t[1]}"
            )
        ),
        "address": _optional(
            st.tuples(st.integers(1, 200), st.integers(1067, 99998), _city()).map(
                lambda t: f"Beispielstraße {t[0]}, {t[1]:05d} {t[2]}"
            )
        ),
    }
    return st.builds(IdentityRecord, **{**defaults, **overrides})


# --------------------------------------------------------------------------------------------
# Qualifications and occupations
# --------------------------------------------------------------------------------------------


@_plain_cached
def institutions(**overrides: SearchStrategy[Any]) -> SearchStrategy[Institution]:
    """Foreign institutions with their anabin status."""
    _check_overrides(Institution, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "name": _text(_INSTITUTION_NAMES),
        "anabin_status": _enum(AnabinInstitutionStatus),
    }
    return st.builds(Institution, **{**defaults, **overrides})


@_plain_cached
def documents(**overrides: SearchStrategy[Any]) -> SearchStrategy[Document]:
    """Documents of an application, available or not, translated or not."""
    _check_overrides(Document, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "kind": _enum(DocumentKind),
        "available": st.booleans(),
        "translated": st.booleans(),
    }
    return st.builds(Document, **{**defaults, **overrides})


@_plain_cached
def work_experiences(**overrides: SearchStrategy[Any]) -> SearchStrategy[WorkExperience]:
    """Periods of work experience abroad or in Germany."""
    _check_overrides(WorkExperience, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "occupation": _text(_EXPERIENCE_OCCUPATIONS),
        "months": st.one_of(st.integers(1, 120), st.integers(1, 600)),
        "country": countries(),
        "evidenced": st.booleans(),
        "competence_areas": st.frozensets(_area_ids(), max_size=3),
    }
    return st.builds(WorkExperience, **{**defaults, **overrides})


@functools.cache
def _qualification_parts() -> dict[str, SearchStrategy[Any]]:
    return {
        "documents": st.lists(documents(), max_size=5),
        "completed_on": _optional(st.dates(date(1970, 1, 1), date(2026, 12, 31))),
        "competence_areas": st.frozensets(_area_ids(), max_size=4),
        "experience": st.lists(work_experiences(), max_size=3),
        "ects": _optional(st.integers(0, 600)),
        "title": st.sampled_from(_FOREIGN_TITLES),
    }


@st.composite
def _foreign_qualifications(draw: st.DrawFn, overrides: Overrides) -> ForeignQualification:
    f = _Fields(draw, overrides)
    parts = _qualification_parts()
    title, title_en, kind, months, field, eqf = draw(parts["title"])
    docs: list[Document] = f("documents", parts["documents"])
    all_available = all(d.available for d in docs)
    complete = f("documents_complete", _bools() if all_available else st.just(False))
    no_fault = f("documents_missing_through_no_fault", lambda: not complete and draw(_bools()))
    regulated_abroad = f("regulated_in_country_of_training", _opt(_bools()))
    entitled = f("entitled_to_practise", st.none() if regulated_abroad is False else _opt(_bools()))
    return _make(
        ForeignQualification,
        overrides,
        title_original=f("title_original", lambda: _either(draw, title, _free_text())),
        country_of_training=f("country_of_training", countries()),
        kind=f("kind", lambda: _either(draw, kind, _enum(QualificationKind))),
        duration_months=f("duration_months", lambda: _either(draw, months, _ints(1, 240))),
        title_en=f("title_en", lambda: _maybe(draw, title_en)),
        institution=f("institution", _opt(institutions())),
        eqf_level=f("eqf_level", lambda: _maybe(draw, EqfLevel(eqf))),
        isced_level=f("isced_level", _opt(_enum(IscedLevel))),
        isced_field=f("isced_field", lambda: _maybe(draw, IscedField(code=field))),
        directive_level=f("directive_level", _opt(_enum(DirectiveLevel))),
        ects=f("ects", parts["ects"]),
        completed_on=f("completed_on", parts["completed_on"]),
        documents=docs,
        documents_complete=complete,
        documents_missing_through_no_fault=no_fault,
        competence_areas=f("competence_areas", parts["competence_areas"]),
        regulated_in_country_of_training=regulated_abroad,
        entitled_to_practise=entitled,
        experience=f("experience", parts["experience"]),
    )


@_plain_cached
def foreign_qualifications(
    **overrides: SearchStrategy[Any],
) -> SearchStrategy[ForeignQualification]:
    """Foreign qualifications with consistent document and entitlement flags."""
    _check_overrides(ForeignQualification, overrides)
    return _foreign_qualifications(overrides)


_AREA_TEMPLATES = tuple(a for o in _OCCUPATIONS for a in o.areas)


@st.composite
def _competence_areas(draw: st.DrawFn, overrides: Overrides) -> CompetenceArea:
    f = _Fields(draw, overrides)
    area_id, de, en = draw(_choice(_AREA_TEMPLATES))
    return _make(
        CompetenceArea,
        overrides,
        id=f("id", lambda: _either(draw, area_id, _ids("area"))),
        title_de=f("title_de", lambda: _either(draw, de, _free_text())),
        title_en=f("title_en", lambda: en),
        essential=f("essential", _bools()),
        kind=f("kind", _enum(CompetenceKind)),
    )


@_plain_cached
def competence_areas(**overrides: SearchStrategy[Any]) -> SearchStrategy[CompetenceArea]:
    """Competence areas of reference occupations (German and English titles)."""
    _check_overrides(CompetenceArea, overrides)
    return _competence_areas(overrides)


@_plain_cached
def language_requirements(
    **overrides: SearchStrategy[Any],
) -> SearchStrategy[LanguageRequirement]:
    """Language levels required for licensure."""
    _check_overrides(LanguageRequirement, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "scope": _enum(LanguageScope),
        "level": _enum(CefrLevel),
        "language": st.sampled_from(("de", "deu")),
        "legal_reference": _optional(st.sampled_from(("BÄO", "PflBG", "GMK-Eckpunkte 2014"))),
    }
    return st.builds(LanguageRequirement, **{**defaults, **overrides})


_LAW_BASES: dict[LawLevel, tuple[LegalBasis, ...]] = {
    law: tuple(b for b in LegalBasis if b.law_level in (law, None)) for law in LawLevel
}
_OCCUPATION_FIELDS = tuple(attrs.fields_dict(ReferenceOccupation))


@functools.cache
def _occupation_parts() -> dict[str, SearchStrategy[Any]]:
    return {
        "areas": st.lists(competence_areas(), max_size=4, unique_by=lambda a: a.id),
        "language_requirements": st.lists(language_requirements(), max_size=2),
        "unverified": st.lists(st.sampled_from(_OCCUPATION_FIELDS), max_size=3, unique=True),
    }


@st.composite
def _reference_occupations(draw: st.DrawFn, overrides: Overrides) -> ReferenceOccupation:
    f = _Fields(draw, overrides)
    parts = _occupation_parts()
    index = draw(_ints(0, len(_OCCUPATIONS) - 1))
    t = _OCCUPATIONS[index]
    if f.given("sectoral") and not f.given("regulation"):
        sectoral = f("sectoral", st.none())
        regulation = f(
            "regulation",
            lambda: _R if sectoral is not None else _either(draw, t.regulation, _choice((_R, _N))),
        )
    else:
        regulation = f("regulation", lambda: _either(draw, t.regulation, _choice((_R, _N))))
        sectoral = f("sectoral", lambda: t.sectoral if regulation is _R else None)
    if f.given("legal_basis") and not f.given("law"):
        legal_basis: LegalBasis = f("legal_basis", st.none())
        law = f("law", lambda: legal_basis.law_level or t.law)
    else:
        law = f("law", lambda: t.law)
        bases = _LAW_BASES[law]
        legal_basis = f(
            "legal_basis",
            lambda: t.legal_basis if t.legal_basis in bases else draw(_choice(bases)),
        )
    state = f("state", _opt(_enum(FederalState)) if law is _LAND else st.none())

    def template_areas() -> list[CompetenceArea]:
        if not draw(_bools()):
            return list(draw(parts["areas"]))
        return [
            CompetenceArea(id=a, title_de=de, title_en=en, essential=draw(_bools()))
            for a, de, en in t.areas
        ]

    return _make(
        ReferenceOccupation,
        overrides,
        id=f("id", lambda: _either(draw, _OCCUPATION_IDS[index], _ids("occ"))),
        title_de=f("title_de", lambda: t.title_de),
        title_en=f("title_en", lambda: t.title_en),
        regulation=regulation,
        law=law,
        legal_basis=legal_basis,
        legal_reference=f("legal_reference", lambda: t.legal_reference),
        qualification_kind=f("qualification_kind", lambda: t.kind),
        nominal_duration_months=f(
            "nominal_duration_months", lambda: _either(draw, t.months, _ints(1, 240))
        ),
        source=f("source", lambda: GENERATED_SOURCE),
        kldb=f("kldb", _opt(kldb_codes())),
        isco=f("isco", _opt(isco_codes())),
        sectoral=sectoral,
        state=state,
        eqf_level=f("eqf_level", _opt(_enum(EqfLevel))),
        required_directive_level=f("required_directive_level", _opt(_enum(DirectiveLevel))),
        competence_areas=f("competence_areas", template_areas),
        language_requirements=f("language_requirements", parts["language_requirements"]),
        unverified=f("unverified", parts["unverified"]),
    )


@_plain_cached
def reference_occupations(
    **overrides: SearchStrategy[Any],
) -> SearchStrategy[ReferenceOccupation]:
    """German reference occupations: federal and Länder, regulated and not, sectoral or not."""
    _check_overrides(ReferenceOccupation, overrides)
    return _reference_occupations(overrides)


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


@st.composite
def _compensation_evidences(draw: st.DrawFn, overrides: Overrides) -> CompensationEvidence:
    f = _Fields(draw, overrides)
    kind = f("kind", _enum(EvidenceKind))
    months = _ints(1, 240) if kind is EvidenceKind.WORK_EXPERIENCE else _ints(1, 600)
    return _make(
        CompensationEvidence,
        overrides,
        kind=kind,
        description=f("description", _text(_EVIDENCE_TEXTS)),
        months=f("months", _opt(months)),
    )


@_plain_cached
def compensation_evidences(
    **overrides: SearchStrategy[Any],
) -> SearchStrategy[CompensationEvidence]:
    """Evidence that compensated a difference (experience, certificates, validated learning)."""
    _check_overrides(CompensationEvidence, overrides)
    return _compensation_evidences(overrides)


@_plain_cached
def substantial_differences(
    **overrides: SearchStrategy[Any],
) -> SearchStrategy[SubstantialDifference]:
    """Differences between a qualification and the reference occupation, some compensated."""
    _check_overrides(SubstantialDifference, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "area": _area_ids(),
        "basis": _enum(DifferenceBasis),
        "kind": _enum(CompetenceKind),
        "essential": _bools(),
        "compensated_by": _opt(compensation_evidences()),
        "description": _opt(_text(_DIFFERENCE_TEXTS)),
    }
    return st.builds(SubstantialDifference, **{**defaults, **overrides})


def _difference_key(d: SubstantialDifference) -> tuple[str, DifferenceBasis]:
    return (d.area, d.basis)


def _with_first(t: tuple[SubstantialDifference, list[SubstantialDifference]]) -> list[Any]:
    first, rest = t
    return [first, *(d for d in rest if _difference_key(d) != _difference_key(first))]


_NEEDS_REMAINING = (
    DecisionOutcome.PARTIAL_EQUIVALENCE,
    DecisionOutcome.COMPENSATION_MEASURE_REQUIRED,
)


@functools.cache
def _decision_parts() -> dict[str, SearchStrategy[Any]]:
    counting = substantial_differences(essential=st.just(True), compensated_by=st.none())
    non_counting = st.one_of(
        substantial_differences(essential=st.just(False)),
        substantial_differences(compensated_by=compensation_evidences()),
    )
    any_list = st.lists(substantial_differences(), max_size=3, unique_by=_difference_key)
    return {
        "full": st.lists(non_counting, max_size=3, unique_by=_difference_key),
        "remaining": st.tuples(counting, any_list).map(_with_first),
        "any": any_list,
        "existing": st.lists(_text(_EXISTING_QUALIFICATIONS), max_size=3),
        "existing1": st.lists(_text(_EXISTING_QUALIFICATIONS), min_size=1, max_size=3),
        "measures": st.frozensets(_enum(CompensationMeasureType), min_size=1),
        "outcomes_regulated": _choice(
            tuple(o for o in DecisionOutcome if o is not DecisionOutcome.PARTIAL_EQUIVALENCE)
        ),
        "outcomes_non_regulated": _choice(
            tuple(
                o for o in DecisionOutcome if o is not DecisionOutcome.COMPENSATION_MEASURE_REQUIRED
            )
        ),
    }


@st.composite
def _decisions(draw: st.DrawFn, overrides: Overrides) -> Decision:
    f = _Fields(draw, overrides)
    parts = _decision_parts()
    if f.given("outcome") and not f.given("regulated"):
        outcome: DecisionOutcome = f("outcome", st.none())
        if outcome is DecisionOutcome.PARTIAL_EQUIVALENCE:
            regulated = f("regulated", lambda: False)
        elif outcome is DecisionOutcome.COMPENSATION_MEASURE_REQUIRED:
            regulated = f("regulated", lambda: True)
        else:
            regulated = f("regulated", _bools())
    else:
        regulated = f("regulated", _bools())
        key = "outcomes_regulated" if regulated else "outcomes_non_regulated"
        outcome = f("outcome", parts[key])
    if outcome is DecisionOutcome.FULL_EQUIVALENCE:
        differences = f("differences", parts["full"])
    elif outcome in _NEEDS_REMAINING:
        differences = f("differences", parts["remaining"])
    else:
        differences = f("differences", parts["any"])
    partial = outcome is DecisionOutcome.PARTIAL_EQUIVALENCE
    compensation = outcome is DecisionOutcome.COMPENSATION_MEASURE_REQUIRED
    measures = f("permitted_measures", parts["measures"] if compensation else st.just(frozenset()))
    adaptation = f(
        "adaptation_period_months",
        _opt(_ints(1, MAX_ADAPTATION_PERIOD_MONTHS))
        if CompensationMeasureType.ADAPTATION_PERIOD in measures
        else st.none(),
    )
    return _make(
        Decision,
        overrides,
        id=f("id", _ids("dec")),
        outcome=outcome,
        decided_on=f("decided_on", _application_days()),
        occupation_id=f("occupation_id", _occupation_ids()),
        regulated=regulated,
        authority_id=f("authority_id", _opt(_ids("auth"))),
        route=f("route", _opt(_enum(RecognitionRoute))),
        existing_qualifications=f(
            "existing_qualifications", parts["existing1"] if partial else parts["existing"]
        ),
        differences=differences,
        permitted_measures=measures,
        adaptation_period_months=adaptation,
        legal_remedy_notice=f("legal_remedy_notice", _bools()),
    )


@_plain_cached
def decisions(**overrides: SearchStrategy[Any]) -> SearchStrategy[Decision]:
    """Records of notices whose outcome respects the invariants of the law (§§4, 7, 10, 11 BQFG)."""
    _check_overrides(Decision, overrides)
    return _decisions(overrides)


# --------------------------------------------------------------------------------------------
# Programme
# --------------------------------------------------------------------------------------------


@functools.cache
def _phase_sets() -> SearchStrategy[frozenset[FundingPhase]]:
    return st.frozensets(_enum(FundingPhase), min_size=1, max_size=3)


@st.composite
def _regional_networks(draw: st.DrawFn, overrides: Overrides) -> RegionalNetwork:
    f = _Fields(draw, overrides)
    state: FederalState = f("state", _enum(FederalState))
    names: tuple[str, ...] = (f"IQ Netzwerk {state.name_de}", f"IQ Landesnetzwerk {state.name_de}")
    if state is FederalState.NW:
        names += ("IQ NRW – West", "IQ NRW – Ost")
    return _make(
        RegionalNetwork,
        overrides,
        id=f("id", lambda: _either(draw, f"iq-{state.value[3:].lower()}", _ids("net"))),
        name=f("name", lambda: _either(draw, draw(_choice(names)), _free_text())),
        state=state,
        phases=f("phases", _phase_sets()),
        source=f("source", lambda: GENERATED_SOURCE),
        website=f("website", lambda: _maybe(draw, "https://www.netzwerk-iq.de")),
    )


@_plain_cached
def regional_networks(**overrides: SearchStrategy[Any]) -> SearchStrategy[RegionalNetwork]:
    """IQ regional networks: one Land each, at least one funding phase."""
    _check_overrides(RegionalNetwork, overrides)
    return _regional_networks(overrides)


@functools.cache
def _authority_parts() -> dict[str, SearchStrategy[Any]]:
    return {
        "states": st.frozensets(_enum(FederalState), min_size=1, max_size=2),
        "occupations": st.frozensets(_occupation_ids(), max_size=4),
        "kldb_prefixes": st.frozensets(st.from_regex(r"[0-9]{1,4}", fullmatch=True), max_size=3),
        "note": _opt(_free_text()),
    }


@st.composite
def _competent_authorities(draw: st.DrawFn, overrides: Overrides) -> CompetentAuthority:
    f = _Fields(draw, overrides)
    parts = _authority_parts()
    kind: AuthorityKind = f("kind", _enum(AuthorityKind))
    nationwide = kind in (AuthorityKind.IHK_FOSA, AuthorityKind.ZAB)
    states = f("states", st.just(frozenset()) if nationwide else parts["states"])
    place = min(states, default=None)
    name = _AUTHORITY_NAMES[kind]
    if place is not None:
        name = f"{name} {draw(_city_in(place))}"
    return _make(
        CompetentAuthority,
        overrides,
        id=f("id", _ids("auth")),
        name=f("name", lambda: _either(draw, name, _free_text())),
        kind=kind,
        source=f("source", lambda: GENERATED_SOURCE),
        states=states,
        occupations=f("occupations", parts["occupations"]),
        kldb_prefixes=f("kldb_prefixes", parts["kldb_prefixes"]),
        website=f("website", lambda: _maybe(draw, "https://www.anerkennung-in-deutschland.de")),
        note=f("note", parts["note"]),
    )


@_plain_cached
def competent_authorities(
    **overrides: SearchStrategy[Any],
) -> SearchStrategy[CompetentAuthority]:
    """Competent bodies: nationwide (IHK FOSA, ZAB) or for some Länder."""
    _check_overrides(CompetentAuthority, overrides)
    return _competent_authorities(overrides)


@st.composite
def _expert_bodies(draw: st.DrawFn, overrides: Overrides) -> ExpertBody:
    f = _Fields(draw, overrides)
    name, topic, phases = draw(_choice(_EXPERT_BODIES))
    return _make(
        ExpertBody,
        overrides,
        id=f("id", _ids("fs")),
        name=f("name", lambda: name),
        topic=f("topic", lambda: _either(draw, topic, _free_text())),
        phases=f("phases", lambda: _either(draw, phases, _phase_sets())),
        source=f("source", lambda: GENERATED_SOURCE),
    )


@_plain_cached
def expert_bodies(**overrides: SearchStrategy[Any]) -> SearchStrategy[ExpertBody]:
    """IQ expert bodies (Fachstellen) with the phases they ran in."""
    _check_overrides(ExpertBody, overrides)
    return _expert_bodies(overrides)


# --------------------------------------------------------------------------------------------
# Institutions
# --------------------------------------------------------------------------------------------


@st.composite
def _organisations(draw: st.DrawFn, overrides: Overrides) -> Organisation:
    f = _Fields(draw, overrides)
    kind: OrganisationKind = f("kind", _enum(OrganisationKind))
    state = f("state", _opt(_enum(FederalState)))
    return _make(
        Organisation,
        overrides,
        id=f("id", _ids("org")),
        name=f(
            "name",
            lambda: _either(draw, f"{_ORG_NAMES[kind]} {draw(_city_in(state))}", _free_text()),
        ),
        kind=kind,
        state=state,
        network_id=f("network_id", _opt(_ids("net"))),
    )


@_plain_cached
def organisations(**overrides: SearchStrategy[Any]) -> SearchStrategy[Organisation]:
    """Labour-market organisations (job centres, chambers, SMEs, authorities …)."""
    _check_overrides(Organisation, overrides)
    return _organisations(overrides)


_SUBPROJECT_NAMES: dict[PriorityArea, str] = {
    PriorityArea.RECOGNITION_QUALIFICATION_COUNSELLING: "Anerkennungs- und Qualifizierungsberatung",
    PriorityArea.QUALIFICATION_RECOGNITION_ACT: "Qualifizierung im Anerkennungskontext",
    PriorityArea.INTERCULTURAL_COMPETENCE: "Interkulturelle Kompetenzentwicklung",
    PriorityArea.REGIONAL_SKILLED_WORKER_NETWORKS: "Regionales Fachkräftenetzwerk Einwanderung",
    PriorityArea.FAIR_INTEGRATION: "Faire Integration",
}
_PHASES_WITH_AREAS = tuple(p for p in FundingPhase if PriorityArea.in_phase(p))


@st.composite
def _subprojects(draw: st.DrawFn, overrides: Overrides) -> Subproject:
    f = _Fields(draw, overrides)
    if f.given("priority_area") and not f.given("phase"):
        area: PriorityArea = f("priority_area", st.none())
        phase = f("phase", _choice(tuple(sorted(area.phases))))
    else:
        phase = f("phase", _choice(_PHASES_WITH_AREAS))
        area = f("priority_area", _choice(PriorityArea.in_phase(phase)))
    return _make(
        Subproject,
        overrides,
        id=f("id", _ids("tp")),
        name=f(
            "name",
            lambda: _either(draw, f"{_SUBPROJECT_NAMES[area]} {draw(_city())}", _free_text()),
        ),
        network_id=f("network_id", _ids("net")),
        priority_area=area,
        phase=phase,
        implementing_organisation=f("implementing_organisation", organisations()),
    )


@_plain_cached
def subprojects(**overrides: SearchStrategy[Any]) -> SearchStrategy[Subproject]:
    """Subprojects whose priority area exists in their funding phase."""
    _check_overrides(Subproject, overrides)
    return _subprojects(overrides)


@_plain_cached
def partners(**overrides: SearchStrategy[Any]) -> SearchStrategy[Partner]:
    """Partners of a regional workshop; contact points are functions, never people."""
    _check_overrides(Partner, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "organisation": organisations(),
        "responsibilities": st.frozensets(_enum(IntegrationStep), max_size=4),
        "contact_point": _text(_CONTACT_POINTS),
        "participants": st.integers(1, 3),
    }
    return st.builds(Partner, **{**defaults, **overrides})


@functools.cache
def _partner_lists() -> SearchStrategy[list[Partner]]:
    return st.lists(partners(), max_size=8, unique_by=lambda p: p.organisation.id)


@st.composite
def _stakeholder_networks(draw: st.DrawFn, overrides: Overrides) -> StakeholderNetwork:
    f = _Fields(draw, overrides)
    partner_list = f("partners", _partner_lists())
    ids = tuple(sorted(p.organisation.id for p in partner_list))
    organisers = f(
        "organisers",
        st.frozensets(_choice(ids), max_size=2) if ids else st.just(frozenset()),
    )
    return _make(
        StakeholderNetwork,
        overrides,
        id=f("id", _ids("rw")),
        name=f("name", lambda: _either(draw, f"Regionalwerkstatt {draw(_city())}", _free_text())),
        network_id=f("network_id", _ids("net")),
        partners=partner_list,
        organisers=organisers,
    )


@_plain_cached
def stakeholder_networks(
    **overrides: SearchStrategy[Any],
) -> SearchStrategy[StakeholderNetwork]:
    """Regional workshops within the recommended size (at most 24 people by default)."""
    _check_overrides(StakeholderNetwork, overrides)
    return _stakeholder_networks(overrides)


def stakeholder_network_size_warnings() -> SearchStrategy[StakeholderNetworkSizeWarning]:
    """The warning about an oversized regional workshop (for completeness of the mapping)."""
    return st.integers(26, 200).map(
        lambda n: StakeholderNetworkSizeWarning(
            f"regional workshop has {n} people; the recommended maximum is 20-25"
        )
    )


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


@_plain_cached
def modules(**overrides: SearchStrategy[Any]) -> SearchStrategy[Module]:
    """Modules of a training scheme with hours, weeks and the competence areas covered."""
    _check_overrides(Module, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "id": _ids("mod"),
        "title": _text(_MODULE_TITLES),
        "hours": st.one_of(st.just(16), st.integers(4, 400), st.integers(1, 5000)),
        "covers": st.frozensets(_area_ids(), max_size=3),
        "weeks": st.integers(1, 52),
    }
    return st.builds(Module, **{**defaults, **overrides})


@_plain_cached
def language_prerequisites(
    **overrides: SearchStrategy[Any],
) -> SearchStrategy[LanguagePrerequisite]:
    """A CEFR level and scope a scheme needs (or teaches)."""
    _check_overrides(LanguagePrerequisite, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "level": _enum(CefrLevel),
        "scope": _enum(LanguageScope),
    }
    return st.builds(LanguagePrerequisite, **{**defaults, **overrides})


@_plain_cached
def scheme_runs(**overrides: SearchStrategy[Any]) -> SearchStrategy[SchemeRun]:
    """Runs (cohorts) of a scheme: a start date and places."""
    _check_overrides(SchemeRun, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "starts_on": _application_days(),
        "capacity": st.one_of(st.integers(5, 30), st.integers(0, 10_000)),
    }
    return st.builds(SchemeRun, **{**defaults, **overrides})


def _sorted_runs(runs: list[SchemeRun]) -> list[SchemeRun]:
    return sorted(runs, key=lambda r: r.starts_on)


@functools.cache
def _scheme_parts() -> dict[str, SearchStrategy[Any]]:
    return {
        "modules_staff": st.lists(modules(), max_size=5, unique_by=lambda x: x.id),
        "modules_migrants": st.lists(modules(), min_size=1, max_size=5, unique_by=lambda x: x.id),
        "occupations": st.frozensets(_occupation_ids(), max_size=3),
        "prerequisite": _opt(language_prerequisites()),
        "runs": st.lists(scheme_runs(), max_size=3).map(_sorted_runs),
        "unverified": st.lists(
            st.sampled_from(("runs", "modules", "language_prerequisite")), unique=True, max_size=2
        ),
        "measure": _opt(_enum(CompensationMeasureType)),
        "form": _opt(_enum(AdaptationQualificationForm)),
    }


@st.composite
def _training_schemes(draw: st.DrawFn, overrides: Overrides) -> TrainingScheme:
    f = _Fields(draw, overrides)
    parts = _scheme_parts()
    audience: Audience = f("audience", _enum(Audience))
    staff = audience is Audience.STAFF
    module_list = f("modules", parts["modules_staff" if staff else "modules_migrants"])
    if staff:
        measure = f("measure_type", st.none())
        form = f("adaptation_form", st.none())
    elif f.given("adaptation_form") and not f.given("measure_type"):
        form = f("adaptation_form", st.none())
        measure = f("measure_type", st.none() if form is not None else parts["measure"])
    else:
        measure = f("measure_type", parts["measure"])
        form = f("adaptation_form", st.none() if measure is not None else parts["form"])
    area = (
        PriorityArea.INTERCULTURAL_COMPETENCE
        if staff
        else PriorityArea.QUALIFICATION_RECOGNITION_ACT
    )
    return _make(
        TrainingScheme,
        overrides,
        id=f("id", _ids("scheme")),
        title=f("title", _text(_STAFF_SCHEMES if staff else _MIGRANT_SCHEMES)),
        provider=f("provider", _text(_PROVIDERS)),
        priority_area=f("priority_area", lambda: _either(draw, area, _enum(PriorityArea))),
        source=f("source", lambda: GENERATED_SOURCE),
        network_id=f("network_id", _opt(_ids("net"))),
        audience=audience,
        target_occupations=f(
            "target_occupations", st.just(frozenset()) if staff else parts["occupations"]
        ),
        modules=module_list,
        language_prerequisite=f("language_prerequisite", parts["prerequisite"]),
        teaches_language=f("teaches_language", parts["prerequisite"]),
        measure_type=measure,
        adaptation_form=form,
        delivery=f("delivery", _enum(DeliveryMode)),
        runs=f("runs", parts["runs"]),
        unverified=f("unverified", parts["unverified"]),
    )


@_plain_cached
def training_schemes(**overrides: SearchStrategy[Any]) -> SearchStrategy[TrainingScheme]:
    """Training schemes for migrants (with modules) or for staff (no occupations or measures)."""
    _check_overrides(TrainingScheme, overrides)
    return _training_schemes(overrides)


# --------------------------------------------------------------------------------------------
# Applications and cases
# --------------------------------------------------------------------------------------------


@st.composite
def _suspensions(draw: st.DrawFn, overrides: Overrides) -> Suspension:
    f = _Fields(draw, overrides)
    start = f("start", _application_days())
    return _make(
        Suspension,
        overrides,
        start=start,
        reason=f("reason", _enum(SuspensionReason)),
        end=f("end", lambda: _maybe_after(draw, start, 180)),
    )


@_plain_cached
def suspensions(**overrides: SearchStrategy[Any]) -> SearchStrategy[Suspension]:
    """Periods in which the decision clock stands still (end exclusive, never before start)."""
    _check_overrides(Suspension, overrides)
    return _suspensions(overrides)


@_plain_cached
def extensions(**overrides: SearchStrategy[Any]) -> SearchStrategy[Extension]:
    """The one extension of the decision deadline."""
    _check_overrides(Extension, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "granted_on": _application_days(),
        "months": st.one_of(st.integers(1, 2), st.integers(1, 12)),
        "reason": _text(_EXTENSION_REASONS),
    }
    return st.builds(Extension, **{**defaults, **overrides})


def _suspension_series(draw: st.DrawFn, after: date) -> list[Suspension]:
    n = draw(_ints(0, 3))
    out: list[Suspension] = []
    cursor = _after(draw, after, 90)
    for i in range(n):
        start = cursor
        end: date | None = _after(draw, start, 120)
        if i == n - 1 and draw(_bools()):
            end = None
        out.append(Suspension(start=start, reason=draw(_enum(SuspensionReason)), end=end))
        if end is not None:
            cursor = _after(draw, end, 60)
    return out


def _extension(draw: st.DrawFn, complete_on: date | None) -> Extension | None:
    if complete_on is None or not draw(_bools()):
        return None
    granted = _after(draw, complete_on, 90)
    return Extension(
        granted_on=granted,
        months=draw(_ints(1, 12)),
        reason=draw(_text(_EXTENSION_REASONS)),
    )


@st.composite
def _recognition_applications(draw: st.DrawFn, overrides: Overrides) -> RecognitionApplication:
    f = _Fields(draw, overrides)
    received: date = f("received_on", _application_days())
    eligible = eu_eea_ch_codes(received)
    if f.given("qualification") and not f.given("route"):
        qualification: ForeignQualification = f("qualification", st.none())
        ok = qualification.country_of_training.code in eligible
        routes = tuple(
            r for r in RecognitionRoute if ok or r is not RecognitionRoute.AUTOMATIC_SECTORAL
        )
        route = f("route", _opt(_choice(routes)))
    else:
        route = f("route", _opt(_enum(RecognitionRoute)))
        if route is RecognitionRoute.AUTOMATIC_SECTORAL:
            qualification = f("qualification", _eligible_qualifications(eligible))
        else:
            qualification = f("qualification", foreign_qualifications())
    automatic = route is RecognitionRoute.AUTOMATIC_SECTORAL
    if f.given("regulated") and not f.given("sectoral"):
        regulated: bool = f("regulated", st.none())
        sectoral = f("sectoral", _opt(_enum(SectoralProfession)) if regulated else st.none())
    else:
        sectoral = f(
            "sectoral",
            _enum(SectoralProfession) if automatic else _opt(_enum(SectoralProfession)),
        )
        regulated = f("regulated", (lambda: True) if sectoral is not None else _bools())
    occupation_id = f("occupation_id", _occupation_ids())

    def decision() -> Decision | None:
        if draw(_bools()):
            return None
        return draw(
            decisions(
                occupation_id=st.just(occupation_id),
                regulated=st.just(regulated),
                decided_on=_on_or_after(received, 365),
            )
        )

    the_decision = f("decision", decision)
    statuses = _STATUSES_DECIDED if the_decision is not None else _STATUSES_UNDECIDED
    complete_on = f("complete_on", lambda: _maybe_after(draw, received, 120))
    return _make(
        RecognitionApplication,
        overrides,
        id=f("id", _ids("app")),
        migrant_id=f("migrant_id", _ids("m")),
        qualification=qualification,
        occupation_id=occupation_id,
        regulated=regulated,
        received_on=received,
        status=f("status", statuses),
        sectoral=sectoral,
        authority_id=f("authority_id", _opt(_ids("auth"))),
        route=route,
        accelerated=f("accelerated", _bools()),
        acknowledged_on=f("acknowledged_on", lambda: _maybe_after(draw, received, 30)),
        complete_on=complete_on,
        suspensions=f("suspensions", lambda: _suspension_series(draw, received)),
        extension=f("extension", lambda: _extension(draw, complete_on)),
        decision=the_decision,
    )


_STATUSES_DECIDED = st.sampled_from(ApplicationStatus)
_STATUSES_UNDECIDED = st.sampled_from(
    [s for s in ApplicationStatus if s is not ApplicationStatus.DECIDED]
)


@functools.cache
def _eligible_qualifications(codes: tuple[str, ...]) -> SearchStrategy[ForeignQualification]:
    return foreign_qualifications(
        country_of_training=st.sampled_from(codes).map(lambda c: Country(code=c))
    )


@_plain_cached
def recognition_applications(
    **overrides: SearchStrategy[Any],
) -> SearchStrategy[RecognitionApplication]:
    """Applications: dates in order, suspensions in order without overlap, and an automatic
    sectoral route only for a sectoral profession and a qualification from the EU, EEA or CH
    as of the day the application was received (the United Kingdom before 1 February 2020)."""
    _check_overrides(RecognitionApplication, overrides)
    return _recognition_applications(overrides)


@functools.cache
def _minutes() -> SearchStrategy[int]:
    return st.one_of(st.sampled_from((15, 30, 45, 60, 90)), st.integers(1, 600))


@st.composite
def _contacts(draw: st.DrawFn, overrides: Overrides) -> Contact:
    f = _Fields(draw, overrides)
    return _make(
        Contact,
        overrides,
        on=f("on", _application_days()),
        channel=f("channel", _enum(ContactChannel)),
        minutes=f("minutes", _minutes()),
    )


@_plain_cached
def contacts(**overrides: SearchStrategy[Any]) -> SearchStrategy[Contact]:
    """Counselling contacts: a day, a channel, minutes."""
    _check_overrides(Contact, overrides)
    return _contacts(overrides)


@_plain_cached
def referrals(**overrides: SearchStrategy[Any]) -> SearchStrategy[Referral]:
    """Referrals of a case to another service."""
    _check_overrides(Referral, overrides)
    defaults: dict[str, SearchStrategy[Any]] = {
        "to": _enum(ReferralTarget),
        "on": _application_days(),
    }
    return st.builds(Referral, **{**defaults, **overrides})


_OPEN_CASE_STATUSES = tuple(s for s in CaseStatus if s is not CaseStatus.CLOSED)


@functools.cache
def _case_parts() -> dict[str, SearchStrategy[Any]]:
    return {
        "application_ids": st.lists(_ids("app"), max_size=2),
        "scheme_ids": st.lists(_ids("scheme"), max_size=2),
        "occupation_id": _opt(_occupation_ids()),
        "referral_source": _opt(_enum(ReferralSource)),
    }


@st.composite
def _counselling_cases(draw: st.DrawFn, overrides: Overrides) -> CounsellingCase:
    f = _Fields(draw, overrides)
    parts = _case_parts()
    opened: date = f("opened_on", _application_days())
    if (f.given("closure_reason") or f.given("closed_on")) and not f.given("status"):
        reason = f("closure_reason", st.none())
        closed_on = f("closed_on", st.none())
        closed = reason is not None or closed_on is not None
        status = f(
            "status", (lambda: CaseStatus.CLOSED) if closed else _choice(_OPEN_CASE_STATUSES)
        )
        if closed and reason is None and not f.given("closure_reason"):
            reason = draw(_enum(ClosureReason))
        if closed and closed_on is None and not f.given("closed_on"):
            closed_on = _after(draw, opened, 1095)
    else:
        status = f("status", _enum(CaseStatus))
        closed = status is CaseStatus.CLOSED
        reason = f("closure_reason", _enum(ClosureReason) if closed else st.none())
        closed_on = f("closed_on", (lambda: _after(draw, opened, 1095)) if closed else st.none())

    def contact_list() -> list[Contact]:
        n = draw(_ints(0, 4))
        days = sorted(_after(draw, opened, 730) for _ in range(n))
        return [
            Contact(on=d, channel=draw(_enum(ContactChannel)), minutes=draw(_minutes()))
            for d in days
        ]

    def referral_list() -> list[Referral]:
        n = draw(_ints(0, 2))
        return [
            Referral(to=draw(_enum(ReferralTarget)), on=_after(draw, opened, 730)) for _ in range(n)
        ]

    return _make(
        CounsellingCase,
        overrides,
        id=f("id", _ids("case")),
        migrant_id=f("migrant_id", _ids("m")),
        network_id=f("network_id", _ids("net")),
        opened_on=opened,
        status=status,
        occupation_id=f("occupation_id", parts["occupation_id"]),
        referral_source=f("referral_source", parts["referral_source"]),
        contacts=f("contacts", contact_list),
        referrals=f("referrals", referral_list),
        application_ids=f("application_ids", parts["application_ids"]),
        scheme_ids=f("scheme_ids", parts["scheme_ids"]),
        closure_reason=reason,
        closed_on=closed_on,
    )


@_plain_cached
def counselling_cases(**overrides: SearchStrategy[Any]) -> SearchStrategy[CounsellingCase]:
    """Counselling cases: closed ones (and only those) have a closure reason and date."""
    _check_overrides(CounsellingCase, overrides)
    return _counselling_cases(overrides)


# --------------------------------------------------------------------------------------------
# The mapping, strategy_for, and the hypothesis entry point
# --------------------------------------------------------------------------------------------

StrategyFactory = Callable[..., SearchStrategy[Any]]

_ATTRS_STRATEGIES: dict[type, StrategyFactory] = {
    Country: countries,
    IscedField: isced_fields,
    KldbCode: kldb_codes,
    IscoCode: isco_codes,
    Consent: consents,
    LanguageSkill: language_skills,
    Migrant: migrants,
    IdentityRecord: identity_records,
    Institution: institutions,
    Document: documents,
    WorkExperience: work_experiences,
    ForeignQualification: foreign_qualifications,
    CompetenceArea: competence_areas,
    LanguageRequirement: language_requirements,
    ReferenceOccupation: reference_occupations,
    CompensationEvidence: compensation_evidences,
    SubstantialDifference: substantial_differences,
    Decision: decisions,
    RegionalNetwork: regional_networks,
    CompetentAuthority: competent_authorities,
    ExpertBody: expert_bodies,
    Organisation: organisations,
    Subproject: subprojects,
    Partner: partners,
    StakeholderNetwork: stakeholder_networks,
    Module: modules,
    LanguagePrerequisite: language_prerequisites,
    SchemeRun: scheme_runs,
    TrainingScheme: training_schemes,
    Suspension: suspensions,
    Extension: extensions,
    RecognitionApplication: recognition_applications,
    Contact: contacts,
    Referral: referrals,
    CounsellingCase: counselling_cases,
}


def _enum_factory(cls: type[enum.Enum]) -> StrategyFactory:
    def factory(**overrides: SearchStrategy[Any]) -> SearchStrategy[Any]:
        if overrides:
            raise TypeError(f"{cls.__name__} is an enum and takes no overrides")
        return st.sampled_from(cls)

    factory.__name__ = f"strategy_for_{cls.__name__}"
    factory.__doc__ = f"Every member of :class:`~iqcore.{cls.__name__}`."
    return factory


def _warning_factory(**overrides: SearchStrategy[Any]) -> SearchStrategy[Any]:
    if overrides:
        raise TypeError("StakeholderNetworkSizeWarning takes no overrides")
    return stakeholder_network_size_warnings()


def _all_strategies() -> dict[type, StrategyFactory]:
    out: dict[type, StrategyFactory] = {}
    for name in m.__all__:
        obj = getattr(m, name)
        if not isinstance(obj, type):
            continue
        if obj in _ATTRS_STRATEGIES:
            out[obj] = _ATTRS_STRATEGIES[obj]
        elif issubclass(obj, enum.Enum):
            out[obj] = _enum_factory(obj)
        elif obj is StakeholderNetworkSizeWarning:
            out[obj] = _warning_factory
        else:  # pragma: no cover - a new public class needs a strategy here
            raise RuntimeError(f"iqcore.testing.strategies has no strategy for {name}")
    return out


#: Every public class of :mod:`iqcore.model` (attrs classes, enums, the size warning) mapped
#: to its strategy function; call it with keyword overrides for attrs classes.
STRATEGIES: Mapping[type, StrategyFactory] = _all_strategies()


def strategy_for(cls: type[T], **overrides: SearchStrategy[Any]) -> SearchStrategy[T]:
    """The strategy for a public model class, with keyword overrides (one strategy per field).

    Raises :class:`KeyError` for a class that is not a public iqcore model type.
    """
    try:
        factory = STRATEGIES[cls]
    except KeyError:
        raise KeyError(
            f"{getattr(cls, '__name__', cls)!r} is not a public iqcore model type"
        ) from None
    return factory(**overrides)


def _resolve(cls: type[Any]) -> SearchStrategy[Any]:
    return strategy_for(cls)


def _hypothesis_setup_hook() -> None:
    """Register every strategy with hypothesis (run by hypothesis through its entry point).

    Registration is lazy: nothing is drawn or loaded (no pycountry, no reference data) until a
    test asks for one of these types.
    """
    for cls in STRATEGIES:
        st.register_type_strategy(cls, _resolve)
