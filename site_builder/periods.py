"""Steps and periods of the calendar: what events are grouped under, a long timeline is split by
and the chart's axis is ticked in (hours, days, weeks, months, years, decades, centuries,
millennia), aligned on calendar boundaries in any era.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.dates import (
    SECONDS_PER_DAY,
    FuzzyDate,
    PointDate,
    Unit,
    civil_from_days,
    days_from_civil,
    iso_year,
    weekday,
)

# --------------------------------------------------------------------------- periods and steps


@dataclass(frozen=True)
class Step:
    """A calendar step: `count` units (3 months is a quarter, 10 years a decade).

    Boundaries are calendar-aligned (hours of the day, Mondays, months of the year, years that
    are multiples of the count); before the common era, year boundaries fall on round BC years
    (500 BC, 400 BC) and AD 1 starts the next step.
    """

    unit: Unit
    count: int = 1

    def seconds(self) -> int:
        """The step's length in seconds (a month of 30.44 days, a year of 365.24 days)."""
        day = SECONDS_PER_DAY
        return {
            Unit.HOUR: 3600,
            Unit.DAY: day,
            Unit.WEEK: 7 * day,
            Unit.MONTH: 2_629_746,
            Unit.YEAR: 31_556_952,
        }[self.unit] * self.count

    def floor(self, moment: int) -> int:
        """The boundary at or before a moment."""
        days, seconds = divmod(moment, SECONDS_PER_DAY)
        if self.unit is Unit.HOUR:
            hour = seconds // 3600
            return days * SECONDS_PER_DAY + (hour - hour % self.count) * 3600
        if self.unit is Unit.DAY:
            return (days - days % self.count) * SECONDS_PER_DAY
        if self.unit is Unit.WEEK:
            monday = days - weekday(days)
            weeks = (monday + 3) // 7  # Mondays counted from 1969-12-29
            return (monday - 7 * (weeks % self.count)) * SECONDS_PER_DAY
        year, month, _ = civil_from_days(days)
        if self.unit is Unit.MONTH:
            month -= (month - 1) % self.count
            return days_from_civil(year, month, 1) * SECONDS_PER_DAY
        return days_from_civil(self.floor_year(year), 1, 1) * SECONDS_PER_DAY

    def floor_year(self, year: int) -> int:
        """The first year of the step holding `year` (years only)."""
        if self.count == 1:
            return year
        if year >= 1:
            return max(year - year % self.count, 1)
        before = 1 - year  # the BC year
        top = -(-before // self.count) * self.count
        return 1 - top

    def next(self, boundary: int) -> int:
        """The boundary after a boundary."""
        if self.unit in (Unit.HOUR, Unit.DAY, Unit.WEEK):
            return boundary + self.seconds()
        year, month, _ = civil_from_days(boundary // SECONDS_PER_DAY)
        if self.unit is Unit.MONTH:
            month += self.count
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            return days_from_civil(year, month, 1) * SECONDS_PER_DAY
        start = self.floor_year(year)
        # Before the era the step after "100 BC" (100 BC to 1 BC) starts at AD 1.
        following = (start // self.count + 1) * self.count if start >= 1 else start + self.count
        return days_from_civil(following, 1, 1) * SECONDS_PER_DAY

    def __str__(self) -> str:
        """The step for reports and tests: "1 hour", "3 months", "100 years" (readers see
        dates, never this)."""
        return f"{self.count} {self.unit.name.lower()}{'' if self.count == 1 else 's'}"

    def boundaries(self, start: int, end: int, limit: int = 1000) -> list[int]:
        """Boundaries from the one at or before `start` to the first at or after `end`."""
        found = [self.floor(start)]
        while found[-1] < end and len(found) <= limit:
            found.append(self.next(found[-1]))
        return found


HOUR, DAY, MONTH, YEAR = Step(Unit.HOUR), Step(Unit.DAY), Step(Unit.MONTH), Step(Unit.YEAR)
DECADE, CENTURY, MILLENNIUM = Step(Unit.YEAR, 10), Step(Unit.YEAR, 100), Step(Unit.YEAR, 1000)
# The units a list of events is grouped (and a long timeline split) by, finest first.
GROUPING_STEPS = (HOUR, DAY, MONTH, YEAR, DECADE, CENTURY, MILLENNIUM)


def grouping_step(span: int, has_time: bool) -> Step:
    """The unit that fits a span of events (seconds from the first start to the last)."""
    day, year = SECONDS_PER_DAY, YEAR.seconds()
    if has_time and span <= 36 * 3600:
        return HOUR
    if span <= 8 * day:
        return DAY  # a week told day by day
    if span <= 3 * year:
        return MONTH
    if span <= 30 * year:
        return YEAR
    if span <= 300 * year:
        return DECADE
    if span <= 3000 * year:
        return CENTURY
    return MILLENNIUM


@dataclass(frozen=True)
class Period:
    """A stretch of time a list groups events under: a step of the calendar, or a date's own
    span when the date is less precise than the step (a year-only event among months)."""

    start: int
    end: int
    step: Step | None  # None: the span of `point`, at its own precision
    point: PointDate | None = None

    def machine(self) -> str | None:
        """`<time datetime>` value for the heading, when HTML can say it."""
        if self.point is not None:
            return self.point.machine()
        return _step_machine(self)

    def slug(self) -> str:
        """A URL-safe name that does not depend on the language (a page of a split timeline,
        a heading's id): 2021-03-29-15h, 2021-03-29, 2021-03, 2021, 300bc, 1970s, 1800-1899."""
        if self.point is not None:
            point = self.point
            if point.year < 1:
                return re.sub(r"[^a-z0-9]+", "-", f"{point.iso()[1:]}bc".lower())
            return re.sub(r"[^a-z0-9]+", "-", point.iso().lower()).strip("-")
        assert self.step is not None
        year, month, day = civil_from_days(self.start // SECONDS_PER_DAY)
        if self.step.unit is Unit.HOUR:
            hour = self.start % SECONDS_PER_DAY // 3600
            return f"{iso_year(year)}-{month:02d}-{day:02d}-{hour:02d}h".lstrip("-")
        if self.step.unit in (Unit.DAY, Unit.WEEK):
            return f"{_slug_year(year)}-{month:02d}-{day:02d}"
        if self.step.unit is Unit.MONTH:
            return f"{_slug_year(year)}-{month:02d}"
        if self.step.count == 1:
            return _slug_year(year)
        last = civil_from_days(self.end // SECONDS_PER_DAY - 1)[0]
        if year >= 1 and self.step.count == 10 and year % 10 == 0:
            return f"{year}s"
        if last < 1:
            return f"{1 - year}-{1 - last}bc"
        return f"{_slug_year(year)}-{last}"


def _slug_year(year: int) -> str:
    return str(year) if year >= 1 else f"{1 - year}bc"


def _step_machine(period: Period) -> str | None:
    days, seconds = divmod(period.start, SECONDS_PER_DAY)
    year, month, day = civil_from_days(days)
    step = period.step
    if year < 1 or step is None:
        return None
    if step.unit is Unit.HOUR:
        return f"{iso_year(year)}-{month:02d}-{day:02d}T{seconds // 3600:02d}:00"
    if step.unit in (Unit.DAY, Unit.WEEK):
        return f"{iso_year(year)}-{month:02d}-{day:02d}"
    if step.unit is Unit.MONTH:
        return f"{iso_year(year)}-{month:02d}"
    return iso_year(year) if step.count == 1 else None


def period_of(date: FuzzyDate, step: Step) -> Period:
    """The period of `step` a date is listed under: the step holding its start, or the date's
    own span when the date is less precise than the step."""
    if date.coarsest.level > step.unit.value:
        point = date.start
        return Period(point.start(), point.end(), None, point)
    start = step.floor(date.start_moment())
    return Period(start, step.next(start), step)
