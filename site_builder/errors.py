"""Error types: every problem knows where it is and what the author can do about it."""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


def count_of(number: int, noun: str) -> str:
    """ "1 problem", "2 problems", "3 summaries": a number with its noun agreeing."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, transpositions."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known name nearest to a misspelt one, for "did you mean"; None when none is close.

    Nearest by edit distance, ties going to the longer shared beginning ("grounded" is closer
    to "grounding" than to "impounded"); a name that contains the value or is contained in it
    counts as close ("smith" for "jane-smith").
    """
    best: tuple[int, int, str] | None = None
    for name in known:
        distance = edit_distance(value, name)
        limit = max(2, min(len(value), len(name)) // 2)
        if distance > limit and not (len(value) >= 3 and (value in name or name in value)):
            continue
        prefix = len(_common_prefix(value, name))
        key = (distance, -prefix, name)
        if best is None or key < best:
            best = key
    return best[2] if best is not None else None


def _common_prefix(a: str, b: str) -> str:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return a[:size]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content or templates, located in a file."""

    path: Path | str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    # The Python traceback behind a problem raised by code (shown with --debug), as text: a
    # problem found in another process travels back as plain data.
    trace: str | None = field(default=None, compare=False, repr=False)

    def location(self) -> str:
        """Return `path:line:column` with the parts that are known."""
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order problems by file, then position, so reports read top to bottom."""
        return (str(self.path), self.line or 0, self.column or 0, self.message)


# OS errors that are the machine's state, not a bug: a full disk, a read-only or forbidden folder.
MACHINE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


class SiteError(Exception):
    """Base class for errors the command line turns into a message and an exit status."""

    exit_status = 1


class ContentError(SiteError):
    """The content (or templates) has one or more problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__(self.report())

    def traces(self) -> list[str]:
        """The Python tracebacks behind the problems (for --debug)."""
        return [problem.trace for problem in self.problems if problem.trace]

    def report(self) -> str:
        """All problems as a numbered list, one run showing every mistake."""
        count = len(self.problems)
        lines = [f"{count_of(count, 'problem')} found:"]
        for number, problem in enumerate(self.problems, start=1):
            lines.append(f"{number:>3}. {problem}")
        return "\n".join(lines)


class UsageError(SiteError):
    """The command was called wrongly (a missing folder, a bad option)."""

    exit_status = 2


class OutputError(SiteError):
    """The output folder could not be written safely; the previous output is untouched."""


class DeployError(SiteError):
    """Publishing failed (no repository, unknown remote, rejected push); the remote is unchanged."""


class Interrupted(SiteError):
    """A signal (Ctrl-C, SIGTERM) stopped the command; the message says what was left done."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.exit_status = 128 + signum  # the shell's convention for a process a signal ended


def unusable(problem: Problem) -> ContentError:
    """The error for a problem that leaves a whole file unusable (callers record it)."""
    return ContentError([problem])
