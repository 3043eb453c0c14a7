# mypy's attrs plugin types the model's converted collection fields (converter=tuple,
# converter=frozenset) as Iterable[_T_co]; the values passed here are right at run time.
# mypy: disable-error-code="arg-type"
"""``iqcore.plan``: what plans contain, what they leave open and why, and bad input."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from typing import Any

import pytest

import iqcore
from iqcore.errors import ValidationError
from iqcore.model import (
    AdaptationQualificationForm,
    Audience,
    CefrLevel,
    CompensationMeasureType,
    Country,
    Decision,
    DecisionOutcome,
    DeliveryMode,
    DifferenceBasis,
    ForeignQualification,
    LanguagePrerequisite,
    LanguageScope,
    LanguageSkill,
    Migrant,
    Module,
    PriorityArea,
    QualificationKind,
    SchemeRun,
    SubstantialDifference,
    TrainingScheme,
)
from iqcore.planning import (
    Catalogue,
    Objective,
    PlanList,
    StepKind,
    UnclosableReason,
    plan,
)
from iqcore.plugins import PluginHost, make_host
from iqcore.reference_data import occupation

START = date(2025, 3, 3)
KE = CompensationMeasureType.KNOWLEDGE_EXAM
AP = CompensationMeasureType.ADAPTATION_PERIOD


def scheme(
    scheme_id: str,
    modules: list[tuple[set[str], int, int]],
    starts: list[int],
    **kw: Any,
) -> TrainingScheme:
    """A scheme in network iq-he; modules as (covers, hours, weeks); runs as day offsets."""
    capacity = kw.pop("capacity", 10)
    fields: dict[str, Any] = {
        "network_id": "iq-he",
        "target_occupations": {"nurse"},
        "measure_type": KE,
        **kw,
    }
    return TrainingScheme(
        id=scheme_id,
        title=f"Scheme {scheme_id}",
        provider="Provider",
        priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
        source="synthetic test data",
        modules=[
            Module(id=f"m{i}", title=f"Module {i}", covers=c, hours=h, weeks=w)
            for i, (c, h, w) in enumerate(modules)
        ],
        runs=[SchemeRun(starts_on=START + timedelta(days=d), capacity=capacity) for d in starts],
        **fields,
    )


def german(scheme_id: str, teaches: CefrLevel, starts: list[int], **kw: Any) -> TrainingScheme:
    return TrainingScheme(
        id=scheme_id,
        title=f"German {teaches.value}",
        provider="Language school",
        priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
        source="synthetic test data",
        network_id=kw.pop("network_id", "iq-he"),
        modules=[Module(id="course", title="Course", hours=kw.pop("hours", 200), weeks=4)],
        teaches_language=LanguagePrerequisite(level=teaches),
        runs=[SchemeRun(starts_on=START + timedelta(days=d), capacity=10) for d in starts],
        **kw,
    )


def notice(*areas: str, measures: frozenset[CompensationMeasureType] = frozenset({KE})) -> Decision:
    return Decision(
        id="notice-1",
        outcome=DecisionOutcome.COMPENSATION_MEASURE_REQUIRED,
        decided_on=START,
        occupation_id="nurse",
        regulated=True,
        differences=[SubstantialDifference(area=a, basis=DifferenceBasis.CONTENT) for a in areas],
        permitted_measures=measures,
    )


def person(level: CefrLevel | None = CefrLevel.B2) -> Migrant:
    skills = [] if level is None else [LanguageSkill(language="de", level=level)]
    return Migrant(id="p-1", languages=skills)


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return make_host(autoload=False)


# -- with the real engine ---------------------------------------------------------------------


def test_plan_after_an_assessment_of_a_nurse(host: PluginHost) -> None:
    q = ForeignQualification(
        title_original="Bachelor of Science in Nursing",
        country_of_training=Country(code="PH"),
        kind=QualificationKind.HIGHER_EDUCATION,
        duration_months=48,
        competence_areas=frozenset(
            {
                "acute_inpatient_care",
                "long_term_inpatient_care",
                "outpatient_care",
                "paediatric_care",
                "nursing_process",
            }
        ),
    )
    applicant = person(CefrLevel.B1)
    a = iqcore.assess(q, occupation("nurse"), applicant=applicant, as_of=START, host=host)
    remaining = {d.area for d in a.remaining}
    assert remaining == {"geriatric_care", "maternity_newborn_care", "psychiatric_care"}
    catalogue = Catalogue(
        [
            scheme(
                "kp-prep",
                [({"geriatric_care"}, 80, 4), ({"psychiatric_care"}, 80, 4), ({"surgery"}, 90, 3)],
                [14, 120],
                language_prerequisite=LanguagePrerequisite(level=CefrLevel.B2),
            ),
            scheme("maternity", [({"maternity_newborn_care"}, 40, 2)], [70, 200]),
            german("b2", CefrLevel.B2, [0, 60]),
        ]
    )
    plans = iqcore.plan(a, applicant, catalogue, network="iq-he", start=START)
    assert isinstance(plans, PlanList)
    best = plans[0]
    assert best.complete
    assert set(best.closes) == remaining
    # B1 is below the scheme's prerequisite: the German course comes first.
    assert next(s.kind for s in best.steps) is StepKind.LANGUAGE_COURSE
    kp = next(s for s in best.steps if s.scheme.id == "kp-prep")
    # §11(2): the module on surgery covers no difference and is not taken.
    assert {m.id for m in kp.modules} == {"m0", "m1"}
    assert best.steps[0].ends_on < kp.starts_on
    for earlier, later in zip(best.steps, best.steps[1:], strict=False):
        assert earlier.ends_on < later.starts_on
    assert best.completion == best.steps[-1].ends_on
    assert best.hours == 200 + 160 + 40
    assert "Earliest completion" in best.reason("en")
    assert "Frühester" in best.reason("de")


def test_fewest_hours_can_rank_otherwise() -> None:
    catalogue = [
        scheme("quick", [({"geriatric_care"}, 300, 2)], [7]),
        scheme("long", [({"geriatric_care"}, 60, 10)], [7]),
    ]
    d = notice("geriatric_care")
    early = plan(d, person(), catalogue, network="iq-he", start=START)
    cheap = plan(d, person(), catalogue, network="iq-he", start=START, objective="fewest_hours")
    assert [p.steps[0].scheme.id for p in early] == ["quick", "long"]
    assert [p.steps[0].scheme.id for p in cheap] == ["long", "quick"]
    assert cheap.objective is Objective.FEWEST_HOURS
    assert "240 hours more" in cheap[1].reason("en")
    assert "earlier" in cheap[1].reason("en")


# -- what cannot be closed ----------------------------------------------------------------------


def test_unclosable_differences_say_why() -> None:
    d = notice(
        "geriatric_care",
        "psychiatric_care",
        "paediatric_care",
        "outpatient_care",
        "nursing_process",
        "acute_inpatient_care",
    )
    catalogue = [
        scheme("ok", [({"geriatric_care"}, 40, 2)], [7]),
        scheme("wrong-measure", [({"psychiatric_care"}, 40, 2)], [7], measure_type=AP),
        scheme("elsewhere", [({"paediatric_care"}, 40, 2)], [7], network_id="iq-by"),
        scheme("full", [({"outpatient_care"}, 40, 2)], [7], capacity=0),
        scheme("past", [({"outpatient_care"}, 40, 2)], [-30]),
        scheme(
            "needs-c1",
            [({"nursing_process"}, 40, 2)],
            [7],
            language_prerequisite=LanguagePrerequisite(level=CefrLevel.C1),
        ),
        scheme("other-job", [({"acute_inpatient_care"}, 40, 2)], [7], target_occupations={"x"}),
    ]
    plans = plan(d, person(), catalogue, network="iq-he", start=START)
    reasons = {u.area: u.reason for u in plans.unclosable}
    assert reasons == {
        "psychiatric_care": UnclosableReason.MEASURE_NOT_PERMITTED,
        "paediatric_care": UnclosableReason.NOT_AVAILABLE,
        "outpatient_care": UnclosableReason.NO_PLACES,
        "nursing_process": UnclosableReason.LANGUAGE,
        "acute_inpatient_care": UnclosableReason.NO_SCHEME,
    }
    assert len(plans) == 1
    assert not plans[0].complete
    assert plans[0].closes == ("geriatric_care",)
    assert {u.area for u in plans[0].unclosable} == set(reasons)
    assert "Not closed (5)" in plans[0].reason("en")
    assert "Nicht geschlossen (5)" in plans[0].reason("de")
    assert UnclosableReason.LANGUAGE.text("de").startswith("die passenden Angebote")


def test_nothing_closable_gives_no_plan_but_the_reasons() -> None:
    plans = plan(notice("geriatric_care"), person(), [], network="iq-he", start=START)
    assert plans == []
    assert [(u.area, u.reason) for u in plans.unclosable] == [
        ("geriatric_care", UnclosableReason.NO_SCHEME)
    ]


def test_runs_that_do_not_fit_together_close_what_they_can() -> None:
    catalogue = [
        scheme("a", [({"geriatric_care"}, 40, 4)], [7]),
        scheme("b", [({"psychiatric_care"}, 80, 4)], [7]),
    ]
    plans = plan(
        notice("geriatric_care", "psychiatric_care"),
        person(),
        catalogue,
        network="iq-he",
        start=START,
    )
    assert plans.unclosable == ()  # each alone is closable
    assert len(plans) == 2
    assert [p.closes for p in plans] == [("geriatric_care",), ("psychiatric_care",)]
    assert plans[0].unclosable[0].reason is UnclosableReason.SCHEDULE
    assert plans[0].unclosable[0].area == "psychiatric_care"


def test_nothing_remaining_nothing_to_plan() -> None:
    full = Decision(
        id="notice-2",
        outcome=DecisionOutcome.FULL_EQUIVALENCE,
        decided_on=START,
        occupation_id="nurse",
        regulated=True,
    )
    plans = plan(full, person(), [], network="iq-he", start=START)
    assert plans == []
    assert plans.unclosable == ()
    assert plans.remaining == ()


# -- constraints ----------------------------------------------------------------------------


def test_measures_can_be_narrowed_to_the_applicants_choice() -> None:
    catalogue = [
        scheme("exam", [({"geriatric_care"}, 40, 2)], [7], measure_type=KE),
        scheme("adapt", [({"geriatric_care"}, 400, 20)], [7], measure_type=AP),
    ]
    d = notice("geriatric_care", measures=frozenset({KE, AP}))
    both = plan(d, person(), catalogue, network="iq-he", start=START)
    assert [p.steps[0].scheme.id for p in both] == ["exam", "adapt"]
    chosen = plan(d, person(), catalogue, network="iq-he", start=START, measures={AP})
    assert [p.steps[0].scheme.id for p in chosen] == ["adapt"]


def test_adaptation_qualifications_for_a_partial_notice_and_forms() -> None:
    d = Decision(
        id="notice-3",
        outcome=DecisionOutcome.PARTIAL_EQUIVALENCE,
        decided_on=START,
        occupation_id="office_management_clerk",
        regulated=False,
        differences=[SubstantialDifference(area="bookkeeping", basis=DifferenceBasis.CONTENT)],
        existing_qualifications=("office organisation",),
    )
    common: dict[str, Any] = {"target_occupations": {"office_management_clerk"}}
    catalogue = [
        scheme("course", [({"bookkeeping"}, 60, 3)], [7], measure_type=None, **common,
               adaptation_form=AdaptationQualificationForm.COURSE),
        scheme("company", [({"bookkeeping"}, 300, 12)], [0], measure_type=None, **common,
               adaptation_form=AdaptationQualificationForm.IN_COMPANY),
        scheme("not-aq", [({"bookkeeping"}, 10, 1)], [0], **common),
    ]  # fmt: skip
    plans = plan(d, person(), catalogue, network="iq-he", start=START)
    assert [p.steps[0].scheme.id for p in plans] == ["course", "company"]
    assert plans[0].steps[0].kind is StepKind.ADAPTATION_QUALIFICATION
    only = plan(
        d, person(), catalogue, network="iq-he", start=START,
        forms={AdaptationQualificationForm.IN_COMPANY},
    )  # fmt: skip
    assert [p.steps[0].scheme.id for p in only] == ["company"]


def test_online_schemes_are_available_everywhere_and_blended_ones_are_not() -> None:
    catalogue = [
        scheme("online", [({"geriatric_care"}, 40, 2)], [7], network_id=None,
               delivery=DeliveryMode.ONLINE),
        scheme("blended", [({"geriatric_care"}, 20, 1)], [7], network_id="iq-by",
               delivery=DeliveryMode.BLENDED),
    ]  # fmt: skip
    for network in ("iq-he", None):
        plans = plan(notice("geriatric_care"), person(), catalogue, network=network, start=START)
        assert [p.steps[0].scheme.id for p in plans] == ["online"]


def test_full_runs_and_runs_before_the_start_are_skipped() -> None:
    s = TrainingScheme(
        id="s",
        title="Scheme",
        provider="Provider",
        priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
        source="synthetic test data",
        network_id="iq-he",
        target_occupations={"nurse"},
        measure_type=KE,
        modules=[Module(id="m", title="M", hours=40, covers={"geriatric_care"})],
        runs=[
            SchemeRun(starts_on=START - timedelta(days=1), capacity=5),
            SchemeRun(starts_on=START + timedelta(days=7), capacity=0),
            SchemeRun(starts_on=START + timedelta(days=35), capacity=2),
        ],
    )
    plans = plan(notice("geriatric_care"), person(), [s], network="iq-he", start=START)
    assert plans[0].steps[0].starts_on == START + timedelta(days=35)


def test_two_language_courses_in_a_row() -> None:
    catalogue = [
        scheme(
            "needs-c1",
            [({"geriatric_care"}, 40, 2)],
            [150],
            language_prerequisite=LanguagePrerequisite(level=CefrLevel.C1),
        ),
        german("c1", CefrLevel.C1, [40, 90],
               language_prerequisite=LanguagePrerequisite(level=CefrLevel.B2)),
        german("b2", CefrLevel.B2, [0, 30]),
        german("b2-late", CefrLevel.B2, [100]),
    ]  # fmt: skip
    plans = plan(notice("geriatric_care"), person(CefrLevel.A2), catalogue, network="iq-he",
                 start=START)  # fmt: skip
    assert [s.scheme.id for s in plans[0].steps] == ["b2", "c1", "needs-c1"]
    assert plans[0].steps[1].starts_on == START + timedelta(days=40)
    assert plans[0].steps[0].language == LanguagePrerequisite(level=CefrLevel.B2)
    # Without any German known, the B2 course still has no prerequisite: same plan.
    assert [s.scheme.id for s in plan(notice("geriatric_care"), None, catalogue,
                                      network="iq-he", start=START)[0].steps] == [
        "b2", "c1", "needs-c1"
    ]  # fmt: skip


def test_occupational_language_prerequisite_needs_an_occupational_course() -> None:
    need = LanguagePrerequisite(level=CefrLevel.C1, scope=LanguageScope.OCCUPATIONAL)
    catalogue = [
        scheme("s", [({"geriatric_care"}, 40, 2)], [60], language_prerequisite=need),
        german("general-c1", CefrLevel.C1, [0]),
    ]
    plans = plan(notice("geriatric_care"), person(CefrLevel.B2), catalogue, network="iq-he",
                 start=START)  # fmt: skip
    assert plans == []
    assert plans.unclosable[0].reason is UnclosableReason.LANGUAGE
    course = TrainingScheme(
        id="medical-c1",
        title="German for nursing C1",
        provider="Language school",
        priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
        source="synthetic test data",
        network_id="iq-he",
        modules=[Module(id="course", title="Course", hours=160, weeks=6)],
        teaches_language=need,
        runs=[SchemeRun(starts_on=START, capacity=10)],
    )
    plans = plan(notice("geriatric_care"), person(CefrLevel.B2), [*catalogue, course],
                 network="iq-he", start=START)  # fmt: skip
    assert [s.scheme.id for s in plans[0].steps] == ["medical-c1", "s"]


def test_staff_schemes_are_never_planned() -> None:
    staff = TrainingScheme(
        id="ambassadors",
        title="Intercultural ambassadors",
        provider="Provider",
        priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
        source="synthetic test data",
        network_id="iq-he",
        audience=Audience.STAFF,
        adaptation_form=AdaptationQualificationForm.COURSE,
        modules=[Module(id="m", title="M", hours=10, covers={"geriatric_care"})],
        runs=[SchemeRun(starts_on=START, capacity=10)],
    )
    assert plan(notice("geriatric_care"), person(), [staff], network="iq-he", start=START) == []


# -- input errors and the package surface ------------------------------------------------------


def test_bad_arguments_are_all_reported_without_their_values() -> None:
    with pytest.raises(ValidationError) as info:
        plan(
            "a notice",
            "someone",
            [],
            network=42,
            start="2025-03-03",
            limit=0,
            objective="quickest-possible",
        )
    assert set(info.value.paths()) == {
        "$.assessment",
        "$.applicant",
        "$.network",
        "$.start",
        "$.limit",
        "$.objective",
    }
    text = str(info.value)
    for value in ("a notice", "someone", "2025-03-03", "quickest-possible"):
        assert value not in text


def test_catalogue_refuses_repeated_ids_and_foreign_objects() -> None:
    s = scheme("same", [({"geriatric_care"}, 40, 2)], [7])
    with pytest.raises(ValidationError) as info:
        Catalogue([s, s, "not a scheme"])  # type: ignore[list-item]
    assert info.value.paths() == ["$.catalogue[1].id", "$.catalogue[2]"]
    catalogue = Catalogue([s])
    assert len(catalogue) == 1
    assert "same" in catalogue
    assert catalogue.get("same") is s
    assert list(catalogue) == [s]


def test_plan_is_lazy_in_the_package() -> None:
    code = (
        "import sys, iqcore; assert 'iqcore.planning' not in sys.modules; "
        "print(iqcore.plan.__module__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "iqcore.planning" in out
    assert iqcore.plan is plan
