"""The paths of the site's pages, and the one helper that turns a site path into a URL.

Which kinds of page a site has, and which path each takes, the page plan decides (pages.py).

Site paths are relative to the site root and end in "/" for pretty URLs ("timeline/",
"players/some-id/"); "" is the home page. Templates never join paths by hand: they call `url()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

HOME = ""
TIMELINE = "timeline/"
PLAYERS = "players/"
SOURCES = "sources/"
UPDATES = "updates/"
NOT_FOUND = "404.html"
# The timeline to embed in another site's page (an iframe): no header or menu, not indexed.
EMBED_TIMELINE = "embed/timeline/"
# Pages search engines are asked not to index (and the sitemap leaves out).
NOT_INDEXED = frozenset({NOT_FOUND, EMBED_TIMELINE})

LINK_SCHEMES = ("event", "player", "source", "page")


def player_path(player_id: str) -> str:
    """Site path of a player's page."""
    return f"players/{player_id}/"


def summary_path(slug: str) -> str:
    """Site path of a summary page."""
    return f"{slug}/"


def event_path(event_id: str, page: str = TIMELINE) -> str:
    """Site path (with fragment) of an event on the timeline page that shows it."""
    return f"{page}#{event_id}"


def timeline_part_path(label: str) -> str:
    """Site path of one part of a split timeline ("2024" -> "timeline/2024/"); "" is the whole."""
    return f"{TIMELINE}{label}/" if label else TIMELINE


def source_path(source_id: str) -> str:
    """Site path (with fragment) of a source on the sources page."""
    return f"{SOURCES}#source-{source_id}"


def update_path(anchor: str) -> str:
    """Site path (with fragment) of an entry on the updates page."""
    return f"{UPDATES}#{anchor}"


def output_file(site_path: str) -> str:
    """The file a site path is written to: "timeline/" -> "timeline/index.html"."""
    if site_path == "" or site_path.endswith("/"):
        return site_path + "index.html"
    return site_path


@dataclass(frozen=True)
class UrlBuilder:
    """Builds every URL of the site under its base URL (a path like "/repo/" or a full URL)."""

    base_url: str = "/"

    @property
    def base_path(self) -> str:
        """The path prefix the site is served under, always starting and ending with "/"."""
        path = urlsplit(self.base_url).path or "/"
        if not path.startswith("/"):
            path = "/" + path
        return path if path.endswith("/") else path + "/"

    @property
    def is_absolute(self) -> bool:
        """True when the base URL names a scheme and host, so absolute URLs can be made."""
        parts = urlsplit(self.base_url)
        return bool(parts.scheme and parts.netloc)

    def url(self, site_path: str) -> str:
        """Root-relative URL of a site path, under the base path."""
        return self.base_path + site_path.lstrip("/")

    def absolute(self, site_path: str) -> str:
        """Absolute URL (scheme and host) when the base URL has them, else root-relative."""
        if not self.is_absolute:
            return self.url(site_path)
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}{self.url(site_path)}"
