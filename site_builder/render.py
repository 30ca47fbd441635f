"""Render the site in memory: one Jinja environment, one view builder per page kind.

Templates get views (plain, display-ready data), never the model. Jinja runs with StrictUndefined
and autoescaping, so a typo in a template is an error that names the template and line.
`SiteRenderer` renders one page at a time (pipeline.run decides which and where they go);
nothing is written here.
"""

from __future__ import annotations

import functools
import logging
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from site_builder.chart import timeline_chart
from site_builder.chartdata import ChartEra, ChartEvent, TimelineChart
from site_builder.config import DEFAULT_KINDS
from site_builder.datefmt import DateFormatter
from site_builder.dates import EventDate, FuzzyDate
from site_builder.embed import OEMBED, embed_child_script, embed_code, oembed_json
from site_builder.errors import ContentError, Problem, closest
from site_builder.feeds import FEED, feed_files
from site_builder.i18n import Messages, parse_language, update_kind_word, verification_words
from site_builder.markup import MarkdownConverter, MarkdownRenderer, smart_text
from site_builder.mdengine import ConversionError, extensions_of
from site_builder.model import Era, Event, Evidence, Media, Player, Source, Summary
from site_builder.pagemeta import page_meta
from site_builder.periods import Period, Step, grouping_step, period_of
from site_builder.quotes import quote_link
from site_builder.site import Site
from site_builder.timelinejs import TIMELINE_JSON, ExportWords, home_markdown, timeline_json
from site_builder.timelineparts import TimelinePart
from site_builder.urls import (
    BUILTIN_PATHS,
    EMBED_TIMELINE,
    HOME,
    NOT_FOUND,
    PLAYERS,
    SOURCES,
    TIMELINE,
    UPDATES,
    UrlBuilder,
    event_path,
    player_path,
    source_path,
    summary_path,
    timeline_part_path,
    update_path,
)
from site_builder.validate import MarkdownText

log = logging.getLogger(__name__)

# Events the home page lists as still open: what may yet happen.
OPEN_STATUSES = ("ongoing", "proposed", "postponed")


def site_messages(site: Site) -> Messages:
    """The theme's words in the site's language, with site.yaml's `labels:` (validated)."""
    return Messages(parse_language(site.config.language), site.config.labels)


def status_label(messages: Messages, status: str) -> str:
    """An event's status in words: the tag of an event that has not simply happened
    ("Proposed, not yet happened", "Postponed"), and the label of a chart lane by status."""
    if status == "proposed":
        return messages.text("status_proposed", "Proposed, not yet happened")
    if status == "ongoing":
        return messages.text("status_ongoing", "Ongoing")
    if status == "postponed":
        return messages.text("status_postponed", "Postponed")
    if status == "cancelled":
        return messages.text("status_cancelled", "Cancelled")
    return messages.text("status_happened", "Happened")


def kind_label(messages: Messages, site: Site, kind: str) -> str:
    """A kind of player as readers see it: the catalogue's words, or site.yaml's label."""
    declared = {item.id: item.label for item in site.config.kinds}
    if kind in declared:
        return declared[kind]
    defaults = {
        "person": messages.text("kind_person", "Person"),
        "organisation": messages.text("kind_organisation", "Organisation"),
        "government": messages.text("kind_government", "Government"),
        "place": messages.text("kind_place", "Place"),
        "object": messages.text("kind_object", "Object"),
    }
    assert set(defaults) == set(DEFAULT_KINDS)
    return defaults.get(kind, kind)


def link_kind_label(messages: Messages, kind: str) -> str:
    """ "video", "audio", "document" in the site's language."""
    if kind == "video":
        return messages.text("media_video", "video")
    if kind == "audio":
        return messages.text("media_audio", "audio")
    return messages.text("media_document", "document")


def theme_dir() -> Path:
    """The default theme shipped inside the package (templates/ and static/)."""
    return Path(str(resources.files("site_builder") / "theme"))


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class DatePart:
    """One `<time>` element: its machine value and its text (no machine value: plain text, for
    dates HTML cannot express, such as years before the common era or an unknown date)."""

    machine: str | None
    text: str


@dataclass(frozen=True)
class DateView:
    """A date ready to print: one `<time>`, or two joined by a separator for a range."""

    parts: tuple[DatePart, ...]
    separator: str
    text: str


@dataclass(frozen=True)
class Link:
    """A labelled link."""

    label: str
    url: str


@dataclass(frozen=True)
class SourceMark:
    """A compact citation mark: the source's number, linking to its entry on the sources page."""

    number: int
    url: str
    title: str


@dataclass(frozen=True)
class VerificationView:
    """A fact's standing when it is not simply verified: badge, explanation, the editors' note."""

    state: str  # unconfirmed, disputed, retracted
    label: str
    explanation: str
    note: str | None


@dataclass(frozen=True)
class CorrectionView:
    """A correction or clarification shown beside a fact it names."""

    kind: str
    label: str
    date: DateView
    summary: str
    url: str  # the entry on the updates page


@dataclass(frozen=True)
class FactUse:
    """Where a piece of evidence is used: the fact, with its standing and corrections."""

    label: str
    url: str
    verification: VerificationView | None = None
    corrections: tuple[CorrectionView, ...] = ()


@dataclass(frozen=True)
class Citation:
    """Evidence as the reader sees it: the quote (opening the source at its words when the
    source has an address), who said it, the source's mark, context or not."""

    quote: str | None
    note: str | None
    said_by: Link | None
    source: SourceMark
    is_context: bool
    deep_link: str | None = None
    used_in: FactUse | None = None


@dataclass(frozen=True)
class ImageView:
    """An image ready for <img>: its URL, text alternative and (for local files) its size."""

    src: str
    alt: str
    width: int | None
    height: int | None


@dataclass(frozen=True)
class LinkView:
    """A link to a video, audio or document, with its title and kind."""

    url: str
    title: str
    kind_label: str


@dataclass(frozen=True)
class MediaView:
    """An image or a link, with its caption and credit."""

    image: ImageView | None
    link: LinkView | None
    caption: str | None
    credit: str | None


@dataclass(frozen=True)
class EventView:
    """An event on the timeline, the home page or a player page."""

    id: str
    url: str
    title: str
    date: DateView
    when: str | None
    date_context: Link | None  # set when the resolved date rests on a context source
    status: str
    status_label: str
    key: bool
    players: tuple[Link, ...]
    body_html: str
    citations: tuple[Citation, ...]
    lane: str | None = None  # the event's thread (a lane of the chart)
    media: tuple[MediaView, ...] = ()
    verification: VerificationView | None = None
    corrections: tuple[CorrectionView, ...] = ()


@dataclass(frozen=True)
class PeriodGroup:
    """Timeline events listed under one period (an hour, a day, a month, a decade...)."""

    label: str
    machine: str | None
    anchor: str  # the heading's id
    events: tuple[EventView, ...]


@dataclass(frozen=True)
class EraView:
    """An era (a phase of the story) as a section heading of the timeline."""

    id: str
    title: str
    date: DateView
    body_html: str


@dataclass(frozen=True)
class TimelineSection:
    """A run of the timeline inside one era (or outside every era: `era` is None)."""

    era: EraView | None
    groups: tuple[PeriodGroup, ...]


@dataclass(frozen=True)
class PlayerView:
    """A player on the players index or their own page."""

    id: str
    url: str
    name: str
    role: str
    kind: str
    kind_label: str
    group: str | None
    affiliation: str | None
    summary: str | None
    bio_html: str
    citations: tuple[Citation, ...]
    media: tuple[MediaView, ...] = ()
    verification: VerificationView | None = None
    corrections: tuple[CorrectionView, ...] = ()


@dataclass(frozen=True)
class PlayerGroup:
    """Players of one group; an empty label when the site has no groups (one list)."""

    label: str
    players: tuple[PlayerView, ...]


@dataclass(frozen=True)
class IndexEntry:
    """A player on the A-Z index of a large cast: name, role and group only."""

    name: str
    url: str
    role: str
    group: str | None


@dataclass(frozen=True)
class LetterGroup:
    """Players whose names start with one letter."""

    letter: str
    anchor: str
    players: tuple[IndexEntry, ...]


# Past this many players the index lists them from A to Z, in short, instead of by group.
PLAYERS_BY_GROUP_LIMIT = 150


@dataclass(frozen=True)
class SourceView:
    """A source and every place its evidence is used."""

    id: str
    number: int
    anchor: str
    title: str
    kind: str
    publisher: str | None
    url: str | None
    archived_url: str | None
    published: DateView | None
    retrieved: DateView | None
    note: str | None
    uses: tuple[Citation, ...]


@dataclass(frozen=True)
class UpdateView:
    """An entry of the explainer's change log, with the facts and sources it names."""

    anchor: str
    date: DateView
    kind: str
    kind_label: str
    summary: str
    facts: tuple[FactUse, ...]
    sources: tuple[SourceMark, ...]


@dataclass(frozen=True)
class NavItem:
    """An entry of the main navigation."""

    label: str
    url: str
    current: bool


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


# --------------------------------------------------------------------------- view builders


def date_view(dates: DateFormatter, date: EventDate) -> DateView:
    """Display form of a date in the site's language: never more precise than the data (a
    date not known yet says so)."""
    written = dates.date(date)
    return DateView(
        tuple(DatePart(machine, text) for machine, text in written.parts),
        written.separator,
        written.text,
    )


def event_scope(event_id: str) -> str:
    """The prefix of the ids inside an event's body: the timeline and player pages show many
    bodies, whose footnotes would otherwise all be #fn:1. Slugs never hold "--"."""
    return f"{event_id}--"


def bio_scope(player_id: str) -> str:
    """The prefix of the ids inside a player's bio (shown on their page beside event bodies)."""
    return f"{player_id}--bio--"


def era_scope(era_id: str) -> str:
    """The prefix of the ids inside an era's text (shown on timeline pages beside event bodies,
    whose ids may be the same words)."""
    return f"{era_id}--era--"


class ViewBuilder:
    """Turns the model into views, with URLs from one UrlBuilder and Markdown from one renderer."""

    def __init__(
        self, site: Site, urls: UrlBuilder, converter: MarkdownConverter | None = None
    ) -> None:
        self.site = site
        self.urls = urls
        self.messages = site_messages(site)
        self.dates = DateFormatter(self.messages)
        if converter is None or converter.extensions != extensions_of(site.config):
            converter = MarkdownConverter(extensions_of(site.config))
        self.markdown = MarkdownRenderer(self.resolve_link, converter)
        self._sources = site.sources_by_id
        # Sources are numbered in file order: the marks citations carry, on every page.
        self._source_numbers = {source.id: n for n, source in enumerate(site.sources, start=1)}
        self._players = site.players_by_id
        self._group_labels = {group.id: group.label for group in site.config.groups}
        self._kind_labels = {
            kind: kind_label(self.messages, site, kind) for kind in site.kind_types
        }
        # An event shows on the timeline and on each of its players' pages, a player on the
        # players index and their own page: build each view once per build.
        self._event_views: dict[str, EventView] = {}
        self._player_views: dict[str, PlayerView] = {}
        self._summary_slugs = frozenset(summary.slug for summary in site.summaries)

    def date(self, date: EventDate) -> DateView:
        """A date for readers, in the site's language."""
        return date_view(self.dates, date)

    def media(self, items: Sequence[Media]) -> tuple[MediaView, ...]:
        """Images and links of an event or player, ready for the page."""
        views = []
        for item in items:
            image = link = None
            if item.image is not None:
                local = self.site.media_files.get(item.image)
                image = ImageView(
                    src=self.urls.url(local.path) if local else item.image,
                    alt="" if item.decorative else (item.alt or ""),
                    width=local.width if local else None,
                    height=local.height if local else None,
                )
            elif item.link is not None:
                local = self.site.media_files.get(item.link)
                link = LinkView(
                    url=self.urls.url(local.path) if local else item.link,
                    title=item.title or item.link,
                    kind_label=link_kind_label(self.messages, item.link_kind),
                )
            views.append(MediaView(image, link, item.caption, item.credit))
        return tuple(views)

    def resolve_link(self, scheme: str, name: str) -> str | None:
        """URL for an identity link (`player:some-id`), or None if it names nothing."""
        return self.urls.url(self.link_site_path(scheme, name))

    def link_site_path(self, scheme: str, name: str) -> str:
        """Site path an identity link (`player:some-id`) goes to."""
        if scheme == "page":
            # A summary may hold a built-in page's name only where that page is not made
            # ("updates" on a site without updates): then the name is the summary's.
            if name in BUILTIN_PATHS and name not in self._summary_slugs:
                return BUILTIN_PATHS[name]
            if name == self.site.config.home:
                return HOME
            return summary_path(name)
        path_of: dict[str, Callable[[str], str]] = {
            "event": self.event_site_path,
            "player": player_path,
            "source": source_path,
        }
        return path_of[scheme](name)

    def event_site_path(self, event_id: str) -> str:
        """Site path (with fragment) of an event on the timeline page that shows it."""
        return event_path(event_id, self.site.timeline_page_of(event_id))

    def source_link(self, source: Source) -> Link:
        """Link to a source's entry on the sources page."""
        return Link(source.title, self.urls.url(source_path(source.id)))

    def source_mark(self, source: Source) -> SourceMark:
        """A source's numbered mark, linking to its entry on the sources page."""
        number = self._source_numbers[source.id]
        return SourceMark(number, self.urls.url(source_path(source.id)), source.title)

    def player_link(self, player_id: str) -> Link:
        """Link to a player's page."""
        return Link(self._players[player_id].name, self.urls.url(player_path(player_id)))

    def citation(self, evidence: Evidence, used_in: FactUse | None = None) -> Citation:
        """A piece of evidence as a citation."""
        source = self._sources[evidence.source]
        said_by = self.player_link(evidence.said_by) if evidence.said_by else None
        return Citation(
            quote=evidence.quote,
            note=evidence.note,
            said_by=said_by,
            source=self.source_mark(source),
            is_context=source.kind == "context",
            deep_link=self.deep_link(source, evidence.quote),
            used_in=used_in,
        )

    def deep_link(self, source: Source, quote: str | None) -> str | None:
        """The source's address opened at the quoted words (a text fragment), when it has one."""
        if source.url is None or not quote or not source.url.lower().startswith("http"):
            return None
        return quote_link(source.url, self.site.text_index(source.id), quote)

    def verification(self, record: Event | Player) -> VerificationView | None:
        """A fact's badge and explanation when it is unconfirmed, disputed or retracted."""
        words = verification_words(self.messages, record.verification)
        if words is None:
            return None
        return VerificationView(
            record.verification, words.label, words.explanation, record.verification_note
        )

    def corrections(self, kind: str, fact_id: str) -> tuple[CorrectionView, ...]:
        """Corrections and clarifications naming a fact, newest first."""
        return tuple(
            CorrectionView(
                entry.update.kind,
                update_kind_word(self.messages, entry.update.kind),
                self.date(entry.update.date),
                entry.update.summary,
                self.urls.url(update_path(entry.anchor)),
            )
            for entry in reversed(self.site.corrections_of(kind, fact_id))
        )

    def event_use(self, event: Event) -> FactUse:
        """An event as the place a piece of evidence is used."""
        return FactUse(
            event.title,
            self.urls.url(self.event_site_path(event.id)),
            self.verification(event),
            self.corrections("event", event.id),
        )

    def player_use(self, player: Player) -> FactUse:
        """A player as the place a piece of evidence is used."""
        return FactUse(
            player.name,
            self.urls.url(player_path(player.id)),
            self.verification(player),
            self.corrections("player", player.id),
        )

    def event(self, event: Event) -> EventView:
        """An event's view."""
        if event.id not in self._event_views:
            self._event_views[event.id] = self._make_event(event)
        return self._event_views[event.id]

    def _make_event(self, event: Event) -> EventView:
        date_context = None
        if event.date_source is not None:
            date_source = self._sources[event.date_source]
            if date_source.kind == "context":
                date_context = self.source_link(date_source)
        return EventView(
            id=event.id,
            url=self.urls.url(self.event_site_path(event.id)),
            title=event.title,
            date=self.date(event.date),
            when=event.when,
            date_context=date_context,
            status=event.status,
            status_label=status_label(self.messages, event.status),
            key=event.key,
            players=tuple(self.player_link(pid) for pid in event.players),
            body_html=self.markdown.render(event.body, event_scope(event.id)) if event.body else "",
            citations=tuple(self.citation(item) for item in event.evidence),
            lane=event.lane,
            media=self.media(event.media),
            verification=self.verification(event),
            corrections=self.corrections("event", event.id),
        )

    def player(self, player: Player) -> PlayerView:
        """A player's view."""
        if player.id not in self._player_views:
            self._player_views[player.id] = self._make_player(player)
        return self._player_views[player.id]

    def _make_player(self, player: Player) -> PlayerView:
        return PlayerView(
            id=player.id,
            url=self.urls.url(player_path(player.id)),
            name=player.name,
            role=player.role,
            kind=player.kind,
            kind_label=self._kind_labels[player.kind],
            group=self._group_labels.get(player.group) if player.group else None,
            affiliation=player.affiliation,
            summary=player.summary,
            bio_html=self.markdown.render(player.bio, bio_scope(player.id)) if player.bio else "",
            citations=tuple(self.citation(item) for item in player.evidence),
            media=self.media(player.media),
            verification=self.verification(player),
            corrections=self.corrections("player", player.id),
        )

    def timeline(self, events: Sequence[Event] | None = None) -> list[TimelineSection]:
        """Events (all of them unless given) in timeline order, in sections by era and, inside
        each section, in groups by a period that fits the section's span (hours to centuries:
        the days of an incident are listed by day even inside a story of years)."""
        events = self.site.events_in_order() if events is None else list(events)
        eras: list[tuple[Era | None, bool, list[Event]]] = []  # (era, undated, events)
        for index, event in enumerate(events):
            # An event placed after another is listed with it; undated ones at the end.
            if event.after is None or index == 0:
                era, undated = self.site.era_of(event), event.dated is None
            if not eras or eras[-1][:2] != (era, undated):
                eras.append((era, undated, []))
            eras[-1][2].append(event)
        sections: list[tuple[Era | None, list[tuple[Period | None, list[Event]]]]] = []
        for era, undated, members in eras:
            step = grouping_step(*_span_of(members))
            runs: list[tuple[Period | None, list[Event]]] = []
            period: Period | None = None
            for index, event in enumerate(members):
                date = event.dated
                if not undated and date is not None and (event.after is None or index == 0):
                    period = period_of(date, step)
                if not runs or runs[-1][0] != period:
                    runs.append((period, []))
                runs[-1][1].append(event)
            if sections and sections[-1][0] is era:
                sections[-1][1].extend(runs)
            else:
                sections.append((era, runs))
        anchors: set[str] = set()  # a year can open groups in two eras: ids stay unique
        return [
            TimelineSection(
                self.era(era) if era is not None else None,
                tuple(self._period_group(period, run, era, anchors) for period, run in runs),
            )
            for era, runs in sections
        ]

    def _period_group(
        self, period: Period | None, events: list[Event], era: Era | None, anchors: set[str]
    ) -> PeriodGroup:
        views = tuple(self.event(event) for event in events)
        anchor = f"when-{period.slug() if period is not None else 'undated'}"
        if anchor in anchors:
            anchor = f"{anchor}-{era.id}" if era is not None else f"{anchor}-{len(anchors)}"
        anchors.add(anchor)
        if period is None:  # events with no date yet
            return PeriodGroup(self.dates.unknown(), None, anchor, views)
        return PeriodGroup(self.dates.period(period), period.machine(), anchor, views)

    def era(self, era: Era) -> EraView:
        """An era's view."""
        return EraView(
            id=era.id,
            title=era.title,
            date=self.date(FuzzyDate(era.start.start, era.end.end or era.end.start)),
            body_html=self.markdown.render(era.body, era_scope(era.id)) if era.body else "",
        )

    def clock_note(self, events: Sequence[Event]) -> str | None:
        """The sentence saying which clock the times of these events are on, when any has a
        time of day."""
        timed = [e.dated for e in events if e.dated is not None and e.dated.has_time]
        if not timed:
            return None
        return self.dates.clock(self.site.config.timezone, timed[0].start.offset)

    def player_groups(self) -> list[PlayerGroup]:
        """Players by group, in site.yaml's order, the ungrouped last; one list with no groups.

        A group nobody is in is left out.
        """
        if not self.site.config.groups:
            return [PlayerGroup("", tuple(self.player(p) for p in self.site.players))]
        groups = []
        for group in self.site.config.groups:
            members = [self.player(p) for p in self.site.players if p.group == group.id]
            if members:
                groups.append(PlayerGroup(group.label, tuple(members)))
        others = [self.player(p) for p in self.site.players if p.group is None]
        if others:
            label = self.messages.text("group_others", "Others")
            groups.append(PlayerGroup(label, tuple(others)))
        return groups

    def letter_groups(self) -> list[LetterGroup]:
        """Every player by name from A to Z (in the language's alphabet), grouped by initial,
        as short entries."""
        # The index letters, in order, come from the catalogue: Python has no collation, and
        # some letters (Ukrainian's, for one) are not where their code points would put them.
        alphabet = Alphabet(
            self.messages.text("index_alphabet", "ABCDEFGHIJKLMNOPQRSTUVWXYZ").replace(" ", "")
        )
        entries = sorted(
            (
                IndexEntry(
                    name=player.name,
                    url=self.urls.url(player_path(player.id)),
                    role=player.role,
                    group=self._group_labels.get(player.group) if player.group else None,
                )
                for player in self.site.players
            ),
            key=lambda entry: (alphabet.sort_key(entry.name), entry.name, entry.url),
        )
        groups: dict[str, list[IndexEntry]] = {}
        for entry in entries:
            groups.setdefault(alphabet.initial(entry.name), []).append(entry)
        return [
            LetterGroup(letter, "other" if letter == "#" else letter.lower(), tuple(members))
            for letter, members in groups.items()
        ]

    def quotes_by(self, player_id: str) -> list[Citation]:
        """Every quote attributed to a player, with where it is used."""
        found = [
            self.citation(item, self.event_use(event))
            for event, item in self.site.quotes_of(player_id)
        ]
        return _unique_quotes(found)

    def sources(self) -> list[SourceView]:
        """Every source with each quote or note that cites it and where it is used."""
        uses: dict[str, list[Citation]] = {source.id: [] for source in self.site.sources}
        for event in self.site.events_in_order():
            event_use = self.event_use(event)
            for item in event.evidence:
                uses[item.source].append(self.citation(item, event_use))
        for player in self.site.players:
            player_use = self.player_use(player)
            for item in player.evidence:
                uses[item.source].append(self.citation(item, player_use))
        return [
            SourceView(
                id=source.id,
                number=self._source_numbers[source.id],
                anchor=f"source-{source.id}",
                title=source.title,
                kind=source.kind,
                publisher=source.publisher,
                url=source.url,
                archived_url=source.archived_url,
                published=self.date(source.published) if source.published else None,
                retrieved=self.date(source.retrieved) if source.retrieved else None,
                note=source.note,
                uses=tuple(uses[source.id]),
            )
            for source in self.site.sources
        ]

    def updates(self) -> list[UpdateView]:
        """The change log, newest first, each entry with the facts and sources it names."""
        views = []
        for entry in reversed(self.site.update_entries):
            update = entry.update
            facts = []
            for ref in update.facts:
                found = self.site.fact(ref)
                if found is None:
                    continue
                _, record = found
                facts.append(
                    self.event_use(record) if isinstance(record, Event) else self.player_use(record)
                )
            views.append(
                UpdateView(
                    anchor=entry.anchor,
                    date=self.date(update.date),
                    kind=update.kind,
                    kind_label=update_kind_word(self.messages, update.kind),
                    summary=update.summary,
                    facts=tuple(facts),
                    sources=tuple(self.source_mark(self._sources[s]) for s in update.sources),
                )
            )
        return views


@dataclass(frozen=True)
class Alphabet:
    """The letters an index is ordered and grouped by ("ABC...", "АБВГҐД...")."""

    letters: str

    def fold(self, char: str) -> str:
        """A character as the index sees it: upper case, and without accents unless the
        alphabet has it as a letter of its own (Й and Ї stay; É is E)."""
        upper = char.upper()
        if upper in self.letters:
            return upper
        decomposed = unicodedata.normalize("NFKD", upper)
        return "".join(c for c in decomposed if not unicodedata.combining(c))[:1] or upper

    def sort_key(self, name: str) -> tuple[int, ...]:
        """Order of a name: spaces, punctuation and digits first ("A. Smith" before "Adam"),
        then the alphabet's letters in its order, then letters of other scripts."""
        size = len(self.letters)
        key = []
        for char in name.strip():
            folded = self.fold(char)
            position = self.letters.find(folded)
            if position >= 0:
                key.append(position)
            elif folded.isalpha():
                key.append(size + ord(folded))
            else:
                key.append(ord(folded) - 0x110000)  # before every letter, in code-point order
        return tuple(key)

    def initial(self, name: str) -> str:
        """The index heading a name goes under; "#" for names that start with no letter of it."""
        stripped = name.strip()
        first = self.fold(stripped[0]) if stripped else ""
        return first if first and first in self.letters else "#"


def _span_of(events: Sequence[Event]) -> tuple[int, bool]:
    """Seconds from the first dated event's start to the last one's (one event: its length),
    and whether any has a time of day: what a list's grouping unit is chosen from."""
    dates = [event.dated for event in events if event.dated is not None]
    if not dates:
        return 0, False
    starts = [date.start_moment() for date in dates]
    span = max(starts) - min(starts)
    if len(dates) == 1:
        span = dates[0].end_moment() - dates[0].start_moment()
    return span, any(date.has_time for date in dates)


def _unique_quotes(citations: list[Citation]) -> list[Citation]:
    seen: set[str] = set()
    unique = []
    for citation in citations:
        if citation.quote not in seen:
            seen.add(citation.quote or "")
            unique.append(citation)
    return unique


# --------------------------------------------------------------------------- pages

# The home page lists the latest few updates and links to the updates page for the rest.
HOME_UPDATES = 3


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
    embed = _embed_view(site, views, title)
    if len(parts) == 1:
        description = text(
            "timeline_description",
            "Every event of the story in date order, as of %(date)s.",
            date=as_of,
        )
        context = functools.partial(_timeline_context, site, views, parts[0].events, [])
        yield PageSpec(TIMELINE, "timeline.html", title, description, _with(context, embed=embed))
        yield _embed_spec(site, views, title, description, context)
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

    description = text(
        "timeline_description_parts",
        "Every event of the story by period, %(first)s to %(last)s, as of %(date)s.",
        first=every[0].label,
        last=every[-1].label,
        date=as_of,
    )
    context = functools.partial(
        _timeline_context, site, views, (), links(""), site.events_in_order()
    )
    yield PageSpec(TIMELINE, "timeline.html", title, description, _with(context, embed=embed))
    yield _embed_spec(site, views, title, description, context)
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


def _embed_spec(
    site: Site,
    views: ViewBuilder,
    title: str,
    description: str,
    timeline_context: Callable[[], dict[str, Any]],
) -> PageSpec:
    """The timeline page as another site embeds it (an iframe): the same chart and list (or
    periods), without the site's header, menu and footer, not indexed by search engines except
    inside the page that embeds it, sizing its frame to its height (embed.embed_child_script)."""
    extra = {
        "timeline_url": views.urls.url(TIMELINE),
        "child_script": markupsafe.Markup(embed_child_script()),
    }
    return PageSpec(
        EMBED_TIMELINE, "embed.html", title, description, _with(timeline_context, **extra)
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
        "sections": Deferred(lambda: views.timeline(events)),
        "chart": Deferred(lambda: chart_view(site, views, drawn)),
        "parts": parts,
        "clock_note": views.clock_note(drawn),
        "statuses": {event.status for event in drawn},
        "embed": None,  # the timeline page's own: how to embed it (EmbedView)
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


def make_environment(template_dirs: list[Path]) -> jinja2.Environment:
    """The Jinja environment: user folders first, then the package theme; strict and escaping."""
    loaders: list[jinja2.BaseLoader] = [
        _TemplateLoader(str(folder)) for folder in template_dirs if folder.is_dir()
    ]
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        # Every template, whatever its name: a user's partial called card.j2 or icon.svg gets
        # content too, and content is never trusted markup.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Every word of the theme goes through gettext (pgettext/npgettext and {% trans %});
        # SiteRenderer installs the site's language. New-style: values are escaped.
        extensions=["jinja2.ext.i18n"],
    )
    environment.newstyle_gettext = True  # type: ignore[attr-defined]
    return environment


class _TemplateEncodingError(jinja2.TemplateSyntaxError):
    hint = "save the template as UTF-8"


class _TemplateLoader(jinja2.FileSystemLoader):
    """Reads templates as UTF-8; undecodable bytes become an error naming the file and line."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as error:
            data = error.object if isinstance(error.object, bytes) else b""
            filename = next(
                (
                    str(Path(folder, template))
                    for folder in self.searchpath
                    if Path(folder, template).is_file()
                ),
                template,
            )
            raise _TemplateEncodingError(
                f"not valid UTF-8 text: byte 0x{data[error.start]:02X} cannot be read"
                if data
                else "not valid UTF-8 text",
                data.count(b"\n", 0, error.start) + 1,
                template,
                filename,
            ) from None


def template_dirs(user_templates: Path | None) -> list[Path]:
    """Where templates are looked up, first match winning: the user's folder, then the theme."""
    folders = [user_templates] if user_templates is not None else []
    return [*folders, theme_dir() / "templates"]


class SiteRenderer:
    """Renders the pages of one site one at a time, with one URL builder and one environment.

    `pages` lists every page up front (cheap: contexts are made on demand), so that a build can
    share the pages out between processes, and the sitemap can list pages before they exist.
    """

    def __init__(
        self,
        site: Site,
        user_templates: Path | None = None,
        base_url: str | None = None,
        environment: jinja2.Environment | None = None,
        converter: MarkdownConverter | None = None,
    ) -> None:
        self.site = site
        self.urls = UrlBuilder(base_url if base_url is not None else site.config.base_url)
        self.views = ViewBuilder(site, self.urls, converter)
        # Kept by the caller between builds (serve), filled by worker processes (build_site).
        self.converter = self.views.markdown.converter
        if environment is None:
            environment = make_environment(template_dirs(user_templates))
        self.environment = environment
        environment.globals["url"] = self.urls.url
        self.pages = list(page_specs(site, self.views))
        nav_targets = {**BUILTIN_PATHS, **{s.slug: summary_path(s.slug) for s in site.summaries}}
        text = self.views.messages.text
        nav_labels = {
            "home": text("home", "Overview"),
            "timeline": text("timeline", "Timeline"),
            "players": text("players", "Key players"),
            "sources": text("sources", "Sources"),
            "updates": text("updates", "Updates"),
        }
        summary_titles = {s.slug: s.meta.title for s in site.summaries}
        nav_labels.update(summary_titles)
        config = site.config
        # The menu leaves out built-in pages with nothing on them (they are not made).
        absent = set(BUILTIN_PATHS) - set(site.pages_with_content()) - set(summary_titles)
        self._nav_paths = [
            (nav_labels[entry], HOME if entry == config.home else nav_targets[entry])
            for entry in config.nav
            if entry not in absent
        ]
        self.views.messages.install(environment)

    def render(self, spec: PageSpec) -> str:
        """One page's HTML; raise ContentError locating a template problem."""
        try:
            return self.environment.get_template(spec.template).render(self._context(spec))
        except ContentError:
            raise
        except Exception as error:  # template code can raise anything: 1 / 0, recursion
            raise ContentError([_template_problem(error, spec, self.environment)]) from error

    def extra_files(self) -> dict[str, str]:
        """Files made from the site as a whole: feed, sitemap, robots.txt, the timeline in
        TimelineJS' format, and (with an absolute base URL) the embed's oEmbed response."""
        files = feed_files(
            self.site, self.urls, [spec.path for spec in self.pages], self.views.messages
        )
        files[TIMELINE_JSON] = self.timeline_json()
        title = self.views.messages.text("timeline", "Timeline")
        oembed = oembed_json(self.site, self.urls, f"{title} · {self.site.config.title}")
        if oembed is not None:
            files[OEMBED] = oembed
        return files

    def timeline_json(self) -> str:
        """The timeline in TimelineJS' JSON format (see timelinejs.py), its links absolute when
        the base URL is."""
        views, urls = self.views, self.urls
        markdown = MarkdownRenderer(
            lambda scheme, name: urls.absolute(views.link_site_path(scheme, name)),
            self.converter,
        )
        media = self.site.media_files
        words = ExportWords(
            urls=urls,
            html=lambda text, scope: str(markdown.render(text, scope)),
            date_text=views.dates.text,
            status_text=lambda status: status_label(views.messages, status),
            media_path=lambda name: media[name].path if name in media else None,
        )
        return timeline_json(
            self.site, words, home_markdown(self.site), self.site.events_in_order()
        )

    def _context(self, spec: PageSpec) -> dict[str, Any]:
        urls, config = self.urls, self.site.config
        nav = [NavItem(label, urls.url(path), path == spec.path) for label, path in self._nav_paths]
        language = self.views.messages.language
        return {
            **spec.make_context(),
            "site": {
                "title": config.title,
                "description": config.description,
                "language": language.tag,
                "direction": language.direction,
                "as_of": self.views.date(config.as_of),
                "no_longer_updated": (
                    self.views.date(config.no_longer_updated) if config.no_longer_updated else None
                ),
                "publisher": config.publisher,
                "nav": nav,
                "home_url": urls.url(HOME),
                "sources_url": urls.url(SOURCES) if self.site.sources else None,
                "stylesheet": urls.url("static/style.css"),
            },
            "page": {
                "path": spec.path,
                "title": spec.title,
                "description": spec.description,
                "canonical": urls.absolute(spec.path) if spec.path != NOT_FOUND else None,
                "is_home": spec.path == HOME,
                "meta": page_meta(
                    self.site, spec.path, spec.title, spec.description, urls, self.views.messages
                ),
            },
        }


def convert_texts(converter: MarkdownConverter, texts: Iterable[MarkdownText]) -> list[Problem]:
    """Convert the texts not converted yet, each distinct text once, before pages are rendered
    (rendering then only looks the HTML up).

    Returns a problem for each text that Python-Markdown or an extension fails on, located
    where the text is written.
    """
    problems = []
    for markdown in texts:
        if converter.knows(markdown.text):
            continue
        try:
            converter.convert(markdown.text)
        except ConversionError as error:
            problems.append(_conversion_problem(markdown, error))
    return problems


def _conversion_problem(markdown: MarkdownText, error: ConversionError) -> Problem:
    if isinstance(error.error, RecursionError):
        hint = "nest blockquotes and lists less deeply"
    elif error.extension is not None:
        hint = (
            f"change this text, or remove '{error.extension}' from markdown_extensions in "
            "site.yaml (a bug in the extension is worth reporting to its authors)"
        )
    else:
        hint = "change this text (a bug in Python-Markdown is worth reporting to its authors)"
    return Problem(markdown.path, error.message(), markdown.line, markdown.column, hint)


def _template_problem(error: Exception, spec: PageSpec, environment: jinja2.Environment) -> Problem:
    """A template error located in the template file and line the author must fix."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(
            error.filename or spec.template,
            error.message or str(error),
            error.lineno,
            None,
            getattr(error, "hint", "fix the template syntax here"),
        )
    path, line = _template_position(error, spec.template)
    if isinstance(error, jinja2.TemplateNotFound):
        # Located at the {% extends %}, {% include %} or {% import %} that names it.
        close = closest(str(error.name), environment.list_templates())
        return Problem(
            path,
            f"template not found: {error.name}",
            line,
            None,
            f"did you mean '{close}'?" if close else "add the template to your templates folder",
        )
    if isinstance(error, jinja2.TemplateError):
        return Problem(
            path,
            f"template error: {error}",
            line,
            None,
            f"while rendering {spec.path or '/'}; check the names used here against the page's "
            "context",
        )
    # Python errors raised by template code (1 / 0, a template that extends itself), or by the
    # view code a template called (a chart that could not be drawn): located at the template's
    # line, naming the code that raised it.
    code = _code_position(error)
    if isinstance(error, RecursionError):
        hint = "a template that extends or includes itself never ends: check the name here"
    elif code is not None:
        hint = (
            f"while rendering {spec.path or '/'}: this is a bug in site-builder, not in the "
            "template; run the command again with --debug and report the traceback it shows"
        )
    else:
        hint = f"while rendering {spec.path or '/'}; check the expression on this line"
    raised = f" (raised in {code})" if code is not None else ""
    return Problem(
        path,
        f"template error: {type(error).__name__}: {error}{raised}",
        line,
        None,
        hint,
        trace="".join(traceback.format_exception(error)),
    )


def _code_position(error: BaseException) -> str | None:
    """Where in site_builder's own code an error was raised ("site_builder/chart.py:166 in
    _round"), when it was raised there rather than in a template."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return None
    package = Path(__file__).resolve().parent
    last = frames[-1]
    try:
        relative = Path(last.filename).resolve().relative_to(package.parent)
    except ValueError:
        return None
    return f"{relative.as_posix()}:{last.lineno} in {last.name}"


def chart_view(
    site: Site, views: ViewBuilder, events: Sequence[Event] | None = None
) -> TimelineChart | None:
    """Geometry of the timeline overview SVG (see chart.py), or None without dated events."""
    dates, lanes = views.dates, site.config.timeline.lanes

    def title(event: Event) -> str:
        # The chart's labels are part of an image: the standing is said in words there too,
        # first, so that a long title cut short at the chart's width never cuts it off.
        standing = views.verification(event)
        if standing is None:
            return event.title
        return views.messages.text(
            "chart_label_standing", "%(standing)s: %(title)s", title=event.title,
            standing=standing.label,
        )  # fmt: skip

    chart_events = [
        ChartEvent(
            event.id,
            title(event),
            event.dated,
            dates.text(event.date),
            event.status,
            event.lane
            if lanes == "lane"
            else status_label(views.messages, event.status)
            if lanes == "status"
            else None,
            event.verification,
        )
        for event in (site.events_in_order() if events is None else events)
    ]
    eras = [
        ChartEra(era.id, era.title, era.start.start_moment(), era.end.end_moment())
        for era in site.eras
    ]
    as_of = site.config.as_of
    label = views.messages.text("chart_as_of", "As of %(when)s", when=dates.text(as_of))
    return timeline_chart(chart_events, as_of, label, ChartWords(dates), eras)


class ChartWords:
    """What the timeline chart writes, in the site's language: its dates from the site's
    DateFormatter, its few sentences from the catalogue (chart.py measures both to lay them
    out, so they are made before it draws)."""

    def __init__(self, dates: DateFormatter) -> None:
        self.dates = dates
        self.messages = dates.messages

    def tick(self, step: Step, boundary: int) -> str:
        """An axis label (see DateFormatter.tick)."""
        return self.dates.tick(step, boundary)

    def tick_context(self, step: Step, boundary: int, since: int | None = None) -> str | None:
        """The line under an axis label (see DateFormatter.tick_context)."""
        return self.dates.tick_context(step, boundary, since)

    def span(self, start: int, end: int) -> str:
        """A stretch of time (see DateFormatter.span)."""
        return self.dates.span(start, end)

    def inset_heading(self, span: str) -> str:
        """The heading of a burst's inset."""
        return self.messages.text("chart_inset_heading", "In detail: %(span)s", span=span)

    def burst_where(self, span: str) -> str:
        """Where a burst is, over its bracket."""
        return self.messages.text("chart_burst_span", "%(span)s:", span=span)

    def burst_count(self, count: int) -> str:
        """How many events of a burst the inset draws again."""
        return self.messages.plural_text(
            "chart_burst_count",
            "%(num)s event, drawn again below",
            "%(num)s events, drawn again below",
            count,
        )


def _template_position(error: BaseException, fallback: str) -> tuple[str, int | None]:
    """The innermost template file and line in an error's traceback (Jinja rewrites frames)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return frame.filename, frame.lineno
    return fallback, None


def unique_problems(problems: list[Problem]) -> list[Problem]:
    """One problem per place and message, in order: a template error breaks every page that
    uses the template, and is reported once, naming the first page it broke."""
    first: dict[tuple[str, int, int, str], Problem] = {}
    for problem in problems:
        first.setdefault(problem.sort_key(), problem)
    return list(first.values())
