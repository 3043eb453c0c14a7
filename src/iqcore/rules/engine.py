"""The engine: runs the plan of a place and date over one case and builds the assessment.

Per case the engine only selects and evaluates rules; everything that depends on the place and
the date range alone (the rules in force, replacements, parameter values, the fingerprint) comes
ready from the rule book's cached :class:`~iqcore.rules.book.Plan`.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING, Any

from iqcore._version import __version__
from iqcore.errors import NotFound, ValidationError
from iqcore.errors import Problem as _Problem
from iqcore.model.codes import FederalState
from iqcore.model.people import Migrant
from iqcore.model.programme import RegionalNetwork
from iqcore.model.qualifications import ForeignQualification, ReferenceOccupation
from iqcore.rules.assessment import Assessment
from iqcore.rules.context import CaseContext, country_group
from iqcore.rules.core import TraceEntry
from iqcore.rules.results import AreaTitle, Provenance

if TYPE_CHECKING:
    from iqcore.plugins import PluginHost
    from iqcore.rules.book import Plan

__all__ = ["assess", "run_plan"]


def assess(
    qualification: ForeignQualification,
    occupation: ReferenceOccupation,
    *,
    applicant: Migrant | None = None,
    as_of: date,
    network: str | RegionalNetwork | None = None,
    host: PluginHost | None = None,
) -> Assessment:
    """Pre-assess *qualification* against the reference *occupation* as of a date.

    The place decides which Land's and network's rules apply: ``network`` is a network id or a
    :class:`~iqcore.model.programme.RegionalNetwork`; the Land comes from the network, else from
    ``applicant.residence_state``, else (for an occupation under the law of a Land) from the
    occupation. ``host`` is the plugin host whose rule book is used; by default a host with the
    built-in and installed plugins, made once per process.

    Raises :class:`~iqcore.errors.ValidationError` for arguments of the wrong type, and
    :class:`~iqcore.errors.NotFound` for a network id that is neither shipped nor known to a
    plugin, or when no rule is in force for the place on the date; the
    :class:`~iqcore.errors.PluginError` of a failed plugin whose scope covers the place (fail
    closed: never an assessment silently made without that plugin's rules).
    """
    problems: list[_Problem] = []
    if not isinstance(qualification, ForeignQualification):
        problems.append(_Problem("$.qualification", "type", "must be a ForeignQualification"))
    if not isinstance(occupation, ReferenceOccupation):
        problems.append(_Problem("$.occupation", "type", "must be a ReferenceOccupation"))
    if applicant is not None and not isinstance(applicant, Migrant):
        problems.append(_Problem("$.applicant", "type", "must be a Migrant or None"))
    if not isinstance(as_of, date):
        problems.append(_Problem("$.as_of", "type", "must be a date"))
    if network is not None and not isinstance(network, str | RegionalNetwork):
        problems.append(_Problem("$.network", "type", "must be a network id or RegionalNetwork"))
    if problems:
        raise ValidationError(problems, type_name="assess arguments")

    if host is None:
        from iqcore.plugins import default_host

        host = default_host()
    state, network_id = _place(network, applicant, occupation, host)
    # fails closed with a failed plugin's PluginError when the plugin's scope covers the place
    plan = host.plan(as_of, state=state, network_id=network_id)
    if not plan.items:
        raise NotFound(f"no rules are in force for this place on {as_of.isoformat()}")
    ctx = CaseContext(
        qualification=qualification,
        occupation=occupation,
        applicant=applicant,
        as_of=as_of,
        state=state,
        network_id=network_id,
        country_group=country_group(qualification.country_of_training.code, as_of),
        params=plan.params,
    )
    trace = run_plan(plan, ctx)
    result = _result(ctx, trace, plan)
    if host.notifies:  # off the hot path unless a plugin implements iqcore_assessment_done
        host.iqcore_assessment_done(result)
    return result


def run_plan(plan: Plan, ctx: CaseContext) -> tuple[TraceEntry, ...]:
    """Run every rule of *plan* over *ctx* in order; the trace, one entry per rule.

    The criteria of a rule's selector that depend on the inputs alone are checked once per
    signature of those inputs and plan (and cached in the plan); only the ``routes`` criterion,
    which depends on the scope stage's result, is checked per case.
    """
    occ = ctx.occupation
    signature = (
        occ.id,
        occ.regulation,
        occ.law,
        occ.legal_basis,
        ctx.kldb,
        occ.sectoral,
        ctx.qualification.kind,
        ctx.country_group,
    )
    ops = plan.compiled.get(signature)
    if ops is None:
        ops = _compile(plan, ctx)
        if len(plan.compiled) > 20_000:
            plan.compiled.clear()
        plan.compiled[signature] = ops
    trace: list[TraceEntry] = []
    append = trace.append
    for fixed, rule, ref, misses, dynamic, seen in ops:
        if fixed is not None:
            append(fixed)
            continue
        if dynamic >= 0:
            miss = rule.selector.first_miss(ctx, dynamic)
            if miss >= 0:
                append(misses[miss])
                continue
        reads = ctx._reads = []
        ctx.rule_id = rule.id
        finding = rule.evaluate(ctx)
        if reads:
            append(
                TraceEntry(
                    rule=ref, applied=finding.applied, note=finding.note, parameters=tuple(reads)
                )
            )
            continue
        # a finding without parameter reads gives the same (immutable) entry every time
        entry = seen.get(finding)
        if entry is None:
            entry = TraceEntry(rule=ref, applied=finding.applied, note=finding.note)
            if len(seen) < _SEEN_MAX:
                seen[finding] = entry
        append(entry)
    return tuple(trace)


_SEEN_MAX = 256


def _compile(plan: Plan, ctx: CaseContext) -> tuple[tuple[Any, ...], ...]:
    ops: list[tuple[Any, ...]] = []
    for item in plan.items:
        rule = item.rule
        if rule is None:
            ops.append((item.fixed, None, item.ref, (), -1, None))
            continue
        selector = rule.selector
        n_static = selector.static_count
        miss = selector.first_miss(ctx, 0, n_static)
        if miss >= 0:
            ops.append((item.misses[miss], None, item.ref, (), -1, None))
        else:
            dynamic = n_static if n_static < len(item.misses) else -1
            ops.append((None, rule, item.ref, item.misses, dynamic, item.seen))
    return tuple(ops)


def _place(
    network: str | RegionalNetwork | None,
    applicant: Migrant | None,
    occupation: ReferenceOccupation,
    host: PluginHost,
) -> tuple[FederalState | None, str | None]:
    network_id: str | None = None
    state: FederalState | None = None
    if isinstance(network, RegionalNetwork):
        network_id, state = network.id, network.state
    elif network is not None:
        network_id = network
        state = host.network_state(network)
        if state is None:
            # fail closed: a misspelt network id must not silently drop its regional rules
            raise NotFound("unknown regional network (neither shipped nor known to a plugin)")
    if state is None and applicant is not None:
        state = applicant.residence_state
    if state is None:
        state = occupation.state
    return state, network_id


# -- the input hash -------------------------------------------------------------------------

_OCC_JSON: dict[int, tuple[ReferenceOccupation, bytes]] = {}


def _occupation_json(occupation: ReferenceOccupation) -> bytes:
    from iqcore.serialization import to_json

    hit = _OCC_JSON.get(id(occupation))
    if hit is not None and hit[0] is occupation:
        return hit[1]
    raw = to_json(occupation)
    if len(_OCC_JSON) > 4096:
        _OCC_JSON.clear()
    _OCC_JSON[id(occupation)] = (occupation, raw)
    return raw


_AREA_TITLES: dict[int, tuple[ReferenceOccupation, tuple[AreaTitle, ...]]] = {}


def _area_titles(occupation: ReferenceOccupation) -> tuple[AreaTitle, ...]:
    hit = _AREA_TITLES.get(id(occupation))
    if hit is not None and hit[0] is occupation:
        return hit[1]
    titles = tuple(
        AreaTitle(id=a.id, title_de=a.title_de, title_en=a.title_en)
        for a in occupation.competence_areas
    )
    if len(_AREA_TITLES) > 4096:
        _AREA_TITLES.clear()
    _AREA_TITLES[id(occupation)] = (occupation, titles)
    return titles


def input_digest(
    qualification: ForeignQualification,
    occupation: ReferenceOccupation,
    applicant: Migrant | None,
    as_of: date,
    state: FederalState | None,
    network_id: str | None,
) -> str:
    """The sha256 of the canonical JSON of the inputs of an assessment.

    The document is ``{"qualification": Q, "occupation": O, "applicant": A, "as_of": D,
    "state": S, "network": N}`` in this key order, without spaces, each part as
    :func:`iqcore.serialization.to_json` writes it (``null`` when absent).
    """
    from iqcore.serialization import to_json

    h = hashlib.sha256(b'{"qualification":')
    h.update(to_json(qualification))
    h.update(b',"occupation":')
    h.update(_occupation_json(occupation))
    h.update(b',"applicant":')
    h.update(to_json(applicant) if applicant is not None else b"null")
    h.update(b',"as_of":"' + as_of.isoformat().encode() + b'","state":')
    h.update(b'"' + state.value.encode() + b'"' if state is not None else b"null")
    h.update(b',"network":')
    h.update(b'"' + network_id.encode() + b'"}' if network_id is not None else b"null}")
    return h.hexdigest()


def _result(ctx: CaseContext, trace: tuple[TraceEntry, ...], plan: Plan) -> Assessment:
    occupation = ctx.occupation
    areas: tuple[AreaTitle, ...] = ()
    if ctx.differences:
        named = {d.area for d in ctx.differences}
        areas = tuple(a for a in _area_titles(occupation) if a.id in named)
    provenance = Provenance(
        iqcore_version=__version__,
        rulebook_fingerprint=plan.fingerprint,
        plugins=plan.plugins,
        input_sha256=input_digest(
            ctx.qualification, occupation, ctx.applicant, ctx.as_of, ctx.state, ctx.network_id
        ),
        as_of=ctx.as_of,
        network_id=ctx.network_id,
        state=ctx.state,
    )
    return Assessment(
        occupation_id=occupation.id,
        occupation_title_de=occupation.title_de,
        occupation_title_en=occupation.title_en,
        regulated=ctx.regulated,
        as_of=ctx.as_of,
        state=ctx.state,
        network_id=ctx.network_id,
        legal_path=ctx.legal_path,
        route=ctx.route,
        outcome=ctx.outcome,
        obstacles=tuple(ctx.obstacles),
        differences=tuple(ctx.differences),
        remedies=tuple(ctx.remedies),
        measures=tuple(ctx.measures),
        applicant_chooses=ctx.applicant_chooses,
        licensing=tuple(ctx.licensing),
        next_steps=tuple(ctx.next_steps),
        areas=areas,
        trace=trace,
        provenance=provenance,
    )
