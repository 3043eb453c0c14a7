"""Dated, cited rules and parameters; the rule book; the assessment engine and its trace.

* :mod:`iqcore.rules.dated`: legal references, validity intervals, jurisdictions, parameters;
* :mod:`iqcore.rules.core`: stages, selectors, rules, trace entries;
* :mod:`iqcore.rules.book`: the immutable, layered rule book with its conflict checks;
* :mod:`iqcore.rules.context`: the case as a rule sees it;
* :mod:`iqcore.rules.engine`: :func:`assess`;
* :mod:`iqcore.rules.assessment`: the :class:`Assessment` and its explanation.
"""

from iqcore.rules.assessment import Assessment
from iqcore.rules.book import Plan, RuleBook
from iqcore.rules.context import CaseContext
from iqcore.rules.core import (
    STAGES,
    Finding,
    ParameterRead,
    Rule,
    RuleRef,
    Selector,
    Stage,
    TraceEntry,
    applied,
    not_applied,
)
from iqcore.rules.dated import (
    BQFG_IN_FORCE,
    FEDERAL,
    Jurisdiction,
    JurisdictionLevel,
    LegalReference,
    Parameter,
    ParameterValue,
    Validity,
)
from iqcore.rules.engine import assess, input_digest
from iqcore.rules.results import (
    AreaTitle,
    LegalPath,
    LicensingCheck,
    LicensingStatus,
    NextStep,
    NextStepKind,
    Obstacle,
    PermittedMeasure,
    PluginInfo,
    Provenance,
    Remedy,
)

__all__ = [
    "BQFG_IN_FORCE",
    "FEDERAL",
    "STAGES",
    "AreaTitle",
    "Assessment",
    "CaseContext",
    "Finding",
    "Jurisdiction",
    "JurisdictionLevel",
    "LegalPath",
    "LegalReference",
    "LicensingCheck",
    "LicensingStatus",
    "NextStep",
    "NextStepKind",
    "Obstacle",
    "Parameter",
    "ParameterRead",
    "ParameterValue",
    "PermittedMeasure",
    "Plan",
    "PluginInfo",
    "Provenance",
    "Remedy",
    "Rule",
    "RuleBook",
    "RuleRef",
    "Selector",
    "Stage",
    "TraceEntry",
    "Validity",
    "applied",
    "assess",
    "input_digest",
    "not_applied",
]
