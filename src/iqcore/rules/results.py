"""The parts of an assessment's result: measures, licensing checks, next steps, remedies, origin.

These are plain records the rules produce through the
:class:`~iqcore.rules.context.CaseContext`; each names the rule that produced it, so that the
explanation can cite the rule's legal reference.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from iqcore.model.codes import CefrLevel, FederalState
from iqcore.model.decisions import CompensationMeasureType, DifferenceBasis
from iqcore.model.people import LanguageScope

__all__ = [
    "AreaTitle",
    "LegalPath",
    "LicensingCheck",
    "LicensingStatus",
    "NextStep",
    "NextStepKind",
    "Obstacle",
    "PermittedMeasure",
    "PluginInfo",
    "Provenance",
    "Remedy",
]


class LegalPath(enum.StrEnum):
    """Which law governs the procedure for the case (found by the scope stage)."""

    BQFG = "BQFG"
    """The federal BQFG (with the HwO for crafts): non-regulated federal occupations."""
    FEDERAL_FACHRECHT = "FEDERAL_FACHRECHT"
    """The federal professional law (BÄO, PflBG …), with the BQFG where it refers to it."""
    LAND_LAW = "LAND_LAW"
    """The law of a Land (its BQFG-type act or its professional law)."""
    ACADEMIC = "ACADEMIC"
    """No professional recognition: academic comparability (ZAB, Lisbon Convention)."""
    BVFG = "BVFG"
    """Resettled ethnic Germans: the separate route of §10 BVFG."""
    NO_PROCEDURE = "NO_PROCEDURE"
    """No recognition procedure was available for the case on the date."""


class LicensingStatus(enum.StrEnum):
    MET = "MET"
    UNMET = "UNMET"
    UNKNOWN = "UNKNOWN"


@attrs.frozen(kw_only=True)
class LicensingCheck:
    """A condition of licensure that recognition does not settle (e.g. a language level)."""

    rule_id: str
    language: str
    scope: LanguageScope
    required: CefrLevel
    held: CefrLevel | None
    status: LicensingStatus


class NextStepKind(enum.StrEnum):
    QUALIFICATION_ANALYSIS = "QUALIFICATION_ANALYSIS"
    STATEMENT_OF_COMPARABILITY = "STATEMENT_OF_COMPARABILITY"
    SUBMIT_MISSING_DOCUMENTS = "SUBMIT_MISSING_DOCUMENTS"
    CERTIFICATE_OF_ENTITLEMENT = "CERTIFICATE_OF_ENTITLEMENT"
    PROOF_OF_INTENT_TO_WORK = "PROOF_OF_INTENT_TO_WORK"
    ADAPTATION_QUALIFICATION = "ADAPTATION_QUALIFICATION"
    COMPENSATION_MEASURE = "COMPENSATION_MEASURE"
    BVFG_PROCEDURE = "BVFG_PROCEDURE"


@attrs.frozen(kw_only=True)
class NextStep:
    """Something the applicant or counsellor should do next; ``items`` lists what it concerns."""

    kind: NextStepKind
    rule_id: str
    items: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class PermittedMeasure:
    """A compensation measure the law permits; it covers only the differences listed (§11(2))."""

    type: CompensationMeasureType
    rule_id: str
    covers: tuple[str, ...] = ()
    max_months: int | None = None


@attrs.frozen(kw_only=True)
class Remedy:
    """What would compensate a remaining difference.

    ``more_experience_months``: this many more months of evidenced experience would compensate
    it (None if experience cannot, or no figure applies); ``module``: a module, course or
    measure covering the area would.
    """

    area: str
    basis: DifferenceBasis
    rule_id: str
    more_experience_months: int | None = None
    module: bool = True


@attrs.frozen(kw_only=True)
class Obstacle:
    """A reason found in the scope or outcome stage that stands against equivalence."""

    code: str
    rule_id: str
    note: str


@attrs.frozen(kw_only=True)
class AreaTitle:
    """The titles of a competence area named in the result (so the text needs no occupation)."""

    id: str
    title_de: str
    title_en: str


@attrs.frozen(kw_only=True, order=True)
class PluginInfo:
    """A plugin as provenance names it: its registered name, distribution and version."""

    name: str
    distribution: str | None = None
    version: str | None = None

    def __str__(self) -> str:
        if self.distribution:
            return f"{self.name} ({self.distribution} {self.version or '?'})"
        return self.name if self.version is None else f"{self.name} {self.version}"


@attrs.frozen(kw_only=True)
class Provenance:
    """Where an assessment came from.

    ``rulebook_fingerprint`` is the sha256 of the rule book *as seen from the case's place*
    (federal rules plus those of its Land and network, all dates), so a plugin for another
    network does not change it; ``plugins`` are the plugins that contributed rules or
    parameters in force for the case's place on its date, with distribution and version.
    ``input_sha256`` is the sha256 of the canonical JSON of the inputs.
    """

    iqcore_version: str
    rulebook_fingerprint: str
    plugins: tuple[PluginInfo, ...]
    input_sha256: str
    as_of: date
    network_id: str | None = None
    state: FederalState | None = None
