"""Building blocks shared by the Land plugins: the Länder rules and their occupation records.

Each Land plugin (``bavaria``, ``baden_wuerttemberg``, ``north_rhine_westphalia``, ``saxony``)
states only its own data (acts, dates, values, sources) and builds its parameters, rules, records
and hooks from the factories here. A :class:`Land` carries what every factory needs to know of
the Land (its state, the prefix of its ids, its name in record titles); the ids follow from the
prefix: ``<prefix>.comparison.duration``, ``<prefix>.comparison.engineer_field``,
``<prefix>.licensing.language``, ``<prefix>.ingg.min_study_months``, ``<prefix>.ingg.min_ects``,
``<prefix>.teacher.german_level``, and the records ``<prefix>.teacher`` etc.

Two kinds of Land rule are made here:

* **Replacements** of federal rules, within the Land (``replaces=``; the trace marks the
  federal rule as replaced and names the Land rule). The rule book replaces a rule for *every*
  case in the Land, so a replacing rule decides the Land's cases it is about (engineers,
  teachers) by the Land's act and hands every other case to the federal rule's own evaluation,
  unchanged; its trace note says which of the two it did.
* **Additional rules** for the Land's occupations that the federal rules do not know (the
  engineer title's subject requirement; Baden-Württemberg's teacher measures), which run before
  the federal defaults so that those find the work done, as the federal doctor and nurse rules do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

import attrs

from iqcore.model.codes import CefrLevel, FederalState
from iqcore.model.decisions import (
    CompensationMeasureType,
    DecisionOutcome,
    DifferenceBasis,
    SubstantialDifference,
)
from iqcore.model.people import LanguageScope
from iqcore.model.programme import CompetentAuthority
from iqcore.model.qualifications import (
    LanguageRequirement,
    RecognitionRoute,
    ReferenceOccupation,
)
from iqcore.plugins.hookspecs import hookimpl
from iqcore.plugins.registrars import Registrar
from iqcore.rules.context import CaseContext
from iqcore.rules.core import Finding, Rule, Selector, Stage, applied, not_applied
from iqcore.rules.dated import Jurisdiction, LegalReference, Parameter, Validity
from iqcore.rules.results import LicensingStatus

__all__ = [
    "ATTESTED_FROM",
    "ECTS_PER_YEAR",
    "EXAMINED_ROUTES",
    "MODELLED_FROM",
    "EngineerEra",
    "Evaluate",
    "Land",
    "engineer_duration_rule",
    "engineer_field_rule",
    "engineer_ids",
    "engineer_parameters",
    "federal_evaluate",
    "land_measures",
    "land_occupation",
    "needs_measure",
    "registering",
    "revert_short_compensation",
    "stem_verdict",
    "teacher_german_parameter",
    "teacher_ids",
    "teacher_language_rule",
]

Evaluate = Callable[[CaseContext], Finding]
T = TypeVar("T")

#: The first day the federal rule book covers (Directive 2005/36/EC in force).
MODELLED_FROM = date(2005, 10, 20)
#: The start iqcore gives to Land values its sources state without a date (the Länder service
#: pages on teachers' recognition give no stand date): they are modelled from this day on, and
#: earlier cases keep the federal defaults.
ATTESTED_FROM = date(2024, 1, 1)
#: The routes on which the content and duration of a qualification are compared.
EXAMINED_ROUTES = frozenset({RecognitionRoute.GENERAL_SYSTEM, RecognitionRoute.NATIONAL})
#: ECTS credits of one year of full-time study (the ECTS convention), used to express a
#: shortfall in credits as months of study.
ECTS_PER_YEAR = 60

#: Shipped reference occupations under the law of a Land that the Land plugins specialise.
_GENERIC = ("teacher", "engineer", "educator", "social_worker")


def engineer_ids(prefix: str) -> frozenset[str]:
    """The shipped engineer occupation and the Land's own engineer record."""
    return frozenset({"engineer", f"{prefix}.engineer"})


def teacher_ids(prefix: str) -> frozenset[str]:
    """The shipped teacher occupation and the Land's own teacher record."""
    return frozenset({"teacher", f"{prefix}.teacher"})


def federal_evaluate(rule_id: str) -> Evaluate:
    """The evaluation function of a federal rule (all its versions share one function)."""
    from iqcore.plugins.builtin import federal

    functions = {r.evaluate for r in federal.rules() if r.id == rule_id}
    if len(functions) != 1:  # pragma: no cover - guards against a change in the federal plugin
        raise LookupError(f"federal rule {rule_id} has no single evaluation function")
    return functions.pop()


def registering(records: Callable[[], Iterable[T]]) -> Callable[[Registrar[T]], None]:
    """A hook implementation that registers what *records* returns (one registration hook of a
    plugin module: ``iqcore_register_rules = registering(rules)``)."""

    @hookimpl
    def register_all(register: Registrar[T]) -> None:
        register(*records())

    return register_all


@attrs.frozen(kw_only=True)
class Land:
    """A Land as its plugin's factories need it: its state, the prefix of its ids and its name
    in the titles of its occupation records."""

    state: FederalState
    prefix: str
    name: str

    @property
    def jurisdiction(self) -> Jurisdiction:
        """The Land's jurisdiction (every rule and parameter of a Land plugin has it)."""
        return Jurisdiction.of_state(self.state)

    @property
    def engineers(self) -> frozenset[str]:
        """The shipped engineer occupation and the Land's own engineer record."""
        return engineer_ids(self.prefix)

    @property
    def teachers(self) -> frozenset[str]:
        """The shipped teacher occupation and the Land's own teacher record."""
        return teacher_ids(self.prefix)

    def constant(
        self,
        *,
        id: str,
        title: str,
        unit: str,
        value: Any,
        reference: LegalReference,
        valid_from: date = ATTESTED_FROM,
    ) -> Parameter[Any]:
        """A parameter of the Land with one value (by default from ``ATTESTED_FROM`` on)."""
        return Parameter.constant(
            id=id,
            title=title,
            unit=unit,
            value=value,
            valid_from=valid_from,
            jurisdiction=self.jurisdiction,
            reference=reference,
        )

    def occupation(
        self,
        generic_id: str,
        *,
        legal_reference: str,
        source: str,
        unverified: Iterable[str] = (),
        language_requirements: Iterable[LanguageRequirement] | None = None,
    ) -> ReferenceOccupation:
        """The Land's record of a shipped Länder-law occupation (see :func:`land_occupation`)."""
        return land_occupation(
            generic_id,
            prefix=self.prefix,
            state=self.state,
            land=self.name,
            legal_reference=legal_reference,
            source=source,
            unverified=unverified,
            language_requirements=language_requirements,
        )

    def unnamed_law_occupations(
        self, *, legal_reference: str, source: str
    ) -> list[ReferenceOccupation]:
        """The Land's records of educator and social worker, whose act no cited source names
        (their ``legal_reference`` is listed as unverified)."""
        return [
            self.occupation(
                generic_id,
                legal_reference=legal_reference,
                source=source,
                unverified=("legal_reference",),
            )
            for generic_id in ("educator", "social_worker")
        ]

    def authority(self, **fields: Any) -> CompetentAuthority:
        """A competent body of the Land (``states`` is the Land; other fields as given)."""
        return CompetentAuthority(states={self.state}, **fields)


# ---------------------------------------------------------------------------------------------
# Engineers: the Länder engineering acts (Ingenieurgesetze)

#: ISCED-F 2013 broad fields that are mathematics, natural sciences, ICT and engineering.
_STEM_BROAD = frozenset({"05", "06", "07"})
#: Broad fields that are clearly not predominantly mathematics, informatics, natural sciences
#: or technology (education, arts and humanities, social sciences, business and law, health
#: and welfare, services, generic programmes).
_NON_STEM_BROAD = frozenset({"00", "01", "02", "03", "04", "09", "10"})
#: Architecture and town planning: a court found one such programme not predominantly MINT
#: (VG Karlsruhe, reported 2024), so iqcore does not decide it from the field code.
_UNDECIDED = frozenset({"0731"})


def stem_verdict(isced_field: str | None) -> bool | None:
    """True if the field is STEM, False if clearly not, None if the field cannot decide it.

    This is iqcore's reading of "predominantly mathematics, informatics, natural sciences and
    technology" in ISCED-F 2013 terms; the competent body decides on the curriculum.
    """
    if isced_field is None or any(isced_field.startswith(u) for u in _UNDECIDED):
        return None
    broad = isced_field[:2]
    if broad in _STEM_BROAD:
        return True
    if broad in _NON_STEM_BROAD:
        return False
    return None


def engineer_field_rule(
    land: Land,
    *,
    act: str,
    reference: LegalReference,
    valid_from: date = MODELLED_FROM,
) -> Rule:
    """The Land rule ``<prefix>.comparison.engineer_field``: the engineer title needs a
    technical or natural-science (STEM) degree.

    A degree in a field that is clearly not STEM is an obstacle (no equivalence); a field that
    is not stated or cannot decide it leaves the question to the competent body.
    """

    def evaluate(ctx: CaseContext) -> Finding:
        field = ctx.qualification.isced_field
        code = field.code if field is not None else None
        verdict = stem_verdict(code)
        if verdict is None:
            return not_applied(
                "field of study not stated or not decisive: the competent body checks that "
                "the study was predominantly mathematics, informatics, natural sciences and "
                "technology"
            )
        if verdict:
            return applied(f"field of study {code} is technical or natural-science ({act})")
        ctx.add_obstacle(
            "NOT_A_STEM_DEGREE",
            f"the engineer title needs a technical or natural-science degree ({act})",
        )
        return applied(f"field of study {code} is not technical or natural-science ({act})")

    evaluate.__qualname__ = f"engineer_field[{land.prefix}]"
    return Rule(
        id=f"{land.prefix}.comparison.engineer_field",
        version=1,
        title=f"Engineer title: a technical or natural-science degree ({act})",
        stage=Stage.COMPARISON,
        evaluate=evaluate,
        reference=reference,
        validity=Validity(valid_from=valid_from),
        jurisdiction=land.jurisdiction,
        selector=Selector(occupation_ids=land.engineers, routes=EXAMINED_ROUTES),
        order=22,
        inputs=("qualification.isced_field",),
    )


@attrs.frozen(kw_only=True)
class EngineerEra:
    """One version of a Land's minimum for the engineer title: its dates, act and values (the
    least months of study and, where the act says so, the least ECTS credits)."""

    valid_from: date
    valid_until: date | None
    act: str
    reference: LegalReference
    months: int
    ects: int | None = None


def _months_parameter(prefix: str) -> str:
    return f"{prefix}.ingg.min_study_months"


def _ects_parameter(prefix: str) -> str:
    return f"{prefix}.ingg.min_ects"


def engineer_parameters(
    land: Land,
    eras: Iterable[EngineerEra],
    *,
    months_title: str,
    ects_title: str | None = None,
) -> list[Parameter[Any]]:
    """The Land's dated minimums for the engineer title, one value per era:
    ``<prefix>.ingg.min_study_months`` and, if an era sets credits, ``<prefix>.ingg.min_ects``
    (titled *months_title* and *ects_title*)."""
    eras = tuple(eras)
    out: list[Parameter[Any]] = [
        Parameter.series(
            id=_months_parameter(land.prefix),
            title=months_title,
            unit="months",
            jurisdiction=land.jurisdiction,
            values=[(e.valid_from, e.valid_until, e.months, e.reference) for e in eras],
        )
    ]
    credits = [
        (e.valid_from, e.valid_until, e.ects, e.reference) for e in eras if e.ects is not None
    ]
    if credits:
        if ects_title is None:  # pragma: no cover - a programming error in a Land module
            raise ValueError("an era sets ECTS credits: the parameter needs a title")
        out.append(
            Parameter.series(
                id=_ects_parameter(land.prefix),
                title=ects_title,
                unit="ECTS",
                jurisdiction=land.jurisdiction,
                values=credits,
            )
        )
    return out


def _engineer_duration(
    prefix: str, era: EngineerEra, engineers: frozenset[str], federal: Evaluate
) -> Evaluate:
    months_parameter = _months_parameter(prefix)
    ects_parameter = _ects_parameter(prefix) if era.ects is not None else None

    def evaluate(ctx: CaseContext) -> Finding:
        if ctx.occupation.id not in engineers:
            finding = federal(ctx)
            return Finding(
                finding.applied, f"{finding.note} (federal rule; not an engineer under {era.act})"
            )
        need: int = ctx.param(months_parameter)
        q = ctx.qualification
        shortfall = need - q.duration_months
        parts: list[str] = []
        months_short = max(shortfall, 0)
        if shortfall > 0:
            parts.append(f"{q.duration_months} months of study, at least {need} required")
        ects_note = ""
        if ects_parameter is not None:
            need_ects: int = ctx.param(ects_parameter)
            if q.ects is None:
                ects_note = "; ECTS credits not stated"
            elif q.ects < need_ects:
                parts.append(f"{q.ects} ECTS credits, at least {need_ects} required")
                missing = need_ects - q.ects
                months_short = max(months_short, -(-missing * 12 // ECTS_PER_YEAR))
        if not parts:
            return applied(f"the study meets the minimum of {era.act}{ects_note}")
        ctx.scratch["duration_shortfall"] = months_short
        ctx.add_difference(
            SubstantialDifference(
                area="duration",
                basis=DifferenceBasis.DURATION,
                description=f"shorter than the minimum of {era.act}",
            )
        )
        return applied(
            "a substantial difference in duration under " + era.act + ": " + "; ".join(parts)
        )

    evaluate.__qualname__ = f"engineer_duration[{prefix}:{era.valid_from.isoformat()}]"
    return evaluate


def engineer_duration_rule(land: Land, eras: Iterable[EngineerEra]) -> list[Rule]:
    """The Land rule ``<prefix>.comparison.duration``, replacing ``fed.comparison.duration`` in
    the Land, one version per era (its parameters: :func:`engineer_parameters`).

    For engineers the Land's engineering act sets the minimum (its study months, and where the
    act says so its ECTS credits); any shorter study is a difference in duration, whatever the
    federal counselling threshold. Every other case gets the federal rule's evaluation.
    """
    engineers = land.engineers
    federal = federal_evaluate("fed.comparison.duration")
    out: list[Rule] = []
    for version, era in enumerate(eras, start=1):
        params = ["fed.duration.shortfall_months", _months_parameter(land.prefix)]
        if era.ects is not None:
            params.append(_ects_parameter(land.prefix))
        out.append(
            Rule(
                id=f"{land.prefix}.comparison.duration",
                version=version,
                title=f"Duration differences; for the engineer title the minimum of {era.act}",
                stage=Stage.COMPARISON,
                evaluate=_engineer_duration(land.prefix, era, engineers, federal),
                reference=era.reference,
                validity=Validity(valid_from=era.valid_from, valid_until=era.valid_until),
                jurisdiction=land.jurisdiction,
                selector=Selector(routes=EXAMINED_ROUTES),
                order=20,
                replaces="fed.comparison.duration",
                parameters=tuple(params),
                inputs=(
                    "occupation.nominal_duration_months",
                    "qualification.duration_months",
                    "qualification.ects",
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Teachers: the Land's German requirement


def _german_level(ctx: CaseContext) -> CefrLevel | None:
    skills = ctx.applicant.languages if ctx.applicant is not None else ()
    levels = [s.level for s in skills if s.is_german]
    return max(levels) if levels else None


def _german_parameter(prefix: str) -> str:
    return f"{prefix}.teacher.german_level"


def teacher_german_parameter(
    land: Land,
    *,
    level: CefrLevel,
    title: str,
    reference: LegalReference,
    valid_from: date = ATTESTED_FROM,
) -> Parameter[Any]:
    """The Land's German level for teachers, ``<prefix>.teacher.german_level``."""
    return land.constant(
        id=_german_parameter(land.prefix),
        title=title,
        unit="CEFR",
        value=level.value,
        valid_from=valid_from,
        reference=reference,
    )


def teacher_language_rule(
    land: Land,
    *,
    reference: LegalReference,
    what: str,
    valid_from: date = ATTESTED_FROM,
) -> Rule:
    """The Land rule ``<prefix>.licensing.language``, replacing ``fed.licensing.language`` in
    the Land.

    For teachers the Land's German level (:func:`teacher_german_parameter`) is checked instead
    of the shipped occupation's general figure; every other case gets the federal rule's
    evaluation. *what* says in a few words what the Land's source asks for.
    """
    teachers = land.teachers
    federal = federal_evaluate("fed.licensing.language")
    level_parameter = _german_parameter(land.prefix)

    def evaluate(ctx: CaseContext) -> Finding:
        if ctx.occupation.id not in teachers:
            finding = federal(ctx)
            return Finding(finding.applied, f"{finding.note} (federal rule; not a teacher)")
        required = CefrLevel(ctx.param(level_parameter))
        held = _german_level(ctx)
        if held is None:
            status = LicensingStatus.UNKNOWN
        elif held >= required:
            status = LicensingStatus.MET
        else:
            status = LicensingStatus.UNMET
        ctx.add_licensing(
            language="de",
            scope=LanguageScope.GENERAL,
            required=required,
            held=held,
            status=status,
        )
        return applied(f"German for teaching in the Land: {what}: {status.value.lower()}")

    evaluate.__qualname__ = f"teacher_language[{land.prefix}]"
    return Rule(
        id=f"{land.prefix}.licensing.language",
        version=1,
        title="Language for licensure; for teachers the Land's German requirement",
        stage=Stage.LICENSING,
        evaluate=evaluate,
        reference=reference,
        validity=Validity(valid_from=valid_from),
        jurisdiction=land.jurisdiction,
        order=10,
        replaces="fed.licensing.language",
        parameters=(level_parameter,),
        inputs=("occupation.language_requirements", "applicant.languages"),
    )


# ---------------------------------------------------------------------------------------------
# Measures set by a Land's professional law (run before the federal defaults)


def land_measures(
    ctx: CaseContext,
    measures: Iterable[CompensationMeasureType],
    *,
    max_adaptation_months: int | None,
    chooses: bool,
) -> str:
    """Add the measures a Land's law permits for the remaining differences; a short summary."""
    covers = tuple(d.area for d in ctx.remaining)
    chosen = tuple(measures)
    for m in chosen:
        ctx.add_measure(
            m,
            covers=covers,
            max_months=max_adaptation_months
            if m is CompensationMeasureType.ADAPTATION_PERIOD
            else None,
        )
    ctx.applicant_chooses = chooses
    return " or ".join(m.value.lower().replace("_", " ") for m in chosen)


def needs_measure(ctx: CaseContext) -> bool:
    """True if the outcome so far is that a compensation measure is required."""
    return ctx.outcome is DecisionOutcome.COMPENSATION_MEASURE_REQUIRED


# ---------------------------------------------------------------------------------------------
# Occupations


def land_occupation(
    generic_id: str,
    *,
    prefix: str,
    state: FederalState,
    land: str,
    legal_reference: str,
    source: str,
    unverified: Iterable[str] = (),
    language_requirements: Iterable[LanguageRequirement] | None = None,
) -> ReferenceOccupation:
    """The Land's own record of a shipped Länder-law occupation (same competence areas).

    The record gets the id ``<prefix>.<generic id>``, the Land, the Land's legal reference and
    sources; fields no source confirms stay in ``unverified``.
    """
    from iqcore import reference_data

    if generic_id not in _GENERIC:  # pragma: no cover - a programming error in a Land module
        raise ValueError("not one of the Länder-law occupations the plugins specialise")
    generic = reference_data.occupation(generic_id)
    names = set(generic.unverified)
    if language_requirements is not None:
        names.discard("language_requirements")
    names |= set(unverified)
    changes: dict[str, Any] = {
        "id": f"{prefix}.{generic_id}",
        "title_de": f"{generic.title_de} ({land})",
        "title_en": f"{generic.title_en} ({land})",
        "state": state,
        "legal_reference": legal_reference,
        "source": source,
    }
    if language_requirements is not None:
        changes["language_requirements"] = tuple(language_requirements)
    changes["unverified"] = tuple(sorted(names))
    return attrs.evolve(generic, **changes)


def revert_short_compensation(ctx: CaseContext, area: str, need: int) -> tuple[bool, int]:
    """Take back a compensation of *area* by experience when fewer than *need* months are
    evidenced in it (a Land asking more than the federal default). Returns whether it did, and
    the months evidenced."""
    months = ctx.qualification.evidenced_months(area)
    for diff in list(ctx.differences):
        if diff.area != area or diff.compensated_by is None or months >= need:
            continue
        ctx.replace_difference(diff, attrs.evolve(diff, compensated_by=None))
        ctx.add_remedy(area, diff.basis, more_experience_months=need - months)
        return True, months
    return False, months
