"""Reference data shipped with iqcore, loaded lazily from the JSON files in ``data/``.

Nothing here is read when ``import iqcore`` runs; each loader reads its file on first call and
caches the result.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from importlib import resources
from typing import Any

import attrs

__all__ = ["MembershipPeriod", "country_group_periods", "load_json"]


def load_json(name: str) -> Any:
    """Read one data file of this package (by file name)."""
    text = resources.files(__name__).joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@attrs.frozen(kw_only=True)
class MembershipPeriod:
    """A country's membership of a country group: ``start`` inclusive, ``end`` exclusive."""

    country: str
    group: str
    start: date
    end: date | None
    source: str


@functools.cache
def country_group_periods() -> dict[str, tuple[MembershipPeriod, ...]]:
    """The dated membership table behind :meth:`iqcore.CountryGroup.of`, by country code."""
    raw = load_json("country_groups.json")
    out: dict[str, list[MembershipPeriod]] = {}
    for p in raw["periods"]:
        period = MembershipPeriod(
            country=p["country"],
            group=p["group"],
            start=date.fromisoformat(p["start"]),
            end=date.fromisoformat(p["end"]) if p["end"] else None,
            source=raw["sources"][p["source"]],
        )
        out.setdefault(period.country, []).append(period)
    return {k: tuple(sorted(v, key=lambda x: x.start)) for k, v in out.items()}
