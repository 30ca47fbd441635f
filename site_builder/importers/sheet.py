"""A CSV of the TimelineJS Google Sheets template, in its current format or its older one,
read into slides, each problem placed at its row."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from site_builder.errors import ContentError, Problem, closest
from site_builder.importers.jsonfile import _INTEGER, _date_object
from site_builder.importers.slides import (
    CURRENT_COLUMNS,
    OLD_COLUMNS,
    OLD_TEMPLATE,
    TEMPLATE,
    Media,
    Note,
    Slide,
    Timeline,
    _Problems,
)
from site_builder.timelinejs import DateObject

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
