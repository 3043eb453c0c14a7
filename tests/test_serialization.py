"""JSON serialisation: round trips, the wire format, and precise, value-free input errors."""

from __future__ import annotations

import copy
import gc
import random
from datetime import date
from typing import Any

import attrs
import orjson
import pytest

import iqcore
from iqcore import serialization as ser
from iqcore.errors import Problem, ValidationError
from iqcore.model import (
    TOP_LEVEL_TYPES,
    AnabinInstitutionStatus,
    ApplicationStatus,
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
    Decision,
    DecisionOutcome,
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
    Subproject,
    SubstantialDifference,
    Suspension,
    SuspensionReason,
    TrainingScheme,
    WorkExperience,
)

# ------------------------------------------------------------------------------------------------
# Hand-made, realistic objects of every top-level type
# ------------------------------------------------------------------------------------------------


def _qualification() -> ForeignQualification:
    return ForeignQualification(
        title_original="Інженер-механік",
        country_of_training=Country(code="UA"),
        kind=QualificationKind.HIGHER_EDUCATION,
        duration_months=48,
        title_en="Mechanical engineer",
        institution=Institution(
            name="National technical university", anabin_status=AnabinInstitutionStatus.H_PLUS
        ),
        eqf_level=EqfLevel.L6,
        isced_level=IscedLevel.BACHELOR,
        isced_field=IscedField(code="0715"),
        directive_level=DirectiveLevel.D_DIPLOMA_3_4Y,
        ects=240,
        completed_on=date(2016, 6, 30),
        documents=(
            Document(kind=DocumentKind.CV),
            Document(kind=DocumentKind.TRAINING_CERTIFICATE, translated=True),
            Document(kind=DocumentKind.TRANSCRIPT, translated=True),
        ),
        competence_areas=frozenset({"mech-design", "cad", "materials", "thermodynamics"}),
        regulated_in_country_of_training=False,
        experience=(
            WorkExperience(
                occupation="Design engineer",
                months=30,
                country=Country(code="UA"),
                evidenced=True,
                competence_areas=frozenset({"cad", "mech-design"}),
            ),
            WorkExperience(
                occupation="Maintenance engineer",
                months=14,
                country=Country(code="PL"),
                competence_areas=frozenset({"materials"}),
            ),
        ),
    )


def _decision() -> Decision:
    return Decision(
        id="dec-2023-0042",
        outcome=DecisionOutcome.COMPENSATION_MEASURE_REQUIRED,
        decided_on=date(2023, 9, 14),
        occupation_id="nurse-general-care",
        regulated=True,
        authority_id="lag-berlin",
        route=RecognitionRoute.GENERAL_SYSTEM,
        existing_qualifications=("general nursing diploma",),
        differences=(
            SubstantialDifference(
                area="geriatric-care",
                basis=DifferenceBasis.CONTENT,
                kind=CompetenceKind.PRACTICAL,
            ),
            SubstantialDifference(
                area="pharmacology",
                basis=DifferenceBasis.CONTENT,
                kind=CompetenceKind.THEORETICAL,
                compensated_by=CompensationEvidence(
                    kind=EvidenceKind.WORK_EXPERIENCE, description="ward practice", months=24
                ),
            ),
        ),
        permitted_measures=frozenset(
            {CompensationMeasureType.KNOWLEDGE_EXAM, CompensationMeasureType.ADAPTATION_PERIOD}
        ),
        adaptation_period_months=9,
    )


def _organisation(oid: str, kind: OrganisationKind) -> Organisation:
    return Organisation(
        id=oid, name=f"{kind.value.title()} Leipzig", kind=kind, state=FederalState.SN
    )


SAMPLES: dict[type, Any] = {
    Migrant: Migrant(
        id="mig-000123",
        nationalities=frozenset({Country(code="SY"), Country(code="TR")}),
        residence_country=Country(code="DE"),
        residence_state=FederalState.NW,
        residence_status=ResidenceStatus.HUMANITARIAN_ASYLUM_REFUGEE,
        arrival_year=2016,
        birth_year=1988,
        gender=Gender.FEMALE,
        languages=(
            LanguageSkill(language="ar", level=CefrLevel.C2),
            LanguageSkill(language="de", level=CefrLevel.B2, certified=True),
            LanguageSkill(language="de", level=CefrLevel.B1, scope=LanguageScope.OCCUPATIONAL),
        ),
        consents=(
            Consent(purpose=ConsentPurpose.COUNSELLING, given_on=date(2023, 2, 1)),
            Consent(purpose=ConsentPurpose.SPECIAL_CATEGORY_DATA, given_on=date(2023, 2, 1)),
            Consent(
                purpose=ConsentPurpose.STATISTICS,
                given_on=date(2023, 2, 1),
                withdrawn_on=date(2024, 1, 15),
            ),
        ),
    ),
    IdentityRecord: IdentityRecord(
        migrant_id="mig-000123",
        given_name="Test given name",
        family_name="Test family name",
        email="person@example.org",
        phone="+49 30 0000000",
    ),
    ForeignQualification: _qualification(),
    ReferenceOccupation: ReferenceOccupation(
        id="nurse-general-care",
        title_de="Pflegefachfrau/Pflegefachmann",
        title_en="Nurse (general care)",
        regulation=RegulationStatus.REGULATED,
        law=LawLevel.FEDERAL,
        legal_basis=LegalBasis.FACHRECHT_BUND,
        legal_reference="PflBG §40, §41",
        qualification_kind=QualificationKind.VOCATIONAL_SCHOOL,
        nominal_duration_months=36,
        source="https://www.anerkennung-in-deutschland.de",
        kldb=KldbCode(code="81302"),
        isco=IscoCode(code="2221"),
        sectoral=SectoralProfession.NURSE_GENERAL_CARE,
        eqf_level=EqfLevel.L4,
        required_directive_level=DirectiveLevel.D_DIPLOMA_3_4Y,
        competence_areas=(
            CompetenceArea(id="geriatric-care", title_de="Altenpflege", title_en="Geriatric care"),
            CompetenceArea(
                id="pharmacology",
                title_de="Arzneimittellehre",
                title_en="Pharmacology",
                kind=CompetenceKind.THEORETICAL,
            ),
            CompetenceArea(
                id="documentation",
                title_de="Pflegedokumentation",
                title_en="Care documentation",
                essential=False,
            ),
        ),
        language_requirements=(
            LanguageRequirement(scope=LanguageScope.GENERAL, level=CefrLevel.B2),
        ),
        unverified=("isco",),
    ),
    Decision: _decision(),
    RegionalNetwork: RegionalNetwork(
        id="iq-nrw-west",
        name="IQ NRW – West",
        state=FederalState.NW,
        phases=frozenset({FundingPhase.P2026_2028, FundingPhase.P2023_2025}),
        source="https://www.netzwerk-iq.de",
    ),
    CompetentAuthority: CompetentAuthority(
        id="ihk-fosa",
        name="IHK FOSA",
        kind=AuthorityKind.IHK_FOSA,
        source="https://www.ihk-fosa.de",
        occupations=frozenset({"industrial-mechanic", "office-management-clerk"}),
        kldb_prefixes=frozenset({"251", "714"}),
    ),
    ExpertBody: ExpertBody(
        id="fs-einwanderung",
        name="Fachstelle Einwanderung",
        topic="Immigration of skilled workers",
        phases=frozenset({FundingPhase.P2023_2025}),
        source="https://www.netzwerk-iq.de",
    ),
    Organisation: _organisation("jc-leipzig", OrganisationKind.JOB_CENTRE),
    Subproject: Subproject(
        id="sp-ika-sn",
        name="Intercultural competence for administrations",
        network_id="iq-sn",
        priority_area=PriorityArea.INTERCULTURAL_COMPETENCE,
        phase=FundingPhase.P2019_2022,
        implementing_organisation=_organisation("vhs-leipzig", OrganisationKind.SME),
    ),
    StakeholderNetwork: StakeholderNetwork(
        id="ws-leipzig",
        name="Regional workshop Leipzig",
        network_id="iq-sn",
        partners=(
            Partner(
                organisation=_organisation("jc-leipzig", OrganisationKind.JOB_CENTRE),
                responsibilities=frozenset({IntegrationStep.PLACEMENT, IntegrationStep.BENEFITS}),
                contact_point="Migration officer",
                participants=3,
            ),
            Partner(
                organisation=_organisation("abh-leipzig", OrganisationKind.IMMIGRATION_AUTHORITY),
                responsibilities=frozenset({IntegrationStep.RESIDENCE_AND_WORK_PERMIT}),
                contact_point="Skilled immigration team",
                participants=2,
            ),
        ),
        organisers=frozenset({"jc-leipzig"}),
    ),
    TrainingScheme: TrainingScheme(
        id="bridge-nursing-be",
        title="Bridge training for nurses",
        provider="Training provider Berlin",
        priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
        source="https://www.netzwerk-iq.de",
        network_id="iq-be",
        target_occupations=frozenset({"nurse-general-care"}),
        modules=(
            Module(
                id="m1", title="Geriatric care", hours=160, covers=frozenset({"geriatric-care"})
            ),
            Module(id="m2", title="Pharmacology", hours=80, covers=frozenset({"pharmacology"})),
        ),
        language_prerequisite=LanguagePrerequisite(level=CefrLevel.B1),
        teaches_language=LanguagePrerequisite(level=CefrLevel.B2, scope=LanguageScope.OCCUPATIONAL),
        measure_type=CompensationMeasureType.KNOWLEDGE_EXAM,
        runs=(
            SchemeRun(starts_on=date(2024, 3, 1), capacity=16),
            SchemeRun(starts_on=date(2024, 9, 1), capacity=16),
        ),
        unverified=("runs",),
    ),
    RecognitionApplication: RecognitionApplication(
        id="app-2023-0042",
        migrant_id="mig-000123",
        qualification=_qualification(),
        occupation_id="nurse-general-care",
        regulated=True,
        received_on=date(2023, 5, 2),
        status=ApplicationStatus.DECIDED,
        authority_id="lag-berlin",
        acknowledged_on=date(2023, 5, 20),
        complete_on=date(2023, 6, 10),
        suspensions=(
            Suspension(
                start=date(2023, 5, 20),
                reason=SuspensionReason.DOCUMENTS_REQUESTED,
                end=date(2023, 6, 10),
            ),
        ),
        extension=Extension(granted_on=date(2023, 8, 1), months=1, reason="expert opinion"),
        decision=_decision(),
    ),
    CounsellingCase: CounsellingCase(
        id="case-7",
        migrant_id="mig-000123",
        network_id="iq-nrw-west",
        opened_on=date(2023, 2, 1),
        status=CaseStatus.CLOSED,
        occupation_id="nurse-general-care",
        referral_source=ReferralSource.JOBCENTER,
        contacts=(
            Contact(on=date(2023, 2, 1), channel=ContactChannel.IN_PERSON, minutes=60),
            Contact(on=date(2023, 3, 9), channel=ContactChannel.PHONE),
        ),
        referrals=(Referral(to=ReferralTarget.LANGUAGE_COURSE, on=date(2023, 3, 9)),),
        application_ids=("app-2023-0042",),
        closure_reason=ClosureReason.AUTHORISED_AFTER_MEASURE,
        closed_on=date(2024, 4, 30),
    ),
}


def test_samples_cover_every_top_level_type() -> None:
    assert set(SAMPLES) == set(TOP_LEVEL_TYPES)


# ------------------------------------------------------------------------------------------------
# Round trips and the wire format
# ------------------------------------------------------------------------------------------------

_IDS = [cls.__name__ for cls in SAMPLES]


@pytest.mark.parametrize("cls", list(SAMPLES), ids=_IDS)
def test_json_round_trip(cls: type) -> None:
    obj = SAMPLES[cls]
    data = ser.to_json(obj)
    assert ser.from_json(data, cls) == obj
    assert ser.from_json(data.decode(), cls) == obj
    # the same object always gives the same bytes
    assert ser.to_json(ser.from_json(data, cls)) == data


@pytest.mark.parametrize("cls", list(SAMPLES), ids=_IDS)
def test_dict_round_trip_and_plain_json_data(cls: type) -> None:
    obj = SAMPLES[cls]
    doc = ser.to_dict(obj)
    assert doc["schema_version"] == ser.SCHEMA_VERSION
    assert next(iter(doc)) == "schema_version"
    assert doc == orjson.loads(ser.to_json(obj))
    assert ser.from_dict(doc, cls) == obj

    def plain(value: Any) -> None:
        assert type(value) in (dict, list, str, int, bool, type(None)), type(value)
        if isinstance(value, dict):
            for k, v in value.items():
                assert type(k) is str
                plain(v)
        elif isinstance(value, list):
            for v in value:
                plain(v)

    plain(doc)


def test_top_level_functions_are_reexported_lazily() -> None:
    obj = SAMPLES[Decision]
    assert iqcore.from_json(iqcore.to_json(obj), Decision) == obj
    assert iqcore.from_dict(iqcore.to_dict(obj), Decision) == obj
    assert iqcore.json_schema(Decision)["title"] == "Decision"


def test_wire_format_of_codes_enums_dates_and_sets() -> None:
    doc = ser.to_dict(SAMPLES[ReferenceOccupation])
    assert doc["kldb"] == "81302"
    assert doc["isco"] == "2221"
    assert doc["law"] == "FEDERAL"
    assert doc["eqf_level"] == 4
    assert doc["state"] is None  # absent optional values are written as null
    assert doc["competence_areas"][0] == {
        "id": "geriatric-care",
        "title_de": "Altenpflege",
        "title_en": "Geriatric care",
        "essential": True,
        "kind": "BOTH",
    }
    fq = ser.to_dict(SAMPLES[ForeignQualification])
    assert fq["country_of_training"] == "UA"
    assert fq["isced_field"] == "0715"
    assert fq["completed_on"] == "2016-06-30"
    assert fq["directive_level"] == "d"
    assert fq["competence_areas"] == ["cad", "materials", "mech-design", "thermodynamics"]
    assert "schema_version" not in fq["experience"][0]  # nested objects carry no version
    migrant = ser.to_dict(SAMPLES[Migrant])
    assert migrant["nationalities"] == ["SY", "TR"]
    decision = ser.to_dict(SAMPLES[Decision])
    assert decision["permitted_measures"] == ["ADAPTATION_PERIOD", "KNOWLEDGE_EXAM"]


def test_frozenset_output_is_sorted_whatever_the_insertion_order() -> None:
    codes = ["TR", "SY", "AF", "UA", "IR", "ER", "XK", "BA", "RS", "AL"]
    outputs = set()
    for shift in range(len(codes)):
        order = codes[shift:] + codes[:shift]
        nationalities = frozenset(Country(code=c) for c in order)
        outputs.add(ser.to_json(Migrant(id="m1", nationalities=nationalities)))
    assert len(outputs) == 1
    assert orjson.loads(outputs.pop())["nationalities"] == sorted(codes)


def test_input_may_omit_defaults_and_optional_fields_or_give_null() -> None:
    minimal: dict[str, Any] = {
        "title_original": "Koch",
        "country_of_training": "TR",
        "kind": "VOCATIONAL_SCHOOL",
        "duration_months": 24,
    }
    fq = ser.from_dict(minimal, ForeignQualification)
    assert fq.title_en is None
    assert fq.documents == ()
    assert fq.documents_complete is True
    with_null = {**minimal, "title_en": None, "institution": None, "schema_version": 1}
    assert ser.from_dict(with_null, ForeignQualification) == fq
    # null is no substitute for a value where the field is not optional
    with pytest.raises(ValidationError) as err:
        ser.from_dict({**minimal, "documents_complete": None}, ForeignQualification)
    assert _pc(err.value) == [("$.documents_complete", "type")]


def test_schema_version_is_optional_on_input_and_checked() -> None:
    doc = ser.to_dict(SAMPLES[Organisation])
    del doc["schema_version"]
    assert ser.from_dict(doc, Organisation) == SAMPLES[Organisation]
    for bad in (2, 0, "1", True, None, 1.0):
        with pytest.raises(ValidationError) as err:
            ser.from_dict({**doc, "schema_version": bad}, Organisation)
        assert _pc(err.value) == [("$.schema_version", "schema_version")], bad


def test_nested_objects_do_not_accept_schema_version() -> None:
    doc = ser.to_dict(SAMPLES[Subproject])
    doc["implementing_organisation"]["schema_version"] = 1
    with pytest.raises(ValidationError) as err:
        ser.from_dict(doc, Subproject)
    assert _pc(err.value) == [("$.implementing_organisation", "unknown_key")]


# ------------------------------------------------------------------------------------------------
# Input errors
# ------------------------------------------------------------------------------------------------


def _pc(err: ValidationError) -> list[tuple[str, str]]:
    return sorted((p.path, p.code) for p in err.problems)


def _fq_doc() -> dict[str, Any]:
    return ser.to_dict(SAMPLES[ForeignQualification])


def test_unknown_keys_are_reported_at_the_containing_object_without_the_key() -> None:
    doc = _fq_doc()
    doc["private note about the person"] = "x"
    doc["experience"][0]["Secret-Key-Name"] = 1
    doc["experience"][0]["Other-Key-Name"] = 2
    with pytest.raises(ValidationError) as err:
        ser.from_dict(doc, ForeignQualification)
    assert _pc(err.value) == [("$", "unknown_key"), ("$.experience[0]", "unknown_key")]
    messages = {p.path: p.message for p in err.value.problems}
    assert messages["$"] == "unknown key (1 of them)"
    assert messages["$.experience[0]"] == "unknown key (2 of them)"
    assert "Secret" not in str(err.value)
    assert "private" not in str(err.value)


def test_missing_fields_are_each_reported() -> None:
    doc = _fq_doc()
    del doc["title_original"], doc["kind"]
    del doc["experience"][1]["months"]
    with pytest.raises(ValidationError) as err:
        ser.from_dict(doc, ForeignQualification)
    assert _pc(err.value) == [
        ("$.experience[1].months", "missing"),
        ("$.kind", "missing"),
        ("$.title_original", "missing"),
    ]


def test_every_problem_is_reported_at_once_with_exact_paths_and_codes() -> None:
    doc = _fq_doc()
    doc["country_of_training"] = "QQ"
    doc["kind"] = "APPRENTICESHIP"
    doc["duration_months"] = "48"
    doc["ects"] = 601
    doc["completed_on"] = "2016-02-30"
    doc["eqf_level"] = 9
    doc["isced_field"] = "7777"
    doc["documents"][1]["kind"] = 3
    doc["documents"][2]["translated"] = "yes"
    doc["competence_areas"] = ["cad", "cad"]
    doc["experience"][1]["months"] = 0
    doc["experience"][1]["country"] = "Atlantis"
    doc["experience"][0]["competence_areas"] = "cad"
    doc["title_en"] = "   "
    doc["institution"] = ["not", "an", "object"]
    doc["schema_version"] = 99
    with pytest.raises(ValidationError) as err:
        ser.from_dict(doc, ForeignQualification)
    assert _pc(err.value) == sorted(
        [
            ("$.schema_version", "schema_version"),
            ("$.country_of_training", "format"),
            ("$.kind", "enum"),
            ("$.duration_months", "type"),
            ("$.ects", "range"),
            ("$.completed_on", "format"),
            ("$.eqf_level", "enum"),
            ("$.isced_field", "format"),
            ("$.documents[1].kind", "type"),
            ("$.documents[2].translated", "type"),
            ("$.competence_areas", "duplicate"),
            ("$.experience[1].months", "range"),
            ("$.experience[1].country", "format"),
            ("$.experience[0].competence_areas", "type"),
            ("$.title_en", "format"),
            ("$.institution", "type"),
        ]
    )
    assert err.value.type_name == "ForeignQualification"
    assert all(isinstance(p, Problem) for p in err.value.problems)


def test_int_fields_reject_bools_and_floats() -> None:
    doc = _fq_doc()
    doc["duration_months"] = True
    doc["ects"] = 240.0
    doc["eqf_level"] = True
    with pytest.raises(ValidationError) as err:
        ser.from_dict(doc, ForeignQualification)
    assert _pc(err.value) == [
        ("$.duration_months", "type"),
        ("$.ects", "type"),
        ("$.eqf_level", "type"),
    ]


def test_sets_and_arrays_reject_objects_and_strings() -> None:
    for bad in ({"cad": 1}, "cad", 3):
        doc = _fq_doc()
        doc["competence_areas"] = bad
        with pytest.raises(ValidationError) as err:
            ser.from_dict(doc, ForeignQualification)
        assert _pc(err.value) == [("$.competence_areas", "type")]


def test_dates_must_be_plain_iso_dates() -> None:
    for bad in ("20160630", "2016-W26-4", "2016-06-30T00:00:00", "30.06.2016", "2016-6-30"):
        doc = _fq_doc()
        doc["completed_on"] = bad
        with pytest.raises(ValidationError) as err:
            ser.from_dict(doc, ForeignQualification)
        assert _pc(err.value) == [("$.completed_on", "format")], bad


def test_invariant_of_the_whole_object_gets_the_object_path() -> None:
    doc = ser.to_dict(SAMPLES[RecognitionApplication])
    doc["decision"]["outcome"] = "PARTIAL_EQUIVALENCE"  # not for a regulated profession
    doc["qualification"]["documents_complete"] = True
    doc["qualification"]["documents"][0]["available"] = False
    with pytest.raises(ValidationError) as err:
        ser.from_dict(doc, RecognitionApplication)
    assert _pc(err.value) == [("$.decision", "invariant"), ("$.qualification", "invariant")]
    messages = {p.path: p.message for p in err.value.problems}
    assert "non-regulated" in messages["$.decision"]


def test_invariant_of_the_top_level_object() -> None:
    doc = ser.to_dict(SAMPLES[CounsellingCase])
    doc["closed_on"] = None  # a closed case needs closed_on
    with pytest.raises(ValidationError) as err:
        ser.from_dict(doc, CounsellingCase)
    assert _pc(err.value) == [("$", "invariant")]


def test_invalid_json_text() -> None:
    for bad in (b"{", b"", b"\xff\xfe", "{'single': 'quotes'}", b"[1, 2,]"):
        with pytest.raises(ValidationError) as err:
            ser.from_json(bad, Migrant)
        assert err.value.problems == (Problem("$", "json", "not valid JSON text"),)


@pytest.mark.parametrize("text", [b"[]", b"null", b"3", b'"Migrant"', b"true", b"[{}]"])
def test_not_an_object_at_the_top(text: bytes) -> None:
    with pytest.raises(ValidationError) as err:
        ser.from_json(text, Migrant)
    assert _pc(err.value) == [("$", "type")]


def test_non_string_keys_in_from_dict_are_unknown_keys() -> None:
    doc: dict[Any, Any] = ser.to_dict(SAMPLES[Organisation])
    doc[3] = "x"
    with pytest.raises(ValidationError) as err:
        ser.from_dict(doc, Organisation)
    assert _pc(err.value) == [("$", "unknown_key")]


_SECRETS = ["Secretvalue", "hidden@example.org", "Confidential-Token", "+49-151-987654321"]


def _poisoned_documents() -> list[tuple[type, dict[str, Any]]]:
    """Documents whose bad values are strings that must never show up in a message."""
    a, b, c, d = _SECRETS
    out: list[tuple[type, dict[str, Any]]] = []
    migrant = ser.to_dict(SAMPLES[Migrant])
    migrant.update(id=a, residence_state=b, gender=c, nationalities=[d, a])
    migrant["languages"][0]["language"] = b
    migrant[a] = d
    out.append((Migrant, migrant))
    identity = ser.to_dict(SAMPLES[IdentityRecord])
    identity.update(migrant_id=c, email=a, given_name=1, family_name=[d])
    out.append((IdentityRecord, identity))
    fq = _fq_doc()
    fq.update(country_of_training=a, kind=b, completed_on=c, isced_field=d)
    fq["experience"][0].update(country=d, months=a)
    fq["documents"][0] = {c: d}
    out.append((ForeignQualification, fq))
    case = ser.to_dict(SAMPLES[CounsellingCase])
    case.update(closed_on=None, application_ids=[a, b], network_id=c)
    out.append((CounsellingCase, case))
    return out


def test_no_message_contains_an_input_value() -> None:
    for cls, doc in _poisoned_documents():
        with pytest.raises(ValidationError) as err:
            ser.from_dict(doc, cls)
        text = str(err.value) + repr(err.value.problems)
        for secret in _SECRETS:
            assert secret not in text
            assert secret[:6] not in text
        assert len(err.value.problems) >= (1 if cls is CounsellingCase else 3)


def test_messages_never_pass_through_value_echoing_validators() -> None:
    # attrs' instance_of names the value it got; such messages must be replaced
    doc = ser.to_dict(SAMPLES[Migrant])
    doc["consents"][0]["purpose"] = "Secretname"
    with pytest.raises(ValidationError) as err:
        ser.from_dict(doc, Migrant)
    assert _pc(err.value) == [("$.consents[0].purpose", "enum")]
    assert "Secretname" not in str(err.value)


def test_unsupported_type_is_a_type_error_not_a_validation_error() -> None:
    with pytest.raises(TypeError):
        ser.from_dict({}, dict)
    with pytest.raises(TypeError):
        ser.to_json(object())


# ------------------------------------------------------------------------------------------------
# Fast path and detailed path agree
# ------------------------------------------------------------------------------------------------


def test_fast_path_runs_validators_and_invariants() -> None:
    # Each of these is valid in shape; only a validator or an invariant rejects it.
    fq = _fq_doc()
    fq["experience"][0]["months"] = 601
    with pytest.raises(ValidationError) as err:
        ser.from_dict(fq, ForeignQualification)
    assert _pc(err.value) == [("$.experience[0].months", "range")]
    dec = ser.to_dict(SAMPLES[Decision])
    dec["permitted_measures"] = []
    with pytest.raises(ValidationError) as err:
        ser.from_dict(dec, Decision)
    assert _pc(err.value) == [("$", "invariant")]


def test_many_round_trip_and_problems_of_all_items() -> None:
    objs = [SAMPLES[ForeignQualification]] * 5
    data = ser.to_json_many(objs)
    assert ser.from_json_many(data, ForeignQualification) == objs
    docs = orjson.loads(data)
    docs[1]["duration_months"] = 0
    docs[3]["kind"] = "X-FOO"
    with pytest.raises(ValidationError) as err:
        ser.from_json_many(orjson.dumps(docs), ForeignQualification)
    assert _pc(err.value) == [("$[1].duration_months", "range"), ("$[3].kind", "enum")]
    with pytest.raises(ValidationError) as err:
        ser.from_json_many(b"{}", ForeignQualification)
    assert _pc(err.value) == [("$", "type")]
    with pytest.raises(ValidationError) as err:
        ser.from_json_many(b"[", ForeignQualification)
    assert _pc(err.value) == [("$", "json")]


def test_bulk_mode_raises_and_restores_the_gc_threshold() -> None:
    before = gc.get_threshold()
    with ser.bulk_mode(threshold=50_000):
        assert gc.get_threshold()[0] >= 50_000
        assert gc.isenabled()
    assert gc.get_threshold() == before


def _paused_and_failing() -> None:
    with ser.bulk_mode(pause=True):
        assert not gc.isenabled()
        with ser.bulk_mode(pause=True):  # nested: the outer one restores
            assert not gc.isenabled()
        assert not gc.isenabled()
        raise RuntimeError("the body fails")


def test_bulk_mode_pause_disables_the_gc_and_always_restores_it() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        _paused_and_failing()
    assert gc.isenabled()
    gc.disable()
    try:  # a collector that was off stays off
        with ser.bulk_mode(pause=True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    docs = [ser.to_dict(_qualification()), {"kind": "nonsense"}]
    with pytest.raises(ValidationError):
        ser.from_json_many(orjson.dumps(docs), ForeignQualification)
    assert gc.isenabled()


# ------------------------------------------------------------------------------------------------
# The converter and plugin types
# ------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _PluginScheme:
    """A type a plugin might add: a local scheme with a country list and a date."""

    id: str = attrs.field(validator=attrs.validators.matches_re(r"^[a-z-]+$"))
    countries: frozenset[Country] = attrs.field(factory=frozenset)
    starts_on: date | None = None
    hours: tuple[int, ...] = ()


def test_plugin_types_can_be_registered_and_use_the_same_machinery() -> None:
    assert ser.register_type(_PluginScheme, top_level=True) is _PluginScheme
    obj = _PluginScheme(
        id="local-scheme",
        countries=frozenset({Country(code="UA"), Country(code="AF")}),
        starts_on=date(2025, 1, 6),
        hours=(40, 80),
    )
    assert ser.to_dict(obj) == {
        "schema_version": 1,
        "id": "local-scheme",
        "countries": ["AF", "UA"],
        "starts_on": "2025-01-06",
        "hours": [40, 80],
    }
    assert ser.from_json(ser.to_json(obj), _PluginScheme) == obj
    assert "_PluginScheme" in ser.schemas()
    conv = ser.converter()
    assert conv.structure(conv.unstructure(obj), _PluginScheme) == obj
    # attrs' own validators put the value in their message; iqcore does not pass it on
    with pytest.raises(ValidationError) as err:
        ser.from_dict({"id": "Secret Value"}, _PluginScheme)
    assert _pc(err.value) == [("$.id", "format")]
    assert "Secret" not in str(err.value)


def test_converter_serves_model_types() -> None:
    conv = ser.converter()
    obj = SAMPLES[TrainingScheme]
    assert conv.structure(orjson.loads(orjson.dumps(conv.unstructure(obj))), TrainingScheme) == obj
    with pytest.raises(ValidationError):
        conv.structure({"id": "x"}, TrainingScheme)


def _strip(value: str) -> str:
    return value.strip()


def _must_be_even(_inst: object, _attribute: attrs.Attribute[Any], value: int) -> None:
    if value % 2:
        raise ValueError("size must be even")


@attrs.frozen(kw_only=True)
class _PluginBox:
    """A plugin type with a custom validator, a converter and an invariant."""

    label: str = attrs.field(converter=_strip)
    size: int = attrs.field(validator=[attrs.validators.instance_of(int), _must_be_even])
    tags: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def __attrs_post_init__(self) -> None:
        if self.size > 10 and not self.tags:
            raise ValueError("a large box needs a tag")


def test_fast_path_calls_custom_validators_converters_and_invariants() -> None:
    assert ser.from_dict({"label": " box ", "size": 4}, _PluginBox) == _PluginBox(
        label="box", size=4
    )
    with pytest.raises(ValidationError) as err:
        ser.from_dict({"label": "box", "size": 3}, _PluginBox)
    assert _pc(err.value) == [("$.size", "range")]
    with pytest.raises(ValidationError) as err:
        ser.from_dict({"label": "box", "size": 12}, _PluginBox)
    assert _pc(err.value) == [("$", "invariant")]
    # messages of code outside iqcore are not passed on
    assert err.value.problems[0].message == "breaks a rule of this object"


def test_only_type_implied_validators_are_left_out_of_the_fast_path() -> None:
    from iqcore.model import _validators as v

    for cls in TOP_LEVEL_TYPES:
        plan = ser._plan(cls)
        direct = ser._direct_construction(plan)
        assert direct is not None, cls  # every model class takes the direct path
        for field, called in zip(plan.fields, direct, strict=True):
            for validator in ser._validators_of(field.attribute):
                if validator in called:
                    continue
                name = getattr(validator, "__qualname__", type(validator).__name__)
                assert name in {
                    "instance.<locals>.check",
                    "optional_instance.<locals>.check",
                    "tuple_of.<locals>.check",
                    "frozenset_of.<locals>.check",
                    "_InstanceOfValidator",
                    "_OptionalValidator",
                }, (cls, field.name, name)
            # identifiers, strings and ranges are always checked by the model's own code
            for validator in ser._validators_of(field.attribute):
                if validator in (v.check_id, v.nonempty_str, v.optional_nonempty_str):
                    assert validator in called
    assert ser._direct_construction(ser._plan(_PluginBox)) is None  # a custom converter


def test_interned_value_objects_are_equal_and_shared() -> None:
    data = ser.to_json_many([SAMPLES[ForeignQualification]] * 3)
    a, b, c = ser.from_json_many(data, ForeignQualification)
    assert a == b == c == SAMPLES[ForeignQualification]
    assert a.documents[0] is b.documents[0]
    assert a.country_of_training is c.country_of_training


def _random_value(rnd: random.Random, depth: int = 0) -> Any:
    choice = rnd.randrange(8 if depth < 2 else 6)
    if choice == 0:
        return None
    if choice == 1:
        return rnd.choice([True, False])
    if choice == 2:
        return rnd.randint(-1000, 1000)
    if choice == 3:
        return rnd.random() * 100
    if choice == 4:
        return "".join(rnd.choice("abXY-_ 09äß@.") for _ in range(rnd.randint(0, 10)))
    if choice == 5:
        return rnd.choice(["2020-01-01", "DE", "SY", "81302", "CV", "H_PLUS", "0715", "x"])
    if choice == 6:
        return [_random_value(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    return {f"k{i}": _random_value(rnd, depth + 1) for i in range(rnd.randint(0, 2))}


def _json_paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _json_paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _json_paths(v, (*prefix, i))
    return out


@pytest.mark.parametrize("cls", list(SAMPLES), ids=_IDS)
def test_fast_and_detailed_paths_agree_on_mutated_documents(cls: type) -> None:
    rnd = random.Random(cls.__name__)
    base = ser.to_dict(SAMPLES[cls])
    paths = [p for p in _json_paths(base) if p]
    plan = ser._plan(cls)
    for _ in range(150):
        doc = copy.deepcopy(base)
        path = rnd.choice(paths)
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if rnd.random() < 0.8:
            parent[path[-1]] = _random_value(rnd)
        elif isinstance(parent, dict):
            del parent[path[-1]]
        data = orjson.dumps(doc)
        try:
            fast = plan.fast_top(orjson.loads(data))
        except Exception:
            fast = None
        out = ser._Collector()
        detailed = ser._detail_object(plan, orjson.loads(data), "$", out, top=True)
        if fast is not None:  # what the fast path accepts, the detailed path accepts equally
            assert not out.problems
            assert detailed == fast
        if fast is None and out.problems:
            with pytest.raises(ValidationError):
                ser.from_json(data, cls)
        else:
            result: Any = ser.from_json(data, cls)
            assert ser.from_json(ser.to_json(result), cls) == result
