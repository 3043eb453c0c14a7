"""Benchmark of training-path planning: latency of ``iqcore.plan`` on a 10,000-scheme catalogue.

Builds a synthetic catalogue (default 10,000 schemes) for the shipped reference occupations:
schemes in every regional network or online, 1-6 modules each covering one or two competence
areas of a target occupation, 1-6 runs over two years (some full), language prerequisites on
about a third of them, compensation-measure preparation (regulated) or adaptation
qualifications (non-regulated), some not permitted, plus general and occupational German
courses (some with a prerequisite of their own). Then assesses a few hundred varied synthetic
cases with ``iqcore.assess`` (the built-in federal rules), keeps those with remaining
differences, and times ``iqcore.plan`` on each (both objectives, top 3), with the catalogue
indexed once beforehand.

Prints the latency distribution (p50, p95, p99, max, mean) per objective and overall, as wall
clock and as CPU time (which a busy machine disturbs less), what the plans looked like
(complete, partial, none; steps; language courses), the time to index the catalogue, and the
slowest plans with their sizes (``--worst N``). Goal (issue 6 §1): 95% of plans in under 10 ms,
for every objective. Not a test.

    python bench/bench_planning.py [--schemes 10000] [--cases 400] [--seed 7] [--limit 3]
                                   [--worst 10]
"""

# mypy's attrs plugin types the model's converted collection fields as Iterable[_T_co].
# mypy: disable-error-code="arg-type"

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import time
from datetime import date, timedelta

import iqcore
from iqcore import reference_data
from iqcore.model import (
    AdaptationQualificationForm,
    CefrLevel,
    CompensationMeasureType,
    Country,
    DeliveryMode,
    ForeignQualification,
    LanguagePrerequisite,
    LanguageScope,
    LanguageSkill,
    Migrant,
    Module,
    PriorityArea,
    QualificationKind,
    RegionalNetwork,
    RegulationStatus,
    SchemeRun,
    TrainingScheme,
)
from iqcore.planning import Catalogue, PlanList, StepKind
from iqcore.rules import Assessment

FIRST_RUN = date(2025, 1, 6)
AS_OF = date(2025, 3, 3)
COUNTRIES = ["SY", "TR", "UA", "PH", "IN", "TN", "BA", "RO", "PL", "ES", "IT", "IR", "CO", "VN"]


def make_catalogue(n: int, rnd: random.Random, networks: list[str]) -> list[TrainingScheme]:
    """*n* schemes: about 97% for occupations' competence areas, the rest German courses."""
    occupations = reference_data.occupations()
    schemes: list[TrainingScheme] = []
    n_lang = max(20, n // 35)
    for i in range(n - n_lang):
        occ = rnd.choice(occupations)
        areas = [a.id for a in occ.competence_areas]
        modules = [
            Module(
                id=f"m{j}",
                title=f"Module {j + 1}",
                hours=rnd.choice([20, 40, 40, 60, 80, 80, 120, 160, 240, 320]),
                weeks=rnd.randint(1, 12),
                covers=frozenset(rnd.sample(areas, k=min(len(areas), rnd.choice([1, 1, 1, 2])))),
            )
            for j in range(rnd.randint(1, 6))
        ]
        regulated = occ.regulation is RegulationStatus.REGULATED
        measure = form = None
        if regulated:
            measure = rnd.choice(list(CompensationMeasureType))
        else:
            form = rnd.choice(list(AdaptationQualificationForm))
        online = rnd.random() < 0.12
        prereq = None
        if rnd.random() < 0.35:
            scope = LanguageScope.OCCUPATIONAL if rnd.random() < 0.3 else LanguageScope.GENERAL
            level = rnd.choice([CefrLevel.B1, CefrLevel.B2, CefrLevel.B2, CefrLevel.C1])
            prereq = LanguagePrerequisite(level=level, scope=scope)
        schemes.append(
            TrainingScheme(
                id=f"scheme-{i}",
                title=f"Bridge training {i}",
                provider=f"Provider {i % 400}",
                priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
                source="synthetic benchmark data",
                network_id=None if online and rnd.random() < 0.5 else rnd.choice(networks),
                delivery=DeliveryMode.ONLINE
                if online
                else rnd.choice([DeliveryMode.IN_PERSON, DeliveryMode.BLENDED]),
                target_occupations=frozenset({occ.id}),
                modules=modules,
                language_prerequisite=prereq,
                measure_type=measure,
                adaptation_form=form,
                runs=_runs(rnd),
            )
        )
    steps = [
        (None, CefrLevel.B1, LanguageScope.GENERAL),
        (CefrLevel.B1, CefrLevel.B2, LanguageScope.GENERAL),
        (CefrLevel.B2, CefrLevel.C1, LanguageScope.GENERAL),
        (CefrLevel.B2, CefrLevel.C1, LanguageScope.OCCUPATIONAL),
    ]
    for i in range(n_lang):
        need, teach, scope = rnd.choice(steps)
        online = rnd.random() < 0.25
        schemes.append(
            TrainingScheme(
                id=f"german-{i}",
                title=f"German {teach.value} course {i}",
                provider=f"Language school {i % 60}",
                priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
                source="synthetic benchmark data",
                network_id=None if online else rnd.choice(networks),
                delivery=DeliveryMode.ONLINE if online else DeliveryMode.IN_PERSON,
                modules=[
                    Module(
                        id="course",
                        title="Course",
                        hours=rnd.choice([100, 200, 300, 400]),
                        weeks=rnd.randint(4, 16),
                    )
                ],
                language_prerequisite=None
                if need is None
                else LanguagePrerequisite(level=need, scope=LanguageScope.GENERAL),
                teaches_language=LanguagePrerequisite(level=teach, scope=scope),
                runs=_runs(rnd),
            )
        )
    rnd.shuffle(schemes)
    return schemes


def _runs(rnd: random.Random) -> list[SchemeRun]:
    days = sorted(rnd.sample(range(730), k=rnd.randint(1, 6)))
    return [
        SchemeRun(
            starts_on=FIRST_RUN + timedelta(days=d),
            capacity=0 if rnd.random() < 0.1 else rnd.randint(1, 20),
        )
        for d in days
    ]


def make_assessments(
    n: int, rnd: random.Random, networks: list[RegionalNetwork]
) -> list[tuple[Assessment, Migrant, str]]:
    """Assess synthetic cases until *n* have remaining differences."""
    occupations = reference_data.occupations()
    out: list[tuple[Assessment, Migrant, str]] = []
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        occ = rnd.choice(occupations)
        areas = [a.id for a in occ.competence_areas]
        covered = frozenset(a for a in areas if rnd.random() < 0.6)
        country = Country(code=rnd.choice(COUNTRIES))
        q = ForeignQualification(
            title_original="qualification",
            country_of_training=country,
            kind=occ.qualification_kind
            if rnd.random() < 0.9
            else QualificationKind.HIGHER_EDUCATION,
            duration_months=max(12, occ.nominal_duration_months + rnd.randint(-12, 6)),
            competence_areas=covered,
        )
        network = rnd.choice(networks)
        levels = [CefrLevel.A2, CefrLevel.B1, CefrLevel.B1, CefrLevel.B2, CefrLevel.C1]
        skills = [LanguageSkill(language="de", level=rnd.choice(levels))]
        if rnd.random() < 0.3:
            skills.append(
                LanguageSkill(
                    language="de", level=rnd.choice(levels), scope=LanguageScope.OCCUPATIONAL
                )
            )
        applicant = Migrant(
            id=f"p{tries}",
            nationalities=frozenset({country}),
            residence_state=network.state,
            languages=skills,
        )
        a = iqcore.assess(q, occ, applicant=applicant, as_of=AS_OF, network=network)
        if a.remaining:
            out.append((a, applicant, network.id))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def report(name: str, ms: list[float]) -> None:
    under = sum(1 for x in ms if x < 10.0) / len(ms) * 100
    print(
        f"  {name:<13} n={len(ms):<4} p50={pct(ms, 50):6.2f} ms  p95={pct(ms, 95):6.2f} ms  "
        f"p99={pct(ms, 99):6.2f} ms  max={max(ms):6.2f} ms  mean={statistics.fmean(ms):6.2f} ms"
        f"  under 10 ms: {under:.1f}%"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemes", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limit", type=int, default=3)
    parser.add_argument("--no-gc", action="store_true", help="disable the collector while timing")
    parser.add_argument("--worst", type=int, default=10, help="print the N slowest plans")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rnd = random.Random(args.seed)
    all_networks = list(reference_data.networks())
    network_ids = [n.id for n in all_networks]
    schemes = make_catalogue(args.schemes, rnd, network_ids)
    t0 = time.perf_counter()
    catalogue = Catalogue(schemes)
    index_ms = (time.perf_counter() - t0) * 1000
    cases = make_assessments(args.cases, rnd, all_networks)
    print(
        f"catalogue: {len(catalogue)} schemes, indexed in {index_ms:.0f} ms; "
        f"{len(cases)} assessments with remaining differences "
        f"(1-{max(len(a.remaining) for a, _, _ in cases)} each)"
    )
    # Warm up (imports, first-call caches), then time each plan on its own. The catalogue and
    # the cases are long-lived: gc.freeze() keeps the collector from walking them again and
    # again (what a long-running service holding a catalogue would do); the collector stays on.
    for a, person, net in cases[:5]:
        iqcore.plan(a, person, catalogue, network=net, start=AS_OF, limit=args.limit)
    gc.collect()
    gc.freeze()
    if args.no_gc:
        gc.disable()
    timings: dict[str, list[float]] = {"earliest": [], "fewest_hours": []}
    cpu: dict[str, list[float]] = {"earliest": [], "fewest_hours": []}
    # (CPU ms, wall ms, case, objective, differences, plans, steps of the best plan)
    slow: list[tuple[float, float, int, str, tuple[str, ...], int, int]] = []
    shapes = {"complete": 0, "partial": 0, "none": 0, "language": 0, "steps": 0, "plans": 0}
    try:
        for i, (a, person, net) in enumerate(cases):
            objective = "earliest" if i % 2 == 0 else "fewest_hours"
            for obj in (objective, "fewest_hours" if objective == "earliest" else "earliest"):
                c = time.process_time_ns()
                t = time.perf_counter_ns()
                plans: PlanList = iqcore.plan(
                    a, person, catalogue, network=net, start=AS_OF, limit=args.limit, objective=obj
                )
                wall_ms = (time.perf_counter_ns() - t) / 1e6
                cpu_ms = (time.process_time_ns() - c) / 1e6
                timings[obj].append(wall_ms)
                cpu[obj].append(cpu_ms)
                slow.append(
                    (
                        cpu_ms,
                        wall_ms,
                        i,
                        obj,
                        plans.remaining,
                        len(plans),
                        len(plans[0].steps) if plans else 0,
                    )
                )
                if obj != objective:
                    continue
                if not plans:
                    shapes["none"] += 1
                    continue
                shapes["complete" if plans[0].complete else "partial"] += 1
                shapes["plans"] += len(plans)
                shapes["steps"] += len(plans[0].steps)
                shapes["language"] += any(
                    s.kind is StepKind.LANGUAGE_COURSE for s in plans[0].steps
                )
    finally:
        gc.enable()
    with_plan = shapes["complete"] + shapes["partial"]
    print(
        f"best plans: {shapes['complete']} complete, {shapes['partial']} partial, "
        f"{shapes['none']} none; {shapes['plans'] / max(1, with_plan):.1f} plans per case, "
        f"{shapes['steps'] / max(1, with_plan):.1f} steps in the best plan, "
        f"{shapes['language']} best plans start with a language course"
    )
    print(
        f"latency of iqcore.plan (limit={args.limit}, wall clock; load average before: "
        f"{load:.2f} on {os.cpu_count()} cores):"
    )
    report("earliest", timings["earliest"])
    report("fewest_hours", timings["fewest_hours"])
    report("all", timings["earliest"] + timings["fewest_hours"])
    print("the same plans, CPU time:")
    report("earliest", cpu["earliest"])
    report("fewest_hours", cpu["fewest_hours"])
    report("all", cpu["earliest"] + cpu["fewest_hours"])
    if args.worst > 0:
        print(f"the {args.worst} slowest plans (CPU time):")
        slow.sort(reverse=True)
        for cpu_ms, wall_ms, i, obj, areas, n_plans, n_steps in slow[: args.worst]:
            n_cand = _candidates(catalogue, areas, cases[i][2])
            print(
                f"  {cpu_ms:7.2f} ms CPU ({wall_ms:7.2f} ms wall)  case {i:<4} {obj:<12} "
                f"{len(areas)} differences, {n_cand} schemes cover them here, {n_plans} plans, "
                f"{n_steps} steps in the best"
            )


def _candidates(catalogue: Catalogue, areas: tuple[str, ...], network: str) -> int:
    """How many schemes of the catalogue cover one of *areas* in *network* or online."""
    seen: set[str] = set()
    for scheme in catalogue:
        if scheme.covers & set(areas) and (
            scheme.delivery is DeliveryMode.ONLINE or scheme.network_id == network
        ):
            seen.add(scheme.id)
    return len(seen)


if __name__ == "__main__":
    main()
