"""Read `content/` into the model: YAML fact files and Markdown summaries, keeping positions.

YAML is composed into nodes first so that every value keeps its line and column, duplicate keys
are caught (PyYAML's loader silently keeps the last one) and dates stay text (no datetimes).
Parsing functions take text plus a path used only in messages; `load_content` does the reading.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from site_builder.errors import Problem
from site_builder.model import (
    ANY_ID,
    Event,
    Origin,
    Player,
    Record,
    SiteConfig,
    Source,
    Summary,
    SummaryMeta,
    Update,
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
    summaries: list[Summary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Ids of items that failed to load, by kind: references to them are not reported again.
    unusable_ids: dict[str, set[str]] = field(
        default_factory=lambda: {"source": set(), "player": set(), "event": set()}
    )


class _YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


# --------------------------------------------------------------------------- YAML with positions


def parse_yaml(text: str, path: str, first_line: int = 1) -> Document:
    """Parse YAML text into data with positions; raise _YamlProblem on a syntax error."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise _YamlProblem(_yaml_problem(error, path, first_line)) from None
    except yaml.YAMLError as error:
        raise _YamlProblem(Problem(path, f"YAML error: {error}", first_line)) from None
    document = Document(data=None)
    if node is not None:
        document.data = _construct(node, (), document, path, first_line - 1)
    return document


def _yaml_problem(error: yaml.MarkedYAMLError, path: str, first_line: int) -> Problem:
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
    what = error.problem or error.context or "invalid YAML"
    if error.problem and error.context and opened is not None and opened is not mark:
        what += f" ({error.context} on line {opened.line + first_line})"
    return Problem(
        path,
        f"YAML syntax error: {what}",
        (mark.line + first_line) if mark else None,
        (mark.column + 1) if mark else None,
        "check the indentation and quoting here; text containing ': ' or "
        "starting with a quote or [ { * & ! | > must be put in quotes",
    )


def _opened_what(context: str | None) -> str:
    what = (context or "a value").removeprefix("while scanning ").removeprefix("while parsing ")
    return what.replace("scalar", "value")


def _construct(
    node: yaml.Node, at: tuple[str | int, ...], document: Document, path: str, offset: int
) -> Any:
    line, column = node.start_mark.line + 1 + offset, node.start_mark.column + 1
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        line += 1  # a block scalar's text starts on the line after its indicator
    document.values[at] = (line, column)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + offset
            key_column = key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise _YamlProblem(Problem(path, "a key must be plain text", key_line, key_column))
            key = key_node.value
            if key in result:
                first_line, _ = document.keys[(*at, key)]
                document.problems.append(
                    Problem(
                        path,
                        f"duplicate key '{key}' (first written on line {first_line})",
                        key_line,
                        key_column,
                        "YAML would silently keep only the last value: remove or merge one of them",
                    )
                )
                continue  # keep the first value, report the second
            document.keys[(*at, key)] = (key_line, key_column)
            result[key] = _construct(value_node, (*at, key), document, path, offset)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*at, index), document, path, offset)
            for index, item in enumerate(node.value)
        ]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    value = node.value
    tag = node.tag
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "int":
        try:
            return int(value.replace("_", ""), 0)
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


# --------------------------------------------------------------------------- records


def _problems_from_validation(
    error: ValidationError,
    model: type[BaseModel],
    path: str,
    document: Document,
    base: tuple[str | int, ...],
) -> list[Problem]:
    problems = []
    details = error.errors()
    # A misspelt required field ('palyers') is one mistake: report the unknown field with its
    # suggestion and drop the "missing 'players'" it causes.
    misspelt = {
        (*detail["loc"][:-1], close)
        for detail in details
        if detail["type"] == "extra_forbidden"
        for close in difflib.get_close_matches(
            str(detail["loc"][-1]), sorted(_fields_at(model, tuple(detail["loc"][:-1]))), n=1
        )
    }
    for detail in details:
        loc = tuple(detail["loc"])
        if detail["type"] == "missing" and loc in misspelt:
            continue
        full = (*base, *loc)
        kind = detail["type"]
        context = detail.get("ctx") or {}
        hint = context.get("hint")
        name = ".".join(str(part) for part in loc) or "item"
        if kind == "extra_forbidden":
            line, column = _nearest(document.keys, full) or _nearest(document.values, full)
            field_name = str(loc[-1])
            known = sorted(_fields_at(model, loc[:-1]))
            close = difflib.get_close_matches(field_name, known, n=1)
            message = f"unknown field '{field_name}'"
            hint = (
                f"did you mean '{close[0]}'?" if close else f"known fields here: {', '.join(known)}"
            )
        else:
            line, column = _nearest(document.values, full)
            message, default_hint = _describe(kind, name, detail)
            hint = hint or default_hint
        problems.append(Problem(path, message, line, column, hint))
    return problems


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
    if kind == "list_type":
        return (
            f"'{name}' should be a list, not {_kind_of(given)}",
            f"write it as a list: {name.rsplit('.', 1)[-1]}: [a, b]",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"'{name}' should be a mapping of fields, not {_kind_of(given)}", None
    if kind == "literal_error":
        expected = detail.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        close = difflib.get_close_matches(str(given), choices, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(choices)}"
        return f"'{name}' must be one of {expected}, not {given!r}", hint
    if kind in ("bool_type", "bool_parsing"):
        return f"'{name}' must be true or false, not {given!r}", "write true or false, unquoted"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return (
            f"'{name}' must be a whole number, not {given!r}",
            "write digits only, e.g. 2",
        )
    if kind == "string_too_short":
        return f"'{name}' must not be empty", "write the text, or remove the field"
    message = str(detail["msg"])
    return f"'{name}': {message}", None


def _kind_of(value: Any) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        type(None): "empty",
    }
    return names.get(type(value), f"{value!r}")


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
    return {name for name in fields if name != "origin"}


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


def _origin(path: str, document: Document, at: tuple[str | int, ...]) -> Origin:
    line, column = _nearest(document.values, at)
    return Origin(path=path, line=line, column=column, spots=document.spots_under(at))


def build_record(
    model: type[RecordT],
    data: Any,
    path: str,
    document: Document,
    at: tuple[str | int, ...],
    problems: list[Problem],
) -> RecordT | None:
    """Validate one mapping into a record; on failure add located problems and return None."""
    line, column = _nearest(document.values, at)
    if not isinstance(data, dict):
        problems.append(
            Problem(
                path,
                f"expected a mapping of fields, found {_kind_of(data)}",
                line,
                column,
                "each item starts with '- id: ...'",
            )
        )
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
    try:
        return model.model_validate({**data, "origin": _origin(path, document, at)})
    except ValidationError as error:
        problems.extend(_problems_from_validation(error, model, path, document, at))
        return None


def parse_fact_list(
    model: type[RecordT],
    text: str,
    path: str,
    problems: list[Problem],
    unusable_ids: set[str] | None = None,
) -> list[RecordT]:
    """Parse a fact file (a YAML list of mappings) into records, collecting problems."""
    try:
        document = parse_yaml(text, path)
    except _YamlProblem as error:
        problems.append(error.problem)
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
                "start each item with '- id: ...'",
            )
        )
        if unusable_ids is not None:
            unusable_ids.add(ANY_ID)
        return []
    records = []
    for index, item in enumerate(document.data):
        record = build_record(model, item, path, document, (index,), problems)
        if record is not None:
            records.append(record)
        elif (
            unusable_ids is not None and isinstance(item, dict) and isinstance(item.get("id"), str)
        ):
            unusable_ids.add(item["id"])
    return records


def parse_config(text: str, path: str, problems: list[Problem]) -> SiteConfig | None:
    """Parse site.yaml into a SiteConfig, collecting problems."""
    try:
        document = parse_yaml(text, path)
    except _YamlProblem as error:
        problems.append(error.problem)
        return None
    problems.extend(document.problems)
    return build_record(SiteConfig, document.data or {}, path, document, (), problems)


def read_config_quietly(content_dir: Path) -> SiteConfig | None:
    """site.yaml's config, or None when it is missing or invalid (a build reports why)."""
    path = content_dir / "site.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse_config(text, str(path), [])


def parse_summary(text: str, path: str, problems: list[Problem]) -> Summary | None:
    """Parse a Markdown summary with YAML front matter between two `---` lines."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
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
    except _YamlProblem as error:
        problems.append(error.problem)
        return _placeholder("".join(lines[closing + 1 :]), path, None, closing + 2)
    problems.extend(document.problems)
    data = document.data or {}
    meta = build_record(SummaryMeta, data, path, document, (), problems)
    if meta is None:
        return _placeholder("".join(lines[closing + 1 :]), path, data, closing + 2)
    return Summary(
        meta=meta, markdown="".join(lines[closing + 1 :]), path=path, body_line=closing + 2
    )


def _placeholder(markdown: str, path: str, data: Any, body_line: int) -> Summary:
    """A stand-in for a summary whose front matter failed (already reported).

    Keeping it lets links to and from the page be checked in the same run instead of
    cascading into "unknown page" reports; the build still fails on the recorded problem.
    """
    fields = data if isinstance(data, dict) else {}
    slug = fields.get("slug")
    meta = SummaryMeta.model_construct(
        title=str(fields.get("title", "")),
        slug=slug if isinstance(slug, str) else Path(path).stem,
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
    """One fact file's records and problems, and the state of the file they were read from."""

    stamp: tuple[int, int, int]  # size, modification time, inode
    records: list[Any]
    problems: list[Problem]
    unusable_ids: set[str]


# Parsed fact files by path, kept between loads by `serve`: an edit re-reads only its file.
ParseMemo = dict[str, _ParsedFile]


def _load_facts(
    content_dir: Path,
    relative: str,
    model: type[RecordT],
    problems: list[Problem],
    required: bool = True,
    unusable_ids: set[str] | None = None,
    memo: ParseMemo | None = None,
) -> list[RecordT]:
    files = fact_files(content_dir, relative) or [content_dir / relative]
    records: list[RecordT] = []
    for path in files:
        parsed = _parse_fact_file(path, model, required, memo)
        records += parsed.records
        problems += parsed.problems
        if unusable_ids is not None:
            unusable_ids |= parsed.unusable_ids
    return records


def _parse_fact_file(
    path: Path, model: type[RecordT], required: bool, memo: ParseMemo | None
) -> _ParsedFile:
    try:
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    except OSError:
        stamp = (-1, -1, -1)
    key = str(path)
    if memo is not None and key in memo and memo[key].stamp == stamp and stamp[0] >= 0:
        return memo[key]
    problems: list[Problem] = []
    unusable: set[str] = set()
    records: list[Any] = []
    text = _read(path, problems, required)
    if text is None:
        # Missing or unreadable, and reported as such (optional files carry no ids): no
        # reference to this kind can be checked.
        unusable.add(ANY_ID)
    else:
        records = parse_fact_list(model, text, str(path), problems, unusable)
    parsed = _ParsedFile(stamp, records, problems, unusable)
    if memo is not None:
        memo[key] = parsed
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
        loaded.config = parse_config(text, str(config_path), problems)
    unusable = loaded.unusable_ids
    loaded.sources = _load_facts(
        content_dir, SOURCES_FILE, Source, problems, unusable_ids=unusable["source"], memo=memo
    )
    loaded.players = _load_facts(
        content_dir, PLAYERS_FILE, Player, problems, unusable_ids=unusable["player"], memo=memo
    )
    loaded.events = _load_facts(
        content_dir, EVENTS_FILE, Event, problems, unusable_ids=unusable["event"], memo=memo
    )
    loaded.updates = _load_facts(
        content_dir, UPDATES_FILE, Update, problems, required=False, memo=memo
    )
    summary_dir = content_dir / "summaries"
    for path in sorted(summary_dir.glob("*.md")):
        text = _read(path, problems, required=True)
        if text is not None:
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


def _read(path: Path, problems: list[Problem], required: bool) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            problems.append(
                Problem(
                    str(path),
                    "file not found",
                    None,
                    None,
                    "create it (see docs/content-model.md), point --content at the right "
                    "folder, or start a new explainer with `site-builder init DIR`",
                )
            )
        return None
    except UnicodeDecodeError as error:
        problems.append(
            Problem(
                str(path),
                f"not valid UTF-8 text ({error.reason} at byte {error.start})",
                None,
                None,
                "save the file as UTF-8",
            )
        )
        return None
