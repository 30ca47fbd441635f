"""Problems of YAML text, located where the author must fix them.

Characters YAML refuses are reported with their position before the parser sees them; a syntax
error is placed where the mistake starts (an unclosed quote or bracket where it was opened, a
tab used for indentation) rather than where the parser gave up.
"""

from __future__ import annotations

import re

import yaml

from site_builder.errors import Problem, unusable

# Characters YAML allows in a stream (YAML 1.1 "printable"); anything else is reported with its
# position before the parser sees it, instead of as a position-less reader error.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks as libyaml counts them, so positions computed here agree with the parser's.
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def check_characters(text: str, path: str, offset: int) -> None:
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
    raise unusable(
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


SYNTAX_HINT = (
    "check the indentation and quoting here; text containing ': ' or "
    "starting with a quote or [ { * & ! | > must be put in quotes"
)


def yaml_problem(
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
        SYNTAX_HINT,
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
