"""Python-Markdown engines: one per process and set of extensions, checked once and reused.

An engine is built from the extensions (extensions.py), made faster (inlines.py) and tried on
a probe text that uses the usual syntax, so that an extension failing with its options is
reported at its line of site.yaml (`extension_problems`) before any content is converted.
`convert` turns one text into sanitised HTML (sanitise.py), reset between texts; an extension
that raises is named in a `ConversionError`.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping, Sequence

import markdown
from markdown.extensions import Extension

from site_builder.config import SiteConfig
from site_builder.errors import Problem
from site_builder.extensions import SetupFailure, describe_error, load_extension
from site_builder.fieldtypes import MarkdownExtension
from site_builder.inlines import skip_impossible_patterns
from site_builder.sanitise import sanitise

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


# --------------------------------------------------------------------------- extensions


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


def engine_for(extensions: Sequence[MarkdownExtension]) -> _Engine:
    key = json.dumps([[entry.name, entry.options] for entry in extensions], default=repr)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = _build_engine(extensions)
    return engine


def extension_problems(config: SiteConfig) -> list[Problem]:
    """Every extension site.yaml asks for that cannot be loaded or set up, located in site.yaml
    (the entry, or the option whose value is wrong)."""
    try:
        engine_for(extensions_of(config))
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
        extension, faults = load_extension(index, entry)
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
                    f"{describe_error(error)}",
                    "check its options against the extension's documentation",
                )
            )
    if failures:
        raise ExtensionsError(failures)
    skip_impossible_patterns(md)
    files = {
        inspect.getfile(type(extension)): extensions[index].name for index, extension in loaded
    }
    engine = _Engine(md, files)
    try:
        convert(engine, _PROBE)
    except ConversionError as error:
        raise ExtensionsError([_probe_failure(extensions, error)]) from None
    return engine


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
        f"{what} fails with these options on a test text: {describe_error(error.error)}",
        "check the types of its options against the extension's documentation",
    )


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
        return f"{what} failed on this text: {describe_error(self.error)}"


def convert(engine: _Engine, text: str) -> str:
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
