"""Every date as readers see it, in the site's language, from CLDR patterns (`DateFormatter`).

Dates are written at their precision, in the language's grammatical form (Ukrainian
"березень 2022 р." for a month alone, "23 березня 2021 р." with a day): ranges, times of day
and their clock, years of any era, the headings a timeline is grouped under and the chart's
axis labels. `dates.py` owns what a date *is*, this module how it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import babel
import babel.dates
import babel.languages
import babel.lists
import babel.localedata
import babel.numbers
import babel.support

from site_builder.cldr import (
    Moment,
    MomentFormat,
    moment_field,
    month_with_year,
    split_separator,
    widen,
    widen_to,
)
from site_builder.dates import (
    SECONDS_PER_DAY,
    EventDate,
    FuzzyDate,
    PointDate,
    Precision,
    Unit,
    UnknownDate,
    civil_from_days,
    offset_text,
)
from site_builder.i18n import Messages
from site_builder.periods import Period, Step

# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateText:
    """A date for readers: one (machine value, text) part, or two joined by a separator.

    The machine value is the `<time datetime>` of the part, or None where HTML has none (a year
    before the common era, a date not known yet)."""

    parts: tuple[tuple[str | None, str], ...]
    separator: str

    @property
    def text(self) -> str:
        """The whole date as one string."""
        return self.separator.join(text for _, text in self.parts)


class DateFormatter:
    """Writes every date the theme shows in one language, from CLDR patterns (Babel): dates at
    their precision, ranges, times of day, years of any era, the headings a timeline is grouped
    under, the chart's axis labels and the clock its times are on. One owner for date wording:
    nothing else in the package spells a month, an era or a time.

    Years before the common era carry the language's era (300 BC, 300 до н. е.); a range that
    crosses into the common era marks both ends (300 BC – 79 AD).
    """

    def __init__(self, messages: Messages) -> None:
        self.messages = messages
        self.locale = messages.language.locale
        # A date shows on several pages (an event on the timeline and its players' pages):
        # write each once. Babel matches a skeleton to a pattern on every call otherwise.
        self._written: dict[EventDate, DateText] = {}
        self._patterns: dict[str, babel.dates.DateTimePattern] = {}
        times = str(self.locale.time_formats["short"].pattern)
        # The language's clock: 15:05 or 3:05 PM (CLDR's preferred hour cycle).
        self._hour_cycle = "h" if "h" in times.replace("'", "") else "H"

    # ----------------------------------------------------------------- dates and ranges

    def date(self, date: EventDate) -> DateText:
        """A date or a range, sharing what both ends have in common ("14–18 July 2025"), or
        the words for a date not known yet."""
        written = self._written.get(date)
        if written is None:
            written = self._written[date] = self._date(date)
        return written

    def text(self, date: EventDate) -> str:
        """A date or range as one string."""
        return self.date(date).text

    def unknown(self) -> str:
        """What readers see instead of a date that is not known yet."""
        return self.messages.text("date_unknown", "Date not set")

    def _date(self, date: EventDate) -> DateText:
        if isinstance(date, UnknownDate):
            return DateText(((None, self.unknown()),), "")
        start = date.start
        if date.end is None:
            return DateText(((start.machine(), self.point(start)),), "")
        end = date.end
        mark_era = start.year < 1 <= end.year  # 300 BC – 79 AD: both ends say their era
        interval = self._interval(start, end, mark_era)
        if interval is not None:
            first, separator, second = interval
            return DateText(((start.machine(), first), (end.machine(), second)), separator)
        return DateText(
            (
                (start.machine(), self.point(start, mark_era)),
                (end.machine(), self.point(end, mark_era)),
            ),
            self._fallback_separator(),
        )

    def point(self, point: PointDate, mark_era: bool = False) -> str:
        """One date at its precision: "19 July 2025", "березень 2022 р.", "early June 2025",
        "29 March 2021, 15:05", "300 BC"."""
        moment = Moment.of(point)
        era = mark_era or moment.era == 0
        precision = point.precision
        if precision is Precision.TIME:
            time = self.time(moment, seconds=point.second is not None)
            return self._glue(self._format("yMMMMd", moment, era), time)
        if precision is Precision.DAY:
            return self._format("yMMMMd", moment, era)
        if precision is Precision.WEEK:
            monday = self._format("yMMMMd", moment, era)
            return self.messages.text("date_week", "week of %(date)s", date=monday)
        if precision is Precision.PART_OF_MONTH:
            month = self._format_pattern(month_with_year(self.locale, era), moment)
            part = point.part or "early"
            if part == "early":
                return self.messages.text("date_early", "early %(month)s", month=month)
            if part == "mid":
                return self.messages.text("date_mid", "mid %(month)s", month=month)
            return self.messages.text("date_late", "late %(month)s", month=month)
        if precision is Precision.MONTH:
            return self._format("yMMMM", moment, era)
        return self._format("y", moment, era)

    def time(self, moment: Moment, seconds: bool = False) -> str:
        """A time of day on the language's clock: "15:05", "3:05 PM"."""
        width = "medium" if seconds else "short"
        pattern = str(self.locale.time_formats[width].pattern)
        return self._format_pattern(pattern, moment)

    def _interval(
        self, start: PointDate, end: PointDate, mark_era: bool
    ) -> tuple[str, str, str] | None:
        """A range of two times of a day, two days, two months or two years, written by CLDR's
        interval patterns ("14–18 July 2025", "May–June 2025", "15:05–19:00", "500–300 BC")."""
        if start.precision is not end.precision:
            return None
        first, last = Moment.of(start), Moment.of(end)
        if start.precision is Precision.TIME:
            if (first.year, first.month, first.day, first.era) != (
                last.year,
                last.month,
                last.day,
                last.era,
            ) or (start.second is not None or end.second is not None):
                return None
            found = self._interval_parts(f"{self._hour_cycle}m", first, last, ("a", "H", "m"))
            if found is None:
                return None
            head, separator, tail = found
            return self._glue(self._format("yMMMMd", first, False), head), separator, tail
        if start.precision not in _INTERVAL_SKELETONS:
            return None
        skeleton = _INTERVAL_SKELETONS[start.precision]
        if mark_era or first.era == 0 or last.era == 0:
            skeleton = "G" + skeleton
        return self._interval_parts(skeleton, first, last, ("G", "y", "M", "d"))

    def _interval_parts(
        self, skeleton: str, first: Moment, last: Moment, fields: tuple[str, ...]
    ) -> tuple[str, str, str] | None:
        formats = self.locale.interval_formats.get(skeleton)
        if not formats:
            return None
        for field in fields:
            key = "h" if field == "H" and self._hour_cycle == "h" else field
            if key not in formats or moment_field(first, field) == moment_field(last, field):
                continue
            head, tail = (widen(pattern) for pattern in formats[key])
            head_pattern, separator = split_separator(head)
            return (
                self._format_pattern(head_pattern, first),
                separator,
                self._format_pattern(tail, last),
            )
        return None

    # ----------------------------------------------------------------- headings

    def period(self, period: Period) -> str:
        """The heading of a run of the timeline: "29 March 2021, 15:00–16:00", "29 March 2021",
        "July 2025", "1970s", "1800–1899", "500–401 BC", or a date at its own precision."""
        if period.point is not None:
            return self.point(period.point)
        step = period.step
        assert step is not None
        first = Moment.at(period.start)
        if step.unit is Unit.HOUR:
            last = Moment.at(period.end)
            hours = self._interval_parts(f"{self._hour_cycle}m", first, last, ("a", "H", "m"))
            span = "".join(hours) if hours else f"{self.time(first)}{self._fallback_separator()}"
            return self._glue(self._format("yMMMMd", first, False), span)
        if step.unit is Unit.WEEK:
            monday = self._format("yMMMMd", first, first.era == 0)
            return self.messages.text("date_week", "week of %(date)s", date=monday)
        point = _period_point(period)
        if point is not None:
            return self.point(point)
        if first.era == 1 and step.count == 10 and first.year >= 10:
            return self.messages.text("period_decade", "%(year)ss", year=first.year)
        # Centuries and longer, and steps before the era: the years they run over (no ordinal
        # numbers: CLDR has none for Babel to read, and 1800–1899 cannot be misread).
        return self.span(period.start, period.end)

    def period_range(self, first: Period, last: Period) -> str:
        """Periods from `first` to `last` as one label: "1980–1984", "January–April 1983",
        "1970s – 1980s"."""
        if first == last:
            return self.period(first)
        start, end = _period_point(first), _period_point(last)
        if start is not None and end is not None:
            return self.text(FuzzyDate(start, end))
        return f"{self.period(first)}{self._fallback_separator()}{self.period(last)}"

    def span(self, start: int, end: int) -> str:
        """A stretch of time (start included, end excluded) at a precision that fits its
        length: "23 March – 3 April 2021", "March–July 2021", "49–27 BC"."""
        length = end - start
        first, last = (
            civil_from_days(start // SECONDS_PER_DAY),
            civil_from_days((end - 1) // SECONDS_PER_DAY),
        )
        if length > 2 * Step(Unit.YEAR).seconds():
            points = PointDate(Precision.YEAR, first[0]), PointDate(Precision.YEAR, last[0])
        elif length > 62 * SECONDS_PER_DAY:
            points = (
                PointDate(Precision.MONTH, first[0], first[1]),
                PointDate(Precision.MONTH, last[0], last[1]),
            )
        else:
            points = (
                PointDate(Precision.DAY, *first),
                PointDate(Precision.DAY, *last),
            )
        if points[0] == points[1]:
            return self.point(points[0])
        return self.text(FuzzyDate(*points))

    # ----------------------------------------------------------------- the chart's axis

    def tick(self, step: Step, boundary: int) -> str:
        """An axis label at a step's boundary: "15:00", "29", "Mar", "1970", "300", "1 AD"
        (years before the era say it in their context line, below)."""
        moment = Moment.at(boundary)
        if step.unit is Unit.HOUR:
            return self.time(moment)
        if step.unit in (Unit.DAY, Unit.WEEK):
            return self._format("d", moment, False)
        if step.unit is Unit.MONTH:
            return self._format("MMM", moment, False)
        # "1" alone after years before the era would read as 1 BC: AD 1 says its era.
        return self._format("y", moment, moment.era == 1 and moment.year == 1)

    def tick_context(self, step: Step, boundary: int, since: int | None = None) -> str | None:
        """The larger unit an axis label needs to be read (the day of an hour, the month of a
        day, the year of a month, the era of a year before it), shown under the first tick and
        wherever it changes; None for years of the common era.

        `since` is the boundary of the context shown before: in the same year, the year is
        left out ("Apr" after "Mar 2021"), for an axis with no room for it twice."""
        moment = Moment.at(boundary)
        era = moment.era == 0
        earlier = Moment.at(since) if since is not None else None
        same_year = earlier is not None and (earlier.year, earlier.era) == (moment.year, moment.era)
        if step.unit is Unit.HOUR:
            return self._format("MMMd" if same_year else "yMMMd", moment, era and not same_year)
        if step.unit in (Unit.DAY, Unit.WEEK):
            return self._format("MMM" if same_year else "yMMM", moment, era and not same_year)
        if step.unit is Unit.MONTH:
            return self._format("y", moment, era)
        return self._format_pattern("G", moment) if era else None

    # ----------------------------------------------------------------- the clock

    def clock(self, zone: str | None, offset: int | None) -> str:
        """The sentence saying which clock the timeline's times are on: the site's time zone by
        its city in the language ("Times are local time in Cairo."), or a UTC offset."""
        if zone and not _is_utc(zone):
            city = babel.dates.get_timezone_location(zone, locale=self.locale, return_city=True)
            return self.messages.text(
                "clock_zone", "Times are local time in %(city)s.", city=str(city)
            )
        shown = offset_text(offset) if offset and not zone else ""
        return self.messages.text("clock_utc", "Times are in UTC%(offset)s.", offset=shown)

    # ----------------------------------------------------------------- patterns

    def _format(self, skeleton: str, moment: Moment, era: bool) -> str:
        """A moment by the language's pattern for a skeleton ("yMMMMd"), with its era."""
        return self._pattern(("G" if era else "") + skeleton) % MomentFormat(moment, self.locale)

    def _pattern(self, skeleton: str) -> babel.dates.DateTimePattern:
        pattern = self._patterns.get(skeleton)
        if pattern is None:
            skeletons = self.locale.datetime_skeletons
            matched = babel.dates.match_skeleton(skeleton, skeletons) or skeleton
            found = str(skeletons[matched].pattern) if matched in skeletons else skeleton
            if "G" in skeleton and "G" not in found.replace("'", ""):
                found = f"{found} G"  # a language with no era pattern still says the era
            pattern = self._patterns[skeleton] = babel.dates.parse_pattern(
                widen_to(found, skeleton)
            )
        return pattern

    def _format_pattern(self, pattern: str, moment: Moment) -> str:
        parsed = self._patterns.get("=" + pattern)
        if parsed is None:
            parsed = self._patterns["=" + pattern] = babel.dates.parse_pattern(pattern)
        return parsed % MomentFormat(moment, self.locale)

    def _glue(self, date: str, time: str) -> str:
        """A date and a time joined as the language joins them ("{1}, {0}")."""
        glue = re.sub(r"'([^']*)'", r"\1", str(self.locale.datetime_formats["medium"]))
        return glue.replace("{1}", date).replace("{0}", time)

    def _fallback_separator(self) -> str:
        fallback = self.locale.interval_formats.get(None) or "{0} – {1}"
        return str(fallback).split("{0}", 1)[-1].split("{1}", 1)[0]


# Interval skeletons whose month width is widened from abbreviated to full (CLDR has no
# full-width interval patterns for most languages; TR35 says to adjust the field width).
_INTERVAL_SKELETONS = {Precision.DAY: "yMMMd", Precision.MONTH: "yMMM", Precision.YEAR: "y"}


def _period_point(period: Period) -> PointDate | None:
    """A period that is one calendar day, month or year, as that date."""
    if period.point is not None:
        return period.point
    step = period.step
    if step is None or step.count != 1 or step.unit in (Unit.HOUR, Unit.WEEK):
        return None
    year, month, day = civil_from_days(period.start // SECONDS_PER_DAY)
    if step.unit is Unit.DAY:
        return PointDate(Precision.DAY, year, month, day)
    if step.unit is Unit.MONTH:
        return PointDate(Precision.MONTH, year, month)
    return PointDate(Precision.YEAR, year)


def _is_utc(zone: str) -> bool:
    """True for the names of UTC itself, which has no city to name it by."""
    return zone.upper() in {"UTC", "GMT", "UCT", "ZULU", "UNIVERSAL"} or zone.startswith("Etc/")
