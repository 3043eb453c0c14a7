"""iqcore: the typed domain model and explainable rules engine of the Network IQ.

``import iqcore`` is cheap: it loads the model classes and the error types, nothing more.
Reference data, pycountry's databases, storage backends and the command line load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iqcore import errors
from iqcore._version import __version__
from iqcore.errors import (
    IqcoreError,
    NotFound,
    PluginError,
    Problem,
    RuleConflict,
    StorageError,
    ValidationError,
)
from iqcore.model import *  # noqa: F403
from iqcore.model import __all__ as _model_all

if TYPE_CHECKING:
    from iqcore.planning import plan
    from iqcore.plugins import PluginHost, make_host
    from iqcore.procedure import (
        ProcedureClock,
        allowed_transitions,
        procedure_parameters,
        refer,
        transition,
        transition_application,
    )
    from iqcore.procedure import clock as procedure_clock
    from iqcore.rules import Assessment, Rule, RuleBook, Stage, assess
    from iqcore.serialization import from_dict, from_json, json_schema, to_dict, to_json
    from iqcore.storage import open_store

# Names loaded on first use: (module, attribute).
_LAZY: dict[str, tuple[str, str]] = {
    "to_json": ("iqcore.serialization", "to_json"),
    "from_json": ("iqcore.serialization", "from_json"),
    "to_dict": ("iqcore.serialization", "to_dict"),
    "from_dict": ("iqcore.serialization", "from_dict"),
    "json_schema": ("iqcore.serialization", "json_schema"),
    "open_store": ("iqcore.storage", "open_store"),
    "ProcedureClock": ("iqcore.procedure", "ProcedureClock"),
    "procedure_clock": ("iqcore.procedure", "clock"),
    "procedure_parameters": ("iqcore.procedure", "procedure_parameters"),
    "transition": ("iqcore.procedure", "transition"),
    "allowed_transitions": ("iqcore.procedure", "allowed_transitions"),
    "refer": ("iqcore.procedure", "refer"),
    "transition_application": ("iqcore.procedure", "transition_application"),
    "assess": ("iqcore.rules.engine", "assess"),
    "Assessment": ("iqcore.rules.assessment", "Assessment"),
    "Rule": ("iqcore.rules.core", "Rule"),
    "Stage": ("iqcore.rules.core", "Stage"),
    "RuleBook": ("iqcore.rules.book", "RuleBook"),
    "PluginHost": ("iqcore.plugins.host", "PluginHost"),
    "make_host": ("iqcore.plugins.host", "make_host"),
    "plan": ("iqcore.planning", "plan"),
}


def __getattr__(name: str) -> Any:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'iqcore' has no attribute {name!r}") from None
    import importlib

    value = getattr(importlib.import_module(module_name), attr)
    globals()[name] = value
    return value


__all__ = [
    "IqcoreError",
    "NotFound",
    "PluginError",
    "Problem",
    "RuleConflict",
    "StorageError",
    "ValidationError",
    "__version__",
    "errors",
    "from_dict",
    "from_json",
    "json_schema",
    "open_store",
    "ProcedureClock",
    "procedure_clock",
    "procedure_parameters",
    "transition",
    "allowed_transitions",
    "refer",
    "transition_application",
    "assess",
    "Assessment",
    "Rule",
    "Stage",
    "RuleBook",
    "PluginHost",
    "make_host",
    "plan",
    "to_dict",
    "to_json",
    *_model_all,
]
