"""The site's files for crawlers and feed readers: sitemap.xml, robots.txt and the Atom feed of
the explainer's updates, corrections and clarifications.

Everything here is derived from the model and the site's URLs, with no clock and no randomness,
so two builds of the same content are byte-identical.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable

from markupsafe import Markup

from site_builder.datefmt import DateFormatter
from site_builder.dates import FuzzyDate
from site_builder.i18n import Messages, update_kind_word
from site_builder.model import Event, Update
from site_builder.pagemeta import fact_standing, facts_of
from site_builder.site import Site
from site_builder.urls import HOME, NOT_INDEXED, UrlBuilder, event_path, player_path, update_path

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
FEED = "feed.xml"

_ATOM = "http://www.w3.org/2005/Atom"
_SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def feed_files(
    site: Site, urls: UrlBuilder, page_paths: Iterable[str], messages: Messages
) -> dict[str, str]:
    """sitemap.xml, robots.txt and the Atom feed, by site path."""
    return {
        SITEMAP: sitemap_xml(site, urls, page_paths),
        ROBOTS: robots_txt(urls),
        FEED: atom_feed(site, urls, messages),
    }


def sitemap_xml(site: Site, urls: UrlBuilder, page_paths: Iterable[str]) -> str:
    """The sitemap: every page but the 404, with absolute URLs when the base URL is absolute."""
    root = ElementTree.Element("urlset", {"xmlns": _SITEMAPS})
    lastmod = site.config.as_of.start.iso()
    for path in page_paths:
        if path in NOT_INDEXED or not (path == "" or path.endswith("/")):
            continue
        entry = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(entry, "loc").text = urls.absolute(path)
        ElementTree.SubElement(entry, "lastmod").text = lastmod
    return _xml(root)


def robots_txt(urls: UrlBuilder) -> str:
    """Let every crawler in and point it at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(SITEMAP)}\n"


def atom_feed(site: Site, urls: UrlBuilder, messages: Messages) -> str:
    """An Atom feed of the explainer's updates, corrections and clarifications, newest first,
    with ids that never change; each entry links to its place on the updates page and names
    the facts it concerns, with their standing."""
    config = site.config
    dates = DateFormatter(messages)
    key = urls.absolute(HOME) if urls.is_absolute else f"site-builder:{config.title}"
    ordered = site.update_entries
    root = ElementTree.Element("feed", {"xmlns": _ATOM, "xml:lang": messages.language.tag})
    ElementTree.SubElement(root, "id").text = _urn(f"{key}#updates")
    ElementTree.SubElement(root, "title").text = messages.text(
        "feed_title", "%(title)s: updates", title=config.title
    )
    ElementTree.SubElement(root, "subtitle").text = config.description
    ElementTree.SubElement(
        root,
        "link",
        {"rel": "self", "type": "application/atom+xml", "href": urls.absolute(FEED)},
    )
    ElementTree.SubElement(
        root, "link", {"rel": "alternate", "type": "text/html", "href": urls.absolute(HOME)}
    )
    latest = max((entry.update.date for entry in ordered), key=_start, default=config.as_of)
    ElementTree.SubElement(root, "updated").text = latest.timestamp()
    author = ElementTree.SubElement(root, "author")
    ElementTree.SubElement(author, "name").text = config.publisher.name
    if config.publisher.url:
        ElementTree.SubElement(author, "uri").text = config.publisher.url
    for numbered in reversed(ordered):
        update = numbered.update
        entry = ElementTree.SubElement(root, "entry")
        # The id never changes: "update-DATE-N", as it was before updates had kinds.
        ElementTree.SubElement(entry, "id").text = _urn(f"{key}#{numbered.key}")
        ElementTree.SubElement(entry, "title").text = _entry_title(messages, update, dates)
        ElementTree.SubElement(
            entry,
            "link",
            {
                "rel": "alternate",
                "type": "text/html",
                "href": urls.absolute(update_path(numbered.anchor)),
            },
        )
        stamp = update.date.timestamp()
        ElementTree.SubElement(entry, "published").text = stamp
        ElementTree.SubElement(entry, "updated").text = stamp
        ElementTree.SubElement(
            entry,
            "category",
            {"term": update.kind, "label": update_kind_word(messages, update.kind)},
        )
        ElementTree.SubElement(entry, "summary").text = update.summary
        content = _entry_content(site, update, urls, messages)
        if content is not None:
            ElementTree.SubElement(entry, "content", {"type": "html"}).text = content
    return _xml(root)


def _entry_title(messages: Messages, update: Update, dates: DateFormatter) -> str:
    when = dates.text(update.date)
    if update.kind == "correction":
        return messages.text("feed_entry_correction", "Correction: %(date)s", date=when)
    if update.kind == "clarification":
        return messages.text("feed_entry_clarification", "Clarification: %(date)s", date=when)
    return messages.text("feed_entry", "Update: %(date)s", date=when)


def _entry_content(site: Site, update: Update, urls: UrlBuilder, messages: Messages) -> str | None:
    """The entry as HTML: its text, then the facts it concerns (linked, with their standing)."""
    facts = facts_of(site, update)
    if not facts:
        return None
    items = []
    for _, record in facts:
        if isinstance(record, Event):
            name = record.title
            url = urls.absolute(event_path(record.id, site.timeline_page_of(record.id)))
        else:
            name = record.name
            url = urls.absolute(player_path(record.id))
        link = Markup('<a href="{}">{}</a>').format(url, name)
        if record.verification == "retracted":
            link = Markup("<s>{}</s>").format(link)
        standing = fact_standing(messages, record)
        items.append(link if standing is None else Markup("{} ({})").format(link, standing))
    listed = Markup("").join(Markup("<li>{}</li>").format(item) for item in items)
    about = messages.text("feed_entry_facts", "About:")
    return str(Markup("<p>{}</p><p>{}</p><ul>{}</ul>").format(update.summary, about, listed))


def _urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _start(date: FuzzyDate) -> int:
    return date.start_moment()


def _xml(root: ElementTree.Element) -> str:
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )
