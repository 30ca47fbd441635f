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
(model.py).

How a date reads, in the site's language (month names, eras, headings, axis labels), is
i18n.py's (DateFormatter); this module owns what a date is, never a word of it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import zoneinfo
from dataclasses import dataclass, field, replace
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


# --------------------------------------------------------------------------- the clock


@dataclass(frozen=True)
class Clock:
    """The time zone times of day are read in and shown in: the site's `timezone`, if any.

    `known` is False when site.yaml could not be read: times without an offset are then taken
    as they are instead of being reported a second time for a missing time zone.
    """

    zone: str | None = None
    known: bool = True


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", re.ASCII)


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def check_zone(name: str) -> str:
    """An IANA time zone name that exists (`Africa/Cairo`, `UTC`); raise DateSyntaxError if not."""
    if len(name) <= 64 and _ZONE_NAME.fullmatch(name):
        try:
            _zone(name)
            return name
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
    if re.fullmatch(r"(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?", name.strip(), re.IGNORECASE):
        raise DateSyntaxError(
            f"{_shown(name)} is an offset, not a time zone",
            "write a time zone name such as Europe/Lisbon (it knows summer time), or leave "
            "timezone out and write the offset on each time: 2021-03-29 15:05+02:00",
        )
    close = difflib.get_close_matches(name, sorted(_zone_names()), n=1, cutoff=0.6)
    raise DateSyntaxError(
        f"{_shown(name)} is not a time zone",
        f"did you mean '{close[0]}'?"
        if close
        else "write an IANA time zone name such as Europe/Lisbon, Africa/Cairo or UTC",
    )


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


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


# --------------------------------------------------------------------------- reading dates

_PART = re.compile(r"(?P<part>early|mid|late) (?P<rest>.+)", re.DOTALL)
# ASCII digits only: \d would also take Arabic-Indic or full-width digits, which int() reads.
_YEAR = r"(?P<year>[+-]\d{4,}|\d{4})"
_DAY = re.compile(
    _YEAR + r"-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:(?P<sep>[T ])(?P<time>.*))?", re.ASCII
)
_WEEK = re.compile(_YEAR + r"-W(?P<week>\d{1,2})", re.ASCII)
_MONTH = re.compile(_YEAR + r"-(?P<month>\d{1,2})", re.ASCII)
_PLAIN_YEAR = re.compile(r"(?P<sign>[+-]?)(?P<digits>\d+)", re.ASCII)
_ERA_YEAR = re.compile(
    r"(?:(?P<before>AD|CE)\s*(?P<n1>\d+)|(?P<n2>\d+)\s*(?P<after>BCE|BC|AD|CE|B\.C\.|A\.D\.))",
    re.ASCII | re.IGNORECASE,
)
_TIME = re.compile(
    r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2}))?(?P<zone>Z|[+-]\S*)?",
    re.ASCII,
)
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{2}):(?P<minutes>\d{2})", re.ASCII)
# Forms that could mean two different dates: 03/04/2021 (3 April or 4 March), 21-03-29.
_SLASHED = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}", re.ASCII)
_SHORT_YEAR_DAY = re.compile(r"\d{2}-\d{2}-\d{2}", re.ASCII)
_UNKNOWN_LIKE = {"tbd", "tba", "tbc", "?", "unknown date", "n/a", "none", "not known", "unset"}


def parse_date(text: str, clock: Clock | None = None) -> FuzzyDate:
    """Read a date with precision; raise DateSyntaxError saying what is wrong."""
    value = text.strip()
    if value.lower() == UNKNOWN or value.lower() in _UNKNOWN_LIKE:
        raise DateSyntaxError(
            f"{_shown(value)}: only an event's date can be unknown",
            "write the date, as precisely as it is known (a year will do)",
        )
    clock = clock or Clock()
    if "/" in value and not _SLASHED.fullmatch(value):
        first, _, second = value.partition("/")
        if "/" in second or not first.strip() or not second.strip():
            raise DateSyntaxError(
                f"{_shown(value)}: a range is two dates joined by one '/'",
                "write the start and the end, e.g. 2025-07-14/2025-07-18",
            )
        start = _parse_point(first.strip(), clock)
        end = _parse_point(second.strip(), clock, start)
        if end.end() <= start.start():
            raise DateSyntaxError(
                f"the range {_shown(value)} ends before it starts", "put the earlier date first"
            )
        return FuzzyDate(start, end)
    return FuzzyDate(_parse_point(value, clock))


def parse_event_date(text: str, clock: Clock | None = None) -> EventDate:
    """An event's date: a date as `parse_date` reads it, or `unknown`."""
    value = text.strip()
    if value == UNKNOWN:
        return UnknownDate()
    if value.lower() == UNKNOWN or value.lower() in _UNKNOWN_LIKE:
        raise DateSyntaxError(
            f"{_shown(value)} is not a date",
            "write 'unknown' (lowercase) for a proposed event whose date is not set",
        )
    return parse_date(value, clock)


def _shown(value: str) -> str:
    """A written date quoted for a message, cut short so a runaway value cannot flood it."""
    return repr(value if len(value) <= 40 else value[:39] + "…")


def _parse_point(value: str, clock: Clock, start: PointDate | None = None) -> PointDate:
    part_match = _PART.fullmatch(value)
    if part_match:
        part = part_match["part"]
        inner = _parse_plain_point(part_match["rest"], clock)
        if inner.precision is not Precision.MONTH:
            raise DateSyntaxError(
                f"{_shown(value)}: '{part}' qualifies a month, but {inner.source_text()!r} "
                f"is a {_precision_noun(inner.precision)}",
                f"write '{part} {iso_year(inner.year)}-{inner.month or 'MM':02}' for part of a "
                f"month, or the {_precision_noun(inner.precision)} alone",
            )
        written = f"{part} {inner.source_text()}"
        return PointDate(
            Precision.PART_OF_MONTH, inner.year, inner.month, part=part, written=written
        )
    if _TIME.fullmatch(value):
        if start is not None and start.precision is Precision.TIME:
            # "2021-03-29 15:05/19:00": the end is a time of the start's day, written with the
            # start's offset (if any).
            day, _, time = start.written.partition(" ")
            start_time, end_time = _TIME.fullmatch(time), _TIME.fullmatch(value)
            suffix = ""
            if start_time and start_time["zone"] and end_time and not end_time["zone"]:
                suffix = start_time["zone"]
            point = _parse_plain_point(f"{day} {value}{suffix}", clock)
            return replace(point, written=value)
        raise DateSyntaxError(
            f"{_shown(value)} is a time without a date",
            "write the day first, e.g. 2021-03-29 15:05",
        )
    return _parse_plain_point(value, clock)


def _precision_noun(precision: Precision) -> str:
    return "time" if precision is Precision.TIME else precision.value


def _parse_plain_point(value: str, clock: Clock) -> PointDate:
    """A time, day, week, month or year (no early/mid/late: those qualify a month only once)."""
    if _SLASHED.fullmatch(value):
        raise _slashed(value)
    if _SHORT_YEAR_DAY.fullmatch(value):
        raise DateSyntaxError(
            f"{_shown(value)}: a two-digit year could mean two different centuries",
            f"write the whole year, e.g. 20{value} for year-month-day",
        )
    if match := _DAY.fullmatch(value):
        year = _read_year(value, match["year"])
        month, day = int(match["month"]), int(match["day"])
        _check_month(value, month)
        written_day = value[: match.start("sep")] if match["sep"] else value
        _check_padding(written_day, f"{iso_year(year)}-{month:02d}-{day:02d}")
        _check_day(value, year, month, day)
        if match["sep"] is not None:
            return _parse_time(value, match["time"], year, month, day, clock)
        return PointDate(Precision.DAY, year, month, day)
    if match := _WEEK.fullmatch(value):
        year = _read_year(value, match["year"])
        week = int(match["week"])
        _check_padding(value, f"{iso_year(year)}-W{week:02d}")
        weeks = weeks_in_year(year)
        if not 1 <= week <= weeks:
            raise DateSyntaxError(
                f"{_shown(value)}: {iso_year(year)} has ISO weeks 1 to {weeks}", DATE_SYNTAX_HINT
            )
        return PointDate(Precision.WEEK, year, week=week)
    if match := _MONTH.fullmatch(value):
        year = _read_year(value, match["year"])
        month = int(match["month"])
        _check_month(value, month)
        _check_padding(value, f"{iso_year(year)}-{month:02d}")
        return PointDate(Precision.MONTH, year, month)
    if match := _PLAIN_YEAR.fullmatch(value):
        return _plain_year(value, match)
    if match := _ERA_YEAR.fullmatch(value):
        return _era_year(value, match)
    if re.match(r"\d{1,2}:\d", value, re.ASCII):
        raise DateSyntaxError(
            f"{_shown(value)} is a time without a date",
            "write the day first, e.g. 2021-03-29 15:05",
        )
    if re.fullmatch(r"\d{1,3}-\d{1,2}(?:-\d{1,2})?", value, re.ASCII):
        short, _, rest = value.partition("-")
        raise DateSyntaxError(
            f"{_shown(value)}: a year with a month takes four digits",
            f"write {int(short):04d}-{rest}",
        )
    if re.fullmatch(_YEAR + r"-\d{1,2}[T ]\d.*", value, re.ASCII):
        raise DateSyntaxError(
            f"{_shown(value)}: a time of day needs a day",
            "write the day before the time, e.g. 2021-03-29 15:05",
        )
    raise DateSyntaxError(f"{_shown(value)} is not a date")


def _slashed(value: str) -> DateSyntaxError:
    """03/04/2021 could be 3 April or 4 March; 07/19/2025 can only be month/day."""
    first, second, year = (int(part) for part in re.split(r"[./]", value))
    if len(str(year)) < 4:
        return DateSyntaxError(
            f"{_shown(value)}: a two-digit year could mean two different centuries",
            "write the whole date as year-month-day, e.g. 2021-04-03",
        )
    readings = [(month, day) for month, day in ((first, second), (second, first)) if month <= 12]
    if not readings:
        return DateSyntaxError(f"{_shown(value)} is not a date")
    if len(readings) == 1 or first == second:
        month, day = readings[0]
        return DateSyntaxError(
            f"{_shown(value)} is not written year-month-day",
            f"write {year:04d}-{month:02d}-{day:02d}",
        )
    return DateSyntaxError(
        f"{_shown(value)} could mean two different days (day/month or month/day)",
        f"write year-month-day: {year:04d}-{second:02d}-{first:02d} or "
        f"{year:04d}-{first:02d}-{second:02d}",
    )


def _read_year(value: str, digits: str) -> int:
    if len(digits.lstrip("+-")) > MAX_YEAR_DIGITS:
        raise DateSyntaxError(
            f"{_shown(value)}: a year has at most {MAX_YEAR_DIGITS} digits",
            "check the year for a typo",
        )
    return int(digits)


def _plain_year(value: str, match: re.Match[str]) -> PointDate:
    sign, digits = match["sign"], match["digits"]
    year = _read_year(value, digits)
    if sign == "-" and len(digits) < 4:
        # ISO 8601 counts a year 0 (1 BC), so -300 is 301 BC; people writing -300 usually
        # mean 300 BC. Refuse to guess.
        raise DateSyntaxError(
            f"{_shown(value)} could mean two years: {year + 1} BC in ISO 8601 (which counts a "
            f"year 0) or {year} BC",
            f"write '{year} BC', or the ISO year '-{year:04d}' if you mean {year + 1} BC",
        )
    if sign == "-":
        return PointDate(Precision.YEAR, -year, written=iso_year(-year))
    if sign == "+" and len(digits) < 4:
        raise DateSyntaxError(
            f"{_shown(value)}: an ISO year with a sign takes at least four digits",
            f"write {year}",
        )
    if len(digits) > 4 and sign != "+":
        raise DateSyntaxError(
            f"{_shown(value)}: a year after 9999 is written with a '+' (ISO 8601)",
            f"write '+{year}'",
        )
    if year == 0 and len(digits) < 4:
        raise DateSyntaxError(
            f"{_shown(value)}: there is no year 0 in everyday counting (1 BC is followed by AD 1)",
            "write '1 BC' or 'AD 1'; the ISO year 0000 also means 1 BC",
        )
    return PointDate(Precision.YEAR, year, written=digits if len(digits) < 4 else iso_year(year))


def _era_year(value: str, match: re.Match[str]) -> PointDate:
    digits = match["n1"] or match["n2"]
    number = _read_year(value, digits)
    era = (match["before"] or match["after"]).upper().replace(".", "")
    if number == 0:
        raise DateSyntaxError(
            f"{_shown(value)}: there is no year 0 {era} (1 BC is followed by AD 1)",
            "write '1 BC' or 'AD 1'",
        )
    if era in ("BC", "BCE"):
        return PointDate(Precision.YEAR, 1 - number, written=f"{number} {era}")
    written = f"{era} {number}" if match["before"] else f"{number} {era}"
    return PointDate(Precision.YEAR, number, written=written)


def _parse_time(value: str, time: str, year: int, month: int, day: int, clock: Clock) -> PointDate:
    match = _TIME.fullmatch(time)
    if match is None:
        raise DateSyntaxError(
            f"{_shown(value)}: {_shown(time)} is not a time of day",
            "write hours and minutes after the day: 2021-03-29 15:05, or with the UTC offset "
            "2021-03-29 15:05+02:00",
        )
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"]) if match["second"] is not None else None
    if hour == 24 and minute == 0 and not second:
        raise DateSyntaxError(
            f"{_shown(value)}: 24:00 is the next day's 00:00", "write 00:00 of the next day"
        )
    if hour > 23 or minute > 59 or (second or 0) > 59:
        raise DateSyntaxError(
            f"{_shown(value)}: {time.split('+')[0].split('-')[0].rstrip('Z')} is not a time of day",
            "hours run from 00 to 23, minutes and seconds from 00 to 59",
        )
    seconds = f":{second:02d}" if second is not None else ""
    canonical_time = f"{hour:02d}:{minute:02d}{seconds}"
    if not time.startswith(canonical_time):
        raise DateSyntaxError(
            f"{_shown(value)}: hours, minutes and seconds take two digits",
            f"write {iso_year(year)}-{month:02d}-{day:02d} {canonical_time}",
        )
    if not TIME_YEARS[0] <= year <= TIME_YEARS[1]:
        raise DateSyntaxError(
            f"{_shown(value)}: a time of day can be given only for years 1 to 9999",
            "leave the time out, or write it in the event's text",
        )
    offset = _read_offset(value, match["zone"]) if match["zone"] else None
    local = _on_clock(
        value, dt.datetime(year, month, day, hour, minute, second or 0), offset, clock
    )
    written = f"{iso_year(year)}-{month:02d}-{day:02d} {canonical_time}{match['zone'] or ''}"
    return PointDate(
        Precision.TIME,
        local.year,
        local.month,
        local.day,
        hour=local.hour,
        minute=local.minute,
        second=local.second if second is not None else None,
        offset=_minutes(local.utcoffset()),
        written=written,
    )


def _read_offset(value: str, zone: str) -> int:
    if zone == "Z":
        return 0
    match = _OFFSET.fullmatch(zone)
    if match is None:
        raise DateSyntaxError(
            f"{_shown(value)}: {_shown(zone)} is not a UTC offset",
            "write the offset as +HH:MM or -HH:MM (e.g. +02:00), or Z for UTC",
        )
    hours, minutes = int(match["hours"]), int(match["minutes"])
    if hours > 14 or minutes > 59 or (hours == 14 and minutes):
        raise DateSyntaxError(
            f"{_shown(value)}: {zone} is not a UTC offset (they run from -12:00 to +14:00)",
            "check the offset for a typo",
        )
    sign = 1 if match["sign"] == "+" else -1
    return sign * (hours * MINUTES_PER_HOUR + minutes)


def _minutes(delta: dt.timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds()) // 60


def _on_clock(value: str, written: dt.datetime, offset: int | None, clock: Clock) -> dt.datetime:
    """The written time on the timeline's clock (aware, except when no clock can be known)."""
    zone = _zone(clock.zone) if clock.zone else None
    if offset is not None:
        aware = written.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
        if zone is None:
            return aware
        try:
            return aware.astimezone(zone)
        except OverflowError:
            raise DateSyntaxError(
                f"{_shown(value)} falls outside the years 1 to 9999 in {clock.zone}",
                "check the date",
            ) from None
    if zone is None:
        if not clock.known:
            return written
        raise DateSyntaxError(
            f"{_shown(value)} has a time of day but no time zone",
            "add the site's time zone to site.yaml (timezone: Africa/Cairo), or write the UTC "
            "offset on the time, e.g. 2021-03-29 15:05+02:00",
        )
    earlier, later = written.replace(tzinfo=zone, fold=0), written.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        back = earlier.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
        if back != written:
            raise DateSyntaxError(
                f"{_shown(value)} does not exist in {clock.zone}: the clocks went forward "
                "that night",
                "check the time, or write the UTC offset the source gives (e.g. +02:00)",
            )
        first, second = (
            offset_text(_minutes(earlier.utcoffset())),
            offset_text(_minutes(later.utcoffset())),
        )
        raise DateSyntaxError(
            f"{_shown(value)} happened twice in {clock.zone}: the clocks went back that night",
            f"write the UTC offset to say which: {value}{first} or {value}{second}",
        )
    return earlier


def _check_day(value: str, year: int, month: int, day: int) -> None:
    length = month_length(year, month)
    if not 1 <= day <= length:
        raise DateSyntaxError(
            f"{_shown(value)} is not a real day: {iso_year(year)}-{month:02d} has {length} days",
            "check the day, or use the month alone (e.g. 2025-06) if the day is not known",
        )


def _check_padding(value: str, canonical: str) -> None:
    # ISO 8601 dates have two-digit months, days and weeks; one spelling per date keeps
    # content greppable and diffs honest.
    if value.lstrip("+") != canonical.lstrip("+"):
        raise DateSyntaxError(
            f"{_shown(value)}: months, days and weeks take two digits", f"write {canonical}"
        )


def _check_month(value: str, month: int) -> None:
    if not 1 <= month <= 12:
        raise DateSyntaxError(f"{_shown(value)}: month {month} is not between 1 and 12")


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
