"""Dated, cited rules and parameters; the rule book; the assessment engine and its trace."""

from iqcore.rules.dated import (
    Jurisdiction,
    JurisdictionLevel,
    LegalReference,
    Parameter,
    ParameterValue,
    Validity,
)

__all__ = [
    "Jurisdiction",
    "JurisdictionLevel",
    "LegalReference",
    "Parameter",
    "ParameterValue",
    "Validity",
]
