"""The page plan: every page of the site, with its path, template, title, description and
context builder (made only when the page is rendered)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import markupsafe

from site_builder.datefmt import DateFormatter
from site_builder.feeds import FEED
from site_builder.markup import smart_text
from site_builder.model import (
    Event,
    Player,
    Site,
    Summary,
    TimelinePart,
)
from site_builder.timelineview import chart_view, clock_note, timeline_sections
from site_builder.urls import (
    BUILTIN_PATHS,
    HOME,
    NOT_FOUND,
    PLAYERS,
    SOURCES,
    TIMELINE,
    UPDATES,
    player_path,
    summary_path,
    timeline_part_path,
)
from site_builder.viewdata import EventView
from site_builder.views import ViewBuilder

# The home page lists the latest few updates and links to the updates page for the rest.
HOME_UPDATES = 3

# Past this many players the index lists them from A to Z, in short, instead of by group.
PLAYERS_BY_GROUP_LIMIT = 150

# Events the home page lists as still open: what may yet happen.
OPEN_STATUSES = ("ongoing", "proposed", "postponed")


@dataclass(frozen=True)
class PageSpec:
    """A page to render: where it goes, which template, what it says about itself.

    The context is made only when the page is rendered, so listing the pages is cheap and a
    page that is reused (or rendered by another process) costs nothing here.
    """

    path: str
    template: str
    title: str
    description: str
    make_context: Callable[[], dict[str, Any]] = field(default=dict)


def page_specs(site: Site, views: ViewBuilder) -> Iterator[PageSpec]:
    """Every page of the site, in a fixed order (so output is deterministic).

    A built-in page with nothing on it (no events, players or sources) is not made.
    """
    config = site.config
    text = views.messages.text
    present = site.pages_with_content()

    @functools.cache
    def all_events() -> list[EventView]:
        return [views.event(event) for event in site.events_in_order()]

    def page_url(name: str) -> str | None:
        return views.urls.url(BUILTIN_PATHS[name]) if name in present else None

    def home_context() -> dict[str, Any]:
        home = site.summary(config.home)
        events = all_events()
        return {
            "description_html": markupsafe.Markup(smart_text(config.description)),
            "overview_html": views.markdown.render(home.markdown),
            "overview_title": home.meta.title,
            "key_events": [event for event in events if event.key],
            "open_events": [event for event in events if event.status in OPEN_STATUSES],
            "event_count": len(events),
            "player_count": len(site.players),
            "source_count": len(site.sources),
            "explore": {name: page_url(name) for name in ("timeline", "players", "sources")},
            "updates": views.updates()[:HOME_UPDATES],
            "update_count": len(site.updates),
            "updates_url": page_url("updates"),
            "feed_url": views.urls.url(FEED),
        }

    yield PageSpec(HOME, "home.html", config.title, config.description, home_context)
    if "timeline" in present:
        yield from timeline_specs(site, views)
    players_title = text("players", "Key players")
    if "players" not in present:
        pass
    elif len(site.players) > PLAYERS_BY_GROUP_LIMIT:
        yield PageSpec(
            PLAYERS,
            "players.html",
            players_title,
            text("players_lede_az", "Who is who in the story, from A to Z."),
            lambda: {"groups": [], "letters": views.letter_groups()},
        )
    else:
        yield PageSpec(
            PLAYERS,
            "players.html",
            players_title,
            text("players_lede", "Who is who in the story."),
            lambda: {"groups": views.player_groups(), "letters": []},
        )
    for player in site.players:
        yield PageSpec(
            player_path(player.id),
            "player.html",
            player.name,
            player.summary or f"{player.name}: {player.role}.",
            functools.partial(_player_context, site, views, player),
        )
    if "sources" in present:
        yield PageSpec(
            SOURCES,
            "sources.html",
            text("sources", "Sources"),
            text("sources_description", "Every source and every quote taken from it."),
            lambda: {"sources": views.sources()},
        )
    if "updates" in present:
        yield PageSpec(
            UPDATES,
            "updates.html",
            text("updates", "Updates"),
            text(
                "updates_description",
                "Every update, correction and clarification of this explainer, newest first.",
            ),
            lambda: {"updates": views.updates(), "feed_url": views.urls.url(FEED)},
        )
    for summary in site.summaries:
        if summary.slug == config.home:
            continue
        yield PageSpec(
            summary_path(summary.slug),
            "summary.html",
            summary.meta.title,
            summary.meta.description,
            functools.partial(_summary_context, views, summary),
        )
    yield PageSpec(
        NOT_FOUND,
        "404.html",
        text("not_found", "Page not found"),
        text("not_found_description", "There is no page at this address."),
    )


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


class Deferred:
    """A view made when a template first touches it (then kept): an exception raised while
    making it passes through the template's frame, which locates it at the template's line."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._made = False
        self._value: Any = None

    def _get(self) -> Any:
        if not self._made:
            self._value, self._made = self._make(), True
        return self._value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._get(), name)

    def __bool__(self) -> bool:
        return bool(self._get())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __getitem__(self, key: Any) -> Any:
        return self._get()[key]


def _player_context(site: Site, views: ViewBuilder, player: Player) -> dict[str, Any]:
    return {
        "player": views.player(player),
        "quotes": views.quotes_by(player.id),
        "events": [views.event(event) for event in site.events_of(player.id)],
    }


def _summary_context(views: ViewBuilder, summary: Summary) -> dict[str, Any]:
    return {"body_html": views.markdown.render(summary.markdown)}
