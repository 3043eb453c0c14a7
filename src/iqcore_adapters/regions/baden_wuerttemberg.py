"""Baden-Württemberg (DE-BW): the Land plugin ``regions.bw``.

What it adds for cases in Baden-Württemberg:

* **Engineers** (Ingenieurgesetz, IngG BW): the act of 23 February 2016 (in force 27 February
  2016, when the act of 30 March 1971 ceased) asks for a technical or natural-science study of at
  least six semesters, that is at least 180 ECTS credits, predominantly mathematics, informatics,
  natural sciences and technology; after a foreign degree the Ingenieurkammer gives the permission
  (§1(1) no. 2, §3). Before 2016 the notes' three years [S16] is applied, marked unverified (the
  1971 act's own minimum is not confirmed). ``bw.comparison.duration`` **replaces**
  ``fed.comparison.duration`` in the Land.
* **Teachers** (Regierungspräsidium Tübingen, for all school types in the whole Land): German at
  C2, or C1 with a language colloquium, is a condition of employment as a teacher
  (``bw.licensing.language`` **replaces** ``fed.licensing.language`` in the Land); a different
  practical school training is compensated by three years of professional experience, otherwise
  by an examination or a course of up to twelve months, the applicant choosing; a missing second
  subject is studied at a university or examined. The Land's service pages give no stand date:
  these values are modelled from 1 January 2024 (``ATTESTED_FROM``).
* **Competent bodies**: Regierungspräsidium Tübingen (teachers), Ingenieurkammer
  Baden-Württemberg (engineers); Regierungspräsidium Stuttgart (health professions) is shipped.
* **Occupations**: the Land's records of teacher, engineer, educator and social worker.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from iqcore.model.codes import CefrLevel, FederalState
from iqcore.model.decisions import CompensationMeasureType
from iqcore.model.people import LanguageScope
from iqcore.model.programme import AuthorityKind, CompetentAuthority
from iqcore.model.qualifications import LanguageRequirement, ReferenceOccupation
from iqcore.rules.context import CaseContext
from iqcore.rules.core import Finding, Rule, Selector, Stage, applied, not_applied
from iqcore.rules.dated import LegalReference, Parameter, Validity
from iqcore_adapters.regions._common import (
    ATTESTED_FROM,
    MODELLED_FROM,
    EngineerEra,
    Land,
    engineer_duration_rule,
    engineer_field_rule,
    engineer_parameters,
    land_measures,
    needs_measure,
    registering,
    revert_short_compensation,
    teacher_german_parameter,
    teacher_language_rule,
)

__all__ = [
    "INGG_2016_IN_FORCE",
    "PREFIX",
    "STATE",
    "authorities",
    "iqcore_plugin_name",
    "iqcore_register_authorities",
    "iqcore_register_occupations",
    "iqcore_register_parameters",
    "iqcore_register_rules",
    "occupations",
    "parameters",
    "rules",
]

#: The plugin's name (also its entry-point name).
iqcore_plugin_name = "regions.bw"
STATE = FederalState.BW
PREFIX = "bw"
_LAND = Land(state=STATE, prefix=PREFIX, name="Baden-Württemberg")

#: The IngG of 23 February 2016 replaced the act of 30 March 1971 on 27 February 2016.
INGG_2016_IN_FORCE = date(2016, 2, 27)

_INGG_TEXT = "https://umwelt-online.de/recht/bau/laender/bw/ingg16.htm"
_INGG_OLD = "https://justiz-nrw.wolterskluwer-online.de/browse/document/cc62f9a7-5fbc-3388-9c5f-3279e48fe1cd"
_S16 = "https://www.moeckmuehl.de/rathaus-service/virtuelles-rathaus-formulare/dienstleistungen"
_COURT = (
    "https://ra-melchinger.de/faelle/voraussetzungen-nicht-erfuellt-verwaltungsgericht-lehnt-"
    "genehmigung-zum-fuehren-der-berufsbezeichnung-ingenieur-ab"
)
_TEACHER_SERVICE = (
    "https://weinheim.de/,Len/-/verfahrensbeschreibung/"
    "applying-for-recognition-of-a-foreign-teaching-diploma/vbid6001991"
)
_TEACHER_SERVICE_DE = (
    "https://plankstadt.de/-/2261640/anerkennung-eines-auslaendischen-lehrerdiploms-beantragen/"
    "vbid6001991"
)
_RP_TUEBINGEN = "https://rp.baden-wuerttemberg.de/rpt/Abt7/Seiten/aktuellemeldung.aspx?rid=1464"

_INGG_1971 = LegalReference(
    act="IngG (Baden-Württemberg, 1971)",
    section="§1 (the notes' minimum of three years [S16]; the act's own minimum unconfirmed)",
    url=_S16,
    verified=False,
)
_INGG_2016 = LegalReference(
    act="IngG (Baden-Württemberg, 2016)",
    section="§1 para. 1 no. 1 (six semesters, 180 ECTS, predominantly MINT), §3",
    url=_INGG_TEXT,
)
_TEACHER_REF = LegalReference(
    act="Recognition of foreign teaching qualifications in Baden-Württemberg (service-bw)",
    section="German C2, or C1 with a language colloquium; practical training: three years of "
    "experience, else an examination or a course of up to 12 months (stand date not given)",
    url=_TEACHER_SERVICE,
)

_P_MAX_COURSE = "bw.teacher.max_adaptation_months"
_P_PRACTICE = "bw.teacher.practice_months_compensating"

_ENGINEER_ERAS = (
    EngineerEra(
        valid_from=MODELLED_FROM,
        valid_until=INGG_2016_IN_FORCE,
        act="IngG BW (1971)",
        reference=_INGG_1971,
        months=36,
    ),
    EngineerEra(
        valid_from=INGG_2016_IN_FORCE,
        valid_until=None,
        act="IngG BW (2016)",
        reference=_INGG_2016,
        months=36,
        ects=180,
    ),
)


def parameters() -> list[Parameter[Any]]:
    """Baden-Württemberg's dated parameters."""
    return [
        *engineer_parameters(
            _LAND,
            _ENGINEER_ERAS,
            months_title="Engineer title: least months of study (IngG BW)",
            ects_title="Engineer title: least ECTS credits (IngG BW 2016)",
        ),
        teacher_german_parameter(
            _LAND,
            level=CefrLevel.C2,
            title="Teachers: German level for employment (C2, or C1 with a language colloquium)",
            reference=_TEACHER_REF,
        ),
        _LAND.constant(
            id=_P_MAX_COURSE,
            title="Teachers: longest course compensating a different practical school training",
            unit="months",
            value=12,
            reference=_TEACHER_REF,
        ),
        _LAND.constant(
            id=_P_PRACTICE,
            title="Teachers: months of school practice that compensate the practical training",
            unit="months",
            value=36,
            reference=_TEACHER_REF,
        ),
    ]


def _teacher_practice(ctx: CaseContext) -> Finding:
    need: int = ctx.param(_P_PRACTICE)
    reverted, months = revert_short_compensation(ctx, "preparatory_service", need)
    if reverted:
        return applied(
            f"{months} months of evidenced school practice: Baden-Württemberg asks for {need} "
            "to compensate the practical training; the difference remains"
        )
    return not_applied(
        "no compensation of the practical training to check against the Land's three years"
    )


def _teacher_measures(ctx: CaseContext) -> Finding:
    if not needs_measure(ctx):
        return not_applied("no compensation measure is required")
    longest: int = ctx.param(_P_MAX_COURSE)
    what = land_measures(
        ctx,
        [CompensationMeasureType.ADAPTATION_PERIOD, CompensationMeasureType.APTITUDE_TEST],
        max_adaptation_months=longest,
        chooses=True,
    )
    return applied(
        f"{what}, the applicant chooses; the course lasts at most {longest} months (a missing "
        "second subject is studied at a university or examined)"
    )


def rules() -> list[Rule]:
    """Baden-Württemberg's rules (two replace federal rules within the Land)."""
    return [
        *engineer_duration_rule(_LAND, _ENGINEER_ERAS),
        engineer_field_rule(
            _LAND,
            act="IngG BW",
            reference=LegalReference(
                act="IngG (Baden-Württemberg)",
                section="§1 para. 1 no. 1: technical or natural-science study, predominantly MINT",
                url=_INGG_TEXT,
            ),
        ),
        teacher_language_rule(
            _LAND, reference=_TEACHER_REF, what="C2, or C1 with a language colloquium"
        ),
        Rule(
            id="bw.compensation.teacher_practice",
            version=1,
            title="Teachers: three years of school practice compensate the practical training",
            stage=Stage.COMPENSATION,
            evaluate=_teacher_practice,
            reference=_TEACHER_REF,
            validity=Validity(valid_from=ATTESTED_FROM),
            jurisdiction=_LAND.jurisdiction,
            selector=Selector(occupation_ids=_LAND.teachers),
            order=20,
            parameters=(_P_PRACTICE,),
            inputs=("qualification.experience",),
        ),
        Rule(
            id="bw.measures.teacher",
            version=1,
            title="Teachers: an examination or a course of up to 12 months, the applicant chooses",
            stage=Stage.MEASURES,
            evaluate=_teacher_measures,
            reference=_TEACHER_REF,
            validity=Validity(valid_from=ATTESTED_FROM),
            jurisdiction=_LAND.jurisdiction,
            selector=Selector(regulated=True, occupation_ids=_LAND.teachers),
            order=25,
            parameters=(_P_MAX_COURSE,),
        ),
    ]


def occupations() -> list[ReferenceOccupation]:
    """Baden-Württemberg's records of the Länder-law occupations."""
    return [
        _LAND.occupation(
            "teacher",
            legal_reference="Recognition against a Baden-Württemberg teaching qualification by "
            "the Regierungspräsidium Tübingen (the act is not named by the cited sources)",
            source=f"{_TEACHER_SERVICE} | {_TEACHER_SERVICE_DE} | {_RP_TUEBINGEN} | [S15]",
            unverified=("legal_reference",),
            language_requirements=[
                LanguageRequirement(
                    scope=LanguageScope.GENERAL,
                    level=CefrLevel.C2,
                    legal_reference="C2, or C1 with a language colloquium (service-bw)",
                )
            ],
        ),
        _LAND.occupation(
            "engineer",
            legal_reference="Ingenieurgesetz Baden-Württemberg of 23 February 2016, §1 para. 1, "
            "§3 (permission by the Ingenieurkammer after a foreign degree)",
            source=f"{_INGG_TEXT} | {_INGG_OLD} | [S16] {_S16} | {_COURT}",
        ),
        *_LAND.unnamed_law_occupations(
            legal_reference="Land law of Baden-Württemberg (not named by a cited source)",
            source="[S5] | domain notes §1.1",
        ),
    ]


def authorities() -> list[CompetentAuthority]:
    """Baden-Württemberg's bodies for the Länder-law occupations (health bodies are shipped)."""
    return [
        _LAND.authority(
            id="bw-rp-tuebingen",
            name="Regierungspräsidium Tübingen (recognition of foreign teaching qualifications)",
            kind=AuthorityKind.LAND_AUTHORITY,
            occupations=_LAND.teachers,
            source=f"{_RP_TUEBINGEN} | {_TEACHER_SERVICE}",
            note="Assesses and recognises foreign teaching qualifications for all school types "
            "in the whole Land; not competent for other qualifications such as Erzieher.",
        ),
        _LAND.authority(
            id="bw-ingenieurkammer",
            name="Ingenieurkammer Baden-Württemberg",
            kind=AuthorityKind.ENGINEERS_CHAMBER,
            occupations=_LAND.engineers,
            source=f"{_INGG_TEXT} | {_COURT} | [S16] {_S16}",
            note="Permission to use the title engineer after a foreign degree (IngG BW 2016 "
            "§1(1) no. 2, §3); it consults the ZAB.",
        ),
    ]


iqcore_register_rules = registering(rules)
iqcore_register_parameters = registering(parameters)
iqcore_register_occupations = registering(occupations)
iqcore_register_authorities = registering(authorities)
