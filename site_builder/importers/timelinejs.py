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

from pathlib import Path
from typing import Any

from site_builder.clock import Clock
from site_builder.dateparse import parse_date
from site_builder.dates import MAX_YEAR_DIGITS, DateSyntaxError, FuzzyDate
from site_builder.errors import Problem
from site_builder.importers.fields import (
    _PAGE_IDS,
    _description,
    _fresh_id,
    _markdown,
    _overview,
    _plain,
    _shorten,
    _title_leftovers,
)
from site_builder.importers.htmltree import html_to_text
from site_builder.importers.jsonfile import read_json
from site_builder.importers.mediaitems import _media
from site_builder.importers.sheet import read_sheet
from site_builder.importers.slides import Imported, ImportOptions, Note, Slide, Timeline, _Problems
from site_builder.importers.yamlwrite import _overview_md, _site_yaml, _yaml_list


def read_timeline(text: str, path: str) -> Timeline:
    """A TimelineJS JSON file or sheet (CSV) as slides; raise ContentError when it is not one
    (problems of single slides are kept in `problems`). A `.csv` file is a sheet, a `.json`
    file JSON; any other name is read as what its first character says."""
    suffix = Path(path).suffix.lower()
    is_json = suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("{", "["))
    return read_json(text, path) if is_json else read_sheet(text, path)


# --------------------------------------------------------------------------- content


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
