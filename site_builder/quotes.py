"""Quotes against the text of their source: one normalisation, the search, the explanation of a
near miss, and the text fragment (`#:~:text=`) that opens the source at the quoted words
(written as `textfragments` says).

Quotes are compared under Unicode NFC (canonical composition: "é" written as one code point or
as "e" plus a combining accent is the same text) with every run of white space, of any kind and
including line breaks and no-break spaces, read as one space. Nothing else is folded: curly and
straight quotes, dashes and hyphens, an ellipsis and three full stops, a ligature and its
letters are different characters, because a quote is the source's words as written. When a quote
misses only by such a difference, `SourceIndex.near_miss` says which characters differ and gives
the source's own wording to copy.

Pure functions and small classes: no IO.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from site_builder.textfragments import (
    EXACT_MATCH_LIMIT,
    RANGE_WORDS,
    BrowserText,
    TextDirective,
    unique_directive,
    with_fragment,
)

# A folding of text: the folded text and, for each of its characters, its index in the original.
_Fold = Callable[[str], tuple[str, list[int]]]

NORMALISATION: Final = "NFC"

# Characters that look alike on a page but are different text: what a near miss is made of.
_TYPOGRAPHIC = {
    **dict.fromkeys("‘’‚‛′‹›`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−⁃", "-"),
    "…": "...",
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}


def normalise(text: str) -> str:
    """Text as quotes are compared: NFC, each run of white space one space, none at the ends."""
    return " ".join(unicodedata.normalize(NORMALISATION, text).split())


def describe_character(char: str) -> str:
    """A character for a message: itself, its code point and its Unicode name."""
    name = unicodedata.name(char, "")
    shown = char if char.isprintable() and not char.isspace() else ""
    return f"{shown} (U+{ord(char):04X}{' ' + name if name else ''})".strip()


@dataclass(frozen=True)
class NearMiss:
    """A quote that occurs in the source but for typography, Unicode form or capitals."""

    source_words: str  # the source's own wording of the quoted passage
    differences: tuple[tuple[str, str], ...]  # (in the quote, in the source), each distinct once

    def explain(self) -> str:
        """What differs, for a message: "the source has ’ (U+2019 ...) where the quote has '"."""
        parts = []
        for quoted, source in self.differences[:3]:
            theirs = _describe_run(source) if source else "nothing"
            ours = _describe_run(quoted) if quoted else "nothing"
            parts.append(f"the source has {theirs} where the quote has {ours}")
        more = len(self.differences) - 3
        return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _describe_run(run: str) -> str:
    return " ".join(describe_character(char) for char in run) if len(run) <= 3 else repr(run)


class SourceIndex:
    """A source's text prepared once for many quotes: found, explained, linked into."""

    def __init__(self, text: str) -> None:
        self.text = normalise(text)
        self._found: dict[str, int | None] = {}
        self._directives: dict[str, TextDirective | None] = {}

    def find(self, quote: str) -> int | None:
        """Where the (normalised) quote starts in the normalised text, or None."""
        if quote not in self._found:
            needle = normalise(quote)
            position = self.text.find(needle) if needle else -1
            self._found[quote] = position if position >= 0 else None
        return self._found[quote]

    def near_miss(self, quote: str) -> NearMiss | None:
        """The source's wording when the quote differs from it only in typography, Unicode
        compatibility form (a ligature, a full-width letter) or capitals; else None."""
        needle = normalise(quote)
        for folded, origins, fold in (self._typographic, self._caseless):
            target = fold(needle)[0]
            position = folded.find(target) if target else -1
            if position < 0:
                continue
            first = origins[position]
            last = origins[position + len(target) - 1] + 1
            words = self.text[first:last]
            return NearMiss(words, _differences(needle, words))
        return None

    @cached_property
    def _typographic(self) -> tuple[str, list[int], _Fold]:
        folded, origins = _fold_typography(self.text)
        return folded, origins, _fold_typography

    @cached_property
    def _caseless(self) -> tuple[str, list[int], _Fold]:
        folded, origins = _fold_caseless(self.text)
        return folded, origins, _fold_caseless

    # ----------------------------------------------------------------- text fragments

    def directive(self, quote: str) -> TextDirective | None:
        """A text directive that matches the quoted words once in this text; None when the
        quote is not in it."""
        if quote not in self._directives:
            position = self.find(quote)
            self._directives[quote] = (
                None
                if position is None
                else unique_directive(
                    self._browser_view, self.text, position, position + len(normalise(quote))
                )
            )
        return self._directives[quote]

    @cached_property
    def _browser_view(self) -> BrowserText:
        return BrowserText(self.text)


def quote_link(url: str, index: SourceIndex | None, quote: str) -> str:
    """The source's address opened at the quoted words: a directive computed from the source's
    text when there is one (unique there), else from the quote alone."""
    directive = index.directive(quote) if index is not None else None
    return with_fragment(url, directive or directive_without_text(quote))


def directive_without_text(quote: str) -> TextDirective:
    """A directive for a quote whose source text is not at hand: exact, or a range when long.
    It cannot be checked for uniqueness."""
    words = normalise(quote)
    if len(words) <= EXACT_MATCH_LIMIT:
        return TextDirective(words)
    split = words.split(" ")
    return TextDirective(" ".join(split[:RANGE_WORDS]), " ".join(split[-RANGE_WORDS:]))


# --------------------------------------------------------------------------- folding


def _fold_typography(text: str) -> tuple[str, list[int]]:
    """NFKC and typographic look-alikes folded, with each folded character's index in `text`."""
    out: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        replacement = _TYPOGRAPHIC.get(char)
        if replacement is None:
            replacement = unicodedata.normalize("NFKC", char)
            replacement = "".join(_TYPOGRAPHIC.get(c, c) for c in replacement)
        if replacement.isspace():
            replacement = " "
        out.append(replacement)
        origins.extend([index] * len(replacement))
    return _collapse("".join(out), origins)


def _fold_caseless(text: str) -> tuple[str, list[int]]:
    folded, origins = _fold_typography(text)
    out: list[str] = []
    mapped: list[int] = []
    for index, char in enumerate(folded):
        lowered = char.casefold()
        out.append(lowered)
        mapped.extend([origins[index]] * len(lowered))
    return "".join(out), mapped


def _collapse(text: str, origins: list[int]) -> tuple[str, list[int]]:
    """Runs of spaces as one (a removed soft hyphen can leave two), and none around a dash
    ("peace - lasting" is "peace–lasting" set differently), with their origins."""
    out: list[str] = []
    mapped: list[int] = []
    for char, origin in zip(text, origins, strict=True):
        if char == " " and (not out or out[-1] in " -"):
            continue
        if char == "-" and out and out[-1] == " ":
            out.pop()
            mapped.pop()
        out.append(char)
        mapped.append(origin)
    while out and out[-1] == " ":
        out.pop()
        mapped.pop()
    return "".join(out), mapped


def _differences(quote: str, source: str) -> tuple[tuple[str, str], ...]:
    """The distinct runs of characters that differ between the quote and the source's words."""
    found: dict[tuple[str, str], None] = {}
    matcher = difflib.SequenceMatcher(None, quote, source, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            found.setdefault((quote[i1:i2], source[j1:j2]), None)
    return tuple(found)
