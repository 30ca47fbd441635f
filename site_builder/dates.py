"""Dates that carry their precision: a day, an ISO week, part of a month, a month, a year, a range.

A date never claims more than the data knows: "early June 2025" is stored as such, and its
`<time datetime>` value is `2025-06`, the nearest valid HTML date of that precision. How a date
reads, in the site's language, is i18n.py's (DateFormatter); this module owns what it is.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

DATE_SYNTAX_HINT = (
    "write a day (2025-07-19), an ISO week (2025-W30), part of a month (early 2025-06), "
    "a month (2025-06), a year (2025) or a range of two of these (2025-07-14/2025-07-18)"
)


class Precision(Enum):
    """How much of a date is known, from most to least precise."""

    DAY = "day"
    WEEK = "week"
    PART_OF_MONTH = "part-of-month"
    MONTH = "month"
    YEAR = "year"


# Part of a month: which days it covers (the end day is clipped to the month's length).
_PARTS: dict[str, tuple[int, int]] = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}

# ASCII digits only: \d would also take Arabic-Indic or full-width digits, which int() reads.
_YEAR = re.compile(r"(?P<year>\d{4})", re.ASCII)
_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})", re.ASCII)
_DAY = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})", re.ASCII)
_WEEK = re.compile(r"(?P<year>\d{4})-W(?P<week>\d{1,2})", re.ASCII)
_PART = re.compile(r"(?P<part>early|mid|late) (?P<rest>.+)", re.DOTALL)
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d", re.ASCII)

# Years a date may name. Python's calendar ends at 9999, and pages reach one day and one month
# past the last date (the timeline chart's axis), so 9999 itself would overflow there.
FIRST_YEAR, LAST_YEAR = 1, 9998


class DateSyntaxError(ValueError):
    """A date string that cannot be read, with a hint on how to write it."""

    def __init__(self, message: str, hint: str = DATE_SYNTAX_HINT) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, order=False)
class PointDate:
    """A single date known to some precision."""

    precision: Precision
    year: int
    month: int | None = None
    day: int | None = None
    week: int | None = None
    part: str | None = None

    def first_day(self) -> dt.date:
        """The earliest calendar day this date can mean."""
        if self.precision is Precision.DAY:
            return dt.date(self.year, self.month or 1, self.day or 1)
        if self.precision is Precision.WEEK:
            return dt.date.fromisocalendar(self.year, self.week or 1, 1)
        if self.precision is Precision.PART_OF_MONTH:
            return dt.date(self.year, self.month or 1, _PARTS[self.part or "early"][0])
        if self.precision is Precision.MONTH:
            return dt.date(self.year, self.month or 1, 1)
        return dt.date(self.year, 1, 1)

    def last_day(self) -> dt.date:
        """The latest calendar day this date can mean."""
        if self.precision is Precision.DAY:
            return self.first_day()
        if self.precision is Precision.WEEK:
            return dt.date.fromisocalendar(self.year, self.week or 1, 7)
        month = self.month or 12
        month_end = calendar.monthrange(self.year, month)[1]
        if self.precision is Precision.PART_OF_MONTH:
            return dt.date(self.year, month, min(_PARTS[self.part or "late"][1], month_end))
        if self.precision is Precision.MONTH:
            return dt.date(self.year, month, month_end)
        return dt.date(self.year, 12, 31)

    def machine(self) -> str:
        """The value for `<time datetime>`: valid HTML, no more precise than the data."""
        if self.precision is Precision.DAY:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision is Precision.WEEK:
            return f"{self.year:04d}-W{self.week:02d}"
        if self.precision in (Precision.PART_OF_MONTH, Precision.MONTH):
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def source_text(self) -> str:
        """The date as it is written in content files."""
        if self.precision is Precision.PART_OF_MONTH:
            return f"{self.part} {self.year:04d}-{self.month:02d}"
        return self.machine()


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

    def first_day(self) -> dt.date:
        """The earliest day the date can mean."""
        return self.start.first_day()

    def last_day(self) -> dt.date:
        """The latest day the date can mean."""
        return (self.end or self.start).last_day()

    def sort_key(self) -> tuple[dt.date, dt.date]:
        """Order by the earliest possible day, then the latest."""
        return (self.first_day(), self.last_day())

    def machine(self) -> str:
        """`<time datetime>` value of the start (a range uses two elements)."""
        return self.start.machine()

    def __str__(self) -> str:
        if self.end is None:
            return self.start.source_text()
        return f"{self.start.source_text()}/{self.end.source_text()}"


def parse_date(text: str) -> FuzzyDate:
    """Read a date with precision; raise DateSyntaxError saying what is wrong."""
    value = text.strip()
    if _DATETIME.match(value):
        raise DateSyntaxError(
            f"{_shown(value)} has a time of day; explainer dates are calendar dates",
            "drop the time and timezone, e.g. write 2025-07-19",
        )
    if "/" in value:
        first, _, second = value.partition("/")
        if "/" in second or not first.strip() or not second.strip():
            raise DateSyntaxError(
                f"{_shown(value)}: a range is two dates joined by one '/'",
                "write the start and the end, e.g. 2025-07-14/2025-07-18",
            )
        start, end = _parse_point(first.strip()), _parse_point(second.strip())
        if end.last_day() < start.first_day():
            raise DateSyntaxError(
                f"the range {_shown(value)} ends before it starts", "put the earlier date first"
            )
        return FuzzyDate(start, end)
    return FuzzyDate(_parse_point(value))


def _shown(value: str) -> str:
    """A written date quoted for a message, cut short so a runaway value cannot flood it."""
    return repr(value if len(value) <= 40 else value[:39] + "…")


def _parse_point(value: str) -> PointDate:
    part_match = _PART.fullmatch(value)
    if part_match:
        part = part_match["part"]
        inner = _parse_plain_point(part_match["rest"])
        if inner.precision is not Precision.MONTH:
            raise DateSyntaxError(
                f"{_shown(value)}: '{part}' qualifies a month, but {inner.source_text()!r} "
                f"is a {inner.precision.value}",
                f"write '{part} {inner.year:04d}-{inner.month or 'MM':02}' for part of a "
                f"month, or the {inner.precision.value} alone",
            )
        return PointDate(Precision.PART_OF_MONTH, inner.year, inner.month, part=part)
    return _parse_plain_point(value)


def _parse_plain_point(value: str) -> PointDate:
    """A day, week, month or year (no early/mid/late: those qualify a month only once)."""
    if match := _DAY.fullmatch(value):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
        _check_year(value, year)
        _check_month(value, month)
        _check_padding(value, f"{year:04d}-{month:02d}-{day:02d}")
        month_end = calendar.monthrange(year, month)[1]
        if not 1 <= day <= month_end:
            raise DateSyntaxError(
                f"{_shown(value)} is not a real day: {MONTH_NAMES[month - 1]} {year} "
                f"has {month_end} days",
                "check the day, or use the month alone (e.g. 2025-06) if the day is not known",
            )
        return PointDate(Precision.DAY, year, month, day)
    if match := _WEEK.fullmatch(value):
        year, week = int(match["year"]), int(match["week"])
        _check_year(value, year)
        _check_padding(value, f"{year:04d}-W{week:02d}")
        weeks_in_year = dt.date(year, 12, 28).isocalendar().week
        if not 1 <= week <= weeks_in_year:
            raise DateSyntaxError(
                f"{_shown(value)}: {year} has ISO weeks 1 to {weeks_in_year}", DATE_SYNTAX_HINT
            )
        return PointDate(Precision.WEEK, year, week=week)
    if match := _MONTH.fullmatch(value):
        year, month = int(match["year"]), int(match["month"])
        _check_year(value, year)
        _check_month(value, month)
        _check_padding(value, f"{year:04d}-{month:02d}")
        return PointDate(Precision.MONTH, year, month)
    if _YEAR.fullmatch(value):
        _check_year(value, int(value))
        return PointDate(Precision.YEAR, int(value))
    raise DateSyntaxError(f"{_shown(value)} is not a date")


def _check_year(value: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateSyntaxError(
            f"{_shown(value)}: the year must be between {FIRST_YEAR:04d} and {LAST_YEAR:04d}",
            "check the year for a typo",
        )


def _check_padding(value: str, canonical: str) -> None:
    # ISO 8601 dates have two-digit months, days and weeks; one spelling per date keeps
    # content greppable and diffs honest.
    if value != canonical:
        raise DateSyntaxError(
            f"{_shown(value)}: months, days and weeks take two digits", f"write {canonical}"
        )


def _check_month(value: str, month: int) -> None:
    if not 1 <= month <= 12:
        raise DateSyntaxError(f"{_shown(value)}: month {month} is not between 1 and 12")


def month_key(date: FuzzyDate) -> tuple[int, int]:
    """The (year, month) a timeline groups this date under; month 0 for a year-only date."""
    if date.precision is Precision.YEAR:
        return (date.start.year, 0)
    first = date.first_day()
    return (first.year, first.month)


def month_machine(key: tuple[int, int]) -> str:
    """`<time datetime>` value for a timeline group heading."""
    year, month = key
    return f"{year:04d}" if month == 0 else f"{year:04d}-{month:02d}"
