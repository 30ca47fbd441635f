"""The page weight budget: what a reader downloads for a page (its HTML and the stylesheets and
scripts it loads from the site) stays under PAGE_BUDGET. `build` reports every page over it with
its size, and `build --strict` fails on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from site_builder.errors import Problem
from site_builder.links import PageLinks
from site_builder.timelineparts import PAGE_BUDGET
from site_builder.urls import TIMELINE, UrlBuilder


@dataclass(frozen=True)
class PageWeight:
    """Bytes of one page: its HTML, and the CSS and JavaScript of the site it loads."""

    path: str
    html: int
    css: int
    js: int

    @property
    def total(self) -> int:
        """Everything the page needs, in bytes (images are not counted)."""
        return self.html + self.css + self.js


def page_weights(
    pages: Mapping[str, PageLinks], size_of: Callable[[str], int | None], base_url: str = "/"
) -> list[PageWeight]:
    """The weight of every HTML page; `size_of` gives an output file's size (None: no file)."""
    base_path = UrlBuilder(base_url).base_path
    weights = []
    for path in sorted(pages):
        css = js = 0
        for url in {href for href, _ in pages[path].links if ".css" in href or ".js" in href}:
            target = urlsplit(url).path
            if not target.startswith(base_path) or not target.endswith((".css", ".js")):
                continue
            size = size_of(target[len(base_path) :]) or 0
            if target.endswith(".css"):
                css += size
            else:
                js += size
        weights.append(PageWeight(path, size_of(path) or 0, css, js))
    return weights


def over_budget(weights: Iterable[PageWeight], budget: int = PAGE_BUDGET) -> list[Problem]:
    """A problem for each page over the budget, with its size."""
    return [
        Problem(
            weight.path,
            f"the page weighs {_kb(weight.total)} ({weight.html:,} bytes of HTML, "
            f"{weight.css + weight.js:,} of CSS and scripts), over the {_kb(budget)} budget",
            None,
            None,
            "a timeline is split into pages by period before it outgrows the budget, so "
            "this is its events' text: shorten long bodies and quotes"
            if weight.path.startswith(TIMELINE)
            else "shorten what the page shows: long text and many quotes make it heavy",
        )
        for weight in weights
        if weight.total > budget
    ]


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"
