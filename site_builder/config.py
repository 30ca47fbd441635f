"""The site's settings (site.yaml) as one typed, frozen record: `SiteConfig`, with the
publisher, the groups and kinds of player, the timeline's options; the kinds every site has.

No IO here: `records.parse_config` reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StrictStr, field_validator

from site_builder.clock import Clock
from site_builder.fieldtypes import (
    BaseUrl,
    Domain,
    Id,
    Link,
    MarkdownExtensionItem,
    OwnDate,
    Text,
    ZoneName,
)
from site_builder.model import Record


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


class TimelineOptions(Record):
    """How the timeline is drawn (site.yaml `timeline:`)."""

    # One lane of the chart per value of the events' `lane` (or per status); none: one lane.
    lanes: Literal["lane", "status", "none"] = "lane"
    # Every dated event must fall inside an era of facts/eras.yaml.
    eras_required: bool = False


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
