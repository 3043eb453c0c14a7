"""Benchmark of the assessment engine: assessments per second with full traces.

Builds a synthetic batch of varied cases (the shipped reference occupations, countries of
training in and outside the EU, random coverage of competence areas, evidenced and unevidenced
experience, languages, regional networks and dates from 2006 to 2025), then times
``iqcore.assess`` over the batch with the built-in federal plugin only, and with 16 extra
regional test plugins (each adding rules and a parameter for its own network and Land).

Prints assessments per second (median of the runs) and the ratio of the two. Goals (issue 3
§6): at least 10,000 assessments/s on one core with traces; 16 plugins cost at most 15%.

    python bench/bench_engine.py [--cases 10000] [--runs 5] [--profile]
"""

# mypy's attrs plugin types the model's converted collection fields as Iterable[_T_co].
# mypy: disable-error-code="arg-type"

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from datetime import date, timedelta
from typing import Any

import iqcore
from iqcore import reference_data
from iqcore.model import (
    CefrLevel,
    Country,
    Document,
    DocumentKind,
    ForeignQualification,
    LanguageScope,
    LanguageSkill,
    Migrant,
    QualificationKind,
    ReferenceOccupation,
    RegionalNetwork,
    WorkExperience,
)
from iqcore.plugins import PluginHost, hookimpl, make_host
from iqcore.rules import (
    CaseContext,
    Finding,
    Jurisdiction,
    LegalReference,
    Parameter,
    Rule,
    Selector,
    Stage,
    Validity,
    applied,
)

COUNTRIES = ["SY", "TR", "UA", "PH", "IN", "TN", "BA", "RO", "PL", "ES", "IT", "HR", "CH", "NO"]
START = date(2006, 1, 1)
SPAN_DAYS = (date(2025, 12, 31) - START).days


def make_cases(n: int, seed: int = 42) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    occupations = reference_data.occupations()
    networks = reference_data.networks()
    cases: list[dict[str, Any]] = []
    for i in range(n):
        occ: ReferenceOccupation = rnd.choice(occupations)
        areas = [a.id for a in occ.competence_areas]
        covered = frozenset(a for a in areas if rnd.random() < 0.8)
        uncovered = [a for a in areas if a not in covered]
        country = Country(code=rnd.choice(COUNTRIES))
        experience = tuple(
            WorkExperience(
                occupation="work",
                months=rnd.randint(3, 72),
                country=country,
                evidenced=rnd.random() < 0.7,
                competence_areas=frozenset(rnd.sample(uncovered, k=min(len(uncovered), 2))),
            )
            for _ in range(rnd.randint(0, 2))
        )
        missing = rnd.random() < 0.1
        q = ForeignQualification(
            title_original="qualification",
            country_of_training=country,
            kind=rnd.choice(
                [occ.qualification_kind] * 8
                + [QualificationKind.SCHOOL, QualificationKind.HIGHER_EDUCATION]
            ),
            duration_months=max(6, occ.nominal_duration_months + rnd.randint(-24, 12)),
            competence_areas=covered,
            experience=experience,
            documents=(Document(kind=DocumentKind.TRAINING_CERTIFICATE, available=not missing),),
            documents_complete=not missing,
            documents_missing_through_no_fault=missing and rnd.random() < 0.5,
            regulated_in_country_of_training=rnd.choice([None, True, False]),
        )
        network: RegionalNetwork | None = rnd.choice(networks) if rnd.random() < 0.8 else None
        applicant = Migrant(
            id=f"p{i}",
            nationalities=frozenset({country}),
            residence_state=network.state if network is not None else None,
            languages=(
                LanguageSkill(language="de", level=rnd.choice(list(CefrLevel))),
                LanguageSkill(
                    language="de",
                    level=rnd.choice(list(CefrLevel)),
                    scope=LanguageScope.OCCUPATIONAL,
                ),
            )
            if rnd.random() < 0.8
            else (),
        )
        cases.append(
            {
                "qualification": q,
                "occupation": occ,
                "applicant": applicant if rnd.random() < 0.9 else None,
                "as_of": START + timedelta(days=rnd.randrange(SPAN_DAYS)),
                "network": network,
            }
        )
    return cases


# -- 16 regional test plugins ---------------------------------------------------------------


def _noop(ctx: CaseContext) -> Finding:
    return applied("regional note")


def _local_offer(ctx: CaseContext) -> Finding:
    if ctx.outcome is None:
        return applied("no local offer needed")
    return applied(f"local counselling offer for outcome {ctx.outcome.value}")


class RegionalTestPlugin:
    """A regional plugin of the kind a network would write: a few rules and one parameter."""

    def __init__(self, network: RegionalNetwork) -> None:
        self.network = network
        self.iqcore_plugin_name = f"bench.{network.id}"

    @hookimpl
    def iqcore_register_rules(self, register: Any) -> None:
        n = self.network
        net = Jurisdiction.of_network(n.id, n.state)
        land = Jurisdiction.of_state(n.state)
        ref = LegalReference(act="benchmark plugin", verified=False)
        since = Validity(valid_from=date(2012, 4, 1))
        register(
            Rule(
                id=f"{n.id}.scope.note",
                version=1,
                title="Regional note",
                reference=ref,
                validity=since,
                stage=Stage.SCOPE,
                evaluate=_noop,
                jurisdiction=net,
                order=95,
            ),
            Rule(
                id=f"{n.id}.next.local_offer",
                version=1,
                title="Local counselling offer",
                reference=ref,
                validity=since,
                stage=Stage.NEXT_STEPS,
                evaluate=_local_offer,
                jurisdiction=net,
                order=95,
            ),
            Rule(
                id=f"{n.id}.land.licensing_note",
                version=1,
                title="Land licensing note",
                reference=ref,
                validity=since,
                stage=Stage.LICENSING,
                evaluate=_noop,
                jurisdiction=land,
                selector=Selector(regulated=True),
                order=95,
            ),
        )

    @hookimpl
    def iqcore_register_parameters(self, register: Any) -> None:
        n = self.network
        register(
            Parameter.constant(
                id=f"{n.id}.months_per_area",
                title="Months per area in this network",
                value=10,
                reference=LegalReference(act="benchmark plugin", verified=False),
                jurisdiction=Jurisdiction.of_network(n.id, n.state),
                replaces="fed.compensation.months_per_area",
                unit="months",
            )
        )


def regional_plugins(count: int = 16) -> list[RegionalTestPlugin]:
    networks = sorted(reference_data.networks(), key=lambda n: n.id)
    return [RegionalTestPlugin(n) for n in networks[:count]]


# -- timing ---------------------------------------------------------------------------------


def run(host: PluginHost, cases: list[dict[str, Any]]) -> float:
    """CPU time of this process to assess every case (the machine is shared and noisy, so CPU
    time, not wall time, measures the engine)."""
    assess = iqcore.assess
    gc.collect()
    t0 = time.process_time()
    for c in cases:
        assess(**c, host=host)
    return time.process_time() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    cases = make_cases(args.cases)
    base = make_host(autoload=False)
    plugins = regional_plugins(16)
    extended = make_host(autoload=False, plugins=plugins)
    assert len(extended.rulebook().rules) == len(base.rulebook().rules) + 3 * len(plugins)

    if args.profile:
        import cProfile
        import pstats

        run(extended, cases[:1000])
        prof = cProfile.Profile()
        prof.enable()
        run(extended, cases)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return 0

    # warm up: build the per-place plans and the serializer's generated functions
    run(base, cases)
    run(extended, cases)
    times_base: list[float] = []
    times_ext: list[float] = []
    for _ in range(args.runs):
        times_base.append(run(base, cases))
        times_ext.append(run(extended, cases))
    mb, me = statistics.median(times_base), statistics.median(times_ext)
    rate_base = len(cases) / mb
    rate_ext = len(cases) / me
    outcomes: dict[str, int] = {}
    for c in cases[:2000]:
        a = iqcore.assess(**c, host=extended)
        key = a.outcome.value if a.outcome is not None else "none"
        outcomes[key] = outcomes.get(key, 0) + 1
    print(f"cases: {len(cases)}, runs: {args.runs} (median), python {sys.version.split()[0]}")
    print(f"outcomes in the first 2000 cases: {dict(sorted(outcomes.items()))}")
    best_base, best_ext = min(times_base), min(times_ext)
    print("CPU time of this process; median of the runs (best run in brackets)")
    print(
        f"federal plugin only:           {rate_base:10,.0f} assessments/s "
        f"({len(cases) / best_base:,.0f})"
    )
    print(
        f"with 16 regional test plugins: {rate_ext:10,.0f} assessments/s "
        f"({len(cases) / best_ext:,.0f})"
    )
    print(
        f"time ratio 16 plugins / none:  {me / mb:10.3f}  (goal <= 1.15; best runs "
        f"{best_ext / best_base:.3f})"
    )
    print(f"goal >= 10,000 assessments/s:  {'met' if rate_ext >= 10_000 else 'missed'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
