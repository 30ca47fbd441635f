"""HTML from other tools read into a tree: unsafe markup found (scripts, event handlers,
`javascript:` addresses), the elements that cannot come along named, and a fragment's words as
plain text on one line (headlines, captions, credits)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that never have content.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
# Elements that make blocks (paragraph breaks) rather than run inside a line.
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "center", "dd", "details", "div", "dl", "dt",
     "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
     "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
     "thead", "tr", "ul"}
)  # fmt: skip
# Inline elements kept as HTML: Markdown has no syntax for them and the sanitiser keeps them.
# Elements whose content is not text for readers.
_DROPPED = frozenset({"style", "template", "head", "title", "noscript", "select", "datalist"})
# Embedded content a static, script-free page does not carry: said, then left out.
_EMBEDDED = frozenset(
    {"iframe", "video", "audio", "embed", "object", "canvas", "svg", "math", "form", "input",
     "button", "textarea", "picture", "map", "frame", "frameset", "applet"}
)  # fmt: skip
SCRIPT_ELEMENT = "a <script> element"
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster"})
_SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# A bare web address in text, which TimelineJS links by itself ("autolink").


@dataclass
class Converted:
    """Markdown (or plain text) made from HTML, with what could not come along (`dropped`) and
    what could run code (`unsafe`), each said in words."""

    text: str
    dropped: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    children: list[_Element | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving tree of the HTML: end tags close the nearest open element of their name, and
    a block closes an open paragraph, as browsers do."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("#root", {})
        self.stack = [self.root]
        self.unsafe: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        self._check(tag, values)
        if tag in _BLOCKS and any(element.tag == "p" for element in self.stack):
            self._close("p")
        if tag == "li":
            self._close_until("li", stop={"ul", "ol"})
        element = _Element(tag, values)
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and not any(element.tag == "p" for element in self.stack):
            self.stack[-1].children.append(_Element("p", {}))  # a stray </p> is an empty <p>
            return
        self._close(tag)

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _close(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def _close_until(self, tag: str, stop: set[str]) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag in stop:
                return
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def _check(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "script":
            self.unsafe.append(SCRIPT_ELEMENT)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.unsafe.append(f"an event handler ({name}=) on <{tag}>")
            elif name in _URL_ATTRIBUTES or name == "srcdoc":
                scheme = url_scheme(value)
                if scheme in ("javascript", "vbscript") or (scheme == "data" and name != "src"):
                    self.unsafe.append(f"a {scheme}: address in {name}= of <{tag}>")
                elif name == "srcdoc":
                    self.unsafe.append(f"a document in srcdoc= of <{tag}>")


def url_scheme(url: str) -> str | None:
    """The scheme of a URL as a browser reads it (whitespace and control characters inside it
    are ignored: "java\\tscript:" is javascript:), lower case; None for a relative URL."""
    cleaned = "".join(char for char in url if ord(char) > 32 and char != "\x7f")
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _tree(source: str) -> tuple[_Element, list[str]]:
    builder = _TreeBuilder()
    builder.feed(source)
    builder.close()
    return builder.root, builder.unsafe


# --------------------------------------------------------------------------- plain text


def html_to_text(source: str) -> Converted:
    """The words of an HTML fragment as plain text on one line (a headline, a caption, a
    credit): tags go, line breaks and blocks become spaces, entities become characters. A link
    keeps its words and loses its address, which is said."""
    root, unsafe = _tree(source)
    dropped: list[str] = []
    words: list[str] = []

    def walk(node: _Element | str) -> None:
        if isinstance(node, str):
            words.append(node)
            return
        if node.tag in _DROPPED or node.tag == "script":
            return
        if node.tag in _EMBEDDED:
            dropped.append(_embedded(node))
            return
        if node.tag == "a" and node.attrs.get("href", "").strip():
            dropped.append(f"the link to {node.attrs['href'].strip()} (kept as its words)")
        if node.tag == "img":
            alt = node.attrs.get("alt", "").strip()
            words.append(f" {alt} " if alt else " ")
            return
        spaced = node.tag in _BLOCKS or node.tag == "br"
        if spaced:
            words.append(" ")
        for child in node.children:
            walk(child)
        if spaced:
            words.append(" ")

    walk(root)
    return Converted(_HTML_SPACE.sub(" ", "".join(words)).strip(), dropped, unsafe)


def _embedded(node: _Element) -> str:
    source = node.attrs.get("src") or node.attrs.get("data") or node.attrs.get("action") or ""
    where = f" ({source.strip()})" if source.strip() else ""
    return f"an embedded <{node.tag}>{where}: pages carry no embedded players or forms"


def _text_of(node: _Element | str) -> str:
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    return "".join(_text_of(child) for child in node.children)


# Characters that would start Markdown syntax anywhere in a line: escaped with a backslash
# (Python-Markdown's escapable characters), or, for '<' and '&' (which Python-Markdown passes
# through as HTML), written as character references.
