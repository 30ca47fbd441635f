"""`site-builder build` after an edit: only stale pages are rendered, from the state the last
build left in the build cache, and the output is byte-identical to a full build after every kind
of edit; a damaged cache or one from another version is ignored with one line, and a failed
build leaves the previous output as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CONTENT, run_cli
from test_incremental import EDITS, _files, _replace

from site_builder.build import BuildOptions, build_site
from site_builder.cache import CACHE_NAME
from site_builder.cli import main


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the explainer with an (empty) template override folder."""
    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "templates").mkdir()
    return tmp_path


def _build(project: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """`site-builder build` in this process; its summary line."""
    status = main(
        [
            "build",
            "--content",
            str(project / "content"),
            "--templates",
            str(project / "templates"),
            "--out",
            str(project / "_site"),
        ]
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def _full_build(project: Path) -> dict[str, bytes]:
    shutil.rmtree(project / "_full", ignore_errors=True)
    build_site(BuildOptions(project / "content", project / "templates", project / "_full", jobs=1))
    return _files(project / "_full")


def _assert_same_as_full_build(project: Path) -> None:
    incremental, full = _files(project / "_site"), _full_build(project)
    assert sorted(incremental) == sorted(full)
    differing = [path for path in full if incremental[path] != full[path]]
    assert not differing, f"the build after the edit differs from a full build in {differing}"


def _delete(path: Path) -> set[Path]:
    path.unlink()
    return {path}


CLI_EDITS = {
    **EDITS,
    "an override template edited": lambda p: _replace(
        p / "templates/player.html", "<h1", '<h1 data-edited="yes"'
    ),
    "a static file edited": lambda p: _replace(p / "templates/static/extra.css", "red", "blue"),
    "a static file deleted": lambda p: _delete(p / "templates/static/extra.css"),
    "a summary deleted": lambda p: (
        _delete(p / "content/summaries/what-next.md")
        | _replace(p / "content/site.yaml", "  - what-next\n", "")
    ),
    "an override template deleted": lambda p: _delete(p / "templates/player.html"),
}


@pytest.fixture
def overridden(project: Path) -> Path:
    """The project with an override template and an extra static file."""
    from site_builder.render import theme_dir

    shutil.copy(theme_dir() / "templates/player.html", project / "templates/player.html")
    static = project / "templates/static"
    static.mkdir()
    (static / "extra.css").write_text("p { color: red; }\n", encoding="utf-8")
    return project


@pytest.mark.parametrize("name", sorted(CLI_EDITS))
def test_a_build_after_an_edit_is_byte_identical_to_a_full_build(
    overridden: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "kept" not in _build(overridden, capsys)  # the first build renders every page
    CLI_EDITS[name](overridden)
    _build(overridden, capsys)
    _assert_same_as_full_build(overridden)


def test_only_the_pages_an_edit_makes_stale_are_rendered(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = _build(project, capsys)
    pages = int(first.split()[1])
    EDITS["player bio (shown on its page only)"](project)
    # One page rendered, every other one kept.
    assert f"; {pages - 1} unchanged, kept)" in _build(project, capsys)
    EDITS["config title"](project)
    assert "kept" not in _build(project, capsys)  # the title is on every page
    done = {"player bio (shown on its page only)", "config title"}
    for name in sorted(set(EDITS) - done):  # edits in a row, each from the build before
        EDITS[name](project)
        _build(project, capsys)
    _assert_same_as_full_build(project)


def test_an_output_changed_by_hand_is_built_whole(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _build(project, capsys)
    (project / "_site/sources/index.html").write_text("edited by hand", encoding="utf-8")
    EDITS["summary body"](project)
    assert "kept" not in _build(project, capsys)  # the state no longer describes the output
    _assert_same_as_full_build(project)


def test_a_failed_build_after_an_edit_leaves_the_output_and_the_next_one_catches_up(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _build(project, capsys)
    before = _files(project / "_site")
    EDITS["player role"](project)
    events = project / "content/facts/events.yaml"
    good = events.read_text(encoding="utf-8")
    events.write_text(good + "- id: [broken\n", encoding="utf-8")
    args = ["build", "--content", str(project / "content"), "--out", str(project / "_site")]
    args += ["--templates", str(project / "templates")]
    assert main(args) != 0
    broken_template = project / "templates/summary.html"
    broken_template.write_text("{% extends 'base.html' %}{% block content %}{{ nope(",
                               encoding="utf-8")  # fmt: skip
    events.write_text(good, encoding="utf-8")
    assert main(args) != 0  # a template that does not parse: a problem, nothing written
    assert _files(project / "_site") == before
    assert not [p for p in project.iterdir() if p.name.startswith("._site.")]  # no litter
    broken_template.unlink()
    capsys.readouterr()
    assert "kept" in _build(project, capsys)  # the state still describes the output
    assert "Head of state" in (project / "_site/players/zelensky/index.html").read_text()
    _assert_same_as_full_build(project)


def _state(project: Path) -> Path:
    (state,) = (project / CACHE_NAME).glob("state-*.pickle")
    return state


def _garble(data: bytes) -> bytes:
    return data[:-40] + bytes(range(40))


def _other_version(data: bytes) -> bytes:
    magic, _, rest = data.partition(b"\n")
    line, _, payload = rest.partition(b"\n")
    header = json.loads(line)
    header["code"] = "0" * 40
    return magic + b"\n" + json.dumps(header).encode() + b"\n" + payload


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda data: data[: len(data) // 2], "it is damaged"),
        (_garble, "it is damaged"),
        (lambda data: b"\x00\xff garbage" * 100, "it is damaged"),
        (_other_version, "it was written by another version of site-builder"),
    ],
    ids=["truncated", "garbage bytes at the end", "garbage", "another version"],
)
def test_a_damaged_state_or_one_from_another_version_is_ignored_with_one_line(
    project: Path,
    damage: object,
    why: str,
) -> None:
    args = ["build", "--content", "content", "--templates", "templates", "--out", "_site"]
    assert run_cli(*args, cwd=project).returncode == 0
    state = _state(project)
    assert callable(damage)
    state.write_bytes(damage(state.read_bytes()))
    EDITS["player bio (shown on its page only)"](project)
    result = run_cli(*args, cwd=project)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "build cache" in line]
    assert len(warnings) == 1, result.stderr
    assert f"{state.name}: {why}; building every page" in warnings[0]
    assert "kept" not in result.stdout  # every page rendered
    _assert_same_as_full_build(project)
    # The build wrote a sound state again: the next edit is incremental.
    EDITS["summary body"](project)
    result = run_cli(*args, cwd=project)
    assert "kept" in result.stdout and "build cache" not in result.stderr


def test_a_damaged_record_is_ignored_with_one_line(project: Path) -> None:
    args = ["build", "--content", "content", "--templates", "templates", "--out", "_site"]
    assert run_cli(*args, cwd=project).returncode == 0
    (record,) = (project / CACHE_NAME).glob("build-*.json")
    record.write_bytes(record.read_bytes()[:100])
    result = run_cli(*args, cwd=project)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "build cache" in line]
    assert len(warnings) == 1 and "it is damaged" in warnings[0], result.stderr
    assert result.stdout.startswith("Built ") and "kept" not in result.stdout
    _assert_same_as_full_build(project)
