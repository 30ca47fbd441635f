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
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from site_builder.errors import Problem
from site_builder.model import Site
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


# Comments and raw-text elements are skipped (a "<a" inside them is not a tag); quoted attribute
# values may hold ">". A regex scan is ~10x faster than html.parser, and every build runs it.
_MARKUP = re.compile(
    r"<!--.*?-->"
    r"""|<(script|style)\b((?:[^>"']|"[^"]*"|'[^']*')*)>.*?</\1\s*>"""
    r"""|<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""",
    re.DOTALL | re.IGNORECASE,
)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


@functools.lru_cache(maxsize=4096)  # serve re-checks every page after each edit; most are unchanged
def parse_links(html: str) -> PageLinks:
    """The ids and outgoing URLs (with their line numbers) of an HTML page."""
    ids: set[str] = set()
    links: list[tuple[str, int]] = []
    line, counted = 1, 0
    for match in _MARKUP.finditer(html):
        tag = (match.group(1) or match.group(3) or "").lower()
        if not tag:
            continue  # a comment
        line += html.count("\n", counted, match.start())
        counted = match.start()
        for attribute in _ATTRIBUTE.finditer(match.group(2) or match.group(4) or ""):
            name = attribute.group(1).lower()
            raw = next((v for v in attribute.group(2, 3, 4) if v is not None), None)
            if raw is None:
                continue
            value = unescape(raw)
            if name == "id" or (tag == "a" and name == "name"):
                ids.add(value)
            elif (tag, name) in _URL_ATTRIBUTES:
                links.append((value, line))
    return PageLinks(frozenset(ids), tuple(links))


def check_files(files: Mapping[str, bytes], base_url: str = "/") -> list[Problem]:
    """Broken internal links in output files ({relative path: bytes}) served under base_url."""
    return [broken.problem() for broken in find_broken_links(files, base_url)]


def find_broken_links(files: Mapping[str, bytes], base_url: str = "/") -> list[BrokenLink]:
    """Every link in the HTML files that does not resolve to a file (and id) of the site."""
    urls = UrlBuilder(base_url)
    base_path = urls.base_path
    site_origin = urls.absolute("") if urls.is_absolute else None
    pages = {
        path: parse_links(data.decode("utf-8"))
        for path, data in sorted(files.items())
        if path.endswith(".html")
    }
    broken = []
    # Navigation and footer links repeat on every page: a link's fate depends only on the href
    # and the page's folder (or the page itself, for "", "#fragment" and "?query" links).
    verdicts: dict[tuple[str, str], tuple[str, str] | None] = {}
    for path, page in pages.items():
        page_url = base_path + path
        folder = posixpath.dirname(page_url)
        for href, line in page.links:
            key = (href, page_url if href[:1] in ("#", "?", "") else folder)
            if key not in verdicts:
                verdicts[key] = _link_error(href, page_url, base_path, site_origin, files, pages)
            error = verdicts[key]
            if error is not None:
                broken.append(BrokenLink(path, line, href, *error))
    return broken


def _link_error(
    href: str,
    page_url: str,
    base_path: str,
    site_origin: str | None,
    files: Mapping[str, bytes],
    pages: Mapping[str, PageLinks],
) -> tuple[str, str] | None:
    """Why a link is broken (message, hint), or None when it resolves or leaves the site."""
    if site_origin is not None and href.startswith(site_origin):
        href = base_path + href[len(site_origin) :]  # an absolute URL of this very site
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
    fragment = unquote(parts.fragment)
    if fragment and target in pages and fragment not in pages[target].ids:
        return (
            f"{target} has no element with id '{fragment}'",
            "link to an id that exists on that page",
        )
    return None


def _resolve_file(relative: str, files: Mapping[str, bytes]) -> str | None:
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


def check_site_links(site: Site, files: Mapping[str, bytes], base_url: str) -> list[Problem]:
    """Broken links of a rendered site; those written in Markdown are located in the Markdown."""
    broken = find_broken_links(files, base_url)
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
