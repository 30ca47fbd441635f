"""A TimelineJS JSON file read into slides: its events, eras and title, dates as TimelineJS
writes them, each problem placed at its line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from site_builder.errors import ContentError, Problem
from site_builder.importers.jsontext import parse_json
from site_builder.importers.slides import Media, Note, Slide, Timeline, _Problems
from site_builder.timelinejs import DateObject
from site_builder.yamlpos import Document

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
