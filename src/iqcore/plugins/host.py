"""The typed plugin host: one annotated method per hook; the only code that touches ``pm.hook``.

:func:`make_host` loads plugins in this order: the block list (``blocked=`` and the environment
variable ``IQCORE_DISABLE_PLUGINS``); the built-in plugins; the plugins installed under the
entry-point group ``iqcore`` (unless ``autoload=False``; ``IQCORE_LOAD_PLUGINS`` limits them to
the entry-point names it lists, and set but empty loads none); the explicit ``plugins=``, last.
Then ``check_pending()`` makes a misspelt hook fail at once, naming the plugin. There is no
module-level plugin manager: every host owns its own.

Registrations are loaded on first use (and again after a plugin is registered or unregistered):
every plugin is asked through every ``iqcore_register_*`` hook with a ``register`` object of its
own; a plugin that fails is recorded as a :class:`~iqcore.plugins.faults.PluginFault` and none of
its registrations are used. Questions about a place in its scope fail closed with its error;
other places are answered exactly as without it.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import os
import threading
import types
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from iqcore._version import __version__
from iqcore.errors import IqcoreError, NotFound, PluginError, ValidationError
from iqcore.errors import Problem as _Problem
from iqcore.model.codes import FederalState
from iqcore.model.programme import CompetentAuthority, RegionalNetwork
from iqcore.model.qualifications import ReferenceOccupation
from iqcore.model.training import TrainingScheme
from iqcore.plugins import hookspecs
from iqcore.plugins.faults import (
    PluginFault,
    Registrations,
    judge,
    make_errors,
    places_of,
)
from iqcore.plugins.registrars import (
    AuthorityRegistrar,
    NetworkRegistrar,
    OccupationRegistrar,
    ParameterRegistrar,
    Registrar,
    RuleRegistrar,
    TrainingSchemeRegistrar,
)
from iqcore.rules.book import Plan, RuleBook
from iqcore.rules.dated import Jurisdiction
from iqcore.rules.results import PluginInfo

if TYPE_CHECKING:
    import cattrs

    from iqcore.reference_data import NetworkRegistry
    from iqcore.rules.assessment import Assessment
    from iqcore.storage.registry import SchemeRegistrar

__all__ = [
    "BUILTIN_PLUGINS",
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "LOAD_ENV",
    "PluginHost",
    "PluginSummary",
    "default_host",
    "make_host",
    "plugin_name",
]

#: The entry-point group plugins are installed under.
ENTRY_POINT_GROUP = "iqcore"
#: Comma-separated entry-point names: only these installed plugins are loaded (empty: none).
LOAD_ENV = "IQCORE_LOAD_PLUGINS"
#: Comma-separated plugin names (built-in or installed) that are not loaded.
DISABLE_ENV = "IQCORE_DISABLE_PLUGINS"

#: The built-in plugins: (name, module). They are registered like any other plugin.
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("iqcore.federal", "iqcore.plugins.builtin.federal"),
    ("iqcore.reference", "iqcore.plugins.builtin.reference"),
)
_BUILTIN_NAMES = frozenset(name for name, _ in BUILTIN_PLUGINS)

#: The registration hooks, in the order the host asks them, with the registrar for each.
_REGISTRATIONS: tuple[tuple[str, str, Callable[[], Registrar[Any]]], ...] = (
    ("networks", "iqcore_register_networks", NetworkRegistrar),
    ("occupations", "iqcore_register_occupations", OccupationRegistrar),
    ("authorities", "iqcore_register_authorities", AuthorityRegistrar),
    ("training_schemes", "iqcore_register_training_schemes", TrainingSchemeRegistrar),
    ("parameters", "iqcore_register_parameters", ParameterRegistrar),
    ("rules", "iqcore_register_rules", RuleRegistrar),
)


@attrs.frozen(kw_only=True)
class PluginSummary:
    """A registered plugin as ``iqcore plugins`` lists it.

    ``source`` is ``"built-in"``, ``"entry point"`` or ``"explicit"``; ``hooks`` the hooks it
    implements (in the order of :mod:`iqcore.plugins.hookspecs`); ``failed`` the error that
    made it fail, if it did.
    """

    name: str
    distribution: str | None
    version: str | None
    source: str
    hooks: tuple[str, ...]
    failed: str | None = None

    @property
    def info(self) -> PluginInfo:
        """Name, distribution and version (as provenance names the plugin)."""
        return PluginInfo(name=self.name, distribution=self.distribution, version=self.version)


@attrs.frozen
class _Impl:
    plugin: str
    function: Callable[..., Any]
    argnames: tuple[str, ...]


class _Loaded:
    """Everything the plugins registered, judged; immutable once built."""

    __slots__ = (
        "authorities",
        "book",
        "faults",
        "network_states",
        "networks",
        "occupations",
        "origins",
        "schemes",
        "strict",
    )

    def __init__(
        self,
        *,
        book: RuleBook,
        faults: tuple[PluginFault, ...],
        networks: dict[str, RegionalNetwork],
        occupations: dict[str, ReferenceOccupation],
        authorities: dict[str, CompetentAuthority],
        schemes: dict[str, TrainingScheme],
        origins: dict[tuple[str, str], str],
    ) -> None:
        self.book = book
        self.faults = faults
        self.networks = networks
        self.occupations = occupations
        self.authorities = tuple(authorities[k] for k in sorted(authorities))
        self.schemes = tuple(schemes[k] for k in sorted(schemes))
        self.origins = origins
        self.network_states = {n.id: n.state for n in networks.values()}
        places = [r.jurisdiction for r in book.rules] + [p.jurisdiction for p in book.parameters]
        for j in places:
            if j.network_id is not None and j.state is not None:
                self.network_states.setdefault(j.network_id, j.state)

    def fault_for(self, state: FederalState | None, network_id: str | None) -> PluginFault | None:
        for f in self.faults:
            if f.covers(state, network_id):
                return f
        return None


class PluginHost:
    """Wraps a pluggy plugin manager with one typed method per hook.

    Hook methods call each plugin's implementation separately, so that a ``register`` object
    can record the plugin as the origin of what it registers, and a plugin that raises or
    returns the wrong shape is reported as a :class:`~iqcore.errors.PluginError` naming it,
    its distribution and version. Registrations are loaded once and cached until a plugin is
    registered or unregistered.
    """

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self._pm = pm
        self._lock = threading.RLock()
        self._loaded: _Loaded | None = None
        self._sources: dict[str, str] = {}
        self._dists: dict[str, tuple[str | None, str | None]] = {}
        self._early: dict[str, PluginError] = {}
        self._configured: set[int] = set()
        #: True when some plugin implements ``iqcore_assessment_done`` (the engine asks).
        self.notifies: bool = False

    # -- plugins ----------------------------------------------------------------------------

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The underlying pluggy manager (for inspection; call hooks through the host)."""
        return self._pm

    def register(
        self,
        plugin: object,
        name: str | None = None,
        *,
        source: str = "explicit",
        distribution: str | None = None,
        version: str | None = None,
    ) -> str:
        """Register one more plugin; returns its name. Cached registrations are dropped.

        The plugin receives ``iqcore_configure`` at once; if it raises there, it is recorded
        as failed (:attr:`faults`), as in :func:`make_host`. A plugin that cannot be registered
        (a misspelt hook, a hook with the wrong arguments, a name in use) raises
        :class:`~iqcore.errors.PluginError` and leaves nothing behind.
        """
        with self._lock:
            name = name or plugin_name(plugin)
            if distribution is None and version is None:
                distribution, version = _distribution_of(plugin)
            self._dists[name] = (distribution, version)
            self._sources[name] = source
            try:
                self._pm.register(plugin, name=name)
                self._pm.check_pending()
            except (ValueError, pluggy.PluginValidationError) as exc:
                self._forget(plugin, name)
                raise self.error(name, f"could not be registered: {_why(exc)}") from None
            self._configure(only=name)
            self._changed()
            return name

    def _forget(self, plugin: object, name: str) -> None:
        if self._pm.is_registered(plugin):
            self._pm.unregister(plugin)
        self._dists.pop(name, None)
        self._sources.pop(name, None)

    def unregister(self, name: str) -> None:
        """Unregister a plugin by name. Cached registrations are dropped."""
        with self._lock:
            self._pm.unregister(name=name)
            self._early.pop(name, None)
            self._changed()

    def _changed(self) -> None:
        self._loaded = None
        self.notifies = bool(self._pm.hook.iqcore_assessment_done.get_hookimpls())

    def info(self, name: str) -> PluginInfo:
        """Name, distribution and version of a registered plugin."""
        if name in _BUILTIN_NAMES:
            return PluginInfo(name=name, distribution="iqcore", version=__version__)
        dist, version = self._dists.get(name, (None, None))
        if version is None:
            v = getattr(self._pm.get_plugin(name), "__version__", None)
            version = v if isinstance(v, str) else None
        return PluginInfo(name=name, distribution=dist, version=version)

    def error(self, name: str, message: str) -> PluginError:
        """A :class:`~iqcore.errors.PluginError` naming the plugin, distribution and version."""
        i = self.info(name)
        return PluginError(message, plugin=name, distribution=i.distribution, version=i.version)

    def plugins(self) -> tuple[PluginSummary, ...]:
        """Every registered plugin (and every installed one that failed to load), by name:
        distribution, version, where it came from, the hooks it implements, and whether it
        failed. This is what ``iqcore plugins`` prints."""
        faults = {f.plugin.name: f for f in self.faults}
        out: list[PluginSummary] = []
        for name, plugin in self._pm.list_name_plugin():
            if plugin is None:
                continue
            i = self.info(name)
            hooks = tuple(
                h.name
                for h in self._pm.get_hookcallers(plugin) or ()
                if h.name in hookspecs.HOOK_NAMES
            )
            fault = faults.get(name)
            out.append(
                PluginSummary(
                    name=name,
                    distribution=i.distribution,
                    version=i.version,
                    source=self._sources.get(name, "explicit"),
                    hooks=tuple(h for h in hookspecs.HOOK_NAMES if h in hooks),
                    failed=str(fault.error) if fault is not None else None,
                )
            )
        for name in sorted(set(faults) - {s.name for s in out}):
            i = faults[name].plugin
            out.append(
                PluginSummary(
                    name=name,
                    distribution=i.distribution,
                    version=i.version,
                    source=self._sources.get(name, "entry point"),
                    hooks=(),
                    failed=str(faults[name].error),
                )
            )
        return tuple(sorted(out, key=lambda s: s.name))

    def _names(self) -> list[str]:
        return [n for n, p in self._pm.list_name_plugin() if p is not None]

    # -- calling plugins ----------------------------------------------------------------------

    def _impls(self, hook_name: str) -> list[_Impl]:
        caller = getattr(self._pm.hook, hook_name)
        # in pluggy's calling order: the last registered first, trylast ones at the end
        return [
            _Impl(impl.plugin_name, impl.function, tuple(impl.argnames))
            for impl in reversed(caller.get_hookimpls())
        ]

    def _call(self, impl: _Impl, hook_name: str, kwargs: Mapping[str, Any]) -> Any:
        try:
            return impl.function(**{k: kwargs[k] for k in impl.argnames})
        except PluginError as exc:
            if exc.plugin == impl.plugin:
                raise
            raise self.error(impl.plugin, f"let an error escape from {hook_name}") from exc
        except Exception as exc:
            raise self.error(impl.plugin, f"raised {type(exc).__name__} in {hook_name}") from exc

    def _register_all(self, register: Registrar[Any], hook_name: str) -> None:
        for impl in self._impls(hook_name):
            i = self.info(impl.plugin)
            view = register.bind(impl.plugin, distribution=i.distribution, version=i.version)
            try:
                result = self._call(impl, hook_name, {"register": view})
                if result is not None:
                    raise self.error(
                        impl.plugin,
                        f"returned a value from {hook_name}; register items through register()",
                    )
            except PluginError as exc:
                view.close(exc)
            else:
                view.close()

    # -- hooks (one method per hook, same arguments) ----------------------------------------

    def iqcore_configure(self, host: PluginHost) -> None:
        """Call every plugin's ``iqcore_configure``; a plugin that raises is recorded as
        failed (:attr:`faults`), the others are still configured."""
        self._configure(host=host)

    def _configure(self, *, host: PluginHost | None = None, only: str | None = None) -> None:
        # The host delivers this historic hook itself, one plugin at a time, so that a plugin
        # that raises is recorded as failed instead of being left half-registered by pluggy:
        # make_host configures the plugins present, register() each plugin added later.
        for impl in self._impls("iqcore_configure"):
            if only is not None and impl.plugin != only:
                continue
            try:
                self._call(impl, "iqcore_configure", {"host": host or self})
            except PluginError as exc:
                self._early.setdefault(impl.plugin, exc)
        self._loaded = None

    def iqcore_register_networks(self, register: NetworkRegistrar) -> None:
        """Ask every plugin for its networks, each through a view bound to it."""
        self._register_all(register, "iqcore_register_networks")

    def iqcore_register_occupations(self, register: OccupationRegistrar) -> None:
        """Ask every plugin for its reference occupations, each through a view bound to it."""
        self._register_all(register, "iqcore_register_occupations")

    def iqcore_register_authorities(self, register: AuthorityRegistrar) -> None:
        """Ask every plugin for its competent authorities, each through a view bound to it."""
        self._register_all(register, "iqcore_register_authorities")

    def iqcore_register_training_schemes(self, register: TrainingSchemeRegistrar) -> None:
        """Ask every plugin for its training schemes, each through a view bound to it."""
        self._register_all(register, "iqcore_register_training_schemes")

    def iqcore_register_parameters(self, register: ParameterRegistrar) -> None:
        """Ask every plugin for its parameters, each through a view bound to it."""
        self._register_all(register, "iqcore_register_parameters")

    def iqcore_register_rules(self, register: RuleRegistrar) -> None:
        """Ask every plugin for its rules, each through a view bound to it."""
        self._register_all(register, "iqcore_register_rules")

    def iqcore_register_stores(self, register: SchemeRegistrar) -> None:
        """Ask every plugin for its store schemes.

        Each plugin's schemes are collected first and registered only if its hook returned
        without error. The schemes of the other plugins are registered even when one fails;
        then the first failure is raised (a :class:`~iqcore.errors.PluginError` naming it).
        """
        from iqcore.storage.registry import SchemeRegistrar as Registrar

        first: PluginError | None = None
        for impl in self._impls("iqcore_register_stores"):
            staged: list[tuple[str, Any]] = []

            def stage(scheme: str, factory: Any, _staged: list[tuple[str, Any]] = staged) -> None:
                _staged.append((scheme, factory))

            try:
                result = self._call(impl, "iqcore_register_stores", {"register": stage})
                if result is not None:
                    raise self.error(impl.plugin, "returned a value from iqcore_register_stores")
                bound = register if register.origin == impl.plugin else Registrar(impl.plugin)
                for scheme, factory in staged:
                    bound(scheme, factory)
            except PluginError as exc:
                first = first or exc
        if first is not None:
            raise first

    def iqcore_configure_converter(self, converter: cattrs.Converter) -> None:
        """Let every healthy plugin configure *converter* (raises the first failure)."""
        quarantined = {f.plugin.name for f in self.faults}
        for impl in self._impls("iqcore_configure_converter"):
            if impl.plugin in quarantined:
                continue
            result = self._call(impl, "iqcore_configure_converter", {"converter": converter})
            if result is not None:
                raise self.error(impl.plugin, "returned a value from iqcore_configure_converter")

    def iqcore_find_authority(
        self,
        occupation: ReferenceOccupation,
        state: FederalState | None,
        network_id: str | None,
        authorities: tuple[CompetentAuthority, ...],
    ) -> tuple[CompetentAuthority, ...] | None:
        """The first answer of a healthy plugin (None if none answers); each answer is checked
        to be a tuple of :class:`~iqcore.model.CompetentAuthority`."""
        quarantined = {f.plugin.name for f in self.faults}
        kwargs = {
            "occupation": occupation,
            "state": state,
            "network_id": network_id,
            "authorities": authorities,
        }
        for impl in self._impls("iqcore_find_authority"):
            if impl.plugin in quarantined:
                continue
            result = self._call(impl, "iqcore_find_authority", kwargs)
            if result is None:
                continue
            if not isinstance(result, tuple) or not all(
                isinstance(a, CompetentAuthority) for a in result
            ):
                raise self.error(
                    impl.plugin,
                    "returned something other than a tuple of CompetentAuthority from "
                    "iqcore_find_authority",
                )
            return result
        return None

    def iqcore_assessment_done(self, assessment: Assessment) -> None:
        """Tell every healthy plugin of *assessment*; a plugin that raises is reported."""
        quarantined = {f.plugin.name for f in self.faults} if self._loaded else set()
        for impl in self._impls("iqcore_assessment_done"):
            if impl.plugin in quarantined:
                continue
            result = self._call(impl, "iqcore_assessment_done", {"assessment": assessment})
            if result is not None:
                raise self.error(impl.plugin, "returned a value from iqcore_assessment_done")

    # -- loading and judging the registrations ------------------------------------------------

    def _load(self) -> _Loaded:
        loaded = self._loaded
        if loaded is not None:
            return loaded
        with self._lock:
            if self._loaded is None:
                self._loaded = self._build()
            return self._loaded

    def _build(self) -> _Loaded:
        regs: dict[str, Registrar[Any]] = {}
        for kind, hook_name, make in _REGISTRATIONS:
            regs[kind] = make()
            getattr(self, hook_name)(regs[kind])
        errors: dict[str, tuple[PluginError, IqcoreError]] = {}
        for name, err in self._early.items():
            errors[name] = (err, err)
        for kind, _, _ in _REGISTRATIONS:
            for name, err in sorted(regs[kind].errors.items()):
                errors.setdefault(name, (err, err))
        registrations = Registrations(
            items={k: {o: r.items_of(o) for o in r.committed} for k, r in regs.items()},
            replacing={
                k: {o: frozenset(str(x) for x in r.replacing(o)) for o in r.committed}
                for k, r in regs.items()
            },
            attempted={
                k: [
                    (o, r.stamp(x, o))
                    for o in sorted(self._names())
                    if o not in r.committed
                    for x in r.attempted(o)
                ]
                for k, r in regs.items()
            },
        )
        while True:
            verdicts = judge(registrations, lambda o: o not in errors, _BUILTIN_NAMES.__contains__)
            if not verdicts:
                break
            for verdict in verdicts:
                per_plugin, cause = make_errors(verdict, self.info)
                for name, err in per_plugin.items():
                    errors.setdefault(name, (err, cause))

        def healthy(kind: str) -> list[Any]:
            r = regs[kind]
            return [x for o in r.committed if o not in errors for x in r.items_of(o)]

        networks = _effective(regs["networks"], errors)
        network_states = {n.id: n.state for n in networks.values()}
        for kind, _, _ in _REGISTRATIONS:
            for origin in regs[kind].errors:
                for n in regs[kind].attempted(origin):
                    if isinstance(n, RegionalNetwork):
                        network_states.setdefault(n.id, n.state)
        faults: list[PluginFault] = []
        book: RuleBook | None = None
        names = set(self._names())
        try:
            book = RuleBook(
                healthy("rules"),
                healthy("parameters"),
                plugins=[self.info(n) for n in sorted(names - set(errors))],
            )
        except IqcoreError as exc:  # a conflict the judge did not foresee: fail closed everywhere
            err = exc if isinstance(exc, PluginError) else self.error("iqcore", str(exc))
            faults.append(PluginFault(plugin=self.info("iqcore"), error=err, cause=exc))
            book = RuleBook([], [])
        for name in sorted(errors):
            err, cause = errors[name]
            scope: set[Jurisdiction] = set()
            for kind, _, _ in _REGISTRATIONS:
                for item in regs[kind].attempted(name):
                    scope.update(places_of(item, network_states))
            faults.append(
                PluginFault(
                    plugin=self.info(name),
                    error=err,
                    cause=cause,
                    scope=tuple(sorted(scope)),
                )
            )
        origins: dict[tuple[str, str], str] = {}
        for kind in ("networks", "occupations", "authorities", "training_schemes"):
            # a record confirmed by a plugin (registered equal) stays the built-in plugin's
            for origin in sorted(regs[kind].committed, key=lambda o: (o not in _BUILTIN_NAMES, o)):
                if origin not in errors:
                    for item in regs[kind].items_of(origin):
                        origins.setdefault((kind, str(item.id)), origin)
        for kind in ("networks", "authorities"):
            for origin in regs[kind].committed:
                if origin not in errors:
                    for key in regs[kind].replacing(origin):
                        origins[(kind, str(key))] = origin
        return _Loaded(
            book=book,
            faults=tuple(faults),
            networks=networks,
            occupations=_effective(regs["occupations"], errors),
            authorities=_effective(regs["authorities"], errors),
            schemes=_effective(regs["training_schemes"], errors),
            origins=origins,
        )

    @property
    def faults(self) -> tuple[PluginFault, ...]:
        """The plugins that failed, by name, each with its error and the places it affects."""
        return self._load().faults

    def check(self) -> None:
        """Raise the first plugin failure (by plugin name), if any plugin failed."""
        faults = self.faults
        if faults:
            raise faults[0].cause

    # -- what the engine and applications ask ----------------------------------------------

    def rulebook(self, *, partial: bool = False) -> RuleBook:
        """The rule book of the registered plugins (built on first use, then cached).

        Raises :class:`~iqcore.errors.RuleConflict` (naming both origins) or
        :class:`~iqcore.errors.PluginError` (naming the plugin) if any plugin failed, unless
        ``partial=True``: then the book holds the registrations of the healthy plugins only
        (see :attr:`faults` for the others).
        """
        loaded = self._load()
        if loaded.faults and not partial:
            raise loaded.faults[0].cause
        return loaded.book

    def plan(
        self,
        as_of: date,
        *,
        state: FederalState | None = None,
        network_id: str | None = None,
    ) -> Plan:
        """The rules and parameters in force for a place on a date (what the engine runs).

        Fails closed: raises the :class:`~iqcore.errors.PluginError` of a failed plugin whose
        scope covers the place. Other places are unaffected by failed plugins.
        """
        loaded = self._loaded or self._load()
        if loaded.faults:
            fault = loaded.fault_for(state, network_id)
            if fault is not None:
                raise fault.error
        return loaded.book.plan(as_of, state=state, network_id=network_id)

    def network_state(self, network_id: str) -> FederalState | None:
        """The Land of a regional network (shipped or registered by a plugin, or named by the
        jurisdiction of a plugin's rule or parameter); None if the network is unknown.

        Raises the error of a failed plugin that registered (or meant to register) something
        for the network, rather than answering that the network is unknown.
        """
        loaded = self._loaded or self._load()
        state = loaded.network_states.get(network_id)
        if state is None:
            for f in loaded.faults:
                if f.names_network(network_id):
                    raise f.error
        return state

    def networks(self) -> NetworkRegistry:
        """Every known regional network (shipped and registered), with its origin."""
        from iqcore.reference_data import NetworkRegistry

        loaded = self._load()
        nets = tuple(loaded.networks[k] for k in sorted(loaded.networks))
        origins = {n.id: loaded.origins.get(("networks", n.id), "iqcore") for n in nets}
        return NetworkRegistry(networks=nets, origins=origins)

    def occupations(self) -> tuple[ReferenceOccupation, ...]:
        """Every known reference occupation (shipped and registered), by id."""
        loaded = self._load()
        return tuple(loaded.occupations[k] for k in sorted(loaded.occupations))

    def occupation(self, occupation_id: str) -> ReferenceOccupation:
        """One reference occupation by id; raises :class:`~iqcore.errors.NotFound`."""
        found = self._load().occupations.get(occupation_id)
        if found is None:
            raise NotFound("no reference occupation with this id")
        return found

    def authorities(self) -> tuple[CompetentAuthority, ...]:
        """Every known competent authority (shipped and registered), by id."""
        return self._load().authorities

    def training_schemes(self, network_id: str | None = None) -> tuple[TrainingScheme, ...]:
        """Every registered training scheme (of one network, if given), by id."""
        schemes = self._load().schemes
        if network_id is None:
            return schemes
        return tuple(s for s in schemes if s.network_id == network_id)

    def origin(self, kind: str, record_id: str) -> str | None:
        """The plugin a record came from: *kind* is ``"networks"``, ``"occupations"``,
        ``"authorities"`` or ``"training_schemes"``."""
        return self._load().origins.get((kind, record_id))

    def find_authority(
        self,
        occupation: ReferenceOccupation | str,
        *,
        state: FederalState | None = None,
        network: str | None = None,
    ) -> tuple[CompetentAuthority, ...]:
        """The competent authorities for an occupation in a place, the most specific first.

        The place is a Land, or a network (whose Land is then used). Plugins answer through
        ``iqcore_find_authority``; the built-in answer comes last. Fails closed with the error
        of a failed plugin whose scope covers the place.
        """
        problems: list[_Problem] = []
        if not isinstance(occupation, ReferenceOccupation | str):
            problems.append(_Problem("$.occupation", "type", "must be an occupation or its id"))
        if state is not None and not isinstance(state, FederalState):
            problems.append(_Problem("$.state", "type", "must be a FederalState or None"))
        if network is not None and not isinstance(network, str):
            problems.append(_Problem("$.network", "type", "must be a network id or None"))
        if problems:
            raise ValidationError(problems, type_name="find_authority arguments")
        loaded = self._load()
        occ = self.occupation(occupation) if isinstance(occupation, str) else occupation
        if network is not None:
            net_state = self.network_state(network)
            if net_state is None:
                raise NotFound("unknown regional network (neither shipped nor known to a plugin)")
            state = state or net_state
        if state is None:
            state = occ.state
        fault = loaded.fault_for(state, network)
        if fault is not None:
            raise fault.error
        return self.iqcore_find_authority(occ, state, network, loaded.authorities) or ()

    def converter(self, converter: cattrs.Converter | None = None) -> cattrs.Converter:
        """The converter (iqcore's by default), configured once by the plugins of this host."""
        if converter is None:
            from iqcore.serialization import converter as iqcore_converter

            converter = iqcore_converter()
        with self._lock:
            if id(converter) not in self._configured:
                self.iqcore_configure_converter(converter)
                self._configured.add(id(converter))
        return converter


def _effective(register: Registrar[Any], errors: Mapping[str, Any]) -> dict[str, Any]:
    """The records of the healthy origins by id, replacements applied."""
    out: dict[str, Any] = {}
    replaced: dict[str, Any] = {}
    for origin in register.committed:
        if origin in errors:
            continue
        replacing = register.replacing(origin)
        for item in register.items_of(origin):
            if item.id in replacing:
                replaced[item.id] = item
            else:
                out.setdefault(item.id, item)
    out.update(replaced)
    return out


def _why(exc: BaseException) -> str:
    """The reason pluggy gives, without the plugin's repr (which may be long)."""
    text = str(exc)
    return text.split("\n", 1)[0][:300]


def _distribution_of(plugin: object) -> tuple[str | None, str | None]:
    """The installed distribution a plugin object comes from (by its top-level package)."""
    if isinstance(plugin, types.ModuleType):
        module = plugin.__name__
    elif isinstance(plugin, type):
        module = plugin.__module__
    else:
        module = type(plugin).__module__
    top = module.split(".", 1)[0]
    if top in ("iqcore", "iqcore_adapters"):
        return "iqcore", __version__
    return _dist_by_name(top)


@functools.cache
def _dist_by_name(top: str) -> tuple[str | None, str | None]:
    try:
        dist = importlib.metadata.distribution(top)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None, None
    return dist.metadata["Name"], dist.version


def plugin_name(plugin: object) -> str:
    """A stable name for a plugin object: its ``iqcore_plugin_name`` attribute, else its
    module name (``__name__``), else its class's dotted name."""
    name = getattr(plugin, "iqcore_plugin_name", None)
    if isinstance(name, str) and name:
        return name
    module_name = getattr(plugin, "__name__", None)
    if isinstance(module_name, str) and module_name:
        return module_name
    cls = type(plugin)
    return f"{cls.__module__}.{cls.__qualname__}"


def _env_names(var: str) -> frozenset[str] | None:
    raw = os.environ.get(var)
    if raw is None:
        return None
    return frozenset(n.strip() for n in raw.split(",") if n.strip())


def make_host(
    *,
    autoload: bool = True,
    plugins: Iterable[object] = (),
    blocked: Iterable[str] = (),
) -> PluginHost:
    """A new plugin host: built-in plugins, installed plugins, then *plugins*.

    :param autoload: load the plugins installed under the entry-point group ``iqcore``. The
        environment variable ``IQCORE_LOAD_PLUGINS`` (comma-separated entry-point names)
        limits them to those named; set but empty, none are loaded.
    :param plugins: plugin objects (modules, classes or instances) registered last; a plugin
        is named by its ``iqcore_plugin_name`` attribute, else its ``__name__``.
    :param blocked: names of plugins (built-in, installed or explicit) not to load; the
        environment variable ``IQCORE_DISABLE_PLUGINS`` adds more (comma-separated).

    A misspelt hook, or a hook implemented with the wrong arguments, fails at once
    (:class:`~iqcore.errors.PluginError` naming the plugin, its distribution and version). An
    installed plugin that cannot be imported, or that raises in ``iqcore_configure``, is
    recorded as failed (:attr:`PluginHost.faults`) and makes every assessment fail closed
    until it is fixed or blocked.
    """
    pm = pluggy.PluginManager("iqcore")
    pm.add_hookspecs(hookspecs)
    host = PluginHost(pm)
    for name in (*blocked, *(_env_names(DISABLE_ENV) or ())):
        pm.set_blocked(name)
    for name, module in BUILTIN_PLUGINS:
        if not pm.is_blocked(name):
            host._sources[name] = "built-in"
            pm.register(importlib.import_module(module), name=name)
    if autoload:
        _load_entry_points(host, _env_names(LOAD_ENV))
    for plugin in plugins:
        name = plugin_name(plugin)
        if pm.is_blocked(name):
            continue
        distribution, version = _distribution_of(plugin)
        host._dists[name] = (distribution, version)
        host._sources[name] = "explicit"
        try:
            pm.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise host.error(name, f"could not be registered: {_why(exc)}") from None
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or plugin_name(exc.plugin)
        raise host.error(name, f"implements an unknown hook: {_why(exc)}") from None
    # configure every plugin now, each on its own; PluginHost.register configures later ones
    host.iqcore_configure(host)
    host._changed()
    return host


def _load_entry_points(host: PluginHost, allowed: frozenset[str] | None) -> None:
    pm = host.plugin_manager
    eps = sorted(
        importlib.metadata.entry_points(group=ENTRY_POINT_GROUP),
        key=lambda ep: (ep.name, ep.value),
    )
    for ep in eps:
        if pm.is_blocked(ep.name) or (allowed is not None and ep.name not in allowed):
            continue
        dist = ep.dist
        info = (dist.metadata["Name"], dist.version) if dist is not None else (None, None)
        if pm.has_plugin(ep.name):
            host._dists.setdefault(ep.name, info)
            raise host.error(
                ep.name, "is the name of two installed plugins (or of a built-in plugin)"
            )
        host._dists[ep.name] = info
        host._sources[ep.name] = "entry point"
        try:
            plugin = ep.load()
        except Exception as exc:
            # the plugin's place is unknown: record it as failed everywhere (fail closed)
            host._early[ep.name] = host.error(
                ep.name, f"could not be imported ({type(exc).__name__})"
            )
            host._early[ep.name].__cause__ = exc
            continue
        try:
            pm.register(plugin, name=ep.name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise host.error(ep.name, f"could not be registered: {_why(exc)}") from None


@functools.cache
def default_host() -> PluginHost:
    """The host :func:`iqcore.assess` uses when none is given (made once per process)."""
    return make_host()
