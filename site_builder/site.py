"""`Site`: everything the explainer holds, loaded and validated, with its derived views:
lookups by id, events in timeline order, the timeline's pages, back-links, updates, corrections.

No IO here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from site_builder.config import PLACE_TYPES, SiteConfig
from site_builder.dates import SECONDS_PER_DAY
from site_builder.fieldtypes import parse_fact_ref, suggest_slug
from site_builder.insets import axis_bounds, find_burst
from site_builder.model import (
    ANY_ID,
    CORRECTING_KINDS,
    Draft,
    Era,
    Event,
    Evidence,
    MediaFile,
    Player,
    Source,
    SourceText,
    Summary,
    Update,
)
from site_builder.periods import GROUPING_STEPS, Period, Step, grouping_step
from site_builder.quotes import SourceIndex
from site_builder.textfragments import EXACT_MATCH_LIMIT, encode_term
from site_builder.timelineparts import (
    CITATION_BYTES,
    CORRECTION_BYTES,
    ERA_BYTES,
    EVENT_BYTES,
    INSET_BYTES,
    INSET_ERA_BYTES,
    MEDIA_BYTES,
    PAGE_BUDGET,
    PAGE_BYTES,
    PLAYER_BYTES,
    STANDING_BYTES,
    TIMELINE_PAGE_EVENTS,
    TimelinePart,
    by_period,
    order_events,
    text_bytes,
    timeline_part,
)
from site_builder.urls import TIMELINE, timeline_part_path


@dataclass(frozen=True)
class UpdateEntry:
    """An update with its place among the updates of the same day (1, 2, ...), which gives it a
    name that adding an update on another day never changes."""

    update: Update
    number: int

    @property
    def key(self) -> str:
        """The entry's lasting name, as the feed's entry ids have always used it."""
        return f"update-{self.update.date}-{self.number}"

    @property
    def anchor(self) -> str:
        """Its id on the updates page (a date such as "early 2025-06" made URL-safe)."""
        return f"update-{suggest_slug(str(self.update.date), 'undated')}-{self.number}"


@dataclass(frozen=True)
class Site:
    """Everything the explainer holds, loaded and validated, with lookups by id."""

    config: SiteConfig
    sources: tuple[Source, ...]
    players: tuple[Player, ...]
    events: tuple[Event, ...]
    summaries: tuple[Summary, ...]
    updates: tuple[Update, ...] = ()
    eras: tuple[Era, ...] = ()
    # Files of content/media/ that items show or link to, by the name written in content.
    media_files: Mapping[str, MediaFile] = field(default_factory=dict)
    # Ids of items that failed to load (already reported), by kind, so that references to
    # them are not reported a second time as "unknown".
    unusable_ids: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Texts of sources, by source id: quotes citing a source with a text are checked against it.
    source_texts: Mapping[str, SourceText] = field(default_factory=dict)
    # Entries marked `draft: true`: not on the site, listed by `check`.
    drafts: tuple[Draft, ...] = ()
    # Events, players and sources whose fields failed their checks (already reported), with the
    # fields that passed: their references, quotes, texts and placeholders are checked in the
    # same run, so one malformed field does not hide the record's other problems.
    partial: tuple[Event | Player | Source, ...] = ()

    def is_place(self, player: Player) -> bool:
        """True when a player's kind is a place (it can be an event's location)."""
        return self.kind_types.get(player.kind) in PLACE_TYPES

    @cached_property
    def kind_types(self) -> Mapping[str, str]:
        """Every kind of player the site knows, with its schema.org type (built once)."""
        return self.config.kind_schema_types()

    def accepts_any(self, kind: str) -> bool:
        """True when the fact file of this kind could not be read, so no reference is checked."""
        return ANY_ID in self.unusable_ids.get(kind, ())

    def known_ids(self, kind: str) -> set[str]:
        """Ids a reference of this kind ("event", "player", "source") may name."""
        ids = {
            "event": {event.id for event in self.events},
            "player": {player.id for player in self.players},
            "source": {source.id for source in self.sources},
        }[kind]
        return ids | (set(self.unusable_ids.get(kind, ())) - {ANY_ID})

    @cached_property
    def sources_by_id(self) -> Mapping[str, Source]:
        """Sources by id, built once."""
        return {source.id: source for source in self.sources}

    @cached_property
    def players_by_id(self) -> Mapping[str, Player]:
        """Players by id, built once (a page per player must not scan every player)."""
        return {player.id: player for player in self.players}

    def summary(self, slug: str) -> Summary:
        """The summary with this slug."""
        return next(s for s in self.summaries if s.slug == slug)

    def events_in_order(self) -> list[Event]:
        """Events in timeline order (see `_events_sorted`)."""
        return list(self._events_sorted)

    @cached_property
    def _events_sorted(self) -> tuple[Event, ...]:
        # Sorted once: rendering asks for this order once per player page.
        return order_events(self.events)

    @cached_property
    def events_by_id(self) -> Mapping[str, Event]:
        """Events by id, built once."""
        return {event.id: event for event in self.events}

    def era_of(self, event: Event) -> Era | None:
        """The era an event's start falls in (of two that meet, the later one)."""
        date = event.dated
        if date is None:
            return None
        moment = date.start_moment()
        return next((era for era in reversed(self.eras) if era.contains(moment)), None)

    @cached_property
    def timeline_parts(self) -> tuple[TimelinePart, ...]:
        """The timeline's pages: one while it fits a page, else a page per period.

        A page holds at most TIMELINE_PAGE_EVENTS events and its estimated weight stays under
        PAGE_BUDGET; a timeline that does not fit is split by the unit its list is grouped by
        (years for a decade-long story, decades for a century), and a period that still does
        not fit by the next finer one. Periods keep URLs stable as the story grows.
        """
        events = self._events_sorted
        if self._fits(events):
            return (TimelinePart("", None, None, events),)
        dates = [event.dated for event in events if event.dated is not None]
        if not dates:
            return (TimelinePart("", None, None, events),)
        span = max(d.start_moment() for d in dates) - min(d.start_moment() for d in dates)
        has_time = any(date.has_time for date in dates)
        parts = self._split(events, grouping_step(span, has_time), has_time)
        if len(parts) == 1:  # one period too heavy for a page, and no finer one to split it
            return (TimelinePart("", None, None, events),)
        return tuple(parts)

    def _fits(self, events: Sequence[Event]) -> bool:
        if len(events) > TIMELINE_PAGE_EVENTS:
            return False
        weight = self._page_weight + sum(self._event_weight(event) for event in events)
        inset = INSET_BYTES + INSET_ERA_BYTES * len(self.eras)
        if weight + inset <= PAGE_BUDGET or weight > PAGE_BUDGET:
            return weight <= PAGE_BUDGET  # an inset cannot change the answer
        return weight + (inset if self._has_inset(events) else 0) <= PAGE_BUDGET

    def _has_inset(self, events: Sequence[Event]) -> bool:
        """True when the chart of a page of these events draws a burst in an inset."""
        dates = [event.dated for event in events if event.dated is not None]
        if not dates:
            return False
        eras = [(era.start.start_moment(), era.end.end_moment()) for era in self.eras]
        start, end, _ = axis_bounds(dates, eras)
        return find_burst(dates, start, end) is not None

    @cached_property
    def _page_weight(self) -> int:
        """Estimated bytes of a timeline page without its events: the page itself, and the
        eras (a band of the chart, a section of the list), counted on every page."""
        eras = sum(
            ERA_BYTES + 2 * text_bytes(era.title) + text_bytes(era.body) * 11 // 10
            for era in self.eras
        )
        return PAGE_BYTES + eras

    def _event_weight(self, event: Event) -> int:
        """Estimated bytes an event adds to a timeline page of the default theme."""
        return self._event_weights[event.id]

    @cached_property
    def _event_weights(self) -> dict[str, int]:
        # Once per event: packing periods into pages asks again and again.
        return {event.id: self._weigh(event) for event in self.events}

    def _weigh(self, event: Event) -> int:
        players = self.players_by_id
        sources = self.sources_by_id
        words = (
            3 * text_bytes(event.title) + text_bytes(event.when) + text_bytes(event.body) * 11 // 10
        )
        for item in event.evidence:
            source = sources.get(item.source)
            words += CITATION_BYTES + text_bytes(item.quote) + text_bytes(item.note)
            if source is not None and source.url and item.quote:
                # The quote opens its source at its words: the address and a percent-encoded
                # text fragment (a long quote's is shorter: its first and last words).
                words += 25 + len(source.url) + len(encode_term(item.quote[:EXACT_MATCH_LIMIT]))
        if event.verification != "verified":
            words += STANDING_BYTES + 2 * text_bytes(event.verification_note)
        for entry in self.corrections_of("event", event.id):
            words += CORRECTION_BYTES + 2 * text_bytes(entry.update.summary)
        for player_id in event.players:
            player = players.get(player_id)
            words += PLAYER_BYTES + len(player_id) + (text_bytes(player.name) if player else 0)
        for media in event.media:
            fields = (media.image, media.link, media.alt, media.title, media.caption, media.credit)
            words += MEDIA_BYTES + sum(text_bytes(value) for value in fields)
        return EVENT_BYTES + words

    def _split(self, events: Sequence[Event], step: Step, has_time: bool) -> list[TimelinePart]:
        """Pages of whole periods of `step`: neighbouring periods share a page, in runs of even
        weight, while it fits; a period that does not fit alone is split by the next finer
        step."""
        finer = [s for s in GROUPING_STEPS if s.seconds() < step.seconds()]
        if not has_time:
            finer = [s for s in finer if s.seconds() >= SECONDS_PER_DAY]
        found: list[TimelinePart] = []
        fitting: list[tuple[Period, list[Event]]] = []
        for period, members in by_period(events, step):
            if self._fits(members) or not finer:
                fitting.append((period, members))
                continue
            found += self._pack(fitting)
            fitting = []
            found += self._split(members, finer[-1], has_time)
        return found + self._pack(fitting)

    def _pack(self, periods: list[tuple[Period, list[Event]]]) -> list[TimelinePart]:
        """Neighbouring periods in as few pages as fit, of about even weight."""
        if not periods:
            return []
        weights = [sum(self._event_weight(e) for e in members) for _, members in periods]
        total = sum(weights)
        for pages in range(1, len(periods) + 1):
            target = total / pages
            runs: list[list[int]] = [[]]
            run_weight = 0
            for index, weight in enumerate(weights):
                if runs[-1] and run_weight + weight / 2 > target and len(runs) < pages:
                    runs.append([])
                    run_weight = 0
                runs[-1].append(index)
                run_weight += weight
            members = [[e for i in run for e in periods[i][1]] for run in runs]
            if all(self._fits(items) for items in members) or pages == len(periods):
                return [
                    timeline_part(periods[run[0]][0], periods[run[-1]][0], tuple(items))
                    for run, items in zip(runs, members, strict=True)
                ]
        return []  # not reached: one period per page always ends the loop

    def timeline_page_of(self, event_id: str) -> str:
        """Site path of the timeline page that shows an event."""
        return self._timeline_pages.get(event_id, TIMELINE)

    @cached_property
    def timeline_pages(self) -> Mapping[str, tuple[Event, ...]]:
        """The events each timeline page shows, by the page's site path."""
        return {timeline_part_path(part.slug): part.events for part in self.timeline_parts}

    @cached_property
    def _timeline_pages(self) -> dict[str, str]:
        return {event.id: path for path, events in self.timeline_pages.items() for event in events}

    def events_of(self, player_id: str) -> list[Event]:
        """Events a player appears in, in date order (back-links computed from the events)."""
        return list(self._events_by_player.get(player_id, ()))

    @cached_property
    def _events_by_player(self) -> dict[str, list[Event]]:
        # One pass for all players instead of one scan of every event per player page.
        index: dict[str, list[Event]] = {}
        for event in self._events_sorted:
            for player_id in dict.fromkeys(event.players):
                index.setdefault(player_id, []).append(event)
        return index

    def quotes_of(self, player_id: str) -> list[tuple[Event, Evidence]]:
        """Quoted evidence an event attributes to a player (said_by), in event date order."""
        return list(self._quotes_by_player.get(player_id, ()))

    @cached_property
    def _quotes_by_player(self) -> dict[str, list[tuple[Event, Evidence]]]:
        # One pass for all players: scanning every event per player page was quadratic.
        index: dict[str, list[tuple[Event, Evidence]]] = {}
        for event in self._events_sorted:
            for item in event.evidence:
                if item.said_by is not None and item.quote:
                    index.setdefault(item.said_by, []).append((event, item))
        return index

    def cited_records(self) -> list[Event | Player]:
        """Every record that carries evidence: events, then players."""
        return [*self.events, *self.players]

    def draft_ids(self, kind: str) -> set[str]:
        """Ids of the drafts of a kind ("event", "player", "source")."""
        return {draft.name for draft in self.drafts if draft.kind == kind}

    @cached_property
    def update_entries(self) -> tuple[UpdateEntry, ...]:
        """Updates oldest first (by date, then file order), each numbered within its day."""
        ordered = sorted(self.updates, key=lambda update: update.date.sort_key())
        counts: dict[str, int] = {}
        entries = []
        for update in ordered:
            day = str(update.date)
            counts[day] = counts.get(day, 0) + 1
            entries.append(UpdateEntry(update, counts[day]))
        return tuple(entries)

    def fact(self, ref: str) -> tuple[str, Event | Player] | None:
        """The event or player a fact reference names ("x", "event:x", "player:x"), with its
        kind; None when it names none, or when a bare id names both an event and a player."""
        kind, fact_id = parse_fact_ref(ref)
        event = self.events_by_id.get(fact_id) if kind in (None, "event") else None
        player = self.players_by_id.get(fact_id) if kind in (None, "player") else None
        if event is not None and player is not None:
            return None
        if event is not None:
            return "event", event
        if player is not None:
            return "player", player
        return None

    def corrections_of(self, kind: str, fact_id: str) -> tuple[UpdateEntry, ...]:
        """Corrections and clarifications naming a fact, oldest first."""
        return self._corrections.get((kind, fact_id), ())

    @cached_property
    def _corrections(self) -> dict[tuple[str, str], tuple[UpdateEntry, ...]]:
        index: dict[tuple[str, str], list[UpdateEntry]] = {}
        for entry in self.update_entries:
            if entry.update.kind not in CORRECTING_KINDS:
                continue
            for ref in entry.update.facts:
                found = self.fact(ref)
                if found is not None:
                    kind, record = found
                    index.setdefault((kind, record.id), []).append(entry)
        return {key: tuple(entries) for key, entries in index.items()}

    @cached_property
    def latest_update(self) -> Update | None:
        """The most recent update, or None without updates."""
        return self.update_entries[-1].update if self.update_entries else None

    def text_index(self, source_id: str) -> SourceIndex | None:
        """A source's text ready for finding quotes, or None when it has none (built once)."""
        return self._text_indexes.get(source_id)

    @cached_property
    def _text_indexes(self) -> dict[str, SourceIndex]:
        return {key: SourceIndex(value.text) for key, value in self.source_texts.items()}
