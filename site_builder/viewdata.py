"""What templates receive: plain, display-ready view data (dates, links, citations, events,
players, sources, updates, the menu), and the id prefixes that keep a page's ids apart."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.datefmt import DateFormatter
from site_builder.dates import EventDate


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
