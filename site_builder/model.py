"""The explainer's content as plain, validated data: sources, players, events, summaries.

No IO happens here: no YAML, no Markdown, no Jinja. Field-level rules (types, required fields,
unknown fields, URL-safe ids, real dates) live on the models; rules that span files (references,
duplicates) live in `validate`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator, model_validator
from pydantic.functional_validators import AfterValidator, PlainValidator
from pydantic_core import PydanticCustomError

from site_builder.dates import DATE_SYNTAX_HINT, DateSyntaxError, FuzzyDate, parse_date
from site_builder.urls import TIMELINE, timeline_part_path

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# Marks a kind whose whole fact file failed to parse: any id of that kind may exist.
ANY_ID = "*"


@dataclass(frozen=True)
class Origin:
    """Where an item was written: its file, its position, and the positions of its fields."""

    path: str
    line: int
    column: int
    spots: Mapping[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)

    def at(self, *keys: str | int) -> tuple[int, int]:
        """Line and column of a field inside the item (the nearest known enclosing position)."""
        path = tuple(keys)
        while path:
            if path in self.spots:
                return self.spots[path]
            path = path[:-1]
        return (self.line, self.column)


UNKNOWN_ORIGIN = Origin(path="<unknown>", line=1, column=1)


def is_slug(value: str) -> bool:
    """True for a URL-safe id: lowercase letters and digits in hyphen-separated words."""
    return _SLUG.fullmatch(value) is not None


def suggest_slug(value: str, fallback: str = "my-id") -> str:
    """A URL-safe id made from `value`'s letters and digits ('Bob Smith' -> 'bob-smith')."""
    return "-".join(re.findall(r"[a-z0-9]+", value.lower())) or fallback


def _check_slug(value: str) -> str:
    if not is_slug(value):
        suggestion = suggest_slug(value)
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a URL-safe id",
            {
                "value": value,
                "hint": f"use lowercase letters, digits and hyphens, e.g. {suggestion!r}",
            },
        )
    return value


def _to_date(value: Any) -> FuzzyDate:
    if isinstance(value, FuzzyDate):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # YAML reads a bare year as a number
    if not isinstance(value, str):
        raise PydanticCustomError(
            "date_type",
            "a date must be text such as 2025-07-19, not {kind}",
            {"kind": type(value).__name__, "hint": DATE_SYNTAX_HINT},
        )
    try:
        return parse_date(value)
    except DateSyntaxError as error:
        raise PydanticCustomError("date", str(error), {"hint": error.hint}) from None


# Links written in YAML end up in href attributes: only schemes that cannot run code or smuggle
# content are allowed, and http(s) links must name a host. No whitespace or control characters
# anywhere, since browsers drop some of them ("java\tscript:") before reading the scheme.
_WEB_LINK = re.compile(r"(?:https?://[^\s/?#@]+(?:[/?#]\S*)?|mailto:[^\s/]\S*)", re.IGNORECASE)
_DOMAIN = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*", re.IGNORECASE
)
# A site path ("/", "/explainer/"): no '..' segment, no "//" (a host to a browser), no query.
_SITE_PATH = re.compile(r"/(?!/)(?:(?!\.\.(?:/|$))[^\s?#\\])*")


def _shown(value: str) -> str:
    """A value quoted for a message: cut short, invisible characters escaped (a tab as \\t)."""
    return repr(value if len(value) <= 60 else value[:59] + "…")


def _check_link(value: str) -> str:
    if _WEB_LINK.fullmatch(value):
        return value
    scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*)\s*:", value)
    if scheme and scheme.group(1).lower() in ("javascript", "data", "vbscript"):
        raise PydanticCustomError(
            "link_scheme",
            "'{scheme}:' links are refused: they can run code in the reader's browser",
            {
                "scheme": scheme.group(1).lower(),
                "hint": "link to the page itself with its https:// address",
            },
        )
    raise PydanticCustomError(
        "link",
        "{value} is not a web address",
        {
            "value": _shown(value),
            "hint": "write a full address starting with https://, http:// or mailto: "
            "(no spaces; no local paths like /file or ../file)",
        },
    )


def _check_base_url(value: str) -> str:
    if _SITE_PATH.fullmatch(value) or (
        _WEB_LINK.fullmatch(value) and value.lower().startswith(("http://", "https://"))
    ):
        return value
    raise PydanticCustomError(
        "base_url",
        "{value} is not a base URL",
        {
            "value": _shown(value),
            "hint": 'write "/" for the root of a domain, a path such as "/explainer/", or a '
            'full address such as "https://example.github.io/explainer/"',
        },
    )


def is_domain(value: str) -> bool:
    """True for a bare domain name such as explainer.example.org (no scheme, no path)."""
    return _DOMAIN.fullmatch(value) is not None


def _check_domain(value: str) -> str:
    if not is_domain(value):
        raise PydanticCustomError(
            "domain",
            "{value} is not a domain name",
            {
                "value": _shown(value),
                "hint": "write the bare domain, without https:// or a path, "
                "e.g. explainer.example.org",
            },
        )
    return value


Id = Annotated[StrictStr, AfterValidator(_check_slug)]
Link = Annotated[StrictStr, AfterValidator(_check_link)]
BaseUrl = Annotated[StrictStr, AfterValidator(_check_base_url)]
Domain = Annotated[StrictStr, AfterValidator(_check_domain)]
Date = Annotated[FuzzyDate, PlainValidator(_to_date)]
Text = Annotated[StrictStr, Field(min_length=1)]


class Record(BaseModel):
    """Base for content records: strict, immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    origin: Origin = Field(default=UNKNOWN_ORIGIN, exclude=True, repr=False)


class Evidence(Record):
    """What a fact rests on: a verbatim quote from a source, a note on a context source, or both."""

    source: Id
    quote: Text | None = None
    note: Text | None = None
    said_by: Id | None = None

    @model_validator(mode="after")
    def _quote_or_note(self) -> Evidence:
        if self.quote is None and self.note is None:
            raise PydanticCustomError(
                "evidence_empty",
                "evidence needs a 'quote' (verbatim from the source) or a 'note'",
                {"hint": 'add quote: "..." copied character for character from the source'},
            )
        return self


class Source(Record):
    """A source of facts: the report itself, or background added as context."""

    id: Id
    title: Text
    kind: Literal["report", "context"]
    published: Date | None = None
    publisher: Text | None = None
    url: Link | None = None
    note: Text | None = None


class Player(Record):
    """Someone or something that acts in the story."""

    id: Id
    name: Text
    role: Text
    kind: Literal["person", "organisation", "government", "place"] = "person"
    side: Id | None = None
    affiliation: Text | None = None
    summary: Text | None = None
    bio: Text | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class Event(Record):
    """Something that happened, is happening, or is proposed, on a date of known precision."""

    id: Id
    date: Date
    title: Text
    players: list[Id]
    when: Text | None = None
    date_source: Id | None = None
    status: Literal["happened", "proposed", "ongoing"] = "happened"
    key: bool = False
    body: Text | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class Update(Record):
    """One entry of the explainer's change log."""

    date: Date
    summary: Text


class SummaryMeta(Record):
    """A summary's front matter."""

    title: Text
    slug: Id
    description: Text
    order: int = 0


class Summary(BaseModel):
    """A Markdown summary page: its front matter and its Markdown body."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    meta: SummaryMeta
    markdown: str
    path: str
    body_line: int  # the file line where the Markdown body starts

    @property
    def slug(self) -> str:
        """The summary's URL slug."""
        return self.meta.slug


class Publisher(Record):
    """Who publishes the explainer."""

    name: Text
    url: Link | None = None


class Side(Record):
    """A group the players page lists players under."""

    id: Id
    label: Text


BUILTIN_PAGES = ("home", "timeline", "players", "sources")


@dataclass(frozen=True)
class MarkdownExtension:
    """One Markdown extension a site asks for: its name (an entry-point name such as `footnotes`
    or a dotted path such as `pymdownx.details`) and its options, as site.yaml gives them."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)


_EXTENSION_FORMAT = (
    "write each extension as '- name' or, with options, as '- name:' followed by "
    "'option: value' lines indented below it (the format of MkDocs' markdown_extensions)"
)


def _to_extension(value: Any) -> MarkdownExtension:
    """An item of `markdown_extensions`: a name, or a one-key mapping {name: {option: value}}."""
    if isinstance(value, MarkdownExtension):
        return value
    if isinstance(value, str) and value.strip():
        return MarkdownExtension(value.strip())
    if isinstance(value, dict) and len(value) > 1:
        raise PydanticCustomError(
            "extension",
            "one item names {count} extensions: {names}",
            {
                "count": len(value),
                "names": ", ".join(_shown(str(name)) for name in value),
                "hint": "start each extension on its own line with '- '; " + _EXTENSION_FORMAT,
            },
        )
    if isinstance(value, dict) and len(value) == 1:
        [(name, options)] = value.items()
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise PydanticCustomError(
                "extension_options",
                "the options of '{name}' should be a mapping of option: value, not {given}",
                {
                    "name": name,
                    "given": _shown(str(options)),
                    "hint": f"write them on the lines below '- {name}:', indented, one "
                    "'option: value' per line",
                },
            )
        if isinstance(name, str) and name.strip():
            return MarkdownExtension(name.strip(), options)
    raise PydanticCustomError(
        "extension",
        "{given} is not a Markdown extension entry",
        {"given": _shown(str(value)), "hint": _EXTENSION_FORMAT},
    )


MarkdownExtensionItem = Annotated[MarkdownExtension, PlainValidator(_to_extension)]


class SiteConfig(Record):
    """The explainer's settings, from site.yaml."""

    title: Text
    description: Text
    language: Text = "en"
    base_url: BaseUrl = "/"
    as_of: Date
    publisher: Publisher
    home: Id
    sides: list[Side] = Field(default_factory=list)
    nav: list[Id] = Field(default_factory=lambda: list(BUILTIN_PAGES))
    # Custom domain written to CNAME by `site-builder deploy` (e.g. explainer.example.org).
    cname: Domain | None = None
    # Python-Markdown extensions, as in MkDocs; None: markup.DEFAULT_EXTENSIONS.
    markdown_extensions: tuple[MarkdownExtensionItem, ...] | None = None

    @field_validator("markdown_extensions", mode="before")
    @classmethod
    def _extensions_as_list(cls, value: Any) -> Any:
        # MkDocs also takes a mapping {name: options}: the same entries, in order.
        return (
            [{name: options} for name, options in value.items()]
            if isinstance(value, dict)
            else value
        )


# Past this many events the timeline is split into a page per year.
TIMELINE_PAGE_LIMIT = 500


@dataclass(frozen=True)
class Site:
    """Everything the explainer holds, loaded and validated, with lookups by id."""

    config: SiteConfig
    sources: tuple[Source, ...]
    players: tuple[Player, ...]
    events: tuple[Event, ...]
    summaries: tuple[Summary, ...]
    updates: tuple[Update, ...] = ()
    # Ids of items that failed to load (already reported), by kind, so that references to
    # them are not reported a second time as "unknown".
    unusable_ids: Mapping[str, frozenset[str]] = field(default_factory=dict)

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
        """Events by date (earliest possible day, then latest), ties kept in file order."""
        return list(self._events_sorted)

    @cached_property
    def _events_sorted(self) -> tuple[Event, ...]:
        # Sorted once: rendering asks for this order once per player page.
        return tuple(sorted(self.events, key=lambda event: event.date.sort_key()))

    @cached_property
    def timeline_parts(self) -> tuple[tuple[str, tuple[Event, ...]], ...]:
        """(label, events in order) of each timeline page.

        One unlabelled part while the timeline fits one page; past TIMELINE_PAGE_LIMIT events a
        page per year (a twenty-thousand-event page is not a page a reader can use).
        """
        events = self._events_sorted
        if len(events) <= TIMELINE_PAGE_LIMIT:
            return (("", events),)
        years: dict[str, list[Event]] = {}
        for event in events:
            years.setdefault(str(event.date.first_day().year), []).append(event)
        return tuple((year, tuple(items)) for year, items in years.items())

    def timeline_page_of(self, event_id: str) -> str:
        """Site path of the timeline page that shows an event."""
        return self._timeline_pages.get(event_id, TIMELINE)

    @cached_property
    def timeline_pages(self) -> Mapping[str, tuple[Event, ...]]:
        """The events each timeline page shows, by the page's site path."""
        return {timeline_part_path(label): events for label, events in self.timeline_parts}

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
