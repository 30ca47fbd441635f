"""ViewBuilder: turns the model into views (viewdata.py), with URLs from one UrlBuilder and
Markdown from one renderer, building each event's and player's view once per build."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from site_builder.datefmt import DateFormatter
from site_builder.dates import EventDate
from site_builder.i18n import update_kind_word, verification_words
from site_builder.markup import MarkdownConverter, MarkdownRenderer
from site_builder.mdengine import extensions_of
from site_builder.model import Event, Evidence, Media, Player, Source
from site_builder.quotes import quote_link
from site_builder.site import Site
from site_builder.urls import (
    HOME,
    UrlBuilder,
    event_path,
    player_path,
    source_path,
    summary_path,
    update_path,
)
from site_builder.viewdata import (
    Citation,
    CorrectionView,
    DateView,
    EventView,
    FactUse,
    ImageView,
    IndexEntry,
    LetterGroup,
    Link,
    LinkView,
    MediaView,
    PlayerGroup,
    PlayerView,
    SourceMark,
    SourceView,
    UpdateView,
    VerificationView,
    bio_scope,
    date_view,
    event_scope,
)
from site_builder.viewwords import (
    Alphabet,
    kind_label,
    link_kind_label,
    site_messages,
    status_label,
)


class ViewBuilder:
    """Turns the model into views, with URLs from one UrlBuilder and Markdown from one renderer."""

    def __init__(
        self,
        site: Site,
        urls: UrlBuilder,
        converter: MarkdownConverter | None = None,
        page_paths: Mapping[str, str] | None = None,
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
        # The page plan's pages by name (pages.PagePlan.paths): what `page:` links name.
        self._page_paths = dict(page_paths or {})

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
            if name in self._page_paths and name not in self._summary_slugs:
                return self._page_paths[name]
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


def _unique_quotes(citations: list[Citation]) -> list[Citation]:
    seen: set[str] = set()
    unique = []
    for citation in citations:
        if citation.quote not in seen:
            seen.add(citation.quote or "")
            unique.append(citation)
    return unique
