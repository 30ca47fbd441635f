"""Text fragments (`#:~:text=`): a text directive, its encoding into a URL, and the shortest
directive that matches a passage of a text once, found as a browser searches.

Text fragments follow the WICG "URL Fragment Text Directives" specification
(https://wicg.github.io/scroll-to-text-fragment/): a quote up to 300 characters is matched
exactly, a longer one as a `start,end` range, and context words (`prefix-,` and `,-suffix`) are
added only where the words occur more than once, so that the directive matches the quoted words
once. Browsers match case-insensitively, ignoring accents, on word boundaries; the uniqueness
test here reads the text the same way.

Pure functions and small classes: no IO.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# The specification encourages an exact match below 300 characters, a range above.
EXACT_MATCH_LIMIT = 300
# Words taken for each end of a range, and the most context words tried on either side.
RANGE_WORDS = 3
_MAX_CONTEXT_WORDS = 6
_CONTEXT_WINDOW = 400  # characters read on each side of a quote for its context words

# TextDirectiveExplicitChar: the URL code points a term may carry as they are; everything else,
# "-", "&" and "," (the directive's own syntax) included, is percent-encoded as UTF-8.
_EXPLICIT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$'()*+./:;=?@_~"
)


@dataclass(frozen=True)
class TextDirective:
    """The terms of a text directive; prefix, end and suffix are optional."""

    start: str
    end: str | None = None
    prefix: str | None = None
    suffix: str | None = None

    def encode(self) -> str:
        """`text=[prefix-,]start[,end][,-suffix]`, each term percent-encoded as the spec says."""
        terms = []
        if self.prefix:
            terms.append(encode_term(self.prefix) + "-")
        terms.append(encode_term(self.start))
        if self.end:
            terms.append(encode_term(self.end))
        if self.suffix:
            terms.append("-" + encode_term(self.suffix))
        return "text=" + ",".join(terms)


def encode_term(term: str) -> str:
    """A text directive term percent-encoded: UTF-8 bytes of everything but the explicit
    characters ("-", "&", "," and space included), upper-case hex."""
    out = []
    for char in term:
        if char in _EXPLICIT:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def with_fragment(url: str, directive: TextDirective) -> str:
    """A URL that opens at the directive's text; an existing #fragment stays as the fallback."""
    base, hash_sign, fragment = url.partition("#")
    fragment = fragment.split(":~:", 1)[0] if hash_sign else ""
    return f"{base}#{fragment}:~:{directive.encode()}"


class BrowserText:
    """The text as a browser searches it for a text directive: case and accents ignored.

    Searching is by `str.find` (as fast as the text is long) and the word-boundary and context
    rules are checked only where a term was found: a source of a few megabytes with thousands
    of quotes stays a matter of seconds.
    """

    def __init__(self, text: str) -> None:
        pieces = [_fold_for_search(char) for char in text]
        self.folded = "".join(pieces)
        # offsets[i] is where text[i] starts in the folded text (one more entry for the end):
        # folding can change a character's length ("ß" -> "ss", "ﬁ" -> "fi").
        self.offsets = [0, *itertools.accumulate(map(len, pieces))]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the text as a span of the folded text."""
        return self.offsets[start], self.offsets[end]

    def matches(self, directive: TextDirective, limit: int = 2) -> list[tuple[int, int]]:
        """Folded spans the directive matches (at most `limit`), in order, the way a browser
        finds them: the prefix, white space, the start (then the first end after it), white
        space, the suffix; each term on word boundaries."""
        start = _fold_term(directive.start)
        end = _fold_term(directive.end) if directive.end else None
        prefix = _fold_term(directive.prefix) if directive.prefix else None
        suffix = _fold_term(directive.suffix) if directive.suffix else None
        found: list[tuple[int, int]] = []
        for position in self._occurrences(start):
            if prefix is not None and not self._preceded_by(position, prefix):
                continue
            stop = position + len(start)
            if end is not None:
                ends = self._occurrences(end, stop)
                stop = next((at + len(end) for at in ends), -1)
                if stop < 0:
                    break  # no end after this start, nor after any later one
            if suffix is not None and not self._followed_by(stop, suffix):
                continue
            found.append((position, stop))
            if len(found) >= limit:
                break
        return found

    def _occurrences(self, term: str, begin: int = 0) -> Iterator[int]:
        """Where `term` occurs from `begin` on, on word boundaries."""
        text = self.folded
        position = text.find(term, begin)
        while position >= 0:
            if self._bounded(position, position + len(term)):
                yield position
            position = text.find(term, position + 1)

    def _bounded(self, start: int, stop: int) -> bool:
        text = self.folded
        before = start == 0 or not (_is_word(text[start - 1]) and _is_word(text[start]))
        after = stop >= len(text) or not (_is_word(text[stop - 1]) and _is_word(text[stop]))
        return before and after

    def _preceded_by(self, position: int, prefix: str) -> bool:
        at = position
        while at > 0 and self.folded[at - 1].isspace():
            at -= 1
        begin = at - len(prefix)
        return begin >= 0 and self.folded.startswith(prefix, begin) and self._bounded(begin, at)

    def _followed_by(self, position: int, suffix: str) -> bool:
        at = position
        while at < len(self.folded) and self.folded[at].isspace():
            at += 1
        stop = at + len(suffix)
        return self.folded.startswith(suffix, at) and self._bounded(at, stop)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


@functools.cache
def _fold_for_search(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)) or char


def _fold_term(term: str) -> str:
    return "".join(_fold_for_search(char) for char in term)


def unique_directive(view: BrowserText, text: str, start: int, end: int) -> TextDirective:
    """The shortest directive, as the specification advises, matching text[start:end] only."""
    target = view.span(start, end)
    quoted = text[start:end]
    # Context is whole words of the text; where the quote starts or ends inside a word of the
    # text (after an opening quotation mark), the rest of that word is the nearest context.
    # (Read from a window around the quote: splitting all the text before it, for each of
    # thousands of quotes, made long sources quadratic.)
    window = _CONTEXT_WINDOW
    before_words = text[max(0, start - window) : start].split()
    if start > window:
        before_words = before_words[1:]  # the window may begin inside a word
    before_words = before_words[-_MAX_CONTEXT_WORDS:]
    after_words = text[end : end + window].split()
    if end + window < len(text):
        after_words = after_words[:-1]
    after_words = after_words[:_MAX_CONTEXT_WORDS]

    def prefix(count: int) -> str | None:
        return " ".join(before_words[-count:]) if count else None

    def suffix(count: int) -> str | None:
        return " ".join(after_words[:count]) if count else None

    cores: list[TextDirective] = []
    if len(quoted) <= EXACT_MATCH_LIMIT:
        cores.append(TextDirective(quoted))
    else:
        words = quoted.split(" ")
        for count in range(RANGE_WORDS, len(words) // 2 + 1):
            cores.append(TextDirective(" ".join(words[:count]), " ".join(words[-count:])))
        cores.append(TextDirective(quoted))
    contexts = [(0, 0)]
    for count in range(1, _MAX_CONTEXT_WORDS + 1):
        contexts += [(count, 0), (0, count), (count, count)]
    for core in cores:
        for before_count, after_count in contexts:
            if before_count > len(before_words) or after_count > len(after_words):
                continue
            candidate = TextDirective(
                core.start, core.end, prefix(before_count), suffix(after_count)
            )
            if view.matches(candidate) == [target]:
                return candidate
    # Every candidate matches elsewhere too (the text repeats itself at length): the first
    # match is the earliest occurrence, which is where the quote was found.
    return cores[0]
