"""The TimelineJS sheet formats' columns, the slides a timeline file is read into with the
problems found while reading it, and what an import is asked and gives back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from site_builder.errors import ContentError, Problem
from site_builder.timelinejs import DateObject

# --------------------------------------------------------------------------- the sheet formats

# The header rows of the Google Sheets templates: the current one (its "Alt Text" column was
# added in December 2024, and may be in any position) and the older one (its dates as text in
# two columns, its lanes under "Tag").
TEMPLATE = (
    "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
    "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
    "Media Thumbnail", "Type", "Group", "Background", "Alt Text",
)  # fmt: skip
OLD_TEMPLATE = (
    "Start Date", "End Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
    "Media Thumbnail", "Type", "Tag",
)  # fmt: skip
# The columns TimelineJS3 reads from either (src/js/core/ConfigFactory.js,
# extractEventFromCSVObject): a sheet's dates follow its template, the rest is read alike.
CURRENT_COLUMNS = (*TEMPLATE, "Tag")
OLD_COLUMNS = (*OLD_TEMPLATE, "Display Date", "Group", "Background", "Alt Text")


# Limits far above any real timeline (TimelineJS itself is designed for 12 to 20 slides).
MAX_SOURCE_BYTES = 20 * 1024 * 1024
_MAX_ID = 60


# --------------------------------------------------------------------------- slides


@dataclass(frozen=True)
class Note:
    """Something the import could not bring along (`dropped`) or changed on the way, where."""

    where: str  # "row 5", "event 3", "the title slide", "era 2", "the file"
    message: str
    dropped: bool = True


@dataclass
class Media:
    """A slide's media object."""

    url: str = ""
    caption: str = ""
    credit: str = ""
    alt: str = ""
    title: str = ""
    thumbnail: str = ""
    link: str = ""


@dataclass
class Slide:
    """One slide of a timeline (an event, the title or an era), as the file gives it.

    `at(field)` is where a field is written, for messages: a line and column in a JSON file, the
    row's first line in a sheet (the message names the column).
    """

    kind: str  # event, title or era
    where: str  # "row 5" / "event 3" / "the title slide" / "era 2"
    at: Callable[[str], tuple[int | None, int | None]]
    start: DateObject | None = None
    end: DateObject | None = None
    display_date: str = ""
    start_display: str = ""
    end_display: str = ""
    headline: str = ""
    text: str = ""
    media: Media | None = None
    group: str = ""
    background: str = ""  # what it was, in words, for the report
    unique_id: str = ""
    autolink: bool = True


@dataclass
class Timeline:
    """What a TimelineJS file holds: its title slide, events and eras, in the file's order."""

    kind: str  # "TimelineJS JSON file", "TimelineJS sheet", "TimelineJS sheet (old format)"
    title: Slide | None = None
    events: list[Slide] = field(default_factory=list)
    eras: list[Slide] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # Problems of single slides (a date that is not a number): reported with those the
    # conversion finds, all at once.
    problems: list[Problem] = field(default_factory=list)


class _Problems:
    """Problems found while reading a file: all of them are reported at the end."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[Problem] = []

    def add(self, slide: Slide | None, name: str, message: str, hint: str) -> None:
        line, column = slide.at(name) if slide is not None else (None, None)
        where = f"{slide.where}: " if slide is not None else ""
        self.found.append(Problem(self.path, where + message, line, column, hint))

    def raise_any(self) -> None:
        if self.found:
            raise ContentError(self.found)


@dataclass(frozen=True)
class ImportOptions:
    """How to write the imported content."""

    source_id: str = "timelinejs"
    timezone: str | None = None  # the time zone the timeline's times of day are in
    today: str = "2025-01-01"  # the site's "as of" date (the day of the import)


@dataclass
class Imported:
    """The files of a content folder made from a timeline, and what the import says of it."""

    files: dict[str, str]  # relative path -> text
    kind: str
    events: int
    eras: int
    lanes: int
    images: int
    links: int
    missing_alt: int
    notes: list[Note]
    timezone: str | None
