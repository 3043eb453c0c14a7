"""Bavaria (DE-BY): the Land plugin ``regions.by``.

What it adds for cases in Bavaria:

* **Engineers** (Bayerisches Ingenieurgesetz, BayIngG): the title needs a technical or
  natural-science study of at least three years (IngG of 1970, Art. 1); from the new version of
  12 July 2016 (in force 20 July 2016) at least six semesters full-time and 180 ECTS credits,
  predominantly mathematics, informatics, natural sciences and technology. Foreign degrees need a
  permission; equivalence is assessed under the BayIngG and the BayBQFG. The rule
  ``by.comparison.duration`` **replaces** ``fed.comparison.duration`` in Bavaria (for engineers
  the act's minimum instead of the federal counselling threshold); ``by.comparison.engineer_field``
  checks the subject.
* **Competent bodies**: the Bayerische Ingenieurekammer-Bau (civil engineering, building services
  and supply engineering, surveying) and the Regierung von Schwaben (all other fields) for the
  engineer title; the Bavarian State Ministry for Education and Cultural Affairs for teachers
  (applications with EU/EEA/CH qualifications; BayLBG Art. 7(4)). The Regierung von Oberbayern and
  von Unterfranken (health professions) are shipped with iqcore.
* **Procedure**: :func:`procedure_parameters` gives the deadlines for procedures under the
  BayBQFG, whose Art. 14a says the accelerated decision "soll" be made within two months [S4].
* **Occupations**: the Bavarian records of teacher, engineer, educator and social worker.

Not confirmed by a cited source, and so left at the shipped generic value and marked unverified:
the German level Bavaria asks of teachers (the Bavarian service page says only "sufficient"
German), and the acts for educators and social workers. Sources are cited per record; [Sn] keys
refer to the project's domain notes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from iqcore.model.codes import FederalState
from iqcore.model.programme import AuthorityKind, CompetentAuthority
from iqcore.model.qualifications import ReferenceOccupation
from iqcore.procedure.parameters import (
    ACCELERATED_PROCEDURE_IN_FORCE,
    ProcedureParameters,
)
from iqcore.procedure.parameters import procedure_parameters as federal_procedure_parameters
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
)

__all__ = [
    "BAYINGG_2016_IN_FORCE",
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
    "procedure_parameters",
    "rules",
]

#: The plugin's name (also its entry-point name).
iqcore_plugin_name = "regions.by"
STATE = FederalState.BY
PREFIX = "by"
_LAND = Land(state=STATE, prefix=PREFIX, name="Bayern")

#: The new version of the BayIngG (12 July 2016) came into force on 20 July 2016.
BAYINGG_2016_IN_FORCE = date(2016, 7, 20)

_ENGINEER_EAP = (
    "https://www.eap.bayern.de/informationen/leistungsbeschreibung/845312016459"
    "?anliegen=8111031172&dienstleistung=8777623333&nationalitaet=4888808174"
)
_ENGINEER_SERVICE = "https://www.johannesberg.de/behoerdenwegweiser/leistungen/detail/27307"
_INGG_1970_SERVICE = (
    "http://www.georgensgmuend.de/index.php?id=207&tx_hwverwaltungbayern_hwverwaltungbayern"
    "leistungen%5Bid%5D=27307"
)
_BAYINGG_DATES = "https://de.wiki.li/Bayerisches_Ingenieurgesetz"
_BAYIKA = "http://www.bayika.de/de/kammer/agb.php"
_TEACHER_EAP = (
    "https://www.eap.bayern.de/informationen/dienstleistungen/themen/570790999293335/"
    "leistungsbeschreibung/661733012965"
)
_TEACHER_PORTAL = "https://lehrer-werden.bayern/bewerbung-und-einstellung/berufsanerkennung"
_TEACHER_NOTE = "http://ikg-augsburg.com/integration/das-integrationsburo-informiert/"
_BAYBQFG_14A = "https://gesetze.legal/bayern/baybqfg/14a"

_INGG_1970 = LegalReference(
    act="IngG (Bayern, 1970)",
    section="Art. 1 para. 1 no. 1 (study of at least three years)",
    url=_INGG_1970_SERVICE,
)
_BAYINGG_2016 = LegalReference(
    act="BayIngG (2016) with BayBQFG",
    section="Art. 2 (six semesters, 180 ECTS, predominantly MINT)",
    url=_ENGINEER_SERVICE,
)


_ENGINEER_ERAS = (
    EngineerEra(
        valid_from=MODELLED_FROM,
        valid_until=BAYINGG_2016_IN_FORCE,
        act="IngG (Bayern, 1970)",
        reference=_INGG_1970,
        months=36,
    ),
    EngineerEra(
        valid_from=BAYINGG_2016_IN_FORCE,
        valid_until=None,
        act="BayIngG (2016)",
        reference=_BAYINGG_2016,
        months=36,
        ects=180,
    ),
)


def parameters() -> list[Parameter[Any]]:
    """Bavaria's dated parameters."""
    return engineer_parameters(
        _LAND,
        _ENGINEER_ERAS,
        months_title="Engineer title: least months of study (BayIngG)",
        ects_title="Engineer title: least ECTS credits (BayIngG 2016)",
    )


def rules() -> list[Rule]:
    """Bavaria's rules (one replaces a federal rule within Bavaria)."""
    return [
        *engineer_duration_rule(_LAND, _ENGINEER_ERAS),
        engineer_field_rule(
            _LAND,
            act="BayIngG",
            reference=LegalReference(
                act="BayIngG",
                section="Art. 1 (IngG 1970), Art. 2 (BayIngG 2016): technical or natural-science "
                "study",
                url=_ENGINEER_SERVICE,
            ),
        ),
    ]


def occupations() -> list[ReferenceOccupation]:
    """Bavaria's records of the Länder-law occupations."""
    return [
        _LAND.occupation(
            "teacher",
            legal_reference="Bayerisches Lehrerbildungsgesetz (BayLBG), Art. 7 para. 4 for "
            "EU/EEA/CH qualifications; recognition as equivalent to a teaching qualification "
            "under the BayLBG",
            source=f"{_TEACHER_EAP} | {_TEACHER_PORTAL} | {_TEACHER_NOTE} | [S15]",
        ),
        _LAND.occupation(
            "engineer",
            legal_reference="Bayerisches Ingenieurgesetz (BayIngG, new version of 12 July 2016, "
            "in force 20 July 2016) with the BayBQFG: permission to use the title after a "
            "foreign degree",
            source=f"{_ENGINEER_EAP} | {_ENGINEER_SERVICE} | {_BAYINGG_DATES} | [S16] {_BAYIKA}",
        ),
        *_LAND.unnamed_law_occupations(
            legal_reference="Bavarian law (not named by a cited source) with the BayBQFG [S4]",
            source="[S4] https://gesetze.legal/bayern/baybqfg/14a | [S5] | domain notes §1.1",
        ),
    ]


def authorities() -> list[CompetentAuthority]:
    """Bavaria's competent bodies for the Länder-law occupations (health bodies are shipped)."""
    return [
        _LAND.authority(
            id="by-ingenieurekammer-bau",
            name="Bayerische Ingenieurekammer-Bau",
            kind=AuthorityKind.ENGINEERS_CHAMBER,
            occupations=_LAND.engineers,
            source=f"{_ENGINEER_EAP} | [S16] {_BAYIKA}",
            website="https://www.bayika.de",
            note="Permission to use the title engineer after a foreign degree, for civil "
            "engineering, building services and supply engineering, and surveying; the "
            "Regierung von Schwaben decides for all other fields. The ZAB assists.",
        ),
        _LAND.authority(
            id="by-reg-schwaben",
            name="Regierung von Schwaben",
            kind=AuthorityKind.LAND_AUTHORITY,
            occupations=_LAND.engineers,
            source=_ENGINEER_EAP,
            note="Permission to use the title engineer after a foreign degree, for every field "
            "except civil engineering, building services and supply engineering, and surveying "
            "(those: Bayerische Ingenieurekammer-Bau).",
        ),
        _LAND.authority(
            id="by-stmuk",
            name="Bayerisches Staatsministerium für Unterricht und Kultus "
            "(Zeugnisanerkennungsstelle für den Freistaat Bayern)",
            kind=AuthorityKind.LAND_AUTHORITY,
            occupations=_LAND.teachers,
            source=f"{_TEACHER_EAP} | {_TEACHER_PORTAL} | "
            "https://streifler.de/urteil/vg-munchen/beschluss-m-5-s-175393-2018-02-26",
            note="Applications with EU/EEA/CH teaching qualifications go to the ministry "
            "(BayLBG Art. 7(4)); a court decision names its Zeugnisanerkennungsstelle as the "
            "deciding office. Unverified: the office for third-country qualifications.",
        ),
    ]


def procedure_parameters() -> ProcedureParameters:
    """The procedure deadlines for procedures under the BayBQFG.

    The accelerated decision deadline is cited to Art. 14a BayBQFG ("soll" within two months)
    instead of §14a BQFG [S4]. Art. 14a's date of entry into force is not confirmed: it is taken
    to be that of §81a AufenthG (1 March 2020) and marked unverified. Pass the result to
    :func:`iqcore.procedure.clock` for applications under Bavarian law.
    """
    base = federal_procedure_parameters()
    decision: Parameter[Any] = Parameter.constant(
        id="by.baybqfg.s14a.decision",
        title="Decision in the accelerated procedure under Art. 14a BayBQFG ('soll')",
        value=base.accelerated_decision.values[-1].value,
        valid_from=ACCELERATED_PROCEDURE_IN_FORCE,
        jurisdiction=_LAND.jurisdiction,
        replaces=base.accelerated_decision.id,
        reference=LegalReference(
            act="BayBQFG",
            section="Art. 14a ('soll'; date of entry into force unconfirmed)",
            url=_BAYBQFG_14A,
            verified=False,
        ),
    )
    return attrs.evolve(base, accelerated_decision=decision)


iqcore_register_rules = registering(rules)
iqcore_register_parameters = registering(parameters)
iqcore_register_occupations = registering(occupations)
iqcore_register_authorities = registering(authorities)
