"""The built-in page kinds, each declared once: home, timeline, players, player, sources,
updates, summary and the 404 page (see pages.py for what a kind declares)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import markupsafe

from site_builder.deps import Depends
from site_builder.feeds import FEED
from site_builder.markup import smart_text
from site_builder.model import Player, Summary
from site_builder.pages import Label, PageKind, PagePlan, PageSpec, PlanInput, SlugClaim
from site_builder.site import Site
from site_builder.timelinepages import embed_specs, timeline_specs
from site_builder.urls import (
    EMBED_TIMELINE,
    HOME,
    NOT_FOUND,
    PLAYERS,
    SOURCES,
    TIMELINE,
    UPDATES,
    player_path,
    summary_path,
)
from site_builder.views import ViewBuilder

# The home page lists the latest few updates and links to the updates page for the rest.
HOME_UPDATES = 3

# Past this many players the index lists them from A to Z, in short, instead of by group.
PLAYERS_BY_GROUP_LIMIT = 150

# Events the home page lists as still open: what may yet happen.
OPEN_STATUSES = ("ongoing", "proposed", "postponed")


def home_pages(given: PlanInput) -> Iterator[PageSpec]:
    """The home page: the home summary, key and open events, counts, the latest updates."""
    site, views = given.site, given.views
    config = site.config

    def home_context() -> dict[str, Any]:
        home = site.summary(config.home)
        events = [views.event(event) for event in site.events_in_order()]
        return {
            "description_html": markupsafe.Markup(smart_text(config.description)),
            "overview_html": views.markdown.render(home.markdown),
            "overview_title": home.meta.title,
            "key_events": [event for event in events if event.key],
            "open_events": [event for event in events if event.status in OPEN_STATUSES],
            "event_count": len(events),
            "player_count": len(site.players),
            "source_count": len(site.sources),
            "explore": {name: given.page_url(name) for name in ("timeline", "players", "sources")},
            "updates": views.updates()[:HOME_UPDATES],
            "update_count": len(site.updates),
            "updates_url": given.page_url("updates"),
            "feed_url": views.urls.url(FEED),
        }

    yield PageSpec(HOME, "home.html", config.title, config.description, home_context)


def timeline_pages(given: PlanInput) -> Iterator[PageSpec]:
    """The timeline (one page, or an index and a page per period)."""
    return timeline_specs(given.site, given.views)


def embed_pages(given: PlanInput) -> Iterator[PageSpec]:
    """The timeline to embed in another site's page (an iframe): no header or menu."""
    return embed_specs(given.site, given.views)


def players_pages(given: PlanInput) -> Iterator[PageSpec]:
    """The players index: by group, or from A to Z for a large cast."""
    site, views = given.site, given.views
    text = views.messages.text
    players_title = text("players", "Key players")
    if len(site.players) > PLAYERS_BY_GROUP_LIMIT:
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


def player_pages(given: PlanInput) -> Iterator[PageSpec]:
    """A page per player: who they are, their quotes and their events."""
    site, views = given.site, given.views
    for player in site.players:
        yield PageSpec(
            player_path(player.id),
            "player.html",
            player.name,
            player.summary or f"{player.name}: {player.role}.",
            functools.partial(_player_context, site, views, player),
        )


def sources_pages(given: PlanInput) -> Iterator[PageSpec]:
    """The sources page: every source and every quote taken from it."""
    views = given.views
    text = views.messages.text
    yield PageSpec(
        SOURCES,
        "sources.html",
        text("sources", "Sources"),
        text("sources_description", "Every source and every quote taken from it."),
        lambda: {"sources": views.sources()},
    )


def updates_pages(given: PlanInput) -> Iterator[PageSpec]:
    """The updates page: the explainer's change log, newest first."""
    views = given.views
    text = views.messages.text
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


def summary_pages(given: PlanInput) -> Iterator[PageSpec]:
    """A page per summary but the home page's."""
    site, views = given.site, given.views
    for summary in site.summaries:
        if summary.slug == site.config.home:
            continue
        yield PageSpec(
            summary_path(summary.slug),
            "summary.html",
            summary.meta.title,
            summary.meta.description,
            functools.partial(_summary_context, views, summary),
        )


def not_found_pages(given: PlanInput) -> Iterator[PageSpec]:
    """The page a server shows for an address the site does not have."""
    text = given.views.messages.text
    yield PageSpec(
        NOT_FOUND,
        "404.html",
        text("not_found", "Page not found"),
        text("not_found_description", "There is no page at this address."),
    )


def _player_context(site: Site, views: ViewBuilder, player: Player) -> dict[str, Any]:
    return {
        "player": views.player(player),
        "quotes": views.quotes_by(player.id),
        "events": [views.event(event) for event in site.events_of(player.id)],
    }


def _summary_context(views: ViewBuilder, summary: Summary) -> dict[str, Any]:
    return {"body_html": views.markdown.render(summary.markdown)}


def _records(*names: str) -> frozenset[str]:
    return frozenset(names)


BUILTIN_PLAN = PagePlan(
    (
        PageKind(
            "home",
            "home.html",
            home_pages,
            path=HOME,
            label=Label("home", "Overview"),
            depends=Depends(
                _records("events", "players", "player_order", "sources", "summaries"), exact=True
            ),
        ),
        PageKind(
            "timeline",
            "timeline.html",
            timeline_pages,
            path=TIMELINE,
            label=Label("timeline", "Timeline"),
            exists=lambda site: bool(site.events),
            depends=Depends(_records("events", "players", "sources"), exact=True),
        ),
        PageKind(
            "embed",
            "embed.html",
            embed_pages,
            path=EMBED_TIMELINE,
            exists=lambda site: bool(site.events),
            # The timeline page's chart and list: stale when that page is.
            depends=Depends(_records("events", "players", "sources"), exact=True, follows=TIMELINE),
        ),
        PageKind(
            "players",
            "players.html",
            players_pages,
            path=PLAYERS,
            label=Label("players", "Key players"),
            exists=lambda site: bool(site.players),
            depends=Depends(_records("players", "player_order", "sources"), exact=True),
        ),
        PageKind(
            "player",
            "player.html",
            player_pages,
            depends=Depends(_records("players", "events", "sources"), exact=True),
        ),
        PageKind(
            "sources",
            "sources.html",
            sources_pages,
            path=SOURCES,
            label=Label("sources", "Sources"),
            exists=lambda site: bool(site.sources),
            depends=Depends(_records("sources", "players", "player_order", "events"), exact=True),
        ),
        PageKind(
            "updates",
            "updates.html",
            updates_pages,
            path=UPDATES,
            label=Label("updates", "Updates"),
            exists=lambda site: bool(site.updates),
            # It names facts (title, standing) and marks sources.
            depends=Depends(_records("events", "players", "sources"), exact=True),
            # Taken only on a site that has updates: a summary called "updates", written before
            # there was such a page, keeps its address on a site without any.
            claim=SlugClaim(
                always=False,
                message="slug '{slug}' is the address of the updates page, which lists the "
                "entries of facts/updates.yaml",
                hint="choose another slug for this page",
            ),
        ),
        PageKind(
            "summary",
            "summary.html",
            summary_pages,
            depends=Depends(_records("summaries"), exact=True),
        ),
        # The 404 page shows only the site config and the menu.
        PageKind("404", "404.html", not_found_pages, path=NOT_FOUND, depends=Depends()),
    )
)
