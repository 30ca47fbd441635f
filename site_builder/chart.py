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

from collections.abc import Sequence

from site_builder.chartdata import (
    BAR_HEIGHT,
    DOT_RADIUS,
    MAX_EVENTS,
    ChartEra,
    ChartEvent,
    ChartWords,
    TimelineChart,
    shape_of,
    span_of,
)
from site_builder.chartlanes import find_burst, lane_order, make_panel
from site_builder.dates import FuzzyDate
from site_builder.textwidth import FONT_SIZE

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
    lanes = lane_order(drawn)
    main_span = span_of(drawn, eras)
    burst = find_burst(drawn, main_span)
    in_burst = {event.id for event in burst or ()}
    main_events = [event for event in drawn if event.id not in in_burst]
    main = make_panel(
        main_events, eras, main_span, as_of, as_of_label, words, lanes, 0, burst=burst
    )
    panels = [main]
    if burst is not None:
        inset_span = span_of(burst, ())
        panels.append(
            make_panel(
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
    shapes = {shape_of(event.date) for event in drawn if event.date is not None}
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
            1 for event in drawn if event.date is not None and shape_of(event.date) == "approximate"
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
        doubtful_count=sum(1 for e in drawn if e.standing in ("unconfirmed", "disputed")),
        retracted_count=sum(1 for event in drawn if event.standing == "retracted"),
    )
