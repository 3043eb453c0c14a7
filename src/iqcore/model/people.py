"""People: the pseudonymous migrant (case data) and the identity record kept apart from it."""

from __future__ import annotations

import enum
import functools
import re
from datetime import date
from typing import Any

import attrs

from iqcore.model._validators import (
    check_id,
    frozenset_of,
    nonempty_str,
    optional_instance,
    to_frozenset,
    to_tuple,
    tuple_of,
)
from iqcore.model.codes import CefrLevel, Country, FederalState

__all__ = [
    "Consent",
    "ConsentPurpose",
    "Gender",
    "IdentityRecord",
    "LanguageScope",
    "LanguageSkill",
    "Migrant",
    "ResidenceStatus",
]


class LanguageScope(enum.StrEnum):
    """General language or occupational (professional) language."""

    GENERAL = "GENERAL"
    OCCUPATIONAL = "OCCUPATIONAL"


class Gender(enum.StrEnum):
    """Gender as recorded in the IQ documentation and §17 BQFG statistics (unverified list)."""

    MALE = "MALE"
    FEMALE = "FEMALE"
    DIVERSE = "DIVERSE"
    NOT_STATED = "NOT_STATED"


class ResidenceStatus(enum.StrEnum):
    """Residence status, descriptive and statistical only: it never gates anything.

    The recognition procedure and IQ counselling are open regardless of residence status
    (domain notes §7). Some values can reveal special categories of personal data
    (GDPR Art. 9), see :attr:`sensitive`.
    """

    GERMAN = "GERMAN"
    EU_FREE_MOVEMENT = "EU_FREE_MOVEMENT"
    SETTLEMENT_PERMIT = "SETTLEMENT_PERMIT"
    EU_LONG_TERM = "EU_LONG_TERM"
    EU_BLUE_CARD = "EU_BLUE_CARD"
    SKILLED_WORKER = "SKILLED_WORKER"
    RECOGNITION_MEASURE = "RECOGNITION_MEASURE"
    JOB_SEEKING = "JOB_SEEKING"
    OPPORTUNITY_CARD = "OPPORTUNITY_CARD"
    STUDY_TRAINING = "STUDY_TRAINING"
    FAMILY = "FAMILY"
    HUMANITARIAN_ASYLUM_REFUGEE = "HUMANITARIAN_ASYLUM_REFUGEE"
    HUMANITARIAN_OTHER = "HUMANITARIAN_OTHER"
    TEMPORARY_PROTECTION = "TEMPORARY_PROTECTION"
    ASYLUM_SEEKER = "ASYLUM_SEEKER"
    TOLERATED = "TOLERATED"
    FICTION_CERTIFICATE = "FICTION_CERTIFICATE"
    ABROAD_OR_VISA = "ABROAD_OR_VISA"
    UNKNOWN = "UNKNOWN"

    @property
    def legal_reference(self) -> str:
        """The legal basis (general knowledge, unverified; domain notes §7)."""
        return _RESIDENCE_REFS[self]

    @property
    def sensitive(self) -> bool:
        """True if the status reveals a refugee or protection background (treated as Art. 9)."""
        return self in _SENSITIVE_STATUSES


_RESIDENCE_REFS: dict[ResidenceStatus, str] = {
    ResidenceStatus.GERMAN: "GG Art. 116, BVFG",
    ResidenceStatus.EU_FREE_MOVEMENT: "FreizügG/EU, FZA",
    ResidenceStatus.SETTLEMENT_PERMIT: "AufenthG §9",
    ResidenceStatus.EU_LONG_TERM: "AufenthG §9a",
    ResidenceStatus.EU_BLUE_CARD: "AufenthG §18g (before Nov 2023: §18b(2))",
    ResidenceStatus.SKILLED_WORKER: "AufenthG §18a / §18b",
    ResidenceStatus.RECOGNITION_MEASURE: "AufenthG §16d",
    ResidenceStatus.JOB_SEEKING: "AufenthG §20",
    ResidenceStatus.OPPORTUNITY_CARD: "AufenthG §20a",
    ResidenceStatus.STUDY_TRAINING: "AufenthG §16a, §16b",
    ResidenceStatus.FAMILY: "AufenthG §§27-36",
    ResidenceStatus.HUMANITARIAN_ASYLUM_REFUGEE: "AufenthG §25(1), §25(2)",
    ResidenceStatus.HUMANITARIAN_OTHER: "AufenthG §25(3), §§22-23",
    ResidenceStatus.TEMPORARY_PROTECTION: "AufenthG §24",
    ResidenceStatus.ASYLUM_SEEKER: "AsylG §55",
    ResidenceStatus.TOLERATED: "AufenthG §60a, §60c, §60d",
    ResidenceStatus.FICTION_CERTIFICATE: "AufenthG §81(3), (4)",
    ResidenceStatus.ABROAD_OR_VISA: "AufenthG §6",
    ResidenceStatus.UNKNOWN: "",
}

_SENSITIVE_STATUSES = frozenset(
    {
        ResidenceStatus.HUMANITARIAN_ASYLUM_REFUGEE,
        ResidenceStatus.HUMANITARIAN_OTHER,
        ResidenceStatus.TEMPORARY_PROTECTION,
        ResidenceStatus.ASYLUM_SEEKER,
        ResidenceStatus.TOLERATED,
    }
)


class ConsentPurpose(enum.StrEnum):
    """Purposes a person can consent to (GDPR Art. 6(1)(a), Art. 9(2)(a))."""

    COUNSELLING = "COUNSELLING"
    STATISTICS = "STATISTICS"
    SPECIAL_CATEGORY_DATA = "SPECIAL_CATEGORY_DATA"
    REFERRAL = "REFERRAL"
    FOLLOW_UP_SURVEY = "FOLLOW_UP_SURVEY"


@attrs.frozen(kw_only=True)
class Consent:
    """A consent for one purpose, given on a date and possibly withdrawn later."""

    purpose: ConsentPurpose = attrs.field(validator=attrs.validators.instance_of(ConsentPurpose))
    given_on: date = attrs.field(validator=attrs.validators.instance_of(date))
    withdrawn_on: date | None = attrs.field(default=None, validator=optional_instance(date))

    def __attrs_post_init__(self) -> None:
        if self.withdrawn_on is not None and self.withdrawn_on < self.given_on:
            raise ValueError("withdrawn_on must not be before given_on")

    def active(self, on: date) -> bool:
        return self.given_on <= on and (self.withdrawn_on is None or on < self.withdrawn_on)


@functools.cache
def _language_codes() -> frozenset[str]:
    import pycountry

    codes: set[str] = set()
    for lang in pycountry.languages:
        codes.add(lang.alpha_3)
        alpha_2 = getattr(lang, "alpha_2", None)
        if alpha_2:
            codes.add(alpha_2)
    return frozenset(codes)


def _check_language(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, str) and value in _language_codes()):
        raise ValueError(f"{attribute.name} must be an ISO 639 language code (639-1 or 639-3)")


@attrs.frozen(kw_only=True)
class LanguageSkill:
    """A language with its CEFR level, its scope, and whether it is certified."""

    language: str = attrs.field(validator=_check_language)
    level: CefrLevel = attrs.field(validator=attrs.validators.instance_of(CefrLevel))
    scope: LanguageScope = attrs.field(
        default=LanguageScope.GENERAL, validator=attrs.validators.instance_of(LanguageScope)
    )
    certified: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    @property
    def is_german(self) -> bool:
        return self.language in ("de", "deu")


@attrs.frozen(kw_only=True)
class Migrant:
    """A person counselled by IQ, pseudonymous: no name or contact, see :class:`IdentityRecord`.

    ``residence_status`` is descriptive; nothing in iqcore gates on it. A status that reveals
    a protection background may only be recorded with consent to special-category data.
    """

    id: str = attrs.field(validator=check_id)
    nationalities: frozenset[Country] = attrs.field(
        factory=frozenset, converter=to_frozenset, validator=frozenset_of(Country)
    )
    residence_country: Country | None = attrs.field(
        default=None, validator=optional_instance(Country)
    )
    residence_state: FederalState | None = attrs.field(
        default=None, validator=optional_instance(FederalState)
    )
    residence_status: ResidenceStatus | None = attrs.field(
        default=None, validator=optional_instance(ResidenceStatus)
    )
    arrival_year: int | None = attrs.field(default=None, validator=optional_instance(int))
    birth_year: int | None = attrs.field(default=None, validator=optional_instance(int))
    gender: Gender = attrs.field(
        default=Gender.NOT_STATED, validator=attrs.validators.instance_of(Gender)
    )
    languages: tuple[LanguageSkill, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(LanguageSkill)
    )
    consents: tuple[Consent, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Consent)
    )

    def __attrs_post_init__(self) -> None:
        if self.residence_state is not None and (
            self.residence_country is not None and self.residence_country.code != "DE"
        ):
            raise ValueError("residence_state requires residence in Germany")
        for year_field in ("arrival_year", "birth_year"):
            year = getattr(self, year_field)
            if year is not None and not 1900 <= year <= 2100:
                raise ValueError(f"{year_field} must be a year between 1900 and 2100")
        if (
            self.residence_status is not None
            and self.residence_status.sensitive
            and not any(c.purpose is ConsentPurpose.SPECIAL_CATEGORY_DATA for c in self.consents)
        ):
            raise ValueError(
                "residence_status reveals special-category data and needs consent "
                "SPECIAL_CATEGORY_DATA"
            )
        scopes = [(s.language, s.scope) for s in self.languages]
        if len(scopes) != len(set(scopes)):
            raise ValueError("languages lists the same language and scope twice")

    def language_level(
        self, language: str = "de", scope: LanguageScope = LanguageScope.GENERAL
    ) -> CefrLevel | None:
        """The level in a language and scope; an occupational level implies the general one."""
        codes = {language, {"de": "deu", "deu": "de"}.get(language, language)}
        best: CefrLevel | None = None
        for skill in self.languages:
            if skill.language not in codes:
                continue
            applies = skill.scope is scope or (
                scope is LanguageScope.GENERAL and skill.scope is LanguageScope.OCCUPATIONAL
            )
            if applies and (best is None or skill.level > best):
                best = skill.level
        return best

    def has_consent(self, purpose: ConsentPurpose, on: date) -> bool:
        return any(c.purpose is purpose and c.active(on) for c in self.consents)


def _check_email(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not (isinstance(value, str) and re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value)):
        raise ValueError(f"{attribute.name} must be an e-mail address")


@attrs.frozen(kw_only=True)
class IdentityRecord:
    """Name and contact of a migrant, stored apart from case data and linked by ``migrant_id``."""

    migrant_id: str = attrs.field(validator=check_id)
    given_name: str = attrs.field(validator=nonempty_str)
    family_name: str = attrs.field(validator=nonempty_str)
    email: str | None = attrs.field(default=None, validator=_check_email)
    phone: str | None = attrs.field(default=None, validator=optional_instance(str))
    address: str | None = attrs.field(default=None, validator=optional_instance(str))
