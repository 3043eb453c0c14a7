# mypy's attrs plugin types the model's converted collection fields (converter=tuple,
# converter=frozenset) as Iterable[_T_co]; the values passed here are right at run time.
# mypy: disable-error-code="arg-type"
"""``iqcore.plan`` is optimal: compared with brute force on small random catalogues.

The brute force here shares no code with the planner. It filters the schemes itself, tries
every set of steps (each closing scheme unused or with any subset of the modules that cover a
remaining difference, each language course in or out), every order of each set, with the
earliest run that fits, keeps the sets in which nothing can be dropped, and ranks them. The
planner's plans must have the same costs, rank by rank (top-k), for both objectives, and the
same differences must be unclosable. Each plan is also checked step by step against the
catalogue (dates, runs with places, modules, language order, hours, what it closes).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iqcore.model import (
    AdaptationQualificationForm,
    Audience,
    CefrLevel,
    CompensationMeasureType,
    Decision,
    DecisionOutcome,
    DeliveryMode,
    DifferenceBasis,
    LanguagePrerequisite,
    LanguageScope,
    LanguageSkill,
    Migrant,
    Module,
    PriorityArea,
    SchemeRun,
    SubstantialDifference,
    TrainingScheme,
)
from iqcore.planning import Catalogue, Plan, StepKind, plan

START = date(2025, 1, 6)
AREAS = ("a0", "a1", "a2", "a3")
OCC = "occ"
NET = "n1"
LEVELS = (CefrLevel.B1, CefrLevel.B2, CefrLevel.C1)
ORDER = list(CefrLevel)


# -- random problems -------------------------------------------------------------------------


@st.composite
def prerequisites(draw: st.DrawFn, often: bool = False) -> LanguagePrerequisite | None:
    if (draw(st.integers(0, 2)) == 0) == often:
        return None
    return LanguagePrerequisite(
        level=draw(st.sampled_from(LEVELS)), scope=draw(st.sampled_from(list(LanguageScope)))
    )


@st.composite
def runs(draw: st.DrawFn, last: int = 150, full: bool = True) -> list[SchemeRun]:
    days = sorted(draw(st.lists(st.integers(-20, last), min_size=1, max_size=4)))
    return [
        SchemeRun(
            starts_on=START + timedelta(days=d),
            capacity=draw(st.sampled_from([0, 1, 2, 5, 5, 5, 5, 5] if full else [1, 5])),
        )
        for d in days
    ]


@st.composite
def places(draw: st.DrawFn) -> tuple[str | None, DeliveryMode]:
    return (
        draw(st.sampled_from([NET] * 6 + ["n2", None])),
        draw(st.sampled_from([DeliveryMode.IN_PERSON, DeliveryMode.BLENDED, DeliveryMode.ONLINE])),
    )


@st.composite
def closing_schemes(
    draw: st.DrawFn,
    i: int,
    regulated: bool,
    languages: bool,
    permitted: frozenset[CompensationMeasureType],
    easy: bool,
) -> TrainingScheme:
    """A scheme for the differences; ``easy``: usable, so that there are many plans to rank."""
    n_mod = draw(st.integers(2 if easy else 1, 3))
    modules = [
        Module(
            id=f"m{j}",
            title="Module",
            hours=draw(st.integers(1, 12)) * 10,
            weeks=draw(st.integers(1, 6)),
            covers=draw(
                st.sets(st.sampled_from(AREAS), min_size=1, max_size=draw(st.integers(1, 2)))
            ),
        )
        for j in range(n_mod)
    ]
    network_id, delivery = (NET, DeliveryMode.IN_PERSON) if easy else draw(places())
    good_kind = easy or draw(st.integers(0, 9)) > 0
    measure = form = None
    if regulated:
        kinds = sorted(permitted) if good_kind else list(CompensationMeasureType)
        measure = draw(st.sampled_from(kinds))
    if not regulated or not good_kind:
        # A form for a regulated profession, or none for a non-regulated one: not usable.
        form = draw(st.sampled_from(list(AdaptationQualificationForm))) if good_kind else None
        measure = None if form is not None else measure
    return TrainingScheme(
        id=f"s{i}",
        title="Scheme",
        provider="Provider",
        priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
        source="synthetic test data",
        network_id=network_id,
        delivery=delivery,
        target_occupations=draw(
            st.sampled_from(
                [{OCC}] * 6 + [{OCC, "other"}, set(), {"other"}] if not easy else [{OCC}]
            )
        ),
        modules=modules,
        language_prerequisite=None if easy else draw(prerequisites(languages)),
        measure_type=measure,
        adaptation_form=form,
        runs=draw(runs(full=not easy)),
    )


@st.composite
def language_courses(draw: st.DrawFn, i: int) -> TrainingScheme:
    network_id, delivery = draw(places())
    return TrainingScheme(
        id=f"lang{i}",
        title="German course",
        provider="Provider",
        priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
        source="synthetic test data",
        network_id=network_id,
        delivery=delivery,
        modules=[
            Module(
                id="course",
                title="Course",
                hours=draw(st.integers(1, 30)) * 10,
                weeks=draw(st.integers(1, 8)),
            )
        ],
        language_prerequisite=draw(prerequisites()),
        teaches_language=LanguagePrerequisite(
            level=draw(st.sampled_from(LEVELS[1:])),
            scope=draw(st.sampled_from([LanguageScope.GENERAL, *LanguageScope])),
        ),
        runs=draw(runs(last=60)),
    )


@st.composite
def problems(
    draw: st.DrawFn, kinds: tuple[str, ...] = ("mixed", "languages", "alternatives")
) -> tuple[Decision, Migrant, list[TrainingScheme], int]:
    regulated = draw(st.booleans())
    kind = draw(st.sampled_from(kinds))
    # "languages": prerequisites matter; "chains": also several courses to combine.
    languages = kind in ("languages", "chains")
    easy = kind == "alternatives"  # every scheme usable: many plans to rank
    remaining = draw(
        st.lists(st.sampled_from(AREAS), min_size=2 if easy else 1, max_size=3, unique=True)
    )
    diffs = [SubstantialDifference(area=a, basis=DifferenceBasis.CONTENT) for a in remaining]
    if regulated:
        decision = Decision(
            id="d",
            outcome=DecisionOutcome.COMPENSATION_MEASURE_REQUIRED,
            decided_on=START,
            occupation_id=OCC,
            regulated=True,
            differences=diffs,
            permitted_measures=draw(
                st.sets(st.sampled_from(list(CompensationMeasureType)), min_size=1)
            ),
        )
    else:
        decision = Decision(
            id="d",
            outcome=DecisionOutcome.PARTIAL_EQUIVALENCE,
            decided_on=START,
            occupation_id=OCC,
            regulated=False,
            differences=diffs,
            existing_qualifications=("basics",),
        )
    skills = []
    for scope in LanguageScope:
        level = draw(
            st.sampled_from(
                [None, CefrLevel.A2, CefrLevel.B1]
                if languages
                else [None, CefrLevel.A2, CefrLevel.B1, CefrLevel.B2, CefrLevel.C1]
            )
        )
        if level is not None:
            skills.append(LanguageSkill(language="de", level=level, scope=scope))
    applicant = Migrant(id="p", languages=skills)
    n_closing = draw(st.integers(3 if easy else 2, 5))
    n_lang = draw(st.integers(1 if languages else 0, 0 if easy else 2))
    if kind == "chains":
        n_closing = draw(st.integers(2, 3))
        n_lang = draw(st.integers(2, 3))
    catalogue = [
        draw(closing_schemes(i, regulated, languages, decision.permitted_measures, easy))
        for i in range(n_closing)
    ]
    catalogue += [draw(language_courses(i)) for i in range(n_lang)]
    return decision, applicant, catalogue, draw(st.integers(3 if easy else 1, 6))


# -- brute force -------------------------------------------------------------------------------


def level(person: Migrant, scope: LanguageScope) -> int:
    lv = person.language_level("de", scope)
    return -1 if lv is None else ORDER.index(lv)


def usable(s: TrainingScheme, decision: Decision) -> bool:
    if s.audience is not Audience.MIGRANTS:
        return False
    if s.target_occupations and OCC not in s.target_occupations:
        return False
    if not (s.delivery is DeliveryMode.ONLINE or s.network_id == NET):
        return False
    if not any(r.capacity > 0 and r.starts_on >= START for r in s.runs):
        return False
    if s.teaches_language is not None:
        return True
    if decision.regulated:
        return s.measure_type in decision.permitted_measures
    return s.adaptation_form is not None


Step = tuple[TrainingScheme, tuple[Module, ...]]


def meets(gen: int, occ: int, req: LanguagePrerequisite | None) -> bool:
    if req is None:
        return True
    need = ORDER.index(req.level)
    return (max(gen, occ) if req.scope is LanguageScope.GENERAL else occ) >= need


def best_order(steps: Sequence[Step], person: Migrant) -> int | None:
    """The earliest day after the last step over every order (None if no order works)."""
    best: int | None = None
    for order in itertools.permutations(steps):
        gen, occ = level(person, LanguageScope.GENERAL), level(person, LanguageScope.OCCUPATIONAL)
        day = START
        ok = True
        for scheme, modules in order:
            if not meets(gen, occ, scheme.language_prerequisite):
                ok = False
                break
            run = next((r for r in scheme.runs if r.capacity > 0 and r.starts_on >= day), None)
            if run is None:
                ok = False
                break
            day = run.starts_on + timedelta(weeks=sum(m.weeks for m in modules))
            taught = scheme.teaches_language
            if taught is not None:
                if taught.scope is LanguageScope.GENERAL:
                    gen = max(gen, ORDER.index(taught.level))
                else:
                    occ = max(occ, ORDER.index(taught.level))
        if ok and (best is None or day.toordinal() < best):
            best = day.toordinal()
    return best


def brute_force(
    decision: Decision, person: Migrant, catalogue: list[TrainingScheme], objective: str
) -> tuple[list[tuple[int, int, int]], set[str], int]:
    """(ranked costs of every plan, closable areas, areas the best plans close)."""
    target = {d.area for d in decision.remaining_differences}
    closing = [s for s in catalogue if usable(s, decision) and s.teaches_language is None]
    langs = [s for s in catalogue if usable(s, decision) and s.teaches_language is not None]
    options: list[list[Step | None]] = []
    for s in closing:
        relevant = [m for m in s.modules if m.covers & target]
        subsets: list[Step | None] = [None]
        for r in range(1, len(relevant) + 1):
            subsets += [(s, c) for c in itertools.combinations(relevant, r)]
        options.append(subsets)
    lang_sets = [
        [(s, s.modules) for s in chosen]
        for r in range(len(langs) + 1)
        for chosen in itertools.combinations(langs, r)
    ]
    closable: set[str] = set()
    plans: list[tuple[int, tuple[int, int, int]]] = []
    for combo in itertools.product(*options):
        steps = [x for x in combo if x is not None]
        if not steps:
            continue
        modules = [m for _, mods in steps for m in mods]
        covered = set().union(*(m.covers for m in modules)) & target
        for lang_steps in lang_sets:
            every = steps + lang_steps
            end = best_order(every, person)
            if end is None:
                continue
            closable |= covered
            private = all(
                (m.covers & target)
                - set().union(*(o.covers for j, o in enumerate(modules) if j != i))
                for i, m in enumerate(modules)
            )
            needed = all(
                best_order([x for x in every if x is not lang], person) is None
                for lang in lang_steps
            )
            if private and needed:
                hours = sum(m.hours for _, mods in every for m in mods)
                cost = (end, hours, len(every))
                if objective == "fewest_hours":
                    cost = (hours, end, len(every))
                plans.append((len(covered), cost))
    if not plans:
        return [], closable, 0
    most = max(n for n, _ in plans)
    return sorted(c for n, c in plans if n == most), closable, most


# -- checking a plan against the catalogue ----------------------------------------------------


def check_plan(p: Plan, decision: Decision, person: Migrant, objective: str) -> tuple[int, ...]:
    """Check a plan step by step; return its cost in the brute force's terms."""
    target = {d.area for d in decision.remaining_differences}
    gen, occ = level(person, LanguageScope.GENERAL), level(person, LanguageScope.OCCUPATIONAL)
    day = START
    closed: set[str] = set()
    modules: list[Module] = []
    for step in p.steps:
        s = step.scheme
        assert usable(s, decision)
        assert meets(gen, occ, s.language_prerequisite)
        assert step.starts_on >= day
        assert any(r.starts_on == step.starts_on and r.capacity > 0 for r in s.runs)
        assert set(step.modules) <= set(s.modules)
        assert step.ends_on == step.starts_on + timedelta(weeks=step.weeks, days=-1)
        day = step.ends_on + timedelta(days=1)
        if step.kind is StepKind.LANGUAGE_COURSE:
            assert s.teaches_language is not None
            assert step.modules == s.modules
            assert step.closes == ()
            t = s.teaches_language
            if t.scope is LanguageScope.GENERAL:
                gen = max(gen, ORDER.index(t.level))
            else:
                occ = max(occ, ORDER.index(t.level))
        else:
            assert step.kind is (
                StepKind.COMPENSATION_MEASURE
                if decision.regulated
                else StepKind.ADAPTATION_QUALIFICATION
            )
            covers = set().union(*(m.covers for m in step.modules)) & target
            assert all(m.covers & target for m in step.modules)  # only modules that are needed
            assert set(step.closes) == covers - closed
            closed |= covers
            modules.extend(step.modules)
    assert closed == set(p.closes)
    assert closed | {u.area for u in p.unclosable} == target
    assert p.completion == p.steps[-1].ends_on
    assert p.hours == sum(s.hours for s in p.steps)
    end = p.completion.toordinal() + 1
    if objective == "fewest_hours":
        return (p.hours, end, len(p.steps))
    return (end, p.hours, len(p.steps))


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problems(), st.sampled_from(["earliest", "fewest_hours"]))
def test_plans_match_brute_force(
    problem: tuple[Decision, Migrant, list[TrainingScheme], int], objective: str
) -> None:
    check_against_brute_force(problem, objective)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problems(kinds=("chains",)), st.sampled_from(["earliest", "fewest_hours"]))
def test_plans_match_brute_force_with_language_courses(
    problem: tuple[Decision, Migrant, list[TrainingScheme], int], objective: str
) -> None:
    """Prerequisites the applicant lacks and several courses to reach them: this is where the
    planner's language-readiness and chain bounds cut most, so an inadmissible one shows."""
    check_against_brute_force(problem, objective)


def check_against_brute_force(
    problem: tuple[Decision, Migrant, list[TrainingScheme], int], objective: str
) -> None:
    decision, person, schemes, limit = problem
    expected, closable, most = brute_force(decision, person, schemes, objective)
    got = plan(
        decision,
        person,
        Catalogue(schemes),
        network=NET,
        start=START,
        limit=limit,
        objective=objective,
    )
    target = {d.area for d in decision.remaining_differences}
    assert {u.area for u in got.unclosable} == target - closable
    costs = [check_plan(p, decision, person, objective) for p in got]
    assert costs == expected[:limit]
    assert [p.rank for p in got] == list(range(1, len(got) + 1))
    for p in got:
        assert len(p.closes) == most
        assert p.complete == (most == len(target))
