"""Markdown to safe HTML: identity links resolved, raw HTML sanitised, typographic punctuation."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from site_builder.urls import LINK_SCHEMES

LinkResolver = Callable[[str, str], str | None]

_EXTENSIONS = ["attr_list", "tables", "sane_lists"]

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


_DASHES_AND_DOTS = (("---", "\u2014"), ("--", "\u2013"), ("...", "\u2026"))
# A straight quote opens after a space, an opening bracket or a dash (or at the start of a
# block, written as a leading newline); anywhere else it closes or is an apostrophe.
_OPENING_DOUBLE = re.compile('(?<=[\\s(\\[{\u2014\u2013\x03-])"')
_OPENING_SINGLE = re.compile("(?<=[\\s(\\[{\u2014\u2013\x03-])'")
_VERBATIM_TAGS = frozenset({"code", "pre", "kbd", "samp"})


def educate(text: str, before: str) -> str:
    """Typographic quotes, dashes and ellipses in TEXT, which follows the character BEFORE."""
    for plain, typographic in _DASHES_AND_DOTS:
        if plain in text:
            text = text.replace(plain, typographic)
    if '"' in text or "'" in text:
        text = before + text
        text = _OPENING_DOUBLE.sub("\u201c", text).replace('"', "\u201d")
        text = _OPENING_SINGLE.sub("\u2018", text).replace("'", "\u2019")
        text = text[len(before) :]
    return text


class _Typography(Treeprocessor):
    """Smart punctuation in text, never in code.

    Python-Markdown's smarty extension does this with a second pass of inline patterns, which
    doubled the cost of every conversion; a walk over the finished tree gives the same result
    for prose at a fraction of the cost.
    """

    def run(self, root: etree.Element) -> None:
        self._walk(root, "\n")

    def _walk(self, element: etree.Element, before: str) -> str:
        if self.md.is_block_level(element.tag):
            before = "\n"
        verbatim = element.tag in _VERBATIM_TAGS
        if element.text:
            if not verbatim:
                element.text = educate(element.text, before)
            before = element.text[-1]
        for child in element:
            if not verbatim:
                before = self._walk(child, before)
            if child.tail:
                child.tail = educate(
                    child.tail, "\n" if self.md.is_block_level(child.tag) else before
                )
                before = child.tail[-1]
        return before


class _IdentityLinkExtension(Extension):
    def __init__(self, resolve: LinkResolver) -> None:
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # Markdown's API name
        md.treeprocessors.register(_IdentityLinks(md, self.resolve), "identity_links", 5)
        # After inline patterns (20) have made the text nodes, before prettify (10).
        md.treeprocessors.register(_Typography(md), "typography", 15)


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
