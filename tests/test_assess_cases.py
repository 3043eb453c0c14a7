# mypy's attrs plugin types the model's converted collection fields (converter=tuple,
# converter=frozenset) as Iterable[_T_co]; the values passed here are right at run time.
# mypy: disable-error-code="arg-type"
"""Realistic cases through ``iqcore.assess`` with the built-in federal rules."""

from __future__ import annotations

from datetime import date

import pytest

import iqcore
from iqcore.errors import NotFound, ValidationError
from iqcore.model import (
    CefrLevel,
    CompensationMeasureType,
    Country,
    DecisionOutcome,
    DifferenceBasis,
    Document,
    DocumentKind,
    EvidenceKind,
    FederalState,
    ForeignQualification,
    LanguageScope,
    LanguageSkill,
    Migrant,
    QualificationKind,
    RecognitionRoute,
    WorkExperience,
)
from iqcore.plugins import PluginHost, make_host
from iqcore.reference_data import occupation
from iqcore.rules import Assessment, LegalPath, LicensingStatus, NextStepKind, Stage


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return make_host(autoload=False)


def qual(
    country: str, kind: QualificationKind, months: int, areas: set[str], **kw: object
) -> ForeignQualification:
    return ForeignQualification(
        title_original="Abschluss",
        country_of_training=Country(code=country),
        kind=kind,
        duration_months=months,
        competence_areas=frozenset(areas),
        **kw,
    )


def person(**kw: object) -> Migrant:
    return Migrant(id="p-1", **kw)


DOCTOR_AREAS = {
    "internal_medicine",
    "surgery",
    "pharmacology",
    "hygiene",
    "paediatrics",
    "gynaecology_obstetrics",
    "psychiatry",
}


def test_doctor_trained_in_syria_needs_knowledge_exam(host: PluginHost) -> None:
    q = qual("SY", QualificationKind.HIGHER_EDUCATION, 72, DOCTOR_AREAS)
    applicant = person(
        residence_state=FederalState.NW,
        languages=(LanguageSkill(language="de", level=CefrLevel.B2),),
    )
    a = iqcore.assess(
        q, occupation("doctor"), applicant=applicant, as_of=date(2024, 5, 1), host=host
    )
    assert a.outcome is DecisionOutcome.COMPENSATION_MEASURE_REQUIRED
    assert a.route is RecognitionRoute.NATIONAL
    assert a.legal_path is LegalPath.FEDERAL_FACHRECHT
    assert a.permitted_measures == {CompensationMeasureType.KNOWLEDGE_EXAM}
    assert {d.area for d in a.remaining} == {"emergency_medicine", "general_practice"}
    assert all(m.covers == ("emergency_medicine", "general_practice") for m in a.measures)
    # non-essential areas not covered stay on record but do not count
    assert {d.area for d in a.differences if not d.essential} == {
        "radiation_protection",
        "medical_law",
    }
    gaps = {(c.scope, c.required): c.status for c in a.licensing}
    assert gaps[(LanguageScope.GENERAL, CefrLevel.B2)] is LicensingStatus.MET
    assert gaps[(LanguageScope.OCCUPATIONAL, CefrLevel.C1)] is LicensingStatus.UNKNOWN
    assert a.entry("baeo.measures.knowledge_exam").applied
    assert not a.entry("bqfg.measures.default").applied


def test_doctor_from_syria_abroad_must_show_intent_to_work(host: PluginHost) -> None:
    q = qual("SY", QualificationKind.HIGHER_EDUCATION, 72, DOCTOR_AREAS)
    applicant = person(nationalities={Country(code="SY")}, residence_country=Country(code="SY"))
    a = iqcore.assess(
        q, occupation("doctor"), applicant=applicant, as_of=date(2024, 5, 1), host=host
    )
    assert NextStepKind.PROOF_OF_INTENT_TO_WORK in {s.kind for s in a.next_steps}


NURSE_AREAS = {
    "acute_inpatient_care",
    "long_term_inpatient_care",
    "outpatient_care",
    "paediatric_care",
    "nursing_process",
}


def test_nurse_from_the_philippines_chooses_exam_or_adaptation(host: PluginHost) -> None:
    q = qual("PH", QualificationKind.HIGHER_EDUCATION, 48, NURSE_AREAS)
    a = iqcore.assess(q, occupation("nurse"), as_of=date(2023, 3, 1), host=host)
    assert a.outcome is DecisionOutcome.COMPENSATION_MEASURE_REQUIRED
    assert a.permitted_measures == {
        CompensationMeasureType.KNOWLEDGE_EXAM,
        CompensationMeasureType.ADAPTATION_PERIOD,
    }
    assert a.applicant_chooses
    adaptation = [m for m in a.measures if m.type is CompensationMeasureType.ADAPTATION_PERIOD]
    assert adaptation[0].max_months == 36
    entry = a.entry("pflbg.measures.third_country")
    assert entry.applied
    assert entry.rule.replaces == "krpflg.measures.third_country"


def test_nurse_before_pflbg_uses_the_krpflg_rule(host: PluginHost) -> None:
    q = qual("PH", QualificationKind.HIGHER_EDUCATION, 48, NURSE_AREAS)
    a = iqcore.assess(q, occupation("nurse"), as_of=date(2019, 6, 1), host=host)
    assert a.entry("krpflg.measures.third_country").applied
    with pytest.raises(KeyError):
        a.entry("pflbg.measures.third_country")


@pytest.mark.parametrize(
    ("as_of", "route", "outcome"),
    [
        (
            date(2006, 6, 1),
            RecognitionRoute.NATIONAL,
            DecisionOutcome.COMPENSATION_MEASURE_REQUIRED,
        ),
        (date(2007, 1, 1), RecognitionRoute.AUTOMATIC_SECTORAL, DecisionOutcome.FULL_EQUIVALENCE),
        (date(2015, 1, 1), RecognitionRoute.AUTOMATIC_SECTORAL, DecisionOutcome.FULL_EQUIVALENCE),
    ],
)
def test_nurse_from_romania_before_and_after_eu_accession(
    host: PluginHost, as_of: date, route: RecognitionRoute, outcome: DecisionOutcome
) -> None:
    q = qual("RO", QualificationKind.VOCATIONAL_SCHOOL, 36, NURSE_AREAS)
    a = iqcore.assess(q, occupation("nurse"), as_of=as_of, host=host)
    assert a.route is route
    assert a.outcome is outcome
    assert a.entry("eu.scope.automatic_sectoral").applied is (
        route is RecognitionRoute.AUTOMATIC_SECTORAL
    )


def test_electronics_technician_from_turkey_experience_compensates(host: PluginHost) -> None:
    experience = (
        WorkExperience(
            occupation="Elektriker",
            months=48,
            country=Country(code="TR"),
            evidenced=True,
            competence_areas={"electrical_safety", "building_automation"},
        ),
    )
    q = qual(
        "TR",
        QualificationKind.VOCATIONAL_SCHOOL,
        24,
        {"electrical_installation", "energy_systems"},
        experience=experience,
    )
    a = iqcore.assess(q, occupation("electronics_technician"), as_of=date(2024, 1, 15), host=host)
    assert a.outcome is DecisionOutcome.FULL_EQUIVALENCE
    assert a.remaining == ()
    compensated = {(d.area, d.basis) for d in a.compensated}
    assert compensated == {
        ("electrical_safety", DifferenceBasis.CONTENT),
        ("building_automation", DifferenceBasis.CONTENT),
        ("duration", DifferenceBasis.DURATION),
    }
    for d in a.compensated:
        assert d.compensated_by is not None
        assert d.compensated_by.kind is EvidenceKind.WORK_EXPERIENCE


def test_electronics_technician_without_evidence_is_partial(host: PluginHost) -> None:
    experience = (
        WorkExperience(
            occupation="Elektriker",
            months=48,
            country=Country(code="TR"),
            evidenced=False,
            competence_areas={"electrical_safety"},
        ),
    )
    q = qual(
        "TR",
        QualificationKind.VOCATIONAL_SCHOOL,
        42,
        {"electrical_installation", "energy_systems", "building_automation"},
        experience=experience,
    )
    a = iqcore.assess(q, occupation("electronics_technician"), as_of=date(2024, 1, 15), host=host)
    assert a.outcome is DecisionOutcome.PARTIAL_EQUIVALENCE
    (remedy,) = a.remedies
    assert remedy.area == "electrical_safety"
    assert remedy.more_experience_months == 12


def test_office_clerk_missing_bookkeeping_is_partial(host: PluginHost) -> None:
    q = qual(
        "UA",
        QualificationKind.VOCATIONAL_SCHOOL,
        36,
        {
            "office_organisation",
            "customer_relations",
            "human_resources",
            "procurement",
            "office_it",
        },
    )
    a = iqcore.assess(q, occupation("office_management_clerk"), as_of=date(2024, 9, 1), host=host)
    assert a.outcome is DecisionOutcome.PARTIAL_EQUIVALENCE
    assert [d.area for d in a.remaining] == ["bookkeeping"]
    assert [d.area for d in a.differences] == ["bookkeeping"]
    assert a.measures == ()
    steps = {s.kind: s for s in a.next_steps}
    assert steps[NextStepKind.ADAPTATION_QUALIFICATION].items == ("bookkeeping",)


def test_missing_documents_after_flight_lead_to_qualification_analysis(host: PluginHost) -> None:
    q = qual(
        "SY",
        QualificationKind.VOCATIONAL_SCHOOL,
        36,
        {"office_organisation", "bookkeeping", "customer_relations", "human_resources"},
        documents=(Document(kind=DocumentKind.TRAINING_CERTIFICATE, available=False),),
        documents_complete=False,
        documents_missing_through_no_fault=True,
    )
    a = iqcore.assess(q, occupation("office_management_clerk"), as_of=date(2024, 9, 1), host=host)
    kinds = {s.kind: s for s in a.next_steps}
    assert NextStepKind.QUALIFICATION_ANALYSIS in kinds
    assert kinds[NextStepKind.SUBMIT_MISSING_DOCUMENTS].items == ("TRAINING_CERTIFICATE",)


def test_qualification_analysis_only_under_bqfg_or_hwo(host: PluginHost) -> None:
    q = qual(
        "SY",
        QualificationKind.HIGHER_EDUCATION,
        72,
        DOCTOR_AREAS,
        documents_complete=False,
        documents_missing_through_no_fault=True,
    )
    a = iqcore.assess(q, occupation("doctor"), as_of=date(2024, 9, 1), host=host)
    assert NextStepKind.QUALIFICATION_ANALYSIS not in {s.kind for s in a.next_steps}


def test_mathematician_gets_a_statement_of_comparability(host: PluginHost) -> None:
    q = qual("IN", QualificationKind.HIGHER_EDUCATION, 36, set())
    a = iqcore.assess(q, occupation("mathematician"), as_of=date(2024, 9, 1), host=host)
    assert a.outcome is None
    assert a.route is RecognitionRoute.ACADEMIC_COMPARABILITY
    assert a.legal_path is LegalPath.ACADEMIC
    assert [s.kind for s in a.next_steps] == [NextStepKind.STATEMENT_OF_COMPARABILITY]
    assert a.applied(Stage.COMPARISON) == ()


def test_school_certificate_is_not_a_professional_qualification(host: PluginHost) -> None:
    q = qual("TR", QualificationKind.SCHOOL, 36, {"office_organisation"})
    a = iqcore.assess(q, occupation("office_management_clerk"), as_of=date(2024, 9, 1), host=host)
    assert a.outcome is DecisionOutcome.NO_EQUIVALENCE
    assert [o.code for o in a.obstacles] == ["NOT_A_PROFESSIONAL_QUALIFICATION"]


def test_unknown_network_fails_closed(host: PluginHost) -> None:
    q = qual("TR", QualificationKind.VOCATIONAL_SCHOOL, 36, set())
    with pytest.raises(NotFound, match="unknown regional network"):
        iqcore.assess(
            q,
            occupation("office_management_clerk"),
            as_of=date(2024, 1, 1),
            network="iq-misspelt",
            host=host,
        )
    a = iqcore.assess(
        q,
        occupation("office_management_clerk"),
        as_of=date(2024, 1, 1),
        network="iq-nrw-ost",
        host=host,
    )
    assert a.state is FederalState.NW


def test_before_the_modelled_period_nothing_is_in_force(host: PluginHost) -> None:
    q = qual("TR", QualificationKind.VOCATIONAL_SCHOOL, 36, set())
    with pytest.raises(NotFound):
        iqcore.assess(q, occupation("office_management_clerk"), as_of=date(2001, 1, 1), host=host)


def test_wrong_argument_types_are_reported_together(host: PluginHost) -> None:
    with pytest.raises(ValidationError) as info:
        iqcore.assess("q", "o", as_of="2024-01-01", host=host)
    assert info.value.paths() == ["$.qualification", "$.occupation", "$.as_of"]


def test_assessment_json_round_trip(host: PluginHost) -> None:
    from iqcore.serialization import from_json, to_json

    q = qual("PH", QualificationKind.HIGHER_EDUCATION, 48, NURSE_AREAS)
    a = iqcore.assess(
        q, occupation("nurse"), as_of=date(2023, 3, 1), network="iq-nrw-west", host=host
    )
    raw = to_json(a)
    back = from_json(raw, Assessment)
    assert back == a
    assert to_json(back) == raw
