"""Periods of the procedure law and calendar arithmetic with end-of-month clamping.

A statutory period is computed the way §31(1) VwVfG with §§187-188 BGB computes it: the day of
the event (receipt of the application, receipt of the complete documents) is not counted
(§187(1) BGB), and a period of months ends on the day of the last month that has the same number
as the day of the event (§188(2) BGB); if that month is too short, the period ends on its last
day (§188(3) BGB). So one month from 31 January ends on 28 February (29 in a leap year), and two
weeks from a Monday end on the Monday two weeks later. The day a period ends is the last day on
which the act is still in time.

Not modelled: §31(3) VwVfG / §193 BGB (a period ending on a Saturday, Sunday or public holiday
ends on the next working day). Public holidays differ by Land and year, so iqcore reports the
calendar day; a counsellor should treat a weekend deadline as ending on the next working day.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import attrs

from iqcore.model._validators import int_range

__all__ = ["Period", "add_months"]


def add_months(day: date, months: int) -> date:
    """*day* moved by a whole number of calendar months, clamped to the end of a short month.

    >>> add_months(date(2024, 1, 31), 1), add_months(date(2023, 1, 31), 1)
    (datetime.date(2024, 2, 29), datetime.date(2023, 2, 28))
    >>> add_months(date(2024, 11, 30), 3)
    datetime.date(2025, 2, 28)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@attrs.frozen(kw_only=True)
class Period:
    """A statutory period of whole months and/or weeks (e.g. "1 month", "2 weeks").

    >>> Period(months=1).end(date(2024, 1, 31))
    datetime.date(2024, 2, 29)
    >>> str(Period(weeks=2)), Period(weeks=2).end(date(2024, 3, 4))
    ('2 weeks', datetime.date(2024, 3, 18))
    """

    months: int = attrs.field(default=0, validator=int_range(0, 120))
    weeks: int = attrs.field(default=0, validator=int_range(0, 520))

    def __attrs_post_init__(self) -> None:
        if self.months == 0 and self.weeks == 0:
            raise ValueError("a period needs at least one month or one week")

    def end(self, start: date) -> date:
        """The last day of the period that begins with the event on *start* (§§187-188 BGB)."""
        return add_months(start, self.months) + timedelta(weeks=self.weeks)

    def __str__(self) -> str:
        parts = []
        if self.months:
            parts.append(f"{self.months} month" + ("s" if self.months != 1 else ""))
        if self.weeks:
            parts.append(f"{self.weeks} week" + ("s" if self.weeks != 1 else ""))
        return " ".join(parts)
