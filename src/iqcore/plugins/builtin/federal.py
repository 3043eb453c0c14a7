"""The federal and EU rules: a built-in plugin (``iqcore.federal``).

Every rule and parameter cites its source; what the project's domain notes mark as general
knowledge carries ``LegalReference(verified=False)``, and the trace and the explanation say so.
Figures the law does not fix (how many months of experience compensate a difference, when a
shorter training counts as a substantial difference, when too little is in common) are iqcore's
counselling defaults, registered as parameters marked unverified, so a Land or network plugin
can replace them and every assessment shows the value it used.

The rule book covers dates from 20 October 2005 (Directive 2005/36/EC in force): before the
BQFG (1 April 2012) only regulated professions had a recognition procedure, under their
professional law (*Fachrecht*) and the Directive; from 1 April 2012 the BQFG applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from iqcore.model.codes import CefrLevel, CountryGroup, DirectiveLevel
from iqcore.model.decisions import (
    CompensationEvidence,
    CompensationMeasureType,
    DecisionOutcome,
    DifferenceBasis,
    EvidenceKind,
    SubstantialDifference,
)
from iqcore.model.people import LanguageScope, LanguageSkill
from iqcore.model.qualifications import (
    LawLevel,
    LegalBasis,
    QualificationKind,
    RecognitionRoute,
    SectoralProfession,
)
from iqcore.plugins.hookspecs import hookimpl
from iqcore.plugins.registrars import ParameterRegistrar, RuleRegistrar
from iqcore.rules.context import CaseContext, country_group
from iqcore.rules.core import Finding, Rule, Selector, Stage, applied, not_applied
from iqcore.rules.dated import BQFG_IN_FORCE, LegalReference, Parameter, Validity
from iqcore.rules.results import LegalPath, LicensingStatus, NextStepKind

__all__ = [
    "DIRECTIVE_2013_55_APPLIES",
    "MODELLED_FROM",
    "PFLBG_IN_FORCE",
    "iqcore_register_parameters",
    "iqcore_register_rules",
    "parameters",
    "rules",
]

#: Directive 2005/36/EC entered into force on 20 October 2005 (Art. 64; general knowledge).
MODELLED_FROM = date(2005, 10, 20)
#: Directive 2013/55/EU amendments to be applied from 18 January 2016 (general knowledge).
DIRECTIVE_2013_55_APPLIES = date(2016, 1, 18)
#: The Nursing Professions Act (PflBG) replaced the Nursing Act (KrPflG) on 1 January 2020.
PFLBG_IN_FORCE = date(2020, 1, 1)

BQFG_URL = "https://bundestag.github.io/gesetze/b/bqfg/"
BQFG7_URL = "https://www.gesetze-mit-links.de/bqfg/_7.html"
BQFG12_URL = "https://www.buzer.de/gesetz/9978/a173856.htm"
DIRECTIVE_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX%3A32005L0036"
EC_GENERAL_SYSTEM_URL = (
    "http://ec.europa.eu/growth/single-market/services/qualifications/"
    "directive-in-practice/general-system/index_en.htm"
)
AEAPPRO37_URL = "https://www.gesetze-bayern.de/Content/Document/Y-300-Z-BECKRS-B-2024-N-28759"
PFLBG_URL = "https://fimportal.de/document-profiles/D00000295/1.0"
LANGUAGE_URL = (
    "https://www.marburger-bund.de/bundesverband/service/auslaendische-aerzte/"
    "foreign-physicians/anforderungen-deutschkenntnisse"
)
QA_URL = "https://bibb.de/datenreport/de/2022/162484.php"
ZAB_URL = "https://zab.kmk.org/en/statement-of-comparability/faq"
ADAPTATION_URL = (
    "https://anerkennung-in-deutschland.de/html/de/pro/moeglichkeiten-qualifizierung.php"
)

EU_EEA_CH = frozenset({CountryGroup.EU, CountryGroup.EEA_EFTA, CountryGroup.CH})
_DE_EU_EEA_CH = EU_EEA_CH | {CountryGroup.DE}
EXAMINED_ROUTES = frozenset({RecognitionRoute.GENERAL_SYSTEM, RecognitionRoute.NATIONAL})
PROCEDURE_PATHS = frozenset({LegalPath.BQFG, LegalPath.FEDERAL_FACHRECHT, LegalPath.LAND_LAW})

# Parameter ids
P_SHORTFALL = "fed.duration.shortfall_months"
P_MONTHS_PER_AREA = "fed.compensation.months_per_area"
P_MIN_SHARE = "fed.outcome.min_share_covered_percent"
P_MAX_ADAPTATION = "fed.measures.max_adaptation_months"


def _bqfg(section: str, *, verified: bool = True, url: str = BQFG_URL) -> LegalReference:
    return LegalReference(act="BQFG", section=section, url=url, verified=verified)


def _directive(section: str, *, verified: bool = False) -> LegalReference:
    return LegalReference(
        act="Directive 2005/36/EC with the federal Fachrecht",
        section=section,
        url=DIRECTIVE_URL,
        verified=verified,
    )


Era = tuple[date, date | None, LegalReference]


def _versions(
    rule_id: str,
    title: str,
    stage: Stage,
    evaluate: Callable[[CaseContext], Finding],
    eras: Sequence[Era],
    **options: object,
) -> list[Rule]:
    """One rule in several versions, one per period of the law that grounds it."""
    return [
        Rule(
            id=rule_id,
            version=i,
            title=title,
            stage=stage,
            evaluate=evaluate,
            reference=ref,
            validity=Validity(valid_from=start, valid_until=until),
            **options,  # type: ignore[arg-type]
        )
        for i, (start, until, ref) in enumerate(eras, start=1)
    ]


def _eras(pre: LegalReference, bqfg: LegalReference) -> list[Era]:
    """Before the BQFG: the Directive with the Fachrecht; from 1 April 2012: the BQFG."""
    return [(MODELLED_FROM, BQFG_IN_FORCE, pre), (BQFG_IN_FORCE, None, bqfg)]


# ---------------------------------------------------------------------------------------------
# SCOPE


def _legal_path_pre_bqfg(ctx: CaseContext) -> Finding:
    occ = ctx.occupation
    basis = occ.legal_basis
    if basis is LegalBasis.BVFG_10:
        ctx.legal_path = LegalPath.BVFG
        return applied("legal basis is §10 BVFG: the separate route for resettled ethnic Germans")
    if basis is LegalBasis.LISBON_CONVENTION:
        ctx.legal_path = LegalPath.ACADEMIC
        ctx.route = RecognitionRoute.ACADEMIC_COMPARABILITY
        return applied("an academic degree for a non-regulated use: academic comparability")
    if not ctx.regulated:
        ctx.legal_path = LegalPath.NO_PROCEDURE
        ctx.add_obstacle(
            "NO_PROCEDURE_BEFORE_BQFG",
            "non-regulated occupations had no recognition procedure before 2012-04-01",
        )
        return applied("non-regulated occupation before the BQFG came into force: no procedure")
    if occ.law is LawLevel.STATE:
        ctx.legal_path = LegalPath.LAND_LAW
        return applied("regulated under the law of a Land")
    ctx.legal_path = LegalPath.FEDERAL_FACHRECHT
    return applied("regulated under federal professional law (Fachrecht)")


def _legal_path(ctx: CaseContext) -> Finding:
    occ = ctx.occupation
    basis = occ.legal_basis
    if basis is LegalBasis.BVFG_10:
        ctx.legal_path = LegalPath.BVFG
        return applied("legal basis is §10 BVFG: the separate route for resettled ethnic Germans")
    if basis is LegalBasis.LISBON_CONVENTION or (
        not ctx.regulated and occ.qualification_kind is QualificationKind.HIGHER_EDUCATION
    ):
        ctx.legal_path = LegalPath.ACADEMIC
        ctx.route = RecognitionRoute.ACADEMIC_COMPARABILITY
        return applied(
            "a university degree for a non-regulated use: no professional recognition; "
            "academic comparability (ZAB)"
        )
    if occ.law is LawLevel.STATE:
        ctx.legal_path = LegalPath.LAND_LAW
        return applied(
            "an occupation under the law of a Land: the Land's recognition act applies "
            "(federal defaults are used unless a Land plugin replaces them)"
        )
    if basis in (LegalBasis.FACHRECHT_BUND, LegalBasis.EU_2005_36):
        ctx.legal_path = LegalPath.FEDERAL_FACHRECHT
        return applied("federal professional law (Fachrecht) takes precedence over the BQFG")
    ctx.legal_path = LegalPath.BQFG
    return applied("the federal BQFG applies (with the HwO for crafts)")


def _professional_qualification(ctx: CaseContext) -> Finding:
    ctx.add_obstacle(
        "NOT_A_PROFESSIONAL_QUALIFICATION",
        "a school-leaving certificate is not a professional qualification",
    )
    return applied("a school-leaving certificate is not a training certificate under the act")


def _automatic_sectoral(ctx: CaseContext) -> Finding:
    if ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("no recognition procedure applies to the case")
    ctx.route = RecognitionRoute.AUTOMATIC_SECTORAL
    return applied(
        f"sectoral profession trained in {ctx.country_group.value} as of "
        f"{ctx.as_of.isoformat()}: automatic recognition"
    )


def _general_system(ctx: CaseContext) -> Finding:
    if ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("no recognition procedure applies to the case")
    if ctx.route is not None:
        return not_applied(f"route already found: {ctx.route.value}")
    ctx.route = RecognitionRoute.GENERAL_SYSTEM
    return applied(f"regulated profession, trained in {ctx.country_group.value}: general system")


def _national_route(ctx: CaseContext) -> Finding:
    if ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("no recognition procedure applies to the case")
    if ctx.route is not None:
        return not_applied(f"route already found: {ctx.route.value}")
    ctx.route = RecognitionRoute.NATIONAL
    if ctx.regulated:
        return applied(
            f"trained in {ctx.country_group.value}: national law (the Directive does not cover "
            "the case)"
        )
    return applied("non-regulated occupation: national law (the Directive does not apply)")


def _entitlement(ctx: CaseContext) -> Finding:
    q = ctx.qualification
    if q.regulated_in_country_of_training is not True:
        return not_applied(
            "the profession is not regulated in the country of training (or unknown)"
        )
    if q.entitled_to_practise is None:
        return not_applied("entitlement to practise there not stated (a next step asks for it)")
    if q.entitled_to_practise:
        return applied("entitled to practise in the country of training")
    ctx.add_obstacle(
        "NOT_ENTITLED_TO_PRACTISE",
        "not entitled to practise the profession in the country of training",
    )
    return applied("not entitled to practise in the country of training: condition not met")


# ---------------------------------------------------------------------------------------------
# COMPARISON


def _content(ctx: CaseContext) -> Finding:
    covered = ctx.qualification.competence_areas
    missing: list[str] = []
    minor: list[str] = []
    for area in ctx.occupation.competence_areas:
        if area.id in covered:
            continue
        ctx.add_difference(
            SubstantialDifference(
                area=area.id,
                basis=DifferenceBasis.CONTENT,
                kind=area.kind,
                essential=area.essential,
            )
        )
        (missing if area.essential else minor).append(area.id)
    if not missing and not minor:
        return applied("every competence area of the reference occupation is covered")
    note = "essential areas not covered: " + (", ".join(missing) or "none")
    if minor:
        note += "; non-essential areas not covered: " + ", ".join(minor)
    return applied(note)


def _duration(ctx: CaseContext) -> Finding:
    threshold: int = ctx.param(P_SHORTFALL)
    shortfall = ctx.occupation.nominal_duration_months - ctx.qualification.duration_months
    if shortfall < threshold:
        return applied(f"training shorter by {max(shortfall, 0)} months: below the threshold")
    ctx.scratch["duration_shortfall"] = shortfall
    ctx.add_difference(
        SubstantialDifference(
            area="duration",
            basis=DifferenceBasis.DURATION,
            description=f"training {shortfall} months shorter than the German one",
        )
    )
    return applied(f"training shorter by {shortfall} months: a substantial difference in duration")


def _level_check(ctx: CaseContext, *, amended: bool) -> Finding:
    required = ctx.occupation.required_directive_level
    held = ctx.qualification.directive_level
    if required is None or held is None:
        return not_applied("the required or the held Art. 11 level is not known")
    if amended:
        refused = (
            required is DirectiveLevel.E_DIPLOMA_4Y_PLUS and held is DirectiveLevel.A_ATTESTATION
        )
        rule = "level (a) where (e) is required"
    else:
        refused = required.rank - held.rank > 1
        rule = "more than one level below the required level"
    if refused:
        ctx.add_obstacle("LEVEL_TOO_LOW", f"Art. 11 level {held.value} is {rule}")
        return applied(f"held level {held.value}, required {required.value}: {rule}")
    return applied(f"held level {held.value}, required {required.value}: sufficient")


def _level_original(ctx: CaseContext) -> Finding:
    return _level_check(ctx, amended=False)


def _level_amended(ctx: CaseContext) -> Finding:
    return _level_check(ctx, amended=True)


# ---------------------------------------------------------------------------------------------
# COMPENSATION


#: The model records at most 50 years of experience per piece of evidence.
_MAX_EVIDENCE_MONTHS = 600


def _experience(ctx: CaseContext) -> Finding:
    remaining = ctx.remaining
    if not remaining:
        return not_applied("no difference to compensate")
    need: int = ctx.param(P_MONTHS_PER_AREA)
    q = ctx.qualification
    done: list[str] = []
    open_: list[str] = []
    for diff in remaining:
        if diff.basis is DifferenceBasis.CONTENT:
            months = q.evidenced_months(diff.area)
            target = need
            what = f"in {diff.area}"
        else:
            months = q.evidenced_months()
            target = int(ctx.scratch.get("duration_shortfall", need))
            what = "in the occupation"
        if months >= target:
            evidence = CompensationEvidence(
                kind=EvidenceKind.WORK_EXPERIENCE,
                description=f"{months} months of evidenced work experience {what}",
                months=min(months, _MAX_EVIDENCE_MONTHS),
            )
            ctx.replace_difference(diff, _compensated(diff, evidence))
            done.append(diff.area)
        else:
            ctx.add_remedy(diff.area, diff.basis, more_experience_months=target - months)
            open_.append(f"{diff.area} ({months} of {target} months)")
    if not done:
        return applied("evidenced experience compensates nothing yet: " + ", ".join(open_))
    note = "compensated by evidenced experience: " + ", ".join(done)
    if open_:
        note += "; still open: " + ", ".join(open_)
    return applied(note)


def _compensated(
    diff: SubstantialDifference, evidence: CompensationEvidence
) -> SubstantialDifference:
    return SubstantialDifference(
        area=diff.area,
        basis=diff.basis,
        kind=diff.kind,
        essential=diff.essential,
        compensated_by=evidence,
        description=diff.description,
    )


# ---------------------------------------------------------------------------------------------
# OUTCOME


def _outcome_obstacle(ctx: CaseContext) -> Finding:
    if ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("no equivalence assessment applies to the case")
    if not ctx.obstacles:
        return not_applied("nothing in the scope or comparison stands against equivalence")
    ctx.outcome = DecisionOutcome.NO_EQUIVALENCE
    return applied("no equivalence: " + "; ".join(o.note for o in ctx.obstacles))


def _too_little(ctx: CaseContext) -> Finding:
    if ctx.outcome is not None or ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("the outcome is already settled or no assessment applies")
    essential = [a.id for a in ctx.occupation.competence_areas if a.essential]
    if not essential:
        return not_applied("the reference occupation lists no essential competence areas")
    minimum: int = ctx.param(P_MIN_SHARE)
    open_areas = {
        d.area for d in ctx.differences if d.counts and d.basis is DifferenceBasis.CONTENT
    }
    covered = sum(1 for a in essential if a not in open_areas)
    share = covered * 100 // len(essential)
    if share >= minimum:
        return applied(f"{share}% of the essential areas covered: enough in common")
    ctx.outcome = DecisionOutcome.NO_EQUIVALENCE
    ctx.add_obstacle(
        "TOO_LITTLE_IN_COMMON", f"only {share}% of the essential competence areas are covered"
    )
    return applied(f"only {share}% of the essential areas covered (minimum {minimum}%)")


def _full(ctx: CaseContext) -> Finding:
    if ctx.outcome is not None or ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("the outcome is already settled or no assessment applies")
    if ctx.route is RecognitionRoute.AUTOMATIC_SECTORAL:
        ctx.outcome = DecisionOutcome.FULL_EQUIVALENCE
        return applied("automatic recognition: full equivalence")
    if ctx.remaining:
        return not_applied("substantial differences remain")
    ctx.outcome = DecisionOutcome.FULL_EQUIVALENCE
    return applied("no substantial difference remains: full equivalence")


def _partial(ctx: CaseContext) -> Finding:
    if ctx.outcome is not None or ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("the outcome is already settled or no assessment applies")
    ctx.outcome = DecisionOutcome.PARTIAL_EQUIVALENCE
    return applied("non-regulated occupation with remaining differences: partial equivalence")


def _measure_required(ctx: CaseContext) -> Finding:
    if ctx.outcome is not None or ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("the outcome is already settled or no assessment applies")
    ctx.outcome = DecisionOutcome.COMPENSATION_MEASURE_REQUIRED
    return applied("regulated profession with remaining differences: compensation measure")


# ---------------------------------------------------------------------------------------------
# MEASURES


def _covers(ctx: CaseContext) -> tuple[str, ...]:
    return tuple(d.area for d in ctx.remaining)


def _set_measures(
    ctx: CaseContext, measures: Sequence[CompensationMeasureType], *, chooses: bool
) -> str:
    covers = _covers(ctx)
    max_months: int | None = None
    if CompensationMeasureType.ADAPTATION_PERIOD in measures:
        max_months = ctx.param(P_MAX_ADAPTATION)
    for m in measures:
        ctx.add_measure(
            m,
            covers=covers,
            max_months=max_months if m is CompensationMeasureType.ADAPTATION_PERIOD else None,
        )
    ctx.applicant_chooses = chooses
    return " or ".join(m.value.lower().replace("_", " ") for m in measures)


def _needs_measure(ctx: CaseContext) -> bool:
    return ctx.outcome is DecisionOutcome.COMPENSATION_MEASURE_REQUIRED


def _doctor_knowledge_exam(ctx: CaseContext) -> Finding:
    if not _needs_measure(ctx):
        return not_applied("no compensation measure is required")
    what = _set_measures(ctx, [CompensationMeasureType.KNOWLEDGE_EXAM], chooses=False)
    return applied(f"third-country doctor: {what} (oral-practical; internal medicine and surgery)")


def _nurse_third_country(ctx: CaseContext) -> Finding:
    if not _needs_measure(ctx):
        return not_applied("no compensation measure is required")
    what = _set_measures(
        ctx,
        [CompensationMeasureType.KNOWLEDGE_EXAM, CompensationMeasureType.ADAPTATION_PERIOD],
        chooses=True,
    )
    return applied(f"third-country nurse: {what}, the applicant chooses")


def _eu_measures(ctx: CaseContext) -> Finding:
    if not _needs_measure(ctx):
        return not_applied("no compensation measure is required")
    if ctx.measures:
        return not_applied("the professional law already set the measures")
    what = _set_measures(
        ctx,
        [CompensationMeasureType.ADAPTATION_PERIOD, CompensationMeasureType.APTITUDE_TEST],
        chooses=True,
    )
    return applied(f"EU/EEA/CH qualification: {what}, the applicant chooses")


def _default_measures(ctx: CaseContext) -> Finding:
    if not _needs_measure(ctx):
        return not_applied("no compensation measure is required")
    if ctx.measures:
        return not_applied("a more specific rule already set the measures")
    what = _set_measures(
        ctx,
        [CompensationMeasureType.ADAPTATION_PERIOD, CompensationMeasureType.APTITUDE_TEST],
        chooses=True,
    )
    return applied(f"{what}, the applicant chooses unless the professional law says otherwise")


# ---------------------------------------------------------------------------------------------
# LICENSING


_CEFR_RANK = {level: i for i, level in enumerate(CefrLevel)}
_SAME_LANGUAGE = {"de": ("de", "deu"), "deu": ("de", "deu")}


def _held_level(
    skills: Sequence[LanguageSkill], language: str, scope: LanguageScope
) -> CefrLevel | None:
    """The best level held in a language and scope (an occupational level implies general)."""
    codes = _SAME_LANGUAGE.get(language, (language,))
    best: CefrLevel | None = None
    for skill in skills:
        if skill.language not in codes:
            continue
        applies = skill.scope is scope or scope is LanguageScope.GENERAL
        if applies and (best is None or _CEFR_RANK[skill.level] > _CEFR_RANK[best]):
            best = skill.level
    return best


def _language(ctx: CaseContext) -> Finding:
    reqs = ctx.occupation.language_requirements
    if not reqs:
        return not_applied("the occupation sets no language level for licensure")
    parts: list[str] = []
    skills = ctx.applicant.languages if ctx.applicant is not None else ()
    for req in reqs:
        held = _held_level(skills, req.language, req.scope)
        if held is None:
            status = LicensingStatus.UNKNOWN
        elif _CEFR_RANK[held] >= _CEFR_RANK[req.level]:
            status = LicensingStatus.MET
        else:
            status = LicensingStatus.UNMET
        ctx.add_licensing(
            language=req.language, scope=req.scope, required=req.level, held=held, status=status
        )
        scope = "general" if req.scope is LanguageScope.GENERAL else "occupational"
        parts.append(f"{req.level.value} {scope}: {status.value.lower()}")
    return applied("language for licensure: " + "; ".join(parts))


# ---------------------------------------------------------------------------------------------
# NEXT STEPS


def _qualification_analysis(ctx: CaseContext) -> Finding:
    if ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("no recognition procedure applies to the case")
    if not ctx.qualification.documents_missing_through_no_fault:
        return not_applied("no documents are missing through no fault of the applicant")
    ctx.add_next_step(NextStepKind.QUALIFICATION_ANALYSIS)
    return applied("documents missing through no fault: a qualification analysis is possible")


def _statement_of_comparability(ctx: CaseContext) -> Finding:
    if ctx.legal_path is not LegalPath.ACADEMIC:
        return not_applied("not an academic degree for a non-regulated use")
    if ctx.qualification.kind is not QualificationKind.HIGHER_EDUCATION:
        return not_applied("a Statement of Comparability is only for higher-education degrees")
    ctx.add_next_step(NextStepKind.STATEMENT_OF_COMPARABILITY)
    return applied("a Statement of Comparability from the ZAB")


def _missing_documents(ctx: CaseContext) -> Finding:
    missing = ctx.qualification.missing_documents
    if not missing and ctx.qualification.documents_complete:
        return not_applied("no documents are missing")
    kinds = tuple(sorted({d.kind.value for d in missing}))
    ctx.add_next_step(NextStepKind.SUBMIT_MISSING_DOCUMENTS, kinds)
    return applied("documents still missing: " + (", ".join(kinds) or "not itemised"))


def _entitlement_certificate(ctx: CaseContext) -> Finding:
    q = ctx.qualification
    if q.regulated_in_country_of_training is not True or q.entitled_to_practise is not None:
        return not_applied("no certificate of entitlement to practise is outstanding")
    ctx.add_next_step(NextStepKind.CERTIFICATE_OF_ENTITLEMENT)
    return applied("a certificate of entitlement to practise in the country of training")


def _exempt_from_intent_proof(ctx: CaseContext) -> bool | None:
    applicant = ctx.applicant
    if applicant is None:
        return None
    if applicant.residence_state is not None:
        return True
    places = set(applicant.nationalities)
    if applicant.residence_country is not None:
        places.add(applicant.residence_country)
    return any(country_group(c.code, ctx.as_of) in _DE_EU_EEA_CH for c in places)


def _intent_to_work(ctx: CaseContext) -> Finding:
    if ctx.legal_path not in PROCEDURE_PATHS:
        return not_applied("no recognition procedure applies to the case")
    exempt = _exempt_from_intent_proof(ctx)
    if exempt is None:
        return not_applied("no applicant given: residence and nationality unknown")
    if exempt:
        return not_applied("resident in or a national of the EU, the EEA or Switzerland")
    ctx.add_next_step(NextStepKind.PROOF_OF_INTENT_TO_WORK)
    return applied("neither resident in nor a national of the EU/EEA/CH: show intent to work")


def _adaptation_qualification(ctx: CaseContext) -> Finding:
    if ctx.outcome is not DecisionOutcome.PARTIAL_EQUIVALENCE:
        return not_applied("the outcome is not partial equivalence")
    ctx.add_next_step(NextStepKind.ADAPTATION_QUALIFICATION, _covers(ctx))
    return applied("an adaptation qualification for the differences, then a follow-up application")


def _compensation_measure_step(ctx: CaseContext) -> Finding:
    if not _needs_measure(ctx):
        return not_applied("no compensation measure is required")
    ctx.add_next_step(
        NextStepKind.COMPENSATION_MEASURE, tuple(sorted(m.type.value for m in ctx.measures))
    )
    return applied("take a permitted compensation measure, then apply for licensure")


def _bvfg_step(ctx: CaseContext) -> Finding:
    if ctx.legal_path is not LegalPath.BVFG:
        return not_applied("not a case under §10 BVFG")
    ctx.add_next_step(NextStepKind.BVFG_PROCEDURE)
    return applied("the procedure under §10 BVFG, not the BQFG")


# ---------------------------------------------------------------------------------------------
# The registrations


def rules() -> list[Rule]:
    """Every federal and EU rule, in all versions."""
    out: list[Rule] = []
    sectoral = frozenset(SectoralProfession)
    regulated_ = Selector(regulated=True)
    examined = Selector(routes=EXAMINED_ROUTES)

    # SCOPE
    out += [
        Rule(
            id="fed.scope.legal_path",
            version=1,
            title="Which law governs the procedure (before the BQFG)",
            stage=Stage.SCOPE,
            evaluate=_legal_path_pre_bqfg,
            reference=_directive("Art. 2 (scope); federal Fachrecht (BÄO, KrPflG …)"),
            validity=Validity(valid_from=MODELLED_FROM, valid_until=BQFG_IN_FORCE),
            order=10,
            inputs=("occupation.legal_basis", "occupation.regulation", "occupation.law"),
        ),
        Rule(
            id="fed.scope.legal_path",
            version=2,
            title="Which law governs the procedure",
            stage=Stage.SCOPE,
            evaluate=_legal_path,
            reference=_bqfg("§2(1)"),
            validity=Validity(valid_from=BQFG_IN_FORCE),
            order=10,
            inputs=(
                "occupation.legal_basis",
                "occupation.regulation",
                "occupation.law",
                "occupation.qualification_kind",
            ),
        ),
        Rule(
            id="bqfg.scope.professional_qualification",
            version=1,
            title="Only professional qualifications can be recognised",
            stage=Stage.SCOPE,
            evaluate=_professional_qualification,
            reference=_bqfg("§2(1), §3(2)"),
            validity=Validity(valid_from=BQFG_IN_FORCE),
            selector=Selector(qualification_kinds={QualificationKind.SCHOOL}),
            order=20,
            inputs=("qualification.kind",),
        ),
        Rule(
            id="eu.scope.automatic_sectoral",
            version=1,
            title="Automatic recognition of the sectoral professions (EU/EEA/CH)",
            stage=Stage.SCOPE,
            evaluate=_automatic_sectoral,
            reference=LegalReference(
                act="Directive 2005/36/EC",
                section="Art. 21, Annex V",
                url=DIRECTIVE_URL,
                verified=False,
            ),
            validity=Validity(valid_from=MODELLED_FROM),
            selector=Selector(sectoral=sectoral, country_groups=EU_EEA_CH),
            order=30,
            inputs=("occupation.sectoral", "qualification.country_of_training"),
        ),
        Rule(
            id="eu.scope.general_system",
            version=1,
            title="General system for regulated professions (EU/EEA/CH)",
            stage=Stage.SCOPE,
            evaluate=_general_system,
            reference=LegalReference(
                act="Directive 2005/36/EC",
                section="Title III Chapter I (Art. 10-15)",
                url=EC_GENERAL_SYSTEM_URL,
            ),
            validity=Validity(valid_from=MODELLED_FROM),
            selector=Selector(regulated=True, country_groups=EU_EEA_CH),
            order=40,
            inputs=("occupation.regulation", "qualification.country_of_training"),
        ),
    ]
    out += _versions(
        "fed.scope.national_route",
        "National law for third-country qualifications and non-regulated occupations",
        Stage.SCOPE,
        _national_route,
        _eras(_directive("Art. 2(1); national law for other cases"), _bqfg("§§4, 9")),
        order=50,
        inputs=("qualification.country_of_training", "occupation.regulation"),
    )
    out += _versions(
        "bqfg.scope.entitlement_to_practise",
        "Entitled to practise where the profession is regulated in the country of training",
        Stage.SCOPE,
        _entitlement,
        _eras(_directive("Art. 13(1)"), _bqfg("§9(1) No. 3")),
        selector=regulated_,
        order=60,
        inputs=(
            "qualification.regulated_in_country_of_training",
            "qualification.entitled_to_practise",
        ),
    )

    # COMPARISON
    out += _versions(
        "fed.comparison.content",
        "Content differences: essential competence areas not covered",
        Stage.COMPARISON,
        _content,
        _eras(_directive("Art. 14(1)"), _bqfg("§4(2) No. 1-2, §9(2) No. 1-2")),
        selector=examined,
        order=10,
        inputs=("occupation.competence_areas", "qualification.competence_areas"),
    )
    out += _versions(
        "fed.comparison.duration",
        "Duration differences beyond a threshold",
        Stage.COMPARISON,
        _duration,
        _eras(_directive("Art. 14(1)(a) (original version)"), _bqfg("§4(2) No. 1, §9(2) No. 1")),
        selector=examined,
        order=20,
        parameters=(P_SHORTFALL,),
        inputs=("occupation.nominal_duration_months", "qualification.duration_months"),
    )
    out += [
        Rule(
            id="eu.comparison.level",
            version=1,
            title="Level check of Art. 11/13 (at most one level below)",
            stage=Stage.COMPARISON,
            evaluate=_level_original,
            reference=LegalReference(
                act="Directive 2005/36/EC", section="Art. 13(1)", url=EC_GENERAL_SYSTEM_URL
            ),
            validity=Validity(valid_from=MODELLED_FROM, valid_until=DIRECTIVE_2013_55_APPLIES),
            selector=Selector(routes={RecognitionRoute.GENERAL_SYSTEM}),
            order=30,
            inputs=("occupation.required_directive_level", "qualification.directive_level"),
        ),
        Rule(
            id="eu.comparison.level",
            version=2,
            title="Level check of Art. 11/13 as amended by Directive 2013/55/EU",
            stage=Stage.COMPARISON,
            evaluate=_level_amended,
            reference=LegalReference(
                act="Directive 2005/36/EC as amended by Directive 2013/55/EU",
                section="Art. 13",
                url=DIRECTIVE_URL,
                verified=False,
            ),
            validity=Validity(valid_from=DIRECTIVE_2013_55_APPLIES),
            selector=Selector(routes={RecognitionRoute.GENERAL_SYSTEM}),
            order=30,
            inputs=("occupation.required_directive_level", "qualification.directive_level"),
        ),
    ]

    # COMPENSATION
    out += _versions(
        "fed.compensation.experience",
        "Evidenced work experience compensates differences",
        Stage.COMPENSATION,
        _experience,
        _eras(_directive("Art. 14(5)"), _bqfg("§4(2) No. 3, §9(2) No. 3")),
        selector=examined,
        order=10,
        parameters=(P_MONTHS_PER_AREA,),
        inputs=("qualification.experience",),
    )

    # OUTCOME
    out += _versions(
        "fed.outcome.obstacle",
        "No equivalence when a condition of the act is not met",
        Stage.OUTCOME,
        _outcome_obstacle,
        _eras(_directive("Art. 13"), _bqfg("§4(1), §9(1)")),
        order=10,
    )
    out += _versions(
        "fed.outcome.too_little_in_common",
        "No equivalence when too little is in common with the reference occupation",
        Stage.OUTCOME,
        _too_little,
        _eras(_directive("Art. 13"), _bqfg("§4(1) No. 1, §9(1) No. 1")),
        selector=examined,
        order=20,
        parameters=(P_MIN_SHARE,),
    )
    out += _versions(
        "fed.outcome.full",
        "Full equivalence when no substantial difference remains",
        Stage.OUTCOME,
        _full,
        _eras(_directive("Art. 13, Art. 21"), _bqfg("§4(1), §9(1)")),
        order=30,
    )
    out.append(
        Rule(
            id="bqfg.outcome.partial",
            version=1,
            title="Partial equivalence (non-regulated occupations only)",
            stage=Stage.OUTCOME,
            evaluate=_partial,
            reference=_bqfg("§7(2)", url=BQFG7_URL),
            validity=Validity(valid_from=BQFG_IN_FORCE),
            selector=Selector(regulated=False),
            order=40,
        )
    )
    out += _versions(
        "fed.outcome.measure_required",
        "Compensation measure required (regulated professions only)",
        Stage.OUTCOME,
        _measure_required,
        _eras(_directive("Art. 14"), _bqfg("§10")),
        selector=regulated_,
        order=50,
    )

    # MEASURES
    out += [
        Rule(
            id="baeo.measures.knowledge_exam",
            version=1,
            title="Doctors trained in a third country: knowledge exam",
            stage=Stage.MEASURES,
            evaluate=_doctor_knowledge_exam,
            reference=LegalReference(act="ÄApprO", section="§37", url=AEAPPRO37_URL),
            validity=Validity(valid_from=BQFG_IN_FORCE),
            selector=Selector(
                regulated=True,
                sectoral={SectoralProfession.DOCTOR},
                country_groups={CountryGroup.THIRD_COUNTRY},
            ),
            order=10,
            inputs=("occupation.sectoral", "qualification.country_of_training"),
        ),
        Rule(
            id="krpflg.measures.third_country",
            version=1,
            title="Nurses trained in a third country: knowledge exam or adaptation period (KrPflG)",
            stage=Stage.MEASURES,
            evaluate=_nurse_third_country,
            reference=LegalReference(act="KrPflG", section="§2(3)", verified=False),
            validity=Validity(valid_from=MODELLED_FROM, valid_until=PFLBG_IN_FORCE),
            selector=Selector(
                regulated=True,
                sectoral={SectoralProfession.NURSE_GENERAL_CARE},
                country_groups={CountryGroup.THIRD_COUNTRY},
            ),
            order=20,
            parameters=(P_MAX_ADAPTATION,),
            inputs=("occupation.sectoral", "qualification.country_of_training"),
        ),
        Rule(
            id="pflbg.measures.third_country",
            version=1,
            title="Nurses trained in a third country: knowledge exam or adaptation period (PflBG)",
            stage=Stage.MEASURES,
            evaluate=_nurse_third_country,
            reference=LegalReference(act="PflBG", section="§40", url=PFLBG_URL),
            validity=Validity(valid_from=PFLBG_IN_FORCE),
            selector=Selector(
                regulated=True,
                sectoral={SectoralProfession.NURSE_GENERAL_CARE},
                country_groups={CountryGroup.THIRD_COUNTRY},
            ),
            order=20,
            replaces="krpflg.measures.third_country",
            parameters=(P_MAX_ADAPTATION,),
            inputs=("occupation.sectoral", "qualification.country_of_training"),
        ),
        Rule(
            id="eu.measures.adaptation_or_aptitude",
            version=1,
            title="EU/EEA/CH qualifications: adaptation period or aptitude test, applicant chooses",
            stage=Stage.MEASURES,
            evaluate=_eu_measures,
            reference=LegalReference(
                act="Directive 2005/36/EC", section="Art. 14(1)-(2)", url=EC_GENERAL_SYSTEM_URL
            ),
            validity=Validity(valid_from=MODELLED_FROM),
            selector=Selector(regulated=True, country_groups=EU_EEA_CH),
            order=30,
            parameters=(P_MAX_ADAPTATION,),
            inputs=("qualification.country_of_training",),
        ),
    ]
    out += _versions(
        "bqfg.measures.default",
        "Adaptation period or aptitude test, restricted to the differences found",
        Stage.MEASURES,
        _default_measures,
        _eras(_directive("Art. 14(1)-(3)"), _bqfg("§11(1)-(3)")),
        selector=regulated_,
        order=90,
        parameters=(P_MAX_ADAPTATION,),
    )

    # LICENSING
    out.append(
        Rule(
            id="fed.licensing.language",
            version=1,
            title="Language for licensure (not settled by recognition)",
            stage=Stage.LICENSING,
            evaluate=_language,
            reference=LegalReference(act="Fachrecht", url=LANGUAGE_URL),
            validity=Validity(valid_from=MODELLED_FROM),
            order=10,
            inputs=("occupation.language_requirements", "applicant.languages"),
        )
    )

    # NEXT STEPS
    out += [
        Rule(
            id="bqfg.next.qualification_analysis",
            version=1,
            title="Qualification analysis when documents are missing through no fault",
            stage=Stage.NEXT_STEPS,
            evaluate=_qualification_analysis,
            reference=LegalReference(act="BQFG", section="§14; HwO §50c", url=QA_URL),
            validity=Validity(valid_from=BQFG_IN_FORCE),
            selector=Selector(legal_bases={LegalBasis.BQFG_BUND, LegalBasis.HWO}),
            order=10,
            inputs=("qualification.documents_missing_through_no_fault",),
        ),
        Rule(
            id="zab.next.statement_of_comparability",
            version=1,
            title="Statement of Comparability (ZAB) for non-regulated academic degrees",
            stage=Stage.NEXT_STEPS,
            evaluate=_statement_of_comparability,
            reference=LegalReference(act="Lisbon Recognition Convention (ZAB)", url=ZAB_URL),
            validity=Validity(valid_from=MODELLED_FROM),
            order=20,
            inputs=("qualification.kind",),
        ),
    ]
    out += _versions(
        "bqfg.next.missing_documents",
        "Documents still missing",
        Stage.NEXT_STEPS,
        _missing_documents,
        _eras(_directive("Art. 50, Annex VII"), _bqfg("§5, §12", url=BQFG12_URL)),
        order=30,
        inputs=("qualification.documents", "qualification.documents_complete"),
    )
    out += _versions(
        "bqfg.next.entitlement_certificate",
        "Certificate of entitlement to practise in the country of training",
        Stage.NEXT_STEPS,
        _entitlement_certificate,
        _eras(_directive("Annex VII"), _bqfg("§12", url=BQFG12_URL)),
        selector=regulated_,
        order=40,
        inputs=(
            "qualification.regulated_in_country_of_training",
            "qualification.entitled_to_practise",
        ),
    )
    out += [
        Rule(
            id="bqfg.next.intent_to_work",
            version=1,
            title="Proof of intent to work (not for EU/EEA/CH residents or nationals)",
            stage=Stage.NEXT_STEPS,
            evaluate=_intent_to_work,
            reference=_bqfg("§5(6)"),
            validity=Validity(valid_from=BQFG_IN_FORCE),
            order=50,
            inputs=(
                "applicant.nationalities",
                "applicant.residence_country",
                "applicant.residence_state",
            ),
        ),
        Rule(
            id="bqfg.next.adaptation_qualification",
            version=1,
            title="Adaptation qualification and follow-up application after partial equivalence",
            stage=Stage.NEXT_STEPS,
            evaluate=_adaptation_qualification,
            reference=LegalReference(act="BQFG", section="§7(2)", url=ADAPTATION_URL),
            validity=Validity(valid_from=BQFG_IN_FORCE),
            selector=Selector(regulated=False),
            order=60,
        ),
    ]
    out += _versions(
        "fed.next.compensation_measure",
        "Take a permitted compensation measure",
        Stage.NEXT_STEPS,
        _compensation_measure_step,
        _eras(_directive("Art. 14"), _bqfg("§10, §11")),
        selector=regulated_,
        order=70,
    )
    out.append(
        Rule(
            id="bvfg.next.procedure",
            version=1,
            title="Resettled ethnic Germans: procedure under §10 BVFG",
            stage=Stage.NEXT_STEPS,
            evaluate=_bvfg_step,
            reference=_bqfg("§2(1) (BVFG §10 takes precedence)"),
            validity=Validity(valid_from=BQFG_IN_FORCE),
            selector=Selector(legal_bases={LegalBasis.BVFG_10}),
            order=80,
        )
    )
    return out


def parameters() -> list[Parameter[int]]:
    """The federal dated parameters."""
    counselling_default = "counselling default of iqcore; the act fixes no figure"
    return [
        Parameter.series(
            id=P_SHORTFALL,
            title="Months by which a shorter training counts as a difference in duration",
            unit="months",
            values=[
                (
                    MODELLED_FROM,
                    BQFG_IN_FORCE,
                    12,
                    _directive("Art. 14(1)(a) (original version: at least one year shorter)"),
                ),
                (
                    BQFG_IN_FORCE,
                    None,
                    12,
                    _bqfg(f"§4(2) No. 1, §9(2) No. 1 ({counselling_default})", verified=False),
                ),
            ],
        ),
        Parameter.constant(
            id=P_MONTHS_PER_AREA,
            title="Months of evidenced experience in an area that compensate a difference in it",
            unit="months",
            value=12,
            valid_from=MODELLED_FROM,
            reference=_bqfg(f"§4(2) No. 3, §9(2) No. 3 ({counselling_default})", verified=False),
        ),
        # Below one half on purpose: negative decisions are rare (about 3% of the decisions in
        # 2023 and 2024, domain notes §5, [S26]), and a teacher with one of two subjects and no
        # preparatory service (2 of 5 areas) typically gets a compensation measure, not a
        # rejection (notes §2.1); one area of three is too little.
        Parameter.constant(
            id=P_MIN_SHARE,
            title="Least share of essential competence areas covered for comparable activities",
            unit="percent",
            value=40,
            valid_from=MODELLED_FROM,
            reference=_bqfg(f"§4(1) No. 1, §9(1) No. 1 ({counselling_default})", verified=False),
        ),
        Parameter.series(
            id=P_MAX_ADAPTATION,
            title="Longest adaptation period",
            unit="months",
            values=[
                (
                    MODELLED_FROM,
                    BQFG_IN_FORCE,
                    36,
                    LegalReference(
                        act="Directive 2005/36/EC", section="Art. 14(1)", url=EC_GENERAL_SYSTEM_URL
                    ),
                ),
                (BQFG_IN_FORCE, None, 36, _bqfg("§11(1)")),
            ],
        ),
    ]


@hookimpl
def iqcore_register_rules(register: RuleRegistrar) -> None:
    register(*rules())


@hookimpl
def iqcore_register_parameters(register: ParameterRegistrar) -> None:
    register(*parameters())
