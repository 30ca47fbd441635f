"""The stretch of time a chart's axis shows, and the burst it draws again in an inset of its own.

These rules work on dates alone, so that the chart (chart.py, chartlanes.py) draws by them and
the timeline's page planner (site.py) can tell, before anything is drawn, which pages will
carry an inset and weigh them so.
"""

from __future__ import annotations

from collections.abc import Sequence

from site_builder.dates import SECONDS_PER_DAY, FuzzyDate, Precision

# A burst is at least this share of a panel's events within BURST_WINDOW of its span.
BURST_SHARE = 0.2
BURST_MIN_EVENTS = 3
BURST_WINDOW = 0.04

# The least span an axis shows for the finest precision among its dates (seconds).
MIN_SPAN = {
    Precision.TIME: 2 * 3600,
    Precision.DAY: 7 * SECONDS_PER_DAY,
    Precision.WEEK: 28 * SECONDS_PER_DAY,
    Precision.PART_OF_MONTH: 60 * SECONDS_PER_DAY,
    Precision.MONTH: 182 * SECONDS_PER_DAY,
    Precision.YEAR: 5 * 365 * SECONDS_PER_DAY,
}


def axis_bounds(
    dates: Sequence[FuzzyDate], eras: Sequence[tuple[int, int]] = ()
) -> tuple[int, int, Precision]:
    """The first and last moments of an axis showing `dates` (and eras' first and last
    moments), at least MIN_SPAN of their finest precision long, with room at either end for
    the first and last marks; and that finest precision."""
    start = min([date.start_moment() for date in dates] + [era[0] for era in eras], default=0)
    end = max([date.end_moment() for date in dates] + [era[1] for era in eras], default=1)
    finest = min((date.start.precision for date in dates), key=lambda p: p.level)
    least = MIN_SPAN[finest]
    if end - start < least:
        middle = (start + end) // 2
        start, end = middle - least // 2, middle + least // 2
    pad = (end - start) // 30
    return start - pad, end + pad, finest


def find_burst(dates: Sequence[FuzzyDate], start: int, end: int) -> list[int] | None:
    """Positions (in `dates`) of the densest short stretch of a long axis from `start` to
    `end`, when an inset would tell its events apart; None when there is none."""
    if len(dates) < 2 * BURST_MIN_EVENTS:
        return None
    window = (end - start) * BURST_WINDOW
    starts = sorted(range(len(dates)), key=lambda index: dates[index].start_moment())
    best: list[int] = []
    for place, first in enumerate(starts):
        limit = dates[first].start_moment() + window
        members = []
        for index in starts[place:]:
            date = dates[index]
            if date.start_moment() > limit:
                break  # the rest start later still
            if date.end_moment() - date.start_moment() <= window:
                members.append(index)
        if len(members) > len(best):
            best = members
    if len(best) < max(BURST_MIN_EVENTS, BURST_SHARE * len(dates)) or len(best) == len(dates):
        return None
    # Worth an inset only if its own axis spreads the events out: enough distinct moments, and
    # a zoom of at least eight times.
    moments = {dates[index].start_moment() for index in best}
    inset_start, inset_end, _ = axis_bounds([dates[index] for index in best])
    if len(moments) < BURST_MIN_EVENTS or (end - start) < 8 * (inset_end - inset_start):
        return None
    return sorted(best)
