"""The explainer's content as plain, validated data: sources, players, events, summaries.

No IO happens here: no YAML, no Markdown, no Jinja. Field-level rules (types, required fields,
unknown fields, URL-safe ids, real dates) live on the models; rules that span files (references,
duplicates) live in `validate`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.functional_validators import AfterValidator, PlainValidator
from pydantic_core import PydanticCustomError

from site_builder.clock import Clock, check_zone
from site_builder.dateparse import parse_date, parse_event_date
from site_builder.dates import (
    DATE_SYNTAX_HINT,
    SECONDS_PER_DAY,
    DateSyntaxError,
    EventDate,
    FuzzyDate,
    UnknownDate,
)
from site_builder.insets import axis_bounds, find_burst
from site_builder.periods import GROUPING_STEPS, Period, Step, grouping_step
from site_builder.quotes import EXACT_MATCH_LIMIT, SourceIndex, encode_term
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


def _clock(info: ValidationInfo) -> Clock:
    """The clock times of day are read on: the loader's (the site's time zone), or, inside
    site.yaml itself, its own `timezone` field (validated before `as_of`)."""
    context = info.context if isinstance(info.context, dict) else {}
    clock = context.get("clock")
    if isinstance(clock, Clock):
        return clock
    data = info.data if isinstance(info.data, dict) else {}
    if "timezone" not in data and info.field_name == "as_of":
        return Clock(known=False)  # the time zone is invalid (reported): say nothing more
    zone = data.get("timezone")
    return Clock(zone) if isinstance(zone, str) else Clock()


def _date_text(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # YAML reads a bare year as a number
    if not isinstance(value, str):
        raise PydanticCustomError(
            "date_type",
            "a date must be text such as 2025-07-19, not {kind}",
            {"kind": type(value).__name__, "hint": DATE_SYNTAX_HINT},
        )
    return value


def _to_date(value: Any, info: ValidationInfo) -> FuzzyDate:
    if isinstance(value, FuzzyDate):
        return value
    try:
        return parse_date(_date_text(value), _clock(info))
    except DateSyntaxError as error:
        raise PydanticCustomError("date", str(error), {"hint": error.hint}) from None


def _to_event_date(value: Any, info: ValidationInfo) -> EventDate:
    if isinstance(value, FuzzyDate | UnknownDate):
        return value
    try:
        return parse_event_date(_date_text(value), _clock(info))
    except DateSyntaxError as error:
        raise PydanticCustomError("date", str(error), {"hint": error.hint}) from None


def _in_common_era(value: FuzzyDate) -> FuzzyDate:
    last = value.end or value.start
    if value.start.year < 1 or last.year > 9999:
        raise PydanticCustomError(
            "date_era",
            "this date must fall in the years 1 to 9999",
            {"hint": "the explainer's own dates (as of, updates) are dates of our era"},
        )
    return value


def _check_zone_name(value: str) -> str:
    try:
        return check_zone(value)
    except DateSyntaxError as error:
        raise PydanticCustomError("timezone", str(error), {"hint": error.hint}) from None


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
# An event's date may also be `unknown` (checked against its status in validate.py).
EventDateField = Annotated[EventDate, PlainValidator(_to_event_date)]
# The explainer's own dates (as_of, the updates log): years 1 to 9999, which feeds can carry.
OwnDate = Annotated[FuzzyDate, PlainValidator(_to_date), AfterValidator(_in_common_era)]
ZoneName = Annotated[StrictStr, AfterValidator(_check_zone_name)]
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


# Image files an item may show; anything else is linked, not shown.
_MEDIA_PATH = re.compile(r"(?!/)(?!.*(?:^|/)\.\.?(?:/|$))[^\\:\s?#*]+", re.ASCII)
_HTTPS = re.compile(r"https://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)


def is_https(value: str) -> bool:
    """True for an https:// address with a host."""
    return _HTTPS.fullmatch(value) is not None


def _check_media_ref(value: str) -> str:
    if is_https(value):
        return value
    if value.lower().startswith("http://"):
        raise PydanticCustomError(
            "media_http",
            "{value} is not https: pages served over https cannot load it",
            {"value": _shown(value), "hint": "use the https:// address of the same file"},
        )
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        raise PydanticCustomError(
            "media_scheme",
            "{value} is neither an https:// address nor a file in content/media/",
            {
                "value": _shown(value),
                "hint": "write a file name such as photo.jpg (in "
                "content/media/) or an https:// address",
            },
        )
    if value.startswith("media/"):
        raise PydanticCustomError(
            "media_prefix",
            "{value}: media paths are written from inside content/media/",
            {"value": _shown(value), "hint": f"write {value.removeprefix('media/')!r}"},
        )
    if not _MEDIA_PATH.fullmatch(value):
        raise PydanticCustomError(
            "media_path",
            "{value} is not a file name inside content/media/",
            {
                "value": _shown(value),
                "hint": "write the file's path from content/media/, e.g. photo.jpg or "
                "2021/photo.jpg (no '..', no leading '/', no spaces)",
            },
        )
    return value


MediaRef = Annotated[StrictStr, AfterValidator(_check_media_ref)]

# A file inside the content folder, written from there: no absolute path, no '..', no scheme.
_CONTENT_PATH = re.compile(r"(?!/)(?!.*(?:^|/)\.\.?(?:/|$))[^\\:\s?#*]+", re.ASCII)


def _check_content_path(value: str) -> str:
    if not _CONTENT_PATH.fullmatch(value) or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        raise PydanticCustomError(
            "content_path",
            "{value} is not a file inside the content folder",
            {
                "value": _shown(value),
                "hint": "write the file's path from the content folder, e.g. "
                "sources/report.txt (no '..', no leading '/', no spaces, no web address)",
            },
        )
    return value


ContentPath = Annotated[StrictStr, AfterValidator(_check_content_path)]

# What a fact's standing is. A verified fact (the default) must cite evidence; an unconfirmed or
# disputed one may not yet, and readers see a badge saying so; a retracted one stays on the
# site struck through, next to the correction that retracts it.
Verification = Literal["verified", "unconfirmed", "disputed", "retracted"]
MAY_BE_UNCITED: frozenset[str] = frozenset({"unconfirmed", "disputed"})
FACT_KINDS = ("event", "player")
_FACT_REF = re.compile(r"(?:(event|player):)?([a-z0-9]+(?:-[a-z0-9]+)*)")


def parse_fact_ref(value: str) -> tuple[str | None, str]:
    """("event", "x") for "event:x", (None, "x") for a bare id that may name either kind."""
    match = _FACT_REF.fullmatch(value)
    if match is None:
        raise ValueError(value)
    return match.group(1), match.group(2)


def _check_fact_ref(value: str) -> str:
    try:
        parse_fact_ref(value)
    except ValueError:
        raise PydanticCustomError(
            "fact_ref",
            "'{value}' does not name a fact",
            {
                "value": value,
                "hint": "write the id of an event or a player, e.g. some-event, or "
                "event:ID / player:ID when an event and a player share the id",
            },
        ) from None
    return value


FactRef = Annotated[StrictStr, AfterValidator(_check_fact_ref)]


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


class Publisher(Record):
    """Who publishes the explainer."""

    name: Text
    url: Link | None = None


class Group(Record):
    """A group of players the players page lists together, under its label."""

    id: Id
    label: Text


class PlayerKind(Record):
    """A kind of player declared in site.yaml: its label and its schema.org type."""

    id: Id
    label: Text
    schema_type: Annotated[StrictStr, Field(pattern=r"^[A-Z][A-Za-z]+$")] = Field(
        default="Thing", alias="schema"
    )


# The kinds of player every site has, with their schema.org types; their labels are in the
# message catalogue (kind_person, ...). A site adds its own under `kinds:` in site.yaml.
DEFAULT_KINDS: Mapping[str, str] = {
    "person": "Person",
    "organisation": "Organization",
    "government": "GovernmentOrganization",
    "place": "Place",
    "object": "Thing",  # a ship, a product, a spacecraft
}
# schema.org types that are places: only players of these become an event's location.
PLACE_TYPES = frozenset(
    {
        "Place", "AdministrativeArea", "City", "Country", "State", "Continent", "Landform",
        "BodyOfWater", "CivicStructure", "Airport", "Port", "LandmarksOrHistoricalBuildings",
        "TouristAttraction", "Residence", "Accommodation",
    }
)  # fmt: skip

# What the site is; the home page's schema.org type follows it.
SITE_KINDS: Mapping[str, str] = {
    "explainer": "BackgroundNewsArticle",
    "history": "Article",
    "live": "LiveBlogPosting",
    "news": "NewsArticle",
    "analysis": "AnalysisNewsArticle",
    "reportage": "ReportageNewsArticle",
}

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


class TimelineOptions(Record):
    """How the timeline is drawn (site.yaml `timeline:`)."""

    # One lane of the chart per value of the events' `lane` (or per status); none: one lane.
    lanes: Literal["lane", "status", "none"] = "lane"
    # Every dated event must fall inside an era of facts/eras.yaml.
    eras_required: bool = False


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
    language: Text = "en"  # BCP 47; checked against CLDR when the site is validated
    kind: Literal[
        "explainer", "history", "live", "news", "analysis", "reportage"
    ] = "explainer"  # fmt: skip
    base_url: BaseUrl = "/"
    # The IANA time zone times of day are written and shown in (before as_of: it reads in it).
    timezone: ZoneName | None = None
    as_of: OwnDate
    publisher: Publisher
    home: Id
    groups: list[Group] = Field(default_factory=list)
    kinds: list[PlayerKind] = Field(default_factory=list)
    # Overrides of the theme's words, by label id (see docs/labels.md); checked in validation.
    labels: dict[StrictStr, Any] = Field(default_factory=dict)
    # The menu, by page name and summary slug; None: the page plan's menu (pages.py).
    nav: list[Id] | None = None
    # Custom domain written to CNAME by `site-builder deploy` (e.g. explainer.example.org).
    cname: Domain | None = None
    # The day the explainer stopped being updated: every page then says so, with the date.
    no_longer_updated: OwnDate | None = None
    timeline: TimelineOptions = Field(default_factory=TimelineOptions)
    # Python-Markdown extensions, as in MkDocs; None: markup.DEFAULT_EXTENSIONS.
    markdown_extensions: tuple[MarkdownExtensionItem, ...] | None = None

    @property
    def clock(self) -> Clock:
        """The clock times of day are read on."""
        return Clock(self.timezone)

    @field_validator("markdown_extensions", mode="before")
    @classmethod
    def _extensions_as_list(cls, value: Any) -> Any:
        # MkDocs also takes a mapping {name: options}: the same entries, in order.
        return (
            [{name: options} for name, options in value.items()]
            if isinstance(value, dict)
            else value
        )

    def kind_schema_types(self) -> dict[str, str]:
        """Every kind of player this site knows, with its schema.org type."""
        return {**DEFAULT_KINDS, **{kind.id: kind.schema_type for kind in self.kinds}}


# Every page's HTML and CSS stays under this many bytes (build reports pages over it).
PAGE_BUDGET = 50 * 1024
# What a timeline page weighs besides its events (header, navigation, footer, chart frame and
# key, the embed code, stylesheet), and what each event adds besides its words (list entry,
# JSON-LD item, chart mark, media): measured on the default theme, so that a timeline is split
# before a page outgrows the budget (tests/test_timeline_spans.py holds the pages of 200 events
# to it).
_PAGE_BYTES = 22_600
_EVENT_BYTES = 560
_CITATION_BYTES = 190  # the list item and the source's numbered mark
_STANDING_BYTES = 300  # badge, explanation, JSON-LD description, chart label of a standing
_CORRECTION_BYTES = 300  # a correction's paragraph and its CorrectionComment
_PLAYER_BYTES = 70
_MEDIA_BYTES = 130  # a figure and its caption, or a link in the list of media
_ERA_BYTES = 700
# A chart's inset (insets.find_burst): its heading, axis and bracket, and each era's band again.
_INSET_BYTES = 2_800
_INSET_ERA_BYTES = 300
# Past this many events a page is no longer a page a reader can use, however light.
TIMELINE_PAGE_EVENTS = 150


def _size(text: str | None) -> int:
    """Bytes of a text on a page (UTF-8: a Cyrillic letter is two)."""
    return len(text.encode("utf-8")) if text else 0


@dataclass(frozen=True)
class TimelinePart:
    """One page of a split timeline: its URL slug, the periods it runs over, its events."""

    slug: str
    first: Period | None  # None: the whole timeline on one page
    last: Period | None
    events: tuple[Event, ...]


def _part(first: Period, last: Period, events: tuple[Event, ...]) -> TimelinePart:
    slug = first.slug() if first == last else f"{first.slug()}-{last.slug()}"
    return TimelinePart(slug, first, last, events)


def _by_period(events: Sequence[Event], step: Step) -> list[tuple[Period, list[Event]]]:
    """Events in runs by the period of `step` their start falls in; an undated event, or one
    placed after another, stays with the event before it."""
    runs: list[tuple[Period, list[Event]]] = []
    waiting: list[Event] = []  # undated events before any dated one
    for event in events:
        date = event.dated
        if date is not None and (event.after is None or not runs):
            start = step.floor(date.start_moment())
            period = Period(start, step.next(start), step)
            if not runs or runs[-1][0] != period:
                runs.append((period, []))
        if runs:
            runs[-1][1].extend([*waiting, event])
            waiting.clear()
        else:
            waiting.append(event)
    return runs


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
        inset = _INSET_BYTES + _INSET_ERA_BYTES * len(self.eras)
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
            _ERA_BYTES + 2 * _size(era.title) + _size(era.body) * 11 // 10 for era in self.eras
        )
        return _PAGE_BYTES + eras

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
        words = 3 * _size(event.title) + _size(event.when) + _size(event.body) * 11 // 10
        for item in event.evidence:
            source = sources.get(item.source)
            words += _CITATION_BYTES + _size(item.quote) + _size(item.note)
            if source is not None and source.url and item.quote:
                # The quote opens its source at its words: the address and a percent-encoded
                # text fragment (a long quote's is shorter: its first and last words).
                words += 25 + len(source.url) + len(encode_term(item.quote[:EXACT_MATCH_LIMIT]))
        if event.verification != "verified":
            words += _STANDING_BYTES + 2 * _size(event.verification_note)
        for entry in self.corrections_of("event", event.id):
            words += _CORRECTION_BYTES + 2 * _size(entry.update.summary)
        for player_id in event.players:
            player = players.get(player_id)
            words += _PLAYER_BYTES + len(player_id) + (_size(player.name) if player else 0)
        for media in event.media:
            fields = (media.image, media.link, media.alt, media.title, media.caption, media.credit)
            words += _MEDIA_BYTES + sum(_size(value) for value in fields)
        return _EVENT_BYTES + words

    def _split(self, events: Sequence[Event], step: Step, has_time: bool) -> list[TimelinePart]:
        """Pages of whole periods of `step`: neighbouring periods share a page, in runs of even
        weight, while it fits; a period that does not fit alone is split by the next finer
        step."""
        finer = [s for s in GROUPING_STEPS if s.seconds() < step.seconds()]
        if not has_time:
            finer = [s for s in finer if s.seconds() >= SECONDS_PER_DAY]
        found: list[TimelinePart] = []
        fitting: list[tuple[Period, list[Event]]] = []
        for period, members in _by_period(events, step):
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
                    _part(periods[run[0]][0], periods[run[-1]][0], tuple(items))
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


def order_events(events: Sequence[Event]) -> tuple[Event, ...]:
    """Events in timeline order: by the dates' ordering rule (dates.py), ties in file order,
    undated events last; an event with `after` comes right after the event it names (events
    after the same one in date order). References `after` cannot follow (unknown ids, cycles:
    reported by validate.py) leave an event where its date puts it."""
    ids = {event.id for event in events}
    placed_after = [e for e in events if e.after is not None and e.after in ids and e.after != e.id]
    followers: dict[str, list[Event]] = {}
    for event in sorted(placed_after, key=_event_key):
        followers.setdefault(event.after or "", []).append(event)
    anchored = {id(event) for event in placed_after}
    ordered: list[Event] = []
    seen: set[int] = set()
    roots = sorted((event for event in events if id(event) not in anchored), key=_event_key)
    for root in roots:
        stack = [root]
        while stack:  # depth first, without recursion: chains of `after` can be long
            event = stack.pop()
            if id(event) in seen:
                continue
            seen.add(id(event))
            ordered.append(event)
            stack.extend(reversed(followers.get(event.id, [])))
    # Events in a cycle of `after` (reported by validate.py) keep their date's place at the end.
    ordered += [event for event in events if id(event) not in seen]
    return tuple(ordered)


def _event_key(event: Event) -> tuple[int, int, int]:
    date = event.dated
    if date is None:
        return (1, 0, 0)
    start, end = date.sort_key()
    return (0, start, end)
