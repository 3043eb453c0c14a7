"""The hooks of iqcore. Every hook is prefixed ``iqcore_`` and fully annotated.

Every docstring has the same layout: a one-line summary; ``:param:`` lines; ``Result:`` (what
the hook returns, and whether the first result wins); ``Called:`` (when the host calls it);
``Since:`` (the iqcore version that added it).

Engine code never calls these through ``pm.hook``; it calls the typed methods of
:class:`iqcore.plugins.PluginHost`, which has one method per hook with the same arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from iqcore.plugins.registrars import ParameterRegistrar, RuleRegistrar
    from iqcore.storage.registry import SchemeRegistrar

__all__ = [
    "hookimpl",
    "hookspec",
    "iqcore_register_parameters",
    "iqcore_register_rules",
    "iqcore_register_stores",
]

#: The marker of iqcore's hook specifications.
hookspec = pluggy.HookspecMarker("iqcore")

#: The marker for hook implementations (re-exported as :data:`iqcore.plugins.hookimpl`).
hookimpl = pluggy.HookimplMarker("iqcore")


@hookspec
def iqcore_register_rules(register: RuleRegistrar) -> None:
    """Register rules (each with id, version, reference, validity, jurisdiction and stage).

    :param register: call ``register(rule, ...)`` with :class:`iqcore.rules.Rule` objects; it
        checks their type, rejects an id and version registered before, and records this plugin
        as the rules' origin.

    Result: none; every implementation is called.

    Called: once each time the host builds a rule book (:meth:`PluginHost.rulebook`), never
    per case.

    Since: 0.1.0
    """


@hookspec
def iqcore_register_parameters(register: ParameterRegistrar) -> None:
    """Register dated parameters (thresholds, months, levels) that rules read.

    :param register: call ``register(parameter, ...)`` with :class:`iqcore.rules.Parameter`
        objects; it checks their type, rejects an id registered before, and records this
        plugin as the parameters' origin.

    Result: none; every implementation is called.

    Called: once each time the host builds a rule book (:meth:`PluginHost.rulebook`), never
    per case.

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
    not know (and by :meth:`PluginHost.iqcore_register_stores`).

    Since: 0.1.0
    """
