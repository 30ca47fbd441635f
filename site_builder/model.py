"""The explainer's content as plain, validated data: sources, players, events, summaries.

No IO happens here: no YAML, no Markdown, no Jinja. Field-level rules (types, required fields,
unknown fields, URL-safe ids, real dates) live on the models and their field types
(`fieldtypes`); rules that span files (references, duplicates) live in `validate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from site_builder.dates import FuzzyDate
from site_builder.fieldtypes import (
    ContentPath,
    Date,
    EventDateField,
    FactRef,
    Id,
    Link,
    MediaRef,
    OwnDate,
    Text,
)

# Marks a kind whose whole fact file failed to parse: any id of that kind may exist.
ANY_ID = "*"


@dataclass(frozen=True)
class Origin:
    """Where an item was written: its file, its position, and the positions of its fields."""

    path: str
    line: int
    column: int
    spots: Mapping[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)
    # Fields that failed their checks, for a record kept only to check the rest (Site.partial).
    failed: frozenset[str] = frozenset()

    def at(self, *keys: str | int) -> tuple[int, int]:
        """Line and column of a field inside the item (the nearest known enclosing position)."""
        path = tuple(keys)
        while path:
            if path in self.spots:
                return self.spots[path]
            path = path[:-1]
        return (self.line, self.column)


UNKNOWN_ORIGIN = Origin(path="<unknown>", line=1, column=1)


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


# What a fact's standing is. A verified fact (the default) must cite evidence; an unconfirmed or
# disputed one may not yet, and readers see a badge saying so; a retracted one stays on the
# site struck through, next to the correction that retracts it.
Verification = Literal["verified", "unconfirmed", "disputed", "retracted"]
MAY_BE_UNCITED: frozenset[str] = frozenset({"unconfirmed", "disputed"})


class Media(Record):
    """A picture shown with an event or player, or a link to a video, audio or document."""

    image: MediaRef | None = None  # a file in content/media/ or an https:// address
    link: MediaRef | None = None
    alt: StrictStr | None = None  # what the image shows, for readers who cannot see it
    decorative: bool = False  # an image that adds nothing to the text: empty alt
    caption: Text | None = None
    credit: Text | None = None
    title: Text | None = None  # a link's text
    kind: Literal["video", "audio", "document"] | None = None  # a link's kind, else from its name
    # Kept off the site, and listed by `check`: an imported picture waits here for its alt text.
    draft: bool = False

    @model_validator(mode="after")
    def _image_or_link(self) -> Media:
        if (self.image is None) == (self.link is None):
            raise PydanticCustomError(
                "media_what",
                "a media item is either an 'image' or a 'link'",
                {"hint": "write image: photo.jpg (with alt) or link: https://... (with title)"},
            )
        if self.image is not None:
            if self.decorative and self.alt:
                raise PydanticCustomError(
                    "media_alt_decorative",
                    "a decorative image has an empty alt",
                    {
                        "hint": "remove 'alt', or remove 'decorative: true' if the image "
                        "tells the reader something"
                    },
                )
            if not (self.decorative or self.draft or self.has_alt):
                raise PydanticCustomError(
                    "media_alt",
                    "an image needs 'alt': a short description of what it shows",
                    {
                        "hint": 'add alt: "..." for readers who cannot see the image, or '
                        "decorative: true if it adds nothing to the text (draft: true keeps "
                        "it off the site until then)"
                    },
                )
        elif self.title is None:
            raise PydanticCustomError(
                "media_title",
                "a link needs a 'title': the text readers click",
                {"hint": 'add title: "Video of ..."'},
            )
        return self

    @property
    def has_alt(self) -> bool:
        """True when the item's alt text says something."""
        return bool(self.alt and self.alt.strip())

    @property
    def link_kind(self) -> str:
        """video, audio or document: as written, else from the file name's ending."""
        if self.kind is not None:
            return self.kind
        path = (self.link or "").split("?", 1)[0].split("#", 1)[0].lower()
        if path.endswith((".mp4", ".webm", ".mov", ".m4v", ".ogv")):
            return "video"
        if path.endswith((".mp3", ".ogg", ".oga", ".wav", ".m4a", ".flac", ".opus")):
            return "audio"
        return "document"


@dataclass(frozen=True)
class MediaFile:
    """A file of content/media/ as the site serves it: an image's resized web copy (with its
    size), or a linked document copied as it is."""

    source: str  # the name written in content (inside content/media/)
    path: str  # site path of the copy ("media/ship-1a2b3c4d5e.jpg")
    data: bytes = field(repr=False)
    width: int | None = None
    height: int | None = None


class Source(Record):
    """A source of facts: the report itself, or background added as context."""

    id: Id
    title: Text
    kind: Literal["report", "context"]
    published: Date | None = None
    publisher: Text | None = None
    url: Link | None = None
    archived_url: Link | None = None  # a copy kept by an archive (the Wayback Machine ...)
    retrieved: OwnDate | None = None  # when the editors read it at `url`
    # Its text, a UTF-8 file inside the content folder: every quote citing the source is
    # checked against it on every check and build, and quotes link into `url` at their words.
    text: ContentPath | None = None
    note: Text | None = None
    draft: bool = False


class Player(Record):
    """Someone or something that acts in the story."""

    id: Id
    name: Text
    role: Text
    kind: Id = "person"  # one of DEFAULT_KINDS or a kind declared in site.yaml
    group: Id | None = None
    affiliation: Text | None = None
    summary: Text | None = None
    bio: Text | None = None
    media: list[Media] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    verification: Verification = "verified"
    verification_note: Text | None = None  # what is unconfirmed or disputed, and by whom
    draft: bool = False


Status = Literal["happened", "ongoing", "proposed", "postponed", "cancelled"]
# Statuses whose date may be `unknown`: it has not been (or will not be) set.
UNDATED_STATUSES = ("proposed", "postponed", "cancelled")


class Event(Record):
    """Something that happened, is happening, is proposed, postponed or cancelled, on a date of
    known precision (or `unknown`, for an event that has no date yet)."""

    id: Id
    date: EventDateField
    title: Text
    players: list[Id] = Field(default_factory=list)
    when: Text | None = None
    date_source: Id | None = None
    status: Status = "happened"
    # The event this one comes right after, when the dates alone cannot say (they overlap, or
    # this date is unknown).
    after: Id | None = None
    lane: Text | None = None  # a thread of the story: a lane of the chart (site.yaml timeline)
    key: bool = False
    body: Text | None = None
    media: list[Media] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    verification: Verification = "verified"
    verification_note: Text | None = None  # what is unconfirmed or disputed, and by whom
    draft: bool = False

    @property
    def dated(self) -> FuzzyDate | None:
        """The date, or None when it is unknown."""
        return self.date if isinstance(self.date, FuzzyDate) else None


UPDATE_KINDS = ("update", "correction", "clarification")
# Kinds of update shown beside the facts they name, on every page that shows those facts.
CORRECTING_KINDS = frozenset({"correction", "clarification"})


class Era(Record):
    """A phase of the story (facts/eras.yaml): a band on the chart, a section of the list."""

    id: Id
    title: Text
    start: Date
    end: Date
    body: Text | None = None

    def contains(self, moment: int) -> bool:
        """True when a moment falls inside the era."""
        return self.start.start_moment() <= moment < self.end.end_moment()


class Update(Record):
    """One entry of the explainer's change log: an update, a correction or a clarification."""

    date: OwnDate
    summary: Text
    kind: Literal["update", "correction", "clarification"] = "update"
    facts: list[FactRef] = Field(default_factory=list)  # the events and players it concerns
    sources: list[Id] = Field(default_factory=list)  # sources it added or rests on
    draft: bool = False


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


# Fields renamed since content was first written: the old name keeps working, with a warning.
RENAMED_FIELDS: Mapping[str, Mapping[str, str]] = {
    "SiteConfig": {"sides": "groups"},
    "Player": {"side": "group"},
    # An event's chart lane was called `group`, like a player's (an id of site.yaml's groups).
    "Event": {"group": "lane"},
}
# Values renamed since content was first written, by model and field path: the old value keeps
# working, with a warning.
RENAMED_VALUES: Mapping[str, Mapping[tuple[str, ...], Mapping[str, str]]] = {
    "SiteConfig": {("timeline", "lanes"): {"group": "lane"}},
}


@dataclass(frozen=True)
class SourceText:
    """The text of a source, as read from the file its `text` names (or --source-text)."""

    path: str  # where it was read from, for messages
    text: str = field(repr=False)


@dataclass(frozen=True)
class Draft:
    """An entry marked `draft: true`: checked for its fields, kept off the site."""

    kind: str  # event, player, source, update; "image of event" ... for a media item
    name: str  # its id, or an update's date; a media item's event or player
    path: str
    line: int
    note: str = ""  # what is left to do before it can be shown, when something is
