"""Plugins: the hooks of iqcore, the typed host, and the built-in plugins.

A plugin is a module, class or object with functions marked :data:`hookimpl` and named after a
hook of :mod:`iqcore.plugins.hookspecs`::

    from iqcore.plugins import hookimpl

    @hookimpl
    def iqcore_register_rules(register):
        register(my_rule)

Install it under the entry-point group ``iqcore`` (``[project.entry-points.iqcore]``) or pass
it to :func:`make_host` (``make_host(plugins=[my_plugin])``). The federal and EU rules are a
built-in plugin registered through the same hooks.
"""

from __future__ import annotations

from iqcore.plugins.hookspecs import hookimpl
from iqcore.plugins.host import (
    BUILTIN_PLUGINS,
    ENTRY_POINT_GROUP,
    PluginHost,
    default_host,
    make_host,
    plugin_name,
)
from iqcore.plugins.registrars import ParameterRegistrar, Registrar, RuleRegistrar
from iqcore.rules.results import PluginInfo

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "ParameterRegistrar",
    "PluginHost",
    "PluginInfo",
    "Registrar",
    "RuleRegistrar",
    "default_host",
    "hookimpl",
    "make_host",
    "plugin_name",
]
