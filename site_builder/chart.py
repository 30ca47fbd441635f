"""The timeline overview drawn at build time: events placed on a date axis, as geometry.

`timeline_chart` turns events and eras into plain numbers and labels; the template
`_chart.html` draws them as SVG, so no JavaScript is needed and the theme can restyle or replace
it. A date is drawn no more precisely than it is known: a day or a time is a dot, a range a solid
bar, and a week, part of a month, month or year a hatched bar over all it could mean.

Horizontal positions are percentages of the chart's width and text keeps its size in pixels,
so the chart fills any column without shrinking its labels. Labels are laid out for the two
widths the stylesheet gives the chart (NARROW_PX on a 320 px phone, WIDE_PX from the 48rem
breakpoint up): the axis's step is chosen from the span, separately for each width, as the finest
calendar step whose labels do not overlap there, and never finer than the dates themselves.

Dense bursts (docs/content-model.md, "The timeline chart"): when many events fall within a few
percent of a long span, they leave the main panel, which shows a bracket where they are, and are
drawn again in an inset panel below with an axis of their own. An inset keeps both axes linear,
so lengths and gaps stay true at each scale; a broken axis would save the space but make every
distance on the chart a matter of reading the break marks.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from site_builder.dates import SECONDS_PER_DAY, FuzzyDate, Precision, Unit
from site_builder.periods import Step


class ChartWords(Protocol):
    """What the chart writes, in the site's language (render.ChartWords: dates from
    i18n.DateFormatter, sentences from the catalogue). The chart measures every text it draws,
    so it asks for them while it lays itself out."""

    def tick(self, step: Step, boundary: int) -> str:
        """An axis label at a step's boundary ("15:00", "Mar", "300 BC")."""
        ...

    def tick_context(self, step: Step, boundary: int, since: int | None = None) -> str | None:
        """The larger unit under a label (the day of an hour), or None; shorter when it
        follows the context shown at `since` in the same year."""
        ...

    def span(self, start: int, end: int) -> str:
        """A stretch of time at a precision that fits it ("23 March – 3 April 2021")."""
        ...

    def inset_heading(self, span: str) -> str:
        """The heading of a burst's inset ("In detail: 23–29 March 2021")."""
        ...

    def burst_where(self, span: str) -> str:
        """Where a burst is, over its bracket ("23–29 March 2021:")."""
        ...

    def burst_count(self, count: int) -> str:
        """How many events of a burst the inset draws ("7 events, drawn again below")."""
        ...


# Widths of the chart in CSS pixels (style.css: a 46rem column less its padding, and 320 px less
# the page's and the chart's padding). The browser tests measure the real labels at both.
NARROW_PX = 264.0
WIDE_PX = 680.0
FONT_SIZE = 13
LINE_HEIGHT = 16
BAR_HEIGHT = 10
DOT_RADIUS = 5
PACKED_ROW = 13  # height of a row of marks without labels
ROW_GAP = 10
LABEL_GAP = 8  # px between two axis labels
# Up to this many events a panel gives each its own row with its title; past it, marks are
# packed into as few rows as they fit in and the list below the chart gives the titles.
LABELLED_MAX = 16
# Past this many events one overview stops being readable or light: the chart is left out.
MAX_EVENTS = 400
_MAX_LINES = 2
_MAX_PACKED_ROWS = 40
# A burst is at least this share of a panel's events within BURST_WINDOW of its span.
BURST_SHARE = 0.2
BURST_MIN_EVENTS = 3
BURST_WINDOW = 0.04

# Steps an axis may use, finest first.
AXIS_STEPS: tuple[Step, ...] = (
    Step(Unit.HOUR, 1),
    Step(Unit.HOUR, 2),
    Step(Unit.HOUR, 3),
    Step(Unit.HOUR, 6),
    Step(Unit.HOUR, 12),
    Step(Unit.DAY, 1),
    Step(Unit.DAY, 2),
    Step(Unit.WEEK, 1),
    Step(Unit.WEEK, 2),
    Step(Unit.MONTH, 1),
    Step(Unit.MONTH, 3),
    Step(Unit.MONTH, 6),
    *(Step(Unit.YEAR, multiple * 10**power) for power in range(10) for multiple in (1, 2, 5)),
)
# The least span an axis shows for the finest precision among its dates (seconds).
_MIN_SPAN = {
    Precision.TIME: 2 * 3600,
    Precision.DAY: 7 * SECONDS_PER_DAY,
    Precision.WEEK: 28 * SECONDS_PER_DAY,
    Precision.PART_OF_MONTH: 60 * SECONDS_PER_DAY,
    Precision.MONTH: 182 * SECONDS_PER_DAY,
    Precision.YEAR: 5 * 365 * SECONDS_PER_DAY,
}


@dataclass(frozen=True)
class ChartEvent:
    """What the chart needs to know about an event (date None: not known, so not drawn)."""

    id: str
    title: str
    date: FuzzyDate | None
    date_text: str
    status: str
    lane: str | None = None


@dataclass(frozen=True)
class ChartEra:
    """An era to draw as a band."""

    id: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class ChartTick:
    """A step boundary on the axis: its grid line, its label, and the larger unit under it."""

    x: float  # percent of the width
    label: str
    anchor: str  # text-anchor: start, middle or end
    context: str | None
    context_anchor: str


@dataclass(frozen=True)
class TickSet:
    """The axis at one range of widths: "narrow", "wide" or "all" (the same at both)."""

    media: str
    step: Step
    ticks: tuple[ChartTick, ...]

    @property
    def labels(self) -> int:
        """How many labels the axis shows (ticks and their context lines)."""
        return len(self.ticks) + sum(1 for tick in self.ticks if tick.context)


@dataclass(frozen=True)
class EraBand:
    """An era as a shaded band behind the rows, with its title."""

    id: str
    title: str
    x: float
    width: float
    label_x: float
    label_y: float
    label_anchor: str
    shade: int  # 0 or 1: neighbouring bands alternate


@dataclass(frozen=True)
class ChartMark:
    """One event on the chart: its mark (a dot or a bar), and in a labelled panel its title."""

    id: str
    label_lines: tuple[str, ...]
    label_y: tuple[float, ...]
    date_text: str
    shape: str  # "day" (dot), "range" (solid bar) or "approximate" (hatched bar)
    status: str
    x: float
    width: float
    y: float
    cx: float
    cy: float
    tail_x: float | None  # an ongoing event's line runs on to the "as of" date (or the edge)


@dataclass(frozen=True)
class MarkGroup:
    """Marks drawn alike (same shape and status), so that they share one SVG group."""

    shape: str
    status: str
    marks: tuple[ChartMark, ...]


@dataclass(frozen=True)
class Lane:
    """A lane: the events of one group (or status), under its label."""

    label: str | None
    label_y: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Bracket:
    """Where a burst of events is, in the main panel; they are drawn in the inset below."""

    x: float
    width: float
    y: float
    span_text: str  # "23 March – 3 April 2021"
    lines: tuple[str, ...]  # where it is, then how many events: wrapped to the narrow width
    label_y: tuple[float, ...]
    count: int


@dataclass(frozen=True)
class AsOf:
    """The "as of" date: a line inside the span, or a marker at the edge it lies beyond."""

    x: float
    side: str  # "inside", "before" or "after"
    lines: tuple[str, ...]  # "As of 19 July 2025", with an arrow at an edge; wrapped if long
    label_y: tuple[float, ...]
    anchor: str


@dataclass(frozen=True)
class ChartPanel:
    """One axis with its rows: the main panel, or the inset of a burst."""

    top: float
    inset: bool  # the panel of a burst, drawn under the main one
    heading: tuple[str, ...]  # an inset's heading, wrapped to the narrow width
    heading_y: tuple[float, ...]
    label_y: float  # baseline of the tick labels (their context line is one line lower)
    axis_y: float
    rows_bottom: float  # where the grid, bands and the "as of" line end
    bottom: float
    tick_sets: tuple[TickSet, ...]
    eras: tuple[EraBand, ...]
    lanes: tuple[Lane, ...]
    labelled: bool
    marks: tuple[ChartMark, ...]
    groups: tuple[MarkGroup, ...]
    bracket: Bracket | None
    as_of: AsOf | None
    start_text: str
    end_text: str
    span_text: str  # the dates of its events, at a precision that fits: "23 March – 3 April 2021"


@dataclass(frozen=True)
class TimelineChart:
    """Everything the template needs to draw the overview."""

    height: float
    font_size: int
    bar_height: int
    dot_radius: int
    panels: tuple[ChartPanel, ...]
    event_count: int
    drawn_count: int
    unknown_count: int
    first_text: str
    last_text: str
    approximate_count: int
    statuses: tuple[str, ...]  # the statuses drawn, in a fixed order, for the key
    status_counts: tuple[tuple[str, int], ...]
    shapes: tuple[str, ...]
    eras: tuple[str, ...]
    lanes: tuple[str, ...]
    ongoing: bool
    inset_count: int

    @property
    def main(self) -> ChartPanel:
        """The panel of the whole span."""
        return self.panels[0]

    @property
    def inset(self) -> ChartPanel | None:
        """The panel of a burst, if there is one."""
        return self.panels[1] if len(self.panels) > 1 else None


_STATUS_ORDER = ("happened", "ongoing", "proposed", "postponed", "cancelled")


def timeline_chart(
    events: Sequence[ChartEvent],
    as_of: FuzzyDate,
    as_of_label: str,
    words: ChartWords,
    eras: Sequence[ChartEra] = (),
) -> TimelineChart | None:
    """Lay out events (in timeline order) and eras; None for no dated event or too many.

    `as_of_label` is the sentence for the "as of" date ("As of 19 July 2025")."""
    drawn = [event for event in events if event.date is not None]
    if not drawn or len(events) > MAX_EVENTS:
        return None
    lanes = _lane_order(drawn)
    main_span = _span(drawn, eras)
    burst = _find_burst(drawn, main_span)
    in_burst = {event.id for event in burst or ()}
    main_events = [event for event in drawn if event.id not in in_burst]
    main = _panel(main_events, eras, main_span, as_of, as_of_label, words, lanes, 0, burst=burst)
    panels = [main]
    if burst is not None:
        inset_span = _span(burst, ())
        panels.append(
            _panel(
                burst,
                eras,
                inset_span,
                as_of,
                as_of_label,
                words,
                lanes,
                main.bottom + 8,
                inset=True,
            )
        )
    shapes = {_shape(event.date) for event in drawn if event.date is not None}
    statuses = {event.status for event in drawn}
    return TimelineChart(
        height=panels[-1].bottom + 4,
        font_size=FONT_SIZE,
        bar_height=BAR_HEIGHT,
        dot_radius=DOT_RADIUS,
        panels=tuple(panels),
        event_count=len(events),
        drawn_count=len(drawn),
        unknown_count=len(events) - len(drawn),
        first_text=drawn[0].date_text,
        last_text=drawn[-1].date_text,
        approximate_count=sum(
            1 for event in drawn if event.date is not None and _shape(event.date) == "approximate"
        ),
        statuses=tuple(status for status in _STATUS_ORDER if status in statuses),
        status_counts=tuple(
            (status, sum(1 for event in drawn if event.status == status))
            for status in _STATUS_ORDER
            if status in statuses
        ),
        shapes=tuple(shape for shape in ("day", "range", "approximate") if shape in shapes),
        eras=tuple(era.title for era in eras),
        lanes=tuple(lane for lane in lanes if lane is not None) if len(lanes) > 1 else (),
        ongoing=any(mark.tail_x is not None for panel in panels for mark in panel.marks),
        inset_count=len(burst) if burst else 0,
    )


# --------------------------------------------------------------------------- spans


@dataclass(frozen=True)
class _Span:
    start: int  # the axis's first and last moments
    end: int
    finest: Precision  # the finest precision drawn: the axis is never finer

    def x(self, moment: float) -> float:
        """Percent of the width for a moment (clipped to the panel)."""
        share = (moment - self.start) / (self.end - self.start)
        return _round(100 * min(max(share, 0.0), 1.0))


def _span(events: Sequence[ChartEvent], eras: Sequence[ChartEra]) -> _Span:
    dates = [event.date for event in events if event.date is not None]
    start = min([date.start_moment() for date in dates] + [era.start for era in eras], default=0)
    end = max([date.end_moment() for date in dates] + [era.end for era in eras], default=1)
    finest = min((date.start.precision for date in dates), key=lambda p: p.level)
    least = _MIN_SPAN[finest]
    if end - start < least:
        middle = (start + end) // 2
        start, end = middle - least // 2, middle + least // 2
    pad = (end - start) // 30  # room at either end for the first and last marks
    return _Span(start - pad, end + pad, finest)


def _as_of_span(span: _Span, as_of: int, data_end: int) -> _Span:
    """Stretch the axis to the "as of" date when it lies just past the last event (within a
    quarter of the span): a line then shows it, rather than a marker at the edge."""
    length = span.end - span.start
    if span.end < as_of <= data_end + max(length // 4, _MIN_SPAN[span.finest]):
        return _Span(span.start, as_of + length // 30, span.finest)
    return span


# --------------------------------------------------------------------------- panels


def _panel(
    events: Sequence[ChartEvent],
    eras: Sequence[ChartEra],
    span: _Span,
    as_of: FuzzyDate,
    as_of_label: str,
    words: ChartWords,
    lanes: Sequence[str | None],
    top: float,
    inset: bool = False,
    burst: Sequence[ChartEvent] | None = None,
) -> ChartPanel:
    data_end = max(
        [event.date.end_moment() for event in events if event.date is not None]
        + [event.date.end_moment() for event in burst or () if event.date is not None],
        default=span.end,
    )
    if not inset:
        span = _as_of_span(span, as_of.start_moment(), data_end)
    y = top
    heading: tuple[str, ...] = ()
    heading_y: tuple[float, ...] = ()
    if inset:
        heading = wrap_label(words.inset_heading(_events_span(events, words)), NARROW_PX)
        heading_y = tuple(y + LINE_HEIGHT * (index + 1) - 3 for index in range(len(heading)))
        y += LINE_HEIGHT * len(heading)
    tick_sets = _tick_sets(span, words)
    for _ in range(8):  # a span too short for two of its labels (years of 10,000 BC) widens
        if all(len(tick_set.ticks) >= 2 for tick_set in tick_sets):
            break
        quarter = (span.end - span.start) // 2
        span = _Span(span.start - quarter, span.end + quarter, span.finest)
        tick_sets = _tick_sets(span, words)
    has_context = any(tick.context for tick_set in tick_sets for tick in tick_set.ticks)
    label_y = y + LINE_HEIGHT - 3
    axis_y = label_y + (LINE_HEIGHT if has_context else 0) + 6
    y = axis_y + 4
    era_bands, y = _era_bands(eras, span, y)
    moment = as_of.start_moment()
    as_of_x = span.x(moment) if span.start <= moment <= span.end else None
    tail_to = as_of_x if as_of_x is not None else (100.0 if moment > span.end else None)
    labelled = len(events) <= LABELLED_MAX
    lane_views: list[Lane] = []
    marks: list[ChartMark] = []
    bracket = None
    if burst:
        bracket, y = _bracket(burst, span, y + 2, words)
    present = [lane for lane in lanes if any(event.lane == lane for event in events)]
    for lane in present:
        members = [event for event in events if event.lane == lane]
        lane_top = y
        lane_label_y = 0.0
        if len(present) > 1 or (lane is not None and len(lanes) > 1):
            y += LINE_HEIGHT
            lane_label_y = y - 4
        if labelled:
            placed, y = _labelled_rows(members, span, y + 2, tail_to)
        else:
            placed, y = _packed_rows(members, span, y + 2, tail_to)
        marks += placed
        lane_views.append(Lane(lane if len(present) > 1 else None, lane_label_y, lane_top, y))
    y += 2
    rows_bottom = y
    as_of_view: AsOf | None = None
    if not inset or span.start <= moment <= span.end:  # an inset shows it only inside
        as_of_view, y = _as_of(span, moment, as_of_label, y)
    return ChartPanel(
        top=top,
        inset=inset,
        heading=heading,
        heading_y=heading_y,
        label_y=label_y,
        axis_y=axis_y,
        rows_bottom=rows_bottom,
        bottom=y,
        tick_sets=tick_sets,
        eras=era_bands,
        lanes=tuple(lane_views),
        labelled=labelled,
        marks=tuple(marks),
        groups=_groups(marks) if not labelled else (),
        bracket=bracket,
        as_of=as_of_view,
        start_text=events[0].date_text if events else "",
        end_text=events[-1].date_text if events else "",
        span_text=_events_span(events, words),
    )


def _events_span(events: Sequence[ChartEvent], words: ChartWords) -> str:
    dates = [event.date for event in events if event.date is not None]
    if not dates:
        return ""
    start = min(date.start_moment() for date in dates)
    return words.span(start, max(date.end_moment() for date in dates))


def _lane_order(events: Sequence[ChartEvent]) -> list[str | None]:
    """Lanes in order of their first event; events without a lane come last."""
    named: list[str | None] = list(dict.fromkeys(e.lane for e in events if e.lane is not None))
    if any(event.lane is None for event in events):
        named.append(None)
    return named


def _mark(event: ChartEvent, span: _Span, y: float, tail_to: float | None) -> ChartMark:
    date = event.date
    assert date is not None
    start_x, end_x = span.x(date.start_moment()), span.x(date.end_moment())
    shape = _shape(date)
    width = max(end_x - start_x, 0.8)
    tail = (
        tail_to if event.status == "ongoing" and tail_to is not None and tail_to > end_x else None
    )
    return ChartMark(
        id=event.id,
        label_lines=(),
        label_y=(),
        date_text=event.date_text,
        shape=shape,
        status=event.status,
        x=start_x,
        width=_round(width),
        y=y,
        cx=_round((start_x + end_x) / 2),
        cy=y + BAR_HEIGHT // 2,
        tail_x=tail,
    )


def _labelled_rows(
    events: Sequence[ChartEvent], span: _Span, y: float, tail_to: float | None
) -> tuple[list[ChartMark], float]:
    """A row per event: its title (wrapped to the narrow width), then its mark."""
    marks = []
    for event in events:
        lines = wrap_label(event.title, NARROW_PX)
        label_y = tuple(y + LINE_HEIGHT * (index + 1) - 4 for index in range(len(lines)))
        mark_y = y + LINE_HEIGHT * len(lines) + 2
        mark = _mark(event, span, mark_y, tail_to)
        marks.append(replace(mark, label_lines=lines, label_y=label_y))
        y = mark_y + BAR_HEIGHT + ROW_GAP
    return marks, y


def _packed_rows(
    events: Sequence[ChartEvent], span: _Span, y: float, tail_to: float | None
) -> tuple[list[ChartMark], float]:
    """Marks without titles, each in the first row where it clears the marks before it at the
    narrow width, so no two marks overlap at any width."""
    row_ends: list[float] = []
    placed: list[tuple[ChartEvent, int]] = []
    ordered = sorted(events, key=lambda event: event.date.sort_key() if event.date else (0, 0))
    for event in ordered:
        mark = _mark(event, span, 0, tail_to)
        left, right = _extent(mark)
        row = next(
            (index for index, end in enumerate(row_ends) if end + 2 <= left),
            len(row_ends) if len(row_ends) < _MAX_PACKED_ROWS else len(row_ends) - 1,
        )
        if row == len(row_ends):
            row_ends.append(right)
        else:
            row_ends[row] = max(row_ends[row], right)
        placed.append((event, row))
    rows = max((row for _, row in placed), default=0) + 1
    order = {event.id: index for index, event in enumerate(events)}
    marks = [
        _mark(event, span, y + row * PACKED_ROW + (PACKED_ROW - BAR_HEIGHT) / 2, tail_to)
        for event, row in sorted(placed, key=lambda item: order[item[0].id])
    ]
    return marks, y + rows * PACKED_ROW + ROW_GAP / 2


def _extent(mark: ChartMark) -> tuple[float, float]:
    """Left and right of a mark in pixels at the narrow width (a dot's circle, a bar's tail)."""
    scale = NARROW_PX / 100
    if mark.shape == "day":
        left, right = mark.cx * scale - DOT_RADIUS, mark.cx * scale + DOT_RADIUS
    else:
        left, right = mark.x * scale - 1, (mark.x + mark.width) * scale + 1
    if mark.tail_x is not None:
        right = max(right, mark.tail_x * scale)
    return left, right


def _groups(marks: Sequence[ChartMark]) -> tuple[MarkGroup, ...]:
    found: dict[tuple[str, str], list[ChartMark]] = {}
    for mark in marks:
        found.setdefault((mark.shape, mark.status), []).append(mark)
    return tuple(MarkGroup(shape, status, tuple(items)) for (shape, status), items in found.items())


def _bracket(
    burst: Sequence[ChartEvent], span: _Span, y: float, words: ChartWords
) -> tuple[Bracket, float]:
    """A row saying where the burst is: its bracket, and how many events the inset shows."""
    start = min(event.date.start_moment() for event in burst if event.date is not None)
    end = max(event.date.end_moment() for event in burst if event.date is not None)
    x = span.x(start)
    where = words.span(start, end)
    lines = (
        *wrap_label(words.burst_where(where), NARROW_PX),
        *wrap_label(words.burst_count(len(burst)), NARROW_PX),
    )
    label_y = tuple(y + LINE_HEIGHT * (index + 1) - 4 for index in range(len(lines)))
    bar_y = label_y[-1] + 6
    width = _round(max(span.x(end) - x, 0.8))
    return (
        Bracket(x, width, bar_y, where, lines, label_y, len(burst)),
        bar_y + BAR_HEIGHT + ROW_GAP,
    )


def _as_of(span: _Span, moment: int, label: str, y: float) -> tuple[AsOf, float]:
    """The "as of" label: at the edge the date lies beyond (with an arrow to it), or beside
    its line, on the side where it fits the narrow width; wrapped when it fits neither."""
    x: float
    if moment < span.start:
        x, side, label = 0, "before", f"← {label}"
    elif moment > span.end:
        x, side, label = 100, "after", f"{label} →"
    else:
        x, side = span.x(moment), "inside"
    at = x * NARROW_PX / 100
    size = text_width(label)
    if side == "before" or (side == "inside" and at + size <= NARROW_PX):
        anchor, room = "start", NARROW_PX - at
    elif side == "after" or at - size >= 0:
        anchor, room = "end", at
    else:  # fits neither side of its line: the wider side, wrapped
        anchor, room = ("start", NARROW_PX - at) if at < NARROW_PX / 2 else ("end", at)
    lines = wrap_label(label, max(room, NARROW_PX / 2), max_lines=3)
    label_y = tuple(y + LINE_HEIGHT * (index + 1) - 4 for index in range(len(lines)))
    return AsOf(x, side, lines, label_y, anchor), y + LINE_HEIGHT * len(lines)


def _era_bands(
    eras: Sequence[ChartEra], span: _Span, y: float
) -> tuple[tuple[EraBand, ...], float]:
    """Bands of the eras that meet the span; titles in as few rows as keep them apart."""
    visible = [
        (index, era)
        for index, era in enumerate(eras)
        if era.end > span.start and era.start < span.end
    ]
    if not visible:
        return (), y
    row_ends: list[float] = []
    bands = []
    for index, era in visible:
        x, end_x = span.x(era.start), span.x(era.end)
        width = text_width(era.title)
        if era.start < span.start and (end_x - x) * NARROW_PX / 100 < width:
            # Only the end of an era that began before the panel: a sliver, not worth a title
            # that would sit over the next era.
            bands.append(EraBand(era.id, "", x, _round(end_x - x), x, 0, "start", index % 2))
            continue
        left = x * NARROW_PX / 100 + 3
        anchor = "start"
        label_x = _round(x + 3 * 100 / NARROW_PX) if left + width <= NARROW_PX else end_x
        if left + width > NARROW_PX:
            anchor, left = "end", end_x * NARROW_PX / 100 - 3 - width
            label_x = _round(end_x - 3 * 100 / NARROW_PX)
        row = next(
            (row for row, end in enumerate(row_ends) if end + LABEL_GAP <= left), len(row_ends)
        )
        if row == len(row_ends):
            row_ends.append(left + width)
        else:
            row_ends[row] = left + width
        bands.append(
            EraBand(
                era.id,
                era.title,
                x,
                _round(end_x - x),
                label_x,
                y + LINE_HEIGHT * (row + 1) - 4,
                anchor,
                index % 2,
            )
        )
    return tuple(bands), y + LINE_HEIGHT * len(row_ends) + 4


# --------------------------------------------------------------------------- the axis


def _tick_sets(span: _Span, words: ChartWords) -> tuple[TickSet, ...]:
    narrow = _fitting(span, NARROW_PX, words)
    wide = _fitting(span, WIDE_PX, words)
    if wide.step == narrow.step:
        return (TickSet("all", narrow.step, narrow.ticks),)
    return (
        TickSet("narrow", narrow.step, narrow.ticks),
        TickSet("wide", wide.step, wide.ticks),
    )


def _fitting(span: _Span, width: float, words: ChartWords) -> TickSet:
    """The finest step whose labels fit at `width` (and no finer than the data)."""
    finest_unit = span.finest.level
    candidates = [step for step in AXIS_STEPS if step.unit.value >= finest_unit]
    for step in candidates:
        if (span.end - span.start) / step.seconds() > width / 12:
            continue  # more ticks than could ever fit
        ticks = _ticks(step, span, width, words)
        if ticks is not None and len(ticks) >= 2:
            return TickSet("all", step, ticks)
    step = candidates[-1]
    return TickSet("all", step, _ticks(step, span, width, words, force=True) or ())


def _ticks(
    step: Step, span: _Span, width: float, words: ChartWords, force: bool = False
) -> tuple[ChartTick, ...] | None:
    """The ticks of a step inside the span, or None if their labels would overlap at `width`."""
    boundaries = [
        moment
        for moment in step.boundaries(span.start, span.end)
        if span.start <= moment <= span.end
    ]
    ticks: list[ChartTick] = []
    label_end = context_end = -math.inf
    previous_context: str | None = None
    shown_at: int | None = None  # where the last context shown was
    for moment in boundaries:
        x = span.x(moment)
        label = words.tick(step, moment)
        anchor, left, right = _placed(x * width / 100, text_width(label), width)
        if left < label_end + LABEL_GAP:
            if force:
                continue
            return None
        label_end = right
        context = words.tick_context(step, moment)
        shown_context = context if context != previous_context else None
        previous_context = context
        context_anchor = "start"
        if shown_context is not None:
            context_anchor, c_left, c_right = _placed(
                x * width / 100, text_width(shown_context), width, prefer="start"
            )
            if c_left < context_end + LABEL_GAP and shown_at is not None:
                # No room for the whole context: without the year it already gave (Apr).
                shown_context = words.tick_context(step, moment, since=shown_at) or shown_context
                context_anchor, c_left, c_right = _placed(
                    x * width / 100, text_width(shown_context), width, prefer="start"
                )
            if c_left < context_end + LABEL_GAP:
                if not force:
                    return None
                shown_context = None
            else:
                context_end = c_right
                shown_at = moment
        ticks.append(ChartTick(x, label, anchor, shown_context, context_anchor))
    return tuple(ticks)


def _placed(
    at: float, width: float, total: float, prefer: str = "middle"
) -> tuple[str, float, float]:
    """Text anchor keeping a label inside the chart, and the label's left and right."""
    if prefer == "middle" and width / 2 <= at <= total - width / 2:
        return "middle", at - width / 2, at + width / 2
    if at + width <= total:
        return "start", at, at + width
    return "end", at - width, at


# --------------------------------------------------------------------------- bursts


def _find_burst(events: Sequence[ChartEvent], span: _Span) -> list[ChartEvent] | None:
    """The densest short stretch of a long span, when an inset would tell its events apart."""
    dated = [event for event in events if event.date is not None]
    if len(dated) < 2 * BURST_MIN_EVENTS:
        return None
    window = (span.end - span.start) * BURST_WINDOW
    starts = sorted(dated, key=lambda event: event.date.start_moment() if event.date else 0)
    best: list[ChartEvent] = []
    for index, first in enumerate(starts):
        assert first.date is not None
        limit = first.date.start_moment() + window
        members = [
            event
            for event in starts[index:]
            if event.date is not None
            and event.date.start_moment() <= limit
            and event.date.end_moment() - event.date.start_moment() <= window
        ]
        if len(members) > len(best):
            best = members
    if len(best) < max(BURST_MIN_EVENTS, BURST_SHARE * len(dated)) or len(best) == len(dated):
        return None
    # Worth an inset only if its own axis spreads the events out: enough distinct moments, and
    # a zoom of at least eight times.
    moments = {event.date.start_moment() for event in best if event.date is not None}
    inset = _span(best, ())
    if len(moments) < BURST_MIN_EVENTS or (span.end - span.start) < 8 * (inset.end - inset.start):
        return None
    order = {event.id: index for index, event in enumerate(events)}
    return sorted(best, key=lambda event: order[event.id])


# --------------------------------------------------------------------------- text


def _round(value: float, digits: int = 1) -> float:
    """Round for compact SVG: whole numbers print without a decimal point."""
    rounded = round(float(value), digits)  # float(): int has no is_integer before Python 3.12
    return int(rounded) if rounded.is_integer() else rounded


def _shape(date: FuzzyDate) -> str:
    """How honestly to draw a date: a dot only when the very day (or moment) is known."""
    if date.coarsest.level > Precision.DAY.level:
        return "approximate"
    return "day" if date.end is None else "range"


# Glyph widths in ems, generous for the system sans-serif fonts (DejaVu Sans is the widest of
# them), so that labels measured here never overlap when drawn; the browser tests measure the
# real ones, in English, Ukrainian and Arabic.
_NARROW_GLYPHS = frozenset("iljtfrI.,:;'!|()[] \u00a0\u2009\u202f")
_WIDE_GLYPHS = frozenset("mwMW@%—жшщюыЖШЩЮЫМ")


def text_width(text: str, font_size: int = FONT_SIZE) -> float:
    """Estimated width of a label in pixels."""
    ems = 0.0
    for char in text:
        if char in _NARROW_GLYPHS:
            ems += 0.38
        elif char in _WIDE_GLYPHS or unicodedata.east_asian_width(char) in ("W", "F"):
            ems += 1.0
        elif char.isdigit() or char.islower():
            ems += 0.66 if char.isascii() else 0.72
        elif char.isupper():
            ems += 0.78 if char.isascii() else 0.86
        elif char.isascii() or char.isalpha():
            ems += 0.7  # ASCII signs; letters of scripts without case (Arabic, Hebrew)
        else:
            ems += 1.0  # dashes, arrows and other signs
    return ems * font_size * 1.05


def wrap_label(
    text: str, width: float, max_lines: int = _MAX_LINES, font_size: int = FONT_SIZE
) -> tuple[str, ...]:
    """Split a label into lines that fit `width` px (two at most unless told); an ellipsis
    ends a cut label."""
    lines: list[str] = []
    words = text.split()
    current = ""
    while words:
        candidate = f"{current} {words[0]}".strip()
        if text_width(candidate, font_size) <= width:
            current = candidate
            words.pop(0)
            continue
        if not current:  # a single word longer than a line
            cut = _longest_fitting(words[0], width, font_size)
            current, words[0] = words[0][:cut], words[0][cut:]
        lines.append(current)
        current = ""
        if len(lines) == max_lines:
            break
    if current:
        lines.append(current)
    if words:
        last = lines[-1]
        while last and text_width(last + "…", font_size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return tuple(lines)


def _longest_fitting(word: str, width: float, font_size: int) -> int:
    cut = len(word)
    while cut > 1 and text_width(word[:cut], font_size) > width:
        cut -= 1
    return cut
