"""The timeline's pages: one page, or an index and a page per period of a split timeline, each
with its chart and sections made when the template first uses them."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from site_builder.datefmt import DateFormatter
from site_builder.model import Event, Site, TimelinePart
from site_builder.pages import Deferred, PageSpec
from site_builder.timelineview import chart_view, clock_note, timeline_sections
from site_builder.urls import TIMELINE, timeline_part_path
from site_builder.views import ViewBuilder


@dataclass(frozen=True)
class TimelinePartLink:
    """A part (a period) of a split timeline, in the navigation between parts."""

    label: str
    url: str
    count: int
    current: bool


def timeline_specs(site: Site, views: ViewBuilder) -> Iterator[PageSpec]:
    """The timeline: one page, or an index and a page per period (see Site.timeline_parts)."""
    text = views.messages.text
    as_of = views.date(site.config.as_of).text
    title = text("timeline", "Timeline")
    parts = site.timeline_parts
    if len(parts) == 1:
        yield PageSpec(
            TIMELINE,
            "timeline.html",
            title,
            text(
                "timeline_description",
                "Every event of the story in date order, as of %(date)s.",
                date=as_of,
            ),
            functools.partial(_timeline_context, site, views, parts[0].events, []),
        )
        return

    every = [
        TimelinePartLink(
            _part_label(views.dates, part),
            views.urls.url(timeline_part_path(part.slug)),
            len(part.events),
            current=False,
        )
        for part in parts
    ]

    def links(current: str) -> list[TimelinePartLink]:
        return [
            replace(link, current=True) if part.slug == current else link
            for part, link in zip(parts, every, strict=True)
        ]

    yield PageSpec(
        TIMELINE,
        "timeline.html",
        title,
        text(
            "timeline_description_parts",
            "Every event of the story by period, %(first)s to %(last)s, as of %(date)s.",
            first=every[0].label,
            last=every[-1].label,
            date=as_of,
        ),
        functools.partial(_timeline_context, site, views, (), links(""), site.events_in_order()),
    )
    for part, link in zip(parts, every, strict=True):
        yield PageSpec(
            timeline_part_path(part.slug),
            "timeline.html",
            text("timeline_part", "%(timeline)s: %(period)s", timeline=title, period=link.label),
            text(
                "timeline_part_description",
                "Every event of %(period)s in date order, as of %(date)s.",
                period=link.label,
                date=as_of,
            ),
            functools.partial(_timeline_context, site, views, part.events, links(part.slug)),
        )


def _part_label(dates: DateFormatter, part: TimelinePart) -> str:
    if part.first is None or part.last is None:
        return ""
    return dates.period_range(part.first, part.last)


def _timeline_context(
    site: Site,
    views: ViewBuilder,
    events: Sequence[Event],
    parts: list[TimelinePartLink],
    charted: Sequence[Event] | None = None,
) -> dict[str, Any]:
    """A timeline page's context: `sections` (eras, then periods, then events), `chart` (of
    `charted`, by default the page's own events; None without a dated event), `parts` (the
    periods of a split timeline, empty on a single page; the index has parts and no sections),
    `clock_note` (the sentence naming the clock times are shown on, when any event has a time)
    and `statuses` (those of the page's events).

    The chart and sections are built when the template first uses them, so that an error in
    building them is reported at that line of the template.
    """
    drawn = events if charted is None else charted
    return {
        "sections": Deferred(lambda: timeline_sections(views, events)),
        "chart": Deferred(lambda: chart_view(site, views, drawn)),
        "parts": parts,
        "clock_note": clock_note(views, drawn),
        "statuses": {event.status for event in drawn},
    }
