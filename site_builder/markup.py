"""Markdown to safe HTML: Python-Markdown with the site's extensions, sanitised by nh3.

The dialect is Python-Markdown's, the one MkDocs and Pelican users write, with the extensions
site.yaml lists under `markdown_extensions` in MkDocs' format (DEFAULT_EXTENSIONS when it lists
none). Any installed extension works, by entry-point name (`footnotes`) or dotted path
(`pymdownx.details`); one that is missing or wrongly configured is reported at its line of
site.yaml (`mdengine.extension_problems`) before anything is converted.

Two stages, so that conversion can be shared:
- `MarkdownConverter` turns each distinct text into sanitised HTML once, identity links
  (`player:ID`, ...) left as written: that HTML depends on the text alone, so it is kept between
  serve's rebuilds and made by worker processes on large sites (build.py);
- `MarkdownRenderer`, once per build, resolves identity links into this build's URLs and gives
  the ids of a text that shares its page with others (an event body, a bio) a prefix of its own.

The parts: extensions.py loads the extensions, mdengine.py keeps one engine per set of them and
converts a text, inlines.py makes conversion faster, sanitise.py is the allow-list of HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from html import escape, unescape

from site_builder.fieldtypes import MarkdownExtension
from site_builder.mdengine import DEFAULT_EXTENSIONS, convert, engine_for
from site_builder.urls import LINK_SCHEMES

LinkResolver = Callable[[str, str], str | None]


class MarkdownConverter:
    """Markdown to sanitised HTML with one set of extensions; each distinct text once.

    The HTML keeps identity links as written, so it depends on the text alone: serve keeps one
    converter between rebuilds, and a large build fills it from worker processes (`remember`).
    """

    def __init__(self, extensions: Sequence[MarkdownExtension] = DEFAULT_EXTENSIONS) -> None:
        self.extensions = tuple(extensions)
        self._html: dict[str, str] = {}

    def convert(self, text: str) -> str:
        """The text's HTML; raise ConversionError if an extension fails on it."""
        html = self._html.get(text)
        if html is None:
            html = self._html[text] = convert(engine_for(self.extensions), text)
        return html

    def knows(self, text: str) -> bool:
        """True when the text is converted already."""
        return text in self._html

    def remember(self, converted: Mapping[str, str]) -> None:
        """Keep HTML converted elsewhere (by a worker process with the same extensions)."""
        self._html.update(converted)


# What Python-Markdown could read as syntax in a line of plain text, and can escape with a
# backslash; quotes, hyphens and dots are left to smarty (& < > become entities first).
_PLAIN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+!])")
_SMARTY_ONLY = (MarkdownExtension("smarty"),)


def smart_text(text: str) -> str:
    """Plain text (a description) as HTML with typographic quotes and dashes, as smarty writes
    them in Markdown: "It's" -> It’s, -- -> –. No Markdown is read; the result is escaped HTML."""
    line = _PLAIN_SYNTAX.sub(r"\\\1", escape(" ".join(text.split()), quote=False))
    # A leading "- ", "+ " or "1. " would start a list.
    line = re.sub(r"^(-|\+|\d+\.)(?= )", lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line)
    html = convert(engine_for(_SMARTY_ONLY), line)
    return html.removeprefix("<p>").removesuffix("</p>")


# --------------------------------------------------------------------------- per build

# nh3 writes every attribute as name="value" with " escaped, so a tag is exactly this (a ">"
# inside a value included), and text cannot look like one (< is escaped in text).
_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s"'=<>/]+(?:="[^"]*")?)*\s*/?>""")
_LINKING = re.compile(r'(\s)(href|id)="([^"]*)"')
_IDENTITY = re.compile(r'href="(?:' + "|".join(LINK_SCHEMES) + r"):")


def finish(html: str, resolve: LinkResolver, scope: str = "") -> str:
    """Resolve identity links (`href="player:ID"`) into site URLs and, with a scope, prefix the
    text's ids and the links to them, so that texts sharing a page keep distinct ids."""
    scoped = bool(scope) and ' id="' in html
    if not scoped and _IDENTITY.search(html) is None:
        return html
    ids: set[str] = set()
    if scoped:
        for tag in _TAG.finditer(html):
            ids.update(value for name, value in _attributes(tag.group()) if name == "id")

    def attribute(match: re.Match[str]) -> str:
        space, name, value = match.groups()
        if name == "id":
            return f'{space}id="{scope}{value}"' if scoped else match.group(0)
        if value.startswith("#") and value[1:] in ids:
            return f'{space}href="#{scope}{value[1:]}"'
        scheme, colon, target = value.partition(":")
        if colon and scheme in LINK_SCHEMES:
            url = resolve(scheme, unescape(target))
            if url is not None:
                return f'{space}href="{escape(url)}"'
        return match.group(0)

    return _TAG.sub(lambda tag: _LINKING.sub(attribute, tag.group()), html)


def _attributes(tag: str) -> Iterator[tuple[str, str]]:
    for match in _LINKING.finditer(tag):
        yield match.group(2), match.group(3)


class MarkdownRenderer:
    """One build's Markdown: converted HTML with identity links resolved and ids scoped."""

    def __init__(self, resolve: LinkResolver, converter: MarkdownConverter | None = None) -> None:
        self._resolve = resolve
        self.converter = converter if converter is not None else MarkdownConverter()
        # Event bodies show on several pages: finish each (text, scope) once per build.
        self._done: dict[tuple[str, str], str] = {}

    def render(self, text: str, scope: str = "") -> str:
        """Markdown source to safe HTML. `scope` prefixes the text's ids (see `finish`)."""
        key = (text, scope)
        html = self._done.get(key)
        if html is None:
            html = self._done[key] = finish(self.converter.convert(text), self._resolve, scope)
        return html
