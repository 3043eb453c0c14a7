"""The ``register`` objects handed to the ``iqcore_register_*`` hooks.

A registrar checks types and duplicates in one place and records the plugin each item came
from. The host makes one *root* registrar per kind of item and hands each plugin a view bound to
it (:meth:`Registrar.bind`); the plugin calls the view::

    @hookimpl
    def iqcore_register_rules(register):
        register(rule_a, rule_b)

What a plugin registers is *staged* in its view and reaches the root only when its hook returns
without error (:meth:`Registrar.close`): a plugin's registrations of one kind are applied all or
nothing, and a plugin cannot register under another plugin's name or after its hook returned.
Conflicts *between* plugins (the same id from two plugins, replacements) are judged by the host
once every plugin has been asked, so the verdict never depends on the order plugins were
registered in.

Registering a record equal in every field to a shipped one only confirms it (a network plugin may
register its shipped network record). Record registrars (networks, authorities, occupations,
training schemes) take
``register(record, ..., replace=False)``. ``replace=True`` replaces a record with the same id that
a built-in plugin registered (the data shipped with iqcore): a network's own, more current record
of itself, or a Land's record of its own authority. A replacement keeps the record's place (a
network keeps its Land; an authority its Länder); two plugins replacing one record is a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from iqcore.errors import PluginError
from iqcore.model.programme import CompetentAuthority, RegionalNetwork
from iqcore.model.qualifications import ReferenceOccupation
from iqcore.model.training import TrainingScheme
from iqcore.rules.core import Rule
from iqcore.rules.dated import Parameter

__all__ = [
    "AuthorityRegistrar",
    "NetworkRegistrar",
    "OccupationRegistrar",
    "ParameterRegistrar",
    "RecordRegistrar",
    "Registrar",
    "RuleRegistrar",
    "TrainingSchemeRegistrar",
]

T = TypeVar("T")

UNBOUND = "(unbound)"


class Registrar(Generic[T]):
    """Collects items of one type from every plugin; a plugin calls ``register(item, ...)``.

    Subclasses set :attr:`item_type` and :attr:`what` and may override :meth:`key` (the identity
    that must be unique), :meth:`stamp` (how the origin is recorded on the item) and
    :meth:`check` (further checks of one item).

    A root (made with no origin, or by the host) holds the committed registrations of every
    plugin; :meth:`bind` gives a plugin its own view. Calling a root directly registers under the
    root's origin (``"(unbound)"`` if it has none), each call all or nothing.
    """

    #: The type every registered item must have.
    item_type: ClassVar[type[Any]] = object
    #: What an item is called in messages ("rule", "parameter" …).
    what: ClassVar[str] = "item"

    def __init__(self, origin: str | None = None) -> None:
        self.origin: str | None = origin
        self._root: Registrar[T] = self
        # root only: committed batches and failures, by origin
        self._batches: dict[str, dict[Any, T]] = {}
        self._attempted: dict[str, list[T]] = {}
        self._errors: dict[str, PluginError] = {}
        self._replacing: dict[str, set[Any]] = {}
        # view only: what this plugin staged
        self._staged: dict[Any, T] = {}
        self._seen: list[T] = []
        self._staged_replacing: set[Any] = set()
        self._closed = False
        self._refused: PluginError | None = None
        self._distribution: str | None = None
        self._version: str | None = None

    # -- the plugin's side ------------------------------------------------------------------

    def __call__(self, *items: T) -> None:
        """Register *items* (checked one by one; a bad item raises :class:`PluginError`)."""
        self._register(items, replace=False)

    def _register(self, items: Iterable[T], *, replace: bool) -> None:
        if self._root is self:
            view = self.bind(self.origin or UNBOUND)
            view._register(items, replace=replace)
            view.close()
            error = self._errors.pop(view.origin or UNBOUND, None)
            if error is not None:
                raise error
            return
        origin = self.origin or UNBOUND
        if self._closed:
            raise self.error(f"registered a {self.what} after its hook had returned")
        try:
            for item in items:
                if not isinstance(item, self.item_type):
                    raise self.error(
                        f"registered something that is not a {self.item_type.__name__}"
                    )
                self._seen.append(item)
                self.check(item, origin)
                stamped = self.stamp(item, origin)
                key = self.key(stamped)
                if key in self._staged or key in self._root._batches.get(origin, {}):
                    raise self.error(f"registered {self.what} {_show(key)} twice")
                self._staged[key] = stamped
                if replace:
                    self._staged_replacing.add(key)
        except PluginError as exc:
            # remembered: a plugin that catches the error still fails (all or nothing)
            self._refused = self._refused or exc
            raise

    def error(self, message: str) -> PluginError:
        """A :class:`~iqcore.errors.PluginError` naming this view's plugin (with its
        distribution and version when the host knows them)."""
        return PluginError(
            message,
            plugin=self.origin or UNBOUND,
            distribution=self._distribution,
            version=self._version,
        )

    def key(self, item: T) -> Any:
        """The identity of an item that must be unique (by default its ``id``)."""
        return getattr(item, "id", item)

    def stamp(self, item: T, origin: str) -> T:
        """The item as stored, with *origin* recorded where the item has a field for it."""
        return item

    def check(self, item: T, origin: str) -> None:
        """Further checks of one item; raise :meth:`error` to refuse it."""

    # -- the host's side --------------------------------------------------------------------

    def bind(
        self, origin: str, *, distribution: str | None = None, version: str | None = None
    ) -> Registrar[T]:
        """A view of this registrar that records *origin* on everything registered through it
        (*distribution* and *version* name the plugin in errors)."""
        view = type(self).__new__(type(self))
        Registrar.__init__(view, origin)
        view._root = self._root
        view._distribution = distribution
        view._version = version
        return view

    def close(self, error: BaseException | None = None) -> None:
        """End a view: commit what it staged, or (if *error* is given) discard it.

        Either way, the items offered stay known to the host as the plugin's attempt (it tells
        which places a failed plugin meant to change). A closed view refuses further items.
        """
        if self._root is self or self._closed:
            return
        self._closed = True
        origin = self.origin or UNBOUND
        root = self._root
        root._attempted.setdefault(origin, []).extend(self._seen)
        error = error or self._refused
        if error is not None:
            if origin not in root._errors:
                root._errors[origin] = _as_plugin_error(error, origin)
            root._batches.pop(origin, None)
            return
        if origin in root._errors:
            return
        root._batches.setdefault(origin, {}).update(self._staged)
        root._replacing.setdefault(origin, set()).update(self._staged_replacing)

    def fail(self, origin: str, error: PluginError) -> None:
        """Record that *origin* failed (its committed items of this kind are dropped)."""
        root = self._root
        root._errors.setdefault(origin, error)
        root._batches.pop(origin, None)

    @property
    def items(self) -> tuple[T, ...]:
        """Every committed item, by origin (sorted) and then in registration order."""
        root = self._root
        return tuple(item for o in sorted(root._batches) for item in root._batches[o].values())

    @property
    def committed(self) -> tuple[str, ...]:
        """The origins whose registrations were committed, sorted."""
        return tuple(sorted(self._root._batches))

    def items_of(self, origin: str) -> tuple[T, ...]:
        """The committed items of one origin, in registration order."""
        return tuple(self._root._batches.get(origin, {}).values())

    def attempted(self, origin: str) -> tuple[T, ...]:
        """Every item *origin* offered (committed or not) that had the right type."""
        return tuple(self._root._attempted.get(origin, ()))

    def replacing(self, origin: str) -> frozenset[Any]:
        """The keys *origin* registered with ``replace=True``."""
        return frozenset(self._root._replacing.get(origin, ()))

    @property
    def errors(self) -> dict[str, PluginError]:
        """The plugins whose registrations of this kind failed, with the error."""
        return dict(self._root._errors)

    def origins(self) -> dict[Any, str]:
        """For every committed key, the plugin that registered it."""
        root = self._root
        return {k: o for o in sorted(root._batches) for k in root._batches[o]}


def _as_plugin_error(error: BaseException, origin: str) -> PluginError:
    if isinstance(error, PluginError):
        return error
    return PluginError(f"raised {type(error).__name__} while registering", plugin=origin)


def _show(key: Any) -> str:
    if isinstance(key, tuple):
        return " v".join(str(k) for k in key)
    return str(key)


class RuleRegistrar(Registrar[Rule]):
    """``register(rule, ...)``: adds :class:`~iqcore.rules.Rule` objects.

    A rule id and version may be registered once; the plugin is recorded as the rule's
    ``origin``.
    """

    item_type = Rule
    what = "rule"

    def key(self, item: Rule) -> Any:
        return (item.id, item.version)

    def stamp(self, item: Rule, origin: str) -> Rule:
        return attrs.evolve(item, origin=origin)


class ParameterRegistrar(Registrar[Parameter[Any]]):
    """``register(parameter, ...)``: adds dated :class:`~iqcore.rules.Parameter` series.

    An id may be registered once; every value must be a whole number or a string; the plugin
    is recorded as the parameter's ``origin``.
    """

    item_type = Parameter
    what = "parameter"

    def check(self, item: Parameter[Any], origin: str) -> None:
        for v in item.values:
            if not isinstance(v.value, int | str) or isinstance(v.value, bool):
                raise self.error(
                    f"parameter {item.id} has a value that is not a whole number or a string"
                )

    def stamp(self, item: Parameter[Any], origin: str) -> Parameter[Any]:
        return attrs.evolve(item, origin=origin)


class RecordRegistrar(Registrar[T]):
    """A registrar of reference records (``register(record, ..., replace=False)``)."""

    def __call__(self, *items: T, replace: bool = False) -> None:
        """Register *items*; ``replace=True`` replaces built-in records with the same ids."""
        if not isinstance(replace, bool):
            raise self.error("replace must be True or False")
        self._register(items, replace=replace)


class NetworkRegistrar(RecordRegistrar[RegionalNetwork]):
    """``register(network, ..., replace=False)``: adds :class:`~iqcore.model.RegionalNetwork`
    records (id, name, Land, funding phases, source)."""

    item_type = RegionalNetwork
    what = "network"


class OccupationRegistrar(RecordRegistrar[ReferenceOccupation]):
    """``register(occupation, ...)``: adds :class:`~iqcore.model.ReferenceOccupation` records,
    e.g. the Länder-law occupations of a Land (with ``state`` set). Occupations cannot replace
    shipped ones: give a Land's own version its own id."""

    item_type = ReferenceOccupation
    what = "occupation"

    def __call__(self, *items: ReferenceOccupation, replace: bool = False) -> None:
        if replace:
            raise self.error(
                "occupations cannot replace shipped ones; give the Land's version its own id"
            )
        self._register(items, replace=False)


class AuthorityRegistrar(RecordRegistrar[CompetentAuthority]):
    """``register(authority, ..., replace=False)``: adds
    :class:`~iqcore.model.CompetentAuthority` records (the Länder they serve, the occupation
    ids and KldB prefixes they are competent for)."""

    item_type = CompetentAuthority
    what = "authority"


class TrainingSchemeRegistrar(RecordRegistrar[TrainingScheme]):
    """``register(scheme, ...)``: adds :class:`~iqcore.model.TrainingScheme` records (each with
    its source; a network's schemes name the network)."""

    item_type = TrainingScheme
    what = "training scheme"
