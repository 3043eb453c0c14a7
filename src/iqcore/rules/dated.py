"""Dated, cited values: legal references, validity intervals, jurisdictions and parameters.

Every rule and parameter of iqcore has a legal reference and a validity interval; it is asked
*as of* a date and answers with what was in force then (the idea of OpenFisca's parameters).
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable
from datetime import date
from typing import Any, Generic, TypeVar

import attrs

from iqcore.errors import NotFound
from iqcore.model._validators import (
    check_id,
    instance,
    nonempty_str,
    optional_check_id,
    optional_nonempty_str,
)
from iqcore.model.codes import FederalState

__all__ = [
    "Jurisdiction",
    "JurisdictionLevel",
    "LegalReference",
    "Parameter",
    "ParameterValue",
    "Validity",
]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class LegalReference:
    """Where a rule or value comes from: an act, a section, and a URL to the text.

    ``verified`` is False for facts taken from general knowledge that no cited source confirms.
    """

    act: str = attrs.field(validator=nonempty_str)
    section: str | None = attrs.field(default=None, validator=optional_nonempty_str)
    url: str | None = attrs.field(default=None, validator=optional_nonempty_str)
    verified: bool = attrs.field(default=True, validator=instance(bool))

    def __str__(self) -> str:
        text = f"{self.section} {self.act}" if self.section else self.act
        return text if self.verified else f"{text} (unverified)"


@attrs.frozen(kw_only=True, order=True)
class Validity:
    """A half-open validity interval ``[valid_from, valid_until)``; ``valid_until`` None is open."""

    valid_from: date = attrs.field(validator=instance(date))
    valid_until: date | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.valid_until is not None:
            if not isinstance(self.valid_until, date):
                raise TypeError("valid_until must be a date")
            if self.valid_until <= self.valid_from:
                raise ValueError("valid_until must be after valid_from")

    def contains(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    def overlaps(self, other: Validity) -> bool:
        a_end = self.valid_until or date.max
        b_end = other.valid_until or date.max
        return self.valid_from < b_end and other.valid_from < a_end

    def __str__(self) -> str:
        until = self.valid_until.isoformat() if self.valid_until else "…"
        return f"[{self.valid_from.isoformat()}, {until})"


#: The day the Recognition Act (and the BQFG) came into force.
BQFG_IN_FORCE = date(2012, 4, 1)
ALWAYS = Validity(valid_from=date(1900, 1, 1))


class JurisdictionLevel(enum.StrEnum):
    """Federal and EU law is the base; a Land's law layers on it; a network's on that."""

    FEDERAL = "FEDERAL"
    STATE = "STATE"
    NETWORK = "NETWORK"


@attrs.frozen(kw_only=True, order=True)
class Jurisdiction:
    """Where a rule applies: everywhere (federal/EU), in one Land, or in one regional network."""

    level: JurisdictionLevel = attrs.field(validator=instance(JurisdictionLevel))
    state: FederalState | None = attrs.field(default=None)
    network_id: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.level is JurisdictionLevel.FEDERAL and (self.state or self.network_id):
            raise ValueError("a federal jurisdiction has no state or network")
        if self.level is JurisdictionLevel.STATE and (self.state is None or self.network_id):
            raise ValueError("a state jurisdiction names exactly one state")
        if self.level is JurisdictionLevel.NETWORK:
            if self.state is None or self.network_id is None:
                raise ValueError("a network jurisdiction names its network and the network's state")
            check_id(self, attrs.fields(Jurisdiction).network_id, self.network_id)

    @classmethod
    def federal(cls) -> Jurisdiction:
        return FEDERAL

    @classmethod
    def of_state(cls, state: FederalState) -> Jurisdiction:
        return cls(level=JurisdictionLevel.STATE, state=state)

    @classmethod
    def of_network(cls, network_id: str, state: FederalState) -> Jurisdiction:
        return cls(level=JurisdictionLevel.NETWORK, state=state, network_id=network_id)

    def covers(self, state: FederalState | None, network_id: str | None) -> bool:
        """True if a case in this state and network falls under this jurisdiction."""
        if self.level is JurisdictionLevel.FEDERAL:
            return True
        if self.level is JurisdictionLevel.STATE:
            return state is self.state
        return network_id == self.network_id

    def within(self, other: Jurisdiction) -> bool:
        """True if every place of this jurisdiction is also in *other*."""
        if other.level is JurisdictionLevel.FEDERAL:
            return True
        if other.level is JurisdictionLevel.STATE:
            return self.level is not JurisdictionLevel.FEDERAL and self.state is other.state
        return self == other

    def __str__(self) -> str:
        if self.level is JurisdictionLevel.FEDERAL:
            return "federal"
        if self.level is JurisdictionLevel.STATE:
            assert self.state is not None
            return str(self.state.value)
        return f"network {self.network_id}"


FEDERAL = Jurisdiction(level=JurisdictionLevel.FEDERAL)


@attrs.frozen(kw_only=True)
class ParameterValue(Generic[T]):
    """One value of a parameter, with its validity and legal reference."""

    value: T
    validity: Validity = attrs.field(validator=instance(Validity))
    reference: LegalReference = attrs.field(validator=instance(LegalReference))


def _values_in_order(
    _inst: object, attribute: attrs.Attribute[Any], values: tuple[ParameterValue[Any], ...]
) -> None:
    if not isinstance(values, tuple) or not values:
        raise ValueError(f"{attribute.name} needs a tuple of at least one value")
    for value in values:
        if not isinstance(value, ParameterValue):
            raise TypeError(f"{attribute.name} holds an item that is not a ParameterValue")
    for a, b in itertools.pairwise(values):
        if a.validity.valid_from >= b.validity.valid_from:
            raise ValueError(f"{attribute.name} must be in order of valid_from")
        if a.validity.overlaps(b.validity):
            raise ValueError(f"{attribute.name} has overlapping validity intervals")


@attrs.frozen(kw_only=True)
class Parameter(Generic[T]):
    """A dated series of values (a threshold, a number of months, a deadline, a language level).

    Asked as of a date it answers the value then in force; a series may have gaps and may end,
    and asking outside every interval raises :class:`~iqcore.errors.NotFound`.

    >>> from datetime import date
    >>> p = Parameter(id="demo.months", title="Months", values=(
    ...     ParameterValue(value=12, validity=Validity(valid_from=date(2012, 4, 1),
    ...                    valid_until=date(2020, 3, 1)), reference=LegalReference(act="X")),
    ...     ParameterValue(value=6, validity=Validity(valid_from=date(2020, 3, 1)),
    ...                    reference=LegalReference(act="Y")),
    ... ))
    >>> p.at(date(2019, 1, 1)), p.at(date(2021, 1, 1))
    (12, 6)
    """

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=nonempty_str)
    values: tuple[ParameterValue[T], ...] = attrs.field(validator=_values_in_order)
    jurisdiction: Jurisdiction = attrs.field(default=FEDERAL, validator=instance(Jurisdiction))
    unit: str | None = attrs.field(default=None, validator=optional_nonempty_str)
    #: The id of a parameter this one replaces within its own jurisdiction (a Land's or a
    #: network's own value for a federal default); checked when a rule book is built.
    replaces: str | None = attrs.field(default=None, validator=optional_check_id)
    #: The plugin that registered the parameter; filled in at registration.
    origin: str = attrs.field(default="", validator=instance(str))

    @property
    def validity(self) -> Validity:
        """The span from the first value's start to the last value's end (gaps included)."""
        return Validity(
            valid_from=self.values[0].validity.valid_from,
            valid_until=self.values[-1].validity.valid_until,
        )

    def value_at(self, as_of: date) -> ParameterValue[T]:
        """The value (with validity and reference) in force on *as_of*."""
        for value in self.values:
            if value.validity.contains(as_of):
                return value
        raise NotFound(f"parameter {self.id} has no value in force on {as_of.isoformat()}")

    def at(self, as_of: date) -> T:
        return self.value_at(as_of).value

    def in_force(self, as_of: date) -> bool:
        return any(v.validity.contains(as_of) for v in self.values)

    @classmethod
    def constant(
        cls,
        *,
        id: str,
        title: str,
        value: T,
        reference: LegalReference,
        valid_from: date = BQFG_IN_FORCE,
        jurisdiction: Jurisdiction = FEDERAL,
        unit: str | None = None,
        replaces: str | None = None,
    ) -> Parameter[T]:
        """A parameter with one value in force from *valid_from* on."""
        first: ParameterValue[T] = ParameterValue(
            value=value, validity=Validity(valid_from=valid_from), reference=reference
        )
        return Parameter[T](
            id=id,
            title=title,
            values=(first,),
            jurisdiction=jurisdiction,
            unit=unit,
            replaces=replaces,
        )

    @classmethod
    def series(
        cls,
        *,
        id: str,
        title: str,
        values: Iterable[tuple[date, date | None, T, LegalReference]],
        jurisdiction: Jurisdiction = FEDERAL,
        unit: str | None = None,
        replaces: str | None = None,
    ) -> Parameter[T]:
        """A parameter from ``(valid_from, valid_until, value, reference)`` tuples."""
        items: tuple[ParameterValue[T], ...] = tuple(
            ParameterValue(value=v, validity=Validity(valid_from=f, valid_until=u), reference=r)
            for f, u, v, r in values
        )
        return Parameter[T](
            id=id,
            title=title,
            values=items,
            jurisdiction=jurisdiction,
            unit=unit,
            replaces=replaces,
        )
