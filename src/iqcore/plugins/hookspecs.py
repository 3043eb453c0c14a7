"""The hooks of iqcore. Every hook is prefixed ``iqcore_`` and fully annotated.

Every docstring has the same layout: a one-line summary; ``:param:`` lines; ``Result:`` (what
the hook returns, and whether the first result wins or all results are used); ``Called:`` (when
the host calls it); ``Since:`` (the iqcore version that added it). The hook reference page,
``docs/reference/hooks.md``, has one section per hook and is checked against this module.

Engine code never calls these through ``pm.hook``; it calls the typed methods of
:class:`iqcore.plugins.PluginHost`, which has one method per hook with the same arguments.

Hooks may gain arguments in later versions, never lose or rename them: an implementation may
accept fewer arguments than the hook has (pluggy passes only those it names), but must not
give its arguments default values (pluggy would not pass them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import cattrs

    from iqcore.model.codes import FederalState
    from iqcore.model.programme import CompetentAuthority
    from iqcore.model.qualifications import ReferenceOccupation
    from iqcore.plugins.host import PluginHost
    from iqcore.plugins.registrars import (
        AuthorityRegistrar,
        NetworkRegistrar,
        OccupationRegistrar,
        ParameterRegistrar,
        RuleRegistrar,
        TrainingSchemeRegistrar,
    )
    from iqcore.rules.assessment import Assessment
    from iqcore.storage.registry import SchemeRegistrar

__all__ = [
    "HOOK_NAMES",
    "hookimpl",
    "hookspec",
    "iqcore_assessment_done",
    "iqcore_configure",
    "iqcore_configure_converter",
    "iqcore_find_authority",
    "iqcore_register_authorities",
    "iqcore_register_networks",
    "iqcore_register_occupations",
    "iqcore_register_parameters",
    "iqcore_register_rules",
    "iqcore_register_stores",
    "iqcore_register_training_schemes",
]

#: The marker of iqcore's hook specifications.
hookspec = pluggy.HookspecMarker("iqcore")

#: The marker for hook implementations (re-exported as :data:`iqcore.plugins.hookimpl`).
hookimpl = pluggy.HookimplMarker("iqcore")


@hookspec(historic=True)
def iqcore_configure(host: PluginHost) -> None:
    """Set a plugin up once, with the host it is registered with.

    :param host: the :class:`~iqcore.plugins.PluginHost` the plugin was registered with. Keep
        it if the plugin needs it later; do not rely on other plugins being registered yet.

    Result: none; every implementation is called.

    Called: once per plugin and host: by :func:`make_host` for the plugins it loads, and by
    :meth:`PluginHost.register` for each plugin added later, so late plugins still receive it
    (a *historic* hook: it is never called as an ordinary hook). A plugin that raises here is
    recorded as failed (see :attr:`PluginHost.faults`).

    Since: 0.1.0
    """


@hookspec
def iqcore_register_networks(register: NetworkRegistrar) -> None:
    """Register regional networks (id, name, Land, funding phases, source).

    :param register: call ``register(network, ..., replace=False)`` with
        :class:`~iqcore.model.RegionalNetwork` objects; it checks their type and duplicate ids
        and records this plugin as their origin. ``replace=True`` replaces a shipped network
        with the same id and Land (the network's own, more current record).

    Result: none; every implementation is called.

    Called: once each time the host loads its plugins' registrations (on first use, again
    after a plugin is registered or unregistered), never per case.

    Since: 0.1.0
    """


@hookspec
def iqcore_register_occupations(register: OccupationRegistrar) -> None:
    """Register reference occupations, e.g. the Länder-law occupations of a Land.

    :param register: call ``register(occupation, ...)`` with
        :class:`~iqcore.model.ReferenceOccupation` objects; it checks their type and duplicate
        ids (a shipped id cannot be registered again: give a Land's version its own id and set
        its ``state``) and records this plugin as their origin.

    Result: none; every implementation is called.

    Called: once each time the host loads its plugins' registrations, never per case.

    Since: 0.1.0
    """


@hookspec
def iqcore_register_authorities(register: AuthorityRegistrar) -> None:
    """Register competent authorities (the Länder they serve and what they are competent for).

    :param register: call ``register(authority, ..., replace=False)`` with
        :class:`~iqcore.model.CompetentAuthority` objects; it checks their type, duplicate ids
        and that the occupations they name are known, and records this plugin as their
        origin. ``replace=True`` replaces a shipped authority with the same id and Länder.

    Result: none; every implementation is called.

    Called: once each time the host loads its plugins' registrations, never per case.

    Since: 0.1.0
    """


@hookspec
def iqcore_register_training_schemes(register: TrainingSchemeRegistrar) -> None:
    """Register training schemes (bridge programmes, exam preparation, courses for staff).

    :param register: call ``register(scheme, ...)`` with :class:`~iqcore.model.TrainingScheme`
        objects; it checks their type, duplicate ids, and that the network and occupations
        they name are known, and records this plugin as their origin.

    Result: none; every implementation is called.

    Called: once each time the host loads its plugins' registrations, never per case.

    Since: 0.1.0
    """


@hookspec
def iqcore_register_parameters(register: ParameterRegistrar) -> None:
    """Register dated parameters (thresholds, months, levels) that rules read.

    :param register: call ``register(parameter, ...)`` with :class:`iqcore.rules.Parameter`
        objects; it checks their type and values, rejects an id registered before, and records
        this plugin as the parameters' origin.

    Result: none; every implementation is called.

    Called: once each time the host loads its plugins' registrations (and so builds its rule
    book), never per case.

    Since: 0.1.0
    """


@hookspec
def iqcore_register_rules(register: RuleRegistrar) -> None:
    """Register rules (each with id, version, reference, validity, jurisdiction and stage).

    :param register: call ``register(rule, ...)`` with :class:`iqcore.rules.Rule` objects; it
        checks their type, rejects an id and version registered before, and records this
        plugin as the rules' origin. A rule may replace another only within its own
        jurisdiction (``Rule.replaces``).

    Result: none; every implementation is called.

    Called: once each time the host loads its plugins' registrations (and so builds its rule
    book), never per case.

    Since: 0.1.0
    """


@hookspec
def iqcore_register_stores(register: SchemeRegistrar) -> None:
    """Register store URL schemes (``sqlite``, ``postgresql`` …) with their factories.

    :param register: call ``register(scheme, factory)``; ``factory(url, network=..., role=...)``
        opens a :class:`iqcore.storage.Store`. It rejects a scheme another plugin registered and
        records this plugin as the scheme's origin.

    Result: none; every implementation is called.

    Called: once per process, the first time :func:`iqcore.open_store` meets a scheme it does
    not know (through :meth:`PluginHost.iqcore_register_stores`).

    Since: 0.1.0
    """


@hookspec
def iqcore_configure_converter(converter: cattrs.Converter) -> None:
    """Teach the :mod:`cattrs` converter the types a plugin adds.

    :param converter: the converter to configure (register structure and unstructure hooks,
        or call :func:`iqcore.serialization.register_type` for attrs classes).

    Result: none; every implementation is called.

    Called: once per host and converter, the first time :meth:`PluginHost.converter` is asked
    for it.

    Since: 0.1.0
    """


@hookspec(firstresult=True)
def iqcore_find_authority(
    occupation: ReferenceOccupation,
    state: FederalState | None,
    network_id: str | None,
    authorities: tuple[CompetentAuthority, ...],
) -> tuple[CompetentAuthority, ...] | None:
    """Find the competent authorities for an occupation in a place.

    :param occupation: the reference occupation.
    :param state: the Land of the place (None: no Land is known).
    :param network_id: the regional network of the place, if any.
    :param authorities: every registered authority (shipped and from plugins), to choose from.

    Result: the first result wins: a tuple of authorities, the most specific first (it may be
    empty: "no authority is known"); return None to let the next implementation answer. The
    built-in implementation runs last (``trylast``) and answers from ``authorities``: those of
    the Land first, then nationwide ones.

    Called: by :meth:`PluginHost.find_authority`, each time it is asked.

    Since: 0.1.0
    """


@hookspec
def iqcore_assessment_done(assessment: Assessment) -> None:
    """Be told of every assessment made (for audit logs, counters, events).

    :param assessment: the finished :class:`~iqcore.rules.Assessment` (immutable).

    Result: none; every implementation is called. A plugin that raises makes the assessment
    fail with a :class:`~iqcore.errors.PluginError` naming it (an audit that cannot be written
    is not skipped silently).

    Called: after each :func:`iqcore.assess`, before it returns. When no plugin implements the
    hook, the engine does not call it at all.

    Since: 0.1.0
    """


#: Every hook's name, in the order of this module.
HOOK_NAMES: tuple[str, ...] = (
    "iqcore_configure",
    "iqcore_register_networks",
    "iqcore_register_occupations",
    "iqcore_register_authorities",
    "iqcore_register_training_schemes",
    "iqcore_register_parameters",
    "iqcore_register_rules",
    "iqcore_register_stores",
    "iqcore_configure_converter",
    "iqcore_find_authority",
    "iqcore_assessment_done",
)
