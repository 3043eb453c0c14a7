"""Plugins: the hooks of iqcore, the typed host, and the built-in plugins.

A plugin is a module, class or object with functions marked :data:`hookimpl` and named after a
hook of :mod:`iqcore.plugins.hookspecs`::

    from iqcore.plugins import hookimpl

    @hookimpl
    def iqcore_register_rules(register):
        register(my_rule)

Install it under the entry-point group ``iqcore`` (``[project.entry-points.iqcore]``) or pass
it to :func:`make_host` (``make_host(plugins=[my_plugin])``). The federal and EU rules
(``iqcore.federal``) and the shipped reference data (``iqcore.reference``) are built-in plugins
registered through the same hooks. ``python -m iqcore.plugins`` lists the plugins a default host
loads (:func:`format_plugins`).
"""

from __future__ import annotations

from iqcore.plugins.faults import PluginConflict, PluginFault
from iqcore.plugins.hookspecs import HOOK_NAMES, hookimpl
from iqcore.plugins.host import (
    BUILTIN_PLUGINS,
    DISABLE_ENV,
    ENTRY_POINT_GROUP,
    LOAD_ENV,
    PluginHost,
    PluginSummary,
    default_host,
    make_host,
    plugin_name,
)
from iqcore.plugins.listing import format_plugins
from iqcore.plugins.registrars import (
    AuthorityRegistrar,
    NetworkRegistrar,
    OccupationRegistrar,
    ParameterRegistrar,
    RecordRegistrar,
    Registrar,
    RuleRegistrar,
    TrainingSchemeRegistrar,
)
from iqcore.rules.results import PluginInfo

__all__ = [
    "BUILTIN_PLUGINS",
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "HOOK_NAMES",
    "LOAD_ENV",
    "AuthorityRegistrar",
    "NetworkRegistrar",
    "OccupationRegistrar",
    "ParameterRegistrar",
    "PluginConflict",
    "PluginFault",
    "PluginHost",
    "PluginInfo",
    "PluginSummary",
    "RecordRegistrar",
    "Registrar",
    "RuleRegistrar",
    "TrainingSchemeRegistrar",
    "default_host",
    "format_plugins",
    "hookimpl",
    "make_host",
    "plugin_name",
]
