"""Error types: every problem knows where it is and what the author can do about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def count_of(number: int, noun: str) -> str:
    """ "1 problem", "2 problems", "3 summaries": a number with its noun agreeing."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"


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
