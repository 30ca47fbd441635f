"""HTML from other tools (TimelineJS slides, captions, credits) to our Markdown or plain text.

Written for Python-Markdown's dialect (the one markup.py converts): paragraphs, `**strong**`,
`*emphasis*`, links, lists, quotes, code; inline tags Markdown has no syntax for but the
sanitiser keeps (`<del>`, `<sup>`, `<sub>`, `<q>`, `<cite>`, `<mark>`, `<br>`) stay as HTML.
Text is escaped so that it reads as the same words (a `*` stays a star, "1984. A year" does not
become a list). What cannot come along is said, never silently dropped: embedded players,
images without alt text, links to relative addresses, forms. Anything that could run code
(scripts, event handlers, `javascript:` URLs) is reported as unsafe, for the importer to refuse.

Why our own converter rather than markdownify or html2text: both write CommonMark-flavoured
Markdown (their escaping and list indentation do not suit Python-Markdown, which needs four
spaces to nest), both drop unsafe HTML silently where we must refuse it, and neither says what
it left out.
"""

from __future__ import annotations

import html
import re

from site_builder.importers.htmltree import (
    _BLOCKS,
    _DROPPED,
    _EMBEDDED,
    _HTML_SPACE,
    _SAFE_SCHEMES,
    Converted,
    _Element,
    _embedded,
    _text_of,
    _tree,
    url_scheme,
)

_KEPT_INLINE = frozenset({"del", "ins", "sup", "sub", "q", "cite", "mark", "small", "abbr", "s"})
_AUTOLINK_UNSAFE = re.compile(r"[\s<>]")
_LIST_START = re.compile(r"(?:- |\d+\. )")
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")

# --------------------------------------------------------------------------- Markdown


def html_to_markdown(source: str, autolink: bool = True) -> Converted:
    """Markdown (Python-Markdown's dialect) that renders as the HTML fragment's text, with its
    paragraphs, emphasis, links, lists, quotes and code. `autolink` links bare web addresses,
    as TimelineJS does unless told not to."""
    root, unsafe = _tree(source)
    writer = _MarkdownWriter(autolink)
    blocks = writer.blocks(root.children)
    return Converted("\n\n".join(blocks), writer.dropped, unsafe)


class _MarkdownWriter:
    def __init__(self, autolink: bool) -> None:
        self.autolink = autolink
        self.dropped: list[str] = []

    # blocks --------------------------------------------------------------------------------

    def blocks(self, nodes: list[_Element | str]) -> list[str]:
        """Markdown blocks (paragraphs, lists, quotes...) of a run of nodes."""
        found: list[str] = []
        inline: list[_Element | str] = []

        def flush() -> None:
            text = _finish_lines(self.inline(inline))
            if text:
                found.append(text)
            inline.clear()

        for node in nodes:
            if isinstance(node, str) or not self._is_block(node):
                inline.append(node)
                continue
            flush()
            found.extend(self.block(node))
        flush()
        return found

    def _is_block(self, node: _Element) -> bool:
        return node.tag in _BLOCKS or node.tag in _EMBEDDED or node.tag in _DROPPED

    def block(self, node: _Element) -> list[str]:
        tag = node.tag
        if tag in _DROPPED or tag == "script":
            return []
        if tag in _EMBEDDED:
            self.dropped.append(_embedded(node))
            return []
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "dt", "summary"):
            # A heading inside an event's text would break the page's outline (the event's
            # title is a heading already): it becomes a paragraph in bold.
            text = self.inline(node.children).strip()
            return [_finish_lines(f"**{text}**")] if text else []
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(node.children))
            return [_quoted(inner)] if inner else []
        if tag in ("ul", "ol"):
            return self.list_block(node)
        if tag == "pre":
            code = _text_of(node).strip("\n")
            return (
                ["\n".join("    " + line if line else "" for line in code.split("\n"))]
                if code
                else []
            )
        if tag == "hr":
            return ["* * *"]
        if tag in ("table", "thead", "tbody", "tfoot", "tr"):
            if tag == "table":
                self.dropped.append("a table (kept as one paragraph per row)")
            rows = [child for child in node.children if isinstance(child, _Element)]
            if tag == "tr":
                cells = [_finish_lines(self.inline(cell.children)) for cell in rows]
                text = " · ".join(cell for cell in cells if cell)
                return [text] if text else []
            return [block for row in rows for block in self.block(row)]
        # p, div, section, figure, li outside a list, dd, td...: their content, as blocks.
        return self.blocks(node.children)

    def list_block(self, node: _Element) -> list[str]:
        ordered = node.tag == "ol"
        try:
            number = int(node.attrs.get("start", "1"))
        except ValueError:
            number = 1
        items: list[list[str]] = []
        for child in node.children:
            if isinstance(child, _Element) and child.tag == "li":
                items.append(self.blocks(child.children))
            elif isinstance(child, _Element) and child.tag in ("ul", "ol") and items:
                items[-1].extend(self.list_block(child))  # a list nested without its <li>
            elif isinstance(child, _Element) or child.strip():
                items.append(self.blocks([child]))
        items = [item for item in items if item]
        if not items:
            return []
        # A list is loose (its items are paragraphs) when an item holds more than one block
        # besides a nested list, which follows its item's line directly.
        loose = any(len([b for b in item if not _LIST_START.match(b)]) > 1 for item in items)
        lines: list[str] = []
        for item in items:
            marker = f"{number}. " if ordered else "- "
            number += 1
            body = item[0]
            for block in item[1:]:
                body += ("\n" if _LIST_START.match(block) and not loose else "\n\n") + block
            indented = "\n".join(
                ("    " + line if line else "") for line in body.split("\n")
            ).lstrip()
            lines.append(marker + indented)
        return [("\n\n" if loose else "\n").join(lines)]

    # inline --------------------------------------------------------------------------------

    def inline(self, nodes: list[_Element | str]) -> str:
        """The Markdown of a run of inline nodes (white space collapsed as HTML does)."""
        return "".join(self.inline_node(node) for node in nodes)

    def inline_node(self, node: _Element | str) -> str:
        if isinstance(node, str):
            return self.text(node)
        tag = node.tag
        if tag in _DROPPED or tag == "script":
            return ""
        if tag in _EMBEDDED:
            self.dropped.append(_embedded(node))
            return ""
        if tag == "br":
            return "<br>\n"
        if tag == "img":
            return self.image(node)
        if tag == "a":
            return self.link(node)
        if tag in ("strong", "b"):
            return _wrap("**", self.inline(node.children))
        if tag in ("em", "i"):
            return _wrap("*", self.inline(node.children))
        if tag == "code":
            return _code(_HTML_SPACE.sub(" ", _text_of(node)))
        if tag in _KEPT_INLINE:
            inner = self.inline(node.children)
            if not inner.strip():
                return inner
            name = "del" if tag == "s" else tag
            title = node.attrs.get("title", "") if tag == "abbr" else ""
            attribute = f' title="{html.escape(title)}"' if title else ""
            return f"<{name}{attribute}>{inner}</{name}>"
        if tag in _BLOCKS:  # a block inside a line (a <p> in a <span>): a break
            return self.inline(node.children)
        return self.inline(node.children)  # span, font, u, label...: their words

    def text(self, data: str) -> str:
        collapsed = _HTML_SPACE.sub(" ", data)
        if not self.autolink:
            return _escape(collapsed)
        parts = []
        position = 0
        for match in _BARE_URL.finditer(collapsed):
            parts.append(_escape(collapsed[position : match.start()]))
            parts.append(f"<{match.group()}>")
            position = match.end()
        parts.append(_escape(collapsed[position:]))
        return "".join(parts)

    def link(self, node: _Element) -> str:
        autolink, self.autolink = self.autolink, False  # no link inside a link
        try:
            inner = self.inline(node.children)
        finally:
            self.autolink = autolink
        href = node.attrs.get("href", "").strip()
        scheme = url_scheme(href)
        if not href or href.startswith("#"):
            return inner  # an anchor, or a link inside the page it came from
        if scheme not in _SAFE_SCHEMES:
            if scheme is None:
                self.dropped.append(f"the link to the relative address {href} (kept as its words)")
            elif scheme not in ("javascript", "vbscript", "data"):  # those are unsafe, reported
                self.dropped.append(f"the link to {href} (kept as its words)")
            return inner
        stripped = inner.strip()
        words = _HTML_SPACE.sub(" ", _text_of(node)).strip()
        if words in (href, href.removeprefix("mailto:")) and not _AUTOLINK_UNSAFE.search(href):
            return f"<{words}>"  # a link whose words are its address: an automatic link
        if not stripped:
            stripped = _escape(href)
        title = node.attrs.get("title", "").strip()
        quoted_title = ' "' + title.replace('"', "&quot;") + '"' if title else ""
        leading = inner[: len(inner) - len(inner.lstrip())]
        trailing = inner[len(inner.rstrip()) :]
        return f"{leading}[{stripped}]({_destination(href)}{quoted_title}){trailing}"

    def image(self, node: _Element) -> str:
        src = node.attrs.get("src", "").strip()
        alt = _HTML_SPACE.sub(" ", node.attrs.get("alt", "")).strip()
        if url_scheme(src) != "https":
            if src.lower().startswith("http://") and alt:
                src = "https://" + src[len("http://") :]
            else:
                where = src if not src.lower().startswith("data:") else "a data: address"
                self.dropped.append(f"the image {where} (not at an https:// address)")
                return ""
        if not alt:
            self.dropped.append(f"the image {src} (it has no alt text)")
            return ""
        return f"![{_escape(alt)}]({_destination(src)})"


_INLINE_ESCAPES = re.compile(r"[\\`*_\[\]{]")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def _escape(text: str) -> str:
    text = _INLINE_ESCAPES.sub(lambda match: "\\" + match.group(), text)
    text = _ENTITY_LIKE.sub("&amp;", text)
    return text.replace("<", "&lt;")


def _line_start(line: str) -> str:
    """A line of a paragraph with what would make it something other than text escaped: a
    heading, a quote, a list item, a rule or setext underline, an admonition, a definition, a
    code fence, a table row."""
    if re.match(r"[#>+\-]", line):
        return "\\" + line
    if match := re.match(r"(\d+)\.(\s|$)", line):
        return match.group(1) + "\\." + line[match.end(1) + 1 :]
    if line.startswith("!!!") or line.startswith("???"):
        return "\\" + line if line[0] == "!" else "&#63;" + line[1:]
    if line.startswith(": ") or line == ":":
        return "&#58;" + line[1:]
    if re.match(r"=+\s*$", line):
        return "&#61;" + line[1:]
    if line.startswith("~~~"):
        return "&#126;" + line[1:]
    if line.startswith("|"):
        return "&#124;" + line[1:]
    return line


def _finish_lines(text: str) -> str:
    """A paragraph's Markdown: each line trimmed and made safe at its start, no empty lines."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    while lines and lines[-1] == "<br>":
        lines.pop()
    if lines and lines[-1].endswith("<br>"):
        lines[-1] = lines[-1][: -len("<br>")].rstrip()
    return "\n".join(_line_start(line) for line in lines)


def _quoted(text: str) -> str:
    return "\n".join(("> " + line) if line else ">" for line in text.split("\n"))


def _wrap(mark: str, inner: str) -> str:
    """`**words**` with the spaces around the words kept outside the marks."""
    stripped = inner.strip()
    if not stripped:
        return inner
    leading = inner[: len(inner) - len(inner.lstrip())]
    trailing = inner[len(inner.rstrip()) :]
    return f"{leading}{mark}{stripped}{mark}{trailing}"


def _code(text: str) -> str:
    if not text.strip():
        return text
    fence = "`"
    while fence in text:
        fence += "`"
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _destination(url: str) -> str:
    """A link destination Markdown reads whole: spaces, brackets and parentheses encoded."""
    return (
        url.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
    )
