"""JSON with the position of every value, so that a problem in an imported file names its line
and column (Python's json module gives positions for syntax errors only)."""

from __future__ import annotations

import bisect
import json
import re

from site_builder.errors import ContentError, Problem
from site_builder.yamlpos import Document

# Nesting deeper than this is no TimelineJS file (they nest four levels): refused before the
# parser recurses.
MAX_DEPTH = 50

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?[0-9][0-9.eE+-]*|true|false|null")
_SPACE = re.compile(r"[ \t\r\n]*")
_BRACKET_OR_QUOTE = re.compile(r'[\[{\]}"]')


def parse_json(text: str, path: str) -> Document:
    """Parse JSON text into data with the line and column of every value and key; raise
    ContentError naming the place of a syntax error."""
    _check_depth(text, path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ContentError(
            [
                Problem(
                    path,
                    f"not JSON: {error.msg}",
                    error.lineno,
                    error.colno,
                    'a TimelineJS file is one JSON object {"events": [...]}; check the '
                    "quotes, commas and brackets here (a CSV file should end in .csv)",
                )
            ]
        ) from None
    document = Document(data)
    _locate(text, document)
    return document


def _check_depth(text: str, path: str) -> None:
    depth = 0
    position = 0
    while True:
        match = _BRACKET_OR_QUOTE.search(text, position)
        if match is None:
            return
        char = match.group()
        if char == '"':
            string = _STRING.match(text, match.start())
            position = string.end() if string else len(text)
            continue
        depth += 1 if char in "[{" else -1
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise ContentError(
                [
                    Problem(
                        path,
                        f"JSON nested more than {MAX_DEPTH} levels deep",
                        line,
                        column,
                        "a TimelineJS file nests a few levels; look for brackets that run away",
                    )
                ]
            )
        position = match.end()


class _Frame:
    """An object or array being read: its path, and the slot its next value fills."""

    def __init__(self, at: tuple[str | int, ...], is_object: bool) -> None:
        self.at = at
        self.is_object = is_object
        self.index = 0
        self.key: str | None = None
        self.want_key = is_object


def _locate(text: str, document: Document) -> None:
    """Record where each value and key starts (the text is valid JSON: json.loads read it)."""
    starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def where(offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    stack: list[_Frame] = []

    def slot() -> tuple[str | int, ...]:
        if not stack:
            return ()
        frame = stack[-1]
        place: str | int = frame.key or "" if frame.is_object else frame.index
        return (*frame.at, place)

    position = 0
    while position < len(text):
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
        if position >= len(text):
            break
        char = text[position]
        if char in "{[":
            at = slot()
            document.values[at] = where(position)
            stack.append(_Frame(at, char == "{"))
            position += 1
        elif char in "}]":
            stack.pop()
            position += 1
        elif char == ":":
            stack[-1].want_key = False
            position += 1
        elif char == ",":
            frame = stack[-1]
            if frame.is_object:
                frame.want_key = True
            else:
                frame.index += 1
            position += 1
        elif char == '"':
            match = _STRING.match(text, position)
            assert match is not None
            if stack and stack[-1].is_object and stack[-1].want_key:
                frame = stack[-1]
                key: str = json.loads(match.group())
                frame.key = key
                document.keys[(*frame.at, key)] = where(position)
            else:
                document.values[slot()] = where(position)
            position = match.end()
        else:
            match = _SCALAR.match(text, position)
            document.values[slot()] = where(position)
            position = match.end() if match else position + 1
