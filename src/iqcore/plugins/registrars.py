"""The ``register`` objects handed to ``iqcore_register_*`` hooks.

A registrar checks types and duplicates in one place and records the plugin each item came
from. The host binds one registrar view per plugin (:meth:`Registrar.bind`), so a plugin cannot
register under another plugin's name.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs

from iqcore.errors import PluginError, RuleConflict
from iqcore.rules.core import Rule
from iqcore.rules.dated import Parameter

__all__ = ["ParameterRegistrar", "Registrar", "RuleRegistrar"]

T = TypeVar("T")


class Registrar(Generic[T]):
    """Collects items of one type from all plugins; ``register(item, ...)`` adds them.

    Subclasses set ``item_type`` and ``what`` and may override :meth:`key` (the identity that
    must be unique) and :meth:`stamp` (how the origin is recorded on the item).
    """

    item_type: type[Any] = object
    what: str = "item"

    def __init__(self) -> None:
        self._items: dict[Any, tuple[T, str]] = {}
        self._origin: str | None = None
        self._root: Registrar[T] = self

    def bind(self, origin: str) -> Registrar[T]:
        """A view of this registrar that records *origin* on everything registered through it."""
        view = type(self).__new__(type(self))
        view.__dict__.update(self.__dict__)
        view._origin = origin
        view._root = self._root
        return view

    def key(self, item: T) -> Any:
        return getattr(item, "id", item)

    def stamp(self, item: T, origin: str) -> T:
        return item

    def __call__(self, *items: T) -> None:
        origin = self._origin or "(unbound)"
        for item in items:
            if not isinstance(item, self.item_type):
                raise PluginError(
                    f"registered something that is not a {self.item_type.__name__}",
                    plugin=origin,
                )
            stamped = self.stamp(item, origin)
            key = self.key(stamped)
            prior = self._root._items.get(key)
            if prior is not None:
                a, b = sorted([prior[1], origin])
                raise RuleConflict(f"{self.what} {_show(key)} is registered by both {a} and {b}")
            self._root._items[key] = (stamped, origin)

    @property
    def items(self) -> tuple[T, ...]:
        """Everything registered, in registration order."""
        return tuple(item for item, _ in self._root._items.values())

    def origins(self) -> dict[Any, str]:
        return {k: origin for k, (_, origin) in self._root._items.items()}


def _show(key: Any) -> str:
    if isinstance(key, tuple):
        return " v".join(str(k) for k in key)
    return str(key)


class RuleRegistrar(Registrar[Rule]):
    """``register(rule, ...)``: adds rules; a rule id and version may be registered once."""

    item_type = Rule
    what = "rule"

    def key(self, item: Rule) -> Any:
        return (item.id, item.version)

    def stamp(self, item: Rule, origin: str) -> Rule:
        return attrs.evolve(item, origin=origin)


class ParameterRegistrar(Registrar[Parameter[Any]]):
    """``register(parameter, ...)``: adds dated parameters; an id may be registered once."""

    item_type = Parameter
    what = "parameter"

    def stamp(self, item: Parameter[Any], origin: str) -> Parameter[Any]:
        return attrs.evolve(item, origin=origin)
