"""Store URL schemes and :func:`open_store`.

``memory://`` is built in. Every other scheme comes from a plugin: a module reached through an
entry point of group ``iqcore`` implements the hook ``iqcore_register_stores(register)`` and calls
``register("sqlite", factory)``. A factory is called as ``factory(url, network=…, role=…)`` and
returns a :class:`~iqcore.storage.Store`.
"""

from __future__ import annotations

import re
import threading
from typing import Protocol

from iqcore.errors import ConfigurationError, IqcoreError, PluginError
from iqcore.storage.memory import open_memory_store
from iqcore.storage.protocol import Store

__all__ = [
    "SchemeRegistrar",
    "StoreFactory",
    "open_store",
    "register_store_scheme",
    "store_schemes",
]


class StoreFactory(Protocol):
    """Opens a store for a URL of its scheme."""

    def __call__(self, url: str, *, network: str | None, role: str) -> Store: ...


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{0,31}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]{0,31}:")
_SCHEMES: dict[str, tuple[StoreFactory, str]] = {"memory": (open_memory_store, "iqcore")}
_LOADED = False
_LOCK = threading.Lock()


def register_store_scheme(
    scheme: str, factory: StoreFactory, *, origin: str = "application", replace: bool = False
) -> None:
    """Register *factory* for URLs ``scheme://…``.

    Two origins that register the same scheme are a :class:`~iqcore.errors.PluginError` naming
    both, never a silent winner, unless ``replace`` is given.
    """
    if not isinstance(scheme, str) or not _SCHEME.match(scheme):
        raise PluginError("a store scheme must be a lower-case URL scheme", plugin=origin)
    if not callable(factory):
        raise PluginError(f"the factory for scheme {scheme!r} is not callable", plugin=origin)
    old = _SCHEMES.get(scheme)
    if old is not None and old[0] is not factory and not replace:
        raise PluginError(
            f"store scheme {scheme!r} is already registered by {old[1]}", plugin=origin
        )
    _SCHEMES[scheme] = (factory, origin)


class SchemeRegistrar:
    """The ``register`` object handed to ``iqcore_register_stores``: checks, then registers."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def __call__(self, scheme: str, factory: StoreFactory) -> None:
        register_store_scheme(scheme, factory, origin=self.origin)


def store_schemes() -> tuple[str, ...]:
    """Every registered scheme (plugins loaded), sorted."""
    _load_plugins()
    return tuple(sorted(_SCHEMES))


def open_store(url: str, *, network: str | None = None, role: str = "app") -> Store:
    """Open the store at *url* for *network* (None: an admin view, where supported).

    *role* names who acts, for the audit log: a function such as ``counsellor`` or
    ``import-job``, never a person's name.

    >>> store = open_store("memory://", network="iq-example")
    >>> store.network
    'iq-example'
    >>> store.close()
    """
    if not isinstance(url, str) or not _URL.match(url):
        raise ConfigurationError("a store URL starts with a scheme, as in scheme://…")
    scheme = url.split(":", 1)[0]
    entry = _SCHEMES.get(scheme)
    if entry is None:
        _load_plugins()
        entry = _SCHEMES.get(scheme)
    if entry is None:
        raise ConfigurationError(
            "no store is registered for this URL scheme; install the plugin that provides it"
        )
    factory, origin = entry
    try:
        store = factory(url, network=network, role=role)
    except IqcoreError:
        raise
    except Exception as exc:
        raise PluginError(
            f"store factory for {scheme!r} failed ({type(exc).__name__})", plugin=origin
        ) from exc
    if not isinstance(store, Store):
        raise PluginError(f"store factory for {scheme!r} returned no Store", plugin=origin)
    return store


def _load_plugins() -> None:
    """Ask every ``iqcore`` plugin for its store schemes, once per process, through the typed
    plugin host (which names a plugin that fails)."""
    global _LOADED
    with _LOCK:
        if _LOADED:
            return
        from iqcore.plugins.host import default_host

        default_host().iqcore_register_stores(SchemeRegistrar("iqcore"))
        _LOADED = True  # only on success: a failing plugin is reported again next time
