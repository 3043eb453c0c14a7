"""Codes and classifications: countries, country groups, Länder, CEFR, EQF, ISCED, KldB, ISCO.

Country validation uses :mod:`pycountry` (ISO 3166-1), loaded on first use only, so that
``import iqcore`` stays cheap. The EU/EEA/CH membership of a country is dated data
(``reference_data/country_groups.json``): ask :meth:`Country.group` *as of* a date.
"""

from __future__ import annotations

import enum
import functools
import re
from datetime import date
from typing import Any

import attrs

__all__ = [
    "CefrLevel",
    "Country",
    "CountryGroup",
    "DirectiveLevel",
    "EqfLevel",
    "FederalState",
    "IscedField",
    "IscedLevel",
    "IscoCode",
    "KldbCode",
    "KldbRequirementLevel",
]

#: User-assigned codes that are not in ISO 3166-1 but are used in practice.
#: ``XK`` is Kosovo (used by the EU, ICAO and German authorities).
EXTRA_COUNTRY_CODES: dict[str, str] = {"XK": "Kosovo"}


@functools.cache
def _iso_country_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | frozenset(EXTRA_COUNTRY_CODES)


def is_country_code(code: object) -> bool:
    """True if *code* is an ISO 3166-1 alpha-2 code (or ``XK``)."""
    return isinstance(code, str) and code in _iso_country_codes()


def _check_country_code(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not is_country_code(value):
        raise ValueError(f"{attribute.name} must be an ISO 3166-1 alpha-2 country code")


class CountryGroup(enum.StrEnum):
    """The recognition-relevant group of a country of training, as of a date."""

    DE = "DE"
    EU = "EU"
    EEA_EFTA = "EEA_EFTA"
    CH = "CH"
    THIRD_COUNTRY = "THIRD_COUNTRY"

    @property
    def is_eu_eea_ch(self) -> bool:
        """True for EU, EEA/EFTA and Switzerland (the Directive 2005/36/EC area), not Germany."""
        return self in (CountryGroup.EU, CountryGroup.EEA_EFTA, CountryGroup.CH)

    @classmethod
    def of(cls, country: Country | str, as_of: date) -> CountryGroup:
        """The group of *country* on the date *as_of* (accessions and exits count)."""
        code = country.code if isinstance(country, Country) else country
        if code == "DE":
            return cls.DE
        from iqcore.reference_data import country_group_periods

        for period in country_group_periods().get(code, ()):
            if period.start <= as_of and (period.end is None or as_of < period.end):
                return cls(period.group)
        return cls.THIRD_COUNTRY


@attrs.frozen(kw_only=True, order=True)
class Country:
    """A country, by its ISO 3166-1 alpha-2 code (``XK`` for Kosovo is accepted)."""

    code: str = attrs.field(validator=_check_country_code)

    @property
    def name(self) -> str:
        """The English short name from ISO 3166-1."""
        if self.code in EXTRA_COUNTRY_CODES:
            return EXTRA_COUNTRY_CODES[self.code]
        import pycountry

        found = pycountry.countries.get(alpha_2=self.code)
        return str(found.name) if found is not None else self.code

    def group(self, as_of: date) -> CountryGroup:
        """The country group (DE, EU, EEA_EFTA, CH, THIRD_COUNTRY) as of a date."""
        return CountryGroup.of(self, as_of)

    def __str__(self) -> str:
        return self.code


class FederalState(enum.StrEnum):
    """The 16 Länder, by their ISO 3166-2:DE codes."""

    BW = "DE-BW"
    BY = "DE-BY"
    BE = "DE-BE"
    BB = "DE-BB"
    HB = "DE-HB"
    HH = "DE-HH"
    HE = "DE-HE"
    MV = "DE-MV"
    NI = "DE-NI"
    NW = "DE-NW"
    RP = "DE-RP"
    SL = "DE-SL"
    SN = "DE-SN"
    ST = "DE-ST"
    SH = "DE-SH"
    TH = "DE-TH"

    @property
    def name_de(self) -> str:
        return _STATE_NAMES[self][0]

    @property
    def name_en(self) -> str:
        return _STATE_NAMES[self][1]


_STATE_NAMES: dict[FederalState, tuple[str, str]] = {
    FederalState.BW: ("Baden-Württemberg", "Baden-Württemberg"),
    FederalState.BY: ("Bayern", "Bavaria"),
    FederalState.BE: ("Berlin", "Berlin"),
    FederalState.BB: ("Brandenburg", "Brandenburg"),
    FederalState.HB: ("Bremen", "Bremen"),
    FederalState.HH: ("Hamburg", "Hamburg"),
    FederalState.HE: ("Hessen", "Hesse"),
    FederalState.MV: ("Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania"),
    FederalState.NI: ("Niedersachsen", "Lower Saxony"),
    FederalState.NW: ("Nordrhein-Westfalen", "North Rhine-Westphalia"),
    FederalState.RP: ("Rheinland-Pfalz", "Rhineland-Palatinate"),
    FederalState.SL: ("Saarland", "Saarland"),
    FederalState.SN: ("Sachsen", "Saxony"),
    FederalState.ST: ("Sachsen-Anhalt", "Saxony-Anhalt"),
    FederalState.SH: ("Schleswig-Holstein", "Schleswig-Holstein"),
    FederalState.TH: ("Thüringen", "Thuringia"),
}


class _OrderedStrEnum(enum.StrEnum):
    """A string enum ordered by declaration, not alphabetically."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _OrderedStrEnum)
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _OrderedStrEnum)
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _OrderedStrEnum)
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _OrderedStrEnum)
        return self.rank >= other.rank


class CefrLevel(_OrderedStrEnum):
    """Common European Framework of Reference levels, ordered A1 < A2 < B1 < B2 < C1 < C2."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"


class DirectiveLevel(_OrderedStrEnum):
    """Qualification levels of Art. 11 of Directive 2005/36/EC, ordered a < b < c < d < e."""

    A_ATTESTATION = "a"
    B_CERTIFICATE = "b"
    C_DIPLOMA_POSTSEC_1Y = "c"
    D_DIPLOMA_3_4Y = "d"
    E_DIPLOMA_4Y_PLUS = "e"


class EqfLevel(enum.IntEnum):
    """European (and German, DQR) Qualifications Framework levels 1-8."""

    L1 = 1
    L2 = 2
    L3 = 3
    L4 = 4
    L5 = 5
    L6 = 6
    L7 = 7
    L8 = 8


class IscedLevel(enum.IntEnum):
    """ISCED 2011 levels 0 (early childhood) to 8 (doctoral)."""

    EARLY_CHILDHOOD = 0
    PRIMARY = 1
    LOWER_SECONDARY = 2
    UPPER_SECONDARY = 3
    POST_SECONDARY_NON_TERTIARY = 4
    SHORT_CYCLE_TERTIARY = 5
    BACHELOR = 6
    MASTER = 7
    DOCTORAL = 8


class KldbRequirementLevel(enum.IntEnum):
    """The fifth digit of a KldB 2010 code: the requirement level (Anforderungsniveau)."""

    HELFER = 1
    FACHKRAFT = 2
    SPEZIALIST = 3
    EXPERTE = 4


_ISCED_BROAD = frozenset({"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "99"})
_ISCED_RE = re.compile(r"^[0-9]{2}([0-9]{1,2})?$")


def _check_isced_field(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, str) and _ISCED_RE.match(value) and value[:2] in _ISCED_BROAD):
        raise ValueError(f"{attribute.name} must be an ISCED-F 2013 field code (2, 3 or 4 digits)")


@attrs.frozen(kw_only=True, order=True)
class IscedField:
    """An ISCED-F 2013 field of education: broad (2 digits), narrow (3) or detailed (4)."""

    code: str = attrs.field(validator=_check_isced_field)

    @property
    def broad(self) -> str:
        return self.code[:2]

    def __str__(self) -> str:
        return self.code


_KLDB_RE = re.compile(r"^[0-9]{4}[1-4]$")


def _check_kldb(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, str) and _KLDB_RE.match(value)):
        raise ValueError(
            f"{attribute.name} must be a 5-digit KldB 2010 code whose last digit is 1-4"
        )


@attrs.frozen(kw_only=True, order=True)
class KldbCode:
    """A KldB 2010 occupational type (Berufsgattung): 5 digits, the last the requirement level."""

    code: str = attrs.field(validator=_check_kldb)

    @property
    def requirement_level(self) -> KldbRequirementLevel:
        return KldbRequirementLevel(int(self.code[4]))

    @property
    def area(self) -> str:
        """The occupational area (Berufsbereich), the first digit."""
        return self.code[0]

    def startswith(self, prefix: str) -> bool:
        return self.code.startswith(prefix)

    def __str__(self) -> str:
        return self.code


_ISCO_RE = re.compile(r"^[0-9]{4}$")


def _check_isco(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, str) and _ISCO_RE.match(value)):
        raise ValueError(f"{attribute.name} must be a 4-digit ISCO-08 unit group code")


@attrs.frozen(kw_only=True, order=True)
class IscoCode:
    """An ISCO-08 unit group (four digits)."""

    code: str = attrs.field(validator=_check_isco)

    @property
    def major_group(self) -> str:
        return self.code[0]

    def __str__(self) -> str:
        return self.code
