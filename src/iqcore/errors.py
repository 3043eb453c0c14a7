"""One hierarchy of typed errors. Messages never repeat values from the input.

Every error iqcore raises on purpose is an :class:`IqcoreError`. Bad input gives a
:class:`ValidationError` that lists every problem at once, each with the JSON path of the field
(``$.experience[2].months``) and a stable code.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "ConfigurationError",
    "InvalidTransition",
    "IqcoreError",
    "NotFound",
    "PluginError",
    "Problem",
    "RuleConflict",
    "StorageError",
    "ValidationError",
]


class IqcoreError(Exception):
    """Base class of every error iqcore raises on purpose."""


@attrs.frozen
class Problem:
    """One problem with an input document: where (a JSON path), what (a stable code), and why."""

    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"


class ValidationError(IqcoreError, ValueError):
    """Input that does not make a valid iqcore object. ``problems`` lists all of them."""

    def __init__(self, problems: Iterable[Problem], *, type_name: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.type_name = type_name
        head = f"invalid {type_name}" if type_name else "invalid input"
        lines = "; ".join(str(p) for p in self.problems[:20])
        more = f" (+{len(self.problems) - 20} more)" if len(self.problems) > 20 else ""
        super().__init__(f"{head}: {len(self.problems)} problem(s): {lines}{more}")

    def paths(self) -> list[str]:
        return [p.path for p in self.problems]

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


class NotFound(IqcoreError, KeyError):
    """A record, occupation, network or other item that was asked for does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class ConfigurationError(IqcoreError):
    """iqcore was set up wrongly (an unknown store scheme, a bad environment variable …)."""


class RuleConflict(IqcoreError):
    """Two rules or parameters collide when a rule book is built; names both origins."""


class InvalidTransition(IqcoreError):
    """A state machine (counselling case, application) was asked for a transition it forbids."""


class PluginError(IqcoreError):
    """A plugin failed: raised, returned the wrong shape, or registered something invalid."""

    def __init__(
        self,
        message: str,
        *,
        plugin: str,
        distribution: str | None = None,
        version: str | None = None,
    ) -> None:
        self.plugin = plugin
        self.distribution = distribution
        self.version = version
        origin = plugin
        if distribution:
            origin += f" ({distribution} {version or '?'})"
        super().__init__(f"plugin {origin}: {message}")


class StorageError(IqcoreError):
    """A store could not complete an operation; the store is left as before the transaction."""
