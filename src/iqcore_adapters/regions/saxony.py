"""Saxony (DE-SN): the Land plugin ``regions.sn``.

Saxony has had two IQ regional integration networks since 2023 (Leipzig and Chemnitz-Dresden)
and the IQ Netzwerk Sachsen before; their plugins add network data, this one the Land's law:

* **Engineers** (Sächsisches Ingenieurgesetz, SächsIngG): from 1 May 2014 the title needs a
  technical or natural-science study of at least six semesters full-time; after a foreign degree
  the Ingenieurkammer Sachsen enters the holder in a special register once it found the
  qualification equivalent (§34 SächsIngG of 2017). ``sn.comparison.duration`` **replaces**
  ``fed.comparison.duration`` in the Land from 1 May 2014 (the 1993 act set no minimum for
  university studies, so the federal rule stands before).
* **Teachers** (BefäAnG Lehrer): the Landesamt für Schule und Bildung (its
  Zeugnisanerkennungsstelle) decides; the fee is EUR 205-475 depending on the effort, waived for
  persons entitled under the BVFG who apply within three years of taking up residence [S9c]. No
  language certificate is needed for the procedure; a C1 certificate may be asked for at
  employment. ``sn.licensing.language`` **replaces** ``fed.licensing.language`` in the Land from
  1 January 2024 (the pages give no stand date). The fee range is registered as two parameters.
* **Health**: the Landesdirektion Sachsen for doctors [S13].
* **Occupations**: the Land's records of teacher, engineer, educator and social worker.

IQ Sachsen-Anhalt's blended knowledge-exam course for doctors [S28] belongs to Saxony-Anhalt and is
deliberately not listed here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from iqcore.model.codes import CefrLevel, FederalState
from iqcore.model.people import LanguageScope
from iqcore.model.programme import AuthorityKind, CompetentAuthority
from iqcore.model.qualifications import LanguageRequirement, ReferenceOccupation
from iqcore.rules.core import Rule
from iqcore.rules.dated import LegalReference, Parameter
from iqcore_adapters.regions._common import (
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
    "SAECHSINGG_SIX_SEMESTERS",
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
iqcore_plugin_name = "regions.sn"
STATE = FederalState.SN
PREFIX = "sn"
_LAND = Land(state=STATE, prefix=PREFIX, name="Sachsen")

#: The SächsIngG as amended in 2014 (six semesters) applies from 1 May 2014.
SAECHSINGG_SIX_SEMESTERS = date(2014, 5, 1)

_SAECHSINGG_2014 = "http://uo.f1f37a1bf7b548e2bdb62f666ac0ec20.bodycote-enr.zeta-sw.com/recht/bau/laender/sa/ingg.htm"
_SAECHSINGG_1993 = "http://www.revosax.sachsen.de/vorschrift/1072.7"
_IK_SACHSEN = "https://www.vogtlandkreis.de/Quicknavigation/Suche/index.php?object=tx,2752.4713.1&NavID=2752.182"
_IK_FEE = "https://de.scribd.com/document/613130097/Merkblatt-ausland-StudienAbschlusse"
_S9C = "https://lehrer-werden-in-sachsen.de/ufaq-category/faq-fuer-auslaendische-lehrkraefte/"
_S9C_NOTES = "https://lehrer-werden-in-sachsen.de/?p=15046"
_TEACHER_FIM = "https://fimportal.de/document-profiles/D05000109/1.0"
_TEACHER_SERVICE = (
    "https://www.vogtlandkreis.de/index.php?ModID=7&FID=2752.6934.1&object=tx%7C2752.6934.1"
)
_S13_LDS = "https://www.lds.sachsen.de/soziales/index.asp?ID=8116&art_param=686"

_SAECHSINGG = LegalReference(
    act="SächsIngG",
    section="§1 para. 1 no. 1 as in force from 1 May 2014 (six semesters full-time)",
    url=_SAECHSINGG_2014,
)
_TEACHER_REF = LegalReference(
    act="BefäAnG Lehrer (Sachsen)",
    section="no certificate for the procedure; a C1 certificate may be asked for at employment "
    "(stand date not given)",
    url=_S9C,
)
_FEE_REF = LegalReference(
    act="Fee of the Landesamt für Schule und Bildung (teachers)",
    section="EUR 205-475 by effort; waived for BVFG beneficiaries applying within three years "
    "[S9c] (stand date not given)",
    url=_S9C,
)
_ENGINEER_ERAS = (
    EngineerEra(
        valid_from=SAECHSINGG_SIX_SEMESTERS,
        valid_until=None,
        act="SächsIngG",
        reference=_SAECHSINGG,
        months=36,
    ),
)


def parameters() -> list[Parameter[Any]]:
    """Saxony's dated parameters (the teachers' fee range included)."""
    return [
        *engineer_parameters(
            _LAND,
            _ENGINEER_ERAS,
            months_title="Engineer title: least months of study (SächsIngG: six semesters "
            "full-time)",
        ),
        teacher_german_parameter(
            _LAND,
            level=CefrLevel.C1,
            title="Teachers: German level that may be asked for at employment",
            reference=_TEACHER_REF,
        ),
        _LAND.constant(
            id="sn.teacher.fee_min_eur",
            title="Teachers: lowest fee of the recognition procedure",
            unit="EUR",
            value=205,
            reference=_FEE_REF,
        ),
        _LAND.constant(
            id="sn.teacher.fee_max_eur",
            title="Teachers: highest fee of the recognition procedure",
            unit="EUR",
            value=475,
            reference=_FEE_REF,
        ),
    ]


def rules() -> list[Rule]:
    """Saxony's rules (two replace federal rules within the Land)."""
    return [
        *engineer_duration_rule(_LAND, _ENGINEER_ERAS),
        # The subject requirement is older than the 2014 minimum (1993 act, §1 para. 1).
        engineer_field_rule(
            _LAND,
            act="SächsIngG",
            reference=LegalReference(
                act="SächsIngG",
                section="§1 para. 1: technical or natural-science study",
                url=_SAECHSINGG_1993,
            ),
        ),
        teacher_language_rule(
            _LAND, reference=_TEACHER_REF, what="C1 may be asked for at employment"
        ),
    ]


def occupations() -> list[ReferenceOccupation]:
    """Saxony's records of the Länder-law occupations."""
    return [
        _LAND.occupation(
            "teacher",
            legal_reference="Gesetz zur Anerkennung beruflicher Befähigungsnachweise für Lehrer "
            "aus dem Ausland (BefäAnG Lehrer); LAPO I, LAPO II, LehrerQualiVO",
            source=f"{_TEACHER_FIM} | {_TEACHER_SERVICE} | [S9c] {_S9C} | {_S9C_NOTES}",
            language_requirements=[
                LanguageRequirement(
                    scope=LanguageScope.GENERAL,
                    level=CefrLevel.C1,
                    legal_reference="C1 may be asked for at employment [S9c]",
                )
            ],
        ),
        _LAND.occupation(
            "engineer",
            legal_reference="Sächsisches Ingenieurgesetz (SächsIngG) §1, §34: entry in the "
            "special register of the Ingenieurkammer Sachsen after a foreign degree",
            source=f"{_IK_SACHSEN} | {_SAECHSINGG_2014} | {_SAECHSINGG_1993} | [S16]",
        ),
        *_LAND.unnamed_law_occupations(
            legal_reference="Saxon law (not named by a cited source)",
            source="[S5] | domain notes §1.1",
        ),
    ]


def authorities() -> list[CompetentAuthority]:
    """Saxony's competent bodies (teachers, engineers, doctors)."""
    return [
        _LAND.authority(
            id="sn-lasub",
            name="Landesamt für Schule und Bildung – Zeugnisanerkennungsstelle",
            kind=AuthorityKind.LAND_AUTHORITY,
            occupations=_LAND.teachers,
            source=f"[S9c] {_S9C} | {_TEACHER_FIM} | {_TEACHER_SERVICE}",
            note="Recognises foreign teaching qualifications (BefäAnG Lehrer). Fee EUR 205-475 "
            "depending on the effort, payable in instalments; waived for BVFG beneficiaries "
            "applying within three years of taking up residence [S9c].",
        ),
        _LAND.authority(
            id="sn-ingenieurkammer",
            name="Ingenieurkammer Sachsen",
            kind=AuthorityKind.ENGINEERS_CHAMBER,
            occupations=_LAND.engineers,
            source=f"{_IK_SACHSEN} | {_IK_FEE}",
            note="Finds a foreign qualification equivalent and enters the holder in its special "
            "register (§34 SächsIngG); fee EUR 360 under its fee schedule of 11 April 2019 "
            "(as amended) according to its information sheet.",
        ),
        _LAND.authority(
            id="sn-lds",
            name="Landesdirektion Sachsen",
            kind=AuthorityKind.LAND_AUTHORITY,
            occupations={"doctor"},
            source=f"[S13] {_S13_LDS}",
            note="Named by the notes [S13] for doctors (licence to practise medicine). "
            "Unverified: which other health professions it decides on.",
        ),
    ]


iqcore_register_rules = registering(rules)
iqcore_register_parameters = registering(parameters)
iqcore_register_occupations = registering(occupations)
iqcore_register_authorities = registering(authorities)
