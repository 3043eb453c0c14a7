"""The built-in federal/EU rules: each applies in some case and not in another; dated rules
change on their dates; the explanation in German and English."""

# mypy's attrs plugin types the model's converted collection fields as Iterable[_T_co].
# mypy: disable-error-code="arg-type"

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

import iqcore
from iqcore.model import (
    CefrLevel,
    Country,
    DecisionOutcome,
    DirectiveLevel,
    Document,
    DocumentKind,
    FederalState,
    ForeignQualification,
    LanguageScope,
    LanguageSkill,
    LegalBasis,
    Migrant,
    QualificationKind,
    RecognitionRoute,
    WorkExperience,
)
from iqcore.plugins import PluginHost, make_host
from iqcore.plugins.builtin import federal
from iqcore.reference_data import occupation
from iqcore.rules import Assessment

HOST: PluginHost = make_host(autoload=False)
DAY = date(2024, 6, 1)


def q(
    country: str, kind: QualificationKind, months: int, areas: set[str], **kw: Any
) -> ForeignQualification:
    return ForeignQualification(
        title_original="Abschluss",
        country_of_training=Country(code=country),
        kind=kind,
        duration_months=months,
        competence_areas=frozenset(areas),
        **kw,
    )


def areas(occupation_id: str, *drop: str) -> set[str]:
    return {a.id for a in occupation(occupation_id).competence_areas if a.id not in drop}


def engineer_with_level() -> Any:
    return attrs.evolve(
        occupation("engineer"), required_directive_level=DirectiveLevel.D_DIPLOMA_3_4Y
    )


HE = QualificationKind.HIGHER_EDUCATION
VS = QualificationKind.VOCATIONAL_SCHOOL
ABROAD = Migrant(
    id="p-abroad", nationalities={Country(code="SY")}, residence_country=Country(code="SY")
)
RESIDENT = Migrant(
    id="p-here",
    residence_state=FederalState.BE,
    languages=(
        LanguageSkill(language="de", level=CefrLevel.C1),
        LanguageSkill(language="de", level=CefrLevel.B2, scope=LanguageScope.OCCUPATIONAL),
    ),
)

#: Cases that together make every federal rule apply somewhere and not apply elsewhere.
CASES: dict[str, dict[str, Any]] = {
    "doctor_syria": {
        "qualification": q("SY", HE, 72, areas("doctor", "general_practice")),
        "occupation": occupation("doctor"),
        "applicant": RESIDENT,
    },
    "doctor_syria_abroad": {
        "qualification": q("SY", HE, 72, areas("doctor")),
        "occupation": occupation("doctor"),
        "applicant": ABROAD,
    },
    "nurse_philippines": {
        "qualification": q("PH", HE, 48, areas("nurse", "psychiatric_care")),
        "occupation": occupation("nurse"),
    },
    "nurse_philippines_2019": {
        "qualification": q("PH", HE, 48, areas("nurse", "psychiatric_care")),
        "occupation": occupation("nurse"),
        "as_of": date(2019, 6, 1),
    },
    "nurse_romania": {"qualification": q("RO", VS, 36, set()), "occupation": occupation("nurse")},
    "teacher_poland": {
        "qualification": q("PL", HE, 60, areas("teacher", "second_subject")),
        "occupation": occupation("teacher"),
    },
    "teacher_turkey": {
        "qualification": q("TR", HE, 60, areas("teacher", "second_subject")),
        "occupation": occupation("teacher"),
    },
    "engineer_poland_levels": {
        "qualification": q(
            "PL", HE, 36, areas("engineer"), directive_level=DirectiveLevel.B_CERTIFICATE
        ),
        "occupation": engineer_with_level(),
        "as_of": date(2014, 1, 1),
    },
    "engineer_poland_levels_ok": {
        "qualification": q(
            "PL", HE, 36, areas("engineer"), directive_level=DirectiveLevel.D_DIPLOMA_3_4Y
        ),
        "occupation": engineer_with_level(),
    },
    "not_entitled": {
        "qualification": q(
            "IN",
            HE,
            72,
            areas("doctor"),
            regulated_in_country_of_training=True,
            entitled_to_practise=False,
        ),
        "occupation": occupation("doctor"),
    },
    "entitled": {
        "qualification": q(
            "IN",
            HE,
            72,
            areas("doctor"),
            regulated_in_country_of_training=True,
            entitled_to_practise=True,
        ),
        "occupation": occupation("doctor"),
    },
    "entitlement_unknown": {
        "qualification": q("IN", HE, 72, areas("doctor"), regulated_in_country_of_training=True),
        "occupation": occupation("doctor"),
    },
    "electronics_turkey": {
        "qualification": q(
            "TR",
            VS,
            24,
            areas("electronics_technician", "electrical_safety"),
            experience=(
                WorkExperience(
                    occupation="Elektriker",
                    months=60,
                    country=Country(code="TR"),
                    evidenced=True,
                    competence_areas={"electrical_safety"},
                ),
            ),
        ),
        "occupation": occupation("electronics_technician"),
    },
    "office_clerk_partial": {
        "qualification": q("UA", VS, 36, areas("office_management_clerk", "bookkeeping")),
        "occupation": occupation("office_management_clerk"),
    },
    "office_clerk_little": {
        "qualification": q("UA", VS, 36, {"bookkeeping"}),
        "occupation": occupation("office_management_clerk"),
    },
    "flight_missing_documents": {
        "qualification": q(
            "SY",
            VS,
            36,
            areas("office_management_clerk"),
            documents=(Document(kind=DocumentKind.TRAINING_CERTIFICATE, available=False),),
            documents_complete=False,
            documents_missing_through_no_fault=True,
        ),
        "occupation": occupation("office_management_clerk"),
    },
    "school_certificate": {
        "qualification": q("TR", QualificationKind.SCHOOL, 36, set()),
        "occupation": occupation("office_management_clerk"),
    },
    "mathematician": {
        "qualification": q("IN", HE, 36, set()),
        "occupation": occupation("mathematician"),
    },
    "mathematician_vocational": {
        "qualification": q("IN", VS, 36, set()),
        "occupation": occupation("mathematician"),
    },
    "office_clerk_2010": {
        "qualification": q("UA", VS, 36, set()),
        "occupation": occupation("office_management_clerk"),
        "as_of": date(2010, 1, 1),
    },
    "resettler": {
        "qualification": q("KZ", VS, 36, set()),
        "occupation": attrs.evolve(
            occupation("office_management_clerk"), legal_basis=LegalBasis.BVFG_10
        ),
    },
}


@pytest.fixture(scope="module")
def results() -> dict[str, Assessment]:
    out: dict[str, Assessment] = {}
    for name, case in CASES.items():
        args = {"as_of": DAY, **case}
        out[name] = iqcore.assess(**args, host=HOST)
    return out


def test_every_federal_rule_applies_somewhere_and_not_elsewhere(
    results: dict[str, Assessment],
) -> None:
    applied: set[str] = set()
    not_applied: set[str] = set()
    for a in results.values():
        for e in a.trace:
            (applied if e.applied else not_applied).add(e.rule.id)
    rule_ids = {r.id for r in federal.rules()}
    assert rule_ids - applied == set()
    # the legal-path rule always applies where it is in force: it decides which law governs
    assert rule_ids - not_applied == {"fed.scope.legal_path"}


def test_realistic_outcomes(results: dict[str, Assessment]) -> None:
    expect = {
        "doctor_syria": (DecisionOutcome.COMPENSATION_MEASURE_REQUIRED, RecognitionRoute.NATIONAL),
        "nurse_philippines": (
            DecisionOutcome.COMPENSATION_MEASURE_REQUIRED,
            RecognitionRoute.NATIONAL,
        ),
        "nurse_romania": (DecisionOutcome.FULL_EQUIVALENCE, RecognitionRoute.AUTOMATIC_SECTORAL),
        "teacher_poland": (
            DecisionOutcome.COMPENSATION_MEASURE_REQUIRED,
            RecognitionRoute.GENERAL_SYSTEM,
        ),
        "electronics_turkey": (DecisionOutcome.FULL_EQUIVALENCE, RecognitionRoute.NATIONAL),
        "office_clerk_partial": (DecisionOutcome.PARTIAL_EQUIVALENCE, RecognitionRoute.NATIONAL),
        "office_clerk_little": (DecisionOutcome.NO_EQUIVALENCE, RecognitionRoute.NATIONAL),
        "not_entitled": (DecisionOutcome.NO_EQUIVALENCE, RecognitionRoute.NATIONAL),
        "school_certificate": (DecisionOutcome.NO_EQUIVALENCE, RecognitionRoute.NATIONAL),
        "mathematician": (None, RecognitionRoute.ACADEMIC_COMPARABILITY),
        "office_clerk_2010": (None, None),
        "resettler": (None, None),
    }
    for name, (outcome, route) in expect.items():
        assert (results[name].outcome, results[name].route) == (outcome, route), name


def test_level_check_changes_with_directive_2013_55() -> None:
    case = CASES["engineer_poland_levels"]
    before = iqcore.assess(**{**case, "as_of": date(2015, 12, 31)}, host=HOST)
    after = iqcore.assess(**{**case, "as_of": date(2016, 1, 18)}, host=HOST)
    assert before.entry("eu.comparison.level").rule.version == 1
    assert [o.code for o in before.obstacles] == ["LEVEL_TOO_LOW"]
    assert before.outcome is DecisionOutcome.NO_EQUIVALENCE
    assert after.entry("eu.comparison.level").rule.version == 2
    assert after.obstacles == ()
    assert after.outcome is DecisionOutcome.FULL_EQUIVALENCE


def test_unverified_values_are_flagged(results: dict[str, Assessment]) -> None:
    a = results["office_clerk_partial"]
    flagged = a.unverified()
    assert "fed.compensation.months_per_area" in flagged
    assert "fed.duration.shortfall_months" in flagged
    assert "fed.outcome.min_share_covered_percent" in flagged
    # automatic recognition compares nothing, so it reads none of these values
    assert "fed.compensation.months_per_area" not in results["nurse_romania"].unverified()


def test_explain_in_german(results: dict[str, Assessment]) -> None:
    text = results["doctor_syria"].explain("de")
    assert "Vorab-Einschätzung" in text
    assert "Voraussichtliches Ergebnis: Auflage einer Ausgleichsmaßnahme." in text
    assert "Kenntnisprüfung" in text
    assert "Allgemeinmedizin" in text
    assert "Deutsch C1 (Fachsprache): nicht erfüllt (vorhanden: B2)" in text
    assert "§37 ÄApprO" in text
    assert "nicht durch eine Quelle bestätigt" in text
    assert "Verbindlich entscheidet nur die zuständige Stelle." in text
    partial = results["office_clerk_partial"].explain("de")
    assert "teilweise Gleichwertigkeit" in partial
    assert "12 weitere Monate nachgewiesene Berufserfahrung in diesem Bereich" in partial
    assert "ein Modul oder Lehrgang zu „Buchführung und Rechnungswesen“" in partial
    assert "Folgeantrag" in partial


def test_explain_in_english(results: dict[str, Assessment]) -> None:
    text = results["electronics_turkey"].explain("en")
    assert "Expected outcome: full equivalence." in text
    assert "compensated by 60 months of evidenced work experience" in text
    assert "not confirmed by a source" in text
    steps = results["flight_missing_documents"].explain("en")
    assert "qualification analysis (§14 BQFG)" in steps
    assert "Submit the missing documents: training certificate." in steps
    with pytest.raises(ValueError, match="lang"):
        results["doctor_syria"].explain("fr")
