"""The chart's date axis: for each width the stylesheet gives the chart, the finest calendar step
whose labels do not overlap there and that is not finer than the dates drawn; its ticks, their
labels and the larger unit under them, placed so that none leaves the chart.
"""

from __future__ import annotations

import math

from site_builder.chartdata import (
    LABEL_GAP,
    NARROW_PX,
    WIDE_PX,
    ChartTick,
    ChartWords,
    Span,
    TickSet,
)
from site_builder.dates import Unit
from site_builder.periods import Step
from site_builder.textwidth import text_width

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
# --------------------------------------------------------------------------- the axis


def axis_tick_sets(span: Span, words: ChartWords) -> tuple[TickSet, ...]:
    narrow = _fitting(span, NARROW_PX, words)
    wide = _fitting(span, WIDE_PX, words)
    if wide.step == narrow.step:
        return (TickSet("all", narrow.step, narrow.ticks),)
    return (
        TickSet("narrow", narrow.step, narrow.ticks),
        TickSet("wide", wide.step, wide.ticks),
    )


def _fitting(span: Span, width: float, words: ChartWords) -> TickSet:
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
    step: Step, span: Span, width: float, words: ChartWords, force: bool = False
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
