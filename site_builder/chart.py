"""The timeline overview drawn at build time: events placed on a date axis, as geometry.

`timeline_chart` turns events into plain numbers and labels in SVG user units; the template
`_chart.html` draws them, so no JavaScript is needed and the theme can restyle or replace it.
A date is drawn no more precisely than it is known: a day is a dot, a range a solid bar, and a
week, part of a month, month or year a hatched bar over every day it could mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from site_builder.dates import MONTH_NAMES, FuzzyDate, Precision

# Names a month on the axis: (first day of the month, whether to add the year) -> "Jul 2025".
MonthLabel = Callable[[dt.date, bool], str]


def english_month(day: dt.date, with_year: bool) -> str:
    """An axis label in English, for callers that have no language at hand."""
    name = MONTH_NAMES[day.month - 1][:3]
    return f"{name} {day.year}" if with_year else name


WIDTH = 400  # user units; the SVG scales to the column's width
FONT_SIZE = 13
LINE_HEIGHT = 16
AXIS_HEIGHT = 34
BAR_HEIGHT = 10
ROW_GAP = 12
SIDE_PADDING = 8
# A generous average glyph width for system sans-serif fonts, in ems, used to wrap labels.
_GLYPH_EM = 0.56
_MAX_LINES = 2
# Past this many events an overview of one row per event stops being an overview (and would
# outweigh the page): the chart is left out and the event list alone tells the story.
MAX_EVENTS = 80


@dataclass(frozen=True)
class ChartMark:
    """One event on the chart: its label lines and its mark (a dot or a bar)."""

    id: str
    label_lines: tuple[str, ...]
    label_y: tuple[float, ...]
    date_text: str
    shape: str  # "day" (dot), "range" (solid bar) or "approximate" (hatched bar)
    status: str  # happened, ongoing, proposed
    x: float
    width: float
    y: float
    cx: float
    cy: float
    tail_x: float | None  # an ongoing event's line runs on to the "as of" date


@dataclass(frozen=True)
class ChartTick:
    """A month boundary on the axis, with the month's name centred in its span."""

    x: float
    label: str
    label_x: float


@dataclass(frozen=True)
class TimelineChart:
    """Everything the template needs to draw the overview, in SVG user units."""

    width: int
    height: float
    font_size: int
    bar_height: int
    dot_radius: float
    axis_y: float
    ticks: tuple[ChartTick, ...]
    marks: tuple[ChartMark, ...]
    as_of_x: float
    as_of_label: str
    first_text: str
    last_text: str
    rows_bottom: float
    proposed_count: int
    approximate_count: int


@dataclass(frozen=True)
class ChartEvent:
    """What the chart needs to know about an event."""

    id: str
    title: str
    date: FuzzyDate
    date_text: str
    status: str


def timeline_chart(
    events: Sequence[ChartEvent],
    as_of: dt.date,
    as_of_text: str,
    month_label: MonthLabel = english_month,
) -> TimelineChart | None:
    """Lay out events (already in date order) on a month axis; None for none or too many."""
    if not events or len(events) > MAX_EVENTS:
        return None
    first = min(min(event.date.first_day() for event in events), as_of)
    last = max(max(event.date.last_day() for event in events), as_of)
    axis_start = first.replace(day=1)
    axis_end = _next_month(last.replace(day=1))
    span_days = (axis_end - axis_start).days
    inner = WIDTH - 2 * SIDE_PADDING

    def x_of(day: dt.date) -> float:
        return _round(SIDE_PADDING + inner * (day - axis_start).days / span_days, 1)

    ticks = []
    month = axis_start
    while month < axis_end:
        following = _next_month(month)
        label = month_label(month, month.month == 1 or month == axis_start)
        ticks.append(ChartTick(x_of(month), label, _round((x_of(month) + x_of(following)) / 2, 1)))
        month = following
    as_of_x = _round((x_of(as_of) + x_of(as_of + dt.timedelta(days=1))) / 2, 1)
    marks = []
    y = AXIS_HEIGHT + ROW_GAP
    dot_radius = BAR_HEIGHT // 2 + 1
    for event in events:
        lines = wrap_label(event.title, inner)
        label_y = tuple(y + LINE_HEIGHT * (index + 1) - 4 for index in range(len(lines)))
        bar_y = y + LINE_HEIGHT * len(lines) + 2
        start_x = x_of(event.date.first_day())
        end_x = x_of(event.date.last_day() + dt.timedelta(days=1))
        shape = _shape(event.date)
        marks.append(
            ChartMark(
                id=event.id,
                label_lines=lines,
                label_y=label_y,
                date_text=event.date_text,
                shape=shape,
                status=event.status,
                x=start_x,
                width=_round(max(end_x - start_x, 2.0), 1),
                y=bar_y,
                cx=_round((start_x + end_x) / 2, 1),
                cy=bar_y + BAR_HEIGHT // 2,
                tail_x=as_of_x if event.status == "ongoing" and as_of_x > end_x else None,
            )
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return TimelineChart(
        width=WIDTH,
        height=y + LINE_HEIGHT + 4,  # room for the "as of" label under the last row
        font_size=FONT_SIZE,
        bar_height=BAR_HEIGHT,
        dot_radius=dot_radius,
        axis_y=AXIS_HEIGHT,
        ticks=tuple(ticks),
        marks=tuple(marks),
        as_of_x=as_of_x,
        as_of_label=as_of_text,
        rows_bottom=y,
        first_text=events[0].date_text,
        last_text=events[-1].date_text,
        proposed_count=sum(1 for event in events if event.status == "proposed"),
        approximate_count=sum(1 for mark in marks if mark.shape == "approximate"),
    )


def _round(value: float, digits: int = 1) -> float:
    """Round for compact SVG: whole numbers print without a decimal point."""
    rounded = round(float(value), digits)
    return int(rounded) if rounded.is_integer() else rounded


def _shape(date: FuzzyDate) -> str:
    """How honestly to draw a date: a dot only when the very day is known."""
    ends = [date.start] if date.end is None else [date.start, date.end]
    if any(point.precision is not Precision.DAY for point in ends):
        return "approximate"
    return "day" if date.end is None else "range"


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def wrap_label(text: str, width: float, font_size: int = FONT_SIZE) -> tuple[str, ...]:
    """Split a label into at most two lines that fit `width`; an ellipsis ends a cut label."""
    per_line = max(int(width / (font_size * _GLYPH_EM)), 8)
    lines: list[str] = []
    words = text.split()
    current = ""
    while words:
        candidate = f"{current} {words[0]}".strip()
        if len(candidate) <= per_line:
            current = candidate
            words.pop(0)
            continue
        if not current:  # a single word longer than a line
            current, words[0] = words[0][:per_line], words[0][per_line:]
        lines.append(current)
        current = ""
        if len(lines) == _MAX_LINES:
            break
    if current:
        lines.append(current)
    if words:
        last = lines[-1]
        lines[-1] = (last if len(last) < per_line else last[: per_line - 1].rstrip()) + "…"
    return tuple(lines)
