"""Every invariant of the model, violated, raises: at construction and through ``attrs.evolve``.

Each test takes valid objects from the shipped strategies, breaks exactly one rule, and expects
the error that names that rule (``match=``), so that a test cannot pass because some other rule
happened to fail first.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from iqcore.model import (
    MAX_ADAPTATION_PERIOD_MONTHS,
    RECOMMENDED_WORKSHOP_SIZE,
    AdaptationQualificationForm,
    ApplicationStatus,
    Audience,
    CaseStatus,
    CefrLevel,
    ClosureReason,
    CompensationEvidence,
    CompensationMeasureType,
    Consent,
    ConsentPurpose,
    Contact,
    ContactChannel,
    CounsellingCase,
    Country,
    Decision,
    DecisionOutcome,
    DifferenceBasis,
    Document,
    DocumentKind,
    EvidenceKind,
    ExpertBody,
    Extension,
    FederalState,
    ForeignQualification,
    FundingPhase,
    IscedField,
    IscoCode,
    KldbCode,
    KldbRequirementLevel,
    LanguageScope,
    LanguageSkill,
    LawLevel,
    LegalBasis,
    Migrant,
    Organisation,
    OrganisationKind,
    Partner,
    PriorityArea,
    QualificationKind,
    RecognitionApplication,
    RecognitionRoute,
    ReferenceOccupation,
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
)
from iqcore.model.codes import EXTRA_COUNTRY_CODES
from iqcore.testing import strategies as s

INV = settings(
    max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

Broken = (ValueError, TypeError)


def rejected(obj: Any, match: str, **changes: Any) -> None:
    """*obj* with *changes* is rejected with *match*, both through evolve and the constructor."""
    with pytest.raises(Broken, match=match):
        attrs.evolve(obj, **changes)
    fields = {f.name: getattr(obj, f.name) for f in attrs.fields(type(obj))}
    with pytest.raises(Broken, match=match):
        type(obj)(**{**fields, **changes})


def accepted(obj: Any, **changes: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return attrs.evolve(obj, **changes)


def counting_difference(area: str = "zz-invariant-area") -> SubstantialDifference:
    return SubstantialDifference(area=area, basis=DifferenceBasis.CONTENT)


def _keys(d: Decision) -> set[tuple[str, DifferenceBasis]]:
    return {(x.area, x.basis) for x in d.differences}


# --------------------------------------------------------------------------------------------
# Decisions (domain notes §8.3 no. 1-5)
# --------------------------------------------------------------------------------------------

PARTIAL = DecisionOutcome.PARTIAL_EQUIVALENCE
FULL = DecisionOutcome.FULL_EQUIVALENCE
COMPENSATION = DecisionOutcome.COMPENSATION_MEASURE_REQUIRED


@INV
@given(s.decisions(outcome=st.just(PARTIAL)))
def test_partial_equivalence_only_for_non_regulated_occupations(d: Decision) -> None:
    rejected(d, "partial equivalence exists only for non-regulated", regulated=True)


@INV
@given(s.decisions(outcome=st.just(PARTIAL)))
def test_partial_equivalence_needs_a_remaining_difference(d: Decision) -> None:
    rejected(d, "partial equivalence needs a remaining", differences=())
    compensated = tuple(
        attrs.evolve(
            x,
            compensated_by=CompensationEvidence(kind=EvidenceKind.WORK_EXPERIENCE, description="x"),
        )
        for x in d.differences
    )
    rejected(d, "partial equivalence needs a remaining", differences=compensated)
    not_essential = tuple(attrs.evolve(x, essential=False) for x in d.differences)
    rejected(d, "partial equivalence needs a remaining", differences=not_essential)


@INV
@given(s.decisions(outcome=st.just(PARTIAL)))
def test_partial_equivalence_states_the_existing_qualifications(d: Decision) -> None:
    rejected(d, "must state the existing qualifications", existing_qualifications=())


@INV
@given(s.decisions(outcome=st.just(FULL)))
def test_full_equivalence_lists_no_remaining_difference(d: Decision) -> None:
    assume(("zz-invariant-area", DifferenceBasis.CONTENT) not in _keys(d))
    rejected(
        d,
        "full equivalence cannot list a remaining",
        differences=(*d.differences, counting_difference()),
    )


@INV
@given(s.decisions(outcome=st.just(COMPENSATION)))
def test_compensation_measure_only_for_regulated_professions(d: Decision) -> None:
    rejected(d, "required only for regulated professions", regulated=False)


@INV
@given(s.decisions(outcome=st.just(COMPENSATION)))
def test_compensation_measure_needs_a_remaining_difference(d: Decision) -> None:
    rejected(d, "compensation measure needs a remaining", differences=())


@INV
@given(s.decisions(outcome=st.just(COMPENSATION)))
def test_compensation_measure_permits_at_least_one_measure(d: Decision) -> None:
    rejected(
        d,
        "must permit at least one measure",
        permitted_measures=frozenset(),
        adaptation_period_months=None,
    )


@INV
@given(s.decisions(outcome=st.sampled_from([FULL, PARTIAL, DecisionOutcome.NO_EQUIVALENCE])))
def test_no_measures_unless_a_compensation_measure_is_required(d: Decision) -> None:
    rejected(
        d,
        "measures are permitted only when",
        permitted_measures=frozenset({CompensationMeasureType.APTITUDE_TEST}),
    )


@INV
@given(
    s.decisions(
        outcome=st.just(COMPENSATION),
        permitted_measures=st.just(frozenset({CompensationMeasureType.ADAPTATION_PERIOD})),
    )
)
def test_adaptation_period_lasts_at_most_36_months(d: Decision) -> None:
    assert MAX_ADAPTATION_PERIOD_MONTHS == 36
    assert accepted(d, adaptation_period_months=36).adaptation_period_months == 36
    rejected(d, "at most 36", adaptation_period_months=37)
    rejected(d, "at least 1", adaptation_period_months=0)


@INV
@given(
    s.decisions(
        outcome=st.just(COMPENSATION),
        permitted_measures=st.just(frozenset({CompensationMeasureType.APTITUDE_TEST})),
    )
)
def test_adaptation_period_months_need_a_permitted_adaptation_period(d: Decision) -> None:
    rejected(d, "needs an adaptation period to be permitted", adaptation_period_months=12)


@INV
@given(s.decisions(outcome=st.just(PARTIAL)))
def test_a_decision_lists_each_difference_once(d: Decision) -> None:
    rejected(d, "same area and basis twice", differences=(*d.differences, d.differences[0]))


# --------------------------------------------------------------------------------------------
# Applications: the automatic sectoral route (§8.3 no. 12), regulation, dates
# --------------------------------------------------------------------------------------------

AUTOMATIC = RecognitionRoute.AUTOMATIC_SECTORAL


def _plain_application(received: date, country: str) -> RecognitionApplication:
    """An automatic sectoral application with no other dates, so only the route can fail."""
    return RecognitionApplication(
        id="app-1",
        migrant_id="m-1",
        qualification=ForeignQualification(
            title_original="Dyplom lekarza",
            country_of_training=Country(code=country),
            kind=QualificationKind.HIGHER_EDUCATION,
            duration_months=72,
        ),
        occupation_id="arzt",
        regulated=True,
        received_on=received,
        sectoral=SectoralProfession.DOCTOR,
        route=AUTOMATIC,
    )


@INV
@given(s.recognition_applications(route=st.just(AUTOMATIC)))
def test_automatic_sectoral_route_needs_a_sectoral_profession(a: RecognitionApplication) -> None:
    rejected(a, "needs a sectoral profession", sectoral=None)


@INV
@given(
    s.recognition_applications(route=st.just(AUTOMATIC)),
    st.sampled_from(["SY", "UA", "TR", "IN", "PH", "US", "RS", "XK"]),
)
def test_automatic_sectoral_route_needs_an_eu_eea_ch_qualification(
    a: RecognitionApplication, third_country: str
) -> None:
    moved = attrs.evolve(a.qualification, country_of_training=Country(code=third_country))
    rejected(a, "from the EU, EEA or CH", qualification=moved)


def test_automatic_sectoral_route_for_the_united_kingdom_ends_with_its_exit() -> None:
    last_day = date(2020, 1, 31)
    ok = _plain_application(last_day, "GB")
    assert ok.route is AUTOMATIC
    rejected(ok, "from the EU, EEA or CH", received_on=last_day + timedelta(days=1))


def test_automatic_sectoral_route_counts_accessions_as_of_the_date() -> None:
    accession = date(2013, 7, 1)  # Croatia joined the EU
    ok = _plain_application(accession, "HR")
    rejected(ok, "from the EU, EEA or CH", received_on=accession - timedelta(days=1))
    for eea_or_ch in ("NO", "IS", "LI", "CH"):
        assert _plain_application(date(2024, 1, 1), eea_or_ch).route is AUTOMATIC


@INV
@given(s.recognition_applications(sectoral=st.sampled_from(SectoralProfession)))
def test_an_application_for_a_sectoral_profession_is_regulated(a: RecognitionApplication) -> None:
    assume(a.decision is None)  # a decision has its own regulation flag to agree with
    rejected(a, "sectoral profession is always regulated", regulated=False)


@INV
@given(s.reference_occupations(sectoral=st.sampled_from(SectoralProfession)))
def test_a_sectoral_reference_occupation_is_regulated(o: ReferenceOccupation) -> None:
    rejected(
        o, "sectoral profession is always regulated", regulation=RegulationStatus.NON_REGULATED
    )


@INV
@given(s.recognition_applications())
def test_application_dates_are_not_before_it_was_received(a: RecognitionApplication) -> None:
    day_before = a.received_on - timedelta(days=1)
    rejected(a, "acknowledged_on cannot be before received_on", acknowledged_on=day_before)
    rejected(a, "complete_on cannot be before received_on", complete_on=day_before)


@INV
@given(s.recognition_applications())
def test_a_decision_cannot_be_before_the_application(a: RecognitionApplication) -> None:
    assume(a.decision is not None)
    assert a.decision is not None
    early = attrs.evolve(a.decision, decided_on=a.received_on - timedelta(days=1))
    rejected(a, "decision cannot be before received_on", decision=early)


@INV
@given(s.recognition_applications())
def test_a_decision_belongs_to_its_application(a: RecognitionApplication) -> None:
    assume(a.decision is not None)
    assert a.decision is not None
    other = attrs.evolve(a.decision, occupation_id=a.occupation_id + "-other")
    rejected(a, "decision is for another occupation", decision=other)
    assume(a.decision.outcome not in (PARTIAL, COMPENSATION))  # these fix the regulation
    flipped = attrs.evolve(a.decision, regulated=not a.regulated)
    rejected(a, "disagree on regulation", decision=flipped)


@INV
@given(s.recognition_applications(status=st.just(ApplicationStatus.DECIDED)))
def test_status_decided_needs_a_decision(a: RecognitionApplication) -> None:
    rejected(a, "status DECIDED needs a decision", decision=None)


@INV
@given(s.recognition_applications())
def test_an_extension_needs_complete_documents(a: RecognitionApplication) -> None:
    extension = Extension(granted_on=a.received_on, months=1, reason="x")
    running = accepted(a, complete_on=a.received_on, extension=extension)
    rejected(running, "extension needs complete documents", complete_on=None)


@INV
@given(s.recognition_applications())
def test_suspensions_are_in_order_and_do_not_overlap(a: RecognitionApplication) -> None:
    start = a.received_on
    first = Suspension(start=start, reason=SuspensionReason.DOCUMENTS_REQUESTED)
    second = Suspension(
        start=start + timedelta(days=30), reason=SuspensionReason.QUALIFICATION_ANALYSIS
    )
    rejected(a, "suspensions must not overlap", suspensions=(first, second))  # first never ends
    closed = attrs.evolve(first, end=start + timedelta(days=40))
    rejected(a, "suspensions must not overlap", suspensions=(closed, second))
    rejected(a, "suspensions must be in order", suspensions=(second, closed))


@INV
@given(s.suspensions())
def test_a_suspension_cannot_end_before_it_starts(x: Suspension) -> None:
    rejected(x, "cannot end before it starts", end=x.start - timedelta(days=1))


# --------------------------------------------------------------------------------------------
# Programme and institutions (§8.3 no. 15; priority areas per phase; workshop size)
# --------------------------------------------------------------------------------------------


@INV
@given(s.regional_networks())
def test_a_regional_network_has_exactly_one_state(n: RegionalNetwork) -> None:
    rejected(n, "wrong type", state=frozenset({FederalState.BW, FederalState.BY}))
    rejected(n, "wrong type", state=(FederalState.NW,))
    rejected(n, "wrong type", state=None)
    rejected(n, "wrong type", state="DE-NW")  # a plain string is not a FederalState


@INV
@given(s.regional_networks())
def test_a_regional_network_runs_in_at_least_one_phase(n: RegionalNetwork) -> None:
    rejected(n, "at least one funding phase", phases=frozenset())


@INV
@given(s.expert_bodies())
def test_an_expert_body_runs_in_at_least_one_phase(e: ExpertBody) -> None:
    rejected(e, "at least one funding phase", phases=frozenset())


def test_priority_areas_per_phase_three_then_four() -> None:
    assert len(PriorityArea.in_phase(FundingPhase.P2015_2018)) == 3
    numbers = {
        a.number(FundingPhase.P2019_2022) for a in PriorityArea.in_phase(FundingPhase.P2019_2022)
    }
    assert numbers == {1, 2, 3, 4}
    assert PriorityArea.REGIONAL_SKILLED_WORKER_NETWORKS.phases == {FundingPhase.P2019_2022}


@INV
@given(s.subprojects(), st.sampled_from(PriorityArea), st.sampled_from(FundingPhase))
def test_a_subprojects_priority_area_exists_in_its_phase(
    sp: Subproject, area: PriorityArea, phase: FundingPhase
) -> None:
    if area.valid_in(phase):
        assert accepted(sp, priority_area=area, phase=phase).phase is phase
    else:
        rejected(sp, "does not exist in this funding phase", priority_area=area, phase=phase)


def _workshop(sizes: list[int]) -> StakeholderNetwork:
    partners = [
        Partner(
            organisation=Organisation(
                id=f"org-{i}", name="Jobcenter", kind=OrganisationKind.JOB_CENTRE
            ),
            contact_point="Team Markt und Integration",
            participants=n,
        )
        for i, n in enumerate(sizes)
    ]
    # (keyword dicts: mypy's attrs plugin cannot type the ``tuple`` converter of ``partners``)
    fields: dict[str, Any] = {"partners": partners}
    return StakeholderNetwork(id="rw-1", name="Regionalwerkstatt", network_id="iq-sn", **fields)


def test_a_stakeholder_network_over_25_people_warns() -> None:
    assert RECOMMENDED_WORKSHOP_SIZE == (20, 25)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        at_limit = _workshop([10, 10, 5])
    assert not at_limit.oversized
    with pytest.warns(StakeholderNetworkSizeWarning, match="recommended maximum"):
        over = _workshop([10, 10, 6])
    assert over.oversized
    changes: dict[str, Any] = {"partners": over.partners}
    with pytest.warns(StakeholderNetworkSizeWarning):
        attrs.evolve(at_limit, **changes)


@INV
@given(
    s.stakeholder_networks(
        partners=st.lists(
            s.partners(), min_size=1, max_size=4, unique_by=lambda p: p.organisation.id
        )
    )
)
def test_a_stakeholder_network_lists_each_partner_once(n: StakeholderNetwork) -> None:
    rejected(n, "same organisation twice", partners=(*n.partners, n.partners[0]))


@INV
@given(s.stakeholder_networks())
def test_organisers_of_a_stakeholder_network_are_partners(n: StakeholderNetwork) -> None:
    rejected(n, "organisers must be partner organisations", organisers=frozenset({"zz-outsider"}))


# --------------------------------------------------------------------------------------------
# People (§8.3 no. 14)
# --------------------------------------------------------------------------------------------

SENSITIVE = [r for r in ResidenceStatus if r.sensitive]


@INV
@given(s.migrants(), st.sampled_from(SENSITIVE))
def test_a_sensitive_residence_status_needs_consent(m: Migrant, status: ResidenceStatus) -> None:
    without = tuple(c for c in m.consents if c.purpose is not ConsentPurpose.SPECIAL_CATEGORY_DATA)
    rejected(m, "needs consent", residence_status=status, consents=without)
    consent = Consent(purpose=ConsentPurpose.SPECIAL_CATEGORY_DATA, given_on=date(2024, 1, 1))
    assert (
        accepted(m, residence_status=status, consents=(*without, consent)).residence_status
        is status
    )


@INV
@given(s.migrants(), st.sampled_from([r for r in ResidenceStatus if not r.sensitive]))
def test_other_residence_statuses_need_no_consent(m: Migrant, status: ResidenceStatus) -> None:
    assert accepted(m, residence_status=status, consents=()).residence_status is status


@INV
@given(s.migrants(residence_state=st.sampled_from(FederalState)))
def test_a_residence_state_requires_residence_in_germany(m: Migrant) -> None:
    rejected(m, "requires residence in Germany", residence_country=Country(code="AT"))


@INV
@given(s.migrants())
def test_years_lie_between_1900_and_2100(m: Migrant) -> None:
    rejected(m, "arrival_year must be a year between 1900 and 2100", arrival_year=1899)
    rejected(m, "birth_year must be a year between 1900 and 2100", birth_year=2101)


@INV
@given(s.migrants())
def test_a_language_is_listed_once_per_scope(m: Migrant) -> None:
    skill = LanguageSkill(language="de", level=CefrLevel.B1, scope=LanguageScope.GENERAL)
    rejected(m, "same language and scope twice", languages=(skill, skill))


@INV
@given(s.consents())
def test_a_consent_is_not_withdrawn_before_it_was_given(c: Consent) -> None:
    rejected(c, "must not be before given_on", withdrawn_on=c.given_on - timedelta(days=1))


# --------------------------------------------------------------------------------------------
# Counselling cases
# --------------------------------------------------------------------------------------------


@INV
@given(s.counselling_cases(status=st.just(CaseStatus.CLOSED)))
def test_a_closed_case_has_a_closure_reason_and_date(c: CounsellingCase) -> None:
    rejected(c, "only a closed case, has closure_reason", closure_reason=None)
    rejected(c, "only a closed case, has closure_reason", closed_on=None)


@INV
@given(
    s.counselling_cases(
        status=st.sampled_from([x for x in CaseStatus if x is not CaseStatus.CLOSED])
    )
)
def test_only_a_closed_case_has_a_closure_reason(c: CounsellingCase) -> None:
    rejected(c, "only a closed case", closure_reason=ClosureReason.DROPPED_OUT)
    rejected(c, "only a closed case", closed_on=c.opened_on)


@INV
@given(s.counselling_cases(status=st.just(CaseStatus.CLOSED)))
def test_case_dates_are_in_order(c: CounsellingCase) -> None:
    rejected(c, "closed_on cannot be before opened_on", closed_on=c.opened_on - timedelta(days=1))
    early = Contact(on=c.opened_on - timedelta(days=1), channel=ContactChannel.PHONE)
    rejected(c, "contact cannot be before opened_on", contacts=(*c.contacts, early))


# --------------------------------------------------------------------------------------------
# Qualifications and occupations
# --------------------------------------------------------------------------------------------


AVAILABLE = st.lists(s.documents(available=st.just(True)), max_size=3)


@INV
@given(s.foreign_qualifications(documents_complete=st.just(True), documents=AVAILABLE))
def test_complete_documents_are_all_available(q: ForeignQualification) -> None:
    missing = Document(kind=DocumentKind.TRANSCRIPT, available=False)
    rejected(q, "documents_complete is true but", documents=(*q.documents, missing))


@INV
@given(s.foreign_qualifications(documents_complete=st.just(True), documents=AVAILABLE))
def test_documents_missing_through_no_fault_are_incomplete(q: ForeignQualification) -> None:
    rejected(q, "needs documents_complete false", documents_missing_through_no_fault=True)


@INV
@given(s.foreign_qualifications(entitled_to_practise=st.booleans()))
def test_entitlement_to_practise_needs_a_regulated_profession_abroad(
    q: ForeignQualification,
) -> None:
    rejected(q, "entitled_to_practise applies only", regulated_in_country_of_training=False)


@INV
@given(s.reference_occupations(law=st.just(LawLevel.FEDERAL)))
def test_the_legal_basis_matches_federal_or_land_law(o: ReferenceOccupation) -> None:
    rejected(o, "legal_basis does not match law", legal_basis=LegalBasis.BQFG_LAND)


@INV
@given(s.reference_occupations(law=st.just(LawLevel.FEDERAL)))
def test_a_state_is_set_only_for_land_law(o: ReferenceOccupation) -> None:
    rejected(o, "state is only set for occupations under the law of a Land", state=FederalState.HE)


@INV
@given(
    s.reference_occupations(
        competence_areas=st.lists(
            s.competence_areas(), min_size=1, max_size=3, unique_by=lambda a: a.id
        )
    )
)
def test_competence_areas_of_an_occupation_are_unique(o: ReferenceOccupation) -> None:
    rejected(
        o, "lists the same id twice", competence_areas=(*o.competence_areas, o.competence_areas[0])
    )


@INV
@given(s.reference_occupations())
def test_unverified_names_fields_of_the_occupation(o: ReferenceOccupation) -> None:
    rejected(o, "unverified names a field", unverified=("no_such_field",))


# --------------------------------------------------------------------------------------------
# Training schemes
# --------------------------------------------------------------------------------------------


@INV
@given(s.training_schemes(audience=st.just(Audience.MIGRANTS)))
def test_a_scheme_prepares_a_measure_or_is_an_adaptation_qualification(t: TrainingScheme) -> None:
    rejected(
        t,
        "not both",
        measure_type=CompensationMeasureType.KNOWLEDGE_EXAM,
        adaptation_form=AdaptationQualificationForm.COURSE,
    )


@INV
@given(s.training_schemes(audience=st.just(Audience.STAFF)))
def test_a_scheme_for_staff_has_no_target_occupations_or_measure(t: TrainingScheme) -> None:
    rejected(t, "scheme for staff", target_occupations=frozenset({"arzt"}))
    rejected(t, "scheme for staff", measure_type=CompensationMeasureType.APTITUDE_TEST)


@INV
@given(s.training_schemes(audience=st.just(Audience.MIGRANTS)))
def test_a_scheme_for_migrants_has_a_module(t: TrainingScheme) -> None:
    rejected(t, "needs at least one module", modules=())
    rejected(t, "lists the same id twice", modules=(*t.modules, t.modules[0]))


@INV
@given(s.training_schemes())
def test_scheme_runs_are_in_order(t: TrainingScheme) -> None:
    late = SchemeRun(starts_on=date(2026, 1, 1), capacity=10)
    early = SchemeRun(starts_on=date(2025, 1, 1), capacity=10)
    rejected(t, "runs must be in order", runs=(late, early))


# --------------------------------------------------------------------------------------------
# Codes and identifiers
# --------------------------------------------------------------------------------------------


def _iso_codes() -> list[str]:
    import pycountry

    return sorted({c.alpha_2 for c in pycountry.countries})


def test_every_iso_3166_code_and_kosovo_are_countries() -> None:
    for code in [*_iso_codes(), *EXTRA_COUNTRY_CODES]:
        assert Country(code=code).code == code
    assert Country(code="XK").name == "Kosovo"


@INV
@given(st.text(max_size=4))
def test_a_country_code_is_iso_3166_alpha_2(code: str) -> None:
    assume(code not in _iso_codes() and code not in EXTRA_COUNTRY_CODES)
    with pytest.raises(ValueError, match="ISO 3166-1 alpha-2"):
        Country(code=code)
    rejected(Country(code="DE"), "ISO 3166-1 alpha-2", code=code)


@pytest.mark.parametrize("code", ["XX", "de", "DEU", "", "D", "EU", "UK"])
def test_country_code_near_misses_are_rejected(code: str) -> None:
    with pytest.raises(ValueError, match="ISO 3166-1 alpha-2"):
        Country(code=code)


@INV
@given(st.from_regex(r"[0-9]{4}", fullmatch=True), st.integers(0, 9))
def test_the_last_kldb_digit_is_the_requirement_level_1_to_4(stem: str, last: int) -> None:
    code = f"{stem}{last}"
    if 1 <= last <= 4:
        assert KldbCode(code=code).requirement_level is KldbRequirementLevel(last)
    else:
        with pytest.raises(ValueError, match="last digit is 1-4"):
            KldbCode(code=code)
        rejected(KldbCode(code="81302"), "last digit is 1-4", code=code)


@INV
@given(st.from_regex(r"[0-9]{0,7}", fullmatch=True))
def test_an_isco_code_has_four_digits(code: str) -> None:
    if len(code) == 4:
        assert IscoCode(code=code).major_group == code[0]
    else:
        rejected(IscoCode(code="2211"), "4-digit ISCO-08", code=code)


@INV
@given(st.from_regex(r"[0-9]{1,5}", fullmatch=True))
def test_an_isced_f_code_is_a_known_broad_field_with_2_to_4_digits(code: str) -> None:
    broad_ok = code[:2] in {f"{n:02d}" for n in range(11)} | {"99"}
    if broad_ok and 2 <= len(code) <= 4:
        assert IscedField(code=code).broad == code[:2]
    else:
        rejected(IscedField(code="0912"), "ISCED-F 2013", code=code)


@pytest.mark.parametrize("bad", ["", " id", "-x", "a b", "x" * 65, "ünïcode", 7, None])
def test_identifiers_have_the_documented_shape(bad: object) -> None:
    org = Organisation(
        id="org-1", name="Volkshochschule", kind=OrganisationKind.ADULT_EDUCATION_CENTRE
    )
    rejected(org, "identifier of 1-64", id=bad)
