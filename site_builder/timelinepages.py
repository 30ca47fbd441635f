"""The timeline's pages: one page, or an index and a page per period of a split timeline, each
with its chart and sections made when the template first uses them; and the timeline as another
site embeds it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import markupsafe

from site_builder.datefmt import DateFormatter
from site_builder.embed import OEMBED, embed_child_script, embed_code
from site_builder.model import Event
from site_builder.pages import Deferred, PageSpec
from site_builder.site import Site
from site_builder.timelineparts import TimelinePart
from site_builder.timelineview import chart_view, clock_note, timeline_sections
from site_builder.urls import EMBED_TIMELINE, TIMELINE, timeline_part_path
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
    title, description, context = _main_page(site, views)
    embed = _embed_view(site, views, title)
    yield PageSpec(TIMELINE, "timeline.html", title, description, _with(context, embed=embed))
    parts = site.timeline_parts
    if len(parts) == 1:
        return
    every = _part_links(site, views)
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
            functools.partial(
                _timeline_context, site, views, part.events, _current(parts, every, part.slug)
            ),
        )


def embed_specs(site: Site, views: ViewBuilder) -> Iterator[PageSpec]:
    """The timeline page as another site embeds it (an iframe): the same chart and list (or
    periods), without the site's header, menu and footer, not indexed by search engines except
    inside the page that embeds it, sizing its frame to its height (embed.embed_child_script)."""
    title, description, context = _main_page(site, views)
    extra = {
        "timeline_url": views.urls.url(TIMELINE),
        "child_script": markupsafe.Markup(embed_child_script()),
    }
    yield PageSpec(EMBED_TIMELINE, "embed.html", title, description, _with(context, **extra))


def _main_page(site: Site, views: ViewBuilder) -> tuple[str, str, Callable[[], dict[str, Any]]]:
    """Title, description and context of the timeline's page (a split timeline's index)."""
    text = views.messages.text
    as_of = views.date(site.config.as_of).text
    title = text("timeline", "Timeline")
    parts = site.timeline_parts
    if len(parts) == 1:
        description = text(
            "timeline_description",
            "Every event of the story in date order, as of %(date)s.",
            date=as_of,
        )
        return (
            title,
            description,
            functools.partial(_timeline_context, site, views, parts[0].events, []),
        )
    every = _part_links(site, views)
    description = text(
        "timeline_description_parts",
        "Every event of the story by period, %(first)s to %(last)s, as of %(date)s.",
        first=every[0].label,
        last=every[-1].label,
        date=as_of,
    )
    context = functools.partial(
        _timeline_context, site, views, (), _current(parts, every, ""), site.events_in_order()
    )
    return title, description, context


def _part_links(site: Site, views: ViewBuilder) -> list[TimelinePartLink]:
    """The periods of a split timeline, none of them current."""
    return [
        TimelinePartLink(
            _part_label(views.dates, part),
            views.urls.url(timeline_part_path(part.slug)),
            len(part.events),
            current=False,
        )
        for part in site.timeline_parts
    ]


def _current(
    parts: Sequence[TimelinePart], every: list[TimelinePartLink], current: str
) -> list[TimelinePartLink]:
    """The periods of a split timeline, the one of slug `current` marked."""
    return [
        replace(link, current=True) if part.slug == current else link
        for part, link in zip(parts, every, strict=True)
    ]


@dataclass(frozen=True)
class EmbedView:
    """How another site embeds the timeline: the code to paste, and where its oEmbed is."""

    code: str
    oembed_url: str | None


def _embed_view(site: Site, views: ViewBuilder, title: str) -> EmbedView:
    page_title = f"{title} · {site.config.title}"
    oembed = views.urls.absolute(OEMBED) if views.urls.is_absolute else None
    return EmbedView(embed_code(site, views.urls, page_title), oembed)


def _with(make: Callable[[], dict[str, Any]], **extra: Any) -> Callable[[], dict[str, Any]]:
    """A context maker with more values."""
    return lambda: {**make(), **extra}


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
        "embed": None,  # the timeline page's own: how to embed it (EmbedView)
    }
