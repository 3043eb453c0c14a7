"""The rule book: an immutable set of rules and parameters, layered by jurisdiction.

A :class:`RuleBook` is built once from the registrations of all plugins. Building it checks for
conflicts and raises :class:`~iqcore.errors.RuleConflict` naming both origins:

* two rules (or parameters) with the same id from different plugins, or two versions of one
  rule from one plugin whose validity overlaps;
* a replacement of a rule that does not exist, or outside the replacer's jurisdiction (a Land
  may replace a federal rule only within its Land; a network a federal rule or its own Land's
  rule, only within its network);
* two replacements of the same rule for the same place with overlapping validity.

Asked for a place (Land, network) and a date, it answers the rules in force there, per stage in
declared order, with replaced rules taken out (and shown in the trace as replaced). What depends
only on the place and the date range is computed once and cached: per place, the rules and
parameters that cover it and the dates where anything changes; per place and date range, the
resolved plan the engine runs.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import orjson

from iqcore.errors import NotFound, PluginError, RuleConflict
from iqcore.model.codes import FederalState
from iqcore.rules.core import ParameterRead, Rule, RuleRef, Stage, TraceEntry
from iqcore.rules.dated import Jurisdiction, JurisdictionLevel, Parameter, Validity
from iqcore.rules.results import PluginInfo

__all__ = ["Plan", "PlanItem", "RuleBook"]

_LEVEL_RANK = {
    JurisdictionLevel.FEDERAL: 0,
    JurisdictionLevel.STATE: 1,
    JurisdictionLevel.NETWORK: 2,
}


def _sort_key(rule: Rule) -> tuple[int, int, int, str, int]:
    return (
        rule.stage.rank,
        rule.order,
        _LEVEL_RANK[rule.jurisdiction.level],
        rule.id,
        rule.version,
    )


def _places_overlap(a: Jurisdiction, b: Jurisdiction) -> bool:
    """True if some case falls under both jurisdictions."""
    return a.within(b) or b.within(a)


def _origin(name: str) -> str:
    return name or "(unregistered)"


class PlanItem:
    """One rule of a plan: the rule to run, or a fixed trace entry (a replaced rule)."""

    __slots__ = ("fixed", "misses", "ref", "rule", "seen")

    def __init__(
        self,
        rule: Rule | None,
        ref: RuleRef,
        fixed: TraceEntry | None,
        misses: tuple[TraceEntry, ...],
    ) -> None:
        self.rule = rule
        self.ref = ref
        self.fixed = fixed
        self.misses = misses
        #: The engine's cache of trace entries for findings seen before (no parameter reads).
        self.seen: dict[object, TraceEntry] = {}


class Plan:
    """The rules in force for one place during one date range, resolved and ready to run."""

    __slots__ = ("compiled", "fingerprint", "items", "params", "plugins", "validity")

    def __init__(
        self,
        *,
        items: tuple[PlanItem, ...],
        params: dict[str, ParameterRead],
        validity: Validity | None,
        fingerprint: str,
        plugins: tuple[PluginInfo, ...],
    ) -> None:
        self.items = items
        self.params = params
        self.validity = validity
        self.fingerprint = fingerprint
        self.plugins = plugins
        #: The engine's cache: per signature of a case's static facts, the items to run.
        self.compiled: dict[tuple[object, ...], tuple[tuple[Any, ...], ...]] = {}

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules that run (replaced rules left out), in stage and declared order."""
        return tuple(i.rule for i in self.items if i.rule is not None)


class _PlaceView:
    """The rules and parameters that cover one place, over all dates."""

    __slots__ = ("breakpoints", "fingerprint", "lock", "params", "plans", "plugins", "rules")

    def __init__(
        self,
        rules: tuple[int, ...],
        params: tuple[Parameter[Any], ...],
        breakpoints: list[date],
        fingerprint: str,
        plugins: tuple[PluginInfo, ...],
    ) -> None:
        self.rules = rules
        self.params = params
        self.breakpoints = breakpoints
        self.fingerprint = fingerprint
        self.plugins = plugins
        self.plans: list[Plan | None] = [None] * (len(breakpoints) + 1)
        self.lock = threading.Lock()


class RuleBook:
    """An immutable, layered set of rules and parameters; see the module docs.

    >>> book = RuleBook([], [])
    >>> len(book.rules), len(book.fingerprint)
    (0, 64)
    """

    __slots__ = ("_misses", "_params", "_plugins", "_refs", "_rules", "_views", "fingerprint")

    def __init__(
        self,
        rules: Iterable[Rule],
        parameters: Iterable[Parameter[Any]] = (),
        *,
        plugins: Iterable[PluginInfo] = (),
    ) -> None:
        rule_list = list(rules)
        param_list = list(parameters)
        for r in rule_list:
            if not isinstance(r, Rule):
                raise TypeError("a rule book holds Rule objects only")
        for p in param_list:
            if not isinstance(p, Parameter):
                raise TypeError("a rule book holds Parameter objects only")
        rule_list.sort(key=_sort_key)
        param_list.sort(key=lambda p: (_LEVEL_RANK[p.jurisdiction.level], p.id))
        _check_rules(rule_list)
        _check_parameters(param_list)
        _check_parameter_use(rule_list, param_list)
        self._rules: tuple[Rule, ...] = tuple(rule_list)
        self._params: tuple[Parameter[Any], ...] = tuple(param_list)
        self._plugins: dict[str, PluginInfo] = {p.name: p for p in plugins}
        self._refs: tuple[RuleRef, ...] = tuple(r.ref() for r in self._rules)
        self._misses: tuple[tuple[TraceEntry, ...], ...] = tuple(
            tuple(
                TraceEntry(rule=ref, applied=False, note=f"does not apply: {text}")
                for text in r.selector.criteria
            )
            for r, ref in zip(self._rules, self._refs, strict=True)
        )
        self._views: dict[tuple[FederalState | None, str | None], _PlaceView] = {}
        self.fingerprint: str = _fingerprint(self._rules, self._params)

    # -- what the book holds ----------------------------------------------------------------

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule, in stage and declared order."""
        return self._rules

    @property
    def parameters(self) -> tuple[Parameter[Any], ...]:
        return self._params

    @property
    def plugins(self) -> tuple[PluginInfo, ...]:
        """The plugins that contributed rules or parameters, sorted by name."""
        names = {r.origin for r in self._rules} | {p.origin for p in self._params}
        return tuple(sorted(self._plugin(n) for n in names))

    def rule(self, rule_id: str, as_of: date | None = None) -> Rule:
        """A rule by id (the version in force on *as_of*, else the latest version)."""
        found = [r for r in self._rules if r.id == rule_id]
        if as_of is not None:
            found = [r for r in found if r.validity.contains(as_of)]
        if not found:
            raise NotFound(f"no rule {rule_id} in the rule book")
        return max(found, key=lambda r: r.version)

    def parameter(self, parameter_id: str) -> Parameter[Any]:
        for p in self._params:
            if p.id == parameter_id:
                return p
        raise NotFound(f"no parameter {parameter_id} in the rule book")

    def _plugin(self, name: str) -> PluginInfo:
        return self._plugins.get(name) or PluginInfo(name=_origin(name))

    # -- the rules for a place and date -----------------------------------------------------

    def in_force(
        self,
        as_of: date,
        *,
        state: FederalState | None = None,
        network_id: str | None = None,
        stage: Stage | None = None,
    ) -> tuple[Rule, ...]:
        """The rules in force for this place on this date, in stage and declared order.

        Rules replaced by another rule in force for the place are left out.
        """
        rules = self.plan(as_of, state=state, network_id=network_id).rules
        return rules if stage is None else tuple(r for r in rules if r.stage is stage)

    def plan(
        self,
        as_of: date,
        *,
        state: FederalState | None = None,
        network_id: str | None = None,
    ) -> Plan:
        """The resolved plan for a place and date (cached per place and date range)."""
        view = self._views.get((state, network_id))
        if view is None:
            view = self._view(state, network_id)
        i = bisect.bisect_right(view.breakpoints, as_of)
        plan = view.plans[i]
        if plan is None:
            with view.lock:
                plan = view.plans[i]
                if plan is None:
                    plan = self._build_plan(view, i)
                    view.plans[i] = plan
        return plan

    def _view(self, state: FederalState | None, network_id: str | None) -> _PlaceView:
        idx = tuple(
            i for i, r in enumerate(self._rules) if r.jurisdiction.covers(state, network_id)
        )
        params = tuple(p for p in self._params if p.jurisdiction.covers(state, network_id))
        points: set[date] = set()
        for i in idx:
            v = self._rules[i].validity
            points.add(v.valid_from)
            if v.valid_until is not None:
                points.add(v.valid_until)
        for p in params:
            for value in p.values:
                points.add(value.validity.valid_from)
                if value.validity.valid_until is not None:
                    points.add(value.validity.valid_until)
        rules = [self._rules[i] for i in idx]
        names = {r.origin for r in rules} | {p.origin for p in params}
        view = _PlaceView(
            idx,
            params,
            sorted(points),
            _fingerprint(rules, params),
            tuple(sorted(self._plugin(n) for n in names)),
        )
        return self._views.setdefault((state, network_id), view)

    def _build_plan(self, view: _PlaceView, segment: int) -> Plan:
        bps = view.breakpoints
        if segment == 0:
            return Plan(
                items=(),
                params={},
                validity=None,
                fingerprint=view.fingerprint,
                plugins=view.plugins,
            )
        start = bps[segment - 1]
        until = bps[segment] if segment < len(bps) else None
        in_force = [i for i in view.rules if self._rules[i].validity.contains(start)]
        replaced_by: dict[str, Rule] = {}
        for i in in_force:
            r = self._rules[i]
            if r.replaces is not None:
                replaced_by[r.replaces] = r
        items: list[PlanItem] = []
        for i in in_force:
            r, ref = self._rules[i], self._refs[i]
            by = replaced_by.get(r.id)
            if by is not None:
                note = (
                    f"replaced by {by.id} v{by.version} of {_origin(by.origin)} ({by.jurisdiction})"
                )
                fixed = TraceEntry(rule=ref, applied=False, note=note)
                items.append(PlanItem(None, ref, fixed, ()))
            else:
                items.append(PlanItem(r, ref, None, self._misses[i]))
        # provenance: the plugins whose rules or parameters are in force here on these dates
        names = {self._rules[i].origin for i in in_force}
        names.update(p.origin for p in view.params if p.in_force(start))
        return Plan(
            items=tuple(items),
            params=_resolve_params(view.params, start),
            validity=Validity(valid_from=start, valid_until=until),
            fingerprint=view.fingerprint,
            plugins=tuple(sorted(self._plugin(n) for n in names)),
        )


def _resolve_params(params: Sequence[Parameter[Any]], start: date) -> dict[str, ParameterRead]:
    in_force = {p.id: p for p in params if p.in_force(start)}
    replaced_by = {p.replaces: p.id for p in in_force.values() if p.replaces in in_force}
    out: dict[str, ParameterRead] = {}
    for pid in in_force:
        final = pid
        seen = {pid}
        while final in replaced_by:
            final = replaced_by[final]
            if final in seen:  # pragma: no cover - cycles are rejected when the book is built
                break
            seen.add(final)
        p = in_force[final]
        value = p.value_at(start)
        out[pid] = ParameterRead.of(
            value.value,
            id=p.id,
            validity=value.validity,
            reference=value.reference,
            unit=p.unit,
            replaces=pid if final != pid else None,
            origin=p.origin,
        )
    return out


# -- conflicts ------------------------------------------------------------------------------


def _by_id(items: Iterable[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for item in items:
        out.setdefault(item.id, []).append(item)
    return out


def _pairs(items: list[Any]) -> Iterator[tuple[Any, Any]]:
    return itertools.combinations(items, 2)


def _names(a: Any, b: Any) -> str:
    first, second = sorted([_origin(a.origin), _origin(b.origin)])
    return f"{first} and {second}"


def _check_rules(rules: list[Rule]) -> None:
    by_id = _by_id(rules)
    for rule_id, versions in by_id.items():
        for a, b in _pairs(versions):
            if a.origin != b.origin:
                raise RuleConflict(f"rule {rule_id} is registered by both {_names(a, b)}")
            if a.version == b.version:
                raise RuleConflict(
                    f"rule {rule_id} v{a.version} is registered twice by {_origin(a.origin)}"
                )
            if a.jurisdiction != b.jurisdiction or a.validity.overlaps(b.validity):
                raise RuleConflict(
                    f"rule {rule_id}: versions {a.version} and {b.version} of "
                    f"{_origin(a.origin)} overlap in time or differ in jurisdiction"
                )
    _check_replacements(rules, by_id, "rule")


def _check_parameters(params: list[Parameter[Any]]) -> None:
    by_id = _by_id(params)
    for pid, items in by_id.items():
        for a, b in _pairs(items):
            raise RuleConflict(f"parameter {pid} is registered by both {_names(a, b)}")
    for p in params:
        if p.replaces == p.id:
            raise RuleConflict(f"parameter {p.id} of {_origin(p.origin)} replaces itself")
        for v in p.values:
            if not isinstance(v.value, int | str) or isinstance(v.value, bool):
                raise PluginError(
                    f"parameter {p.id} has a value that is not a whole number or a string",
                    plugin=_origin(p.origin),
                )
    _check_replacements(params, by_id, "parameter")


def _validity(item: Any) -> Validity:
    return item.validity  # type: ignore[no-any-return]


def _check_replacements(items: Sequence[Any], by_id: dict[str, list[Any]], what: str) -> None:
    replacers = [x for x in items if x.replaces is not None]
    for r in replacers:
        targets = by_id.get(r.replaces)
        if not targets:
            raise RuleConflict(
                f"{what} {r.id} of {_origin(r.origin)} replaces {what} {r.replaces}, "
                "which no plugin registered"
            )
        for t in targets:
            if not r.jurisdiction.within(t.jurisdiction):
                raise RuleConflict(
                    f"{what} {r.id} of {_origin(r.origin)} ({r.jurisdiction}) replaces "
                    f"{what} {t.id} of {_origin(t.origin)} ({t.jurisdiction}) outside its "
                    "own jurisdiction"
                )
    by_target: dict[str, list[Any]] = {}
    for r in replacers:
        by_target.setdefault(r.replaces, []).append(r)
    for target, rs in by_target.items():
        for a, b in _pairs(rs):
            if a.id == b.id:
                continue  # versions of one rule
            if _places_overlap(a.jurisdiction, b.jurisdiction) and _validity(a).overlaps(
                _validity(b)
            ):
                first, second = sorted([a, b], key=lambda x: (x.id, x.origin))
                raise RuleConflict(
                    f"{what} {target} is replaced for the same place and time by both "
                    f"{first.id} of {_origin(first.origin)} and {second.id} of "
                    f"{_origin(second.origin)}"
                )
    # cycles of replacement (a replaces b replaces a) make no sense
    edges = {x.id: x.replaces for x in replacers}
    for start in edges:
        seen = {start}
        cur = edges.get(start)
        while cur is not None:
            if cur in seen:
                raise RuleConflict(f"{what}s replace each other in a cycle, starting at {start}")
            seen.add(cur)
            cur = edges.get(cur)


def _check_parameter_use(rules: list[Rule], params: list[Parameter[Any]]) -> None:
    known = {p.id for p in params}
    for r in rules:
        for pid in r.parameters:
            if pid not in known:
                raise PluginError(
                    f"rule {r.id} reads parameter {pid}, which no plugin registered",
                    plugin=_origin(r.origin),
                )


# -- fingerprint ----------------------------------------------------------------------------


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _fingerprint(rules: Iterable[Rule], params: Iterable[Parameter[Any]]) -> str:
    doc = {
        "rules": sorted(
            [
                r.id,
                r.version,
                r.origin,
                str(r.jurisdiction),
                _iso(r.validity.valid_from),
                _iso(r.validity.valid_until),
                r.stage.value,
                r.order,
                r.replaces,
                r.evaluate_name,
                list(r.parameters),
                list(r.selector.criteria),
                str(r.reference),
            ]
            for r in rules
        ),
        "parameters": sorted(
            [
                p.id,
                p.origin,
                str(p.jurisdiction),
                p.replaces,
                p.unit,
                [
                    [
                        _iso(v.validity.valid_from),
                        _iso(v.validity.valid_until),
                        repr(v.value),
                        str(v.reference),
                    ]
                    for v in p.values
                ],
            ]
            for p in params
        ),
    }
    raw = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(raw).hexdigest()
