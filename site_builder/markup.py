"""Markdown to safe HTML: identity links resolved, raw HTML sanitised, typographic punctuation."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from site_builder.urls import LINK_SCHEMES

LinkResolver = Callable[[str, str], str | None]

_EXTENSIONS = ["attr_list", "tables", "smarty", "sane_lists"]

# nh3's defaults strip id and class, which Markdown's attr_list and footnotes rely on.
_ALLOWED_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ALLOWED_ATTRIBUTES["*"] = {"id", "class", "lang"}
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"figure", "figcaption"}


class _IdentityLinks(Treeprocessor):
    """Rewrite `event:ID`, `player:ID`, `source:ID`, `page:SLUG` links into site URLs."""

    def __init__(self, md: markdown.Markdown, resolve: LinkResolver) -> None:
        super().__init__(md)
        self.resolve = resolve

    def run(self, root: etree.Element) -> None:
        for anchor in root.iter("a"):
            href = anchor.get("href", "")
            scheme, colon, name = href.partition(":")
            if colon and scheme in LINK_SCHEMES:
                url = self.resolve(scheme, name)
                if url is not None:
                    anchor.set("href", url)


class _IdentityLinkExtension(Extension):
    def __init__(self, resolve: LinkResolver) -> None:
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # Markdown's API name
        md.treeprocessors.register(_IdentityLinks(md, self.resolve), "identity_links", 5)


class MarkdownRenderer:
    """Converts Markdown to sanitised HTML; one instance is reused across documents."""

    def __init__(self, resolve: LinkResolver) -> None:
        self._md = markdown.Markdown(
            extensions=[*_EXTENSIONS, _IdentityLinkExtension(resolve)],
            output_format="html",
        )
        # The same text always gives the same HTML with one resolver, and event bodies show on
        # many pages: convert each text once per renderer (that is, once per build).
        self._done: dict[str, str] = {}

    def render(self, text: str) -> str:
        """Markdown source to safe HTML."""
        if text in self._done:
            return self._done[text]
        self._md.reset()  # footnote and reference state must not leak between documents
        html = self._done[text] = sanitise(self._md.convert(text))
        return html

    def render_inline(self, text: str) -> str:
        """Markdown for one line (a title or bio line): no surrounding <p>."""
        html = self.render(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html


def sanitise(html: str) -> str:
    """Remove scripts, event handlers, style and dangerous URLs from HTML."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        link_rel=None,
        url_schemes={"http", "https", "mailto"},
    )
