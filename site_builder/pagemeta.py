"""What each page says about itself to link previews and search engines: its Open Graph type,
its shareable URL and its structured data (schema.org JSON-LD: the site, articles, players and
their quotes, events, collections, corrections); and the standing of a fact and the facts an
update names, which the Atom feed shows too.

Everything here is derived from the model and the site's URLs, with no clock and no randomness,
so two builds of the same content are byte-identical. Dates keep their precision: a month-only
event has `startDate: "2025-06"`, never an invented day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from site_builder.config import SITE_KINDS
from site_builder.dates import FuzzyDate
from site_builder.i18n import Messages, parse_language, verification_words
from site_builder.model import CORRECTING_KINDS, Event, Evidence, Player, Source, Update
from site_builder.quotes import quote_link
from site_builder.site import Site
from site_builder.urls import (
    HOME,
    NOT_FOUND,
    PLAYERS,
    SOURCES,
    TIMELINE,
    UPDATES,
    UrlBuilder,
    event_path,
    player_path,
    summary_path,
    update_path,
)

_SCHEMA = "https://schema.org"
# schema.org's eventStatus, where it differs from the default (EventScheduled: taking place or
# taken place as scheduled), which is left out to keep long timelines light.
_EVENT_STATUSES = {
    "postponed": "https://schema.org/EventPostponed",
    "cancelled": "https://schema.org/EventCancelled",
}


@dataclass(frozen=True)
class PageMeta:
    """What a page says about itself to link previews and search engines."""

    og_type: str  # "article" for the explainer's own text, else "website"
    share_url: str | None  # absolute URL, only when the base URL is absolute
    structured_data: dict[str, Any] | None  # JSON-LD, serialised by the template's tojson


def page_meta(
    site: Site, path: str, title: str, description: str, urls: UrlBuilder, messages: Messages
) -> PageMeta:
    """Open Graph type, shareable URL and JSON-LD for the page at a site path.

    Every page that shows facts says when the explainer was last modified and carries the
    corrections of the facts it shows (schema.org CorrectionComment).
    """
    share_url = urls.absolute(path) if urls.is_absolute and path != NOT_FOUND else None
    summaries = {summary_path(s.slug): s for s in site.summaries if s.slug != site.config.home}
    player_id = path.removeprefix("players/").removesuffix("/")
    player = site.players_by_id.get(player_id) if path == player_path(player_id) else None
    data: dict[str, Any] | None
    og_type = "website"
    every_correction = _corrections(site, urls, None)
    if path == HOME:
        og_type = "article"
        article = _article(site, urls, path, title, description, every_correction)
        data = _graph(_website(site, urls), article)
    elif path in summaries:
        og_type = "article"
        data = _graph(_article(site, urls, path, title, description, []))
    elif player is not None:
        data = _graph(*_player_page(site, player, urls, messages, title, description))
    elif path.startswith(TIMELINE) and path in site.timeline_pages:
        # A split timeline's index lists no events itself: each year's page describes its own.
        shown = site.timeline_pages[path]
        events = [_event(site, event, urls, messages) for event in shown]
        corrections = _corrections(site, urls, {("event", event.id) for event in shown})
        data = _graph(_collection(site, urls, path, title, description, events, corrections))
    elif path == PLAYERS:
        facts = {("player", p.id) for p in site.players}
        corrections = _corrections(site, urls, facts)
        data = _graph(_collection(site, urls, path, title, description, [], corrections))
    elif path in (SOURCES, UPDATES):
        data = _graph(_collection(site, urls, path, title, description, [], every_correction))
    else:
        data = None
    return PageMeta(og_type, share_url, data)


def json_date(date: FuzzyDate) -> tuple[str, str | None]:
    """ISO 8601 start and end (for a range) at the date's own precision (an expanded year such
    as -0299 before the common era)."""
    return date.start.iso(), date.end.iso() if date.end is not None else None


def _graph(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"@context": _SCHEMA, "@graph": list(nodes)}


def _publisher(site: Site) -> dict[str, Any]:
    publisher = site.config.publisher
    node: dict[str, Any] = {"@type": "Organization", "name": publisher.name}
    if publisher.url:
        node["url"] = publisher.url
    return node


def _website(site: Site, urls: UrlBuilder) -> dict[str, Any]:
    return {
        "@type": "WebSite",
        "@id": urls.absolute(HOME) + "#website",
        "name": site.config.title,
        "description": site.config.description,
        "url": urls.absolute(HOME),
        "inLanguage": parse_language(site.config.language).tag,
        "publisher": _publisher(site),
    }


def _article(
    site: Site,
    urls: UrlBuilder,
    path: str,
    title: str,
    description: str,
    corrections: list[dict[str, Any]],
) -> dict[str, Any]:
    published, modified = _publication_dates(site)
    node: dict[str, Any] = {
        "@type": SITE_KINDS[site.config.kind],
        "headline": title[:110],  # schema.org and search engines cap headlines at 110 characters
        "description": description,
        "url": urls.absolute(path),
        "mainEntityOfPage": urls.absolute(path),
        "inLanguage": parse_language(site.config.language).tag,
        "datePublished": published,
        "dateModified": modified,
        "author": _publisher(site),
        "publisher": _publisher(site),
        "isPartOf": {"@id": urls.absolute(HOME) + "#website"},
    }
    if corrections:
        node["correction"] = corrections
    if site.config.kind == "live" and site.config.no_longer_updated is not None:
        node["coverageEndTime"] = site.config.no_longer_updated.start.iso()
    return node


def _corrections(
    site: Site, urls: UrlBuilder, facts: set[tuple[str, str]] | None
) -> list[dict[str, Any]]:
    """CorrectionComments of the corrections and clarifications naming any of `facts` (all of
    them for None), oldest first."""
    nodes = []
    for entry in site.update_entries:
        update = entry.update
        if update.kind not in CORRECTING_KINDS:
            continue
        named = {(kind, record.id) for kind, record in facts_of(site, update)}
        if facts is not None and not named & facts:
            continue
        nodes.append(
            {
                "@type": "CorrectionComment",
                "text": update.summary,
                "datePublished": update.date.start.iso(),
                "url": urls.absolute(update_path(entry.anchor)),
            }
        )
    return nodes


def facts_of(site: Site, update: Update) -> list[tuple[str, Event | Player]]:
    """The facts an update names, with their kinds ("event", "player")."""
    return [found for ref in update.facts if (found := site.fact(ref)) is not None]


def fact_standing(messages: Messages, record: Event | Player) -> str | None:
    """ "Unconfirmed: ..." for a fact that is not simply verified, with the editors' note."""
    words = verification_words(messages, record.verification)
    if words is None:
        return None
    text = f"{words.label}: {words.explanation}"
    return f"{text} {record.verification_note}" if record.verification_note else text


def _publication_dates(site: Site) -> tuple[str, str]:
    """First and latest update (the explainer is a living document), else the as-of date."""
    entries = site.update_entries
    as_of = site.config.as_of.start.iso()
    if not entries:
        return as_of, as_of
    return entries[0].update.date.start.iso(), entries[-1].update.date.start.iso()


def _player_page(
    site: Site,
    player: Player,
    urls: UrlBuilder,
    messages: Messages,
    title: str,
    description: str,
) -> list[dict[str, Any]]:
    """A player's page: the ProfilePage (modified, corrected), the player, and each quote the
    player said as a Quotation."""
    url = urls.absolute(player_path(player.id))
    facts = {("player", player.id)} | {("event", e.id) for e in site.events_of(player.id)}
    _, modified = _publication_dates(site)
    page: dict[str, Any] = {
        "@type": "ProfilePage",
        "name": title,
        "description": description,
        "url": url,
        "inLanguage": parse_language(site.config.language).tag,
        "dateModified": modified,
        "mainEntity": {"@id": url + "#player"},
        "isPartOf": {"@id": urls.absolute(HOME) + "#website"},
    }
    corrections = _corrections(site, urls, facts)
    if corrections:
        page["correction"] = corrections
    quotes = [
        _quotation(site, player, event, item, urls)
        for event, item in _unique(site.quotes_of(player.id))
    ]
    return [page, _player(site, player, urls, messages), *quotes]


def _unique(quotes: list[tuple[Event, Evidence]]) -> list[tuple[Event, Evidence]]:
    seen: set[str] = set()
    found = []
    for event, item in quotes:
        if item.quote not in seen:
            seen.add(item.quote or "")
            found.append((event, item))
    return found


# schema.org types of organisations: their words are their creation (a person's are spoken).
_ORGANIZATION_TYPES = frozenset(
    {
        "Organization", "GovernmentOrganization", "Corporation", "NGO", "NewsMediaOrganization",
        "PoliticalParty", "EducationalOrganization", "MedicalOrganization", "SportsTeam",
        "SportsOrganization", "LocalBusiness", "Consortium", "ResearchOrganization",
        "FundingScheme", "Project", "LibrarySystem", "WorkersUnion", "Airline",
    }
)  # fmt: skip


def _quotation(
    site: Site, speaker: Player, event: Event, item: Evidence, urls: UrlBuilder
) -> dict[str, Any]:
    """Words a player said, as a schema.org Quotation based on the source that reports them."""
    source = site.sources_by_id[item.source]
    who = {"@id": urls.absolute(player_path(speaker.id)) + "#player", "name": speaker.name}
    node: dict[str, Any] = {"@type": "Quotation", "text": item.quote}
    schema_type = site.kind_types.get(speaker.kind, "Thing")
    if schema_type == "Person":
        node["spokenByCharacter"] = who
        node["creator"] = who
    elif schema_type in _ORGANIZATION_TYPES:
        node["creator"] = who
    else:
        node["about"] = who  # a ship or a place does not speak; the quote is about it
    node["isBasedOn"] = _creative_work(source)
    if source.url and item.quote and source.url.lower().startswith("http"):
        node["url"] = quote_link(source.url, site.text_index(source.id), item.quote)
    node["about" if "about" not in node else "mentions"] = {
        "@type": "Event",
        "name": event.title,
        "url": urls.absolute(event_path(event.id, site.timeline_page_of(event.id))),
    }
    return node


def _creative_work(source: Source) -> dict[str, Any]:
    """A source as the CreativeWork a quote is based on."""
    node: dict[str, Any] = {"@type": "CreativeWork", "name": source.title}
    if source.url:
        node["url"] = source.url
    if source.publisher:
        node["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published:
        node["datePublished"] = source.published.start.iso()
    if source.archived_url:
        node["archivedAt"] = source.archived_url
    return node


def _player(site: Site, player: Player, urls: UrlBuilder, messages: Messages) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": site.kind_types.get(player.kind, "Thing"),
        "@id": urls.absolute(player_path(player.id)) + "#player",
        "name": player.name,
        "url": urls.absolute(player_path(player.id)),
        "description": player.summary or player.role,
    }
    standing = fact_standing(messages, player)
    if standing:
        node["description"] = f"{standing} {node['description']}"
    if player.kind == "person":
        node["jobTitle"] = player.role
        if player.affiliation:
            node["affiliation"] = {"@type": "Organization", "name": player.affiliation}
    return node


def _event(site: Site, event: Event, urls: UrlBuilder, messages: Messages) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "Event",
        "name": event.title,
        "url": urls.absolute(event_path(event.id, site.timeline_page_of(event.id))),
    }
    if event.dated is not None:  # an unknown date is left out, never invented
        start, end = json_date(event.dated)
        node["startDate"] = start
        if end is not None:
            node["endDate"] = end
    described = []
    if event.status == "proposed":
        described.append(messages.text("status_proposed_sentence", "Proposed, not yet happened."))
    elif event.status in _EVENT_STATUSES and event.verification != "retracted":
        # A retracted event is not claimed to have been.
        node["eventStatus"] = _EVENT_STATUSES[event.status]
    standing = fact_standing(messages, event)
    if standing:
        described.append(standing)
    if described:
        node["description"] = " ".join(described)
    players = site.players_by_id
    # Only a place is a location: a ship or a court taking part in an event is not where it was.
    places = [players[p] for p in event.players if site.is_place(players[p])]
    if places:
        node["location"] = {"@type": site.kind_types[places[0].kind], "name": places[0].name}
    return node


def _collection(
    site: Site,
    urls: UrlBuilder,
    path: str,
    title: str,
    description: str,
    items: list[dict[str, Any]],
    corrections: list[dict[str, Any]],
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "CollectionPage",
        "name": title,
        "description": description,
        "url": urls.absolute(path),
        "inLanguage": parse_language(site.config.language).tag,
        "dateModified": _publication_dates(site)[1],
        "isPartOf": {"@id": urls.absolute(HOME) + "#website"},
    }
    if corrections:
        node["correction"] = corrections
    if items:
        node["mainEntity"] = {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": index, "item": item}
                for index, item in enumerate(items, start=1)
            ],
        }
    return node
