"""Dates keep their precision: parsing, display and the machine-readable form."""

from __future__ import annotations

import datetime as dt

import pytest

from site_builder.dates import DateSyntaxError, Precision, month_key, parse_date
from site_builder.i18n import DateFormatter, Messages, parse_language

BRITISH = DateFormatter(Messages(parse_language("en-GB")))


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
    ],
)
def test_a_date_is_shown_no_more_precisely_than_written(
    written: str, precision: Precision, text: str, machine: str, first: str, last: str
) -> None:
    date = parse_date(written)
    assert date.precision is precision
    assert BRITISH.text(date) == text
    assert date.machine() == machine
    assert date.first_day() == dt.date.fromisoformat(first)
    assert date.last_day() == dt.date.fromisoformat(last)


@pytest.mark.parametrize(
    ("written", "text"),
    [
        # CLDR's interval patterns for en-GB: thin spaces around the dash.
        ("2025-07-14/2025-07-18", "14\u2009–\u200918 July 2025"),
        ("2025-05-16/2025-06-02", "16 May\u2009–\u20092 June 2025"),
        ("2025-06/2025-07", "June\u2009–\u2009July 2025"),
        ("2024-12-30/2025-01-02", "30 December 2024\u2009–\u20092 January 2025"),
    ],
)
def test_ranges_are_written_compactly(written: str, text: str) -> None:
    date = parse_date(written)
    assert date.is_range
    assert BRITISH.text(date) == text


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        ("2025-02-30", "not a real day: February 2025 has 28 days", "use the month alone"),
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
        ("2025-07-19T10:00:00+02:00", "has a time of day", "drop the time"),
    ],
)
def test_impossible_dates_and_contradicting_precision_are_explained(
    written: str, message: str, hint: str
) -> None:
    with pytest.raises(DateSyntaxError) as caught:
        parse_date(written)
    assert message in str(caught.value)
    assert hint in caught.value.hint


def test_events_sort_by_earliest_day_then_latest() -> None:
    written = ["2025-07-19", "2025-07", "early 2025-07", "2025-W29", "2025-06/2025-07", "2025"]
    ordered = sorted(written, key=lambda text: parse_date(text).sort_key())
    assert ordered == [
        "2025",
        "2025-06/2025-07",
        "early 2025-07",
        "2025-07",
        "2025-W29",
        "2025-07-19",
    ]


def test_a_range_belongs_to_the_month_it_starts_in() -> None:
    assert month_key(parse_date("2025-05-16/2025-06-02")) == (2025, 5)
    assert month_key(parse_date("2025-W30")) == (2025, 7)
