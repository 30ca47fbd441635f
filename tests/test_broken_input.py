"""Broken and hostile content: every case in tests/broken/ gets a clear, located error.

Each case folder holds the files that differ from tests/fixtures/minimal (under content/ and
templates/) and a case.toml naming the expected problems (see tests/broken/README.md). Every
case runs the real command line twice, `check` and `build`, in subprocesses, and must: exit
with the expected status, print each expected `path:line:column: message` followed by a
`hint:` line and nothing else (no cascade), print no traceback, run no code, and leave the
previous output folder exactly as it was. Accepted cases (a byte-order mark, CRLF) must build.

The cases run in parallel once per session (about 0.4 s of CPU per command).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT
from scratch import MINIMAL

from site_builder.dates import MAX_YEAR_DIGITS
from site_builder.readfile import MAX_FILE_BYTES
from site_builder.yamlpos import MAX_DEPTH

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(path.name for path in BROKEN.iterdir() if (path / "case.toml").is_file())
TIMEOUT = 60  # seconds per command; a hang is a failure, not a wait
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class Expected:
    """One problem the output must report."""

    file: str | None
    line: int | None
    column: int | None
    message: str

    def pattern(self) -> re.Pattern[str]:
        """The report line: `  1. path:line:column: ...message...` (or `error: ...`)."""
        if self.file is None:
            return re.compile(rf"^error: .*{re.escape(self.message)}", re.MULTILINE)
        where = self.file + "".join(f":{part}" for part in (self.line, self.column) if part)
        return re.compile(
            rf"^ *\d+\. {re.escape(where)}: .*{re.escape(self.message)}.*$", re.MULTILINE
        )


@dataclass(frozen=True)
class Case:
    """A broken (or accepted) content tree and what the command line must say about it."""

    name: str
    about: str
    expected: tuple[Expected, ...]
    accepted: bool = False
    same_output: bool = False
    status: int = 1
    delete: tuple[str, ...] = ()
    setup: str | None = None
    must_not_exist: tuple[str, ...] = ()

    @classmethod
    def read(cls, name: str) -> Case:
        """The case from tests/broken/NAME/case.toml."""
        data = tomllib.loads((BROKEN / name / "case.toml").read_text(encoding="utf-8"))
        expected = tuple(
            Expected(item.get("file"), item.get("line"), item.get("column"), item["message"])
            for item in data.pop("expect", [])
        )
        for key in ("delete", "must_not_exist"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(name=name, expected=expected, **data)


@dataclass
class Outcome:
    """What one case's two commands did."""

    check: subprocess.CompletedProcess[str] | None = None
    build: subprocess.CompletedProcess[str] | None = None
    out_before: dict[str, bytes] = field(default_factory=dict)
    out_after: dict[str, bytes] = field(default_factory=dict)
    leftovers: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    skipped: str | None = None


# --------------------------------------------------------------------------- what files cannot hold


def _unreadable(content: Path) -> str | None:
    if IS_ROOT:
        return "running as root, where chmod 000 does not stop reading"
    (content / "facts" / "players.yaml").chmod(0)
    return None


def _named_pipe(content: Path) -> str | None:
    if not hasattr(os, "mkfifo"):
        return "no named pipes on this system"
    (content / "facts" / "players.yaml").unlink()
    os.mkfifo(content / "facts" / "players.yaml")
    return None


def _symlink_loop(content: Path) -> str | None:
    path = content / "facts" / "players.yaml"
    path.unlink()
    path.symlink_to(path.name)
    return None


def _dangling_symlink(content: Path) -> str | None:
    path = content / "facts" / "players.yaml"
    path.unlink()
    path.symlink_to("players-moved.yaml")
    return None


def _huge_fact_file(content: Path) -> str | None:
    event = (MINIMAL / "facts" / "events.yaml").read_text(encoding="utf-8")
    copies = 50 * 1024 * 1024 // len(event) + 1
    with (content / "facts" / "events.yaml").open("w", encoding="utf-8") as stream:
        for number in range(copies):
            stream.write(event.replace("first-meeting", f"meeting-{number}"))
    return None


def _long_title(content: Path, size: int) -> None:
    path = content / "facts" / "events.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"First meeting"', '"' + "word " * (size // 5) + '"'))


def _huge_single_line(content: Path) -> str | None:
    _long_title(content, 10 * 1024 * 1024)
    return None


def _long_line_under_limit(content: Path) -> str | None:
    _long_title(content, 1_400_000)
    return None


SETUPS: dict[str, Callable[[Path], str | None]] = {
    "unreadable": _unreadable,
    "named_pipe": _named_pipe,
    "symlink_loop": _symlink_loop,
    "dangling_symlink": _dangling_symlink,
    "huge_fact_file": _huge_fact_file,
    "huge_single_line": _huge_single_line,
    "long_line_under_limit": _long_line_under_limit,
}


# --------------------------------------------------------------------------- running a case


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The worktree's package, whatever the current folder and any installed copy.
    python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": python_path},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def make_tree(case: Case, folder: Path) -> tuple[list[str], str | None]:
    """Lay out the case under FOLDER: content/ (and templates/); return options and a skip."""
    content = folder / "content"
    shutil.copytree(MINIMAL, content)
    for relative in case.delete:
        target = content / relative
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    source = BROKEN / case.name
    if (source / "content").is_dir():
        shutil.copytree(source / "content", content, dirs_exist_ok=True)
    options = ["--content", "content", "--out", "_site"]
    if (source / "templates").is_dir():
        shutil.copytree(source / "templates", folder / "templates")
        options += ["--templates", "templates"]
    skipped = SETUPS[case.setup](content) if case.setup else None
    return options, skipped


def run_case(case: Case, folder: Path, previous: Path) -> Outcome:
    """Run `check`, then `build` over a copy of a previous good build; record what happened."""
    folder.mkdir()
    options, skipped = make_tree(case, folder)
    if skipped:
        return Outcome(skipped=skipped)
    shutil.copytree(previous, folder / "_site")
    outcome = Outcome(out_before=_files(folder / "_site"))
    outcome.check = _cli("check", *options, cwd=folder)
    outcome.build = _cli("build", *options, cwd=folder)
    outcome.out_after = _files(folder / "_site")
    outcome.leftovers = sorted(
        path.name
        for path in folder.iterdir()
        # The build cache is what a successful build (BOM, CRLF) leaves, by design.
        if path.name not in {"content", "templates", "_site", ".site_builder_cache"}
    )
    outcome.created = [name for name in case.must_not_exist if (folder / name).exists()]
    return outcome


@pytest.fixture(scope="session")
def minimal_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal site built once: the 'previous output' every failed build must keep."""
    folder = tmp_path_factory.mktemp("minimal")
    shutil.copytree(MINIMAL, folder / "content")
    result = _cli("build", "--content", "content", "--out", "_site", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "_site"


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory: pytest.TempPathFactory, minimal_build: Path) -> dict[str, Outcome]:
    """Every case run once, in parallel (each command is its own process)."""
    root = tmp_path_factory.mktemp("broken")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) + 1) as pool:
        results = pool.map(
            lambda name: run_case(Case.read(name), root / name, minimal_build), CASES
        )
        found = dict(zip(CASES, results, strict=True))
    print(f"\n{len(CASES)} broken-input cases in {time.perf_counter() - started:.1f} s")
    return found


# --------------------------------------------------------------------------- the guarantees


def test_the_corpus_is_large_and_every_case_is_described() -> None:
    assert len(CASES) >= 60
    for name in CASES:
        case = Case.read(name)
        assert case.about, name
        assert case.accepted or case.expected, f"{name}: a broken case names its problems"
        assert not (case.accepted and case.expected), name
        assert case.setup is None or case.setup in SETUPS, name


def _report_of(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


@pytest.mark.parametrize("name", CASES)
def test_broken_input_gets_a_clear_error(name: str, outcomes: dict[str, Outcome]) -> None:
    case, outcome = Case.read(name), outcomes[name]
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    assert outcome.check is not None and outcome.build is not None
    for result in (outcome.check, outcome.build):
        output = result.stdout + result.stderr
        assert "Traceback" not in output, _report_of(result)
        assert "internal error" not in output, _report_of(result)
        if case.accepted:
            assert result.returncode == 0, _report_of(result)
            continue
        assert result.returncode == case.status, _report_of(result)
        for expected in case.expected:
            found = expected.pattern().search(result.stderr)
            assert found, f"missing {expected}\n{_report_of(result)}"
            following = result.stderr[found.end() :].lstrip("\n").splitlines()
            assert following and following[0].startswith("    hint: "), _report_of(result)
        if case.status == 1:
            # Exactly the expected problems: a mistake must not cascade into others.
            count = len(case.expected)
            heading = f"{count} problem{'s' if count != 1 else ''} found:"
            assert result.stderr.startswith(heading), _report_of(result)
    assert not outcome.created, f"content ran code: {outcome.created} were created"


@pytest.mark.parametrize("name", CASES)
def test_a_failed_build_keeps_the_previous_output(name: str, outcomes: dict[str, Outcome]) -> None:
    case, outcome = Case.read(name), outcomes[name]
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    assert not outcome.leftovers, "a build must not leave staging folders behind"
    if case.accepted:
        assert "index.html" in outcome.out_after
        if case.same_output:
            assert outcome.out_after == outcome.out_before, "reads the same as the clean site"
        return
    assert outcome.out_after == outcome.out_before


def test_the_documented_limits_are_the_real_ones() -> None:
    doc = (ROOT / "docs" / "content-model.md").read_text(encoding="utf-8")
    assert f"| size of one content file | {MAX_FILE_BYTES // (1024 * 1024)} MB |" in doc
    assert f"| nesting of lists and mappings | {MAX_DEPTH} levels |" in doc
    assert f"years of more than {MAX_YEAR_DIGITS} digits" in doc
