"""Testing tools shipped with iqcore for users' own test suites.

* :mod:`iqcore.testing.strategies`: hypothesis strategies for every public model type, with
  keyword overrides. They are registered with hypothesis through its entry point, so
  ``st.from_type(ForeignQualification)`` works as soon as iqcore and hypothesis are installed
  (``pip install iqcore[testing]``).

Importing :mod:`iqcore.testing` itself is cheap and does not need hypothesis; the submodules are
loaded on first attribute access (``iqcore.testing.strategies``) or by importing them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["strategies"]

_SUBMODULES = frozenset(__all__)


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
