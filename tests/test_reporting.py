"""iqcore.reporting: outcome and institutional tables, suppression, formats and charts."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iqcore.errors import ValidationError
from iqcore.model import (
    DecisionOutcome,
    FederalState,
    FundingPhase,
    Organisation,
    OrganisationKind,
    PriorityArea,
    Subproject,
)
from iqcore.reporting import (
    SUPPRESSED,
    Dimension,
    OutcomeFact,
    StaffTraining,
    Table,
    chart,
    institutional_table,
    outcome_table,
    suppress,
)

FULL = DecisionOutcome.FULL_EQUIVALENCE
PARTIAL = DecisionOutcome.PARTIAL_EQUIVALENCE
MEASURE = DecisionOutcome.COMPENSATION_MEASURE_REQUIRED
NONE = DecisionOutcome.NO_EQUIVALENCE


def fact(
    outcome: DecisionOutcome,
    network: str = "iq-be",
    *,
    on: date = date(2024, 5, 2),
    days: int | None = 60,
    country: str = "SY",
) -> OutcomeFact:
    return OutcomeFact(
        outcome=outcome,
        on=on,
        occupation_id="nurse",
        country=country,
        network_id=network,
        state=FederalState.BE,
        priority_area=PriorityArea.RECOGNITION_QUALIFICATION_COUNSELLING,
        days_to_decision=days,
    )


def facts_of(spec: dict[str, dict[DecisionOutcome, int]]) -> list[OutcomeFact]:
    out = []
    for network, counts in spec.items():
        for outcome, n in counts.items():
            out += [fact(outcome, network, days=10 * (i + 1)) for i in range(n)]
    return out


def test_large_cells_are_shown_with_shares_and_median() -> None:
    facts = facts_of({"iq-be": {FULL: 10, MEASURE: 10}, "iq-by": {FULL: 6, PARTIAL: 6}})
    t = outcome_table(facts, "network")
    assert t.value("iq-be", "n") == 20
    assert t.value("iq-be", "full") == 10
    assert t.value("iq-be", "full_share") == 50.0
    assert t.value("iq-be", "none") == 0
    assert t.value("total", "n") == 32
    assert t.value("total", "full") == 16
    assert t.value("iq-be", "median_days") == 55.0  # 10..100 twice
    assert t.suppressed_count() == 0


def test_a_small_cell_is_suppressed_and_cannot_be_recomputed() -> None:
    facts = facts_of({"iq-be": {FULL: 10, PARTIAL: 2, MEASURE: 8}, "iq-by": {FULL: 9, MEASURE: 7}})
    t = outcome_table(facts, "network")
    row = dict(zip(t.columns, t.rows[0][1], strict=True))
    assert row["partial"].suppressed
    assert row["partial_share"].suppressed
    # the row total is shown, so another cell of the row is hidden too
    hidden = [c for c in ("full", "partial", "measure", "none") if row[c].suppressed]
    assert len(hidden) >= 2
    # and the column total is shown, so the partial cell of another row is hidden too
    partial_col = [cells[t.columns.index("partial")] for _label, cells in t.rows]
    assert (
        sum(c.suppressed for c in partial_col) >= 2
        or t.total[t.columns.index("partial")].suppressed
    )


def test_a_small_group_is_suppressed_whole() -> None:
    facts = facts_of({"iq-be": {FULL: 3}, "iq-by": {FULL: 8, MEASURE: 9}, "iq-he": {FULL: 7}})
    t = outcome_table(facts, "network")
    label, cells = t.rows[0]
    assert label == "iq-be"
    assert all(c.suppressed for c in cells)
    assert t.value("iq-be", "median_days") is None
    # the small group's n could be recomputed from the total: another n is hidden
    n_col = [cells[0] for _label, cells in t.rows]
    assert sum(c.suppressed for c in n_col) >= 2


def test_median_needs_threshold_many_values() -> None:
    facts = [fact(FULL, days=None) for _ in range(6)] + [fact(FULL, days=30) for _ in range(4)]
    t = outcome_table(facts, "network")
    cell = t.rows[0][1][t.columns.index("median_days")]
    assert cell.suppressed
    assert cell.value is None
    t1 = outcome_table(facts, "network", threshold=4)
    assert t1.value("iq-be", "median_days") == 30.0


def test_threshold_one_suppresses_nothing() -> None:
    facts = facts_of({"iq-be": {FULL: 1, PARTIAL: 2}})
    assert outcome_table(facts, "network", threshold=1).suppressed_count() == 0


@pytest.mark.parametrize("dim", [d for d in Dimension if d is not Dimension.ORGANISATION_KIND])
def test_every_outcome_dimension_groups(dim: Dimension) -> None:
    facts = [
        fact(FULL, "iq-be", on=date(2021, 2, 1), country="UA"),
        fact(PARTIAL, "rin-leipzig", on=date(2024, 8, 1), country="SY"),
    ]
    t = outcome_table(facts, dim, threshold=1)
    assert len(t.rows) in (1, 2)
    assert t.value("total", "n") == 2
    if dim is Dimension.QUARTER:
        assert [label for label, _c in t.rows] == ["2021-Q1", "2024-Q3"]
    if dim is Dimension.PHASE:
        assert [label for label, _c in t.rows] == ["2019-2022", "2023-2025"]


def test_bad_arguments_are_validation_errors() -> None:
    with pytest.raises(ValidationError):
        outcome_table([], "colour")
    with pytest.raises(ValidationError):
        outcome_table([], "network", threshold=0)
    with pytest.raises(ValidationError):
        outcome_table([fact(FULL)], "organisation_kind")


def _lines(n_rows: int) -> st.SearchStrategy[list[list[int]]]:
    return st.lists(
        st.lists(st.integers(0, 12), min_size=4, max_size=4), min_size=n_rows, max_size=n_rows
    )


@settings(max_examples=150)
@given(st.integers(1, 6).flatmap(_lines), st.integers(2, 6))
def test_suppression_leaves_no_sum_with_one_hidden_cell(outcomes: list[list[int]], k: int) -> None:
    counts = [[sum(r), *r] for r in outcomes]
    total = [sum(col) for col in zip(*counts, strict=True)]
    flags, total_flags = suppress(counts, total, threshold=k, row_sums=[0])
    grid = [*flags, total_flags]
    values = [*counts, total]
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            if 0 < v < k:
                assert grid[r][c], "a small count is shown"
        if 0 < row[0] < k:
            assert all(grid[r]), "a small group is shown in part"
        assert sum(grid[r][1:]) + grid[r][0] != 1, "a row sum reveals a hidden cell"
    for c in range(5):
        column = [grid[r][c] for r in range(len(values))]
        assert sum(column) != 1, "a column sum reveals a hidden cell"


def sample_table() -> Table:
    facts = facts_of({"iq-be": {FULL: 9, MEASURE: 2, PARTIAL: 6}, "iq-by": {FULL: 7, PARTIAL: 5}})
    return outcome_table(facts, "network")


def test_csv_json_markdown_and_text_agree() -> None:
    t = sample_table()
    rows = list(csv.reader(io.StringIO(t.to_csv())))
    assert rows[0] == ["network", *t.columns]
    assert rows[-1][0] == "total"
    assert SUPPRESSED in rows[1]
    doc = orjson.loads(orjson.dumps(t.to_dict()))
    assert doc["rows"][0]["group"] == "iq-be"
    assert doc["rows"][0]["measure"] is None
    assert "measure" in doc["rows"][0]["suppressed"]
    assert doc["total"]["n"] == 29
    md = t.to_markdown()
    assert md.startswith("### Outcomes by network")
    assert "| **total** | 29 |" in md
    assert "iq-by" in t.to_text()


def staff_and_subprojects() -> tuple[list[Subproject], list[StaffTraining]]:
    def sp(i: int, kind: OrganisationKind, network: str) -> Subproject:
        return Subproject(
            id=f"sp-{i}",
            name="Subproject",
            network_id=network,
            priority_area=PriorityArea.INTERCULTURAL_COMPETENCE,
            phase=FundingPhase.P2023_2025,
            implementing_organisation=Organisation(id=f"org-{i}", name="Org", kind=kind),
        )

    def tr(i: int, kind: OrganisationKind, n: int, network: str) -> StaffTraining:
        return StaffTraining(
            id=f"st-{i}",
            network_id=network,
            organisation_kind=kind,
            phase=FundingPhase.P2023_2025,
            completed_on=date(2024, 3, 1),
            participants=n,
        )

    k = OrganisationKind
    sps = [sp(1, k.COUNSELLING_CENTRE, "iq-be"), sp(2, k.CHAMBER, "iq-by")]
    sts = [
        tr(1, k.JOB_CENTRE, 12, "iq-be"),
        tr(2, k.EMPLOYMENT_AGENCY, 3, "iq-be"),
        tr(3, k.PUBLIC_ADMINISTRATION, 8, "iq-by"),
    ]
    return sps, sts


def test_institutional_table_suppresses_small_staff_counts_only() -> None:
    sps, sts = staff_and_subprojects()
    t = institutional_table(sps, sts, "organisation_kind")
    assert t.value("COUNSELLING_CENTRE", "subprojects") == 1
    assert t.value("EMPLOYMENT_AGENCY", "staff_trained") is None  # 3 < 5
    hidden = [label for label, cells in t.rows if cells[1].suppressed]
    assert len(hidden) >= 2  # secondary: the total 23 would reveal the 3
    assert t.value("total", "staff_trained") == 23
    by_net = institutional_table(sps, sts, "network")
    assert by_net.value("iq-be", "staff_trained") == 15
    assert by_net.value("total", "subprojects") == 2
    with pytest.raises(ValidationError):
        institutional_table(sps, sts, "year")


def test_staff_training_checks_its_phase() -> None:
    with pytest.raises(ValueError, match="funding phase"):
        StaffTraining(
            id="st",
            network_id="iq-be",
            organisation_kind=OrganisationKind.JOB_CENTRE,
            phase=FundingPhase.P2019_2022,
            completed_on=date(2024, 3, 1),
            participants=4,
        )


def test_chart_png(tmp_path: Path) -> None:
    out = chart(sample_table(), tmp_path / "outcomes.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5_000


def test_chart_svg_parses_and_line_chart_for_time(tmp_path: Path) -> None:
    facts = [fact(FULL, on=date(2020 + i % 4, 3, 1)) for i in range(40)]
    t = outcome_table(facts, "year")
    out = chart(t, tmp_path / "years.svg")
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    assert "Outcomes by year" in out.read_text()
    sps, sts = staff_and_subprojects()
    bar = chart(institutional_table(sps, sts), tmp_path / "staff.svg", kind="bar")
    assert ET.parse(bar).getroot().tag.endswith("svg")


def test_chart_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        chart(sample_table(), tmp_path / "x.gif")
    with pytest.raises(ValidationError):
        chart(sample_table(), tmp_path / "x.png", kind="pie")
