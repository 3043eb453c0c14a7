"""The main job, ``python -m iqcore``, until the ``iqcore`` command line arrives.

It loads the reference data shipped with iqcore, prints a readable summary of what it holds
(counts by category, the regional networks by funding phase and Land, some reference occupations
with their competence areas, the dated country groups), then builds one example object with the
model, serialises it to JSON and reads it back. ``iqcore demo`` will replace it.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import iqcore
from iqcore import reference_data as rd
from iqcore.model import (
    CompensationMeasureType,
    Country,
    CountryGroup,
    Decision,
    DecisionOutcome,
    DifferenceBasis,
    ReferenceOccupation,
    RegionalNetwork,
    SubstantialDifference,
)

__all__ = ["example_decision", "main"]

Write = Callable[[str], object]

#: The day the country groups are shown for; fixed so that the output does not change with time.
AS_OF = date(2025, 1, 1)

#: Occupations shown with their competence areas: one of each kind the data covers.
SHOWCASE = ("doctor", "teacher", "electronics_technician", "office_management_clerk")


def _heading(write: Write, title: str) -> None:
    write(f"\n{title}\n{'-' * len(title)}\n")


def _counts(write: Write) -> None:
    _heading(write, "What the reference data holds")
    occupations = rd.occupations()
    kinds = Counter(
        f"{'regulated' if o.regulated else 'non-regulated'}, {o.law.value.lower()} law"
        for o in occupations
    )
    rows: list[tuple[str, int]] = [
        ("Länder", len(rd.states())),
        ("funding phases", len(rd.funding_phases())),
        ("priority areas (area x phase)", len(rd.priority_areas())),
        ("regional networks", len(rd.networks())),
        ("expert bodies", len(rd.expert_bodies())),
        ("reference occupations", len(occupations)),
        *((f"  {kind}", n) for kind, n in sorted(kinds.items())),
        ("  with a KldB 2010 code", sum(o.kldb is not None for o in occupations)),
        ("competent authorities", len(rd.authorities())),
        ("sectoral professions (Dir. 2005/36/EC)", len(rd.sectoral_professions())),
        ("ISCED-F 2013 fields", len(rd.isced_fields())),
        ("countries with dated EU/EEA/CH periods", len(rd.country_group_periods())),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        write(f"  {label:<{width}}  {value:>4}\n")


def _programme(write: Write) -> None:
    _heading(write, "Funding phases, priority areas and regional networks by Land")
    previous: tuple[RegionalNetwork, ...] = ()
    for info in rd.funding_phases():
        phase = info.phase
        write(f"\n  {phase.value}  {info.name}\n")
        for area in rd.priority_areas(phase):
            number = f"{area.number}." if area.number is not None else "-"
            write(f"    {number:<3} {area.title_en}\n")
        nets = rd.networks(phase=phase)
        if not nets:
            write("    no regional networks shipped for this phase\n")
        elif nets == previous:
            write(f"    the same {len(nets)} regional networks as in the phase before\n")
        else:
            states = sorted({n.state for n in nets}, key=lambda s: s.value)
            write(f"    regional networks: {len(nets)}, in {len(states)} of the 16 Länder\n")
            for state in states:
                names = "; ".join(n.name for n in nets if n.state is state)
                write(f"      {state.value}  {names}\n")
        previous = nets


def _occupation_line(o: ReferenceOccupation) -> str:
    regulation = "regulated" if o.regulated else "non-regulated"
    codes = ", ".join(
        f"{name} {code}" for name, code in (("KldB", o.kldb), ("ISCO", o.isco)) if code
    )
    years = o.nominal_duration_months / 12
    return (
        f"  {o.title_en} ({o.title_de}): {regulation}, {o.law.value.lower()} law, "
        f"nominal training {years:g} years"
        + (f", {codes}" if codes else "")
        + f"\n      legal basis: {o.legal_reference}"
    )


def _occupations(write: Write) -> None:
    _heading(write, "Some reference occupations and their competence areas (* essential)")
    for occupation_id in SHOWCASE:
        try:
            o = rd.occupation(occupation_id)
        except iqcore.NotFound:
            continue
        write(_occupation_line(o) + "\n")
        for area in o.competence_areas:
            write(f"      {'*' if area.essential else ' '} {area.title_en}\n")
        for req in o.language_requirements:
            write(f"      language for licensure: {req.scope.value.lower()} German {req.level}\n")


def _country_groups(write: Write) -> None:
    _heading(write, f"Country groups as of {AS_OF.isoformat()} (dated membership periods)")
    groups = Counter(CountryGroup.of(code, AS_OF) for code in rd.country_group_periods())
    for group in (CountryGroup.EU, CountryGroup.EEA_EFTA, CountryGroup.CH):
        write(f"  {group.value:<10} {groups[group]:>3} countries besides Germany\n")
    uk = Country(code="GB")
    before, after = date(2020, 1, 31), date(2020, 2, 1)
    write(
        f"  {uk.name}: {uk.group(before).value} on {before.isoformat()}, "
        f"{uk.group(after).value} on {after.isoformat()}\n"
    )


def example_decision() -> Decision:
    """A compensation-measure decision for a regulated profession (an invented example)."""
    # Typed as Any: mypy's attrs plugin sees the converted collection fields (converter=tuple,
    # converter=frozenset) as ``Iterable[_T_co]`` with an unbound type variable.
    differences: Any = (
        SubstantialDifference(area="psychiatric_care", basis=DifferenceBasis.CONTENT),
    )
    measures: Any = {
        CompensationMeasureType.ADAPTATION_PERIOD,
        CompensationMeasureType.KNOWLEDGE_EXAM,
    }
    return Decision(
        id="example-notice",
        outcome=DecisionOutcome.COMPENSATION_MEASURE_REQUIRED,
        decided_on=date(2024, 5, 2),
        occupation_id="nurse",
        regulated=True,
        differences=differences,
        permitted_measures=measures,
        adaptation_period_months=6,
    )


def _example(write: Write) -> None:
    _heading(write, "An example object: built with the model, serialised, read back")
    decision = example_decision()
    document = iqcore.to_json(decision)
    write(f"  {document.decode()}\n")
    same = iqcore.from_json(document, Decision) == decision
    write(f"  read back from JSON: {'an equal Decision' if same else 'A DIFFERENT OBJECT'}\n")


def main(argv: list[str] | None = None) -> int:
    """Print the summary to standard output; return the exit status."""
    del argv  # no options yet
    write = sys.stdout.write
    write(f"iqcore {iqcore.__version__}: the shipped reference data and the model\n")
    _counts(write)
    _programme(write)
    _occupations(write)
    _country_groups(write)
    _example(write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
