"""Import a TimelineJS timeline: a JSON file, or a CSV of the Google Sheets template in its
current format (Year, Month, Day, Time...) or its older one (Start Date, End Date, Tag).

Pure functions: `read_timeline` turns the file's text (its path is used in messages only) into
slides, `to_content` turns slides into the files of a content folder and a report. Dates keep
their precision (year, month, day, time, years before the common era; an end date makes a
range), `display_date` becomes the event's own wording of its date (`when`), headlines titles,
HTML text sanitised Markdown (importers/html.py), eras eras, groups lanes, media media, and the
title slide the site's title and overview. Every event is marked `verification: unconfirmed`,
its evidence left for the editor, and the timeline itself is a source; an image without alt text
is kept off the site (`draft: true`) until its alt is written, so the site builds at once and
`check` lists what is left. What cannot be brought along (backgrounds, thumbnails,
embedded players, rows without a date) is reported with its row or event number; input that
cannot be read (not JSON, no events, a sheet of neither format, a date that is not a number, an
era without an end, a script in the text, a `javascript:` media address) is refused with its
place, and nothing is written.

The format's rules are TimelineJS3's (site_builder/timelinejs.py says where each comes from).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder.clock import Clock
from site_builder.dateparse import parse_date
from site_builder.dates import MAX_YEAR_DIGITS, DateSyntaxError, FuzzyDate
from site_builder.errors import ContentError, Problem, closest
from site_builder.importers.html import (
    SCRIPT_ELEMENT,
    Converted,
    html_to_markdown,
    html_to_text,
    url_scheme,
)
from site_builder.importers.jsontext import parse_json
from site_builder.timelinejs import DateObject, media_type
from site_builder.yamlpos import Document, parse_yaml

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


def read_timeline(text: str, path: str) -> Timeline:
    """A TimelineJS JSON file or sheet (CSV) as slides; raise ContentError when it is not one
    (problems of single slides are kept in `problems`). A `.csv` file is a sheet, a `.json`
    file JSON; any other name is read as what its first character says."""
    suffix = Path(path).suffix.lower()
    is_json = suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("{", "["))
    return read_json(text, path) if is_json else read_sheet(text, path)


# --------------------------------------------------------------------------- JSON


def read_json(text: str, path: str) -> Timeline:
    """A TimelineJS JSON file ({"title": ..., "events": [...], "eras": [...]}) as slides."""
    document = parse_json(text, path)
    data = document.data
    problems = _Problems(path)
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise ContentError([_not_a_timeline(data, document, path)])
    timeline = Timeline("a TimelineJS JSON file")
    title = data.get("title")
    if isinstance(title, dict):
        timeline.title = _json_slide(title, ("title",), "title", "the title slide", document)
        _json_dates(timeline.title, title, problems, timeline.notes)
    for index, item in enumerate(data["events"]):
        where = f"event {index + 1}"
        if not isinstance(item, dict):
            timeline.notes.append(Note(where, "not an object {...}: not imported"))
            continue
        slide = _json_slide(item, ("events", index), "event", where, document)
        _json_dates(slide, item, problems, timeline.notes)
        timeline.events.append(slide)
    eras = data.get("eras")
    for index, item in enumerate(eras if isinstance(eras, list) else []):
        where = f"era {index + 1}"
        if not isinstance(item, dict):
            timeline.notes.append(Note(where, "not an object {...}: not imported"))
            continue
        slide = _json_slide(item, ("eras", index), "era", where, document)
        _json_dates(slide, item, problems, timeline.notes)
        timeline.eras.append(slide)
    timeline.problems = problems.found
    return timeline


def _not_a_timeline(data: Any, document: Document, path: str) -> Problem:
    if isinstance(data, dict) and isinstance(data.get("timeline"), dict):
        return Problem(
            path,
            'a TimelineJS 2 file ("timeline": {"date": [...]}), not a TimelineJS 3 one',
            *document.keys.get(("timeline",), (1, 1)),
            "convert it first with util/convert_json.py of the TimelineJS3 repository, or "
            "export the timeline's Google Sheet as CSV and import that",
        )
    if isinstance(data, dict) and "events" in data:
        return Problem(
            path,
            f"'events' should be a list of slides [...], not {_kind(data['events'])}",
            *document.values.get(("events",), (1, 1)),
            'write "events": [{"start_date": {"year": 2020}, "text": {"headline": "..."}}]',
        )
    return Problem(
        path,
        'not a TimelineJS file: there is no "events" list'
        + ("" if isinstance(data, dict) else f" (the file holds {_kind(data)})"),
        1,
        1,
        'a TimelineJS JSON file is an object {"title": {...}, "events": [...], "eras": [...]} '
        "(see TimelineJS' json-format documentation)",
    )


def _kind(value: Any) -> str:
    names = {list: "a list", dict: "an object", str: "text", bool: "true/false"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "null")


def _json_slide(
    item: dict[str, Any], base: tuple[str | int, ...], kind: str, where: str, document: Document
) -> Slide:
    def at(name: str) -> tuple[int | None, int | None]:
        keys = tuple(part for part in name.split(".") if part)
        spot = document.values.get((*base, *keys))
        while spot is None and keys:
            keys = keys[:-1]
            spot = document.values.get((*base, *keys))
        return spot if spot is not None else (None, None)

    text: dict[str, Any] = item["text"] if isinstance(item.get("text"), dict) else {}
    slide = Slide(kind, where, at)
    slide.headline = _string(text.get("headline"))
    slide.text = _string(text.get("text"))
    slide.display_date = _string(item.get("display_date"))
    slide.group = _string(item.get("group"))
    slide.unique_id = _string(item.get("unique_id"))
    slide.autolink = item.get("autolink") is not False
    media = item.get("media")
    if isinstance(media, dict):
        slide.media = Media(
            **{name: _string(media.get(name)) for name in Media.__dataclass_fields__}
        )
    background = item.get("background")
    if isinstance(background, dict):
        parts = [
            f"{name} {_string(background.get(name))}"
            for name in ("url", "color")
            if _string(background.get(name))
        ]
        slide.background = ", ".join(parts)
    elif isinstance(background, str):
        slide.background = background.strip()
    return slide


def _string(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _json_dates(slide: Slide, item: dict[str, Any], problems: _Problems, notes: list[Note]) -> None:
    for name in ("start_date", "end_date"):
        value = item.get(name)
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.add(
                slide,
                name,
                f'{name} should be a date object such as {{"year": 1963, "month": 8}}, '
                f"not {_kind(value)}",
                "write the date's parts as numbers: year (negative before the common era), "
                "month, day, hour, minute",
            )
            continue
        parts: dict[str, str] = {}
        for part in ("year", "month", "day", "hour", "minute", "second", "millisecond"):
            raw = value.get(part)
            if raw is None:
                continue
            if isinstance(raw, bool) or not isinstance(raw, int | float | str):
                parts[part] = "?"
            elif isinstance(raw, float):
                parts[part] = str(int(raw)) if raw.is_integer() else str(raw)
            else:
                parts[part] = str(raw)
        date = _date_object(slide, name, name, parts, problems, f" in {name}")
        if name == "start_date":
            slide.start = date
            slide.start_display = _string(value.get("display_date"))
        else:
            slide.end = date
            slide.end_display = _string(value.get("display_date"))
        if date is not None and date.millisecond:
            notes.append(Note(slide.where, f"the milliseconds of {name} (dates go to the second)"))


_INTEGER = re.compile(r"-?[0-9]+")


def _date_object(
    slide: Slide,
    name: str,
    label: str,
    parts: Mapping[str, str],
    problems: _Problems,
    hint_where: str,
) -> DateObject | None:
    """A date object from its parts as written (numbers as text); None after a problem.

    `name` locates the date in the file (start_date), `label` names it in messages.
    """
    numbers: dict[str, int] = {}
    for part, written in parts.items():
        written = written.strip()
        if not written:
            continue
        if not _INTEGER.fullmatch(written):
            problems.add(
                slide,
                f"{name}.{part}",
                f"{label}: the {part} {written!r} is not a number",
                f"write the {part} as digits{hint_where} (a year before the common era is "
                "negative: -500 is 500 BC)",
            )
            return None
        numbers[part] = int(written)
    if "year" not in numbers:
        if numbers:
            problems.add(
                slide, name, f"{label} has no year", f"every date needs a year{hint_where}"
            )
        return None
    order = ("month", "day", "hour")
    for finer, coarser in zip(order[1:], order, strict=False):
        if finer in numbers and coarser not in numbers:
            problems.add(
                slide,
                name,
                f"{label} has a {finer} but no {coarser}",
                f"give the {coarser} too{hint_where}, or leave the {finer} out",
            )
            return None
    return DateObject(**numbers)


# --------------------------------------------------------------------------- sheets (CSV)


def read_sheet(text: str, path: str) -> Timeline:
    """A CSV export of a TimelineJS Google Sheet, current or old format, as slides. Rows are
    numbered as the sheet numbers them: the header is row 1."""
    problems = _Problems(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(_rows_with_lines(reader))
    except csv.Error as error:
        raise ContentError(
            [
                Problem(
                    path,
                    f"not a CSV file: {error}",
                    reader.line_num or 1,
                    None,
                    "export the sheet again with File > Download > Comma-separated values",
                )
            ]
        ) from None
    if not rows:
        raise ContentError([Problem(path, "the file is empty", None, None, _SHEET_HINT)])
    header_line, header = rows[0]
    names = [cell.strip("\ufeff") for cell in header]
    old = "Start Date" in names or "End Date" in names
    if not old and "Year" not in names:
        raise ContentError([_neither_format(names, path, header_line)])
    timeline = Timeline("a TimelineJS sheet in the older format" if old else "a TimelineJS sheet")
    known = OLD_COLUMNS if old else CURRENT_COLUMNS
    for name in names:
        if name and name not in known:
            close = closest(name, known) or closest(name.title(), known)
            timeline.notes.append(
                Note(
                    "row 1",
                    f"the column {name!r}"
                    + (f" (did you mean {close!r}?)" if close else "")
                    + " is not one TimelineJS reads: not imported",
                )
            )
    for number, (line, cells) in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        where = f"row {number}"
        if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :]):
            timeline.notes.append(
                Note(
                    where,
                    f"{len(cells)} cells where the header names {len(names)}: the cells "
                    "past the last column are not imported",
                )
            )
        row = {name: cells[index].strip() if index < len(cells) else "" for index, name in
               enumerate(names) if name}  # fmt: skip
        _sheet_row(row, line, where, old, timeline, problems)
    timeline.problems = problems.found
    return timeline


_SHEET_HINT = (
    "export the timeline's Google Sheet as CSV (File > Download > Comma-separated values), "
    "keeping its header row as the template has it"
)


def _rows_with_lines(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a cell may hold line breaks)."""
    line = 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def _neither_format(names: list[str], path: str, line: int) -> Problem:
    near = [
        f"{name!r} (did you mean {closest(name, (*CURRENT_COLUMNS, *OLD_COLUMNS))!r}?)"
        for name in names
        if name and closest(name, (*CURRENT_COLUMNS, *OLD_COLUMNS)) not in (None, name)
    ]
    shown = ", ".join(repr(name) for name in names[:6]) + (", ..." if len(names) > 6 else "")
    return Problem(
        path,
        f"the header row ({shown or 'empty'}) matches neither TimelineJS sheet format: it needs "
        "a 'Year' column (the template) or a 'Start Date' column (the older template)",
        line,
        1,
        (f"the header names must be written exactly: {', '.join(near[:3])}; " if near else "")
        + f"the template's header row is {', '.join(TEMPLATE)}; the older one's "
        f"{', '.join(OLD_TEMPLATE)}",
    )


def _sheet_row(
    row: dict[str, str],
    line: int,
    where: str,
    old: bool,
    timeline: Timeline,
    problems: _Problems,
) -> None:
    kind = row.get("Type", "").strip().lower()
    if kind == "start":  # the first template's title row
        kind = "title"
    if kind not in ("", "title", "era"):
        timeline.notes.append(
            Note(
                where,
                f"Type {row['Type']!r} is neither 'title' nor 'era': read as an event",
                dropped=False,
            )
        )
        kind = ""
    slide = Slide(kind or "event", where, lambda name: (line, None))
    slide.headline = row.get("Headline", "")
    slide.text = row.get("Text", "")
    slide.display_date = row.get("Display Date", "")
    slide.group = row.get("Group", "") or row.get("Tag", "")
    slide.background = row.get("Background", "")
    media = Media(
        url=row.get("Media", ""),
        caption=row.get("Media Caption", ""),
        credit=row.get("Media Credit", ""),
        alt=row.get("Alt Text", ""),
        thumbnail=row.get("Media Thumbnail", ""),
    )
    slide.media = media if any(vars(media).values()) else None
    if old:
        slide.start = _old_date(slide, "Start Date", row.get("Start Date", ""), problems)
        slide.end = _old_date(slide, "End Date", row.get("End Date", ""), problems)
    else:
        slide.start = _sheet_date(slide, row, "", problems)
        if row.get("End Year", "").strip():
            slide.end = _sheet_date(slide, row, "End ", problems)
        elif any(row.get(f"End {part}", "").strip() for part in ("Month", "Day", "Time")):
            timeline.notes.append(
                Note(where, "an end date without an End Year (TimelineJS ignores it too)")
            )
    if slide.kind == "title":
        if timeline.title is None:
            timeline.title = slide
            return
        timeline.notes.append(
            Note(
                where,
                "a second title row: read as an event (a timeline has one title)",
                dropped=False,
            )
        )
        slide.kind = "event"
    (timeline.eras if slide.kind == "era" else timeline.events).append(slide)


def _sheet_date(
    slide: Slide, row: dict[str, str], prefix: str, problems: _Problems
) -> DateObject | None:
    """A date of the current template: Year, Month, Day and Time columns (End ... for the end)."""
    parts = {
        part.lower(): re.sub(r"[\s,]+", "", row.get(f"{prefix}{part}", ""))  # "1,815" is 1815
        for part in ("Year", "Month", "Day")
    }
    time = row.get(f"{prefix}Time", "").strip()
    if not parts["year"]:
        if time or parts["month"] or parts["day"]:
            problems.add(
                slide,
                "",
                f"the {prefix or 'start '}date has no {prefix}Year",
                f"write the year in the {prefix}Year column (at least the year is needed)",
            )
        return None
    if time:
        parsed = _time(time)
        if parsed is None:
            problems.add(
                slide,
                "",
                f"{prefix}Time {time!r} is not a time of day",
                "write the time as 15:05, 15:05:30, 3:05 PM or 1505",
            )
            return None
        parts.update({name: str(value) for name, value in parsed.items() if value is not None})
    for column in ("Year", "Month", "Day"):
        value = parts[column.lower()]
        if value and not _INTEGER.fullmatch(value):
            problems.add(
                slide,
                "",
                f"{prefix}{column} {row.get(prefix + column, '').strip()!r} is not a number",
                f"write the {column.lower()} as digits in the {prefix}{column} column (a year "
                "before the common era is negative: -500 is 500 BC)",
            )
            return None
    label = "the end date" if prefix else "the start date"
    return _date_object(
        slide, "", label, parts, problems, f" in the {prefix}Year, Month, Day columns"
    )


_AM_PM = re.compile(r"\s*([AaPp])\.?[Mm]\.?\s*$")


def _time(text: str) -> dict[str, int | None] | None:
    """A time of day as TimelineJS reads one (src/js/date/DateUtil.js, parseTime): 15:05,
    15:05:30, 15:05:30.5, 3:05 PM, 1505, 15.05; None when it is not one."""
    period = _AM_PM.search(text)
    if period:
        text = text[: period.start()].strip()
    compact = re.fullmatch(r"\s*(\d{1,2})(\d{2})\s*", text)
    parts = list(compact.groups()) if compact else text.split(":")
    if len(parts) == 1:
        parts = text.split(".")
    if not 1 <= len(parts) <= 3 or not all(
        re.fullmatch(r"\s*\d+(?:[.,]\d+)?\s*", p) for p in parts
    ):
        return None
    hour = int(parts[0])
    if period and period.group(1).lower() == "p" and hour != 12:
        hour += 12
    elif period and period.group(1).lower() == "a" and hour == 12:
        hour = 0
    minute = int(parts[1]) if len(parts) > 1 else 0
    second = int(re.split(r"[.,]", parts[2])[0]) if len(parts) > 2 else None
    return {"hour": hour, "minute": minute, "second": second}


# The older template's dates (src/js/date/TLDate.js, parseDate): an ISO date (1963, 1963-08,
# 1963-08-09, -500), an ISO date and time, a year alone, month/day/year (US order, as
# TimelineJS reads it) or month/year, either followed by a time.
_ISO_SHORT = re.compile(r"([+-]?\d+?)(?:-(\d{2}))?(?:-(\d{2}))?")
_ISO_TIME = re.compile(
    r"([+-]?\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
_SLASHED = re.compile(r"(\d+)/(\d+)(?:/(\d+))?")


def _old_date(slide: Slide, column: str, text: str, problems: _Problems) -> DateObject | None:
    text = text.strip()
    if not text:
        return None
    if match := _ISO_SHORT.fullmatch(text):
        year, month, day = match.groups()
        return DateObject(int(year), _int(month), _int(day))
    if match := _ISO_TIME.fullmatch(text):
        year, month, day, hour, minute, second, zone = match.groups()
        offset = None
        if zone:
            offset = 0 if zone.upper() == "Z" else _offset(zone)
        return DateObject(
            int(year), int(month), int(day), int(hour), int(minute), _int(second), offset=offset
        )
    if match := _SLASHED.match(text):
        first, second, third = match.groups()
        rest = text[match.end() :].strip()
        time = _time(rest) if rest else {}
        if time is not None:
            if third is not None:
                return DateObject(int(third), int(first), int(second), **(time or {}))
            if not rest:
                return DateObject(int(second), int(first))
    problems.add(
        slide,
        column,
        f"{column} {text!r} is not a date TimelineJS reads",
        f"write the {column} as a year (1963, -500), 1963-08-09, 8/9/1963 (month/day/year) or "
        "8/1963",
    )
    return None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _offset(zone: str) -> int:
    sign = -1 if zone.startswith("-") else 1
    digits = zone[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4] or 0))


# --------------------------------------------------------------------------- content


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


def import_timeline(text: str, path: str, options: ImportOptions) -> Imported:
    """A TimelineJS file's text as the files of a content folder; raise ContentError listing
    every problem that stops the import (nothing is written then)."""
    return to_content(read_timeline(text, path), path, options)


def to_content(timeline: Timeline, path: str, options: ImportOptions) -> Imported:
    """The content folder's files for a timeline read by `read_timeline`; raise ContentError
    listing every problem of the file (the reading's and the conversion's)."""
    problems = _Problems(path)
    problems.found += timeline.problems
    notes = list(timeline.notes)
    has_time = any(
        date is not None and date.hour is not None
        for slide in timeline.events
        for date in (slide.start, slide.end)
    )
    zone = options.timezone or ("UTC" if has_time else None)
    clock = Clock(zone)
    title_slide = timeline.title
    title = (
        _plain(title_slide, "text.headline", title_slide.headline, problems, notes)
        if title_slide is not None
        else ""
    )
    if not title:
        title = Path(path).stem.replace("_", " ").replace("-", " ").strip() or "Timeline"
        notes.append(
            Note(
                "the file",
                f"no title slide with a headline: the site's title is {title!r}",
                dropped=False,
            )
        )
    events: list[dict[str, Any]] = []
    taken: set[str] = set()
    counts = {"images": 0, "links": 0, "missing_alt": 0}
    for number, slide in enumerate(timeline.events, start=1):
        event = _event(slide, number, clock, taken, problems, notes, counts)
        if event is not None:
            events.append(event)
    eras = _eras(timeline.eras, clock, problems, notes)
    if title_slide is not None:
        _title_leftovers(title_slide, notes)
    if not events and not problems.found:
        problems.found.append(
            Problem(
                path,
                "the timeline has no event with a date to import",
                None,
                None,
                "TimelineJS needs at least one event with a start date (a year will do)",
            )
        )
    problems.raise_any()
    overview = _overview(title_slide, problems, notes)
    problems.raise_any()
    description = _description(title_slide.text if title_slide is not None else "", title)
    name = Path(path).name
    files = {
        "site.yaml": _site_yaml(title, description, zone, options, timeline.kind, name, has_time),
        "facts/sources.yaml": _yaml_list(
            [
                {
                    "id": options.source_id,
                    "title": title,
                    "kind": "report",
                    "retrieved": options.today,
                    "note": f"Imported from {name} ({timeline.kind}). Its events are "
                    "unconfirmed until each cites the evidence it rests on.",
                }
            ],
            "# Where facts come from. The first is the TimelineJS timeline these facts were\n"
            "# imported from; add the reports each event rests on (`site-builder new source`).",
        ),
        "facts/players.yaml": _yaml_list(
            [],
            "# The people, organisations, places and things in the story: TimelineJS has none.\n"
            "# Add one with `site-builder new player`, and name it in the events' `players`.",
        ),
        "facts/events.yaml": _yaml_list(
            events,
            f"# Imported from {name} ({timeline.kind}). Each event is unconfirmed until it\n"
            "# cites its evidence: add `evidence` (a source and the quote the event rests on),\n"
            "# then remove `verification: unconfirmed`. `site-builder check` lists what is left.",
        ),
        "facts/eras.yaml": _yaml_list(
            eras,
            "# The phases of the story, from the timeline's eras: bands on the chart, sections\n"
            "# of the list.",
        ),
        "summaries/overview.md": _overview_md(title, description, overview),
    }
    notes.sort(key=_note_order)
    return Imported(
        files=files,
        kind=timeline.kind,
        events=len(events),
        eras=len(eras),
        lanes=len({event["lane"] for event in events if "lane" in event}),
        images=counts["images"],
        links=counts["links"],
        missing_alt=counts["missing_alt"],
        notes=notes,
        timezone=zone if has_time else None,
    )


def _note_order(note: Note) -> tuple[int, int]:
    """Notes on the file first, then the title slide, then by row, event or era number."""
    if note.where == "the file":
        return (0, 0)
    if note.where == "the title slide":
        return (1, 0)
    kind, _, number = note.where.partition(" ")
    return (3 if kind == "era" else 2, int(number) if number.isdigit() else 0)


def _event(
    slide: Slide,
    number: int,
    clock: Clock,
    taken: set[str],
    problems: _Problems,
    notes: list[Note],
    counts: dict[str, int],
) -> dict[str, Any] | None:
    where = slide.where
    if slide.start is None:
        if slide.end is None and not _reported(slide, problems):
            notes.append(Note(where, "no start date: not imported (TimelineJS skips it too)"))
        elif slide.end is not None:
            notes.append(Note(where, "an end date but no start date: not imported"))
        return None
    too_far = [
        date.year
        for date in (slide.start, slide.end)
        if date is not None and len(str(abs(date.year))) > MAX_YEAR_DIGITS
    ]
    if too_far:
        notes.append(
            Note(
                where,
                f"the year {too_far[0]} is further than dates reach ({MAX_YEAR_DIGITS} "
                "digits): not imported",
            )
        )
        return None
    date = _date_text(slide, clock, problems)
    headline = _plain(slide, "text.headline", slide.headline, problems, notes)
    body = _markdown(slide, "text.text", slide.text, problems, notes)
    if date is None:
        return None
    event_id = _fresh_id(slide.unique_id or headline, f"event-{number}", taken, _PAGE_IDS)
    event: dict[str, Any] = {"id": event_id, "date": date}
    when = _when(slide, problems, notes)
    if when:
        event["when"] = when
    if not headline:
        words = html_to_text(slide.text).text
        headline = _shorten(words, 80) if words else f"Event {number}"
        notes.append(Note(where, f"no headline: its title is {headline!r}", dropped=False))
    event["title"] = headline
    group = _plain(slide, "group", slide.group, problems, notes)
    if group:
        event["lane"] = group
    event["verification"] = "unconfirmed"
    media, extra = _media(slide, headline, problems, notes, counts)
    if extra:
        body = f"{body}\n\n{extra}" if body else extra
    if body:
        event["body"] = body
    if media:
        event["media"] = media
    if slide.background:
        notes.append(Note(where, f"the background ({slide.background}): pages have none"))
    return event


def _reported(slide: Slide, problems: _Problems) -> bool:
    """True when a problem was already reported for this slide (its dates could not be read)."""
    return any(problem.message.startswith(f"{slide.where}: ") for problem in problems.found)


def _date_text(slide: Slide, clock: Clock, problems: _Problems) -> str | None:
    """The slide's date in our syntax, checked by dates.py (the one reader of dates)."""
    assert slide.start is not None
    start = slide.start
    end = slide.end if slide.end is not None and slide.end != slide.start else None
    if start.year == 0 or (end is not None and end.year == 0):
        problems.add(
            slide,
            "start_date.year",
            "year 0 is not a year (1 BC is followed by AD 1; TimelineJS counts 500 BC as -500)",
            "write -1 for 1 BC or 1 for AD 1",
        )
        return None
    text = start.text() + (f"/{end.text()}" if end is not None else "")
    try:
        parse_date(text, clock)
    except DateSyntaxError as error:
        problems.add(
            slide,
            "start_date",
            f"the date cannot be read: {error}",
            "correct the date's parts (year, month, day, time) in the file",
        )
        return None
    return text


def _when(slide: Slide, problems: _Problems, notes: list[Note]) -> str:
    """The slide's own wording of its date: its display_date, or its dates' (start – end)."""
    display = slide.display_date
    if not display:
        ends = [text for text in (slide.start_display, slide.end_display) if text]
        display = " – ".join(ends)
    return _plain(slide, "display_date", display, problems, notes)


def _eras(
    slides: list[Slide], clock: Clock, problems: _Problems, notes: list[Note]
) -> list[dict[str, Any]]:
    eras: list[tuple[FuzzyDate, dict[str, Any]]] = []
    taken: set[str] = set()
    for number, slide in enumerate(slides, start=1):
        if slide.start is None or slide.end is None:
            if not _reported(slide, problems):
                problems.add(
                    slide,
                    "end_date" if slide.start is not None else "start_date",
                    f"the era has no {'end' if slide.start is not None else 'start'} date",
                    "an era runs from its start date to its end date: give both (at least "
                    "their years), or make the row an event (empty Type)",
                )
            continue
        title = _plain(slide, "text.headline", slide.headline, problems, notes) or f"Era {number}"
        body = _markdown(slide, "text.text", slide.text, problems, notes)
        dates = []
        for name, point in (("start_date", slide.start), ("end_date", slide.end)):
            try:
                dates.append(parse_date(point.text(), clock))
            except DateSyntaxError as error:
                problems.add(
                    slide,
                    name,
                    f"the era's {name.replace('_', ' ')} cannot be read: {error}",
                    "correct its parts (year, month, day) in the file",
                )
        if len(dates) < 2:
            continue
        start, end = dates
        if end.end_moment() <= start.start_moment():
            problems.add(
                slide,
                "end_date",
                f"the era {title!r} ends before it starts",
                "check its start and end dates",
            )
            continue
        era = {
            "id": _fresh_id(slide.unique_id or title, f"era-{number}", taken),
            "title": title,
            "start": slide.start.text(),
            "end": slide.end.text(),
        }
        if body:
            era["body"] = body
        clash = next(
            (
                other
                for other_date, other in eras
                if start.start_moment() < other_date.end_moment()
                and other_date.start_moment() < end.end_moment()
                and other["end"] != era["start"]
                and other["start"] != era["end"]
            ),
            None,
        )
        if clash is not None:
            notes.append(
                Note(
                    slide.where,
                    f"the era {title!r} overlaps the era {clash['title']!r}: not "
                    "imported (eras follow one another; give overlapping threads lanes)",
                )
            )
            continue
        eras.append((FuzzyDate(start.start, end.end or end.start), era))
    eras.sort(key=lambda pair: pair[0].sort_key())
    return [era for _, era in eras]


def _media(
    slide: Slide,
    headline: str,
    problems: _Problems,
    notes: list[Note],
    counts: dict[str, int],
) -> tuple[list[dict[str, Any]], str]:
    """The slide's media as our media items, and Markdown to add to its text (a quotation the
    media field held as HTML)."""
    media = slide.media
    if media is None:
        return [], ""
    where = slide.where
    if media.thumbnail:
        notes.append(Note(where, f"the media thumbnail {media.thumbnail}: the chart shows none"))
    if media.link:
        notes.append(Note(where, f"the media's link to {media.link}"))
    url = media.url.strip()
    caption = _plain(slide, "media.caption", media.caption, problems, notes)
    credit = _plain(slide, "media.credit", media.credit, problems, notes)
    if not url:
        if caption or credit:
            notes.append(Note(where, "a media caption or credit without a media address"))
        return [], ""
    scheme = url_scheme(url)
    if scheme in ("javascript", "vbscript"):
        problems.add(
            slide,
            "media.url",
            f"the media address is a {scheme}: URL, which runs code in the reader's browser",
            "remove it, or give the https:// address of the picture, video or page",
        )
        return [], ""
    kind = media_type(url)
    if kind.kind == "quote":
        quote = _markdown(slide, "media.url", url, problems, notes, embed_code=True)
        extra = [quote] if quote else []
        source = " · ".join(part for part in (caption, credit) if part)
        if source:
            extra.append(_escape_plain(source))
        notes.append(Note(where, "the quotation given as media is part of the text", dropped=False))
        return [], "\n\n".join(extra)
    if kind.kind == "markup":
        converted = html_to_text(url)
        _report(slide, "media.url", Converted("", [], converted.unsafe), problems, notes, True)
        notes.append(
            Note(
                where,
                f"the media {_shorten(url, 70)!r} ({kind.name}): pages carry no embedded players",
            )
        )
        return [], ""
    address = _https(url, where, notes)
    if address is None:
        return [], ""
    item: dict[str, Any]
    if kind.kind == "image":
        item = {"image": address}
        alt = _plain(slide, "media.alt", media.alt, problems, notes)
        if alt:
            item["alt"] = alt
        else:
            # Pages show no image without alt text: this one waits off the site for its words.
            item["draft"] = True
            counts["missing_alt"] += 1
        counts["images"] += 1
    else:
        title = _plain(slide, "media.title", media.title, problems, notes)
        item = {"link": address, "title": title or caption or headline}
        if not title and caption:
            caption = ""  # it is the link's words
        item["kind"] = {"video": "video", "audio": "audio"}.get(kind.kind, "document")
        counts["links"] += 1
    if caption:
        item["caption"] = caption
    if credit:
        item["credit"] = credit
    return [item], ""


def _https(url: str, where: str, notes: list[Note]) -> str | None:
    """An address pages can load: https:// as it is, http:// and //host made https://."""
    if url.startswith("//"):
        return "https:" + url
    lowered = url.lower()
    if lowered.startswith("https://"):
        return url
    if lowered.startswith("http://"):
        notes.append(Note(where, f"the media address {url} is now https://", dropped=False))
        return "https://" + url[len("http://") :]
    if lowered.startswith("data:"):
        notes.append(Note(where, "a media data: address: put the file at an https:// address"))
        return None
    notes.append(
        Note(
            where,
            f"the media at the relative address {url}: put the file in content/media/ "
            "and name it in the event's media",
        )
    )
    return None


def _title_leftovers(slide: Slide, notes: list[Note]) -> None:
    """What the title slide holds that a site's title and overview cannot show."""
    if slide.media is not None and slide.media.url:
        notes.append(
            Note(
                slide.where,
                f"the media {_shorten(slide.media.url, 70)}: the "
                "overview shows no media (add it in Markdown if it should)",
            )
        )
    if slide.background:
        notes.append(Note(slide.where, f"the background ({slide.background}): pages have none"))


def _overview(slide: Slide | None, problems: _Problems, notes: list[Note]) -> str:
    if slide is None:
        return ""
    return _markdown(slide, "text.text", slide.text, problems, notes)


def _description(text: str, title: str) -> str:
    """One sentence for search engines: the title slide's first, else the title."""
    words = html_to_text(text).text
    sentence = re.split(r"(?<=[.!?])\s", words, maxsplit=1)[0] if words else ""
    return _shorten(_clean(sentence), 200) or title


def _plain(slide: Slide, name: str, value: str, problems: _Problems, notes: list[Note]) -> str:
    """A field that holds HTML (a headline, a caption), as plain text."""
    if not value:
        return ""
    converted = html_to_text(value)
    _report(slide, name, converted, problems, notes)
    return _clean(converted.text)


def _markdown(
    slide: Slide,
    name: str,
    value: str,
    problems: _Problems,
    notes: list[Note],
    embed_code: bool = False,
) -> str:
    if not value:
        return ""
    converted = html_to_markdown(value, slide.autolink)
    _report(slide, name, converted, problems, notes, embed_code)
    return _clean(converted.text)


def _report(
    slide: Slide,
    name: str,
    converted: Converted,
    problems: _Problems,
    notes: list[Note],
    embed_code: bool = False,
) -> None:
    """Unsafe HTML as problems, what was left out as notes. Embed code pasted as media (a post's
    blockquote) comes with the service's <script> loader: left out and said, not refused."""
    for unsafe in dict.fromkeys(converted.unsafe):
        if embed_code and unsafe == SCRIPT_ELEMENT:
            notes.append(Note(slide.where, "the script of the media's embed code (not carried)"))
            continue
        problems.add(
            slide,
            name,
            f"the {_field_words(name)} holds {unsafe}",
            "remove it: imported text is sanitised, and a script is never run or carried over",
        )
    for dropped in dict.fromkeys(converted.dropped):
        notes.append(Note(slide.where, f"in the {_field_words(name)}: {dropped}"))


def _field_words(name: str) -> str:
    return {
        "text.text": "text",
        "text.headline": "headline",
        "media.caption": "media caption",
        "media.credit": "media credit",
        "media.alt": "alt text",
        "media.title": "media title",
        "media.url": "media",
        "display_date": "display date",
        "group": "group",
    }.get(name, name)


# Control characters have no place in content (the YAML reader refuses them): tabs and line
# breaks became spaces or line breaks already; the rest go.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text).strip()


def _escape_plain(text: str) -> str:
    return html_to_markdown(text.replace("&", "&amp;").replace("<", "&lt;")).text


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


# Ids the timeline page gives its own elements: an event id must not be one of them (an event
# called "Main" would be a second id="main").
_PAGE_IDS = re.compile(r"main|(?:era|when|title|chart)-.*")


def _fresh_id(
    text: str, fallback: str, taken: set[str], avoid: re.Pattern[str] | None = None
) -> str:
    """A URL-safe id from text (accents folded: "Rózsa Péter" is rozsa-peter), unique."""
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(char for char in folded if not unicodedata.combining(char))
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > _MAX_ID:
            break
        base = f"{base}-{word}" if base else word
    base = base or (words[0][:_MAX_ID] if words else fallback)
    if avoid is not None and avoid.fullmatch(base):
        base = f"{base}-event"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


# --------------------------------------------------------------------------- writing YAML


def _yaml_list(items: list[dict[str, Any]], header: str) -> str:
    """A fact file: a comment, then each item as a block of `field: value` lines. The text is
    read back with the content reader and must give the items exactly: a bug here must never
    write an explainer that reads as something else."""
    blocks = ["\n".join(_yaml_mapping(item, "- ", "  ")) + "\n" for item in items]
    text = header + "\n" + "".join("\n" + block for block in blocks)
    read = parse_yaml(text, "<import>").data
    if (read or []) != items:
        raise AssertionError(f"the YAML written does not read back as written: {text[:200]!r}")
    return text


def _yaml_mapping(item: Mapping[str, Any], first: str, rest: str) -> list[str]:
    lines = []
    prefix = first
    for key, value in item.items():
        if isinstance(value, list):
            lines.append(f"{prefix}{key}:")
            for entry in value:
                lines.extend(_yaml_mapping(entry, rest + "  - ", rest + "    "))
        else:
            lines.append(f"{prefix}{key}: {_yaml_scalar(value, rest)}")
        prefix = rest
    return lines


_PLAIN_SAFE = re.compile(r"[^\W_][\w ._/'’-]*[\w.'’]|[^\W_]")
# Characters YAML reads as line breaks, which a double-quoted JSON string would carry raw.
_YAML_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\x85"}


def _yaml_scalar(value: Any, indent: str) -> str:
    """A value as YAML: a block of lines for multi-line text (readable, diffable), a plain word
    where the content reader gives it back as the same text, and a double-quoted string
    otherwise (JSON's escapes are YAML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if "\n" in text and _block_safe(text):
        lines = (f"{indent}  {line}" if line else "" for line in text.split("\n"))
        return "|-\n" + "\n".join(lines)
    if _PLAIN_SAFE.fullmatch(text) and _reads_back(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    for char, escape in _YAML_BREAKS.items():
        quoted = quoted.replace(char, escape)
    return quoted


def _reads_back(text: str) -> bool:
    """True when the content reader reads `text`, written plain, as the same text (not a
    number, a boolean, null or something else)."""
    try:
        data = parse_yaml(f"value: {text}\n", "<import>").data
    except ContentError:
        return False
    return isinstance(data, dict) and data.get("value") == text


def _block_safe(text: str) -> bool:
    """True when a literal block holds the text exactly: no leading space on its first line,
    no trailing spaces, no tabs or characters YAML reads as line breaks."""
    return (
        not text.startswith((" ", "\n"))
        and not text.endswith("\n")
        and not any(char in text for char in ("\r", "\t", "\u2028", "\u2029", "\x85"))
        and all(line == line.rstrip() for line in text.split("\n"))
    )


def _site_yaml(
    title: str,
    description: str,
    zone: str | None,
    options: ImportOptions,
    kind: str,
    name: str,
    has_time: bool,
) -> str:
    timezone = ""
    if zone is not None:
        comment = (
            "# the time zone of the times of day"
            if options.timezone
            else "# TimelineJS gives times of day no time zone: set the one they are in"
        )
        timezone = f"timezone: {zone}  {comment}\n"
    return (
        f"# Imported from {name} ({kind}) by `site-builder import timelinejs`.\n"
        "# Every field is described in docs/content-model.md of site_builder.\n"
        f"title: {_yaml_scalar(title, '')}\n"
        f"description: {_yaml_scalar(description, '')}\n"
        "language: en                     # the language of the timeline's text (BCP 47)\n"
        "kind: explainer                  # explainer, history, live, news, analysis or reportage\n"
        'base_url: "/"                    # or the address the site is published at\n'
        f"{timezone}"
        f'as_of: {options.today}               # the "as of" date shown on every page\n'
        "publisher:                       # who publishes the explainer\n"
        '  name: "Explainer desk"\n'
        "home: overview\n"
        "nav: [home, timeline, players, sources]\n"
    )


def _overview_md(title: str, description: str, overview: str) -> str:
    body = (
        overview or "The timeline lists every event in date order: [the timeline](page:timeline)."
    )
    return (
        "---\n"
        f"title: {_yaml_scalar(title, '')}\n"
        "slug: overview\n"
        "order: 1\n"
        f"description: {_yaml_scalar(description, '')}\n"
        "---\n"
        f"{body}\n"
    )
