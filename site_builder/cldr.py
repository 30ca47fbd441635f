"""CLDR's date patterns (Babel) over any year: Python's dates stop at 1 and 9999, timelines do
not. A `Moment` is a point of the proleptic Gregorian calendar as Babel's pattern formatter
reads one, its year counted in its era; `MomentFormat` writes it, with the era's name from
CLDR. The helpers below adjust a pattern's field widths as TR35 says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

import babel
import babel.dates
import babel.languages
import babel.lists
import babel.localedata
import babel.numbers
import babel.support

from site_builder.dates import (
    SECONDS_PER_DAY,
    PointDate,
    civil_from_days,
)


@dataclass(frozen=True)
class Moment:
    """A moment of the proleptic Gregorian calendar as Babel's pattern formatter reads one, for
    any year (Python's dates stop at 1 and 9999): its year counted in its era (300 BC is year
    300 of era 0), as CLDR's `y` and `G` fields write it."""

    year: int
    month: int
    day: int
    era: int  # 0 before the common era, 1 from AD 1
    hour: int = 0
    minute: int = 0
    second: int = 0

    @classmethod
    def at(cls, moment: int) -> Moment:
        """The moment `moment` seconds from 1970-01-01 00:00 on the timeline's clock."""
        days, seconds = divmod(moment, SECONDS_PER_DAY)
        year, month, day = civil_from_days(days)
        hour, rest = divmod(seconds, 3600)
        return cls(year if year >= 1 else 1 - year, month, day, int(year >= 1), hour, rest // 60)

    @classmethod
    def of(cls, point: PointDate) -> Moment:
        """The first moment of a date (its time of day, if it has one)."""
        moment = cls.at(point.start())
        return replace(moment, second=point.second or 0)


class MomentFormat(babel.dates.DateTimeFormat):
    """Babel's CLDR pattern formatter over a Moment, whose era it writes itself."""

    def __init__(self, value: Moment, locale: babel.Locale) -> None:
        # Not DateTimeFormat.__init__: it accepts Python dates only. The fields it reads
        # (year, month, day, hour, minute, second) are a Moment's.
        self.value = value  # type: ignore[assignment]
        self.locale = locale
        self.reference_date = None
        self.era = value.era
        self.year = value.year

    def format_year(self, char: str, num: int) -> str:
        """A year; past four digits grouped as the language groups numbers (12,000 BC)."""
        if char == "y" and num == 1 and self.year >= 10_000:
            return str(babel.numbers.format_decimal(self.year, locale=self.locale))
        return super().format_year(char, num)

    def format_era(self, char: str, num: int) -> str:
        """CLDR's name of the moment's era (BC/AD, до н. е./н. е.)."""
        width: Literal["abbreviated", "wide", "narrow"] = (
            "wide" if num == 4 else "narrow" if num == 5 else "abbreviated"
        )
        return str(babel.dates.get_era_names(width, self.locale)[self.era])


def widen_to(pattern: str, skeleton: str) -> str:
    """A matched pattern with its month as wide as the skeleton asks (TR35 field widths)."""
    return widen(pattern) if "MMMM" in skeleton else pattern


def moment_field(moment: Moment, field: str) -> int:
    values = {
        "G": moment.era,
        "y": moment.year,
        "M": moment.month,
        "d": moment.day,
        "a": int(moment.hour >= 12),
        "H": moment.hour,
        "m": moment.minute,
    }
    return values[field]


def widen(pattern: str) -> str:
    """MMM -> MMMM and LLL -> LLLL outside quoted literals."""
    pieces = re.split(r"('[^']*')", pattern)
    return "".join(
        piece
        if piece.startswith("'")
        else re.sub(r"(?<![ML])(MMM|LLL)(?![ML])", lambda m: m.group(1) + m.group(1)[0], piece)
        for piece in pieces
    )


def split_separator(pattern: str) -> tuple[str, str]:
    """The first half of an interval pattern and the literal text that ends it (" – ")."""
    match = re.search(r"[^A-Za-z']*$", pattern)
    assert match is not None
    return pattern[: match.start()], pattern[match.start() :]


@cache
def month_with_year(locale: babel.Locale, era: bool) -> str:
    """The month-and-year part of the language's full date pattern: the month as a date names
    it (Ukrainian genitive "червня 2025 р.", not the stand-alone "червень")."""
    skeleton = "GyMMMMd" if era else "yMMMMd"
    matched = babel.dates.match_skeleton(skeleton, locale.datetime_skeletons) or "yMMMMd"
    pattern = widen_to(str(locale.datetime_skeletons[matched].pattern), skeleton)
    pieces = re.split(r"('[^']*')", pattern)
    out = []
    for piece in pieces:
        if piece.startswith("'"):
            out.append(piece)
            continue
        # The day and the punctuation that belongs to it ("d ", "d. ", " d,").
        piece = re.sub(r"d+[.,]?\s*", "", piece)
        out.append(piece)
    return re.sub(r"\s+([,.])", r"\1", "".join(out)).strip(" ,")
