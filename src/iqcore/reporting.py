"""Programme reports: outcomes of recognition and institutional work, with small-cell suppression.

The figures the IQ programme and the official recognition statistics (§17 BQFG) use:

* **Outcomes** (:func:`outcome_table`): counts and shares of the outcomes full equivalence,
  partial equivalence, compensation measure required and no equivalence, and the median days
  from complete documents to the decision, grouped by one :class:`Dimension`: regional network,
  Land, funding phase, priority area, country of training, reference occupation, year or
  quarter. The input is a list of :class:`OutcomeFact` (one per decided application, or one per
  prognosis), made from model objects by :func:`decision_facts` and :func:`assessment_facts`,
  or read from a store by :func:`collect`.
* **Institutional work** (:func:`institutional_table`): for the institutional priority areas,
  the subprojects (:class:`~iqcore.model.Subproject`) and the staff of labour-market
  organisations trained (:class:`StaffTraining`), by organisation kind or by network.

Every table renders as plain text (:meth:`Table.to_text`), CSV, JSON and Markdown, and as a bar
or line chart (:func:`chart`, matplotlib with the Agg backend: ``pip install iqcore[reports]``).

Small-cell suppression
----------------------
No person may be singled out from a table, so every count of persons is checked against a
threshold *k* (default :data:`DEFAULT_THRESHOLD`, 5):

1. **Primary.** A count from 1 to *k* - 1 is suppressed. A group (row) with fewer than *k*
   persons is suppressed whole: its total and all its counts, shares and its median (so the
   table does not show that everyone in a small group had the same outcome).
2. **Secondary.** Counts add up: in each row the outcome counts add up to the row's total, and
   in each column the groups add up to the table's total row. Wherever one of these sums has
   exactly one suppressed cell, that cell could be recomputed, so one more cell of the same sum
   is suppressed: the smallest non-zero shown count of the sum (else the smallest shown count,
   else the sum's total). This repeats until no sum has exactly one suppressed cell. The table's
   total row is suppressed only when the table's grand total is itself below *k*.
3. **Derived values.** A share is shown only where its count is shown. A median of days is shown
   only when at least *k* decisions contribute to it (a median of few values is one person's
   value).

A suppressed value is ``None`` in Python and JSON (with the column named in the row's
``suppressed`` list) and ``.`` in text, CSV and Markdown (the sign of the German official
statistics for "secret"). Counts of subprojects are not about persons and are not suppressed.

Known limit: a shown row in which every person had the same outcome (say 7 of 7 full
equivalence) reveals that outcome for each member of the group; the rules above do not hide it,
as the official statistics do not.
"""

from __future__ import annotations

import csv
import enum
import io
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from iqcore.errors import ConfigurationError, Problem, ValidationError
from iqcore.model._validators import (
    check_id,
    instance,
    int_range,
    optional_check_id,
    optional_instance,
)
from iqcore.model.cases import CounsellingCase, RecognitionApplication
from iqcore.model.codes import FederalState
from iqcore.model.decisions import DecisionOutcome
from iqcore.model.institutions import OrganisationKind, StakeholderNetwork, Subproject
from iqcore.model.programme import FundingPhase, PriorityArea
from iqcore.storage.kinds import IndexField, RecordKind, register_kind

if TYPE_CHECKING:
    from iqcore.cli.cases import CaseAssessment
    from iqcore.storage.protocol import Store

__all__ = [
    "DEFAULT_THRESHOLD",
    "OUTCOME_COLUMNS",
    "SUPPRESSED",
    "Cell",
    "Dimension",
    "OutcomeFact",
    "ReportData",
    "StaffTraining",
    "Table",
    "assessment_facts",
    "chart",
    "collect",
    "decision_facts",
    "institutional_table",
    "outcome_table",
    "suppress",
]

#: The smallest count of persons a table shows (smaller counts are suppressed).
DEFAULT_THRESHOLD = 5
#: How a suppressed value is written in text, CSV and Markdown.
SUPPRESSED = "."

#: The outcome columns of :func:`outcome_table`, with their outcomes.
OUTCOME_COLUMNS: tuple[tuple[str, DecisionOutcome], ...] = (
    ("full", DecisionOutcome.FULL_EQUIVALENCE),
    ("partial", DecisionOutcome.PARTIAL_EQUIVALENCE),
    ("measure", DecisionOutcome.COMPENSATION_MEASURE_REQUIRED),
    ("none", DecisionOutcome.NO_EQUIVALENCE),
)

#: Label of a group whose value is not known (e.g. a network of no known Land).
UNKNOWN = "unknown"


class Dimension(enum.StrEnum):
    """What the rows of a table are."""

    NETWORK = "network"
    STATE = "state"
    PHASE = "phase"
    PRIORITY_AREA = "priority_area"
    COUNTRY = "country"
    OCCUPATION = "occupation"
    YEAR = "year"
    QUARTER = "quarter"
    ORGANISATION_KIND = "organisation_kind"

    @property
    def is_time(self) -> bool:
        """True for the dimensions over time (drawn as line charts)."""
        return self in (Dimension.YEAR, Dimension.QUARTER)


# --------------------------------------------------------------------------------------------
# Input records
# --------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StaffTraining:
    """Staff of one organisation kind in one network who completed a training (a cohort).

    The institutional priority area (intercultural competence development, e.g. the one-year
    training of intercultural ambassadors in employment agencies and job centres) trains staff,
    not migrants; this record counts them. ``participants`` is a count of persons and is
    suppressed in reports when small.
    """

    id: str = attrs.field(validator=check_id)
    network_id: str = attrs.field(validator=check_id)
    organisation_kind: OrganisationKind = attrs.field(validator=instance(OrganisationKind))
    phase: FundingPhase = attrs.field(validator=instance(FundingPhase))
    completed_on: date = attrs.field(validator=instance(date))
    participants: int = attrs.field(validator=int_range(1, 10_000))
    priority_area: PriorityArea = attrs.field(
        default=PriorityArea.INTERCULTURAL_COMPETENCE, validator=instance(PriorityArea)
    )
    scheme_id: str | None = attrs.field(default=None, validator=optional_check_id)

    def __attrs_post_init__(self) -> None:
        if not self.phase.contains(self.completed_on):
            raise ValueError("completed_on must lie in the funding phase")
        if not self.priority_area.valid_in(self.phase):
            raise ValueError("priority_area does not exist in this funding phase")


@attrs.frozen(kw_only=True)
class OutcomeFact:
    """One outcome as reports count it: where, when, what, and how long the authority took.

    ``on`` is the day the outcome was reached (the decision date, or the as-of date of a
    prognosis); ``days_to_decision`` the days from complete documents to the decision (None for
    a prognosis or when the documents' date is not known).
    """

    outcome: DecisionOutcome = attrs.field(validator=instance(DecisionOutcome))
    on: date = attrs.field(validator=instance(date))
    occupation_id: str = attrs.field(validator=check_id)
    country: str = attrs.field(validator=instance(str))
    network_id: str | None = attrs.field(default=None, validator=optional_check_id)
    state: FederalState | None = attrs.field(
        default=None, validator=optional_instance(FederalState)
    )
    priority_area: PriorityArea | None = attrs.field(
        default=None, validator=optional_instance(PriorityArea)
    )
    days_to_decision: int | None = attrs.field(default=None, validator=int_range(optional=True))

    @property
    def phase(self) -> FundingPhase | None:
        return FundingPhase.of(self.on)

    def label(self, dimension: Dimension) -> str:
        """The group this fact belongs to in *dimension*."""
        value: object
        if dimension is Dimension.NETWORK:
            value = self.network_id
        elif dimension is Dimension.STATE:
            value = self.state
        elif dimension is Dimension.PHASE:
            value = self.phase
        elif dimension is Dimension.PRIORITY_AREA:
            value = self.priority_area
        elif dimension is Dimension.COUNTRY:
            value = self.country
        elif dimension is Dimension.OCCUPATION:
            value = self.occupation_id
        elif dimension is Dimension.YEAR:
            value = str(self.on.year)
        elif dimension is Dimension.QUARTER:
            value = f"{self.on.year}-Q{(self.on.month - 1) // 3 + 1}"
        else:
            raise ValidationError(
                [Problem("$.by", "value", "outcomes cannot be grouped by organisation kind")]
            )
        return UNKNOWN if value is None else str(value)


def _network_of(record: StaffTraining) -> str:
    return record.network_id


#: Record kinds for the programme records reports read (registered on import).
STAFF_TRAINING: RecordKind[StaffTraining] = register_kind(
    RecordKind(
        name="staff_training",
        cls=StaffTraining,
        key=lambda r: r.id,
        person=lambda r: None,
        indexes=(IndexField(name="completed_on", type="date", get=lambda r: r.completed_on),),
        network=_network_of,
    )
)
SUBPROJECT: RecordKind[Subproject] = register_kind(
    RecordKind(
        name="subproject",
        cls=Subproject,
        key=lambda r: r.id,
        person=lambda r: None,
        network=lambda r: r.network_id,
    )
)
STAKEHOLDER_NETWORK: RecordKind[StakeholderNetwork] = register_kind(
    RecordKind(
        name="stakeholder_network",
        cls=StakeholderNetwork,
        key=lambda r: r.id,
        person=lambda r: None,
        network=lambda r: r.network_id,
    )
)


def _state_lookup() -> Callable[[str | None], FederalState | None]:
    cache: dict[str | None, FederalState | None] = {None: None}

    def state(network_id: str | None) -> FederalState | None:
        if network_id not in cache:
            from iqcore.plugins import default_host

            assert network_id is not None
            cache[network_id] = default_host().network_state(network_id)
        return cache[network_id]

    return state


def _case_area(case: CounsellingCase | None) -> PriorityArea:
    """Qualification under the Recognition Act if the case took part in a scheme, else
    recognition and qualification counselling."""
    if case is not None and case.scheme_ids:
        return PriorityArea.QUALIFICATION_RECOGNITION_ACT
    return PriorityArea.RECOGNITION_QUALIFICATION_COUNSELLING


def decision_facts(
    applications: Iterable[RecognitionApplication],
    cases: Iterable[CounsellingCase] = (),
    *,
    state_of: Callable[[str | None], FederalState | None] | None = None,
) -> list[OutcomeFact]:
    """One fact per decided application (the authorities' notices, as the official statistics
    count them).

    The network of an application is the network of the counselling case that lists it (None if
    no case does); its Land that network's Land (``state_of``, by default the plugin host's
    :meth:`~iqcore.plugins.PluginHost.network_state`); its priority area qualification under the
    Recognition Act if the case took part in a training scheme, else recognition and
    qualification counselling. Days to decision count from ``complete_on``.
    """
    state = state_of or _state_lookup()
    by_app: dict[str, CounsellingCase] = {}
    for c in cases:
        for app_id in c.application_ids:
            by_app.setdefault(app_id, c)
    facts = []
    for app in applications:
        decision = app.decision
        if decision is None:
            continue
        case = by_app.get(app.id)
        network_id = case.network_id if case is not None else None
        days = None
        if app.complete_on is not None and decision.decided_on >= app.complete_on:
            days = (decision.decided_on - app.complete_on).days
        facts.append(
            OutcomeFact(
                outcome=decision.outcome,
                on=decision.decided_on,
                occupation_id=app.occupation_id,
                country=app.qualification.country_of_training.code,
                network_id=network_id,
                state=state(network_id),
                priority_area=_case_area(case) if case is not None else None,
                days_to_decision=days,
            )
        )
    return facts


def assessment_facts(
    records: Iterable[CaseAssessment],
    cases: Iterable[CounsellingCase] = (),
    *,
    countries: Mapping[str, str] | None = None,
) -> list[OutcomeFact]:
    """One fact per stored prognosis with an outcome (``iqcore demo`` stores them).

    ``countries`` maps a case id to its country of training (a prognosis does not hold the
    qualification); without it the country is ``unknown``. The priority area is found from the
    counselling case with the same id, as in :func:`decision_facts`.
    """
    by_id = {c.id: c for c in cases}
    facts = []
    for r in records:
        a = r.assessment
        if a.outcome is None:
            continue
        case = by_id.get(r.id)
        facts.append(
            OutcomeFact(
                outcome=a.outcome,
                on=a.as_of,
                occupation_id=a.occupation_id,
                country=(countries or {}).get(r.id, UNKNOWN),
                network_id=a.network_id,
                state=a.state,
                priority_area=_case_area(case),
            )
        )
    return facts


@attrs.frozen(kw_only=True)
class ReportData:
    """What a report reads: outcome facts, subprojects and staff trainings."""

    facts: tuple[OutcomeFact, ...] = ()
    subprojects: tuple[Subproject, ...] = ()
    staff: tuple[StaffTraining, ...] = ()


def collect(store: Store, *, source: str = "decisions") -> ReportData:
    """Read the report's records from *store* (one network's view, or an admin view).

    ``source`` ``"decisions"`` counts the authorities' notices recorded on applications;
    ``"assessments"`` counts the stored prognoses (``case_assessment`` records).
    """
    if source not in ("decisions", "assessments"):
        raise ValidationError(
            [Problem("$.source", "value", "must be 'decisions' or 'assessments'")]
        )
    cases = store.find(CounsellingCase)
    if source == "decisions":
        facts = decision_facts(store.find(RecognitionApplication), cases)
    else:
        from iqcore.cli.cases import CaseAssessment

        countries = {}
        by_case = {c.id: c for c in cases}
        apps = {a.id: a for a in store.find(RecognitionApplication)}
        for case in by_case.values():
            for app_id in case.application_ids:
                if app_id in apps:
                    countries[case.id] = apps[app_id].qualification.country_of_training.code
        facts = assessment_facts(store.find(CaseAssessment), cases, countries=countries)
    return ReportData(
        facts=tuple(facts),
        subprojects=tuple(store.find(Subproject)),
        staff=tuple(store.find(StaffTraining)),
    )


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


@attrs.frozen
class Cell:
    """One value of a table; a suppressed cell has ``value`` None and ``suppressed`` True."""

    value: int | float | str | None
    suppressed: bool = False

    def text(self) -> str:
        if self.suppressed:
            return SUPPRESSED
        v = self.value
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:.1f}"
        return str(v)


@attrs.frozen(kw_only=True)
class Table:
    """A report table: a label column, value columns, rows, and a total row.

    ``columns`` names the value columns (the label column is ``dimension``). ``notes`` say what
    the table counts and how it was protected.
    """

    title: str
    dimension: Dimension
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]
    total: tuple[Cell, ...]
    threshold: int
    notes: tuple[str, ...] = ()

    @property
    def header(self) -> tuple[str, ...]:
        return (self.dimension.value, *self.columns)

    def _all_rows(self) -> list[tuple[str, tuple[Cell, ...]]]:
        return [*self.rows, ("total", self.total)]

    def value(self, group: str, column: str) -> int | float | str | None:
        """The shown value of one cell (None if suppressed or empty); KeyError if absent."""
        i = self.columns.index(column)
        for label, cells in self._all_rows():
            if label == group:
                return cells[i].value
        raise KeyError(group)

    def suppressed_count(self) -> int:
        return sum(c.suppressed for _l, cells in self._all_rows() for c in cells)

    def to_dict(self) -> dict[str, Any]:
        """The table as JSON data (see the command-line reference for its layout)."""

        def row(label: str, cells: tuple[Cell, ...]) -> dict[str, Any]:
            out: dict[str, Any] = {"group": label}
            for name, cell in zip(self.columns, cells, strict=True):
                out[name] = cell.value
            out["suppressed"] = [
                n for n, c in zip(self.columns, cells, strict=True) if c.suppressed
            ]
            return out

        return {
            "title": self.title,
            "dimension": self.dimension.value,
            "threshold": self.threshold,
            "columns": list(self.columns),
            "rows": [row(label, cells) for label, cells in self.rows],
            "total": row("total", self.total),
            "notes": list(self.notes),
        }

    def to_csv(self) -> str:
        """CSV with a header row; suppressed cells are ``.``; the last row is the total."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(self.header)
        for label, cells in self._all_rows():
            writer.writerow([label, *(c.text() for c in cells)])
        return buf.getvalue()

    def to_markdown(self) -> str:
        """A Markdown (pipe) table with the title as heading and the notes below."""
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.header) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * len(self.columns)) + "|")
        for label, cells in self._all_rows():
            name = f"**{label}**" if label == "total" else label.replace("|", "/")
            lines.append("| " + " | ".join([name, *(c.text() for c in cells)]) + " |")
        if self.notes:
            lines.append("")
            lines.extend(f"- {n}" for n in self.notes)
        return "\n".join(lines) + "\n"

    def to_text(self) -> str:
        """A fixed-width plain-text table."""
        body = [list(self.header)] + [
            [label, *(c.text() for c in cells)] for label, cells in self._all_rows()
        ]
        widths = [max(len(r[i]) for r in body) for i in range(len(body[0]))]
        out = [self.title, ""]
        for n, r in enumerate(body):
            out.append(
                "  ".join(
                    r[i].ljust(widths[i]) if i == 0 else r[i].rjust(widths[i])
                    for i in range(len(r))
                ).rstrip()
            )
            if n == 0 or n == len(body) - 2:
                out.append("  ".join("-" * w for w in widths))
        out.extend(f"  {n}" for n in self.notes)
        return "\n".join(out) + "\n"


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValidationError([Problem("$.threshold", "value", "must be an integer of at least 1")])


def suppress(
    counts: Sequence[Sequence[int]],
    total: Sequence[int],
    *,
    threshold: int,
    row_sums: Sequence[int] = (),
) -> tuple[list[list[bool]], list[bool]]:
    """Which counts to suppress (primary and secondary, see the module documentation).

    *counts* is one list of counts per group, *total* the table's total row (column sums).
    *row_sums* names the column that holds each row's sum of the other columns
    (``[0]`` for an outcome table whose first column is the row total; empty if the columns do
    not add up). Returns the flags for the group rows and for the total row.
    """
    n_rows = len(counts)
    n_cols = len(total)
    grid = [list(r) for r in counts] + [list(total)]
    flags = [[False] * n_cols for _ in range(n_rows + 1)]
    tiny = threshold > 1
    for r in range(n_rows + 1):
        for c in range(n_cols):
            if tiny and 0 < grid[r][c] < threshold:
                flags[r][c] = True
        if row_sums and 0 < grid[r][row_sums[0]] < threshold:
            flags[r] = [True] * n_cols  # a small group is suppressed whole
    # the lines (sums) whose one hidden cell could be recomputed: (members, marginal)
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    for c in range(n_cols):
        lines.append(([(r, c) for r in range(n_rows)], (n_rows, c)))
    if row_sums:
        s = row_sums[0]
        for r in range(n_rows + 1):
            lines.append(([(r, c) for c in range(n_cols) if c != s], (r, s)))
    changed = True
    while changed:
        changed = False
        for members, marginal in lines:
            cells = [*members, marginal]
            hidden = sum(flags[r][c] for r, c in cells)
            if hidden != 1:
                continue
            shown = [(grid[r][c], r, c) for r, c in members if not flags[r][c]]
            nonzero = [t for t in shown if t[0] > 0]
            pick = min(nonzero or shown, default=None)
            if pick is not None:
                flags[pick[1]][pick[2]] = True
            else:  # nothing else left in the sum: hide its total rather than reveal the cell
                flags[marginal[0]][marginal[1]] = True
            changed = True
    return flags[:n_rows], flags[n_rows]


def _median(values: list[int], threshold: int) -> Cell:
    if not values:
        return Cell(None)
    if len(values) < threshold:
        return Cell(None, suppressed=True)
    return Cell(float(statistics.median(values)))


def _share(count: int, n: int, hidden: bool) -> Cell:
    if hidden:
        return Cell(None, suppressed=True)
    return Cell(round(100.0 * count / n, 1) if n else None)


def _group(facts: Iterable[OutcomeFact], by: Dimension) -> dict[str, list[OutcomeFact]]:
    groups: dict[str, list[OutcomeFact]] = {}
    for f in facts:
        groups.setdefault(f.label(by), []).append(f)
    return dict(sorted(groups.items()))


def outcome_table(
    facts: Iterable[OutcomeFact],
    by: Dimension | str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    title: str | None = None,
) -> Table:
    """Counts and shares of outcomes and the median days to decision, one row per group.

    Columns: ``n``, then per outcome its count and share in per cent (``full``,
    ``full_share``, ``partial`` …, ``none_share``), then ``median_days``. Small cells are
    suppressed as the module documentation describes.
    """
    _check_threshold(threshold)
    try:
        dim = Dimension(by)
    except ValueError:
        raise ValidationError([Problem("$.by", "enum", "not one of the dimensions")]) from None
    facts = list(facts)
    groups = _group(facts, dim)
    keys = [k for k, _o in OUTCOME_COLUMNS]

    def counts_of(fs: list[OutcomeFact]) -> list[int]:
        per = [sum(f.outcome is o for f in fs) for _k, o in OUTCOME_COLUMNS]
        return [len(fs), *per]

    counts = [counts_of(fs) for fs in groups.values()]
    total_counts = counts_of(facts)
    flags, total_flags = suppress(counts, total_counts, threshold=threshold, row_sums=[0])

    def row(fs: list[OutcomeFact], cs: list[int], fl: list[bool]) -> tuple[Cell, ...]:
        n = cs[0]
        cells = [Cell(None, True) if fl[0] else Cell(n)]
        for i in range(len(keys)):
            hidden = fl[i + 1]
            cells.append(Cell(None, True) if hidden else Cell(cs[i + 1]))
            cells.append(_share(cs[i + 1], n, hidden or fl[0]))
        days = [f.days_to_decision for f in fs if f.days_to_decision is not None]
        cells.append(Cell(None, True) if fl[0] else _median(days, threshold))
        return tuple(cells)

    rows = tuple(
        (label, row(fs, cs, fl))
        for (label, fs), cs, fl in zip(groups.items(), counts, flags, strict=True)
    )
    columns = ("n", *(x for k in keys for x in (k, f"{k}_share")), "median_days")
    return Table(
        title=title or f"Outcomes by {dim.value.replace('_', ' ')}",
        dimension=dim,
        columns=columns,
        rows=rows,
        total=row(facts, total_counts, total_flags),
        threshold=threshold,
        notes=(
            "shares in per cent of n; median_days: days from complete documents to decision",
            f"cells below {threshold} suppressed ('{SUPPRESSED}'), with secondary suppression",
        ),
    )


def institutional_table(
    subprojects: Iterable[Subproject],
    staff: Iterable[StaffTraining],
    by: Dimension | str = Dimension.ORGANISATION_KIND,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    phase: FundingPhase | None = None,
) -> Table:
    """Subprojects and staff trained, by organisation kind or by network.

    A subproject counts for the kind of its implementing organisation; staff trained for the
    kind of the organisation whose staff it was. ``staff_trained`` (persons) is suppressed below
    the threshold, with secondary suppression over the column; ``subprojects`` is not.
    ``phase`` keeps one funding phase only.
    """
    _check_threshold(threshold)
    try:
        dim = Dimension(by)
    except ValueError:
        raise ValidationError([Problem("$.by", "enum", "not one of the dimensions")]) from None
    if dim not in (Dimension.ORGANISATION_KIND, Dimension.NETWORK):
        raise ValidationError(
            [Problem("$.by", "value", "institutional figures are by organisation_kind or network")]
        )

    def key_sp(s: Subproject) -> str:
        if dim is Dimension.NETWORK:
            return s.network_id
        return s.implementing_organisation.kind.value

    def key_st(t: StaffTraining) -> str:
        return t.network_id if dim is Dimension.NETWORK else t.organisation_kind.value

    sps = [s for s in subprojects if phase is None or s.phase is phase]
    sts = [t for t in staff if phase is None or t.phase is phase]
    labels = sorted({key_sp(s) for s in sps} | {key_st(t) for t in sts})
    n_sp = dict.fromkeys(labels, 0)
    n_st = dict.fromkeys(labels, 0)
    for s in sps:
        n_sp[key_sp(s)] += 1
    for t in sts:
        n_st[key_st(t)] += t.participants
    staff_counts = [[n_st[label]] for label in labels]
    total_staff = sum(n_st.values())
    flags, total_flag = suppress(staff_counts, [total_staff], threshold=threshold)
    rows = tuple(
        (
            label,
            (
                Cell(n_sp[label]),
                Cell(None, True) if fl[0] else Cell(n_st[label]),
            ),
        )
        for label, fl in zip(labels, flags, strict=True)
    )
    total = (Cell(len(sps)), Cell(None, True) if total_flag[0] else Cell(total_staff))
    scope = f" ({phase.value})" if phase is not None else ""
    return Table(
        title=f"Subprojects and staff trained by {dim.value.replace('_', ' ')}{scope}",
        dimension=dim,
        columns=("subprojects", "staff_trained"),
        rows=rows,
        total=total,
        threshold=threshold,
        notes=(
            "staff_trained: staff of labour-market organisations who completed a training",
            f"staff counts below {threshold} suppressed ('{SUPPRESSED}'); subprojects are not",
        ),
    )


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------

_CHART_SUFFIXES = (".png", ".svg")


def chart(table: Table, path: Path | str, *, kind: str | None = None) -> Path:
    """Draw *table* as a chart file (PNG or SVG, by the file's suffix); returns the path.

    ``kind`` ``"bar"`` (grouped bars of the count columns) or ``"line"`` (one line per count
    column over the groups); by default a line chart for time dimensions, else bars. Suppressed
    counts are left out (a gap), and the chart says so. Needs matplotlib (``iqcore[reports]``);
    the Agg backend is used, so no display is needed.
    """
    out = Path(path)
    if out.suffix.lower() not in _CHART_SUFFIXES:
        raise ValidationError([Problem("$.chart", "format", "must be a .png or .svg file name")])
    kind = kind or ("line" if table.dimension.is_time else "bar")
    if kind not in ("bar", "line"):
        raise ValidationError([Problem("$.kind", "value", "must be 'bar' or 'line'")])
    try:
        import matplotlib
    except ImportError:
        raise ConfigurationError(
            "charts need matplotlib: install the extra iqcore[reports]"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [
        c for c in table.columns if c not in ("n", "median_days") and not c.endswith("_share")
    ]
    labels = [label for label, _cells in table.rows]
    values: dict[str, list[float]] = {}
    hidden = 0
    for name in series:
        i = table.columns.index(name)
        vals = []
        for _label, cells in table.rows:
            cell = cells[i]
            if cell.suppressed or not isinstance(cell.value, int | float):
                hidden += cell.suppressed
                vals.append(float("nan"))
            else:
                vals.append(float(cell.value))
        values[name] = vals
    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(labels) + 3), 4.5), layout="constrained")
    try:
        xs = list(range(len(labels)))
        if kind == "line":
            for name in series:
                ax.plot(xs, values[name], marker="o", label=name)
        else:
            width = 0.8 / max(1, len(series))
            for k, name in enumerate(series):
                offset = (k - (len(series) - 1) / 2) * width
                ax.bar([x + offset for x in xs], values[name], width=width, label=name)
        ax.set_xticks(xs)
        ax.set_xticklabels(labels, rotation=45 if len(labels) > 4 else 0, ha="right")
        ax.set_title(table.title)
        ax.set_xlabel(table.dimension.value.replace("_", " "))
        ax.set_ylabel("count")
        ax.legend()
        if hidden:
            ax.annotate(
                f"{hidden} value(s) below {table.threshold} suppressed",
                xy=(0.0, 1.0),
                xycoords="axes fraction",
                xytext=(0, 4),
                textcoords="offset points",
                fontsize="small",
                va="bottom",
            )
        fig.savefig(out, format=out.suffix.lower().lstrip("."), metadata=_chart_metadata(out))
    finally:
        plt.close(fig)
    return out


def _chart_metadata(path: Path) -> dict[str, Any]:
    """File metadata without a creation date, so the same table gives the same file."""
    if path.suffix.lower() == ".svg":
        return {"Date": None}
    return {"Software": "iqcore"}
