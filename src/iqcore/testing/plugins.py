"""Checks and pytest fixtures for plugin authors (regional teams' own CI).

:func:`check_plugin` checks a plugin object the way iqcore will load it::

    from iqcore.testing.plugins import check_plugin
    import my_network_plugin

    def test_plugin_is_valid():
        report = check_plugin(my_network_plugin)   # raises PluginCheckFailed on a problem
        assert report.registered["rules"] > 0

It reports every problem at once: a function named ``iqcore_*`` that is not a hook (misspelt)
or is not marked with ``@hookimpl``; an argument the hook does not have; an argument with a
default value (pluggy would never pass it); and every failure of its registrations when it is
loaded into a fresh host beside the built-in plugins (an exception, a wrong type, a duplicate id,
a replacement outside its jurisdiction …).

Fixtures (registered with pytest through the ``pytest11`` entry point, or with
``pytest_plugins = ["iqcore.testing.plugins"]``):

* ``iqcore_host``: a fresh host with the built-in plugins only (no installed ones), per test;
* ``iqcore_host_factory``: ``make(*plugins, autoload=False, blocked=())`` gives fresh hosts.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs
import pytest

from iqcore.errors import PluginError
from iqcore.plugins import hookspecs
from iqcore.plugins.host import PluginHost, make_host, plugin_name

__all__ = [
    "PluginCheckFailed",
    "PluginReport",
    "check_plugin",
    "iqcore_host",
    "iqcore_host_factory",
]

_MARK = "iqcore_impl"  # the attribute pluggy's HookimplMarker("iqcore") sets


class PluginCheckFailed(PluginError):
    """:func:`check_plugin` found problems; ``report`` lists them all."""

    def __init__(self, report: PluginReport) -> None:
        self.report = report
        super().__init__(
            f"{len(report.problems)} problem(s): " + "; ".join(report.problems),
            plugin=report.name,
            distribution=report.distribution,
            version=report.version,
        )


@attrs.frozen(kw_only=True)
class PluginReport:
    """What :func:`check_plugin` found: the hooks a plugin implements, what it registered
    (counts per kind), and every problem (empty when the plugin is valid)."""

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    registered: Mapping[str, int]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"plugin {self.name}: " + ("ok" if self.ok else f"{len(self.problems)} problem(s)")
        lines = [head, "  hooks: " + (", ".join(self.hooks) or "none")]
        counts = ", ".join(f"{k} {v}" for k, v in self.registered.items() if v)
        lines.append("  registered: " + (counts or "nothing"))
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def _candidates(plugin: object) -> Iterator[tuple[str, Any]]:
    for attr in sorted(dir(plugin)):
        if attr.startswith("iqcore_") and attr != "iqcore_plugin_name":
            value = getattr(plugin, attr, None)
            if callable(value):
                yield attr, value


def _signature_problems(attr: str, fn: Any, spec: Any) -> list[str]:
    problems: list[str] = []
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return [f"{attr}: its signature cannot be read"]
    allowed = set(inspect.signature(spec).parameters)
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            problems.append(f"{attr}: *args and **kwargs are not passed by pluggy; name arguments")
        elif p.name not in allowed:
            problems.append(
                f"{attr}: argument {p.name!r} is not an argument of the hook "
                f"(the hook has: {', '.join(sorted(allowed)) or 'none'})"
            )
        if p.default is not p.empty:
            problems.append(
                f"{attr}: argument {p.name!r} has a default value (pluggy never passes it)"
            )
    return problems


def check_plugin(
    plugin: object,
    *,
    name: str | None = None,
    raise_on_problems: bool = True,
    beside: Iterable[object] = (),
) -> PluginReport:
    """Check *plugin* (a module, class or object) as iqcore would load it.

    :param name: the name to register it under (default: as :func:`make_host` names it).
    :param raise_on_problems: raise :class:`PluginCheckFailed` (with the report) if any
        problem is found; else return the report either way.
    :param beside: other plugins to load with it (e.g. the Land plugin a network plugin's
        replacements depend on).
    """
    pname = name or plugin_name(plugin)
    problems: list[str] = []
    hooks: list[str] = []
    for attr, fn in _candidates(plugin):
        spec = getattr(hookspecs, attr, None)
        if attr not in hookspecs.HOOK_NAMES or spec is None:
            problems.append(f"{attr}: no such hook (misspelt?)")
            continue
        if getattr(fn, _MARK, None) is None:
            problems.append(f"{attr}: not marked with @hookimpl, so iqcore never calls it")
            continue
        hooks.append(attr)
        problems += _signature_problems(attr, fn, spec)
    registered: dict[str, int] = {}
    distribution: str | None = None
    version: str | None = None
    if not problems:
        try:
            host = make_host(autoload=False, plugins=[*beside])
            host.register(plugin, name=pname)
        except PluginError as exc:
            problems.append(str(exc))
        else:
            info = host.info(pname)
            distribution, version = info.distribution, info.version
            for fault in host.faults:
                if fault.plugin.name == pname:
                    problems.append(_explained(fault.error))
                elif fault.plugin.name in {plugin_name(b) for b in beside}:
                    problems.append(f"(a plugin beside it) {_explained(fault.error)}")
            registered = _counts(host, pname)
    report = PluginReport(
        name=pname,
        distribution=distribution,
        version=version,
        hooks=tuple(h for h in hookspecs.HOOK_NAMES if h in hooks),
        registered=registered,
        problems=tuple(problems),
    )
    if raise_on_problems and problems:
        raise PluginCheckFailed(report)
    return report


def _explained(error: PluginError) -> str:
    """The error, with the plugin's own exception (for its author: this is the plugin's code
    and data, not a case's personal data)."""
    cause = error.__cause__
    if cause is None or isinstance(cause, PluginError):
        return str(error)
    return f"{error} [{type(cause).__name__}: {cause}]"


def _counts(host: PluginHost, name: str) -> dict[str, int]:
    book = host.rulebook(partial=True)
    return {
        "networks": sum(
            1 for n in host.networks().networks if host.origin("networks", n.id) == name
        ),
        "occupations": sum(
            1 for o in host.occupations() if host.origin("occupations", o.id) == name
        ),
        "authorities": sum(
            1 for a in host.authorities() if host.origin("authorities", a.id) == name
        ),
        "training_schemes": sum(
            1 for s in host.training_schemes() if host.origin("training_schemes", s.id) == name
        ),
        "parameters": sum(1 for p in book.parameters if p.origin == name),
        "rules": sum(1 for r in book.rules if r.origin == name),
    }


# -- pytest fixtures --------------------------------------------------------------------------


@pytest.fixture
def iqcore_host() -> PluginHost:
    """A fresh plugin host with the built-in plugins only (installed plugins not loaded)."""
    return make_host(autoload=False)


@pytest.fixture
def iqcore_host_factory() -> Callable[..., PluginHost]:
    """``make(*plugins, autoload=False, blocked=())``: fresh hosts with the plugins given."""

    def make(*plugins: object, autoload: bool = False, blocked: Iterable[str] = ()) -> PluginHost:
        return make_host(autoload=autoload, plugins=plugins, blocked=blocked)

    return make
