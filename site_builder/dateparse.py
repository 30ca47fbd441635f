"""Reading dates as content writes them: `parse_date` and `parse_event_date`, and the time zone
names site.yaml gives (`check_zone`).

A date that cannot be read raises DateSyntaxError saying what is wrong and how to write it:
ambiguous forms (03/04/2021, a two-digit year, -300) are refused rather than guessed. A time of
day is put on the timeline's clock (dates.py's `Clock`). What a date is, its precision and its
place in the order, is dates.py's; this module only reads text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from site_builder.clock import Clock, offset_minutes, on_clock, read_offset
from site_builder.dates import (
    DATE_SYNTAX_HINT,
    MAX_YEAR_DIGITS,
    TIME_YEARS,
    UNKNOWN,
    DateSyntaxError,
    EventDate,
    FuzzyDate,
    PointDate,
    Precision,
    UnknownDate,
    iso_year,
    month_length,
    quoted,
    weeks_in_year,
)

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
# Forms that could mean two different dates: 03/04/2021 (3 April or 4 March), 21-03-29.
_SLASHED = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}", re.ASCII)
_SHORT_YEAR_DAY = re.compile(r"\d{2}-\d{2}-\d{2}", re.ASCII)
_UNKNOWN_LIKE = {"tbd", "tba", "tbc", "?", "unknown date", "n/a", "none", "not known", "unset"}


def parse_date(text: str, clock: Clock | None = None) -> FuzzyDate:
    """Read a date with precision; raise DateSyntaxError saying what is wrong."""
    value = text.strip()
    if value.lower() == UNKNOWN or value.lower() in _UNKNOWN_LIKE:
        raise DateSyntaxError(
            f"{quoted(value)}: only an event's date can be unknown",
            "write the date, as precisely as it is known (a year will do)",
        )
    clock = clock or Clock()
    if "/" in value and not _SLASHED.fullmatch(value):
        first, _, second = value.partition("/")
        if "/" in second or not first.strip() or not second.strip():
            raise DateSyntaxError(
                f"{quoted(value)}: a range is two dates joined by one '/'",
                "write the start and the end, e.g. 2025-07-14/2025-07-18",
            )
        start = _parse_point(first.strip(), clock)
        end = _parse_point(second.strip(), clock, start)
        if end.end() <= start.start():
            raise DateSyntaxError(
                f"the range {quoted(value)} ends before it starts", "put the earlier date first"
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
            f"{quoted(value)} is not a date",
            "write 'unknown' (lowercase) for a proposed event whose date is not set",
        )
    return parse_date(value, clock)


def _parse_point(value: str, clock: Clock, start: PointDate | None = None) -> PointDate:
    part_match = _PART.fullmatch(value)
    if part_match:
        part = part_match["part"]
        inner = _parse_plain_point(part_match["rest"], clock)
        if inner.precision is not Precision.MONTH:
            raise DateSyntaxError(
                f"{quoted(value)}: '{part}' qualifies a month, but {inner.source_text()!r} "
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
            f"{quoted(value)} is a time without a date",
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
            f"{quoted(value)}: a two-digit year could mean two different centuries",
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
                f"{quoted(value)}: {iso_year(year)} has ISO weeks 1 to {weeks}", DATE_SYNTAX_HINT
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
            f"{quoted(value)} is a time without a date",
            "write the day first, e.g. 2021-03-29 15:05",
        )
    if re.fullmatch(r"\d{1,3}-\d{1,2}(?:-\d{1,2})?", value, re.ASCII):
        short, _, rest = value.partition("-")
        raise DateSyntaxError(
            f"{quoted(value)}: a year with a month takes four digits",
            f"write {int(short):04d}-{rest}",
        )
    if re.fullmatch(_YEAR + r"-\d{1,2}[T ]\d.*", value, re.ASCII):
        raise DateSyntaxError(
            f"{quoted(value)}: a time of day needs a day",
            "write the day before the time, e.g. 2021-03-29 15:05",
        )
    raise DateSyntaxError(f"{quoted(value)} is not a date")


def _slashed(value: str) -> DateSyntaxError:
    """03/04/2021 could be 3 April or 4 March; 07/19/2025 can only be month/day."""
    first, second, year = (int(part) for part in re.split(r"[./]", value))
    if len(str(year)) < 4:
        return DateSyntaxError(
            f"{quoted(value)}: a two-digit year could mean two different centuries",
            "write the whole date as year-month-day, e.g. 2021-04-03",
        )
    readings = [(month, day) for month, day in ((first, second), (second, first)) if month <= 12]
    if not readings:
        return DateSyntaxError(f"{quoted(value)} is not a date")
    if len(readings) == 1 or first == second:
        month, day = readings[0]
        return DateSyntaxError(
            f"{quoted(value)} is not written year-month-day",
            f"write {year:04d}-{month:02d}-{day:02d}",
        )
    return DateSyntaxError(
        f"{quoted(value)} could mean two different days (day/month or month/day)",
        f"write year-month-day: {year:04d}-{second:02d}-{first:02d} or "
        f"{year:04d}-{first:02d}-{second:02d}",
    )


def _read_year(value: str, digits: str) -> int:
    if len(digits.lstrip("+-")) > MAX_YEAR_DIGITS:
        raise DateSyntaxError(
            f"{quoted(value)}: a year has at most {MAX_YEAR_DIGITS} digits",
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
            f"{quoted(value)} could mean two years: {year + 1} BC in ISO 8601 (which counts a "
            f"year 0) or {year} BC",
            f"write '{year} BC', or the ISO year '-{year:04d}' if you mean {year + 1} BC",
        )
    if sign == "-":
        return PointDate(Precision.YEAR, -year, written=iso_year(-year))
    if sign == "+" and len(digits) < 4:
        raise DateSyntaxError(
            f"{quoted(value)}: an ISO year with a sign takes at least four digits",
            f"write {year}",
        )
    if len(digits) > 4 and sign != "+":
        raise DateSyntaxError(
            f"{quoted(value)}: a year after 9999 is written with a '+' (ISO 8601)",
            f"write '+{year}'",
        )
    if year == 0 and len(digits) < 4:
        raise DateSyntaxError(
            f"{quoted(value)}: there is no year 0 in everyday counting (1 BC is followed by AD 1)",
            "write '1 BC' or 'AD 1'; the ISO year 0000 also means 1 BC",
        )
    return PointDate(Precision.YEAR, year, written=digits if len(digits) < 4 else iso_year(year))


def _era_year(value: str, match: re.Match[str]) -> PointDate:
    digits = match["n1"] or match["n2"]
    number = _read_year(value, digits)
    era = (match["before"] or match["after"]).upper().replace(".", "")
    if number == 0:
        raise DateSyntaxError(
            f"{quoted(value)}: there is no year 0 {era} (1 BC is followed by AD 1)",
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
            f"{quoted(value)}: {quoted(time)} is not a time of day",
            "write hours and minutes after the day: 2021-03-29 15:05, or with the UTC offset "
            "2021-03-29 15:05+02:00",
        )
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"]) if match["second"] is not None else None
    if hour == 24 and minute == 0 and not second:
        raise DateSyntaxError(
            f"{quoted(value)}: 24:00 is the next day's 00:00", "write 00:00 of the next day"
        )
    if hour > 23 or minute > 59 or (second or 0) > 59:
        raise DateSyntaxError(
            f"{quoted(value)}: {time.split('+')[0].split('-')[0].rstrip('Z')} is not a time of day",
            "hours run from 00 to 23, minutes and seconds from 00 to 59",
        )
    seconds = f":{second:02d}" if second is not None else ""
    canonical_time = f"{hour:02d}:{minute:02d}{seconds}"
    if not time.startswith(canonical_time):
        raise DateSyntaxError(
            f"{quoted(value)}: hours, minutes and seconds take two digits",
            f"write {iso_year(year)}-{month:02d}-{day:02d} {canonical_time}",
        )
    if not TIME_YEARS[0] <= year <= TIME_YEARS[1]:
        raise DateSyntaxError(
            f"{quoted(value)}: a time of day can be given only for years 1 to 9999",
            "leave the time out, or write it in the event's text",
        )
    offset = read_offset(value, match["zone"]) if match["zone"] else None
    local = on_clock(value, dt.datetime(year, month, day, hour, minute, second or 0), offset, clock)
    written = f"{iso_year(year)}-{month:02d}-{day:02d} {canonical_time}{match['zone'] or ''}"
    return PointDate(
        Precision.TIME,
        local.year,
        local.month,
        local.day,
        hour=local.hour,
        minute=local.minute,
        second=local.second if second is not None else None,
        offset=offset_minutes(local.utcoffset()),
        written=written,
    )


def _check_day(value: str, year: int, month: int, day: int) -> None:
    length = month_length(year, month)
    if not 1 <= day <= length:
        raise DateSyntaxError(
            f"{quoted(value)} is not a real day: {iso_year(year)}-{month:02d} has {length} days",
            "check the day, or use the month alone (e.g. 2025-06) if the day is not known",
        )


def _check_padding(value: str, canonical: str) -> None:
    # ISO 8601 dates have two-digit months, days and weeks; one spelling per date keeps
    # content greppable and diffs honest.
    if value.lstrip("+") != canonical.lstrip("+"):
        raise DateSyntaxError(
            f"{quoted(value)}: months, days and weeks take two digits", f"write {canonical}"
        )


def _check_month(value: str, month: int) -> None:
    if not 1 <= month <= 12:
        raise DateSyntaxError(f"{quoted(value)}: month {month} is not between 1 and 12")
