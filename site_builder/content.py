"""Read `content/` into the model: YAML fact files and Markdown summaries, keeping positions.

YAML is composed into nodes first so that every value keeps its line and column, duplicate keys
are caught (PyYAML's loader silently keeps the last one) and dates stay text (no datetimes).
Parsing functions take text plus a path used only in messages; `load_content` does the reading.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from site_builder.clock import Clock
from site_builder.errors import ContentError, Problem, closest
from site_builder.model import (
    ANY_ID,
    RENAMED_FIELDS,
    RENAMED_VALUES,
    Draft,
    Era,
    Event,
    Media,
    Origin,
    Player,
    Record,
    SiteConfig,
    Source,
    SourceText,
    Summary,
    SummaryMeta,
    Update,
    is_slug,
)

log = logging.getLogger(__name__)

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

RecordT = TypeVar("RecordT", bound=Record)

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


@dataclass
class Loaded:
    """What `load_content` read, and every problem it found on the way."""

    config: SiteConfig | None = None
    sources: list[Source] = field(default_factory=list)
    players: list[Player] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    eras: list[Era] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Entries marked `draft: true`, kept off the site.
    drafts: list[Draft] = field(default_factory=list)
    # What passed of events and players that failed their field checks (see build_record).
    partial: list[Event | Player | Source] = field(default_factory=list)
    # Texts of the sources that name one (`text:`), by source id.
    source_texts: dict[str, SourceText] = field(default_factory=dict)
    # Ids of items that failed to load, by kind: references to them are not reported again.
    unusable_ids: dict[str, set[str]] = field(
        default_factory=lambda: {"source": set(), "player": set(), "event": set()}
    )


def _unusable(problem: Problem) -> ContentError:
    """The error for a problem that leaves a whole file unusable (callers record it)."""
    return ContentError([problem])


# --------------------------------------------------------------------------- YAML with positions

# Limits on a YAML document. Real content nests four or five levels (list, item, evidence,
# evidence item); the limit stops hostile nesting long before it can exhaust the stack.
MAX_DEPTH = 50

# Characters YAML allows in a stream (YAML 1.1 "printable"); anything else is reported with its
# position before the parser sees it, instead of as a position-less reader error.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks as libyaml counts them, so positions computed here agree with the parser's.
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
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
    _check_characters(text, path, offset)
    document = Document(data=None)
    events = _Events(yaml.parse(text, Loader=_Loader))
    try:
        document.data = _compose(iter(events), document, path, offset)
    except yaml.MarkedYAMLError as error:
        raise _unusable(_yaml_problem(error, text, path, first_line, events.last_quoted)) from None
    except yaml.YAMLError as error:
        # Reader errors are prevented by _check_characters; keep any other one readable.
        message = str(error).splitlines()[0]
        raise _unusable(
            Problem(path, f"YAML error: {message}", first_line, 1, _SYNTAX_HINT)
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


def _check_characters(text: str, path: str, offset: int) -> None:
    bad = _NOT_PRINTABLE.search(text)
    if bad is None:
        return
    line, column = _position(text, bad.start())
    code = ord(bad.group())
    hint = (
        "the file may be binary or saved as UTF-16: save it as UTF-8 text"
        if code == 0
        else "delete it: such characters are invisible and often come from copying text "
        "out of a PDF or word processor"
    )
    raise _unusable(
        Problem(
            path,
            f"control character U+{code:04X} is not allowed in YAML",
            line + offset,
            column,
            hint,
        )
    )


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index, counting line breaks as YAML does."""
    line, start = 1, 0
    for found in _YAML_BREAK.finditer(text, 0, index):
        line, start = line + 1, found.end()
    return line, index - start + 1


def _character_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based YAML mark, or '' past the end."""
    lines = _YAML_BREAK.split(text)
    if line >= len(lines) or column >= len(lines[line]):
        return ""
    return lines[line][column]


_SYNTAX_HINT = (
    "check the indentation and quoting here; text containing ': ' or "
    "starting with a quote or [ { * & ! | > must be put in quotes"
)


def _yaml_problem(
    error: yaml.MarkedYAMLError,
    text: str,
    path: str,
    first_line: int,
    last_quoted: yaml.ScalarEvent | None = None,
) -> Problem:
    opened = error.context_mark
    if error.problem and "end of stream" in error.problem and opened is not None:
        # An unclosed quote or bracket is detected at the end of the file; the author needs
        # the place where it was opened.
        return Problem(
            path,
            f"YAML syntax error: {_opened_what(error.context)} is never closed",
            opened.line + first_line,
            opened.column + 1,
            "close the quote or bracket that starts here",
        )
    mark = error.problem_mark or opened
    lost_quote = _lost_quote(last_quoted, mark)
    if lost_quote is not None:
        # A quote left open swallows the following lines up to the next quote character, and
        # the parser trips only there; the mistake is where the value starts.
        line, column, end = lost_quote
        return Problem(
            path,
            f"YAML syntax error: the quoted value starting here runs on to line {end + first_line}",
            line + first_line,
            column + 1,
            "is its closing quote missing? Close the quote on this line",
        )
    unclosed = _unclosed_flow(error, mark)
    if unclosed is not None:
        return Problem(
            path,
            f"YAML syntax error: the {unclosed} opened here is not closed on its line",
            opened.line + first_line if opened else None,
            opened.column + 1 if opened else None,
            "close it on the same line, e.g. players: [alice, bob]",
        )
    if mark is not None and _character_at(text, mark.line, mark.column) == "\t":
        return Problem(
            path,
            "YAML syntax error: a tab is used for indentation",
            mark.line + first_line,
            mark.column + 1,
            "indent with spaces only (YAML does not allow tabs); set your editor to insert spaces",
        )
    what = error.problem or error.context or "invalid YAML"
    if error.problem and error.context and opened is not None and opened is not mark:
        what += f" ({error.context} on line {opened.line + first_line})"
    return Problem(
        path,
        f"YAML syntax error: {what}",
        (mark.line + first_line) if mark else None,
        (mark.column + 1) if mark else None,
        _SYNTAX_HINT,
    )


def _lost_quote(
    quoted: yaml.ScalarEvent | None, mark: yaml.Mark | None
) -> tuple[int, int, int] | None:
    """Start line and column, and end line, of the quoted value the error follows (0-based).

    Only a value that spans lines and ends on the error's line counts: its quote was lost.
    """
    if quoted is None or mark is None:
        return None
    start, end = quoted.start_mark, quoted.end_mark
    if start is None or end is None or end.line == start.line or end.line != mark.line:
        return None
    return start.line, start.column, end.line


def _unclosed_flow(error: yaml.MarkedYAMLError, mark: yaml.Mark | None) -> str | None:
    """'list' or 'mapping' when a [ or { was left open: the parser stops on a later line."""
    opened = error.context_mark
    if opened is None or mark is None or mark.line <= opened.line:
        return None
    if error.context == "while parsing a flow sequence":
        return "list"
    if error.context == "while parsing a flow mapping":
        return "mapping"
    return None


def _opened_what(context: str | None) -> str:
    what = (context or "a value").removeprefix("while scanning ").removeprefix("while parsing ")
    return what.replace("scalar", "value")


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
                raise _unusable(
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
            raise _unusable(
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
        raise _unusable(
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
        raise _unusable(
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
        raise _unusable(
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


# --------------------------------------------------------------------------- records


def _problems_from_validation(
    error: ValidationError,
    model: type[BaseModel],
    path: str,
    document: Document,
    base: tuple[str | int, ...],
    renamed: dict[str, str] | None = None,
) -> list[Problem]:
    problems = []
    details = error.errors()
    # A misspelt required field ('palyers') is one mistake: report the unknown field with its
    # suggestion and drop the "missing 'players'" it causes.
    misspelt = {
        (*detail["loc"][:-1], close)
        for detail in details
        if detail["type"] == "extra_forbidden"
        for close in _as_list(
            closest(str(detail["loc"][-1]), sorted(_fields_at(model, tuple(detail["loc"][:-1]))))
        )
    }
    for detail in details:
        loc = tuple(detail["loc"])
        if detail["type"] == "missing" and loc in misspelt:
            continue
        # A renamed field is found in the file under the name it was written with.
        full = (*base, *_written_as(loc, renamed or {}))
        kind = detail["type"]
        context = detail.get("ctx") or {}
        hint = context.get("hint")
        name = ".".join(str(part) for part in _written_as(loc, renamed or {})) or "item"
        if kind == "extra_forbidden":
            line, column = _nearest(document.keys, full) or _nearest(document.values, full)
            field_name = str(loc[-1])
            known = sorted(_fields_at(model, loc[:-1]))
            close = closest(field_name, known)
            message = f"unknown field '{field_name}'"
            hint = f"did you mean '{close}'?" if close else f"known fields here: {', '.join(known)}"

        else:
            line, column = _nearest(document.values, full)
            message, default_hint = _describe(kind, name, detail)
            hint = hint or default_hint
        problems.append(Problem(path, message, line, column, hint))
    return problems


def _as_list(value: str | None) -> list[str]:
    return [] if value is None else [value]


def _describe(kind: str, name: str, detail: Any) -> tuple[str, str | None]:
    given = detail.get("input")
    if kind == "missing":
        field_name = name.rsplit(".", 1)[-1]
        return f"missing required field '{field_name}'", f"add '{field_name}: ...' to this item"
    if kind in ("string_type", "str_type"):
        return (
            f"'{name}' should be text, not {_kind_of(given)}",
            "put the value in quotes if it looks like a number or a date",
        )
    if kind in ("list_type", "tuple_type"):
        return (
            f"'{name}' should be a list, not {_kind_of(given)}",
            f"write it as a list: {name.rsplit('.', 1)[-1]}: [a, b]",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return (
            f"'{name}' should be a mapping of fields, not {_kind_of(given)}",
            f"write the fields of '{name.rsplit('.', 1)[-1]}' on the lines below it, "
            "indented by two spaces (field: value)",
        )
    if kind == "literal_error":
        expected = detail.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        close = closest(str(given), choices)
        hint = f"did you mean '{close}'?" if close else f"use one of: {', '.join(choices)}"
        return f"'{name}' must be one of {expected}, not {_shown(given)}", hint
    if kind in ("bool_type", "bool_parsing"):
        return (
            f"'{name}' must be true or false, not {_shown(given)}",
            "write true or false, unquoted",
        )
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return (
            f"'{name}' must be a whole number, not {_shown(given)}",
            "write digits only, e.g. 2",
        )
    if kind == "string_too_short":
        return f"'{name}' must not be empty", "write the text, or remove the field"
    message = str(detail["msg"])
    return f"'{name}': {message}", "see docs/content-model.md for what this field takes"


def _kind_of(value: Any) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        type(None): "empty",
    }
    return names.get(type(value), _shown(value))


def _shown(value: Any) -> str:
    """A value quoted for a message, cut short so a runaway value cannot flood the report."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _nearest(spots: Spots, at: tuple[str | int, ...]) -> tuple[int, int]:
    while at:
        if at in spots:
            return spots[at]
        at = at[:-1]
    return spots.get((), (1, 1))


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> set[str]:
    """The field names a nested model accepts at `loc` (for "did you mean" hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if info is None:
            break
        current = _inner_model(info.annotation)
    fields = getattr(current, "model_fields", {})
    return {info.alias or name for name, info in fields.items() if name != "origin"}


def _inner_model(annotation: Any) -> Any:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        inner = _inner_model_args(candidate)
        if inner is not None:
            return inner
    return annotation


def _inner_model_args(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _origin(
    path: str, document: Document, at: tuple[str | int, ...], renamed: dict[str, str]
) -> Origin:
    line, column = _nearest(document.values, at)
    spots = document.spots_under(at)
    if renamed:  # positions under the new names of renamed fields
        old_to_new = {old: new for new, old in renamed.items()}
        spots = {
            (old_to_new.get(str(key[0]), key[0]), *key[1:]) if key else key: spot
            for key, spot in spots.items()
        }
    return Origin(path=path, line=line, column=column, spots=spots)


def _written_as(loc: tuple[str | int, ...], renamed: dict[str, str]) -> tuple[str | int, ...]:
    if loc and isinstance(loc[0], str) and loc[0] in renamed:
        return (renamed[loc[0]], *loc[1:])
    return loc


def _first_field(model: type[BaseModel]) -> str:
    """The field an item of this kind starts with ('id', or 'date' for an update)."""
    fields = [name for name in model.model_fields if name != "origin"]
    return "id" if "id" in fields else fields[0]


def _mapping_hint(model: type[BaseModel], at: tuple[str | int, ...]) -> str:
    if at:  # an item of a fact file
        return f"each item starts with '- {_first_field(model)}: ...'"
    return "write one 'field: value' per line (see docs/content-model.md)"


def build_record(
    model: type[RecordT],
    data: Any,
    path: str,
    document: Document,
    at: tuple[str | int, ...],
    problems: list[Problem],
    partial: list[Any] | None = None,
    clock: Clock | None = None,
) -> RecordT | None:
    """Validate one mapping into a record; on failure add located problems and return None.

    With `partial`, a record that carries evidence and fails is added to it with the fields
    that passed (see `_salvage`), for the checks that span files. `clock` is the site's time
    zone, which times of day are read in.
    """
    line, column = _nearest(document.values, at)
    if not isinstance(data, dict):
        problems.append(
            Problem(
                path,
                f"expected a mapping of fields, found {_kind_of(data)}",
                line,
                column,
                _mapping_hint(model, at),
            )
        )
        return None
    renamed: dict[str, str] = {}  # new name -> the old name it was written with
    data = _renamed(model, data, path, document, at, problems, renamed)
    if data is None:
        return None
    if "origin" in data:
        key_line, key_column = document.keys.get((*at, "origin"), (line, column))
        problems.append(
            Problem(
                path,
                "unknown field 'origin'",
                key_line,
                key_column,
                "remove it: the position of an item is recorded automatically",
            )
        )
        return None
    origin = _origin(path, document, at, renamed)
    context = {"clock": clock} if clock is not None else None
    try:
        return model.model_validate({**data, "origin": origin}, context=context)
    except ValidationError as error:
        problems.extend(_problems_from_validation(error, model, path, document, at, renamed))
        # Facts carry evidence to check; a source carries the text that evidence is checked
        # against.
        checked_across_files = "evidence" in model.model_fields or model is Source
        if partial is not None and checked_across_files and data.get("draft") is not True:
            salvaged = _salvage(model, data, error, origin, context)
            if salvaged is not None:
                partial.append(salvaged)
        return None


def _salvage(
    model: type[RecordT],
    data: dict[str, Any],
    error: ValidationError,
    origin: Origin,
    context: dict[str, Any] | None,
) -> RecordT | None:
    """A record of the fields that passed their checks, for the checks that span files.

    A malformed date must not hide the same record's unknown references, misquoted evidence or
    leftover placeholders until the next run. Fields that failed are left out (their problems
    are already reported); in a list of items (evidence), only the items that failed are.
    """
    bad: dict[str, set[int] | None] = {}  # field -> failed item indexes; None: the whole field
    for detail in error.errors():
        loc = detail["loc"]
        if not loc or not isinstance(loc[0], str):
            return None  # a rule about the record as a whole: nothing to keep
        name = loc[0]
        items = bad.get(name, set())
        if len(loc) > 1 and isinstance(loc[1], int) and items is not None:
            bad[name] = items | {loc[1]}
        else:
            bad[name] = None
    values: dict[str, Any] = {}
    spots = dict(origin.spots)
    for name in model.model_fields:
        if name == "origin" or name not in data or (name in bad and bad[name] is None):
            continue
        value = data[name]
        failed_items = bad.get(name)
        if failed_items and isinstance(value, list):
            kept = [index for index in range(len(value)) if index not in failed_items]
            value = [value[index] for index in kept]
            spots = _renumbered(spots, name, kept)
        try:
            values[name] = _field_adapter(model, name).validate_python(value, context=context)
        except ValidationError:
            continue
    failed_fields = frozenset(bad)  # wholly, or some of their items
    origin = Origin(origin.path, origin.line, origin.column, spots, failed_fields)
    return model.model_construct(**values, origin=origin)  # type: ignore[return-value]


def _renumbered(spots: Spots, name: str, kept: list[int]) -> Spots:
    """Positions of a list field's items after the failed ones were left out."""
    new_index = {old: new for new, old in enumerate(kept)}
    renumbered: Spots = {}
    for key, spot in spots.items():
        if len(key) > 1 and key[0] == name and isinstance(key[1], int):
            if key[1] not in new_index:
                continue
            key = (name, new_index[key[1]], *key[2:])
        renumbered[key] = spot
    return renumbered


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """A validator of one field of a model, on its own."""
    return TypeAdapter(model.model_fields[name].rebuild_annotation())


def _renamed(
    model: type[BaseModel],
    data: dict[str, Any],
    path: str,
    document: Document,
    at: tuple[str | int, ...],
    problems: list[Problem],
    renamed: dict[str, str],
) -> dict[str, Any] | None:
    """Data with renamed fields under their new names (a located warning for each old one);
    `renamed` records each new name's old one."""
    renames = RENAMED_FIELDS.get(model.__name__, {})
    for old, new in renames.items():
        if old not in data:
            continue
        line, column = document.keys.get((*at, old), _nearest(document.values, at))
        if new in data:
            problems.append(
                Problem(
                    path,
                    f"both '{old}' and '{new}' are given",
                    line,
                    column,
                    f"'{old}' is the old name of '{new}': keep only '{new}'",
                )
            )
            return None
        document.warnings.append(
            Problem(
                path,
                f"'{old}' is now called '{new}'",
                line,
                column,
                f"rename it to '{new}' (the old name keeps working for now)",
            )
        )
        data = {(new if key == old else key): value for key, value in data.items()}
        renamed[new] = old
    for field_path, values in RENAMED_VALUES.get(model.__name__, {}).items():
        data = _renamed_value(data, field_path, values, path, document, at)
    return data


def _renamed_value(
    data: dict[str, Any],
    field_path: tuple[str, ...],
    values: Mapping[str, str],
    path: str,
    document: Document,
    at: tuple[str | int, ...],
) -> dict[str, Any]:
    """Data with an old value of a field (`timeline.lanes: group`) under its new name, and a
    located warning."""
    *parents, name = field_path
    holder: Any = data
    for key in parents:
        holder = holder.get(key) if isinstance(holder, dict) else None
    value = holder.get(name) if isinstance(holder, dict) else None
    if not isinstance(value, str) or value not in values:
        return data
    line, column = _nearest(document.values, (*at, *field_path))
    document.warnings.append(
        Problem(
            path,
            f"'{'.'.join(field_path)}: {value}' is now written '{values[value]}'",
            line,
            column,
            f"write {name}: {values[value]} (the old value keeps working for now)",
        )
    )
    copy = dict(data)
    inner = copy
    for key in parents:
        inner[key] = dict(inner[key])
        inner = inner[key]
    inner[name] = values[value]
    return copy


def parse_fact_list(
    model: type[RecordT],
    text: str,
    path: str,
    problems: list[Problem],
    unusable_ids: set[str] | None = None,
    warnings: list[Problem] | None = None,
    partial: list[Any] | None = None,
    clock: Clock | None = None,
) -> list[RecordT]:
    """Parse a fact file (a YAML list of mappings) into records, collecting problems (and, in
    `partial`, what passed of the records that failed: see `build_record`)."""
    try:
        document = parse_yaml(text, path)
    except ContentError as error:
        problems.extend(error.problems)
        if unusable_ids is not None:
            unusable_ids.add(ANY_ID)  # nothing in the file is known: check no reference to it
        return []
    problems.extend(document.problems)
    if document.data is None:
        return []
    if not isinstance(document.data, list):
        problems.append(
            Problem(
                path,
                f"expected a list of items, found {_kind_of(document.data)}",
                1,
                1,
                f"start each item with '- {_first_field(model)}: ...'",
            )
        )
        if unusable_ids is not None:
            unusable_ids.add(ANY_ID)
        return []
    records = []
    for index, item in enumerate(document.data):
        record = build_record(model, item, path, document, (index,), problems, partial, clock)
        if warnings is not None:
            warnings += document.warnings
        document.warnings.clear()
        if record is not None:
            records.append(record)
        elif unusable_ids is not None and isinstance(item, dict):
            item_id = item.get("id")
            # A valid id of an item that failed is not reported again when referenced; an
            # invalid id cannot be referenced at all, so it is not offered as a known id.
            if isinstance(item_id, str) and is_slug(item_id):
                unusable_ids.add(item_id)
    return records


def parse_config(
    text: str, path: str, problems: list[Problem], warnings: list[Problem] | None = None
) -> SiteConfig | None:
    """Parse site.yaml into a SiteConfig, collecting problems (and warnings, if asked)."""
    try:
        document = parse_yaml(text, path)
    except ContentError as error:
        problems.extend(error.problems)
        return None
    problems.extend(document.problems)
    config = build_record(SiteConfig, document.data or {}, path, document, (), problems)
    if warnings is not None:
        warnings += document.warnings
    return config


def read_config_quietly(content_dir: Path) -> SiteConfig | None:
    """site.yaml's config, or None when it is missing or invalid (a build reports why)."""
    path = content_dir / "site.yaml"
    text = _read(path, [], required=False)
    return parse_config(text, str(path), []) if text is not None else None


def parse_summary(text: str, path: str, problems: list[Problem]) -> Summary | None:
    """Parse a Markdown summary with YAML front matter between two `---` lines."""
    lines = _lines(text)
    if not text.strip():
        problems.append(
            Problem(
                path,
                "the summary is empty",
                1,
                1,
                "write its front matter ('---', title, slug and description, '---') and "
                "text, or delete the file",
            )
        )
        return _placeholder(text, path, None, 1)
    if lines[0].strip() != "---":
        problems.append(
            Problem(
                path,
                "missing front matter",
                1,
                1,
                "start the file with a line '---', then title, slug and "
                "description, then another '---'",
            )
        )
        return _placeholder(text, path, None, 1)
    closing = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), None)
    if closing is None:
        problems.append(
            Problem(
                path,
                "front matter is not closed",
                1,
                1,
                "did you forget the closing '---' line after the fields?",
            )
        )
        return _placeholder("", path, None, 1)
    front = "".join(lines[1:closing])
    try:
        document = parse_yaml(front, path, first_line=2)
    except ContentError as error:
        problems.extend(error.problems)
        return _placeholder("".join(lines[closing + 1 :]), path, None, closing + 2)
    problems.extend(document.problems)
    data = document.data or {}
    meta = build_record(SummaryMeta, data, path, document, (), problems)
    if meta is None:
        return _placeholder("".join(lines[closing + 1 :]), path, data, closing + 2)
    return Summary(
        meta=meta, markdown="".join(lines[closing + 1 :]), path=path, body_line=closing + 2
    )


_LINE_END = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> list[str]:
    """Lines with their endings, split where editors split them (not at form feeds etc.)."""
    lines, start = [], 0
    for end in _LINE_END.finditer(text):
        lines.append(text[start : end.end()])
        start = end.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def _placeholder(markdown: str, path: str, data: Any, body_line: int) -> Summary:
    """A stand-in for a summary whose front matter failed (already reported).

    Keeping it lets links to and from the page be checked in the same run instead of
    cascading into "unknown page" reports; the build still fails on the recorded problem.
    """
    fields = data if isinstance(data, dict) else {}
    slug = fields.get("slug")
    meta = SummaryMeta.model_construct(
        title=str(fields.get("title", "")),
        # An invalid slug (already reported) would only cascade into "unknown page" reports.
        slug=slug if isinstance(slug, str) and is_slug(slug) else Path(path).stem,
        description="",
        order=0,
        origin=Origin(path, 1, 1, {}),
    )
    return Summary(meta=meta, markdown=markdown, path=path, body_line=body_line)


# --------------------------------------------------------------------------- the content folder

SOURCES_FILE = "facts/sources.yaml"
PLAYERS_FILE = "facts/players.yaml"
EVENTS_FILE = "facts/events.yaml"
UPDATES_FILE = "facts/updates.yaml"  # optional: the explainer's change log
ERAS_FILE = "facts/eras.yaml"  # optional: the phases of the story


def fact_files(content_dir: Path, relative: str) -> list[Path]:
    """The files holding one kind of fact: `facts/players.yaml` and/or `facts/players/*.yaml`.

    A story that runs for years outgrows one file per kind: its facts can be split into a
    folder (by year, by letter), read in name order after the single file.
    """
    single = content_dir / relative
    folder = single.with_suffix("")
    files = [single] if single.is_file() else []
    if folder.is_dir():
        files += sorted(path for path in folder.glob("*.yaml") if path.is_file())
    return files


@dataclass(frozen=True)
class _ParsedFile:
    """One fact file's records and problems, and the file they were parsed from: its state on
    disk and a hash of its bytes."""

    stamp: tuple[int, int, int]  # size, modification time, inode
    digest: bytes
    clock: Clock  # the time zone its times were read in: a new one means reading them again
    records: list[Any]
    problems: list[Problem]
    unusable_ids: set[str]
    warnings: list[Problem] = field(default_factory=list)
    partial: list[Any] = field(default_factory=list)


class ParseMemo:
    """Parsed fact files, kept between loads by `serve`: an edit parses only its file again.

    Files are known by one normalised path (the real, absolute one, as the file watcher reports
    it), whatever --content looked like. A file whose size, time and inode are as they were is
    not read again, unless it was reported changed (`doubt`): `cp -p`, `touch -r`, `tar -x` and
    sync tools put the old size and time back on new bytes, so a reported file is read and
    compared by a hash of its bytes.
    """

    def __init__(self) -> None:
        self._files: dict[str, _ParsedFile] = {}
        self._doubted: set[str] = set()

    def doubt(self, paths: Iterable[Path]) -> None:
        """Compare these files by their bytes at the next load, whatever their stamps say."""
        self._doubted.update(os.path.realpath(path) for path in paths)

    def _known(
        self, key: str, stamp: tuple[int, int, int] | None, clock: Clock
    ) -> _ParsedFile | None:
        known = self._files.get(key)
        if known is None or stamp is None or known.stamp != stamp or key in self._doubted:
            return None
        # A file read in another time zone is read again: its times of day mean other moments.
        return known if known.clock == clock else None

    def _same_bytes(self, key: str, digest: bytes, clock: Clock) -> _ParsedFile | None:
        known = self._files.get(key)
        if known is None or known.digest != digest or known.clock != clock:
            return None
        return known

    def _keep(self, key: str, parsed: _ParsedFile) -> None:
        self._files[key] = parsed
        self._doubted.discard(key)


def _load_facts(
    loaded: Loaded,
    content_dir: Path,
    relative: str,
    model: type[RecordT],
    kind: str,
    required: bool = True,
    memo: ParseMemo | None = None,
    clock: Clock | None = None,
) -> list[RecordT]:
    """The published records of one kind; drafts, partial records, problems and warnings go
    to `loaded`."""
    files = fact_files(content_dir, relative) or [content_dir / relative]
    records: list[RecordT] = []
    for path in files:
        parsed = _parse_fact_file(path, model, required, memo, clock or Clock())
        for record in parsed.records:
            if getattr(record, "draft", False):
                name = getattr(record, "id", None) or str(getattr(record, "date", ""))
                loaded.drafts.append(Draft(kind, name, str(path), record.origin.line))
            else:
                records.append(_without_media_drafts(record, kind, loaded.drafts))
        loaded.partial += parsed.partial
        loaded.problems += parsed.problems
        loaded.warnings += parsed.warnings
        if kind in loaded.unusable_ids:
            loaded.unusable_ids[kind] |= parsed.unusable_ids
    return records


def _without_media_drafts(record: RecordT, kind: str, drafts: list[Draft]) -> RecordT:
    """The record without its media items marked `draft: true`, each listed in `drafts`; the
    positions of the items kept follow them, so that a later message still points at the item
    it is about."""
    media: list[Media] = getattr(record, "media", [])
    if not any(item.draft for item in media):
        return record
    origin = record.origin
    kept: list[Media] = []
    new_index: dict[int, int] = {}
    for index, item in enumerate(media):
        if not item.draft:
            new_index[index] = len(kept)
            kept.append(item)
            continue
        what = "image" if item.image is not None else "link"
        note = (
            "an image without alt text: write 'alt' (what it shows), then remove 'draft'"
            if item.image is not None and not (item.decorative or item.has_alt)
            else ""
        )
        line = origin.at("media", index)[0]
        drafts.append(
            Draft(f"{what} of {kind}", getattr(record, "id", ""), origin.path, line, note)
        )
    spots: dict[tuple[str | int, ...], tuple[int, int]] = {}
    for key, spot in origin.spots.items():
        if key[:1] == ("media",) and len(key) > 1:
            old = key[1]
            if not isinstance(old, int) or old not in new_index:
                continue
            key = ("media", new_index[old], *key[2:])
        spots[key] = spot
    return record.model_copy(update={"media": kept, "origin": replace(origin, spots=spots)})


def _parse_fact_file(
    path: Path, model: type[RecordT], required: bool, memo: ParseMemo | None, clock: Clock
) -> _ParsedFile:
    key = os.path.realpath(path)
    try:
        status = path.stat()
        stamp: tuple[int, int, int] | None = (status.st_size, status.st_mtime_ns, status.st_ino)
    except OSError:
        stamp = None
    known = memo._known(key, stamp, clock) if memo is not None else None
    if known is not None:
        return known
    problems: list[Problem] = []
    warnings: list[Problem] = []
    unusable: set[str] = set()
    records: list[Any] = []
    partial: list[Any] = []
    data = _read_data(path, problems, required)
    digest = hashlib.blake2b(data, digest_size=16).digest() if data is not None else b""
    same = memo._same_bytes(key, digest, clock) if memo is not None and data is not None else None
    if same is not None:
        parsed = replace(same, stamp=stamp or same.stamp)
    else:
        text = _decode(data, path, problems) if data is not None else None
        if text is None:
            # Missing or unreadable, and reported as such (optional files carry no ids): no
            # reference to this kind can be checked.
            unusable.add(ANY_ID)
        else:
            records = parse_fact_list(
                model, text, str(path), problems, unusable, warnings, partial, clock
            )
        parsed = _ParsedFile(
            stamp or (-1, -1, -1), digest, clock, records, problems, unusable, warnings, partial
        )
    if memo is not None and data is not None and stamp is not None:
        memo._keep(key, parsed)
    return parsed


def load_content(content_dir: Path, memo: ParseMemo | None = None) -> Loaded:
    """Read every file of a content folder into records; problems are collected, not raised.

    With a memo, fact files unchanged since the memo's last load are not parsed again.
    """
    loaded = Loaded()
    problems = loaded.problems
    config_path = content_dir / "site.yaml"
    text = _read(config_path, problems, required=True)
    if text is not None:
        loaded.config = parse_config(text, str(config_path), problems, loaded.warnings)
    unusable = loaded.unusable_ids
    missing_facts = _missing_folder(content_dir / "facts")
    if missing_facts is not None:
        # One problem for the folder rather than one per fact file; nothing can be checked
        # against ids that were never read.
        problems.append(missing_facts)
        for ids in unusable.values():
            ids.add(ANY_ID)
    else:
        # Times of day are read in the site's time zone; when site.yaml is unusable (reported)
        # times without an offset are not reported a second time.
        clock = loaded.config.clock if loaded.config is not None else Clock(known=False)
        loaded.sources = _load_facts(
            loaded, content_dir, SOURCES_FILE, Source, "source", memo=memo, clock=clock
        )
        loaded.players = _load_facts(loaded, content_dir, PLAYERS_FILE, Player, "player", memo=memo)
        loaded.events = _load_facts(
            loaded, content_dir, EVENTS_FILE, Event, "event", memo=memo, clock=clock
        )
        loaded.updates = _load_facts(
            loaded,
            content_dir,
            UPDATES_FILE,
            Update,
            "update",
            required=False,
            memo=memo,
            clock=clock,
        )
        loaded.eras = _load_facts(
            loaded, content_dir, ERAS_FILE, Era, "era", required=False, memo=memo, clock=clock
        )
        # A source with a malformed field still has its text read, for its quotes' sake.
        salvaged = [record for record in loaded.partial if isinstance(record, Source)]
        loaded.source_texts = load_source_texts(content_dir, [*loaded.sources, *salvaged], problems)
    summary_dir = content_dir / "summaries"
    for path in sorted(summary_dir.glob("*.md")):
        text = _read(path, problems, required=True)
        if text is None:
            # Unreadable (reported): a stand-in keeps links to the page from cascading.
            loaded.summaries.append(_placeholder("", str(path), None, 1))
            continue
        summary = parse_summary(text, str(path), problems)
        if summary is not None:
            loaded.summaries.append(summary)
    loaded.summaries.sort(key=lambda s: (s.meta.order, s.slug))
    log.debug(
        "loaded %d sources, %d players, %d events, %d summaries",
        len(loaded.sources),
        len(loaded.players),
        len(loaded.events),
        len(loaded.summaries),
    )
    return loaded


# A source's text may be a long document (a full report, a transcript, a judgment).
MAX_SOURCE_TEXT_BYTES = 20 * 1024 * 1024


def load_source_texts(
    content_dir: Path, sources: list[Source], problems: list[Problem]
) -> dict[str, SourceText]:
    """The text of each source that names one, by source id; a text that is missing, unreadable
    or outside the content folder is a problem at the source's `text` field."""
    texts: dict[str, SourceText] = {}
    root = content_dir.resolve()
    for source in sources:
        # (A salvaged source may lack its id or its text: they are what failed.)
        written: str | None = getattr(source, "text", None)
        if written is None or getattr(source, "id", None) is None:
            continue
        path = content_dir / written
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            problems.append(
                _text_problem(
                    source,
                    f"the text of source '{source.id}' is not found: {path}",
                    f"save the source's words as a UTF-8 text file at {path}, or correct "
                    "the path (it is written from the content folder)",
                )
            )
            continue
        if not resolved.is_relative_to(root):
            problems.append(
                _text_problem(
                    source,
                    f"the text of source '{source.id}' leads out of the content folder: "
                    f"{path} is {resolved}",
                    "keep source texts inside the content folder (a symbolic link out of it "
                    "is refused): copy the file in",
                )
            )
            continue
        try:
            text = decode_text(read_bytes(path, MAX_SOURCE_TEXT_BYTES), str(path))
        except ContentError as error:
            problems.extend(error.problems)
            continue
        texts[source.id] = SourceText(str(path), text)
    return texts


def _text_problem(source: Source, message: str, hint: str) -> Problem:
    line, column = source.origin.at("text")
    return Problem(source.origin.path, message, line, column, hint)


def _missing_folder(folder: Path) -> Problem | None:
    """A problem when `folder` is missing or is not a folder, else None."""
    if folder.is_dir():
        return None
    holding = "sources.yaml, players.yaml and events.yaml (see docs/content-model.md)"
    if folder.exists():
        return Problem(
            str(folder),
            "is a file, not a folder",
            None,
            None,
            f"replace it with a folder {folder.name}/ holding {holding}",
        )
    return Problem(
        str(folder),
        "folder not found",
        None,
        None,
        f"create the folder {folder.name}/ holding {holding}, or point --content at the "
        "right folder",
    )


def _read(path: Path, problems: list[Problem], required: bool) -> str | None:
    """The text of a content file, or None after recording why it cannot be used."""
    data = _read_data(path, problems, required)
    return _decode(data, path, problems) if data is not None else None


def _read_data(path: Path, problems: list[Problem], required: bool) -> bytes | None:
    """The bytes of a content file, or None after recording why it cannot be used."""
    try:
        return read_bytes(path)
    except FileNotFoundError:
        if required:
            problems.append(_not_found(path))
        return None
    except ContentError as error:
        problems.extend(error.problems)
        return None


def _decode(data: bytes, path: Path, problems: list[Problem]) -> str | None:
    try:
        return decode_text(data, str(path))
    except ContentError as error:
        problems.extend(error.problems)
        return None


# Content files are a few kilobytes (the sample explainer's largest is 12 KB). The limit keeps a
# wrong file (a video, a database dump) from stalling a build; it is far above any real file.
MAX_FILE_BYTES = 2 * 1024 * 1024


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes; raise ContentError for a folder, a pipe, an oversized file.

    Raises FileNotFoundError for a missing file, which the caller reports or ignores.
    """
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer that never comes.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise
    except OSError as error:
        raise _unusable(_unreadable(path, error)) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise _unusable(
                Problem(
                    str(path),
                    "is a folder, not a file",
                    None,
                    None,
                    f"move the folder away and put the file {path.name} here",
                )
            )
        if not stat.S_ISREG(mode):
            raise _unusable(
                Problem(
                    str(path),
                    "is not a regular file (a pipe, socket or device)",
                    None,
                    None,
                    f"replace it with an ordinary text file named {path.name}",
                )
            )
        data = _read_at_most(descriptor, limit + 1)
    except OSError as error:
        raise _unusable(_unreadable(path, error)) from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise _unusable(
            Problem(
                str(path),
                f"the file is larger than the {limit // (1024 * 1024)} MB a content file may be",
                None,
                None,
                _oversized_hint(path),
            )
        )
    return data


def _oversized_hint(path: Path) -> str:
    """What to do with a content file over the limit: a fact file can become a folder."""
    check = (
        "content files are normally a few kilobytes, so also check that this is the right "
        "file and that nothing was pasted in by mistake"
    )
    if path.suffix == ".yaml" and path.parent.name == "facts":
        folder = f"facts/{path.stem}/"
        return (
            f"split it into several files in a folder {folder} (for example {folder}2024.yaml "
            f"and {folder}2025.yaml), read in name order (docs/content-model.md); {check}"
        )
    if path.suffix == ".yaml" and path.parent.parent.name == "facts":
        folder = f"facts/{path.parent.name}/"
        return f"split it into more, smaller files in {folder}, read in name order; {check}"
    return (
        "check that this is the right file: content files are normally a few kilobytes; "
        "remove anything pasted in by mistake"
    )


def _read_at_most(descriptor: int, size: int) -> bytes:
    """Up to `size` bytes from an open file (a file still growing cannot make this unbounded)."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = os.read(descriptor, remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _not_found(path: Path) -> Problem:
    if path.is_symlink():
        return Problem(
            str(path),
            "is a symbolic link to a file that does not exist",
            None,
            None,
            "point the link at an existing file, or replace it with the file itself",
        )
    return Problem(
        str(path),
        "file not found",
        None,
        None,
        "create it (see docs/content-model.md), point --content at the right "
        "folder, or start a new explainer with `site-builder init DIR`",
    )


def _unreadable(path: Path, error: OSError) -> Problem:
    if isinstance(error, PermissionError):
        return Problem(
            str(path),
            "cannot be read: permission denied",
            None,
            None,
            f"make it readable (chmod a+r {path}) or ask whoever owns it",
        )
    return Problem(
        str(path),
        f"cannot be read: {error.strerror or error}",
        None,
        None,
        "replace it with an ordinary, readable text file",
    )


_BYTE_BREAK = re.compile(rb"\r\n|\r|\n")


def decode_text(data: bytes, path: str) -> str:
    """UTF-8 text without its byte-order mark; raise ContentError naming the first bad byte."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line, start = 1, 0
        for found in _BYTE_BREAK.finditer(data, 0, error.start):
            line, start = line + 1, found.end()
        column = len(data[start : error.start].decode("utf-8")) + 1
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise _unusable(
            Problem(
                path,
                f"not valid UTF-8 text: byte 0x{data[error.start]:02X} "
                f"(byte {error.start} of the file) cannot be read",
                line,
                column,
                "the file is saved as UTF-16: save it as UTF-8"
                if utf16
                else "save the file as UTF-8 (this byte is typical of Latin-1 or Windows-1252)",
            )
        ) from None
