"""YAML read with positions: plain data plus the line and column of every value and key.

YAML is composed into nodes first so that every value keeps its line and column, duplicate keys
are caught (PyYAML's loader silently keeps the last one) and dates stay text (no datetimes).
Anchors, aliases and tags are refused: content is data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from site_builder.errors import Problem, unusable
from site_builder.yamlproblems import SYNTAX_HINT, check_characters, yaml_problem

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_TRUE_FALSE = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}


Spots = dict[tuple[str | int, ...], tuple[int, int]]


@dataclass
class Document:
    """A parsed YAML document: plain data plus the position of every value and key."""

    data: Any
    values: Spots = field(default_factory=dict)
    keys: Spots = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # accepted, but worth a change
    # values grouped by their first len(at) keys, built on first use: `spots_under` is asked
    # once per record, and scanning every value each time made loading quadratic.
    _under: dict[int, tuple[int, dict[tuple[str | int, ...], Spots]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def spots_under(self, at: tuple[str | int, ...]) -> Spots:
        """Positions of the values inside `at`, keyed by their path relative to `at`."""
        size = len(at)
        cached = self._under.get(size)
        if cached is None or cached[0] != len(self.values):
            groups: dict[tuple[str | int, ...], Spots] = {}
            for key, spot in self.values.items():
                if len(key) >= size:
                    groups.setdefault(key[:size], {})[key[size:]] = spot
            cached = (len(self.values), groups)
            self._under[size] = cached
        return dict(cached[1].get(at, {}))


# Limits on a YAML document. Real content nests four or five levels (list, item, evidence,
# evidence item); the limit stops hostile nesting long before it can exhaust the stack.
MAX_DEPTH = 50

# Explicit tags that only restate what a plain value is (`!!str 2025` keeps a year as text).
# Every other tag (!!python/object, !!binary, !local, ...) is refused: content is data.
_SCALAR_TAGS = frozenset(_TAG + name for name in ("str", "int", "float", "bool", "null"))
_SEQUENCE_TAGS = frozenset({_TAG + "seq"})
_MAPPING_TAGS = frozenset({_TAG + "map"})
_RESOLVER = yaml.resolver.Resolver()
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")


@dataclass
class _Open:
    """A sequence or mapping being built from the event stream."""

    at: tuple[str | int, ...]
    value: list[Any] | dict[str, Any]
    keep: bool  # False inside the value of a duplicate key: read to skip it, then dropped
    key: str | None = None  # in a mapping: the key whose value comes next
    keep_key: bool = True  # False when that key repeats an earlier one


def parse_yaml(text: str, path: str, first_line: int = 1) -> Document:
    """Parse YAML text into data with positions; raise ContentError on a syntax error.

    Builds plain data straight from the parser's events, without recursion, so nesting depth
    is bounded by MAX_DEPTH and anchors, aliases and tags are refused before anything is built.
    """
    offset = first_line - 1
    check_characters(text, path, offset)
    document = Document(data=None)
    events = _Events(yaml.parse(text, Loader=_Loader))
    try:
        document.data = _compose(iter(events), document, path, offset)
    except yaml.MarkedYAMLError as error:
        raise unusable(yaml_problem(error, text, path, first_line, events.last_quoted)) from None
    except yaml.YAMLError as error:
        # Reader errors are prevented by check_characters; keep any other one readable.
        message = str(error).splitlines()[0]
        raise unusable(
            Problem(path, f"YAML error: {message}", first_line, 1, SYNTAX_HINT)
        ) from None
    return document


class _Events:
    """The parser's events, remembering the last quoted value for locating a lost quote."""

    def __init__(self, events: Iterator[yaml.Event]) -> None:
        self._events = events
        self.last_quoted: yaml.ScalarEvent | None = None

    def __iter__(self) -> Iterator[yaml.Event]:
        for event in self._events:
            if isinstance(event, yaml.ScalarEvent) and event.style in ('"', "'"):
                self.last_quoted = event
            yield event


def _compose(events: Iterator[yaml.Event], document: Document, path: str, offset: int) -> Any:
    """Plain data from a YAML event stream, recording every value's and key's position."""
    stack: list[_Open] = []
    root: Any = None
    documents = 0
    for event in events:
        mark = event.start_mark
        line = (mark.line if mark is not None else 0) + 1 + offset
        column = (mark.column if mark is not None else 0) + 1
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise unusable(
                    Problem(
                        path,
                        "a second YAML document starts here",
                        line,
                        column,
                        "a content file holds one document: remove this '---' line",
                    )
                )
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            done = stack.pop()
            if stack:
                _add(stack[-1], done.value, done.keep)
            else:
                root = done.value
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue  # stream start and end, document end
        _refuse_anchors_and_tags(event, path, line, column)
        parent = stack[-1] if stack else None
        if parent is not None and isinstance(parent.value, dict) and parent.key is None:
            _take_key(event, parent, document, path, line, column)
            continue
        at, keep = _place(parent)
        if isinstance(event, yaml.ScalarEvent):
            if event.style in ("|", ">"):
                line += 1  # a block scalar's text starts on the line after its indicator
            if keep:
                document.values[at] = (line, column)
            if parent is not None:
                _add(parent, _scalar(event), keep)
            else:
                root = _scalar(event)
            continue
        if len(stack) >= MAX_DEPTH:
            raise unusable(
                Problem(
                    path,
                    f"YAML nested more than {MAX_DEPTH} levels deep",
                    line,
                    column,
                    "content needs only a few levels of lists and mappings; "
                    "look for brackets or indentation that run away",
                )
            )
        if keep:
            document.values[at] = (line, column)
        opened: list[Any] | dict[str, Any] = (
            [] if isinstance(event, yaml.SequenceStartEvent) else {}
        )
        stack.append(_Open(at, opened, keep))
    return root


def _refuse_anchors_and_tags(event: yaml.NodeEvent, path: str, line: int, column: int) -> None:
    # Aliases are what "billion laughs" documents are made of, and content never needs them:
    # refusing the first anchor or alias keeps parsing linear in the size of the file.
    if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
        name = _shorten(event.anchor or "", 20)
        raise unusable(
            Problem(
                path,
                f"YAML anchors and aliases (&{name}, *{name}) are not supported",
                line,
                column,
                "write the value out in full where it is needed",
            )
        )
    tag = getattr(event, "tag", None)
    if tag is None or tag == "!":
        return
    allowed = (
        _SCALAR_TAGS
        if isinstance(event, yaml.ScalarEvent)
        else _SEQUENCE_TAGS
        if isinstance(event, yaml.SequenceStartEvent)
        else _MAPPING_TAGS
    )
    if tag not in allowed:
        shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
        raise unusable(
            Problem(
                path,
                f"the YAML tag '{_shorten(shown)}' is not allowed in content files",
                line,
                column,
                "remove the tag: content holds only text, numbers, true/false, lists and "
                "mappings (put a value in quotes to keep it as text)",
            )
        )


def _take_key(
    event: yaml.NodeEvent,
    parent: _Open,
    document: Document,
    path: str,
    line: int,
    column: int,
) -> None:
    if not isinstance(event, yaml.ScalarEvent):
        raise unusable(
            Problem(
                path,
                "a key must be plain text",
                line,
                column,
                "write each field as 'name: value'; a list or mapping cannot be a key",
            )
        )
    key = event.value
    assert isinstance(parent.value, dict)
    parent.key, parent.keep_key = key, True
    if not parent.keep:
        return
    if key in parent.value:
        first_line, _ = document.keys[(*parent.at, key)]
        document.problems.append(
            Problem(
                path,
                f"duplicate key '{_shorten(key)}' (first written on line {first_line})",
                line,
                column,
                "YAML would silently keep only the last value: remove or merge one of them",
            )
        )
        parent.keep_key = False  # keep the first value, report the second
        return
    document.keys[(*parent.at, key)] = (line, column)


def _place(parent: _Open | None) -> tuple[tuple[str | int, ...], bool]:
    """Where the next value goes inside `parent`, and whether it is kept."""
    if parent is None:
        return (), True
    if isinstance(parent.value, list):
        return (*parent.at, len(parent.value)), parent.keep
    assert parent.key is not None
    return (*parent.at, parent.key), parent.keep and parent.keep_key


def _add(parent: _Open, value: Any, keep: bool) -> None:
    """Put a finished value into the open collection (dropped when it is not kept)."""
    if isinstance(parent.value, list):
        if keep:
            parent.value.append(value)
        return
    if keep and parent.key is not None:
        parent.value[parent.key] = value
    parent.key = None  # the next event is a key again


def _scalar(event: yaml.ScalarEvent) -> Any:
    value: str = event.value
    tag = event.tag
    if tag is None:
        resolve: Any = _RESOLVER.resolve  # untyped in the stubs
        tag = resolve(yaml.ScalarNode, value, event.implicit)
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "int":
        # Only plain decimals are numbers: YAML 1.1's octal (0777), hex and 1:30 stay text,
        # so `0001` is not silently read as 1. int() refuses more than 4300 digits.
        if not _DECIMAL.fullmatch(value):
            return value
        try:
            return int(value.replace("_", ""))
        except ValueError:
            return value
    if tag == _TAG + "float":
        try:
            return float(value)
        except ValueError:
            return value
    if tag == _TAG + "bool":
        # Only true/false are booleans: YAML 1.1's yes/no/on/off stay text ("the Norway problem").
        return _TRUE_FALSE.get(value, value)
    return value  # str and timestamp: dates stay text and are parsed with their precision


def _shorten(text: str, limit: int = 60) -> str:
    """Text for a message, cut to `limit` characters so a runaway value cannot flood it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
