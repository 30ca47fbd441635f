"""The TimelineJS format (Knight Lab's TimelineJS3), both ways: its dates and ours, its media
types, and `timeline.json`, the site's timeline in TimelineJS' JSON format.

This module owns what the format means; the importer (importers/timelinejs.py) reads files with
it, and every build writes `timeline.json` with it, so that an existing TimelineJS embed can be
pointed at checked facts and the export imports back to the same timeline.

The rules come from TimelineJS3's own code and documentation (website/docs/json-format.njk,
using-spreadsheets.njk, src/js/date/TLDate.js, src/js/media/MediaType.js):

- A date object is `{year, month, day, hour, minute, second, millisecond, display_date}`; only
  the year is required, and its precision is the finest part given. Years before the common era
  are negative and TimelineJS shows `-500` as "500 BCE": year -N is N BC (everyday counting,
  which has no year 0; ours are astronomical inside, where 0 is 1 BC).
- Times are wall-clock times with no time zone (TimelineJS builds a local JavaScript date from
  the parts).
- A slide (event) has `start_date`, optional `end_date` (an end equal to the start is dropped, as
  TimelineJS does), `display_date` (how the slide words its date), `text: {headline, text}`
  (HTML), `media: {url, caption, credit, alt, title, thumbnail, link}`, `group` (a row of the
  navigation: our lanes), `background` and `unique_id`. Eras are `{start_date, end_date, text}`.
- The media type is found from the URL by TimelineJS' ordered patterns (`media_type`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from site_builder.dates import (
    SECONDS_PER_DAY,
    FuzzyDate,
    PointDate,
    Precision,
    civil_from_days,
    iso_year,
    offset_text,
)
from site_builder.model import Event, Media
from site_builder.site import Site
from site_builder.urls import UrlBuilder

TIMELINE_JSON = "timeline.json"

# TimelineJS draws dates on a JavaScript Date ("human" scale) between these years; beyond them a
# timeline needs `scale: cosmological`, where only years count.
_HUMAN_YEARS = (-271_820, 275_759)

# The parts of a date object, from the coarsest; the finest part given is the precision.
DATE_PARTS = ("year", "month", "day", "hour", "minute", "second", "millisecond")


# --------------------------------------------------------------------------- dates


def astronomical_year(year: int) -> int:
    """Our (astronomical) year of a TimelineJS year: -500 is 500 BC, astronomical -499."""
    return year if year > 0 else year + 1


def timelinejs_year(year: int) -> int:
    """The TimelineJS year of an astronomical one: 1 BC (astronomical 0) is -1."""
    return year if year > 0 else year - 1


@dataclass(frozen=True)
class DateObject:
    """A TimelineJS date: a year (TimelineJS counting: -500 is 500 BC) and the finer parts
    given; `offset` is a UTC offset in minutes, which only an ISO date of the old sheet format
    carries."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    millisecond: int | None = None
    offset: int | None = None

    def text(self) -> str:
        """The date in our content's syntax, at its own precision: `1978`, `500 BC`, `1963-08`,
        `-0043-03-15`, `2012-02-11 15:55`, `+12000`."""
        year = astronomical_year(self.year)
        if self.month is None:
            if year < 1:
                return f"{1 - year} BC"
            return str(year) if year <= 9999 else f"+{year}"
        text = f"{iso_year(year)}-{self.month:02d}"
        if self.day is None:
            return text
        text += f"-{self.day:02d}"
        if self.hour is None:
            return text
        text += f" {self.hour:02d}:{self.minute or 0:02d}"
        if self.second is not None:
            text += f":{self.second:02d}"
        return text + offset_text(self.offset)

    def as_json(self) -> dict[str, int]:
        """The date object as TimelineJS' JSON writes it."""
        parts = {name: getattr(self, name) for name in DATE_PARTS}
        return {name: value for name, value in parts.items() if value is not None}


def date_object(point: PointDate, last: bool = False) -> DateObject:
    """A point of our date as a TimelineJS date at the nearest precision TimelineJS has.

    A week or a part of a month has none: it becomes its first day (or, with `last`, its last
    day), and the caller gives the words (`display_date`).
    """
    year = timelinejs_year(point.year)
    if point.precision is Precision.TIME:
        return DateObject(year, point.month, point.day, point.hour, point.minute, point.second)
    if point.precision is Precision.DAY:
        return DateObject(year, point.month, point.day)
    if point.precision is Precision.MONTH:
        return DateObject(year, point.month)
    if point.precision is Precision.YEAR:
        return DateObject(year)
    day = point.end() // SECONDS_PER_DAY - 1 if last else point.start_day()
    first_year, month, day_of_month = civil_from_days(day)
    return DateObject(timelinejs_year(first_year), month, day_of_month)


def is_expressible(point: PointDate) -> bool:
    """True when TimelineJS has the date's precision (a week or part of a month it has not)."""
    return point.precision not in (Precision.WEEK, Precision.PART_OF_MONTH)


# --------------------------------------------------------------------------- media types


@dataclass(frozen=True)
class MediaType:
    """What TimelineJS makes of a media `url`: its type name (as MediaType.js names it) and what
    we can make of it: an image to show, a video, audio or page to link to, a quotation written
    as HTML, or other HTML (an iframe) that a static page does not embed."""

    name: str
    kind: str  # image, video, audio, page, quote, markup


# TimelineJS3's media types in its own order (src/js/media/MediaType.js, lookupMediaType): the
# first pattern that matches wins. Flickr, Instagram and Imgur pages are pages to us: the image
# behind them is found only through their APIs, which a static site does not call.
_PICTURE = "(jpg|jpeg|png|gif|svg|webp)"
_GOOGLE_DOCS = (
    r"^(https?:)?/*[^.]*.google.com/[^/]*/d/|^(https?:)?/*drive.google.com/open\?id="
    r"|^(https?:)?/*[^.]*.googledrive.com/host/"
)
_MEDIA_TYPES: tuple[tuple[str, str, str], ...] = (
    ("youtube", "video", r"^(https?:)?/*(www.|m.)?youtube|youtu\.be"),
    ("vimeo", "video", r"^(https?:)?/*(player.)?vimeo\.com"),
    ("dailymotion", "video", r"^(https?:)?/*(www.)?(dailymotion\.com|dai.ly)"),
    ("vine", "video", r"^(https?:)?/*(www.)?vine\.co"),
    ("tiktok", "video", r"^(https?:)?/*(www.)?tiktok\.com/@[^/]+/video/\d+"),
    ("bluesky", "page", r"^(https?:)?/*(www.)?bsky\.app/profile/[^/]+/post/[^/?]+"),
    ("soundcloud", "audio", r"^(https?:)?/*(player.)?soundcloud\.com"),
    ("twitter", "page", r"^(https?:)?/*(www.)?(twitter|x)\.com"),
    ("twitterembed", "quote", r"<blockquote class=['\"]twitter-tweet['\"]"),
    ("googlemaps", "page", r"google.+?/maps/(?:@|search/|place/|dir/)"),
    ("flickr", "page", r"^(https?:)?/*(www.)?flickr.com/photos"),
    ("flickr", "page", r"^(https?://)?flic.kr/.*"),
    ("instagram", "page", r"^(https?:)?/*(www.)?(instagr.am|instagram.com)/p/"),
    ("profile", "page", r"^(https?:)?/*(www.)?(instagr.am|instagram.com)/[a-zA-Z0-9]{2,}"),
    ("documentcloud", "page", r"documentcloud.org/"),
    ("wikipedia-image", "page", r"^https://.+\.wiki[mp]edia\.org.+#/media/.+\." + _PICTURE),
    ("wikipedia-image", "page", r"^https://commons.wikimedia.org/wiki/File:.+\." + _PICTURE),
    ("wikipedia", "page", r"^(https?:)?/.+.wikipedia\.org"),
    ("image", "image", r"(?i)(jpg|jpeg|png|gif|svg|webp)(\?.*)?$"),
    ("imgur", "page", r"(?i)^.*imgur.com/.+$|<blockquote class=['\"]imgur-embed-pub['\"]"),
    ("googledocs", "page", _GOOGLE_DOCS),
    ("pdf", "page", r"^.*\.pdf(\?.*)?(#.*)?"),
    ("spotify", "audio", r"spotify"),
    ("iframe", "markup", r"iframe"),
    ("blockquote", "quote", r"blockquote"),
    ("video", "video", r"(?i)(mp4|webm)(\?.*)?$"),
    ("wistia", "video", r"(?i)https?://(.+)?(wistia\.com|wi\.st)/.*"),
    ("audio", "audio", r"(?i)(mp3|wav|m4a)(\?.*)?$"),
)
_COMPILED = tuple((name, kind, re.compile(pattern)) for name, kind, pattern in _MEDIA_TYPES)


def media_type(url: str) -> MediaType:
    """The media type TimelineJS would give a media `url` (its "imageblank" fallback, which
    shows the URL as an image, is a page to us unless the text is HTML)."""
    for name, kind, pattern in _COMPILED:
        if pattern.search(url):
            return MediaType(name, kind)
    return MediaType("imageblank", "markup" if url.lstrip().startswith("<") else "page")


# --------------------------------------------------------------------------- the export


@dataclass(frozen=True)
class ExportWords:
    """What the export needs from the site's rendering: its URLs, its Markdown as HTML, and a
    date or status in the site's language."""

    urls: UrlBuilder
    html: Callable[[str, str], str]  # Markdown text and id prefix -> sanitised HTML
    date_text: Callable[[FuzzyDate], str]
    status_text: Callable[[str], str]
    media_path: Callable[[str], str | None]  # a file of content/media/ -> its site path


def timeline_json(site: Site, words: ExportWords, overview: str, events: Sequence[Event]) -> str:
    """The timeline in TimelineJS' JSON format: a title slide (the site's title and `overview`,
    the home page's Markdown), every dated event in timeline order, eras and lanes (`group`).

    Dates keep their precision where TimelineJS has it; a week or part of a month becomes the
    span of its days with its words as `display_date`. An event's own wording (`when`) is its
    `display_date`, its first media item its `media`, and a status other than "happened" the
    first line of its text. Events with no date yet are left out (TimelineJS needs a date).
    """
    slides = [_slide(event, words) for event in events if event.dated is not None]
    data: dict[str, Any] = {
        "title": {
            "text": {
                "headline": _escape(site.config.title),
                "text": words.html(overview, "overview--"),
            }
        },
        "events": slides,
    }
    if site.eras:
        data["eras"] = [
            {
                **_dates(FuzzyDate(era.start.start, era.end.end or era.end.start), words),
                "text": {
                    "headline": _escape(era.title),
                    "text": words.html(era.body, f"{era.id}--era--") if era.body else "",
                },
            }
            for era in site.eras
        ]
    years = [
        point.year
        for event in events
        if event.dated is not None
        for point in (event.dated.start, event.dated.end)
        if point is not None
    ]
    if any(not _HUMAN_YEARS[0] <= year <= _HUMAN_YEARS[1] for year in years):
        data["scale"] = "cosmological"
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _slide(event: Event, words: ExportWords) -> dict[str, Any]:
    assert event.dated is not None
    slide: dict[str, Any] = {"unique_id": event.id, **_dates(event.dated, words)}
    if event.when:
        slide["display_date"] = event.when
    text = words.html(event.body, f"{event.id}--") if event.body else ""
    if event.status != "happened":
        text = f"<p><strong>{_escape(words.status_text(event.status))}</strong></p>" + text
    slide["text"] = {"headline": _escape(event.title), "text": text}
    if event.lane:
        slide["group"] = event.lane
    if event.media:
        slide["media"] = _media(event.media[0], words)
    return slide


def _dates(date: FuzzyDate, words: ExportWords) -> dict[str, Any]:
    """`start_date`, `end_date` (for a range, a week or a part of a month) and, where TimelineJS
    has no such precision, `display_date` in the site's language."""
    start, end = date.start, date.end
    dates: dict[str, Any] = {"start_date": date_object(start).as_json()}
    last = end or (start if not is_expressible(start) else None)
    if last is not None:
        dates["end_date"] = date_object(last, last=True).as_json()
    if not all(is_expressible(point) for point in (start, end) if point is not None):
        dates["display_date"] = words.date_text(date)
    return dates


def _media(item: Media, words: ExportWords) -> dict[str, Any]:
    reference = item.image or item.link or ""
    local = words.media_path(reference)
    media: dict[str, Any] = {"url": words.urls.absolute(local) if local else reference}
    if item.image is not None and item.alt and not item.decorative:
        media["alt"] = item.alt
    if item.link is not None and item.title:
        media["title"] = item.title
    if item.caption:
        media["caption"] = _escape(item.caption)
    if item.credit:
        media["credit"] = _escape(item.credit)
    return media


def _escape(text: str) -> str:
    """Plain text for a TimelineJS field that holds HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def home_markdown(site: Site) -> str:
    """The Markdown of the home page (the title slide's text)."""
    home = next((s for s in site.summaries if s.slug == site.config.home), None)
    return home.markdown if home is not None else ""
