"""What a change makes stale: the dependency map behind incremental rebuilds.

`diff_sites` compares two loads of the content record by record (by id, ignoring source
positions, which never reach the output); `stale_pages` turns that difference plus the changed
template files into a test saying which pages must be rendered again. Every rule errs towards
re-rendering: a page kind this map does not know (a feed, a sitemap, a new page) is always
re-rendered, and tests compare incremental output byte for byte with a full build.

No IO here except reading template sources through the Jinja loader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
import jinja2.meta

from site_builder.fieldtypes import FACT_KINDS, parse_fact_ref
from site_builder.model import Event, Player
from site_builder.site import Site
from site_builder.urls import HOME, PLAYERS, SOURCES, TIMELINE, UPDATES, player_path


@dataclass(frozen=True)
class Changes:
    """What differs between the last good build and now."""

    everything: bool = False
    players: frozenset[str] = frozenset()
    player_order: bool = False  # the players index and sources page list players in file order
    events: frozenset[str] = frozenset()
    sources: bool = False
    summaries: frozenset[str] = frozenset()  # slugs whose Markdown body changed
    templates: frozenset[str] = frozenset()  # template names whose file changed
    reasons: tuple[str, ...] = field(default=(), compare=False)

    def touches(self, records: frozenset[str]) -> bool:
        """True when a record of one of these classes (fields of Changes) changed."""
        return any(getattr(self, name) for name in records)

    @property
    def content(self) -> bool:
        """True when any record changed."""
        return bool(
            self.everything
            or self.players
            or self.player_order
            or self.events
            or self.sources
            or self.summaries
        )


# The classes of records a page kind may depend on (fields of Changes).
RECORDS = frozenset({"players", "player_order", "events", "sources", "summaries"})


@dataclass(frozen=True)
class Depends:
    """What the pages of a kind show, as the page plan (pages.py) declares it: a change to a
    record of these classes makes them stale (so does a change to the site config, the eras, the
    updates, the media files, a summary's front matter, or a template the kind's template uses).

    With `exact`, the rules below then name the pages of the kind an edit reaches, by site path
    (a player's bio is on their own page only); otherwise every page of the kind goes stale.
    """

    records: frozenset[str] = frozenset()
    exact: bool = False
    # With `exact`: the site path whose pages these follow, when they show what another page
    # shows (the embedded timeline is the timeline page's chart and list).
    follows: str | None = None

    def __post_init__(self) -> None:
        unknown = self.records - RECORDS
        if unknown:
            raise ValueError(
                f"unknown classes of records: {sorted(unknown)}; known: {sorted(RECORDS)}"
            )


def _dump(record: Any) -> Any:
    # model_dump leaves out `origin`: moving an item down a line changes no page.
    return record.model_dump(warnings=False)


def _changed_ids(old: Sequence[Player] | Sequence[Event], new: Sequence[Any]) -> set[str]:
    before = {item.id: item for item in old}
    after = {item.id: item for item in new}
    changed = set(before.keys() ^ after.keys())
    for key in before.keys() & after.keys():
        # serve keeps the records of unchanged files: the same object is the same record.
        if before[key] is not after[key] and _dump(before[key]) != _dump(after[key]):
            changed.add(key)
    return changed


def diff_sites(old: Site, new: Site) -> Changes:
    """Compare two loads of the content: which records differ, and whether everything is stale."""
    reasons: list[str] = []
    everything = False
    if _dump(old.config) != _dump(new.config):
        everything = True
        reasons.append("site config")  # title, nav, groups, labels, base_url: on every page
    if old.media_files != new.media_files:
        everything = True  # an image's size or web copy can change with no YAML edit
        reasons.append("media files")
    if [_dump(u) for u in old.updates] != [_dump(u) for u in new.updates]:
        everything = True
        reasons.append("updates")
    if [_dump(era) for era in old.eras] != [_dump(era) for era in new.eras]:
        everything = True  # eras are bands and sections of every timeline page
        reasons.append("eras")
    old_meta = [(s.slug, _dump(s.meta)) for s in old.summaries]
    new_meta = [(s.slug, _dump(s.meta)) for s in new.summaries]
    if old_meta != new_meta:
        everything = True  # summary titles are nav labels on every page; slugs are URLs
        reasons.append("summary front matter")
    old_bodies = {s.slug: s.markdown for s in old.summaries}
    summaries = {s.slug for s in new.summaries if old_bodies.get(s.slug) != s.markdown}
    sources = [_dump(s) for s in old.sources] != [_dump(s) for s in new.sources] or {
        # A source's text decides where its quotes' links open the source.
        key: text.text
        for key, text in old.source_texts.items()
    } != {key: text.text for key, text in new.source_texts.items()}
    players = _changed_ids(old.players, new.players)
    events = _changed_ids(old.events, new.events)
    player_order = [p.id for p in old.players] != [p.id for p in new.players]
    if [e.id for e in old.events] != [e.id for e in new.events]:
        # File order breaks ties between equal dates, so a reordering can move any event.
        events |= {e.id for e in (*old.events, *new.events)}
    if sources:
        reasons.append("sources")
    reasons += [f"player {i}" for i in sorted(players)]
    reasons += [f"event {i}" for i in sorted(events)]
    reasons += [f"summary {s}" for s in sorted(summaries)]
    return Changes(
        everything=everything,
        players=frozenset(players),
        player_order=player_order,
        events=frozenset(events),
        sources=sources,
        summaries=frozenset(summaries),
        reasons=tuple(reasons),
    )


def _mentioned(event: Event) -> set[str]:
    """Players an event names: its players, and who said its quotes."""
    return set(event.players) | {item.said_by for item in event.evidence if item.said_by}


# A player's fields and the pages besides their own that show them. The name is on every page
# that lists or quotes the player; these few are not.
_OWN_PAGE_ONLY = frozenset({"bio", "affiliation", "media", "kind"})
_ALSO_ON_INDEX = frozenset({"role", "summary", "group"})


def _pages_of_player_edit(old: Site, new: Site, player_id: str) -> set[str] | None:
    """The pages an edit of a player's bio, role or evidence makes stale; None when the edit
    (a new, removed or renamed player) reaches every page that names the player."""
    before, after = old.players_by_id.get(player_id), new.players_by_id.get(player_id)
    if before is None or after is None:
        return None
    old_fields, new_fields = _dump(before), _dump(after)
    differing = {name for name in new_fields if old_fields.get(name) != new_fields[name]}
    if not differing <= _OWN_PAGE_ONLY | _ALSO_ON_INDEX | {"evidence"}:
        return None
    if "kind" in differing and new.is_place(before) != new.is_place(after):
        return None  # a place is its events' location in the timeline's structured data
    pages = {player_path(player_id)}
    if differing & _ALSO_ON_INDEX:
        pages.add(PLAYERS)
    if "evidence" in differing:
        # Its citations are listed on the sources page, its quotes on the speakers' pages.
        pages.add(SOURCES)
        for player in (before, after):
            pages |= {player_path(item.said_by) for item in player.evidence if item.said_by}
    return pages


def _content_pages(old: Site, new: Site, changes: Changes) -> set[str] | None:
    """Site paths made stale by record changes; None means every page."""
    if changes.everything:
        return None
    stale: set[str] = set()
    if changes.sources:
        # Source titles appear in every citation: all pages but summaries and the 404 page.
        stale |= {HOME, TIMELINE, PLAYERS, SOURCES}
        stale |= {player_path(p.id) for p in new.players}
    sites = (old, new)
    if changes.player_order:
        stale |= {HOME, PLAYERS, SOURCES}
    broad = set(changes.players)  # players whose edit reaches every page naming them
    for player_id in changes.players:
        pages = _pages_of_player_edit(old, new, player_id)
        if pages is not None:
            stale |= pages
            broad.discard(player_id)
    if broad:
        # Names show on the players index, in every event's player list and citation.
        stale |= {HOME, TIMELINE, PLAYERS, SOURCES}
        for site in sites:
            for player in site.players:
                said = {item.said_by for item in player.evidence if item.said_by}
                if player.id in changes.players or said & broad:
                    stale.add(player_path(player.id))
            for event in site.events:
                if _mentioned(event) & broad:
                    stale |= {player_path(p) for p in _mentioned(event)}
    if changes.events:
        # An event shows on the timeline, the home page (counts, key and open events), the
        # sources page (its citations) and the pages of the players it names.
        stale |= {HOME, TIMELINE, SOURCES}
        for site in sites:
            for event in site.events:
                if event.id in changes.events:
                    stale |= {player_path(p) for p in _mentioned(event)}
    for slug in changes.summaries:
        stale.add(HOME if slug == new.config.home else f"{slug}/")
    if changes.sources or _names_any(old, new, changes):
        stale.add(UPDATES)  # it names facts (title, standing) and marks sources
    return stale


def _names_any(old: Site, new: Site, changes: Changes) -> bool:
    """True when an update names a changed event or player (a player page's or an event's
    title or standing shows on the updates page)."""
    changed = {("event", i) for i in changes.events} | {("player", i) for i in changes.players}
    for site in (old, new):
        for update in site.updates:
            for ref in update.facts:
                kind, fact_id = parse_fact_ref(ref)
                if any((k, fact_id) in changed for k in ((kind,) if kind else FACT_KINDS)):
                    return True
    return False


def template_closure(environment: jinja2.Environment, name: str) -> frozenset[str] | None:
    """Every template a template uses, itself included (extends, include, import, from).

    None when a name is computed at run time, or the template does not parse: then a change to
    any template may change the page.
    """
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source, _, _ = environment.loader.get_source(environment, current)  # type: ignore[union-attr]
            referenced = jinja2.meta.find_referenced_templates(environment.parse(source))
        except jinja2.TemplateError:
            return None
        for child in referenced:
            if child is None:
                return None
            todo.append(child)
    return frozenset(seen)


def stale_pages(
    old: Site,
    new: Site,
    changes: Changes,
    closures: Mapping[str, frozenset[str] | None],
    depends: Mapping[str, Depends],
) -> Callable[[str, str], bool]:
    """A test `stale(site_path, template)`: must this page be rendered again?

    `closures` maps each page template to the templates it uses (see `template_closure`);
    `depends`, what the pages of each template show (the page plan's kinds, by template): a page
    of a template it does not name is always rendered again.
    """
    content = _content_pages(old, new, changes)
    if [part.slug for part in old.timeline_parts] != [part.slug for part in new.timeline_parts]:
        content = None  # the timeline was split (or joined): events' URLs changed

    def stale(path: str, template: str) -> bool:
        kind = depends.get(template)
        if kind is None or content is None:
            return True
        if changes.templates:
            closure = closures.get(template)
            if closure is None or closure & changes.templates:
                return True
        if not changes.touches(kind.records):
            return False
        if not kind.exact:
            return True
        if kind.follows is not None:
            path = kind.follows
        # The parts of a split timeline go stale with the timeline.
        return path in content or (path.startswith(TIMELINE) and TIMELINE in content)

    return stale


def describe(changes: Changes, limit: int = 4) -> str:
    """A short list of what changed, for the rebuild log."""
    reasons = list(changes.reasons) + [f"template {t}" for t in sorted(changes.templates)]
    if not reasons:
        return "no page content"
    shown = ", ".join(reasons[:limit])
    return shown + (f" and {len(reasons) - limit} more" if len(reasons) > limit else "")
