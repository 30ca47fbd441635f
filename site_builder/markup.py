"""Markdown to safe HTML: Python-Markdown with the site's extensions, sanitised by nh3.

The dialect is Python-Markdown's, the one MkDocs and Pelican users write, with the extensions
site.yaml lists under `markdown_extensions` in MkDocs' format (DEFAULT_EXTENSIONS when it lists
none). Any installed extension works, by entry-point name (`footnotes`) or dotted path
(`pymdownx.details`); one that is missing or wrongly configured is reported at its line of
site.yaml (`extension_problems`) before anything is converted.

Two stages, so that conversion can be shared:
- `MarkdownConverter` turns each distinct text into sanitised HTML once, identity links
  (`player:ID`, ...) left as written: that HTML depends on the text alone, so it is kept between
  serve's rebuilds and made by worker processes on large sites (build.py);
- `MarkdownRenderer`, once per build, resolves identity links into this build's URLs and gives
  the ids of a text that shares its page with others (an event body, a bio) a prefix of its own.

Speed: Python-Markdown costs about 0.7 ms per event body, most of it trying every inline pattern
on every piece of text. Each process keeps one Markdown instance per set of extensions and
reset()s it between texts, and its inline processors skip the patterns whose regular expression
needs a character the text does not contain (`_SkippingInlineProcessor`), which gives the same
HTML in half the time.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import json
import pkgutil
import re
import sys
import xml.etree.ElementTree as etree
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

import markdown
import nh3
from markdown import util as markdown_util
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.treeprocessors import InlineProcessor

from site_builder.errors import Problem
from site_builder.model import MarkdownExtension, SiteConfig
from site_builder.urls import LINK_SCHEMES

LinkResolver = Callable[[str, str], str | None]

# What a site gets when site.yaml lists no extensions: footnotes, abbreviations, definition
# lists, tables, attribute lists and fenced code as in MkDocs and Pelican; admonitions for an
# editor's note or a correction; lists that do not mix; typographic quotes, dashes, ellipses.
DEFAULT_EXTENSIONS: tuple[MarkdownExtension, ...] = tuple(
    MarkdownExtension(name)
    for name in (
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "fenced_code",
        "footnotes",
        "sane_lists",
        "smarty",
        "tables",
    )
)


def extensions_of(config: SiteConfig) -> tuple[MarkdownExtension, ...]:
    """The extensions a site converts its Markdown with."""
    if config.markdown_extensions is None:
        return DEFAULT_EXTENSIONS
    return config.markdown_extensions


# --------------------------------------------------------------------------- sanitising

# nh3's defaults strip id and class, which footnotes, admonitions and attr_list rely on.
# `cite` (on q, blockquote, ins, del) is a URL nh3 does not check against url_schemes, so a
# javascript: URL would survive in it; readers never see it, so it goes. Added for what the
# extensions write: `title` on links (footnote back-links, link titles) and images, the
# expansion of an `abbr`, `open` on a `details` (pymdownx.details' `???+`), and `style` on table
# cells, where only `text-align` (column alignment) is kept.
_ALLOWED_ATTRIBUTES = {tag: set(attrs) - {"cite"} for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ALLOWED_ATTRIBUTES["*"] = {"id", "class", "lang"}
for _tag, _extra in {
    "a": {"title"},
    "img": {"title"},
    "abbr": {"title"},
    "details": {"open"},
    "th": {"style"},
    "td": {"style"},
}.items():
    _ALLOWED_ATTRIBUTES[_tag] = _ALLOWED_ATTRIBUTES.get(_tag, set()) | _extra
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"figure", "figcaption", "section"}
# Identity links pass the sanitiser as written and are resolved afterwards (MarkdownRenderer).
_URL_SCHEMES = {"http", "https", "mailto", *LINK_SCHEMES}

# One cleaner for the whole process: building nh3's configuration costs a third of a clean.
_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes=_ALLOWED_ATTRIBUTES,
    link_rel=None,
    url_schemes=_URL_SCHEMES,
    filter_style_properties={"text-align"},
)


def sanitise(html: str) -> str:
    """Remove scripts, event handlers, styles and dangerous URLs from HTML."""
    return _CLEANER.clean(html)


# --------------------------------------------------------------------------- extensions


@dataclass(frozen=True)
class SetupFailure:
    """Why one entry of `markdown_extensions` cannot be used.

    `index` is the entry's position in the list (None: the list as a whole), `option` the
    option whose value is wrong, if it is one option.
    """

    index: int | None
    message: str
    hint: str
    option: str | None = None


class ExtensionsError(Exception):
    """Extensions that cannot be loaded or set up (see `extension_problems`)."""

    def __init__(self, failures: list[SetupFailure]) -> None:
        self.failures = failures
        super().__init__("; ".join(failure.message for failure in failures))


class _Engine:
    """One Markdown instance with a set of extensions, and the source file of each extension
    (to name the extension an error comes from)."""

    def __init__(self, md: markdown.Markdown, files: Mapping[str, str]) -> None:
        self.md = md
        self.files = files


# One engine per process and set of extensions (serve's rebuilds and a build's worker
# processes reuse it; a fork inherits the parent's).
_ENGINES: dict[str, _Engine] = {}


def _engine(extensions: Sequence[MarkdownExtension]) -> _Engine:
    key = json.dumps([[entry.name, entry.options] for entry in extensions], default=repr)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = _build_engine(extensions)
    return engine


def extension_problems(config: SiteConfig) -> list[Problem]:
    """Every extension site.yaml asks for that cannot be loaded or set up, located in site.yaml
    (the entry, or the option whose value is wrong)."""
    try:
        _engine(extensions_of(config))
    except ExtensionsError as error:
        return [_located(failure, config) for failure in error.failures]
    return []


def _located(failure: SetupFailure, config: SiteConfig) -> Problem:
    origin = config.origin
    path: tuple[str | int, ...] = ("markdown_extensions",)
    if failure.index is not None and config.markdown_extensions is not None:
        name = config.markdown_extensions[failure.index].name
        # A list item ("- toc: ...") is found by its index; MkDocs' mapping form by its name.
        path += (failure.index,) if (*path, failure.index) in origin.spots else (name,)
        if failure.option is not None:
            path += (failure.option,) if path[-1] == name else (name, failure.option)
    line, column = origin.at(*path)
    return Problem(origin.path, failure.message, line, column, failure.hint)


def _build_engine(extensions: Sequence[MarkdownExtension]) -> _Engine:
    failures: list[SetupFailure] = []
    loaded: list[tuple[int, Extension]] = []
    first: dict[str, int] = {}
    for index, entry in enumerate(extensions):
        if entry.name in first:
            failures.append(
                SetupFailure(
                    index,
                    f"Markdown extension '{entry.name}' is listed twice",
                    f"list it once (it is item {first[entry.name] + 1}), with all its options",
                )
            )
            continue
        first[entry.name] = index
        extension, faults = _load(index, entry)
        failures += faults
        if extension is not None:
            loaded.append((index, extension))
    if failures:
        raise ExtensionsError(failures)
    md = markdown.Markdown(output_format="html")
    for index, extension in loaded:
        try:
            md.registerExtensions([extension], {})
        except Exception as error:
            failures.append(
                SetupFailure(
                    index,
                    f"Markdown extension '{extensions[index].name}' could not be set up: "
                    f"{_describe(error)}",
                    "check its options against the extension's documentation",
                )
            )
    if failures:
        raise ExtensionsError(failures)
    _skip_impossible_patterns(md)
    files = {
        inspect.getfile(type(extension)): extensions[index].name for index, extension in loaded
    }
    engine = _Engine(md, files)
    try:
        _convert(engine, _PROBE)
    except ConversionError as error:
        raise ExtensionsError([_probe_failure(extensions, error)]) from None
    return engine


def _load(index: int, entry: MarkdownExtension) -> tuple[Extension | None, list[SetupFailure]]:
    """The extension an entry names, made with its options; or why it cannot be."""
    name = entry.name
    module = name.split(":", 1)[0]
    if name not in _installed_names() and module.split(".", 1)[0] in sys.stdlib_module_names:
        # No Markdown extension lives in Python's standard library; importing one of its
        # modules by mistake can still do things (`antigravity` opens a web browser).
        return None, [
            SetupFailure(
                index,
                f"'{name}' is a module of Python's standard library, not a Markdown extension",
                _name_hint(name, look_beside=False),  # nor is any module beside it imported
            )
        ]
    scratch = markdown.Markdown()
    try:
        bare = scratch.build_extension(name, {})  # first without options, to learn them
    except ImportError as error:
        return None, [_not_installed(index, name, error)]
    except Exception as error:
        return None, [
            SetupFailure(
                index,
                f"'{name}' could not be loaded as a Markdown extension: {_describe(error)}",
                _name_hint(name),
            )
        ]
    if not isinstance(bare, Extension):
        return None, [
            SetupFailure(index, f"'{name}' is not a Markdown extension", _name_hint(name))
        ]
    faults = [
        fault
        for option, value in entry.options.items()
        if (fault := _option_fault(index, name, bare.config, option, value)) is not None
    ]
    if faults:
        return None, faults
    try:
        return scratch.build_extension(name, entry.options), []
    except Exception as error:
        return None, [
            SetupFailure(
                index,
                f"Markdown extension '{name}' does not accept these options: {_describe(error)}",
                "check its options against the extension's documentation",
            )
        ]


def _option_fault(
    index: int, name: str, known: Mapping[str, list[Any]], option: str, value: Any
) -> SetupFailure | None:
    if option not in known:
        close = difflib.get_close_matches(option, sorted(known), n=1)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f"its options are: {', '.join(sorted(known))}"
            if known
            else f"'{name}' takes no options: write it as '- {name}'"
        )
        return SetupFailure(
            index, f"Markdown extension '{name}' has no option '{option}'", hint, option
        )
    default = known[option][0]
    expected = None
    # Python-Markdown reads a yes/no option with bool(), so a list or a number would silently
    # mean "on"; a mapping or a list where the extension expects one fails later, on some text.
    if isinstance(default, bool):
        if not isinstance(value, bool | str) or (
            isinstance(value, str) and markdown_util.parseBoolValue(value, False) is None
        ):
            expected = "true or false"
    elif isinstance(default, dict) and not isinstance(value, dict):
        expected = "a mapping of key: value"
    elif isinstance(default, list | tuple) and not isinstance(value, list):
        expected = "a list"
    if expected is None:
        return None
    return SetupFailure(
        index,
        f"option '{option}' of Markdown extension '{name}' must be {expected}, not {_kind(value)}",
        f"its default is {default!r}; see the extension's documentation",
        option,
    )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…'"


def _not_installed(index: int, name: str, error: ImportError) -> SetupFailure:
    module = name.split(":", 1)[0]
    missing = error.name or ""
    if missing and (module == missing or module.startswith(missing + ".")):
        return SetupFailure(
            index, f"Markdown extension '{name}' is not installed", _name_hint(name)
        )
    # The extension is there but imports something that is not.
    return SetupFailure(
        index,
        f"Markdown extension '{name}' could not be loaded: it needs the module '{missing}', "
        "which is not installed",
        "install what the extension needs (see its documentation), or remove it from the list",
    )


def _installed_names() -> list[str]:
    """Entry-point names of the installed extensions (Python-Markdown's own and others')."""
    return sorted({point.name for point in markdown_util.get_installed_extensions()})


def _name_hint(name: str, look_beside: bool = True) -> str:
    module = name.split(":", 1)[0]
    siblings = _sibling_modules(module) if look_beside else []
    # A dotted path is compared on its last part: the package's name is the same for all.
    last = {sibling.rpartition(".")[2]: sibling for sibling in siblings}
    close = difflib.get_close_matches(name, _installed_names(), n=1) or [
        last[match] for match in difflib.get_close_matches(module.rpartition(".")[2], last, n=1)
    ]
    if close:
        return f"did you mean '{close[0]}'?"
    if siblings:
        return f"'{module.rpartition('.')[0]}' has: {', '.join(siblings)}"
    if name.startswith("pymdownx."):
        return "it comes with pymdown-extensions: python3 -m pip install pymdown-extensions"
    return (
        f"name an installed extension ({', '.join(_installed_names())}) or another one by its "
        "dotted path, such as pymdownx.details, after installing it with pip"
    )


def _sibling_modules(module: str) -> list[str]:
    """The modules beside a dotted path's last part (`pymdownx.detail` -> pymdownx.details,
    ...), when its package is installed."""
    parent, dot, _ = module.rpartition(".")
    if not dot:
        return []
    try:
        package = importlib.import_module(parent)
    except Exception:  # not installed, or broken: no suggestion from it
        return []
    folders = getattr(package, "__path__", None)
    if folders is None:
        return []
    return sorted(
        f"{parent}.{info.name}"
        for info in pkgutil.iter_modules(folders)
        if not info.name.startswith("_")
    )


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


# A text using the syntax of the usual extensions: an extension whose options make it fail is
# caught here, at its line of site.yaml, instead of on whichever text first uses it.
_PROBE = """\
# Heading {: #probe }

[TOC]

Some *emphasis*, **strong**, `code`, a [link](https://example.org/ "title"), "quotes" -- a
dash..., an ABBR, ~~struck~~, ==marked==, ^^inserted^^ and a note.[^1]

*[ABBR]: An abbreviation

- item
    - nested
- [ ] task

3. three
4. four

> A quote.

| left | right |
|:-----|------:|
| 1    | 2     |

Term
:   Definition

!!! note "A note"
    Text.

??? note "Details"
    Text.

```python
print("code")
```

<div markdown="1">*HTML* block</div>

[^1]: The note.
"""


def _probe_failure(extensions: Sequence[MarkdownExtension], error: ConversionError) -> SetupFailure:
    """The entry to blame when the extensions fail on the probe text."""
    index = next((i for i, entry in enumerate(extensions) if entry.name == error.extension), None)
    what = f"Markdown extension '{error.extension}'" if error.extension else "Python-Markdown"
    return SetupFailure(
        index,
        f"{what} fails with these options on a test text: {_describe(error.error)}",
        "check the types of its options against the extension's documentation",
    )


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


def _skip_impossible_patterns(md: markdown.Markdown) -> None:
    """Make every stock inline processor of `md` (Python-Markdown's, smarty's) skip patterns."""
    if not _CAN_SKIP:  # a Python-Markdown whose internals differ: keep the stock, slower loop
        return
    for processor in md.treeprocessors:
        if type(processor) is InlineProcessor:
            # Same state, one method more: the instance stays where it is registered.
            processor.__class__ = _SkippingInlineProcessor


# --------------------------------------------------------------------------- conversion


class ConversionError(Exception):
    """Python-Markdown or one of the extensions raised while converting a text."""

    def __init__(self, extension: str | None, error: BaseException) -> None:
        self.extension = extension
        self.error = error
        super().__init__(self.message())

    def message(self) -> str:
        """What failed, for the author."""
        what = f"Markdown extension '{self.extension}'" if self.extension else "Python-Markdown"
        if isinstance(self.error, RecursionError):
            return f"{what} gave up on this text: it nests too deeply"
        return f"{what} failed on this text: {_describe(self.error)}"


def _convert(engine: _Engine, text: str) -> str:
    md = engine.md
    md.reset()  # footnotes, abbreviations and references must not leak between texts
    try:
        html = md.convert(text)
    except Exception as error:  # extensions can raise anything on some text
        # reset() does not undo everything a failure leaves half done (the block parser's
        # state, an extension's own): the next text gets a new engine.
        for key in [key for key, known in _ENGINES.items() if known is engine]:
            del _ENGINES[key]
        # Recursion fails wherever the stack runs out, not in the code to blame.
        culprit = None if isinstance(error, RecursionError) else _culprit(engine, error)
        raise ConversionError(culprit, error) from error
    return sanitise(html).rstrip("\n")


def _culprit(engine: _Engine, error: BaseException) -> str | None:
    """The extension whose code raised, innermost first; None for Python-Markdown itself."""
    frames = []
    traceback = error.__traceback__
    while traceback is not None:
        frames.append(traceback.tb_frame.f_code.co_filename)
        traceback = traceback.tb_next
    for filename in reversed(frames):
        if filename in engine.files:
            return engine.files[filename]
    return None


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
            html = self._html[text] = _convert(_engine(self.extensions), text)
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
    html = _convert(_engine(_SMARTY_ONLY), line)
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
