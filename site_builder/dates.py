"""Dates that carry their precision: a moment, a day, an ISO week, part of a month, a month, a
year of any era, a range of two of these, or an explicit "unknown".

A date never claims more than the data knows: "early June 2025" is stored and shown as such,
and its `<time datetime>` value is `2025-06`, the nearest valid HTML date of that precision.

Calendar: the proleptic Gregorian calendar with astronomical year numbering inside (year 0 is
1 BC, -1 is 2 BC), as in ISO 8601. Content may write an ISO year (`-0299`) or a readable one
(`300 BC`, `AD 79`); both mean the same year.

Positions: a date covers the seconds from its `start()` up to, not including, its `end()`,
counted from 1970-01-01 00:00 on the timeline's clock: the site's `timezone` when it has one
(a time written with another offset is converted to it), else the single UTC offset its times
are written with (validate.py checks there is only one).

Ordering (the one rule, `sort_key`): a date is placed at the first moment it can mean; of two
dates starting at the same moment, the shorter comes first; an unknown date comes after every
known one. So `2025` comes before `March 2025`, which comes before `2025-03-23`, and
`late 2025-03` (21-31 March) before `2025-03-23`. An event's `after:` field overrides this
(timelineparts.py).

How a date reads, in the site's language (month names, eras, headings, axis labels), is
i18n.py's (DateFormatter); this module owns what a date is, never a word of it. Reading the
text content writes is dateparse.py's, the time zone clock.py's, steps and periods periods.py's.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import Enum

SECONDS_PER_DAY = 86_400
MINUTES_PER_HOUR = 60

DATE_SYNTAX_HINT = (
    "write a day (2025-07-19), a time (2025-07-19 15:05), an ISO week (2025-W30), part of a "
    "month (early 2025-06), a month (2025-06), a year (2025, 602, 300 BC or -0299) or a range "
    "of two of these (2025-07-14/2025-07-18)"
)
UNKNOWN = "unknown"  # how content writes an event date that is not known yet


class Precision(Enum):
    """How much of a date is known, from most to least precise."""

    TIME = "time"
    DAY = "day"
    WEEK = "week"
    PART_OF_MONTH = "part-of-month"
    MONTH = "month"
    YEAR = "year"

    @property
    def level(self) -> int:
        """0 for a time of day up to 4 for a year: the finest Unit a date of this precision fits."""
        return _LEVELS[self]


class Unit(Enum):
    """A calendar unit that periods, axis ticks and timeline pages are counted in."""

    HOUR = 0
    DAY = 1
    WEEK = 2
    MONTH = 3
    YEAR = 4


_LEVELS = {
    Precision.TIME: Unit.HOUR.value,
    Precision.DAY: Unit.DAY.value,
    Precision.WEEK: Unit.WEEK.value,
    Precision.PART_OF_MONTH: Unit.MONTH.value,
    Precision.MONTH: Unit.MONTH.value,
    Precision.YEAR: Unit.YEAR.value,
}

# Part of a month: which days it covers (the end day is clipped to the month's length).
_PARTS: dict[str, tuple[int, int]] = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}

# Years a date may name: far beyond any history (nine digits), bounded so that a runaway value
# cannot make arithmetic or an axis of ticks explode.
MAX_YEAR_DIGITS = 9
# A time of day needs the time zone database and Python's datetime: years 1 to 9999.
TIME_YEARS = (1, 9999)


class DateSyntaxError(ValueError):
    """A date string that cannot be read, with a hint on how to write it."""

    def __init__(self, message: str, hint: str = DATE_SYNTAX_HINT) -> None:
        super().__init__(message)
        self.hint = hint


def quoted(value: str) -> str:
    """A written date quoted for a message, cut short so a runaway value cannot flood it."""
    return repr(value if len(value) <= 40 else value[:39] + "…")


# --------------------------------------------------------------------------- calendar arithmetic


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date, for any (astronomical) year."""
    # Howard Hinnant's algorithm: years counted from March, in 400-year eras.
    shifted = year - (month <= 2)
    era = shifted // 400
    year_of_era = shifted - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day counted from 1970-01-01, for any era."""
    shifted = days + 719_468
    era = shifted // 146_097
    day_of_era = shifted - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = month_index + 3 if month_index < 10 else month_index - 9
    return year_of_era + era * 400 + (month <= 2), month, day


def is_leap(year: int) -> bool:
    """True for a Gregorian leap year (year 0, 1 BC, is one)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_length(year: int, month: int) -> int:
    """Days in a month."""
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def weekday(days: int) -> int:
    """Day of the week of a day number, Monday 0 to Sunday 6 (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


def _week_one_monday(year: int) -> int:
    january_4 = days_from_civil(year, 1, 4)  # ISO week 1 is the week holding 4 January
    return january_4 - weekday(january_4)


def weeks_in_year(year: int) -> int:
    """ISO weeks in an ISO week-numbering year: 52 or 53."""
    return (_week_one_monday(year + 1) - _week_one_monday(year)) // 7


def iso_week_monday(year: int, week: int) -> int:
    """Day number of the Monday of an ISO week."""
    return _week_one_monday(year) + 7 * (week - 1)


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class PointDate:
    """A single date known to some precision; a time of day is on the timeline's clock."""

    precision: Precision
    year: int  # astronomical: 0 is 1 BC
    month: int | None = None
    day: int | None = None
    week: int | None = None
    part: str | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None  # None when written to the minute
    offset: int | None = None  # minutes east of UTC of the wall time above (times only)
    written: str = field(default="", compare=False)  # the content's spelling, normalised

    def start_day(self) -> int:
        """Day number of the first day this date can mean."""
        if self.precision in (Precision.TIME, Precision.DAY):
            return days_from_civil(self.year, self.month or 1, self.day or 1)
        if self.precision is Precision.WEEK:
            return iso_week_monday(self.year, self.week or 1)
        if self.precision is Precision.PART_OF_MONTH:
            return days_from_civil(self.year, self.month or 1, _PARTS[self.part or "early"][0])
        if self.precision is Precision.MONTH:
            return days_from_civil(self.year, self.month or 1, 1)
        return days_from_civil(self.year, 1, 1)

    def end_day(self) -> int:
        """Day number of the day after the last day this date can mean."""
        if self.precision in (Precision.TIME, Precision.DAY):
            return self.start_day() + 1
        if self.precision is Precision.WEEK:
            return self.start_day() + 7
        month = self.month or 12
        if self.precision is Precision.PART_OF_MONTH:
            last = min(_PARTS[self.part or "late"][1], month_length(self.year, month))
            return days_from_civil(self.year, month, last) + 1
        if self.precision is Precision.MONTH:
            return days_from_civil(self.year, month, month_length(self.year, month)) + 1
        return days_from_civil(self.year + 1, 1, 1)

    def start(self) -> int:
        """The first second this date can mean, on the timeline's clock."""
        return self._start

    @functools.cached_property
    def _start(self) -> int:
        # Asked for again and again (sorting, grouping, the chart): computed once.
        seconds = self.start_day() * SECONDS_PER_DAY
        if self.precision is Precision.TIME:
            seconds += (self.hour or 0) * 3600 + (self.minute or 0) * 60 + (self.second or 0)
        return seconds

    def end(self) -> int:
        """The first second after this date (a time written to the minute lasts a minute)."""
        if self.precision is Precision.TIME:
            return self.start() + (1 if self.second is not None else 60)
        return self.end_day() * SECONDS_PER_DAY

    def machine(self) -> str | None:
        """The value for `<time datetime>`: valid HTML, no more precise than the data.

        None before AD 1: HTML has no date before the common era.
        """
        if self.year < 1:
            return None
        return self.iso()

    def iso(self) -> str:
        """ISO 8601 at this precision (an expanded year such as -0299 before AD 1)."""
        year = iso_year(self.year)
        if self.precision is Precision.TIME:
            seconds = f":{self.second:02d}" if self.second is not None else ""
            return (
                f"{year}-{self.month:02d}-{self.day:02d}T{self.hour:02d}:{self.minute:02d}"
                f"{seconds}{offset_text(self.offset)}"
            )
        if self.precision is Precision.DAY:
            return f"{year}-{self.month:02d}-{self.day:02d}"
        if self.precision is Precision.WEEK:
            return f"{year}-W{self.week:02d}"
        if self.precision in (Precision.PART_OF_MONTH, Precision.MONTH):
            return f"{year}-{self.month:02d}"
        return year

    def source_text(self) -> str:
        """The date as content writes it."""
        if self.written:
            return self.written
        if self.precision is Precision.PART_OF_MONTH:
            return f"{self.part} {iso_year(self.year)}-{self.month:02d}"
        return self.iso().replace("T", " ")


@dataclass(frozen=True)
class FuzzyDate:
    """A date or a range of dates, each end at its own precision."""

    start: PointDate
    end: PointDate | None = None

    @property
    def is_range(self) -> bool:
        """True when the date is a span between two dates."""
        return self.end is not None

    @property
    def precision(self) -> Precision:
        """The precision of the start (a range reports its start's precision)."""
        return self.start.precision

    @property
    def coarsest(self) -> Precision:
        """The least precise of the two ends."""
        ends = [self.start] if self.end is None else [self.start, self.end]
        return max((point.precision for point in ends), key=lambda p: p.level)

    @property
    def has_time(self) -> bool:
        """True when either end has a time of day."""
        return any(
            point is not None and point.precision is Precision.TIME
            for point in (self.start, self.end)
        )

    def start_moment(self) -> int:
        """The first second the date can mean."""
        return self.start.start()

    def end_moment(self) -> int:
        """The first second after the date."""
        return (self.end or self.start).end()

    def sort_key(self) -> tuple[int, int]:
        """The ordering rule: by the first moment, then the shorter first (see the module doc)."""
        return (self.start_moment(), self.end_moment())

    def overlaps(self, other: FuzzyDate) -> bool:
        """True when the two dates can mean a common moment."""
        return self.start_moment() < other.end_moment() and other.start_moment() < self.end_moment()

    def machine(self) -> str | None:
        """`<time datetime>` value of the start (a range uses two elements)."""
        return self.start.machine()

    def first_civil(self) -> tuple[int, int, int]:
        """(year, month, day) of the first day the date can mean."""
        return civil_from_days(self.start.start_day())

    def timestamp(self) -> str:
        """An RFC 3339 timestamp of the start (midnight UTC for a day); years 1 to 9999 only."""
        start = self.start
        if start.precision is Precision.TIME:
            seconds = f"{start.second or 0:02d}"
            zone = offset_text(start.offset) or "Z"
            return (
                f"{start.year:04d}-{start.month:02d}-{start.day:02d}T{start.hour:02d}:"
                f"{start.minute:02d}:{seconds}{zone}"
            )
        year, month, day = self.first_civil()
        return f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"

    def __str__(self) -> str:
        if self.end is None:
            return self.start.source_text()
        return f"{self.start.source_text()}/{self.end.source_text()}"


@dataclass(frozen=True)
class UnknownDate:
    """An event date not known yet (`date: unknown`): listed last unless placed with `after`."""

    is_range = False
    has_time = False

    def machine(self) -> None:
        """No `<time>` value: there is no date."""
        return None

    def __str__(self) -> str:
        return UNKNOWN


EventDate = FuzzyDate | UnknownDate


def iso_year(year: int) -> str:
    """A year as ISO 8601 writes it: 2025, 0602, -0299 (300 BC), +12000."""
    if 0 <= year <= 9999:
        return f"{year:04d}"
    return f"-{-year:04d}" if year < 0 else f"+{year}"


def offset_text(offset: int | None) -> str:
    """A UTC offset as ISO 8601 writes it ("+02:00", "Z"); "" when there is none."""
    if offset is None:
        return ""
    if offset == 0:
        return "Z"
    sign = "+" if offset > 0 else "-"
    hours, minutes = divmod(abs(offset), MINUTES_PER_HOUR)
    return f"{sign}{hours:02d}:{minutes:02d}"
