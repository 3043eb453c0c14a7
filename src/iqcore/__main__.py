"""The main job, ``python -m iqcore``, until the ``iqcore`` command line arrives.

It loads the reference data shipped with iqcore, prints a readable summary of what it holds,
and builds one example object with the model and serialises it, to show that the pieces work
together. ``iqcore demo`` will replace it.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import iqcore
from iqcore import (
    CompensationMeasureType,
    Country,
    CountryGroup,
    Decision,
    DecisionOutcome,
    DifferenceBasis,
    FundingPhase,
    PriorityArea,
    SubstantialDifference,
)
from iqcore.reference_data import country_group_periods

__all__ = ["main"]

#: The day the summary is computed for; fixed so that the output does not change with the clock.
AS_OF = date(2025, 1, 1)


def _heading(write: Callable[[str], object], title: str) -> None:
    write(f"\n{title}\n{'-' * len(title)}\n")


def _country_groups(write: Callable[[str], object]) -> None:
    _heading(write, f"Country groups as of {AS_OF.isoformat()} (dated membership table)")
    groups = Counter(
        CountryGroup.of(code, AS_OF).value for code in country_group_periods() if code != "DE"
    )
    for group in (CountryGroup.EU, CountryGroup.EEA_EFTA, CountryGroup.CH):
        write(f"  {group.value:<10} {groups[group.value]:>3} countries besides Germany\n")
    uk = Country(code="GB")
    before, after = date(2020, 1, 31), date(2020, 2, 1)
    write(
        f"  {uk.name}: {uk.group(before).value} on {before.isoformat()}, "
        f"{uk.group(after).value} on {after.isoformat()}\n"
    )


def _programme(write: Callable[[str], object]) -> None:
    _heading(write, "IQ funding phases and their priority areas")
    for phase in FundingPhase:
        areas = PriorityArea.in_phase(phase)
        listed = "; ".join(
            f"{area.number(phase) or '-'} {area.value}"
            for area in sorted(areas, key=lambda a: a.number(phase) or 99)
        )
        write(f"  {phase.value}  {len(areas)} areas: {listed or '(none recorded)'}\n")


def example_decision() -> Decision:
    """A compensation-measure decision for a regulated profession (an invented example)."""
    # Typed as Any: mypy's attrs plugin sees the converted collection fields (converter=tuple,
    # converter=frozenset) as ``Iterable[_T_co]`` with an unbound type variable.
    differences: Any = (
        SubstantialDifference(area="psychiatric-care", basis=DifferenceBasis.CONTENT),
    )
    measures: Any = {
        CompensationMeasureType.ADAPTATION_PERIOD,
        CompensationMeasureType.KNOWLEDGE_EXAM,
    }
    return Decision(
        id="example-notice",
        outcome=DecisionOutcome.COMPENSATION_MEASURE_REQUIRED,
        decided_on=date(2024, 5, 2),
        occupation_id="nurse-general-care",
        regulated=True,
        differences=differences,
        permitted_measures=measures,
        adaptation_period_months=6,
    )


def _example(write: Callable[[str], object]) -> None:
    _heading(write, "An example object, built with the model")
    decision = example_decision()
    write(f"  {decision!r}\n")


def main(argv: list[str] | None = None) -> int:
    """Print the summary to standard output; return the exit status."""
    del argv  # no options yet
    write = sys.stdout.write
    write(f"iqcore {iqcore.__version__}: reference data and model\n")
    _country_groups(write)
    _programme(write)
    _example(write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
