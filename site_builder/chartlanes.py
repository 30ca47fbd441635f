"""A panel of the chart laid out: marks in lanes (one labelled row per event, or packed rows on a
busy chart), era bands, the "as of" line; and the dense burst that leaves the main panel for
an inset of its own, with a bracket where it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from site_builder.chartaxis import axis_tick_sets
from site_builder.chartdata import (
    BAR_HEIGHT,
    DOT_RADIUS,
    LABEL_GAP,
    LABELLED_MAX,
    LINE_HEIGHT,
    MAX_PACKED_ROWS,
    NARROW_PX,
    PACKED_ROW,
    ROW_GAP,
    AsOf,
    Bracket,
    ChartEra,
    ChartEvent,
    ChartMark,
    ChartPanel,
    ChartWords,
    EraBand,
    Lane,
    MarkGroup,
    Span,
    as_of_span,
    shape_of,
    svg_round,
)
from site_builder.dates import FuzzyDate
from site_builder.insets import find_burst as burst_of
from site_builder.textwidth import text_width, wrap_label

# --------------------------------------------------------------------------- panels


def make_panel(
    events: Sequence[ChartEvent],
    eras: Sequence[ChartEra],
    span: Span,
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
        span = as_of_span(span, as_of.start_moment(), data_end)
    y = top
    heading: tuple[str, ...] = ()
    heading_y: tuple[float, ...] = ()
    if inset:
        heading = wrap_label(words.inset_heading(_events_span(events, words)), NARROW_PX)
        heading_y = tuple(y + LINE_HEIGHT * (index + 1) - 3 for index in range(len(heading)))
        y += LINE_HEIGHT * len(heading)
    tick_sets = axis_tick_sets(span, words)
    for _ in range(8):  # a span too short for two of its labels (years of 10,000 BC) widens
        if all(len(tick_set.ticks) >= 2 for tick_set in tick_sets):
            break
        quarter = (span.end - span.start) // 2
        span = Span(span.start - quarter, span.end + quarter, span.finest)
        tick_sets = axis_tick_sets(span, words)
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


def lane_order(events: Sequence[ChartEvent]) -> list[str | None]:
    """Lanes in order of their first event; events without a lane come last."""
    named: list[str | None] = list(dict.fromkeys(e.lane for e in events if e.lane is not None))
    if any(event.lane is None for event in events):
        named.append(None)
    return named


def _mark(event: ChartEvent, span: Span, y: float, tail_to: float | None) -> ChartMark:
    date = event.date
    assert date is not None
    start_x, end_x = span.x(date.start_moment()), span.x(date.end_moment())
    shape = shape_of(date)
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
        width=svg_round(width),
        y=y,
        cx=svg_round((start_x + end_x) / 2),
        cy=y + BAR_HEIGHT // 2,
        tail_x=tail,
        standing=event.standing,
    )


def _labelled_rows(
    events: Sequence[ChartEvent], span: Span, y: float, tail_to: float | None
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
    events: Sequence[ChartEvent], span: Span, y: float, tail_to: float | None
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
            len(row_ends) if len(row_ends) < MAX_PACKED_ROWS else len(row_ends) - 1,
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
    found: dict[tuple[str, str, str], list[ChartMark]] = {}
    for mark in marks:
        found.setdefault((mark.shape, mark.status, mark.standing), []).append(mark)
    return tuple(MarkGroup(*key, tuple(items)) for key, items in found.items())


def _bracket(
    burst: Sequence[ChartEvent], span: Span, y: float, words: ChartWords
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
    width = svg_round(max(span.x(end) - x, 0.8))
    return (
        Bracket(x, width, bar_y, where, lines, label_y, len(burst)),
        bar_y + BAR_HEIGHT + ROW_GAP,
    )


def _as_of(span: Span, moment: int, label: str, y: float) -> tuple[AsOf, float]:
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


def _era_bands(eras: Sequence[ChartEra], span: Span, y: float) -> tuple[tuple[EraBand, ...], float]:
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
            bands.append(EraBand(era.id, "", x, svg_round(end_x - x), x, 0, "start", index % 2))
            continue
        left = x * NARROW_PX / 100 + 3
        anchor = "start"
        label_x = svg_round(x + 3 * 100 / NARROW_PX) if left + width <= NARROW_PX else end_x
        if left + width > NARROW_PX:
            anchor, left = "end", end_x * NARROW_PX / 100 - 3 - width
            label_x = svg_round(end_x - 3 * 100 / NARROW_PX)
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
                svg_round(end_x - x),
                label_x,
                y + LINE_HEIGHT * (row + 1) - 4,
                anchor,
                index % 2,
            )
        )
    return tuple(bands), y + LINE_HEIGHT * len(row_ends) + 4


# --------------------------------------------------------------------------- bursts


def find_burst(events: Sequence[ChartEvent], span: Span) -> list[ChartEvent] | None:
    """The densest short stretch of a long span, when an inset would tell its events apart
    (the rule is insets.find_burst's, which the page planner uses too)."""
    dated = [event for event in events if event.date is not None]
    found = burst_of(
        [event.date for event in dated if event.date is not None], span.start, span.end
    )
    return None if found is None else [dated[index] for index in found]
