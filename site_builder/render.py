"""Render the site in memory: one Jinja environment, one view builder per page kind.

Templates get views (plain, display-ready data), never the model. Jinja runs with StrictUndefined
and autoescaping, so a typo in a template is an error that names the template and line.
`render_site` returns {site path: html}; nothing is written here.
"""

from __future__ import annotations

import difflib
import functools
import logging
import traceback
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from site_builder.chart import ChartEra, ChartEvent, TimelineChart, timeline_chart
from site_builder.dates import (
    EventDate,
    FuzzyDate,
    Period,
    UnknownDate,
    grouping_step,
    period_of,
    period_range_label,
    range_parts,
    zone_text,
)
from site_builder.errors import ContentError, Problem
from site_builder.feeds import FEED, feed_files, page_meta
from site_builder.markup import MarkdownRenderer
from site_builder.model import Era, Event, Evidence, Player, Site, Source, Summary, TimelinePart
from site_builder.urls import (
    BUILTIN_PATHS,
    HOME,
    NOT_FOUND,
    PLAYERS,
    SOURCES,
    TIMELINE,
    UrlBuilder,
    event_path,
    player_path,
    source_path,
    summary_path,
    timeline_part_path,
)

log = logging.getLogger(__name__)

STATUS_LABELS = {
    "happened": "Happened",
    "ongoing": "Ongoing",
    "proposed": "Proposed, not yet happened",
    "postponed": "Postponed",
    "cancelled": "Cancelled",
}
# Events the home page lists as still open: what may yet happen.
OPEN_STATUSES = ("ongoing", "proposed", "postponed")


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
class Citation:
    """Evidence as the reader sees it: the quote, who said it, the source, context or not."""

    quote: str | None
    note: str | None
    said_by: Link | None
    source: Link
    is_context: bool
    used_in: Link | None = None


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
    group: str | None = None


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
    side: str | None
    affiliation: str | None
    summary: str | None
    bio_html: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class SideGroup:
    """Players of one side."""

    label: str
    players: tuple[PlayerView, ...]


@dataclass(frozen=True)
class IndexEntry:
    """A player on the A-Z index of a large cast: name, role and side only."""

    name: str
    url: str
    role: str
    side: str | None


@dataclass(frozen=True)
class LetterGroup:
    """Players whose names start with one letter."""

    letter: str
    anchor: str
    players: tuple[IndexEntry, ...]


# Past this many players the index lists them from A to Z, in short, instead of by side.
PLAYERS_BY_SIDE_LIMIT = 150


@dataclass(frozen=True)
class SourceView:
    """A source and every place its evidence is used."""

    id: str
    anchor: str
    title: str
    kind: str
    publisher: str | None
    url: str | None
    published: DateView | None
    note: str | None
    uses: tuple[Citation, ...]


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


def date_view(date: EventDate) -> DateView:
    """Display form of a date: never more precise than the data."""
    if isinstance(date, UnknownDate):
        return DateView((DatePart(None, date.text()),), "", date.text())
    if date.end is None:
        return DateView((DatePart(date.start.machine(), date.start.text()),), "", date.text())
    start_text, separator, end_text = range_parts(date.start, date.end)
    return DateView(
        (DatePart(date.start.machine(), start_text), DatePart(date.end.machine(), end_text)),
        separator,
        date.text(),
    )


class ViewBuilder:
    """Turns the model into views, with URLs from one UrlBuilder and Markdown from one renderer."""

    def __init__(self, site: Site, urls: UrlBuilder) -> None:
        self.site = site
        self.urls = urls
        self.markdown = MarkdownRenderer(self.resolve_link)
        self._sources = site.sources_by_id
        self._players = site.players_by_id
        self._side_labels = {side.id: side.label for side in site.config.sides}
        # An event shows on the timeline and on each of its players' pages, a player on the
        # players index and their own page: build each view once per build.
        self._event_views: dict[str, EventView] = {}
        self._player_views: dict[str, PlayerView] = {}

    def resolve_link(self, scheme: str, name: str) -> str | None:
        """URL for an identity link (`player:some-id`), or None if it names nothing."""
        if scheme == "page":
            if name in BUILTIN_PATHS:
                return self.urls.url(BUILTIN_PATHS[name])
            if name == self.site.config.home:
                return self.urls.url(HOME)
            return self.urls.url(summary_path(name))
        path_of: dict[str, Callable[[str], str]] = {
            "event": self.event_site_path,
            "player": player_path,
            "source": source_path,
        }
        return self.urls.url(path_of[scheme](name))

    def event_site_path(self, event_id: str) -> str:
        """Site path (with fragment) of an event on the timeline page that shows it."""
        return event_path(event_id, self.site.timeline_page_of(event_id))

    def source_link(self, source: Source) -> Link:
        """Link to a source's entry on the sources page."""
        return Link(source.title, self.urls.url(source_path(source.id)))

    def player_link(self, player_id: str) -> Link:
        """Link to a player's page."""
        return Link(self._players[player_id].name, self.urls.url(player_path(player_id)))

    def citation(self, evidence: Evidence, used_in: Link | None = None) -> Citation:
        """A piece of evidence as a citation."""
        source = self._sources[evidence.source]
        said_by = self.player_link(evidence.said_by) if evidence.said_by else None
        return Citation(
            quote=evidence.quote,
            note=evidence.note,
            said_by=said_by,
            source=self.source_link(source),
            is_context=source.kind == "context",
            used_in=used_in,
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
            date=date_view(event.date),
            when=event.when,
            date_context=date_context,
            status=event.status,
            status_label=STATUS_LABELS[event.status],
            key=event.key,
            players=tuple(self.player_link(pid) for pid in event.players),
            body_html=self.markdown.render(event.body) if event.body else "",
            citations=tuple(self.citation(item) for item in event.evidence),
            group=event.group,
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
            side=self._side_labels.get(player.side) if player.side else None,
            affiliation=player.affiliation,
            summary=player.summary,
            bio_html=self.markdown.render(player.bio) if player.bio else "",
            citations=tuple(self.citation(item) for item in player.evidence),
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
            return PeriodGroup(UnknownDate().text(), None, anchor, views)
        return PeriodGroup(period.label(), period.machine(), anchor, views)

    def era(self, era: Era) -> EraView:
        """An era's view."""
        return EraView(
            id=era.id,
            title=era.title,
            date=date_view(FuzzyDate(era.start.start, era.end.end or era.end.start)),
            body_html=self.markdown.render(era.body) if era.body else "",
        )

    def clock_note(self, events: Sequence[Event]) -> str | None:
        """The clock the times of these events are shown on, when any has a time of day."""
        timed = [e.dated for e in events if e.dated is not None and e.dated.has_time]
        if not timed:
            return None
        return zone_text(self.site.config.timezone, timed[0].start.offset)

    def side_groups(self) -> list[SideGroup]:
        """Players grouped by side, in site.yaml's order; players with no side come last."""
        groups = []
        for side in self.site.config.sides:
            members = [self.player(p) for p in self.site.players if p.side == side.id]
            if members:
                groups.append(SideGroup(side.label, tuple(members)))
        others = [self.player(p) for p in self.site.players if p.side is None]
        if others:
            groups.append(SideGroup("Others", tuple(others)))
        return groups

    def letter_groups(self) -> list[LetterGroup]:
        """Every player by name from A to Z, grouped by initial, as short entries."""
        entries = sorted(
            (
                IndexEntry(
                    name=player.name,
                    url=self.urls.url(player_path(player.id)),
                    role=player.role,
                    side=self._side_labels.get(player.side) if player.side else None,
                )
                for player in self.site.players
            ),
            key=lambda entry: (_sort_name(entry.name), entry.name, entry.url),
        )
        groups: dict[str, list[IndexEntry]] = {}
        for entry in entries:
            groups.setdefault(_initial(entry.name), []).append(entry)
        return [
            LetterGroup(letter, "other" if letter == "#" else letter.lower(), tuple(members))
            for letter, members in groups.items()
        ]

    def quotes_by(self, player_id: str) -> list[Citation]:
        """Every quote attributed to a player, with where it is used."""
        found = [
            self.citation(item, Link(event.title, self.urls.url(self.event_site_path(event.id))))
            for event, item in self.site.quotes_of(player_id)
        ]
        return _unique_quotes(found)

    def sources(self) -> list[SourceView]:
        """Every source with each quote or note that cites it and where it is used."""
        uses: dict[str, list[Citation]] = {source.id: [] for source in self.site.sources}
        for event in self.site.events_in_order():
            used_in = Link(event.title, self.urls.url(self.event_site_path(event.id)))
            for item in event.evidence:
                uses[item.source].append(self.citation(item, used_in))
        for player in self.site.players:
            used_in = Link(player.name, self.urls.url(player_path(player.id)))
            for item in player.evidence:
                uses[item.source].append(self.citation(item, used_in))
        return [
            SourceView(
                id=source.id,
                anchor=f"source-{source.id}",
                title=source.title,
                kind=source.kind,
                publisher=source.publisher,
                url=source.url,
                published=date_view(source.published) if source.published else None,
                note=source.note,
                uses=tuple(uses[source.id]),
            )
            for source in self.site.sources
        ]


def _sort_name(name: str) -> str:
    """A name without accents, case-folded: "Émile" sorts with "Emil"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _initial(name: str) -> str:
    """The A-Z heading a name goes under; "#" for names that start with no letter A-Z."""
    first = _sort_name(name).lstrip()[:1].upper()
    return first if "A" <= first <= "Z" else "#"


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


def page_specs(site: Site, views: ViewBuilder) -> Iterator[PageSpec]:
    """Every page of the site, in a fixed order (so output is deterministic)."""
    config = site.config

    @functools.cache
    def all_events() -> list[EventView]:
        return [views.event(event) for event in site.events_in_order()]

    def home_context() -> dict[str, Any]:
        home = site.summary(config.home)
        events = all_events()
        return {
            "overview_html": views.markdown.render(home.markdown),
            "overview_title": home.meta.title,
            "key_events": [event for event in events if event.key],
            "open_events": [event for event in events if event.status in OPEN_STATUSES],
            "event_count": len(events),
            "player_count": len(site.players),
            "source_count": len(site.sources),
            "updates": update_views(site),
            "feed_url": views.urls.url(FEED),
        }

    yield PageSpec(HOME, "home.html", config.title, config.description, home_context)
    yield from timeline_specs(site, views)
    if len(site.players) > PLAYERS_BY_SIDE_LIMIT:
        yield PageSpec(
            PLAYERS,
            "players.html",
            "Key players",
            "Who is who in the story, from A to Z.",
            lambda: {"groups": [], "letters": views.letter_groups()},
        )
    else:
        yield PageSpec(
            PLAYERS,
            "players.html",
            "Key players",
            "Who is who in the story, grouped by side.",
            lambda: {"groups": views.side_groups(), "letters": []},
        )
    for player in site.players:
        yield PageSpec(
            player_path(player.id),
            "player.html",
            player.name,
            player.summary or f"{player.name}: {player.role}.",
            functools.partial(_player_context, site, views, player),
        )
    yield PageSpec(
        SOURCES,
        "sources.html",
        "Sources",
        "Every source of the explainer and every quote taken from it.",
        lambda: {"sources": views.sources()},
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
    yield PageSpec(NOT_FOUND, "404.html", "Page not found", "There is no page at this address.")


@dataclass(frozen=True)
class TimelinePartLink:
    """A part (a period) of a split timeline, in the navigation between parts."""

    label: str
    url: str
    count: int
    current: bool


def timeline_specs(site: Site, views: ViewBuilder) -> Iterator[PageSpec]:
    """The timeline: one page, or an index and a page per period (see Site.timeline_parts)."""
    as_of = date_view(site.config.as_of).text
    parts = site.timeline_parts
    if len(parts) == 1:
        yield PageSpec(
            TIMELINE,
            "timeline.html",
            "Timeline",
            f"Every event of the story in date order, as of {as_of}.",
            functools.partial(_timeline_context, site, views, parts[0].events, []),
        )
        return

    every = [
        TimelinePartLink(
            _part_label(part),
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

    first, last = _part_label(parts[0]), _part_label(parts[-1])
    yield PageSpec(
        TIMELINE,
        "timeline.html",
        "Timeline",
        f"Every event of the story by period, {first} to {last}, as of {as_of}.",
        functools.partial(_timeline_context, site, views, (), links(""), site.events_in_order()),
    )
    for part in parts:
        label = _part_label(part)
        yield PageSpec(
            timeline_part_path(part.slug),
            "timeline.html",
            f"Timeline: {label}",
            f"Every event of {label} in date order, as of {as_of}.",
            functools.partial(_timeline_context, site, views, part.events, links(part.slug)),
        )


def _part_label(part: TimelinePart) -> str:
    if part.first is None or part.last is None:
        return ""
    return period_range_label(part.first, part.last)


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
    `clock_note` (the clock times are shown on, when any event has a time), `status_labels`
    and `statuses` (those of the page's events).

    The chart and sections are built when the template first uses them, so that an error in
    building them is reported at that line of the template.
    """
    drawn = events if charted is None else charted
    return {
        "sections": Deferred(lambda: views.timeline(events)),
        "chart": Deferred(lambda: chart_view(site, drawn)),
        "parts": parts,
        "clock_note": views.clock_note(drawn),
        "status_labels": STATUS_LABELS,
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
    )
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
    ) -> None:
        self.site = site
        self.urls = UrlBuilder(base_url if base_url is not None else site.config.base_url)
        self.views = ViewBuilder(site, self.urls)
        if environment is None:
            environment = make_environment(template_dirs(user_templates))
        self.environment = environment
        environment.globals["url"] = self.urls.url
        self.pages = list(page_specs(site, self.views))
        nav_targets = {**BUILTIN_PATHS, **{s.slug: summary_path(s.slug) for s in site.summaries}}
        nav_labels = {
            "home": "Overview",
            "timeline": "Timeline",
            "players": "Key players",
            "sources": "Sources",
            **{s.slug: s.meta.title for s in site.summaries},
        }
        config = site.config
        self._nav_paths = [
            (nav_labels[entry], HOME if entry == config.home else nav_targets[entry])
            for entry in config.nav
        ]

    def render(self, spec: PageSpec) -> str:
        """One page's HTML; raise ContentError locating a template problem."""
        try:
            return self.environment.get_template(spec.template).render(self._context(spec))
        except ContentError:
            raise
        except Exception as error:  # template code can raise anything: 1 / 0, recursion
            raise ContentError([_template_problem(error, spec, self.environment)]) from error

    def extra_files(self) -> dict[str, str]:
        """Files made from the site as a whole: feed, sitemap, robots.txt."""
        return feed_files(self.site, self.urls, [spec.path for spec in self.pages])

    def _context(self, spec: PageSpec) -> dict[str, Any]:
        urls, config = self.urls, self.site.config
        nav = [NavItem(label, urls.url(path), path == spec.path) for label, path in self._nav_paths]
        return {
            **spec.make_context(),
            "site": {
                "title": config.title,
                "description": config.description,
                "language": config.language,
                "as_of": date_view(config.as_of),
                "publisher": config.publisher,
                "nav": nav,
                "home_url": urls.url(HOME),
                "sources_url": urls.url(SOURCES),
                "stylesheet": urls.url("static/style.css"),
            },
            "page": {
                "path": spec.path,
                "title": spec.title,
                "description": spec.description,
                "canonical": urls.absolute(spec.path) if spec.path != NOT_FOUND else None,
                "is_home": spec.path == HOME,
                "meta": page_meta(self.site, spec.path, spec.title, spec.description, urls),
            },
        }


def render_site(
    site: Site,
    user_templates: Path | None = None,
    base_url: str | None = None,
    *,
    environment: jinja2.Environment | None = None,
    reuse: Callable[[PageSpec], str | None] | None = None,
) -> dict[str, str]:
    """Render every page to HTML in memory; raise ContentError listing every template problem.

    For incremental rebuilds (build.py) `environment` keeps compiled templates between calls and
    `reuse` returns a page's previous HTML when nothing it shows has changed (None: render it).
    """
    renderer = SiteRenderer(site, user_templates, base_url, environment)
    pages: dict[str, str] = {}
    problems: list[Problem] = []
    for spec in renderer.pages:
        reused = reuse(spec) if reuse is not None else None
        if reused is not None:
            pages[spec.path] = reused
            continue
        try:
            pages[spec.path] = renderer.render(spec)
        except ContentError as error:
            problems += error.problems
    if problems:
        raise ContentError(unique_problems(problems))
    pages.update(renderer.extra_files())
    return pages


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
        close = difflib.get_close_matches(str(error.name), environment.list_templates(), n=1)
        return Problem(
            path,
            f"template not found: {error.name}",
            line,
            None,
            f"did you mean '{close[0]}'?" if close else "add the template to your templates folder",
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


@dataclass(frozen=True)
class UpdateView:
    """An entry of the explainer's change log."""

    date: DateView
    summary: str


def update_views(site: Site) -> list[UpdateView]:
    """The updates log, newest first."""
    ordered = sorted(site.updates, key=lambda update: update.date.sort_key(), reverse=True)
    return [UpdateView(date_view(update.date), update.summary) for update in ordered]


def chart_view(site: Site, events: Sequence[Event] | None = None) -> TimelineChart | None:
    """Geometry of the timeline overview SVG (see chart.py), or None without dated events."""
    lanes = site.config.timeline.lanes
    chart_events = [
        ChartEvent(
            event.id,
            event.title,
            event.dated,
            event.date.text(),
            event.status,
            event.group
            if lanes == "group"
            else STATUS_LABELS[event.status]
            if lanes == "status"
            else None,
        )
        for event in (site.events_in_order() if events is None else events)
    ]
    eras = [
        ChartEra(era.id, era.title, era.start.start_moment(), era.end.end_moment())
        for era in site.eras
    ]
    as_of = site.config.as_of
    return timeline_chart(chart_events, as_of, as_of.text(), eras)


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
