"""From remaining substantial differences to ranked, optimal training plans.

:func:`plan` takes an assessment (or the record of a notice), the applicant and a catalogue of
training schemes and returns the best plans for one objective — earliest completion (default)
or fewest hours — found exactly by a best-first branch and bound, not greedily.

The plans a search considers (the *plan space*), precisely:

* A plan is a set of steps; each step is one run of one scheme, and no scheme is used twice.
  A **closing step** takes some modules of a scheme that covers remaining differences; a
  **language step** takes a whole language course (a scheme with ``teaches_language``).
* **Usable schemes.** A scheme is usable if it is for migrants, targets the occupation (or
  names no target occupation), is offered in the applicant's network or delivered ``ONLINE``
  (``BLENDED`` and ``IN_PERSON`` need the network), and has a run with free places
  (``capacity > 0``) on or after ``start``. For a regulated profession a closing scheme must
  prepare a permitted compensation measure (``measure_type`` in the assessment's permitted
  measures); for a non-regulated occupation it must be an adaptation qualification
  (``adaptation_form`` set, and in ``forms`` if given). A scheme that teaches a language is
  planned only as a language course (its modules are not matched against differences).
* **Only what is needed (§11(2) BQFG).** Every module a plan takes covers a remaining
  difference that no other module of the plan covers, and every language course is needed:
  without it some later step's language prerequisite would be unmet. So a plan never carries a
  module or course it could drop.
* **Language.** The applicant's German level per scope (general, occupational; an occupational
  level implies the general one, as in :meth:`~iqcore.model.people.Migrant.language_level`)
  must meet a scheme's ``language_prerequisite`` when the scheme starts; a language course
  raises the level to what it teaches. A prerequisite may be reached through a chain of at
  most two language courses.
* **Schedule.** Steps follow one another: the first starts on or after ``start``, every other
  one on a run starting after the previous step ends. A step lasts the weeks of the modules it
  takes (``ends_on`` is its last day). For a set of steps the best order is found exactly
  (dynamic programming over orders, with language courses before the steps that need them);
  taking the earliest run that fits is optimal for a fixed order.
* **Ranking.** ``earliest``: completion date, then total hours, then number of steps.
  ``fewest_hours``: total hours (language courses included), then completion, then steps.
  Two plans with the same steps in another order are one plan (its best order).

**Differences no scheme closes.** A remaining difference is *unclosable* if no usable scheme
covering it can be reached (with language courses first, in time). Plans then close the
others, and each :class:`Plan` lists what it leaves open, with the reason
(:class:`UnclosableReason`). If the closable differences cannot all be closed together (the
runs of their schemes do not fit one after another), the plans close as many as can be closed
together, and the rest are listed with reason ``SCHEDULE``. :func:`plan` returns a
:class:`PlanList` — a list of :class:`Plan` that also carries the unclosable differences, so the
answer says what cannot be closed even when no plan exists.

Search: differences are bits; the search branches on the open difference with the fewest
candidate schemes (every plan has a step covering it), so a set of steps is built once per
branch and duplicates are skipped; lower bounds are the best schedule of the steps chosen so
far (language order relaxed to each step's earliest possible start, below), the earliest end of
any step covering each open difference, and the hours each open difference must still cost (a
set-cover bound). A step whose language prerequisite the applicant does not meet cannot start
before the earliest day any sequence of the catalogue's language courses can bring that level
(a fixpoint over course types, computed once per call); this readiness bound tightens the
schedule, the per-difference and the language-chain bounds, and keeps them admissible for every
plan, so plans stay exactly optimal. Catalogues index schemes
by competence area and place once (:class:`Catalogue`); a plan then touches only the schemes
that cover the applicant's differences in the applicant's network or online.
"""

from __future__ import annotations

import enum
import heapq
import itertools
import math
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

import attrs

from iqcore.errors import Problem, ValidationError
from iqcore.model.codes import CefrLevel
from iqcore.model.decisions import (
    AdaptationQualificationForm,
    CompensationMeasureType,
    Decision,
)
from iqcore.model.people import LanguageScope, Migrant
from iqcore.model.programme import RegionalNetwork
from iqcore.model.training import (
    Audience,
    DeliveryMode,
    LanguagePrerequisite,
    Module,
    TrainingScheme,
)

if TYPE_CHECKING:
    from iqcore.rules.assessment import Assessment

__all__ = [
    "Catalogue",
    "Objective",
    "Plan",
    "PlanList",
    "Step",
    "StepKind",
    "Unclosable",
    "UnclosableReason",
    "plan",
]

_INF = 1 << 62
_LEVELS: tuple[CefrLevel, ...] = tuple(CefrLevel)
_LEVEL_INDEX = {lv: i for i, lv in enumerate(_LEVELS)}
_ONLINE = ""  # the index key of online schemes (available from every network)
_MAX_CHAIN = 2  # language courses in a row that may lead to a prerequisite


class Objective(enum.StrEnum):
    """What a plan is optimal for."""

    EARLIEST = "earliest"
    """Earliest completion date (then fewest hours, then fewest steps)."""
    FEWEST_HOURS = "fewest_hours"
    """Fewest hours of training, language courses included (then earliest, then fewest steps)."""


class StepKind(enum.StrEnum):
    """What a step of a plan is."""

    LANGUAGE_COURSE = "LANGUAGE_COURSE"
    """A language course taken whole, because a later step needs the level it teaches."""
    COMPENSATION_MEASURE = "COMPENSATION_MEASURE"
    """Modules of a scheme preparing a permitted compensation measure (regulated)."""
    ADAPTATION_QUALIFICATION = "ADAPTATION_QUALIFICATION"
    """Modules of an adaptation qualification (non-regulated)."""


class UnclosableReason(enum.StrEnum):
    """Why a remaining difference is not closed (the furthest any scheme covering it got)."""

    NO_SCHEME = "NO_SCHEME"
    MEASURE_NOT_PERMITTED = "MEASURE_NOT_PERMITTED"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    NO_PLACES = "NO_PLACES"
    LANGUAGE = "LANGUAGE"
    SCHEDULE = "SCHEDULE"

    def text(self, lang: str = "en") -> str:
        """The reason in plain language (``lang`` ``"de"`` or ``"en"``)."""
        return _REASON_TEXT[self][1 if lang == "de" else 0]


_REASON_TEXT: dict[UnclosableReason, tuple[str, str]] = {
    UnclosableReason.NO_SCHEME: (
        "no scheme in the catalogue covers it for this occupation",
        "kein Angebot im Katalog deckt ihn für diesen Beruf ab",
    ),
    UnclosableReason.MEASURE_NOT_PERMITTED: (
        (
            "the schemes covering it do not prepare a permitted measure "
            "(or are not adaptation qualifications)"
        ),
        (
            "die Angebote, die ihn abdecken, bereiten keine zulässige Maßnahme vor "
            "(oder sind keine Anpassungsqualifizierung)"
        ),
    ),
    UnclosableReason.NOT_AVAILABLE: (
        "the schemes covering it are not offered in this network or online",
        "die Angebote, die ihn abdecken, gibt es weder in diesem Netzwerk noch online",
    ),
    UnclosableReason.NO_PLACES: (
        "no run of a scheme covering it with free places starts on or after the start date",
        "kein Durchgang eines passenden Angebots mit freien Plätzen beginnt ab dem Starttermin",
    ),
    UnclosableReason.LANGUAGE: (
        (
            "the schemes covering it need a language level the applicant does not have, and no "
            "language course in the catalogue leads there in time"
        ),
        (
            "die passenden Angebote setzen ein Sprachniveau voraus, das die Person nicht hat, und "
            "kein Sprachkurs im Katalog führt rechtzeitig dorthin"
        ),
    ),
    UnclosableReason.SCHEDULE: (
        "it can be closed on its own, but the runs do not fit together with the rest of the plan",
        "er ließe sich allein schließen, aber die Termine passen nicht zum Rest des Plans",
    ),
}


# ------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Unclosable:
    """A remaining difference (its competence area) that a plan does not close, and why."""

    area: str
    reason: UnclosableReason

    def text(self, lang: str = "en") -> str:
        return self.reason.text(lang)


@attrs.frozen(kw_only=True)
class Step:
    """One step of a plan: a run of a scheme, the modules taken, and what it closes.

    ``closes`` lists the competence areas of remaining differences the step closes (an area
    two steps cover is counted for the earlier one); a language course closes none and
    ``language`` is the level it brings. ``ends_on`` is the step's last day.
    """

    kind: StepKind
    scheme: TrainingScheme
    modules: tuple[Module, ...]
    starts_on: date
    ends_on: date
    closes: tuple[str, ...] = ()
    language: LanguagePrerequisite | None = None

    @property
    def hours(self) -> int:
        return sum(m.hours for m in self.modules)

    @property
    def weeks(self) -> int:
        return sum(m.weeks for m in self.modules)


@attrs.frozen(kw_only=True)
class Plan:
    """A ranked training plan: ordered steps, what they close, and why the plan ranks here.

    ``rank`` is 1 for the best plan. ``closes`` are the areas the plan closes; ``unclosable``
    what it leaves open, with reasons (empty when the plan is complete). ``duration_days``
    counts from the planning start date to the completion date, both included.
    """

    rank: int
    objective: Objective
    steps: tuple[Step, ...]
    closes: tuple[str, ...]
    unclosable: tuple[Unclosable, ...]
    starts_on: date
    completion: date
    hours: int
    reason_en: str
    reason_de: str

    @property
    def complete(self) -> bool:
        """True if the plan closes every remaining difference."""
        return not self.unclosable

    @property
    def duration_days(self) -> int:
        return (self.completion - self.starts_on).days + 1

    @property
    def weeks(self) -> int:
        """Weeks of training (the sum over the steps, gaps between runs not counted)."""
        return sum(s.weeks for s in self.steps)

    def reason(self, lang: str = "en") -> str:
        """Why the plan ranks where it does (``lang`` ``"de"`` or ``"en"``)."""
        return self.reason_de if lang == "de" else self.reason_en


class PlanList(list[Plan]):
    """The ranked plans (a list), with the differences no usable scheme can close at all.

    ``unclosable`` is also there when the list is empty, so the answer says what cannot be
    closed even when no plan exists; ``remaining`` are all the areas the plan was asked to close.
    """

    __slots__ = ("objective", "remaining", "unclosable")

    def __init__(
        self,
        plans: Iterable[Plan] = (),
        *,
        objective: Objective = Objective.EARLIEST,
        remaining: tuple[str, ...] = (),
        unclosable: tuple[Unclosable, ...] = (),
    ) -> None:
        super().__init__(plans)
        self.objective = objective
        self.remaining = remaining
        self.unclosable = unclosable

    def __repr__(self) -> str:
        return (
            f"PlanList({list.__repr__(self)}, objective={self.objective.value!r}, "
            f"unclosable={[u.area for u in self.unclosable]!r})"
        )


# ------------------------------------------------------------------------------------------
# The catalogue and its index
# ------------------------------------------------------------------------------------------


def _req(p: LanguagePrerequisite | None) -> tuple[int, int] | None:
    if p is None:
        return None
    return (1 if p.scope is LanguageScope.OCCUPATIONAL else 0, _LEVEL_INDEX[p.level])


class _Entry:
    """What the planner needs of one scheme, computed once per catalogue."""

    __slots__ = (
        "days",
        "hours",
        "idx",
        "modules",
        "network_id",
        "occupations",
        "online",
        "req",
        "scheme",
        "starts",
        "teach",
    )

    def __init__(self, scheme: TrainingScheme, idx: int) -> None:
        self.scheme = scheme
        self.idx = idx
        self.occupations = scheme.target_occupations
        self.network_id = scheme.network_id
        self.online = scheme.delivery is DeliveryMode.ONLINE
        self.starts = [r.starts_on.toordinal() for r in scheme.runs if r.capacity > 0]
        self.req = _req(scheme.language_prerequisite)
        self.teach = _req(scheme.teaches_language)
        self.modules = scheme.modules
        self.hours = scheme.hours
        self.days = 7 * sum(m.weeks for m in scheme.modules)

    def place(self) -> str | None:
        return _ONLINE if self.online else self.network_id


class Catalogue:
    """A catalogue of training schemes, indexed for planning (build it once, plan many times).

    Schemes for staff are kept but never planned. Scheme ids must be unique.
    Raises :class:`~iqcore.errors.ValidationError` for an item that is not a
    :class:`~iqcore.model.training.TrainingScheme` or a repeated id.
    """

    __slots__ = (
        "_by_area",
        "_by_area_place",
        "_dominators",
        "_entries",
        "_ids",
        "_kept",
        "_lang_by_place",
    )

    def __init__(self, schemes: Iterable[TrainingScheme]) -> None:
        problems: list[Problem] = []
        entries: list[_Entry] = []
        ids: dict[str, int] = {}
        for i, s in enumerate(schemes):
            if not isinstance(s, TrainingScheme):
                problems.append(Problem(f"$.catalogue[{i}]", "type", "must be a TrainingScheme"))
                continue
            if s.id in ids:
                problems.append(
                    Problem(f"$.catalogue[{i}].id", "duplicate", "scheme ids must be unique")
                )
                continue
            ids[s.id] = len(entries)
            entries.append(_Entry(s, len(entries)))
        if problems:
            raise ValidationError(problems, type_name="Catalogue")
        self._entries = tuple(entries)
        self._ids = ids
        by_area: dict[str, list[_Entry]] = {}
        by_area_place: dict[tuple[str, str | None], list[_Entry]] = {}
        lang_by_place: dict[str | None, list[_Entry]] = {}
        for e in entries:
            if e.scheme.audience is not Audience.MIGRANTS:
                continue
            if e.teach is not None:
                lang_by_place.setdefault(e.place(), []).append(e)
                continue
            for area in e.scheme.covers:
                by_area.setdefault(area, []).append(e)
                by_area_place.setdefault((area, e.place()), []).append(e)
        self._by_area = by_area
        self._by_area_place = by_area_place
        self._lang_by_place = lang_by_place
        # Language courses of one type (same prerequisite, same level taught) that do at least
        # as well as a course: no more hours, and done no later whatever the day one is free.
        self._dominators: dict[int, list[int]] = {}
        by_type: dict[tuple[object, object], list[_Entry]] = {}
        for group in lang_by_place.values():
            for e in group:
                by_type.setdefault((e.req, e.teach), []).append(e)
        for group in by_type.values():
            for b in group:
                self._dominators[b.idx] = [a.idx for a in group if a is not b and _dominates(a, b)]
        self._kept: dict[tuple[str | None, str, int], frozenset[int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[TrainingScheme]:
        return (e.scheme for e in self._entries)

    def __contains__(self, scheme_id: object) -> bool:
        return scheme_id in self._ids

    def get(self, scheme_id: str) -> TrainingScheme | None:
        i = self._ids.get(scheme_id)
        return None if i is None else self._entries[i].scheme

    def _closing(self, area: str, network_id: str | None) -> Iterator[_Entry]:
        yield from self._by_area_place.get((area, _ONLINE), ())
        if network_id is not None:
            yield from self._by_area_place.get((area, network_id), ())

    def _languages(self, network_id: str | None) -> Iterator[_Entry]:
        yield from self._lang_by_place.get(_ONLINE, ())
        if network_id is not None:
            yield from self._lang_by_place.get(network_id, ())

    def _kept_languages(self, network_id: str | None, occupation: str, limit: int) -> list[_Entry]:
        """The language courses a search needs: a course that at least *limit* kept courses
        of its type (available here) do as well as is left out.

        This cannot change the costs of the *limit* best plans: a plan keeps at most one
        course of a type (a second one is never needed), so a left-out course in a plan can
        be swapped for any of *limit* kept ones, giving *limit* different plans that cost no
        more. Courses are looked at best first, so every left-out course has *limit* kept
        dominators. Cached per network, occupation and limit (availability by date follows
        dominance, so the start date does not matter).
        """
        key = (network_id, occupation, limit)
        kept_ids = self._kept.get(key)
        if kept_ids is None:
            avail = [
                e
                for e in self._languages(network_id)
                if not e.occupations or occupation in e.occupations
            ]
            ids = {e.idx for e in avail}
            avail.sort(key=lambda e: (e.hours, _next_day(e.starts, e.days, -_INF), e.idx))
            kept: set[int] = set()
            for e in avail:
                n = sum(1 for d in self._dominators.get(e.idx, ()) if d in kept and d in ids)
                if n < limit:
                    kept.add(e.idx)
            if len(self._kept) > 4096:
                self._kept.clear()
            kept_ids = self._kept[key] = frozenset(kept)
        return [e for e in self._languages(network_id) if e.idx in kept_ids]


def _next_day(starts: list[int], days: int, t: int) -> int:
    i = bisect_left(starts, t)
    return starts[i] + days if i < len(starts) else _INF


def _dominates(a: _Entry, b: _Entry) -> bool:
    """True if course *a* takes no more hours than *b* and, from any day, ends no later."""
    if a.hours > b.hours:
        return False
    points = [-_INF] + [s + 1 for s in a.starts] + [s + 1 for s in b.starts]
    return all(_next_day(a.starts, a.days, t) <= _next_day(b.starts, b.days, t) for t in points)


# ------------------------------------------------------------------------------------------
# Language levels: (general, occupational) as indexes into CefrLevel, -1 for none
# ------------------------------------------------------------------------------------------

_Levels = tuple[int, int]


def _meets(levels: _Levels, req: tuple[int, int] | None) -> bool:
    if req is None:
        return True
    scope, lv = req
    if scope == 0:
        return max(levels) >= lv
    return levels[1] >= lv


def _raise(levels: _Levels, teach: tuple[int, int] | None) -> _Levels:
    if teach is None:
        return levels
    scope, lv = teach
    if scope == 0:
        return (max(levels[0], lv), levels[1])
    return (levels[0], max(levels[1], lv))


def _applicant_levels(applicant: Migrant | None) -> _Levels:
    if applicant is None:
        return (-1, -1)
    g = applicant.language_level("de", LanguageScope.GENERAL)
    o = applicant.language_level("de", LanguageScope.OCCUPATIONAL)
    return (-1 if g is None else _LEVEL_INDEX[g], -1 if o is None else _LEVEL_INDEX[o])


# ------------------------------------------------------------------------------------------
# The search
# ------------------------------------------------------------------------------------------


class _Item:
    """A step as the search sees it: a module subset of a closing scheme, or a language course.

    ``mask`` holds the target differences the item covers, ``mod_masks`` those of each module
    taken (a language course has none); ``teach`` is the level a language course brings.
    """

    __slots__ = (
        "days",
        "end0",
        "entry",
        "hours",
        "key",
        "lo",
        "mask",
        "mod_masks",
        "mods",
        "priv",
        "req",
        "starts",
        "teach",
    )

    def __init__(
        self,
        entry: _Entry,
        mods: tuple[int, ...],
        mod_masks: tuple[int, ...],
        hours: int,
        days: int,
        teach: tuple[int, int] | None = None,
    ) -> None:
        self.entry = entry
        self.mods = mods
        self.mod_masks = mod_masks
        mask = 0
        for p in mod_masks:
            mask |= p
        self.mask = mask
        # What each module covers that no other module of the item covers.
        self.priv = tuple(p & ~_union(mod_masks, k) for k, p in enumerate(mod_masks))
        self.hours = hours
        self.days = days
        self.starts = entry.starts
        self.req = entry.req
        self.teach = teach
        self.key = (entry.idx, mods)
        # The earliest day the item can start in any plan (its language prerequisite met),
        # and the day after it ends at the earliest; set by the search that uses it.
        self.lo = 0
        self.end0 = _INF


_Key = frozenset[tuple[int, tuple[int, ...]]]
_Cost = tuple[int, int, int]


def _language_item(e: _Entry) -> _Item:
    return _Item(e, tuple(range(len(e.modules))), (), e.hours, e.days, e.teach)


def _next_free(item: _Item, t: int) -> int:
    """The day after *item* ends if it starts on its first run on or after day *t*."""
    starts = item.starts
    i = bisect_left(starts, t)
    return starts[i] + item.days if i < len(starts) else _INF


def _next_free_lo(item: _Item, t: int) -> int:
    """:func:`_next_free`, but never starting before the item's own earliest day ``lo``."""
    starts = item.starts
    lo = item.lo
    i = bisect_left(starts, t if t > lo else lo)
    return starts[i] + item.days if i < len(starts) else _INF


_ALL_REQS: tuple[tuple[int, int], ...] = tuple(
    (scope, lv) for scope in (0, 1) for lv in range(len(_LEVELS))
)


# For each level a course may teach: the prerequisites that level meets on its own.
_TAUGHT_MEETS: dict[tuple[int, int] | None, tuple[tuple[int, int], ...]] = {
    teach: tuple(r for r in _ALL_REQS if teach is not None and _meets(_raise((-1, -1), teach), r))
    for teach in (None, *_ALL_REQS)
}


def _ready_days(
    languages: Sequence[_Item], init: _Levels, start: int
) -> dict[tuple[int, int], int]:
    """For each language prerequisite, a lower bound of the first day a step needing it can
    start in any plan (``_INF``: never), whatever else the plan holds.

    A step's prerequisite is met by the language courses before it; of these, the one after
    which it is first met teaches, on its own, a level that meets it (a course raises one
    scope to one level). That course starts once its own prerequisite is met, so
    ``ready(r) = min(next_free(x, ready(x.req)))`` over the courses *x* whose level meets
    *r*, and ``start`` where the applicant's own level meets *r*. Solved as a fixpoint (a
    shortest-path problem: a course ends after it starts), with any number of courses in a
    row and no course used twice ignored, so the bound holds for every plan.
    """
    ready = {r: start if _meets(init, r) else _INF for r in _ALL_REQS}
    by_type: dict[tuple[tuple[int, int] | None, tuple[int, int] | None], list[_Item]] = {}
    for x in languages:
        by_type.setdefault((x.req, x.teach), []).append(x)
    types = [(req, _TAUGHT_MEETS[teach], group) for (req, teach), group in by_type.items()]
    done: dict[int, int] = {}  # per type: the day it was last relaxed from
    changed = True
    while changed:
        changed = False
        for k, (req, rs, group) in enumerate(types):
            base = start if req is None else ready[req]
            if base >= _INF or done.get(k) == base:
                continue
            done[k] = base
            t = min(_next_free(x, base) for x in group)
            for r in rs:
                if t < ready[r]:
                    ready[r] = t
                    changed = True
    return ready


def _schedule(items: Sequence[_Item], start: int, init: _Levels) -> tuple[int, list[int]]:
    """The earliest day all *items* are done by (exclusive), and the order that achieves it.

    Dynamic programming over subsets: ``dp[S]`` is the earliest free day after doing the items
    of S in the best order; an item may come last in S if the language courses in the rest of
    S (and the applicant's own level) meet its prerequisite. Taking each item's earliest run
    that fits is optimal for a fixed order, because :func:`_next_free` is monotone in its day.
    Returns ``(_INF, [])`` if no order fits.
    """
    m = len(items)
    size = 1 << m
    dp = [_INF] * size
    last = [-1] * size
    levels: list[_Levels] = [init] * size
    dp[0] = start
    for mask in range(1, size):
        low = (mask & -mask).bit_length() - 1
        levels[mask] = _raise(levels[mask & (mask - 1)], items[low].teach)
        best = _INF
        arg = -1
        rest = mask
        while rest:
            xbit = rest & -rest
            rest ^= xbit
            prev = dp[mask ^ xbit]
            if prev >= _INF:
                continue
            item = items[xbit.bit_length() - 1]
            if item.req is not None and not _meets(levels[mask ^ xbit], item.req):
                continue
            t = _next_free(item, prev)
            if t < best:
                best = t
                arg = xbit.bit_length() - 1
        dp[mask] = best
        last[mask] = arg
    if dp[size - 1] >= _INF:
        return _INF, []
    order: list[int] = []
    mask = size - 1
    while mask:
        x = last[mask]
        order.append(x)
        mask ^= 1 << x
    order.reverse()
    return dp[size - 1], order


def _extend_dp(dp: list[int], items: Sequence[_Item], new: _Item) -> list[int]:
    """The relaxed schedule table (language order ignored) of *items* plus *new*.

    ``dp`` is the table of *items*; only the subsets containing *new* are computed. Language
    order is replaced by each item's earliest possible start (``lo``, from
    :func:`_ready_days`). The relaxed value is a lower bound of the strict one, and never
    decreases as items are added.
    """
    size = len(dp)
    out = dp + [_INF] * size
    info = [(x.starts, x.days, x.lo) for x in (*items, new)]
    for mask in range(size):
        full = mask | size
        best = _INF
        rest = full
        while rest:
            xbit = rest & -rest
            rest ^= xbit
            prev = out[full ^ xbit]
            # A step ends after it starts, so a predecessor done at or after `best` loses.
            if prev < best:
                starts, days, lo = info[xbit.bit_length() - 1]
                i = bisect_left(starts, prev if prev > lo else lo)
                if i < len(starts) and starts[i] + days < best:
                    best = starts[i] + days
        out[full] = best
    return out


def _placeable(items: Sequence[_Item], init: _Levels) -> bool:
    """True if some order meets every item's language prerequisite (dates ignored)."""
    levels = init
    todo = list(items)
    while todo:
        ready = [it for it in todo if _meets(levels, it.req)]
        if not ready:
            return False
        for it in ready:
            levels = _raise(levels, it.teach)
        todo = [it for it in todo if all(it is not r for r in ready)]
    return True


def _irredundant(items: Sequence[_Item], target: int, init: _Levels) -> bool:
    """Every module covers a target difference no other module covers; every course is needed."""
    seen = 0
    twice = 0
    for it in items:
        for p in it.mod_masks:
            twice |= seen & p
            seen |= p
    for it in items:
        for p in it.mod_masks:
            if not p & target & ~twice:
                return False
    for i, it in enumerate(items):
        if it.teach is not None and _placeable([x for j, x in enumerate(items) if j != i], init):
            return False
    return True


def _chain_types(
    languages: Sequence[_Item], levels: _Levels, req: tuple[int, int]
) -> tuple[list[_Item], list[tuple[list[_Item], list[_Item]]]]:
    """Language courses that take *levels* to meet *req*: single courses, and pairs by type.

    Returns the single courses that do it, and for each pair of course types (prerequisite,
    level taught) that does it in a row, the courses of the first and of the second type.
    Only minimal pairs: the first course alone does not meet *req* (if it does, a plan that
    also needs the second gets it when the step needing it is added). Whether a course fits
    depends on its type only, so pairs are never listed one by one here.
    """
    by_type: dict[tuple[object, object], list[_Item]] = {}
    for x in languages:
        by_type.setdefault((x.req, x.teach), []).append(x)
    singles: list[_Item] = []
    pairs: list[tuple[list[_Item], list[_Item]]] = []
    for (req2, teach2), second in by_type.items():
        if not _meets(_raise(levels, second[0].teach), req):
            continue
        if _meets(levels, second[0].req):
            singles.extend(second)
            continue
        for (req1, teach1), first in by_type.items():
            if (req1, teach1) == (req2, teach2) or not _meets(levels, first[0].req):
                continue
            after = _raise(levels, first[0].teach)
            if _meets(after, second[0].req) and not _meets(after, req):
                pairs.append((first, second))
    return singles, pairs


class _Chains:
    """The chains for one (levels, prerequisite), produced lazily in the objective's order.

    By hours (``by_end`` False), or by a lower bound of when the chain can be done (the
    later of its courses' earliest ends, where the second course of a pair starts no earlier
    than the earliest end of any course of the first type; ``by_end`` True). Single courses
    and pairs of courses (the k-smallest walk over each pair of types, each sorted by its own
    key) are merged through a heap, so only the chains a search reaches are ever formed.
    ``min_end`` and ``min_hours`` bound every chain, ``min_len`` is the shortest chain.
    """

    __slots__ = (
        "_by_end",
        "_heap",
        "_out",
        "_pairs",
        "_singles",
        "min_end",
        "min_hours",
        "min_len",
    )

    def __init__(
        self,
        singles: list[_Item],
        pairs: list[tuple[list[_Item], list[_Item]]],
        start: int,
        by_end: bool,
    ) -> None:
        def keyed(items: list[_Item], t: int) -> list[tuple[int, int, _Item]]:
            # (key, position, course), sorted by key; the position keeps the sort stable.
            out = [(_next_free_lo(x, t) if by_end else x.hours, k, x) for k, x in enumerate(items)]
            out.sort(key=lambda r: (r[0], r[1]))
            return out

        self._out: list[tuple[int, tuple[_Item, ...]]] = []
        self._singles = keyed(singles, start)
        self._pairs: list[tuple[list[tuple[int, int, _Item]], list[tuple[int, int, _Item]]]] = []
        ends: list[int] = []
        hours: list[int] = [x.hours for x in singles]
        for a, b in pairs:
            first = keyed(a, start)
            after = min(_next_free_lo(x, start) for x in a)
            second = keyed(b, after if after < _INF else start)
            self._pairs.append((first, second))
            if by_end:
                ends.append(max(first[0][0], second[0][0]))
            else:
                ends.append(
                    max(after, min(_next_free_lo(x, after) for x in b) if after < _INF else _INF)
                )
            hours.append(min(x.hours for x in a) + min(x.hours for x in b))
        self._by_end = by_end
        heap: list[tuple[int, int, int, int]] = [
            (k, -1, i, 0) for i, (k, _, _) in enumerate(self._singles)
        ]
        for p, (fa, sb) in enumerate(self._pairs):
            heap.append((self._combine(fa[0][0], sb[0][0]), p, 0, 0))
        heapq.heapify(heap)
        self._heap = heap
        single_ends = [_next_free_lo(x, start) for x in singles]
        self.min_end = min(single_ends + ends, default=_INF)
        self.min_hours = min(hours, default=_INF)
        self.min_len = 1 if singles else 2

    def _combine(self, a: int, b: int) -> int:
        return max(a, b) if self._by_end else a + b

    def get(self, i: int) -> tuple[int, tuple[_Item, ...]] | None:
        """The *i*-th chain in order, with its key (None past the last one)."""
        out = self._out
        heap = self._heap
        while len(out) <= i and heap:
            k, src, a, b = heapq.heappop(heap)
            if src < 0:
                out.append((k, (self._singles[a][2],)))
                continue
            first, second = self._pairs[src]
            out.append((k, (first[a][2], second[b][2])))
            if b + 1 < len(second):
                heapq.heappush(heap, (self._combine(first[a][0], second[b + 1][0]), src, a, b + 1))
            if b == 0 and a + 1 < len(first):
                heapq.heappush(heap, (self._combine(first[a + 1][0], second[0][0]), src, a + 1, 0))
        return out[i] if i < len(out) else None


class _Node:
    __slots__ = ("covered", "days", "dp", "has_lang", "hours", "items", "key", "levels", "used")

    def __init__(
        self,
        items: tuple[_Item, ...],
        covered: int,
        dp: list[int],
        hours: int,
        levels: _Levels,
        used: frozenset[int],
        key: _Key,
        has_lang: bool,
    ) -> None:
        self.items = items
        self.covered = covered
        self.dp = dp
        self.hours = hours
        self.levels = levels
        self.used = used
        self.key = key
        self.has_lang = has_lang
        self.days = sum(x.days for x in items)


# Heap entries: (cost bound, tie-breaker, kind, payload); kinds below.
_OPEN, _DONE, _LATER, _KIDS = 0, 1, 2, 3
_HeapEntry = tuple[_Cost, int, int, object]


class _Problem:
    """One search: the target differences as bits, the usable schemes, the bounds."""

    def __init__(
        self,
        areas: Sequence[str],
        closing: Sequence[_Entry],
        languages: Sequence[_Item],
        start: int,
        init: _Levels,
        objective: Objective,
        ready: dict[tuple[int, int], int] | None = None,
    ) -> None:
        self.areas = tuple(areas)
        bit = {a: 1 << i for i, a in enumerate(self.areas)}
        self.target = (1 << len(self.areas)) - 1
        self.start = start
        self.init = init
        self.objective = objective
        self.languages = languages
        # Per candidate scheme: its entry and relevant modules (index, mask, hours, days).
        self.cands: list[tuple[_Entry, list[tuple[int, int, int, int]]]] = []
        self.by_bit: list[list[int]] = [[] for _ in self.areas]
        n = len(self.areas)
        ee = [_INF] * n  # earliest free day after any step covering the difference
        minh = [_INF] * n  # fewest hours of a module covering it
        share = [float(_INF)] * n  # fewest hours per target difference of such a module
        mind = [_INF] * n  # fewest days of a module covering it
        dshare = [float(_INF)] * n  # fewest days per target difference of such a module
        first = _INF  # the earliest day any step can start
        if ready is None:
            ready = _ready_days(languages, init, start)
            for x in languages:
                x.lo = start if x.req is None else ready[x.req]
        self.ready = ready
        self.lo: dict[int, int] = {}  # per candidate: the earliest day it can start
        for e in closing:
            lo = start if e.req is None else ready[e.req]
            if lo >= _INF:
                continue  # its language prerequisite cannot be met in any plan
            mods: list[tuple[int, int, int, int]] = []
            for j, m in enumerate(e.modules):
                mask = 0
                for a in m.covers:
                    mask |= bit.get(a, 0)
                if mask:
                    mods.append((j, mask, m.hours, 7 * m.weeks))
            if not mods:
                continue
            ci = len(self.cands)
            self.cands.append((e, mods))
            self.lo[ci] = lo
            i0 = bisect_left(e.starts, start)
            first = min(first, e.starts[i0] if i0 < len(e.starts) else _INF)
            i0 = bisect_left(e.starts, lo)
            s0 = e.starts[i0] if i0 < len(e.starts) else _INF
            union = 0
            for _j, mask, hours, days in mods:
                union |= mask
                cnt = mask.bit_count()
                per = hours / cnt
                for b in _bits(mask):
                    ee[b] = min(ee[b], s0 + days)
                    minh[b] = min(minh[b], hours)
                    share[b] = min(share[b], per)
                    mind[b] = min(mind[b], days)
                    dshare[b] = min(dshare[b], days / cnt)
            for b in _bits(union):
                self.by_bit[b].append(ci)
        self.ee = ee
        self.minh = minh
        self.share = share
        self.mind = mind
        self.dshare = dshare
        for x in languages:
            i0 = bisect_left(x.starts, start)
            if i0 < len(x.starts):
                first = min(first, x.starts[i0])
        self.first = first
        self._dlb: dict[int, int] = {}
        self._eb: dict[int, tuple[int, int]] = {}
        self._bit_subs: dict[int, list[tuple[int, _Item]]] = {}
        self._subsets: dict[int, list[_Item]] = {}
        self._chains: dict[tuple[_Levels, tuple[int, int]], _Chains] = {}
        self._hlb: dict[int, int] = {}

    def subsets(self, ci: int) -> list[_Item]:
        """The module subsets of a candidate in which every module covers something of its own."""
        got = self._subsets.get(ci)
        if got is not None:
            return got
        e, mods = self.cands[ci]
        out: list[_Item] = []
        for r in range(1, len(mods) + 1):
            for combo in itertools.combinations(mods, r):
                masks = tuple(c[1] for c in combo)
                if r > 1 and any(not masks[k] & ~_union(masks, k) for k in range(r)):
                    continue
                item = _Item(
                    e,
                    tuple(c[0] for c in combo),
                    masks,
                    sum(c[2] for c in combo),
                    sum(c[3] for c in combo),
                )
                item.lo = self.lo[ci]
                item.end0 = _next_free_lo(item, self.start)
                out.append(item)
        self._subsets[ci] = out
        return out

    def chains(self, levels: _Levels, req: tuple[int, int]) -> _Chains:
        key = (levels, req)
        got = self._chains.get(key)
        if got is None:
            singles, pairs = _chain_types(self.languages, levels, req)
            by_end = self.objective is Objective.EARLIEST
            got = self._chains[key] = _Chains(singles, pairs, self.start, by_end)
        return got

    def hours_bound(self, open_: int) -> int:
        """A lower bound of the hours still needed to cover *open_* (set-cover shares)."""
        got = self._hlb.get(open_)
        if got is None:
            total = 0.0
            most = 0
            for b in _bits(open_):
                total += self.share[b]
                most = max(most, self.minh[b])
            got = self._hlb[open_] = max(most, math.ceil(total - 1e-6))
        return got

    def days_bound(self, open_: int) -> int:
        """A lower bound of the days of training still needed to cover *open_*."""
        got = self._dlb.get(open_)
        if got is None:
            total = 0.0
            most = 0
            for b in _bits(open_):
                total += self.dshare[b]
                most = max(most, self.mind[b])
            got = self._dlb[open_] = max(most, math.ceil(total - 1e-6))
        return got

    def end_bound(self, open_: int, days: int = 0) -> int:
        """A lower bound of the completion (day after) of a plan that still has to cover
        *open_*, when its steps so far last *days*: some step covering each open difference
        must end, and steps follow one another without overlap.
        """
        got = self._eb.get(open_)
        if got is None:
            most = max((self.ee[b] for b in _bits(open_)), default=0)
            got = self._eb[open_] = (most, self.first + self.days_bound(open_))
        return max(got[0], got[1] + days)

    def cost(self, end: int, hours: int, steps: int) -> _Cost:
        if self.objective is Objective.EARLIEST:
            return (end, hours, steps)
        return (hours, end, steps)

    def search(self, limit: int) -> list[tuple[_Cost, tuple[_Item, ...]]]:
        """The *limit* best plans (cost, items) covering every target difference, best first.

        Best-first branch and bound over sets of steps: an entry's cost is a lower bound of
        every plan below it (componentwise, so also in the lexicographic order of the
        objective), a finished plan's cost is exact, so plans leave the heap in order of cost.
        A step that needs language courses first has many possible chains; they are expanded
        lazily, cheapest first: a ``_LATER`` entry stands for the chains from one index on,
        with a bound no higher than any of theirs.
        """
        target = self.target
        if not target:
            return []
        counter = itertools.count()
        results: list[tuple[_Cost, tuple[_Item, ...]]] = []
        seen: set[_Key] = set()
        root = _Node((), 0, [self.start], 0, self.init, frozenset(), frozenset(), False)
        f0 = self.cost(self.end_bound(target), self.hours_bound(target), 1)
        heap: list[_HeapEntry] = [(f0, next(counter), _OPEN, root)]
        n = len(self.areas)
        by_bit = self.by_bit
        while heap and len(results) < limit:
            f, _, kind, payload = heapq.heappop(heap)
            if kind == _DONE:
                assert isinstance(payload, _Node)
                results.append((f, payload.items))
                continue
            if kind == _LATER:
                self._later(heap, counter, payload, seen)  # type: ignore[arg-type]
                continue
            if kind == _KIDS:
                self._next_kid(heap, counter, payload, seen)  # type: ignore[arg-type]
                continue
            assert isinstance(payload, _Node)
            node = payload
            open_ = target & ~node.covered
            bstar = min((b for b in range(n) if open_ >> b & 1), key=lambda b: len(by_bit[b]))
            dbit = 1 << bstar
            # The children, each with a cheap lower bound; they are made lazily in its order.
            kids: list[tuple[_Cost, int, _Item, _Chains | None]] = []
            subs = self._bit_subs.get(bstar)
            if subs is None:
                subs = self._bit_subs[bstar] = [
                    (self.cands[ci][0].idx, sub)
                    for ci in by_bit[bstar]
                    for sub in self.subsets(ci)
                    if sub.mask & dbit
                ]
            used = node.used
            levels = node.levels
            dp_end = node.dp[-1]
            n_items = len(node.items)
            for eidx, sub in subs:
                if eidx in used or not all(p & open_ for p in sub.priv):
                    continue
                chains: _Chains | None = None
                end = dp_end if dp_end > sub.end0 else sub.end0
                hours = node.hours + sub.hours
                steps = n_items + 1
                if sub.req is not None and not _meets(levels, sub.req):
                    chains = self.chains(levels, sub.req)
                    if chains.get(0) is None:
                        continue
                    end = max(end, chains.min_end)
                    hours += chains.min_hours
                    steps += chains.min_len
                rest = open_ & ~sub.mask
                if rest:
                    end = max(end, self.end_bound(rest, node.days + sub.days))
                    hours += self.hours_bound(rest)
                    steps += 1
                if end >= _INF:
                    continue
                kids.append((self.cost(end, hours, steps), len(kids), sub, chains))
            if kids:
                kids.sort(key=lambda k: (k[0], k[1]))
                heapq.heappush(heap, (kids[0][0], next(counter), _KIDS, (node, kids, 0)))
        return results

    def _next_kid(
        self,
        heap: list[_HeapEntry],
        counter: Iterator[int],
        payload: tuple[_Node, list[tuple[_Cost, int, _Item, _Chains | None]], int],
        seen: set[_Key],
    ) -> None:
        """Make the next child of a node (in the order of the cheap bounds)."""
        node, kids, i = payload
        _, _, sub, chains = kids[i]
        if chains is None:
            self._child(heap, counter, node, (), sub, seen)
        else:
            self._push_later(heap, counter, node, sub, chains, 0)
        if i + 1 < len(kids):
            heapq.heappush(heap, (kids[i + 1][0], next(counter), _KIDS, (node, kids, i + 1)))

    def _push_later(
        self,
        heap: list[_HeapEntry],
        counter: Iterator[int],
        node: _Node,
        sub: _Item,
        chains: _Chains,
        i: int,
    ) -> None:
        """Stand in for the children of *node* + chain + *sub*, for the chains from *i* on."""
        nxt = chains.get(i)
        if nxt is None:
            return
        open_ = self.target & ~(node.covered | sub.mask)
        if self.objective is Objective.EARLIEST:
            end = max(node.dp[-1], nxt[0], sub.end0)
            hours = node.hours + sub.hours + chains.min_hours
        else:
            end = max(node.dp[-1], chains.min_end, sub.end0)
            hours = node.hours + sub.hours + nxt[0]
        steps = len(node.items) + 1 + chains.min_len
        if open_:
            end = max(end, self.end_bound(open_, node.days + sub.days))
            hours += self.hours_bound(open_)
            steps += 1
        f = self.cost(end, hours, steps)
        heapq.heappush(heap, (f, next(counter), _LATER, (node, sub, chains, i)))

    def _later(
        self,
        heap: list[_HeapEntry],
        counter: Iterator[int],
        payload: tuple[_Node, _Item, _Chains, int],
        seen: set[_Key],
    ) -> None:
        node, sub, chains, i = payload
        while (got := chains.get(i)) is not None:
            i += 1
            chain = got[1]
            if all(x.entry.idx not in node.used for x in chain):
                self._child(heap, counter, node, chain, sub, seen)
                break
        self._push_later(heap, counter, node, sub, chains, i)

    def _child(
        self,
        heap: list[_HeapEntry],
        counter: Iterator[int],
        node: _Node,
        chain: tuple[_Item, ...],
        sub: _Item,
        seen: set[_Key],
    ) -> None:
        new_key = node.key.union([x.key for x in chain], (sub.key,))
        if new_key in seen:
            return
        seen.add(new_key)
        items = node.items
        dp = node.dp
        for x in (*chain, sub):
            dp = _extend_dp(dp, items, x)
            items = (*items, x)
        if dp[-1] >= _INF:
            return
        hours = node.hours + sub.hours + sum(x.hours for x in chain)
        covered = node.covered | sub.mask
        open_ = self.target & ~covered
        has_lang = node.has_lang or bool(chain)
        if not open_:
            if not _irredundant(items, self.target, self.init):
                return
            end = dp[-1]
            if has_lang:
                end, _ = _schedule(items, self.start, self.init)
                if end >= _INF:
                    return
            f = self.cost(end, hours, len(items))
            done = _Node(items, covered, dp, hours, node.levels, node.used, new_key, has_lang)
            heapq.heappush(heap, (f, next(counter), _DONE, done))
            return
        levels = node.levels
        for x in chain:
            levels = _raise(levels, x.teach)
        used = node.used.union([x.entry.idx for x in chain], (sub.entry.idx,))
        child = _Node(items, covered, dp, hours, levels, used, new_key, has_lang)
        f = self.cost(
            max(dp[-1], self.end_bound(open_, child.days)),
            hours + self.hours_bound(open_),
            len(items) + 1,
        )
        heapq.heappush(heap, (f, next(counter), _OPEN, child))


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _union(masks: tuple[int, ...], skip: int) -> int:
    out = 0
    for j, p in enumerate(masks):
        if j != skip:
            out |= p
    return out


# ------------------------------------------------------------------------------------------
# plan()
# ------------------------------------------------------------------------------------------


def plan(
    assessment: Assessment | Decision,
    applicant: Migrant | None,
    catalogue: Catalogue | Iterable[TrainingScheme],
    *,
    network: str | RegionalNetwork | None,
    start: date,
    limit: int = 3,
    objective: Objective | str = Objective.EARLIEST,
    forms: Collection[AdaptationQualificationForm] | None = None,
    measures: Collection[CompensationMeasureType] | None = None,
) -> PlanList:
    """The best training plans that close the remaining substantial differences.

    *assessment* is an :class:`~iqcore.rules.Assessment` (a prognosis) or a
    :class:`~iqcore.model.decisions.Decision` (the record of a notice); its remaining
    differences, its occupation, whether the occupation is regulated and its permitted measures
    are used. *applicant* gives the German level (None: no level known, so every language
    prerequisite needs a course). *catalogue* is a :class:`Catalogue` (build it once for many
    plans) or any iterable of schemes. *network* is the applicant's regional network (an id or
    a :class:`~iqcore.model.programme.RegionalNetwork`; None: online schemes only). *start* is
    the first day a step may start. *limit* is how many plans at most; *objective*
    ``"earliest"`` or ``"fewest_hours"``. *forms* narrows the adaptation-qualification forms
    (non-regulated), *measures* the permitted measures (e.g. to the one the applicant chose,
    §11(3) BQFG); neither can widen what the assessment permits.

    Returns a :class:`PlanList` (a list of :class:`Plan`, best first) — empty if nothing
    remains to be closed or no difference can be closed; its ``unclosable`` says which
    differences no usable scheme closes and why. The plan space and the ranking are defined in
    the module's documentation. Raises :class:`~iqcore.errors.ValidationError` listing every
    argument of the wrong type or value.
    """
    from iqcore.rules.assessment import Assessment

    problems: list[Problem] = []
    if not isinstance(assessment, Assessment | Decision):
        problems.append(Problem("$.assessment", "type", "must be an Assessment or a Decision"))
    if applicant is not None and not isinstance(applicant, Migrant):
        problems.append(Problem("$.applicant", "type", "must be a Migrant or None"))
    if network is not None and not isinstance(network, str | RegionalNetwork):
        problems.append(Problem("$.network", "type", "must be a network id, network or None"))
    if not isinstance(start, date):
        problems.append(Problem("$.start", "type", "must be a date"))
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        problems.append(Problem("$.limit", "value", "must be an integer of at least 1"))
    try:
        goal = Objective(objective)
    except ValueError:
        problems.append(Problem("$.objective", "value", "must be 'earliest' or 'fewest_hours'"))
        goal = Objective.EARLIEST
    if forms is not None and not all(isinstance(x, AdaptationQualificationForm) for x in forms):
        problems.append(Problem("$.forms", "type", "must hold AdaptationQualificationForm values"))
    if measures is not None and not all(isinstance(x, CompensationMeasureType) for x in measures):
        problems.append(Problem("$.measures", "type", "must hold CompensationMeasureType values"))
    if not isinstance(catalogue, Catalogue):
        try:
            catalogue = Catalogue(catalogue)
        except ValidationError as exc:
            problems.extend(exc.problems)
        except TypeError:
            problems.append(Problem("$.catalogue", "type", "must be a Catalogue or iterable"))
    if problems:
        raise ValidationError(problems, type_name="plan arguments")
    assert isinstance(catalogue, Catalogue)

    if isinstance(assessment, Decision):
        remaining = assessment.remaining_differences
        titles = None
    else:
        remaining = assessment.remaining
        titles = assessment
    areas = tuple(dict.fromkeys(d.area for d in remaining))
    if not areas:
        return PlanList(objective=goal)
    network_id = network.id if isinstance(network, RegionalNetwork) else network
    permitted = frozenset(assessment.permitted_measures)
    if measures is not None:
        permitted &= frozenset(measures)
    allowed_forms = frozenset(AdaptationQualificationForm) if forms is None else frozenset(forms)
    ctx = _Context(
        occupation=assessment.occupation_id,
        regulated=assessment.regulated,
        permitted=permitted,
        forms=allowed_forms,
        start=start.toordinal(),
        init=_applicant_levels(applicant),
        catalogue=catalogue,
        network_id=network_id,
        limit=limit,
    )
    closing: dict[int, _Entry] = {}
    closable: set[str] = set()
    for area in areas:
        for e in catalogue._closing(area, network_id):
            if e.idx in closing:
                closable.add(area)
                continue
            if ctx.stage(e, check_place=False) == _USABLE:
                closing[e.idx] = e
                closable.add(area)
    unclosable = tuple(Unclosable(area=a, reason=ctx.reason(a)) for a in areas if a not in closable)
    target = [a for a in areas if a in closable]
    entries = list(closing.values())
    found: list[tuple[_Cost, tuple[_Item, ...], tuple[str, ...]]] = []
    for size in range(len(target), 0, -1):
        for subset in itertools.combinations(target, size):
            wanted = set(subset)
            problem = _Problem(
                subset,
                [e for e in entries if any(a in wanted for a in e.scheme.covers)]
                if size < len(target)
                else entries,
                ctx.languages,
                ctx.start,
                ctx.init,
                goal,
                ctx.ready_days,
            )
            found.extend((c, items, subset) for c, items in problem.search(limit))
        if found:
            break
    found.sort(key=lambda r: r[0])
    found = found[:limit]
    plans = [
        _build(rank, cost, items, subset, target, unclosable, ctx, goal, found, titles)
        for rank, (cost, items, subset) in enumerate(found, start=1)
    ]
    return PlanList(plans, objective=goal, remaining=areas, unclosable=unclosable)


_USABLE = 5


class _Context:
    """What one call to :func:`plan` decides schemes by."""

    def __init__(
        self,
        *,
        occupation: str,
        regulated: bool,
        permitted: frozenset[CompensationMeasureType],
        forms: frozenset[AdaptationQualificationForm],
        start: int,
        init: _Levels,
        catalogue: Catalogue,
        network_id: str | None,
        limit: int,
    ) -> None:
        self.occupation = occupation
        self.regulated = regulated
        self.permitted = permitted
        self.forms = forms
        self.start = start
        self.init = init
        self.catalogue = catalogue
        self.network_id = network_id
        self.languages = [
            _language_item(e)
            for e in catalogue._kept_languages(network_id, occupation, limit)
            if e.starts and e.starts[-1] >= start
        ]
        # When a step needing each language level can start at the earliest (any plan).
        self.ready_days = _ready_days(self.languages, init, start)
        for x in self.languages:
            x.lo = start if x.req is None else self.ready_days[x.req]
        self._ready: dict[tuple[int, int], int] = {}

    def ready(self, req: tuple[int, int]) -> int:
        """The earliest day a step needing *req* can start (after language courses), or _INF."""
        got = self._ready.get(req)
        if got is None:
            singles, pairs = _chain_types(self.languages, self.init, req)
            got = min((_next_free(x, self.start) for x in singles), default=_INF)
            for first, second in pairs:
                # Finishing the first course as early as possible is best (monotone).
                t = min(_next_free(x, self.start) for x in first)
                if t < _INF:
                    got = min(got, min(_next_free(x, t) for x in second))
            self._ready[req] = got
        return got

    def stage(self, e: _Entry, *, check_place: bool = True) -> int:
        """How far a closing scheme gets: 0 wrong occupation, 1 measure or form not allowed,
        2 not in the network or online, 3 no run with places, 4 language out of reach, 5 usable.
        """
        if e.occupations and self.occupation not in e.occupations:
            return 0
        s = e.scheme
        if self.regulated:
            if s.measure_type is None or s.measure_type not in self.permitted:
                return 1
        elif s.adaptation_form is None or s.adaptation_form not in self.forms:
            return 1
        if check_place and not (
            e.online or (e.network_id is not None and e.network_id == self.network_id)
        ):
            return 2
        i = bisect_left(e.starts, self.start)
        if i >= len(e.starts):
            return 3
        if e.req is not None and not _meets(self.init, e.req):
            ready = self.ready(e.req)
            if ready >= _INF or e.starts[-1] < ready:
                return 4
        return _USABLE

    def reason(self, area: str) -> UnclosableReason:
        best = max((self.stage(e) for e in self.catalogue._by_area.get(area, ())), default=-1)
        return _STAGE_REASON.get(best, UnclosableReason.NO_SCHEME)


_STAGE_REASON = {
    0: UnclosableReason.NO_SCHEME,
    1: UnclosableReason.MEASURE_NOT_PERMITTED,
    2: UnclosableReason.NOT_AVAILABLE,
    3: UnclosableReason.NO_PLACES,
    4: UnclosableReason.LANGUAGE,
}


def _build(
    rank: int,
    cost: _Cost,
    items: tuple[_Item, ...],
    subset: tuple[str, ...],
    target: Sequence[str],
    unclosable: tuple[Unclosable, ...],
    ctx: _Context,
    goal: Objective,
    found: Sequence[tuple[_Cost, tuple[_Item, ...], tuple[str, ...]]],
    titles: Assessment | None,
) -> Plan:
    end, order = _schedule(items, ctx.start, ctx.init)
    bit = {a: 1 << i for i, a in enumerate(subset)}
    steps: list[Step] = []
    t = ctx.start
    closed = 0
    kind = StepKind.COMPENSATION_MEASURE if ctx.regulated else StepKind.ADAPTATION_QUALIFICATION
    for x in order:
        it = items[x]
        s = it.entry.starts[bisect_left(it.entry.starts, t)]
        t = s + it.days
        new = it.mask & ~closed
        closed |= it.mask
        scheme = it.entry.scheme
        steps.append(
            Step(
                kind=StepKind.LANGUAGE_COURSE if it.teach is not None else kind,
                scheme=scheme,
                modules=tuple(scheme.modules[j] for j in it.mods),
                starts_on=date.fromordinal(s),
                ends_on=date.fromordinal(s + it.days - 1),
                closes=tuple(a for a in subset if bit[a] & new),
                language=scheme.teaches_language if it.teach is not None else None,
            )
        )
    assert t == end
    left = unclosable + tuple(
        Unclosable(area=a, reason=UnclosableReason.SCHEDULE) for a in target if a not in subset
    )
    hours = sum(s.hours for s in steps)
    completion = date.fromordinal(end - 1)
    en, de = _why(rank, cost, goal, found, len(steps), hours, completion, left, titles)
    return Plan(
        rank=rank,
        objective=goal,
        steps=tuple(steps),
        closes=subset,
        unclosable=left,
        starts_on=date.fromordinal(ctx.start),
        completion=completion,
        hours=hours,
        reason_en=en,
        reason_de=de,
    )


def _cost_parts(cost: _Cost, goal: Objective) -> tuple[int, int, int]:
    """(end, hours, steps) of a cost tuple."""
    if goal is Objective.EARLIEST:
        return cost
    return (cost[1], cost[0], cost[2])


def _why(
    rank: int,
    cost: _Cost,
    goal: Objective,
    found: Sequence[tuple[_Cost, tuple[_Item, ...], tuple[str, ...]]],
    n_steps: int,
    hours: int,
    completion: date,
    left: tuple[Unclosable, ...],
    titles: Assessment | None,
) -> tuple[str, str]:
    """Why a plan ranks where it does, in English and German."""
    en: list[str] = []
    de: list[str] = []
    day_en = completion.isoformat()
    day_de = completion.strftime("%d.%m.%Y")
    if rank == 1:
        if goal is Objective.EARLIEST:
            en.append(f"Earliest completion possible with this catalogue: done on {day_en}")
            de.append(f"Frühester möglicher Abschluss mit diesem Katalog: fertig am {day_de}")
        else:
            en.append(f"Fewest hours possible with this catalogue: {hours} hours")
            de.append(
                f"Die wenigsten Stunden, die mit diesem Katalog möglich sind: {hours} Stunden"
            )
        steps_en = f"{n_steps} step{'s' if n_steps != 1 else ''}"
        steps_de = f"{n_steps} {'Schritte' if n_steps != 1 else 'Schritt'}"
        if goal is Objective.EARLIEST:
            en[-1] += f" ({steps_en}, {hours} hours)."
            de[-1] += f" ({steps_de}, {hours} Stunden)."
        else:
            en[-1] += f" ({steps_en}); done on {day_en}."
            de[-1] += f" ({steps_de}); fertig am {day_de}."
    else:
        end1, hours1, steps1 = _cost_parts(found[0][0], goal)
        end, _, steps = _cost_parts(cost, goal)
        later = end - end1
        more = hours - hours1
        if goal is Objective.EARLIEST:
            if later > 0:
                en.append(f"Finishes {later} days after plan 1 (on {day_en})")
                de.append(f"Endet {later} Tage nach Plan 1 (am {day_de})")
            else:
                en.append(f"Finishes on the same day as plan 1 ({day_en})")
                de.append(f"Endet am selben Tag wie Plan 1 ({day_de})")
            en[-1] += ", " + _hours_en(more, steps - steps1) + "."
            de[-1] += ", " + _hours_de(more, steps - steps1) + "."
        else:
            if more > 0:
                en.append(f"Takes {more} hours more than plan 1 ({hours} hours)")
                de.append(f"Braucht {more} Stunden mehr als Plan 1 ({hours} Stunden)")
            else:
                en.append(f"Takes as many hours as plan 1 ({hours} hours)")
                de.append(f"Braucht so viele Stunden wie Plan 1 ({hours} Stunden)")
            if later > 0:
                en[-1] += f" and finishes {later} days later (on {day_en})."
                de[-1] += f" und endet {later} Tage später (am {day_de})."
            elif later < 0:
                en[-1] += f" but finishes {-later} days earlier (on {day_en})."
                de[-1] += f", endet aber {-later} Tage früher (am {day_de})."
            else:
                en[-1] += f" and finishes on the same day ({day_en})" + (
                    f", with {steps - steps1} more steps." if steps > steps1 else "."
                )
                de[-1] += f" und endet am selben Tag ({day_de})" + (
                    f", mit {steps - steps1} Schritten mehr." if steps > steps1 else "."
                )
    if left:
        names_en = "; ".join(f"{_title(titles, u.area, 'en')}: {u.text('en')}" for u in left)
        names_de = "; ".join(f"{_title(titles, u.area, 'de')}: {u.text('de')}" for u in left)
        en.append(f"Not closed ({len(left)}): {names_en}.")
        de.append(f"Nicht geschlossen ({len(left)}): {names_de}.")
    return " ".join(en), " ".join(de)


def _hours_en(more: int, more_steps: int) -> str:
    if more > 0:
        text = f"with {more} hours more"
    elif more < 0:
        text = f"with {-more} hours fewer"
    else:
        text = "with the same hours"
    if more == 0 and more_steps > 0:
        text += f" and {more_steps} more steps"
    return text


def _hours_de(more: int, more_steps: int) -> str:
    if more > 0:
        text = f"mit {more} Stunden mehr"
    elif more < 0:
        text = f"mit {-more} Stunden weniger"
    else:
        text = "mit gleich vielen Stunden"
    if more == 0 and more_steps > 0:
        text += f" und {more_steps} Schritten mehr"
    return text


def _title(titles: Assessment | None, area: str, lang: str) -> str:
    return area if titles is None else titles.area_title(area, lang)
