"""Failed plugins: what failed, and which places' assessments it makes fail closed.

When a host loads its plugins' registrations, a plugin that raises, returns something, registers
the wrong type, registers an id another plugin has, or replaces a rule or parameter outside its
jurisdiction is recorded as a :class:`PluginFault`; none of its registrations are used. Its
*scope* is the set of places it registered (or tried to register) something for: the
jurisdictions of its rules and parameters, the networks it registered, the Länder of its
authorities and occupations, the networks of its training schemes. Every assessment (and
authority look-up) for a place in that scope fails closed with the fault's error, while every
other place gets exactly the result it would get without the plugin. A plugin that failed before
registering anything has no known scope and fails closed everywhere.

Blame never depends on the order plugins were registered in: a plugin that registers an id a
built-in plugin has is at fault; two installed plugins that register the same id are both at
fault; of two replacements of one rule for the same place and time, both are at fault. A plugin
whose registrations depend on a failed plugin's (it replaces one of its rules, say) fails too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from iqcore.errors import IqcoreError, PluginError, RuleConflict
from iqcore.model.codes import FederalState
from iqcore.model.programme import CompetentAuthority, RegionalNetwork
from iqcore.model.qualifications import ReferenceOccupation
from iqcore.model.training import TrainingScheme
from iqcore.rules.core import Rule
from iqcore.rules.dated import FEDERAL, Jurisdiction, JurisdictionLevel, Parameter
from iqcore.rules.results import PluginInfo

__all__ = ["PluginConflict", "PluginFault", "Verdict", "judge", "places_of"]


class PluginConflict(PluginError, RuleConflict):
    """A plugin's registrations collide with another plugin's (both a
    :class:`~iqcore.errors.PluginError` naming the plugin, and a
    :class:`~iqcore.errors.RuleConflict`)."""


@attrs.frozen(kw_only=True)
class PluginFault:
    """A failed plugin: who, why (``error``), and where assessments fail closed (``scope``).

    ``scope`` empty means everywhere. ``cause`` is the error as the rule book reports it
    (a :class:`~iqcore.errors.RuleConflict` naming both origins, for a conflict); ``error``
    is what assessments in the scope raise: a :class:`~iqcore.errors.PluginError` naming the
    plugin, its distribution and version.
    """

    plugin: PluginInfo
    error: PluginError = attrs.field(eq=False)
    cause: IqcoreError = attrs.field(eq=False)
    scope: tuple[Jurisdiction, ...] = ()

    @property
    def everywhere(self) -> bool:
        """True if the fault makes every place fail closed."""
        return not self.scope or any(j.level is JurisdictionLevel.FEDERAL for j in self.scope)

    def covers(self, state: FederalState | None, network_id: str | None) -> bool:
        """True if assessments for this place must fail closed."""
        return self.everywhere or any(j.covers(state, network_id) for j in self.scope)

    def names_network(self, network_id: str) -> bool:
        """True if the plugin registered (or meant to register) something for the network."""
        return self.everywhere or any(j.network_id == network_id for j in self.scope)

    def __str__(self) -> str:
        return str(self.error)


def places_of(item: object, network_states: Mapping[str, FederalState]) -> Iterator[Jurisdiction]:
    """The jurisdictions a registered item belongs to (federal for nationwide items)."""
    if isinstance(item, Rule | Parameter):
        yield item.jurisdiction
    elif isinstance(item, RegionalNetwork):
        yield Jurisdiction.of_network(item.id, item.state)
    elif isinstance(item, CompetentAuthority):
        if not item.states:
            yield FEDERAL
        for s in sorted(item.states):
            yield Jurisdiction.of_state(s)
    elif isinstance(item, ReferenceOccupation):
        yield Jurisdiction.of_state(item.state) if item.state is not None else FEDERAL
    elif isinstance(item, TrainingScheme):
        state = network_states.get(item.network_id) if item.network_id else None
        if item.network_id is not None and state is not None:
            yield Jurisdiction.of_network(item.network_id, state)
        else:
            yield FEDERAL
    else:  # pragma: no cover - the registrars admit only the types above
        yield FEDERAL


# -- judging the registrations of all plugins ------------------------------------------------


@attrs.frozen
class Verdict:
    """One finding: the plugins at fault, the message, and whether it is a conflict."""

    culprits: tuple[str, ...]
    message: str
    conflict: bool = True


@attrs.frozen(kw_only=True)
class Registrations:
    """What every plugin committed, by kind: ``{kind: {origin: items}}``, plus replacements."""

    items: Mapping[str, Mapping[str, Sequence[Any]]]
    replacing: Mapping[str, Mapping[str, frozenset[str]]]
    #: What every plugin offered, committed or not: ``{kind: [(origin, item)]}``.
    attempted: Mapping[str, Sequence[tuple[str, Any]]] = attrs.field(factory=dict)

    def of(self, kind: str, healthy: Callable[[str], bool]) -> list[tuple[str, Any]]:
        """(origin, item) for every item of *kind* from a healthy origin, by origin."""
        by_origin = self.items.get(kind, {})
        return [(o, item) for o in sorted(by_origin) if healthy(o) for item in by_origin[o]]


def judge(
    regs: Registrations, healthy: Callable[[str], bool], builtin: Callable[[str], bool]
) -> list[Verdict]:
    """Every conflict among the healthy plugins' registrations (one round; the caller repeats
    with the culprits removed until nothing is found)."""
    found: list[Verdict] = []
    effective: dict[str, dict[str, Any]] = {}
    for kind in ("networks", "occupations", "authorities", "training_schemes"):
        verdicts, records = _records(kind, regs, healthy, builtin)
        found += verdicts
        effective[kind] = records
    found += _references(effective, regs, healthy)
    rules = regs.of("rules", healthy)
    params = regs.of("parameters", healthy)
    all_rules = [*regs.attempted.get("rules", ()), *regs.of("rules", lambda o: True)]
    all_params = [*regs.attempted.get("parameters", ()), *regs.of("parameters", lambda o: True)]
    found += _rules(rules, builtin)
    found += _parameters(params, builtin)
    found += _replacements([r for _, r in rules], [r for _, r in all_rules], "rule", builtin)
    found += _replacements([p for _, p in params], [p for _, p in all_params], "parameter", builtin)
    found += _parameter_use([r for _, r in rules], {p.id for _, p in params})
    found += _network_places(rules, params, effective["networks"])
    return found


_WHAT = {
    "networks": "network",
    "occupations": "occupation",
    "authorities": "authority",
    "training_schemes": "training scheme",
}


def _blame(origins: Iterable[str], builtin: Callable[[str], bool]) -> tuple[str, ...]:
    """Of several origins that collide, those at fault: the installed ones if a built-in plugin
    is among them, else all."""
    unique = sorted(set(origins))
    if any(builtin(o) for o in unique):
        installed = tuple(o for o in unique if not builtin(o))
        if installed:
            return installed
    return tuple(unique)


def _both(origins: Iterable[str]) -> str:
    first, second = sorted(origins)[:2]
    return f"{first} and {second}"


def _records(
    kind: str,
    regs: Registrations,
    healthy: Callable[[str], bool],
    builtin: Callable[[str], bool],
) -> tuple[list[Verdict], dict[str, Any]]:
    what = _WHAT[kind]
    replacing = regs.replacing.get(kind, {})
    by_id: dict[str, list[tuple[str, Any]]] = {}
    for origin, item in regs.of(kind, healthy):
        by_id.setdefault(item.id, []).append((origin, item))
    out: list[Verdict] = []
    effective: dict[str, Any] = {}
    for rid in sorted(by_id):
        entries = by_id[rid]
        shipped = [(o, x) for o, x in entries if builtin(o)]
        replacers = [(o, x) for o, x in entries if not builtin(o) and rid in replacing.get(o, ())]
        plain = [(o, x) for o, x in entries if not builtin(o) and rid not in replacing.get(o, ())]
        if len(shipped) == 1:
            # registering the shipped record itself (equal in every field) only confirms it
            plain = [(o, x) for o, x in plain if x != shipped[0][1]]
        if len(shipped) > 1:
            out.append(
                Verdict(
                    tuple(o for o, _ in shipped),
                    f"{what} {rid} is registered by both {_both(o for o, _ in shipped)}",
                )
            )
            continue
        if plain and (shipped or replacers or len(plain) > 1):
            names = [o for o, _ in entries]
            out.append(
                Verdict(
                    _blame(names, builtin) if not replacers else tuple(o for o, _ in plain),
                    f"{what} {rid} is registered by both {_both(names)}",
                )
            )
            continue
        if len(replacers) > 1:
            out.append(
                Verdict(
                    tuple(o for o, _ in replacers),
                    f"{what} {rid} is replaced by both {_both(o for o, _ in replacers)}",
                )
            )
            continue
        if replacers:
            origin, item = replacers[0]
            if not shipped:
                out.append(
                    Verdict(
                        (origin,),
                        f"{what} {rid} of {origin} replaces a {what} that no built-in plugin "
                        "registered",
                    )
                )
                continue
            moved = _moved(item, shipped[0][1])
            if moved:
                out.append(
                    Verdict(
                        (origin,),
                        f"{what} {rid} of {origin} replaces the shipped record but {moved}",
                    )
                )
                continue
            effective[rid] = item
            continue
        effective[rid] = entries[0][1]
    return out, effective


def _moved(new: Any, old: Any) -> str | None:
    if isinstance(new, RegionalNetwork) and new.state is not old.state:
        return "moves the network to another Land"
    if isinstance(new, CompetentAuthority) and new.states != old.states:
        return "serves other Länder"
    return None


def _references(
    effective: Mapping[str, Mapping[str, Any]], regs: Registrations, healthy: Callable[[str], bool]
) -> list[Verdict]:
    out: list[Verdict] = []
    occupations = effective["occupations"]
    networks = effective["networks"]
    for origin, record in regs.of("authorities", healthy):
        a: CompetentAuthority = record
        if effective["authorities"].get(a.id) is a and not a.occupations <= occupations.keys():
            out.append(
                Verdict(
                    (origin,),
                    f"authority {a.id} names an occupation that no plugin registered",
                    conflict=False,
                )
            )
    for origin, scheme in regs.of("training_schemes", healthy):
        s: TrainingScheme = scheme
        if effective["training_schemes"].get(s.id) is not s:
            continue
        if s.network_id is not None and s.network_id not in networks:
            out.append(
                Verdict(
                    (origin,),
                    f"training scheme {s.id} names a network that no plugin registered",
                    conflict=False,
                )
            )
        elif not s.target_occupations <= occupations.keys():
            out.append(
                Verdict(
                    (origin,),
                    f"training scheme {s.id} names an occupation that no plugin registered",
                    conflict=False,
                )
            )
    return out


def _rules(rules: list[tuple[str, Rule]], builtin: Callable[[str], bool]) -> list[Verdict]:
    out: list[Verdict] = []
    by_id: dict[str, list[Rule]] = {}
    for _, r in rules:
        by_id.setdefault(r.id, []).append(r)
    for rule_id in sorted(by_id):
        versions = by_id[rule_id]
        origins = {r.origin for r in versions}
        if len(origins) > 1:
            out.append(
                Verdict(
                    _blame(origins, builtin),
                    f"rule {rule_id} is registered by both {_both(origins)}",
                )
            )
            continue
        for a, b in itertools.combinations(versions, 2):
            if a.jurisdiction != b.jurisdiction or a.validity.overlaps(b.validity):
                out.append(
                    Verdict(
                        (a.origin,),
                        f"rule {rule_id}: versions {a.version} and {b.version} of {a.origin} "
                        "overlap in time or differ in jurisdiction",
                    )
                )
                break
    return out


def _parameters(
    params: list[tuple[str, Parameter[Any]]], builtin: Callable[[str], bool]
) -> list[Verdict]:
    out: list[Verdict] = []
    by_id: dict[str, list[str]] = {}
    for origin, p in params:
        by_id.setdefault(p.id, []).append(origin)
        if p.replaces == p.id:
            out.append(Verdict((origin,), f"parameter {p.id} of {origin} replaces itself"))
    for pid in sorted(by_id):
        if len(by_id[pid]) > 1:
            out.append(
                Verdict(
                    _blame(by_id[pid], builtin),
                    f"parameter {pid} is registered by both {_both(by_id[pid])}",
                )
            )
    return out


def _replacements(
    items: Sequence[Any], everything: Sequence[Any], what: str, builtin: Callable[[str], bool]
) -> list[Verdict]:
    out: list[Verdict] = []
    by_id: dict[str, list[Any]] = {}
    for x in items:
        by_id.setdefault(x.id, []).append(x)
    healthy_ids = {x.id for x in items}
    failed_owner = {x.id: x.origin for x in everything if x.id not in healthy_ids and x.origin}
    replacers = sorted((x for x in items if x.replaces is not None), key=lambda x: (x.id, x.origin))
    for r in replacers:
        targets = by_id.get(r.replaces)
        if not targets:
            owner = failed_owner.get(r.replaces)
            why = (
                f"which only the failed plugin {owner} registered"
                if owner is not None
                else "which no plugin registered"
            )
            out.append(
                Verdict(
                    (r.origin,), f"{what} {r.id} of {r.origin} replaces {what} {r.replaces}, {why}"
                )
            )
            continue
        for t in targets:
            if not r.jurisdiction.within(t.jurisdiction):
                out.append(
                    Verdict(
                        (r.origin,),
                        f"{what} {r.id} of {r.origin} ({r.jurisdiction}) replaces "
                        f"{what} {t.id} of {t.origin} ({t.jurisdiction}) outside its "
                        "own jurisdiction",
                    )
                )
                break
    by_target: dict[str, list[Any]] = {}
    for r in replacers:
        by_target.setdefault(r.replaces, []).append(r)
    for target in sorted(by_target):
        for a, b in itertools.combinations(by_target[target], 2):
            if a.id == b.id:
                continue  # versions of one rule
            if (
                a.jurisdiction.within(b.jurisdiction) or b.jurisdiction.within(a.jurisdiction)
            ) and (a.validity.overlaps(b.validity)):
                first, second = sorted([a, b], key=lambda x: (x.id, x.origin))
                out.append(
                    Verdict(
                        _blame([a.origin, b.origin], builtin),
                        f"{what} {target} is replaced for the same place and time by both "
                        f"{first.id} of {first.origin} and {second.id} of {second.origin}",
                    )
                )
    edges = {x.id: x for x in replacers}
    for start in sorted(edges):
        seen = [start]
        cur = edges[start].replaces
        while cur in edges:
            if cur in seen:
                members = {edges[m].origin for m in seen}
                out.append(
                    Verdict(
                        tuple(sorted(members)),
                        f"{what}s replace each other in a cycle, starting at {start}",
                    )
                )
                break
            seen.append(cur)
            cur = edges[cur].replaces
    return out


def _parameter_use(rules: Sequence[Rule], known: set[str]) -> list[Verdict]:
    out: list[Verdict] = []
    for r in rules:
        for pid in r.parameters:
            if pid not in known:
                out.append(
                    Verdict(
                        (r.origin,),
                        f"rule {r.id} reads parameter {pid}, which no plugin registered",
                        conflict=False,
                    )
                )
                break
    return out


def _network_places(
    rules: Sequence[tuple[str, Rule]],
    params: Sequence[tuple[str, Parameter[Any]]],
    networks: Mapping[str, RegionalNetwork],
) -> list[Verdict]:
    out: list[Verdict] = []
    placed: list[tuple[str, Rule | Parameter[Any]]] = [*rules, *params]
    for origin, x in placed:
        j = x.jurisdiction
        if j.network_id is None:
            continue
        net = networks.get(j.network_id)
        if net is not None and net.state is not j.state:
            kind = "rule" if isinstance(x, Rule) else "parameter"
            out.append(
                Verdict(
                    (origin,),
                    f"{kind} {x.id} places network {j.network_id} in another Land than the "
                    "network's registration",
                    conflict=False,
                )
            )
    return out


def make_errors(
    verdict: Verdict, info: Callable[[str], PluginInfo]
) -> tuple[dict[str, PluginError], IqcoreError]:
    """The error per culprit (naming it with distribution and version), and the cause."""
    cause: IqcoreError
    if verdict.conflict:
        cause = RuleConflict(verdict.message)
    else:
        cause = PluginError(verdict.message, plugin=verdict.culprits[0])
    errors: dict[str, PluginError] = {}
    for name in verdict.culprits:
        i = info(name)
        cls = PluginConflict if verdict.conflict else PluginError
        err = cls(verdict.message, plugin=name, distribution=i.distribution, version=i.version)
        err.__cause__ = cause if verdict.conflict else None
        errors[name] = err
    if not verdict.conflict:
        cause = errors[verdict.culprits[0]]
    return errors, cause
