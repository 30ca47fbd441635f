"""Faster inline processing for Python-Markdown, with the same HTML.

Python-Markdown costs about 0.7 ms per event body, most of it trying every inline pattern on
every piece of text. `skip_impossible_patterns` makes an engine's inline processors skip the
patterns whose regular expression needs a character the text does not contain (`needles` reads
that from the pattern), which gives the same HTML in half the time.
"""

from __future__ import annotations

import importlib
import re
import xml.etree.ElementTree as etree
from bisect import bisect_left
from collections import deque
from collections.abc import Iterator
from typing import Any

import markdown
from markdown import util as markdown_util
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.treeprocessors import InlineProcessor

# --------------------------------------------------------------------------- fast inlines

# The parser of regular expressions behind `re` (private, stable since Python 3.11); without
# it, no pattern is skipped.
try:
    _sre: Any = importlib.import_module("re._constants")
    _sre_parse: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _sre = _sre_parse = None

Needles = tuple[tuple[str, ...], ...]  # every group must have one of its strings in the text
_NEEDLES: dict[re.Pattern[str], Needles | None] = {}


def needles(pattern: re.Pattern[str]) -> Needles | None:
    """What a text must contain for `pattern` to match somewhere in it: groups of strings, one
    of each group; None when that cannot be told (then the pattern is always tried)."""
    if pattern not in _NEEDLES:
        found = None
        if _sre_parse is not None and not pattern.flags & re.IGNORECASE:
            try:
                found = tuple(_required(list(_sre_parse.parse(pattern.pattern, pattern.flags))))
            except Exception:  # a pattern this reading does not understand: always try it
                found = None
        _NEEDLES[pattern] = found or None
    return _NEEDLES[pattern]


def _required(items: list[tuple[Any, Any]]) -> Iterator[tuple[str, ...]]:
    """The needle groups of a parsed sequence: each literal run, set of literals, group,
    repetition of at least once or alternation that every match must consume."""
    run = ""
    for op, argument in items:
        if op is _sre.LITERAL:
            run += chr(argument)
            continue
        if run:
            yield (run,)
            run = ""
        if op is _sre.IN:
            if all(kind is _sre.LITERAL for kind, _ in argument):
                yield tuple(chr(code) for _, code in argument)
        elif op is _sre.SUBPATTERN:
            if not argument[1] & re.IGNORECASE:  # (?i:...) matches other letters than written
                yield from _required(list(argument[3]))
        elif op is _sre.ATOMIC_GROUP:
            yield from _required(list(argument))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            least, _, repeated = argument
            repeated = list(repeated)
            if least >= 2 and len(repeated) == 1 and repeated[0][0] is _sre.LITERAL:
                yield (chr(repeated[0][1]) * min(least, 8),)  # `\.{3}` needs "..."
            elif least >= 1:
                yield from _required(repeated)
        elif op is _sre.BRANCH:
            choices: list[str] = []
            for branch in argument[1]:
                groups = list(_required(list(branch)))
                if not groups:
                    break
                fewest: tuple[str, ...] = min(groups, key=len)
                choices.extend(fewest)
            else:
                yield tuple(choices)
        # Anything else (anchors, lookarounds, any character, categories) requires nothing.
    if run:
        yield (run,)


_PLACEHOLDER = markdown_util.INLINE_PLACEHOLDER_PREFIX
# Characters by how often prose has them, most often first; any other is rarer still.
_COMMON = " etaoinsrhldcumfpgwybvkxjqz\nETAOINSRHLDCUMFPGWYBVKXJQZ0123456789.,-'\"()"


def _commonness(character: str) -> int:
    """Where a character stands in _COMMON, lowest for the rarest: the one to look for."""
    index = _COMMON.find(character)
    return -1 if index < 0 else len(_COMMON) - index


class _SkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline processor, minus the patterns that cannot match.

    The stock processor tries every inline pattern (about 15, and 17 more for smarty) on every
    piece of text, and most cost more to try than the text takes to read. Here each piece of
    text is scanned once for the characters patterns need (`needles`), and only the patterns
    that could match are tried, in their order, by the stock code: the HTML is the same.
    """

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        """Apply the inline patterns to the text of every element of the tree.

        Python-Markdown's run(), step for step, but linear: its stack is a list it takes from
        the front and it finds each element's place with list(parent).index(child), both
        quadratic in the number of siblings (a pasted 10,000-row table took seconds).
        """
        # Extensions register their patterns while the Markdown instance is built, so the list
        # is read on the first run (and again should its length change).
        if len(getattr(self, "_patterns", ())) != len(self.inlinePatterns):
            self._prepare(tuple(self.inlinePatterns))
        if self._nothing_to_do(tree):
            return tree
        handle = self._InlineProcessor__handleInline
        place = self._InlineProcessor__processPlaceholders  # type: ignore[attr-defined]
        self.stashed_nodes: dict[str, etree.Element | str] = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {child: parent for parent in tree.iter() for child in parent}
        stack = deque([(tree, tree_parents)])
        self._InlineProcessor__build_ancestors(tree, tree_parents)  # type: ignore[attr-defined]
        while stack:
            current, parents = stack.popleft()
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            queue = []
            index = 0
            # By index, as iterating an Element does: tails inserted after a child come next.
            while index < len(current):
                child = current[index]
                if child.text and not isinstance(child.text, markdown_util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text = child.text
                    handled = handle(text)
                    # Text no pattern changed and with no placeholder would be put back as it is.
                    if handled is not text or _PLACEHOLDER in handled:
                        child.text = None
                        found = place(handled, child)
                        for item in found:
                            self.parent_map[item[0]] = child
                        stack.extend(found)
                        queue.append((child, found))
                    self.ancestors.pop()
                if child.tail:
                    tail = handle(child.tail)
                    if tail is not child.tail or _PLACEHOLDER in tail:
                        holder = etree.Element("d")
                        child.tail = None
                        result = place(tail, holder, False)
                        if holder.tail:
                            child.tail = holder.tail
                        for item in reversed(result):
                            self.parent_map[item[0]] = current
                            current.insert(index + 1, item[0])
                if len(child):
                    self.parent_map[child] = current
                    stack.append((child, self.ancestors[:]))
                index += 1
            for element, found in queue:
                for position, item in enumerate(found):
                    element.insert(position, item[0])
        return tree

    def _prepare(self, patterns: tuple[Any, ...]) -> None:
        self._patterns = patterns
        # Per pattern, one character of each needle of its most selective needle group (the
        # rarest in prose; None: always try it): a text without any of them cannot hold a
        # match. Needles longer than one character are then looked for in the text itself.
        self._keys: list[frozenset[str] | None] = []
        self._longer: dict[int, tuple[str, ...]] = {}
        for index, pattern in enumerate(patterns):
            groups = needles(pattern.compiled_re) if isinstance(pattern, InlinePattern) else None
            if not groups:
                self._keys.append(None)
                continue
            best = min(groups, key=lambda group: (len(group), -min(map(len, group))))
            self._keys.append(frozenset(min(needle, key=_commonness) for needle in best))
            if any(len(needle) > 1 for needle in best):
                self._longer[index] = best
        characters = sorted(set().union(*(key for key in self._keys if key)))
        self._scan = (
            re.compile("[" + "".join(map(re.escape, characters)) + "]") if characters else None
        )
        self._always = any(key is None for key in self._keys)
        self._memo: dict[frozenset[str], tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def _candidates(self, data: str) -> tuple[int, ...]:
        """Indexes of the patterns that could match in `data`, in order."""
        present = frozenset(self._scan.findall(data)) if self._scan is not None else frozenset()
        memo = self._memo.get(present)
        if memo is None:
            candidates = tuple(
                index
                for index, key in enumerate(self._keys)
                if key is None or not key.isdisjoint(present)
            )
            memo = self._memo[present] = (
                candidates,
                tuple(index for index in candidates if index in self._longer),
            )
        candidates, to_check = memo
        if to_check:
            absent = {
                index
                for index in to_check
                if not any(needle in data for needle in self._longer[index])
            }
            if absent:
                candidates = tuple(index for index in candidates if index not in absent)
        return candidates

    def _nothing_to_do(self, tree: etree.Element) -> bool:
        """True when no pattern can match in any text of the tree (smarty's pass over a text
        without quotes, dashes or ellipses): the pass would give the tree back unchanged."""
        if self._always:
            return False
        for element in tree.iter():
            for text in (element.text, element.tail):
                atomic = isinstance(text, markdown_util.AtomicString)
                if text and not atomic and self._candidates(text):
                    return False
        return True

    # Replaces the stock loop (a private method, hence the name) with one over the candidates.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, markdown_util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        candidates = self._candidates(data)
        position = bisect_left(candidates, patternIndex)
        start = 0
        while position < len(candidates):
            index = candidates[position]
            data, matched, start = apply(self._patterns[index], data, index, start)
            if not matched:
                position += 1
                continue
            # The text changed: a pattern is tried again from where it stopped, as in stock.
            candidates = self._candidates(data)
            position = bisect_left(candidates, index)
            if position == len(candidates) or candidates[position] != index:
                start = 0
        return data


# The private methods the class above calls or replaces, as Python-Markdown 3.x names them.
_CAN_SKIP = all(
    hasattr(InlineProcessor, f"_InlineProcessor__{name}")
    for name in ("handleInline", "applyPattern", "processPlaceholders", "build_ancestors")
)


def skip_impossible_patterns(md: markdown.Markdown) -> None:
    """Make every stock inline processor of `md` (Python-Markdown's, smarty's) skip patterns."""
    if not _CAN_SKIP:  # a Python-Markdown whose internals differ: keep the stock, slower loop
        return
    for processor in md.treeprocessors:
        if type(processor) is InlineProcessor:
            # Same state, one method more: the instance stays where it is registered.
            processor.__class__ = _SkippingInlineProcessor
