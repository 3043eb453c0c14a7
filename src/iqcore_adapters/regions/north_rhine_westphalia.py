"""North Rhine-Westphalia (DE-NW): the Land plugin ``regions.nw``.

The Land has two IQ networks since 2023 (IQ NRW – West and IQ NRW – Ost) and had one
Landesnetzwerk before; their plugins add network data, this one the Land's law. For cases in NRW:

* **Engineers** (Ingenieurgesetz NRW, IngG NRW, of 5 May 1970): the title needs a technical or
  natural-science university study of at least three study years. After a foreign degree the
  Bezirksregierung of the place of residence gives the permission, under the BQFG NRW (§2(6)
  IngG NRW); since 31 August 2018 applicants in the building sector may apply to the
  Ingenieurkammer-Bau NRW. ``nw.comparison.duration`` **replaces** ``fed.comparison.duration``
  in the Land.
* **Teachers**: third-country qualifications are recognised centrally by the Bezirksregierung
  Detmold, EU/EEA/CH qualifications by the Bezirksregierung Arnsberg (free of charge). German at
  C1 is a condition for processing a third-country application (§1(3) no. 2 AnerkennungsVO
  Berufsqualifikation Lehramt); Arnsberg recommends C1 at application too.
  ``nw.licensing.language`` **replaces** ``fed.licensing.language`` in the Land, from 1 January
  2024 (the pages give no stand date).
* **Health**: ZAG-aH NRW is shipped with iqcore (knowledge exams for doctors by the ÄKWL since
  February 2021 [S28]).
* **Occupations**: the Land's records of teacher, engineer, educator and social worker.
* **Training**: QualifyING (Hochschule Bielefeld, TH Georg Agricola Bochum, TH OWL), a one-year
  programme for engineers with foreign degrees, mostly refugees, in three phases: technical
  language and career workshops, university modules, and an internship; topics include DIN
  standards and time and project management; a certificate of the universities [S28]. It is
  funded by the Land's Ministry of Culture and Science, not by IQ, so it belongs to no IQ network
  (``network_id`` None) and its priority area is only the nearest one (listed in
  ``unverified``, with the modules, whose hours are placeholders).
"""

from __future__ import annotations

from typing import Any

from iqcore.model.codes import CefrLevel, FederalState
from iqcore.model.people import LanguageScope
from iqcore.model.programme import AuthorityKind, CompetentAuthority, PriorityArea
from iqcore.model.qualifications import LanguageRequirement, ReferenceOccupation
from iqcore.model.training import Module, TrainingScheme
from iqcore.rules.core import Rule
from iqcore.rules.dated import LegalReference, Parameter
from iqcore_adapters.regions._common import (
    MODELLED_FROM,
    EngineerEra,
    Land,
    engineer_duration_rule,
    engineer_field_rule,
    engineer_parameters,
    registering,
    teacher_german_parameter,
    teacher_language_rule,
)

__all__ = [
    "PREFIX",
    "STATE",
    "authorities",
    "iqcore_plugin_name",
    "iqcore_register_authorities",
    "iqcore_register_occupations",
    "iqcore_register_parameters",
    "iqcore_register_rules",
    "iqcore_register_training_schemes",
    "occupations",
    "parameters",
    "rules",
    "schemes",
]

#: The plugin's name (also its entry-point name).
iqcore_plugin_name = "regions.nw"
STATE = FederalState.NW
PREFIX = "nw"
_LAND = Land(state=STATE, prefix=PREFIX, name="Nordrhein-Westfalen")

_INGG_TEXT = "https://recht.nrw.de/lmi/owa/br_show_historie?p_id=2227"
_BR_ARNSBERG_ENG = "https://www.bra.nrw.de/367314"
_BR_KOELN_ENG = "https://www.bezreg-koeln.nrw.de/-99"
_BR_DUS_ENG = (
    "https://www.brd.nrw.de/themen/kommunales/handel-handwerk-gewerbe/"
    "anerkennung-der-berufsbezeichnung-ingenieur-ingenieurin"
)
_IKBAU = "https://ikbaunrw.de/antrag23"
_DETMOLD = (
    "https://www.bezreg-detmold.nrw.de/wir-ueber-uns/organisationsstruktur/abteilung-4/"
    "dezernat-46/anerkennung-lehramt"
)
_ARNSBERG = (
    "https://www.bra.nrw.de/bildung-schule/personalangelegenheiten/einstellung-stellen"
    "angelegenheiten/anerkennungsstelle-fuer-den-lehrkraeftebereich/haeufig-gestellte-fragen-faq"
)
_SCHULMINISTERIUM = (
    "https://www.schulministerium.nrw/lehrkraefte/ich-moechte-lehrerin-werden/anerkennungsverfahren"
)
_LAQUILA = "https://www.laquila.nrw.de/wege-ins-lehramt/anerkennung-von-auslaendischen-hochschulabschluessen"
_BQFG_NRW = "http://www.anerkennung-nrw.de/neustart-in-weiss-das-programm-iquamed-des-mibeg-instituts-medizin/"

_QUALIFYING = (
    "[S28] https://hsbi.de/presse/pressemitteilungen/fuer-internationale-ingenieurinnen-und-"
    "ingenieure-mit-fluchthintergrund-programm-qualifying-geht-in-die-naechste-runde | "
    "https://medien-lippe.de/nachqualifizierungsprogramm-qualifying-wurde-weiterbewilligt | "
    "https://wirtschaft-regional.net/kreis/bielefeld/hochschulen-qualifizieren-zugewanderte-"
    "fachkraefte-fuer-den-hiesigen-arbeitsmarkt"
)

_INGG = LegalReference(
    act="IngG NRW (1970) with the BQFG NRW",
    section="§1 (study of at least three study years), §2 (permission after a foreign degree)",
    url=_BR_DUS_ENG,
)
_TEACHER_REF = LegalReference(
    act="AnerkennungsVO Berufsqualifikation Lehramt (NRW)",
    section="§1 para. 3 no. 2 (German at least C1; stand date not given)",
    url=_DETMOLD,
)
_ENGINEER_ERAS = (
    EngineerEra(
        valid_from=MODELLED_FROM, valid_until=None, act="IngG NRW", reference=_INGG, months=36
    ),
)


def parameters() -> list[Parameter[Any]]:
    """North Rhine-Westphalia's dated parameters."""
    return [
        *engineer_parameters(
            _LAND,
            _ENGINEER_ERAS,
            months_title="Engineer title: least months of study (IngG NRW: three study years)",
        ),
        teacher_german_parameter(
            _LAND,
            level=CefrLevel.C1,
            title="Teachers: German level (third-country applications: condition for processing)",
            reference=_TEACHER_REF,
        ),
    ]


def rules() -> list[Rule]:
    """North Rhine-Westphalia's rules (two replace federal rules within the Land)."""
    return [
        *engineer_duration_rule(_LAND, _ENGINEER_ERAS),
        engineer_field_rule(
            _LAND,
            act="IngG NRW",
            reference=LegalReference(
                act="IngG NRW (1970)",
                section="§1 no. 1: technical or natural-science study",
                url=_INGG_TEXT,
            ),
        ),
        teacher_language_rule(_LAND, reference=_TEACHER_REF, what="C1"),
    ]


def occupations() -> list[ReferenceOccupation]:
    """North Rhine-Westphalia's records of the Länder-law occupations."""
    return [
        _LAND.occupation(
            "teacher",
            legal_reference="AnerkennungsVO Berufsqualifikation Lehramt; Lehrkräftezugangs"
            "verordnung (LZV NRW)",
            source=f"{_DETMOLD} | {_ARNSBERG} | {_SCHULMINISTERIUM} | {_LAQUILA} | [S15]",
            language_requirements=[
                LanguageRequirement(
                    scope=LanguageScope.GENERAL,
                    level=CefrLevel.C1,
                    legal_reference="§1(3) no. 2 AnerkennungsVO Berufsqualifikation Lehramt",
                )
            ],
        ),
        _LAND.occupation(
            "engineer",
            legal_reference="Ingenieurgesetz NRW (IngG NRW, 1970) §§1-2; procedure under the "
            "BQFG NRW (§2(6) IngG NRW)",
            source=f"{_BR_DUS_ENG} | {_BR_KOELN_ENG} | {_BR_ARNSBERG_ENG} | {_INGG_TEXT} | [S16]",
        ),
        *_LAND.unnamed_law_occupations(
            legal_reference="Land professional law (not named by a cited source) with the "
            "BQFG NRW (2013)",
            source=f"{_BQFG_NRW} (BQFG NRW 2013) | [S5] | domain notes §1.1",
        ),
    ]


def authorities() -> list[CompetentAuthority]:
    """North Rhine-Westphalia's bodies for the Länder-law occupations (ZAG-aH is shipped)."""
    return [
        _LAND.authority(
            id="nw-bezreg-detmold-teachers",
            name="Bezirksregierung Detmold – Anerkennungsstelle für den Lehrkräftebereich",
            kind=AuthorityKind.LAND_AUTHORITY,
            occupations=_LAND.teachers,
            source=f"{_DETMOLD} | {_SCHULMINISTERIUM}",
            note="Central office for teaching qualifications from third countries (outside the "
            "EU, the EEA and Switzerland); German at C1 is a condition for processing.",
        ),
        _LAND.authority(
            id="nw-bezreg-arnsberg-teachers",
            name="Bezirksregierung Arnsberg – Anerkennungsstelle für den Lehrkräftebereich",
            kind=AuthorityKind.LAND_AUTHORITY,
            occupations=_LAND.teachers,
            source=f"{_ARNSBERG} | {_SCHULMINISTERIUM}",
            note="Central office for teaching qualifications from the EU, the EEA and "
            "Switzerland; the procedure is free of administrative fees.",
        ),
        _LAND.authority(
            id="nw-bezirksregierung-engineers",
            name="Bezirksregierung of the place of residence (Arnsberg, Detmold, Düsseldorf, "
            "Köln or Münster)",
            kind=AuthorityKind.LAND_AUTHORITY,
            occupations=_LAND.engineers,
            source=f"{_BR_DUS_ENG} | {_BR_KOELN_ENG} | {_BR_ARNSBERG_ENG} | {_IKBAU}",
            note="Permission to use the title engineer after a foreign degree (IngG NRW §2); "
            "without a residence in NRW, the Bezirksregierung of the employer's seat.",
        ),
        _LAND.authority(
            id="nw-ingenieurkammer-bau",
            name="Ingenieurkammer-Bau Nordrhein-Westfalen",
            kind=AuthorityKind.ENGINEERS_CHAMBER,
            occupations=_LAND.engineers,
            source=f"{_IKBAU} | {_BR_ARNSBERG_ENG}",
            website="https://ikbaunrw.de",
            note="Since 31 August 2018 applicants in the building sector who want to become "
            "members may apply to the chamber instead of a Bezirksregierung (only together "
            "with an application for membership).",
        ),
    ]


def schemes() -> list[TrainingScheme]:
    """Training schemes in the Land that belong to no IQ network, each with its source."""
    return [
        TrainingScheme(
            id="nw.qualifying",
            title="QualifyING – one-year programme for engineers with foreign degrees",
            provider="Hochschule Bielefeld (HSBI), TH Georg Agricola Bochum (THGA) and TH OWL",
            priority_area=PriorityArea.QUALIFICATION_RECOGNITION_ACT,
            source=_QUALIFYING,
            network_id=None,
            target_occupations=_LAND.engineers,
            modules=[
                Module(
                    id="language-career-workshops",
                    title="Phase 1: technical language and career workshops (hours not given)",
                    hours=1,
                ),
                Module(
                    id="university-modules",
                    title="Phase 2: university modules, e.g. DIN standards, time and project "
                    "management (hours not given)",
                    hours=1,
                    covers={"din_standards", "project_management"},
                ),
                Module(
                    id="internship",
                    title="Phase 3: internship in a company (hours not given)",
                    hours=1,
                ),
            ],
            unverified=("priority_area", "modules"),
        )
    ]


iqcore_register_rules = registering(rules)
iqcore_register_parameters = registering(parameters)
iqcore_register_occupations = registering(occupations)
iqcore_register_authorities = registering(authorities)
iqcore_register_training_schemes = registering(schemes)
