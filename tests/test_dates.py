"""Dates keep their precision: parsing, display, the machine-readable form, the calendar of any
era, times of day on the site's clock, the ordering rule and the periods lists are grouped by."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.clock import Clock, check_zone
from site_builder.datefmt import DateFormatter
from site_builder.dateparse import parse_date, parse_event_date
from site_builder.dates import (
    SECONDS_PER_DAY,
    DateSyntaxError,
    Precision,
    Unit,
    UnknownDate,
    civil_from_days,
    days_from_civil,
    weeks_in_year,
)
from site_builder.i18n import Messages, parse_language
from site_builder.periods import (
    CENTURY,
    DAY,
    DECADE,
    HOUR,
    MILLENNIUM,
    MONTH,
    YEAR,
    Step,
    grouping_step,
    period_of,
)

BRITISH = DateFormatter(Messages(parse_language("en-GB")))


def _day(text: str) -> int:
    """Seconds at the start of a day written YYYY-MM-DD (any era: -0043-03-15)."""
    sign = -1 if text.startswith("-") else 1
    year, month, day = text.lstrip("-").split("-")
    return days_from_civil(sign * int(year), int(month), int(day)) * SECONDS_PER_DAY


@pytest.mark.parametrize(
    ("written", "precision", "text", "machine", "first", "last"),
    [
        ("2025-07-19", Precision.DAY, "19 July 2025", "2025-07-19", "2025-07-19", "2025-07-19"),
        ("2025-06", Precision.MONTH, "June 2025", "2025-06", "2025-06-01", "2025-06-30"),
        (
            "early 2025-06",
            Precision.PART_OF_MONTH,
            "early June 2025",
            "2025-06",
            "2025-06-01",
            "2025-06-10",
        ),
        (
            "late 2025-02",
            Precision.PART_OF_MONTH,
            "late February 2025",
            "2025-02",
            "2025-02-21",
            "2025-02-28",
        ),
        (
            "2025-W30",
            Precision.WEEK,
            "week of 21 July 2025",
            "2025-W30",
            "2025-07-21",
            "2025-07-27",
        ),
        ("2025", Precision.YEAR, "2025", "2025", "2025-01-01", "2025-12-31"),
        ("2024-02-29", Precision.DAY, "29 February 2024", "2024-02-29", "2024-02-29", "2024-02-29"),
        # Years of any length, either side of the common era.
        ("602", Precision.YEAR, "602", "0602", "0602-01-01", "0602-12-31"),
        ("300 BC", Precision.YEAR, "300 BC", None, "-0299-01-01", "-0299-12-31"),
        ("-0299", Precision.YEAR, "300 BC", None, "-0299-01-01", "-0299-12-31"),
        ("0000", Precision.YEAR, "1 BC", None, "0000-01-01", "0000-12-31"),  # ISO's year 0
        ("AD 79", Precision.YEAR, "79", "0079", "0079-01-01", "0079-12-31"),
        ("-0043-03-15", Precision.DAY, "15 March 44 BC", None, "-0043-03-15", "-0043-03-15"),
        ("-0043-03", Precision.MONTH, "March 44 BC", None, "-0043-03-01", "-0043-03-31"),
        ("+12000", Precision.YEAR, "12,000", "+12000", "+12000-01-01", "+12000-12-31"),
        ("10000 BC", Precision.YEAR, "10,000 BC", None, "-9999-01-01", "-9999-12-31"),
    ],
)
def test_a_date_is_shown_no_more_precisely_than_written(
    written: str, precision: Precision, text: str, machine: str | None, first: str, last: str
) -> None:
    date = parse_date(written)
    assert date.precision is precision
    assert BRITISH.text(date) == text
    assert date.machine() == machine  # HTML has no date before AD 1: no datetime attribute
    assert date.start_moment() == _day(first.lstrip("+"))
    assert date.end_moment() == _day(last.lstrip("+")) + SECONDS_PER_DAY
    assert parse_date(str(date)) == date  # what we write back reads the same


def test_iso_8601_counts_a_year_zero_and_readable_years_do_not() -> None:
    """-0299 and 300 BC are the same year; ISO's 0000 is 1 BC; JSON-LD gets the ISO form."""
    assert parse_date("-0299") == parse_date("300 BC") == parse_date("300 BCE")
    assert parse_date("0000") == parse_date("1 BC")
    assert parse_date("1 BC").start.iso() == "0000"
    assert parse_date("300 BC").start.iso() == "-0299"
    assert parse_date("AD 1").start.iso() == "0001"
    assert parse_date("79 AD") == parse_date("79 CE") == parse_date("0079")
    assert str(parse_date("300 BC")) == "300 BC"  # written back as the author wrote it


@pytest.mark.parametrize(
    ("written", "text"),
    [
        ("2025-07-14/2025-07-18", "14\u2009–\u200918 July 2025"),
        ("2025-05-16/2025-06-02", "16 May\u2009–\u20092 June 2025"),
        ("2025-06/2025-07", "June\u2009–\u2009July 2025"),
        ("2024-12-30/2025-01-02", "30 December 2024\u2009–\u20092 January 2025"),
        ("500 BC/300 BC", "500\u2009–\u2009300 BC"),
        ("27 BC/AD 14", "27 BC\u2009–\u200914 AD"),  # both ends say their era
        ("-0263/-0240", "264\u2009–\u2009241 BC"),
        ("2021-03-29 15:05+02:00/2021-03-29 19:00+02:00", "29 March 2021, 15:05–19:00"),
        (
            "2021-03-29 15:05+02:00/19:00",
            "29 March 2021, 15:05–19:00",
        ),  # the end's day is the start's
        (
            "2021-03-29 22:00+02:00/2021-03-30 01:30+02:00",
            "29 March 2021, 22:00\u2009–\u200930 March 2021, 01:30",  # CLDR's fallback
        ),
    ],
)
def test_ranges_are_written_compactly(written: str, text: str) -> None:
    date = parse_date(written)
    assert date.is_range
    assert BRITISH.text(date) == text


def test_a_time_is_read_and_shown_on_the_site_clock() -> None:
    """Without an offset a time is the site's local time; with one it is converted to it."""
    cairo = Clock("Africa/Cairo")
    local = parse_date("2021-03-29 15:05", cairo)
    assert local.precision is Precision.TIME
    assert BRITISH.text(local) == "29 March 2021, 15:05"
    assert local.machine() == "2021-03-29T15:05+02:00"
    utc = parse_date("2021-03-29T13:05Z", cairo)
    assert BRITISH.text(utc) == "29 March 2021, 15:05" and utc.sort_key() == local.sort_key()
    assert str(utc) == "2021-03-29 13:05Z"  # written back as written
    # Without a site time zone, a time keeps its own offset.
    assert BRITISH.text(parse_date("2021-03-29 15:05+02:00")) == "29 March 2021, 15:05"
    seconds = parse_date("2021-03-29 15:05:30", cairo)
    assert BRITISH.text(seconds) == "29 March 2021, 15:05:30"
    assert seconds.end_moment() - seconds.start_moment() == 1
    assert local.end_moment() - local.start_moment() == 60  # a time to the minute is a minute
    # Late at night in UTC is the next day in Cairo.
    assert BRITISH.text(parse_date("2021-03-29 23:30Z", cairo)) == "30 March 2021, 01:30"


def test_summer_time_gaps_and_repeats_are_explained() -> None:
    berlin = Clock("Europe/Berlin")
    with pytest.raises(DateSyntaxError) as gap:
        parse_date("2021-03-28 02:30", berlin)
    assert "does not exist in Europe/Berlin" in str(gap.value)
    with pytest.raises(DateSyntaxError) as twice:
        parse_date("2021-10-31 02:30", berlin)
    assert "happened twice" in str(twice.value)
    assert "2021-10-31 02:30+02:00 or 2021-10-31 02:30+01:00" in twice.value.hint
    first = parse_date("2021-10-31 02:30+02:00", berlin)
    second = parse_date("2021-10-31 02:30+01:00", berlin)
    assert first.start.offset == 120 and second.start.offset == 60


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        ("2025-02-30", "not a real day: 2025-02 has 28 days", "use the month alone"),
        ("2025-13", "month 13 is not between 1 and 12", "2025-07-19"),
        (
            "early 2025-07-14",
            "'early' qualifies a month, but '2025-07-14' is a day",
            "write 'early 2025-07'",
        ),
        ("late 2025", "'late' qualifies a month, but '2025' is a year", "the year alone"),
        ("2025-W54", "2025 has ISO weeks 1 to 52", "ISO week"),
        ("2025-07-19/2025-07-01", "ends before it starts", "earlier date first"),
        ("19 July 2025", "is not a date", "2025-07-19"),
        ("2025-7-1", "months, days and weeks take two digits", "write 2025-07-01"),
        ("2025-7", "months, days and weeks take two digits", "write 2025-07"),
        ("2025-W3", "months, days and weeks take two digits", "write 2025-W03"),
        # Times of day.
        ("15:05", "a time without a date", "write the day first"),
        ("2021-03 15:05", "a time of day needs a day", "write the day before the time"),
        ("2021-03-29 25:00", "25:00 is not a time of day", "hours run from 00 to 23"),
        ("2021-03-29 12:60", "12:60 is not a time of day", "minutes and seconds from 00 to 59"),
        ("2021-03-29 24:00", "24:00 is the next day's 00:00", "00:00 of the next day"),
        ("2021-03-29 9:05", "take two digits", "write 2021-03-29 09:05"),
        ("2021-03-29 15:05", "has a time of day but no time zone", "timezone: "),
        ("2021-03-29 15:05+25:00", "is not a UTC offset", "typo"),
        ("2021-03-29 15:05+2", "is not a UTC offset", "+HH:MM"),
        ("-0500-01-01 10:00+00:00", "only for years 1 to 9999", "leave the time out"),
        # Years that could mean two things, and year 0.
        ("-300", "could mean two years: 301 BC in ISO 8601", "write '300 BC'"),
        ("0", "there is no year 0", "'1 BC' or 'AD 1'"),
        ("0 BC", "there is no year 0 BC", "'1 BC' or 'AD 1'"),
        ("03/04/2021", "could mean two different days", "year-month-day"),
        ("21-03-29", "a two-digit year could mean two different centuries", "2021-03-29"),
        ("602-03", "a year with a month takes four digits", "write 0602-03"),
        ("12000", "a year after 9999 is written with a '+'", "'+12000'"),
        ("1234567890", "a year has at most 9 digits", "typo"),
        ("unknown", "only an event's date can be unknown", "a year will do"),
    ],
)
def test_impossible_dates_and_contradicting_precision_are_explained(
    written: str, message: str, hint: str
) -> None:
    with pytest.raises(DateSyntaxError) as caught:
        parse_date(written)
    assert message in str(caught.value)
    assert hint in caught.value.hint


def test_an_event_date_may_be_unknown_and_nothing_else_like_it() -> None:
    assert isinstance(parse_event_date("unknown"), UnknownDate)
    assert BRITISH.text(parse_event_date("unknown")) == "Date not set"
    for written in ("TBD", "Unknown", "?"):
        with pytest.raises(DateSyntaxError) as caught:
            parse_event_date(written)
        assert "write 'unknown'" in caught.value.hint


def test_a_time_zone_must_exist() -> None:
    assert check_zone("Africa/Cairo") == "Africa/Cairo"
    assert check_zone("UTC") == "UTC"
    with pytest.raises(DateSyntaxError) as typo:
        check_zone("Europe/Berln")
    assert "'Europe/Berln' is not a time zone" in str(typo.value)
    assert typo.value.hint == "did you mean 'Europe/Berlin'?"
    with pytest.raises(DateSyntaxError) as offset:
        check_zone("UTC+2")
    assert "is an offset, not a time zone" in str(offset.value)
    for hostile in ("../../etc/passwd", "/etc/localtime", "Europe/" + "x" * 80, ""):
        with pytest.raises(DateSyntaxError):
            check_zone(hostile)


def test_the_ordering_rule() -> None:
    """By the first moment a date can mean, then the shorter first."""
    written = [
        "2025-07-19",
        "2025-07",
        "early 2025-07",
        "2025-W29",
        "2025-06/2025-07",
        "2025",
        "late 2025-07",
        "2025-07-23",
        "2025-07-19 08:00+00:00",
        "300 BC",
        "AD 79",
    ]
    ordered = sorted(written, key=lambda text: parse_date(text).sort_key())
    assert ordered == [
        "300 BC",
        "AD 79",
        "2025",
        "2025-06/2025-07",
        "early 2025-07",
        "2025-07",
        "2025-W29",
        "2025-07-19",  # the whole day starts at midnight, before its 08:00
        "2025-07-19 08:00+00:00",
        "late 2025-07",  # 21-31 July starts before the 23rd
        "2025-07-23",
    ]


@settings(max_examples=300, deadline=None, database=None)
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_the_calendar_agrees_with_python_where_python_has_one(day: dt.date) -> None:
    number = days_from_civil(day.year, day.month, day.day)
    assert number == (day - dt.date(1970, 1, 1)).days
    assert civil_from_days(number) == (day.year, day.month, day.day)
    assert weeks_in_year(day.year) == dt.date(day.year, 12, 28).isocalendar().week


@settings(max_examples=300, deadline=None, database=None)
@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_the_calendar_runs_on_before_and_after_python_s(days: int) -> None:
    year, month, day = civil_from_days(days)
    assert days_from_civil(year, month, day) == days


def test_year_steps_fall_on_round_years_either_side_of_the_era() -> None:
    """Axis ticks and list groups before the common era fall on 500 BC, 400 BC...; AD 1 ends
    the last step before the era, then the steps fall on 100, 200..."""
    start, end = parse_date("450 BC").start_moment(), parse_date("AD 250").start_moment()
    labels = [BRITISH.tick(CENTURY, moment) for moment in CENTURY.boundaries(start, end)]
    assert labels == ["500", "400", "300", "200", "100", "1 AD", "100", "200", "300"]
    # A year before the era says so in the line under it (shown where the era changes).
    contexts = [BRITISH.tick_context(CENTURY, moment) for moment in CENTURY.boundaries(start, end)]
    assert contexts == ["BC"] * 5 + [None] * 4
    decades = DECADE.boundaries(
        parse_date("1968").start_moment(), parse_date("1991").start_moment()
    )
    assert [BRITISH.tick(DECADE, moment) for moment in decades] == [
        "1960",
        "1970",
        "1980",
        "1990",
        "2000",
    ]
    quarters = Step(Unit.MONTH, 3).boundaries(
        parse_date("2024-11-05").start_moment(), parse_date("2025-05").start_moment()
    )
    assert [BRITISH.tick(Step(Unit.MONTH, 3), m) for m in quarters] == ["Oct", "Jan", "Apr", "Jul"]
    hours = Step(Unit.HOUR, 6).boundaries(
        parse_date("2021-03-29 04:10+00:00").start_moment(),
        parse_date("2021-03-29 13:00+00:00").start_moment(),
    )
    assert [BRITISH.tick(Step(Unit.HOUR, 6), m) for m in hours] == [
        "00:00",
        "06:00",
        "12:00",
        "18:00",
    ]


@pytest.mark.parametrize(
    ("span", "has_time", "step"),
    [
        (6 * 3600, True, HOUR),
        (6 * 3600, False, DAY),
        (6 * SECONDS_PER_DAY, True, DAY),
        (70 * SECONDS_PER_DAY, False, MONTH),
        (10 * YEAR.seconds(), False, YEAR),
        (50 * YEAR.seconds(), False, DECADE),
        (520 * YEAR.seconds(), False, CENTURY),
        (5000 * YEAR.seconds(), False, MILLENNIUM),
    ],
)
def test_a_list_is_grouped_by_a_unit_that_fits_its_span(
    span: int, has_time: bool, step: Step
) -> None:
    assert grouping_step(span, has_time) == step


@pytest.mark.parametrize(
    ("written", "step", "label", "machine", "slug"),
    [
        (
            "2021-03-29 15:05+00:00",
            HOUR,
            "29 March 2021, 15:00–16:00",
            "2021-03-29T15:00",
            "2021-03-29-15h",
        ),
        ("2021-03-29", DAY, "29 March 2021", "2021-03-29", "2021-03-29"),
        ("2025-05-16/2025-06-02", MONTH, "May 2025", "2025-05", "2025-05"),  # by its start
        ("2025-W30", MONTH, "July 2025", "2025-07", "2025-07"),
        ("2025", MONTH, "2025", "2025", "2025"),  # less precise than the unit: its own span
        ("2025-07", DAY, "July 2025", "2025-07", "2025-07"),
        ("1975-03-02", YEAR, "1975", "1975", "1975"),
        ("1975-03-02", DECADE, "1970s", None, "1970s"),
        ("1815", CENTURY, "1800\u2009–\u20091899", None, "1800-1899"),
        ("AD 79", CENTURY, "1\u2009–\u200999", None, "1-99"),
        ("216 BC", CENTURY, "300\u2009–\u2009201 BC", None, "300-201bc"),
        ("495 BC", DECADE, "500\u2009–\u2009491 BC", None, "500-491bc"),
        ("44 BC", YEAR, "44 BC", None, "44bc"),
        ("1066", MILLENNIUM, "1000\u2009–\u20091999", None, "1000-1999"),
        ("300 BC", MILLENNIUM, "1000\u2009–\u20091 BC", None, "1000-1bc"),
    ],
)
def test_list_groups_are_named_for_readers_and_urls(
    written: str, step: Step, label: str, machine: str | None, slug: str
) -> None:
    period = period_of(parse_date(written), step)
    assert (BRITISH.period(period), period.machine(), period.slug()) == (label, machine, slug)
