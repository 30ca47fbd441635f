"""The timeline chart as data: what it is drawn from (`ChartEvent`, `ChartEra`, `ChartWords`), the
geometry the template `_chart.html` draws (`TimelineChart`, its panels, marks, ticks, era
bands, brackets), the sizes it is laid out for, and the stretch of time a panel shows (`Span`).
The layout itself is chart.py's, chartlanes.py's and chartaxis.py's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from site_builder.dates import FuzzyDate, Precision
from site_builder.insets import MIN_SPAN, axis_bounds
from site_builder.periods import Step


class ChartWords(Protocol):
    """What the chart writes, in the site's language (timelineview.ChartWords: dates from
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
MAX_PACKED_ROWS = 40


@dataclass(frozen=True)
class ChartEvent:
    """What the chart needs to know about an event (date None: not known, so not drawn)."""

    id: str
    title: str
    date: FuzzyDate | None
    date_text: str
    status: str
    lane: str | None = None
    standing: str = "verified"  # the event's verification


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
    standing: str = "verified"  # unconfirmed and disputed marks are pale, retracted ones empty


@dataclass(frozen=True)
class MarkGroup:
    """Marks drawn alike (same shape, status and standing), so that they share one SVG group."""

    shape: str
    status: str
    standing: str
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
    doubtful_count: int = 0  # unconfirmed or disputed
    retracted_count: int = 0

    @property
    def main(self) -> ChartPanel:
        """The panel of the whole span."""
        return self.panels[0]

    @property
    def inset(self) -> ChartPanel | None:
        """The panel of a burst, if there is one."""
        return self.panels[1] if len(self.panels) > 1 else None


# --------------------------------------------------------------------------- spans


@dataclass(frozen=True)
class Span:
    start: int  # the axis's first and last moments
    end: int
    finest: Precision  # the finest precision drawn: the axis is never finer

    def x(self, moment: float) -> float:
        """Percent of the width for a moment (clipped to the panel)."""
        share = (moment - self.start) / (self.end - self.start)
        return svg_round(100 * min(max(share, 0.0), 1.0))


def span_of(events: Sequence[ChartEvent], eras: Sequence[ChartEra]) -> Span:
    """The stretch of time a panel shows for its events and eras (insets.axis_bounds)."""
    dates = [event.date for event in events if event.date is not None]
    return Span(*axis_bounds(dates, [(era.start, era.end) for era in eras]))


def as_of_span(span: Span, as_of: int, data_end: int) -> Span:
    """Stretch the axis to the "as of" date when it lies just past the last event (within a
    quarter of the span): a line then shows it, rather than a marker at the edge."""
    length = span.end - span.start
    if span.end < as_of <= data_end + max(length // 4, MIN_SPAN[span.finest]):
        return Span(span.start, as_of + length // 30, span.finest)
    return span


def svg_round(value: float, digits: int = 1) -> float:
    """Round for compact SVG: whole numbers print without a decimal point."""
    rounded = round(float(value), digits)  # float(): int has no is_integer before Python 3.12
    return int(rounded) if rounded.is_integer() else rounded


def shape_of(date: FuzzyDate) -> str:
    """How honestly to draw a date: a dot only when the very day (or moment) is known."""
    if date.coarsest.level > Precision.DAY.level:
        return "approximate"
    return "day" if date.end is None else "range"
