"""A slide's text fields as content: HTML as Markdown or plain text, the title slide's
leftovers, the report of what was not brought along, fresh ids."""

from __future__ import annotations

import re
import unicodedata

from site_builder.importers.html import html_to_markdown
from site_builder.importers.htmltree import SCRIPT_ELEMENT, Converted, html_to_text
from site_builder.importers.slides import _MAX_ID, Note, Slide, _Problems


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
