"""Internal link checking: every link and asset of the rendered site resolves, #fragments too.

Works on output files held in memory (`check_files`, what `check` and `build` use before
writing) or on a built folder (`check_folder`). It is offline: links that leave the site
(another host, `mailto:`) are not followed. A broken link whose target is written verbatim in
Markdown is reported at that Markdown's file and line, since that is where the author fixes it.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from site_builder.errors import Problem
from site_builder.site import Site
from site_builder.urls import UrlBuilder
from site_builder.validate import markdown_texts

# Attributes that make the browser fetch or navigate: (tag, attribute).
_URL_ATTRIBUTES = {
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("audio", "src"),
    ("video", "src"),
    ("video", "poster"),
}


@dataclass(frozen=True)
class BrokenLink:
    """A link on an output page that does not resolve, and why."""

    page: str
    line: int
    href: str
    reason: str
    hint: str

    def problem(self) -> Problem:
        """The broken link as a located problem."""
        return Problem(
            self.page, f"broken link '{self.href}': {self.reason}", self.line, None, self.hint
        )


@dataclass(frozen=True)
class PageLinks:
    """What one HTML page offers (element ids) and what it points to (URL, line)."""

    ids: frozenset[str]
    links: tuple[tuple[str, int], ...]


# Only attributes that name an id or a URL matter. Finding those directly, and then the tag
# they sit in, is about twice as fast as tokenising every tag, and every build runs it over
# every page. Comments and the content of script and style elements are skipped: a "<a" or
# an href in them is not markup.
_SKIPPED = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""\s(id|name|href|src|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
    re.IGNORECASE,
)
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)")


def page_links(html: str) -> PageLinks:
    """The ids and outgoing URLs (with their line numbers) of an HTML page."""
    ids: set[str] = set()
    links: list[tuple[str, int]] = []
    skipped = [(m.start(), m.end(), m.group(1) is not None) for m in _SKIPPED.finditer(html)]
    next_skip = 0
    line, counted = 1, 0
    for match in _ATTRIBUTE.finditer(html):
        at = match.start()
        while next_skip < len(skipped) and skipped[next_skip][1] <= at:
            next_skip += 1
        if next_skip < len(skipped) and skipped[next_skip][0] <= at:
            start, _, is_element = skipped[next_skip]
            # Inside a comment, or inside a script/style element past its opening tag.
            if not is_element or at > html.index(">", start):
                continue
        opening = html.rfind("<", 0, at)
        if opening < 0 or html.find(">", opening, at) != -1:
            continue  # text that looks like an attribute, outside any tag
        tag_match = _TAG_NAME.match(html, opening)
        if tag_match is None:
            continue
        tag, name = tag_match.group(1).lower(), match.group(1).lower()
        raw = next(value for value in match.group(2, 3, 4) if value is not None)
        value = unescape(raw) if "&" in raw else raw
        if name == "id" or (tag == "a" and name == "name"):
            ids.add(value)
        elif (tag, name) in _URL_ATTRIBUTES:
            line += html.count("\n", counted, at)
            counted = at
            links.append((value, line))
    return PageLinks(frozenset(ids), tuple(links))


# serve re-checks every page after each edit and most are unchanged; a cold build calls
# page_links directly, so that it does not keep every page's HTML alive in this cache.
parse_links = functools.lru_cache(maxsize=4096)(page_links)


def check_files(files: Mapping[str, bytes], base_url: str = "/") -> list[Problem]:
    """Broken internal links in output files ({relative path: bytes}) served under base_url."""
    return [broken.problem() for broken in find_broken_links(files, base_url)]


def find_broken_links(files: Mapping[str, bytes], base_url: str = "/") -> list[BrokenLink]:
    """Every link in the HTML files that does not resolve to a file (and id) of the site."""
    pages = {
        path: parse_links(data.decode("utf-8"))
        for path, data in files.items()
        if path.endswith(".html")
    }
    return broken_links(files.keys(), pages, base_url)


def broken_links(
    files: Collection[str], pages: Mapping[str, PageLinks], base_url: str = "/"
) -> list[BrokenLink]:
    """Every link of the pages that does not resolve to one of the files (and an id on it)."""
    urls = UrlBuilder(base_url)
    base_path = urls.base_path
    site_origin = urls.absolute("") if urls.is_absolute else None
    existing = files if isinstance(files, (set, frozenset, dict)) else set(files)
    broken = []
    # Navigation, footer and event links repeat on many pages: a link's fate depends only on
    # the href and where it is resolved from (see _link_scope).
    verdicts: dict[tuple[str, str], tuple[str, str] | None] = {}
    for path in sorted(pages):
        page_url = base_path + path
        folder = posixpath.dirname(page_url)
        for href, line in pages[path].links:
            key = (href, _link_scope(href, page_url, folder))
            if key not in verdicts:
                verdicts[key] = _link_error(href, page_url, base_path, site_origin, existing, pages)
            error = verdicts[key]
            if error is not None:
                broken.append(BrokenLink(path, line, href, *error))
    return broken


def _link_scope(href: str, page_url: str, folder: str) -> str:
    """What a link's target depends on besides the href: nothing for a root-relative or
    absolute URL, the page itself for "", "#fragment" and "?query", else the page's folder."""
    if href[:1] == "/" or "://" in href or href.startswith("mailto:"):
        return ""
    return page_url if href[:1] in ("#", "?", "") else folder


def _link_error(
    href: str,
    page_url: str,
    base_path: str,
    site_origin: str | None,
    files: Collection[str],
    pages: Mapping[str, PageLinks],
) -> tuple[str, str] | None:
    """Why a link is broken (message, hint), or None when it resolves or leaves the site."""
    if site_origin is not None and href.startswith(site_origin):
        href = base_path + href[len(site_origin) :]  # an absolute URL of this very site
    if _PLAIN_ROOT_RELATIVE.match(href):
        # Most links: "/base/players/x/#id", nothing to decode or normalise; one split is enough.
        path, _, fragment = href.partition("#")
        return _target_error(path, fragment, base_path, files, pages)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None  # another site, mailto:, tel:; not checked offline
    path = unquote(parts.path)
    target_page = page_url
    if path:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), path))
        if path.endswith("/") and not joined.endswith("/"):
            joined += "/"
        target_page = joined
    return _target_error(target_page, unquote(parts.fragment), base_path, files, pages)


# A root-relative URL with no query, no percent-escapes and no "." or empty path segments.
_PLAIN_ROOT_RELATIVE = re.compile(r"/(?![/.])(?:[^?%#/.]+|\.(?![./#]|$)|/(?![/.]))*(?:#[^%]*)?$")


def _target_error(
    target_page: str,
    fragment: str,
    base_path: str,
    files: Collection[str],
    pages: Mapping[str, PageLinks],
) -> tuple[str, str] | None:
    """Why a normalised, decoded site path (and fragment) does not resolve, or None."""
    if not target_page.startswith(base_path):
        return (
            f"it points outside the site's base path {base_path}",
            "link by identity (player:ID, page:SLUG) or build URLs with url(); "
            "a root-relative link breaks when the site is served under a subpath",
        )
    relative = target_page[len(base_path) :]
    target = _resolve_file(relative, files)
    if target is None:
        return (f"the site has no page or file at '{relative}'", "check the path")
    if fragment and target in pages and fragment not in pages[target].ids:
        return (
            f"{target} has no element with id '{fragment}'",
            "link to an id that exists on that page",
        )
    return None


def _resolve_file(relative: str, files: Collection[str]) -> str | None:
    """The file a site-relative URL path serves, as a static web server would."""
    if relative == "" or relative.endswith("/"):
        candidates = [relative + "index.html"]
    else:
        candidates = [relative, relative + "/index.html"]  # servers redirect a folder to "/"
    return next((candidate for candidate in candidates if candidate in files), None)


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file under a built site folder, by relative path."""
    return {
        file.relative_to(folder).as_posix(): file.read_bytes()
        for file in sorted(folder.rglob("*"))
        if file.is_file()
    }


def check_folder(folder: Path, base_url: str = "/") -> list[Problem]:
    """Broken internal links in a built site folder."""
    return [
        Problem(folder / str(problem.path), problem.message, problem.line, None, problem.hint)
        for problem in check_files(read_folder(folder), base_url)
    ]


def check_site_links(
    site: Site, files: Collection[str], pages: Mapping[str, PageLinks], base_url: str
) -> list[Problem]:
    """Broken links of a rendered site; those written in Markdown are located in the Markdown.

    `files` are every output path, `pages` the links and ids of each HTML page.
    """
    broken = broken_links(files, pages, base_url)
    if not broken:
        return []  # the usual case: no need to look for link targets in every Markdown text
    first: dict[str, BrokenLink] = {}  # href -> where it first breaks
    for link in reversed(broken):
        first[link.href] = link
    located: list[Problem] = []
    in_markdown: set[str] = set()
    for markdown in markdown_texts(site):
        for match in markdown.link_targets():
            target = match.group(1)
            if target not in first:
                continue
            in_markdown.add(target)
            line, column = markdown.position(match.start(1))
            located.append(
                Problem(
                    markdown.path,
                    f"broken link '{target}': {first[target].reason} "
                    f"(on page {first[target].page})",
                    line,
                    column,
                    "link by identity instead: event:ID, player:ID, source:ID or page:SLUG "
                    "resolve on every page and under any base URL",
                )
            )
    return located + [link.problem() for link in broken if link.href not in in_markdown]
