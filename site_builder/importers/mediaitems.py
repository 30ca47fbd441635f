"""A slide's media as content media: what can be brought along, what is reported, and an
image without alt text held off the site as a draft."""

from __future__ import annotations

from typing import Any

from site_builder.importers.fields import _escape_plain, _markdown, _plain, _report, _shorten
from site_builder.importers.htmltree import Converted, html_to_text, url_scheme
from site_builder.importers.slides import Note, Slide, _Problems
from site_builder.timelinejs import media_type


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
