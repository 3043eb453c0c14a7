"""The typed plugin host: one annotated method per hook; the only code that touches ``pm.hook``."""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pluggy

from iqcore._version import __version__
from iqcore.errors import ConfigurationError, PluginError, RuleConflict
from iqcore.model.codes import FederalState
from iqcore.plugins import hookspecs
from iqcore.plugins.registrars import ParameterRegistrar, RuleRegistrar
from iqcore.rules.book import RuleBook
from iqcore.rules.results import PluginInfo

if TYPE_CHECKING:
    from iqcore.storage.registry import SchemeRegistrar

__all__ = ["BUILTIN_PLUGINS", "ENTRY_POINT_GROUP", "PluginHost", "default_host", "make_host"]

#: The setuptools entry-point group plugins are installed under.
ENTRY_POINT_GROUP = "iqcore"

#: The built-in plugins: (name, module). They are registered like any other plugin.
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("iqcore.federal", "iqcore.plugins.builtin.federal"),
)


class PluginHost:
    """Wraps a pluggy plugin manager with one typed method per hook.

    Hook methods call each plugin's implementation separately, so that a ``register`` object
    can record the plugin as the origin of what it registers, and a plugin that raises is
    reported as a :class:`~iqcore.errors.PluginError` naming it. The rule book is built once
    and cached until a plugin is registered or unregistered.
    """

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self._pm = pm
        self._lock = threading.RLock()
        self._book: RuleBook | None = None

    # -- plugins ----------------------------------------------------------------------------

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The underlying pluggy manager (for inspection; call hooks through the host)."""
        return self._pm

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register one more plugin; returns its name. The cached rule book is dropped."""
        with self._lock:
            name = name or plugin_name(plugin)
            try:
                self._pm.register(plugin, name=name)
                self._pm.check_pending()
            except (ValueError, pluggy.PluginValidationError) as exc:
                if self._pm.is_registered(plugin):
                    self._pm.unregister(plugin)
                raise PluginError(f"could not be registered: {exc}", plugin=name) from None
            self._book = None
            return name

    def unregister(self, name: str) -> None:
        """Unregister a plugin by name. The cached rule book is dropped."""
        with self._lock:
            self._pm.unregister(name=name)
            self._book = None

    def info(self, name: str) -> PluginInfo:
        """Name, distribution and version of a registered plugin."""
        plugin = self._pm.get_plugin(name)
        for p, dist in self._pm.list_plugin_distinfo():
            if p is plugin:
                return PluginInfo(name=name, distribution=dist.project_name, version=dist.version)
        if name in dict(BUILTIN_PLUGINS):
            return PluginInfo(name=name, distribution="iqcore", version=__version__)
        version = getattr(plugin, "__version__", None)
        return PluginInfo(name=name, version=version if isinstance(version, str) else None)

    @property
    def plugins(self) -> tuple[PluginInfo, ...]:
        """Every registered plugin, sorted by name."""
        names = [n for n, p in self._pm.list_name_plugin() if p is not None]
        return tuple(sorted(self.info(n) for n in names))

    # -- hooks (one method per hook, same arguments) ----------------------------------------

    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        """Call every plugin's ``iqcore_register_rules`` with a register bound to it."""
        for name, function in self._impls("iqcore_register_rules"):
            self._call(name, function, register=register.bind(name))

    def iqcore_register_parameters(self, register: ParameterRegistrar) -> None:
        """Call every plugin's ``iqcore_register_parameters`` with a register bound to it."""
        for name, function in self._impls("iqcore_register_parameters"):
            self._call(name, function, register=register.bind(name))

    def iqcore_register_stores(self, register: SchemeRegistrar) -> None:
        """Call every plugin's ``iqcore_register_stores`` with a register bound to it."""
        from iqcore.storage.registry import SchemeRegistrar as Registrar

        for name, function in self._impls("iqcore_register_stores"):
            bound = register if register.origin == name else Registrar(name)
            self._call(name, function, register=bound)

    def _impls(self, hook_name: str) -> list[tuple[str, Callable[..., Any]]]:
        caller = getattr(self._pm.hook, hook_name)
        # pluggy calls the last registered first; mirror it (results never depend on it).
        return [(impl.plugin_name, impl.function) for impl in reversed(caller.get_hookimpls())]

    def _call(self, name: str, function: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return function(**kwargs)
        except (PluginError, RuleConflict):
            raise
        except Exception as exc:
            info = self.info(name)
            raise PluginError(
                f"raised {type(exc).__name__} in a hook",
                plugin=name,
                distribution=info.distribution,
                version=info.version,
            ) from exc

    # -- what the engine asks ---------------------------------------------------------------

    def rulebook(self) -> RuleBook:
        """The rule book of the registered plugins (built on first use, then cached).

        Raises :class:`~iqcore.errors.RuleConflict` (naming both origins) or
        :class:`~iqcore.errors.PluginError` (naming the plugin) when the registrations collide
        or a plugin fails.
        """
        book = self._book
        if book is not None:
            return book
        with self._lock:
            if self._book is None:
                rules = RuleRegistrar()
                self.iqcore_register_rules(rules)
                params = ParameterRegistrar()
                self.iqcore_register_parameters(params)
                self._book = RuleBook(rules.items, params.items, plugins=self.plugins)
            return self._book

    def network_state(self, network_id: str) -> FederalState | None:
        """The Land of a regional network: from the shipped network registry, else from the
        jurisdiction of a rule or parameter a plugin registered for that network; None if the
        network is unknown."""
        from iqcore import reference_data

        try:
            network = reference_data.regional_network(network_id)
        except (KeyError, LookupError):
            pass
        else:
            return network.state
        book = self.rulebook()
        places = [r.jurisdiction for r in book.rules] + [p.jurisdiction for p in book.parameters]
        for j in places:
            if j.network_id == network_id and j.state is not None:
                return j.state
        return None


def plugin_name(plugin: object) -> str:
    """A stable name for a plugin object: its ``name`` attribute, module or class name."""
    name = getattr(plugin, "iqcore_plugin_name", None)
    if isinstance(name, str) and name:
        return name
    module_name = getattr(plugin, "__name__", None)
    if isinstance(module_name, str) and module_name:
        return module_name
    cls = type(plugin)
    return f"{cls.__module__}.{cls.__qualname__}"


def make_host(
    *,
    autoload: bool = True,
    plugins: Iterable[object] = (),
    blocked: Iterable[str] = (),
) -> PluginHost:
    """A new plugin host: built-in plugins, installed plugins, then *plugins*.

    :param autoload: load the plugins installed under the entry-point group ``iqcore``.
    :param plugins: plugin objects (modules, classes or instances) registered last; a plugin
        is named by its ``iqcore_plugin_name`` attribute, else its ``__name__``.
    :param blocked: names of plugins (built-in or installed) not to load.

    A misspelt hook fails at once (:class:`~iqcore.errors.PluginError` naming the plugin).
    """
    pm = pluggy.PluginManager("iqcore")
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    for name, module in BUILTIN_PLUGINS:
        if not pm.is_blocked(name):
            pm.register(importlib.import_module(module), name=name)
    if autoload:
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"could not be loaded: {exc}", plugin=_name_of(pm, exc)) from None
        except ImportError as exc:
            raise ConfigurationError(
                f"an installed iqcore plugin could not be imported: {exc.name}"
            ) from None
    host = PluginHost(pm)
    for plugin in plugins:
        name = plugin_name(plugin)
        if not pm.is_blocked(name):
            host.register(plugin, name=name)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"implements an unknown hook: {exc}", plugin=_name_of(pm, exc)) from None
    return host


def _name_of(pm: pluggy.PluginManager, exc: pluggy.PluginValidationError) -> str:
    name = pm.get_name(exc.plugin)
    return name if name is not None else plugin_name(exc.plugin)


@functools.cache
def default_host() -> PluginHost:
    """The host :func:`iqcore.assess` uses when none is given (made once per process)."""
    return make_host()
