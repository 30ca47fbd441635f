"""Incremental rebuilds (SiteBuilder + deps.py): the output is byte-identical to a full build
after every kind of change, only stale pages are rendered, and a failed rebuild loses nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT

from site_builder.build import BuildOptions, SiteBuilder, build_site
from site_builder.deps import template_closure
from site_builder.errors import ContentError
from site_builder.render import make_environment, template_dirs, theme_dir

Edit = Callable[[Path], set[Path]]  # changes files under the project folder, returns them


def _replace(path: Path, old: str, new: str) -> set[Path]:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return {path}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the explainer with an (empty) template override folder."""
    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "templates").mkdir()
    return tmp_path


def _options(project: Path, out: str = "_site") -> BuildOptions:
    return BuildOptions(
        content=project / "content", templates=project / "templates", out=project / out
    )


def assert_same_as_full_build(project: Path) -> None:
    """The incremental output equals, byte for byte, a full build of the same sources."""
    build_site(_options(project, "_full"))
    incremental, full = _files(project / "_site"), _files(project / "_full")
    assert sorted(incremental) == sorted(full)
    differing = [path for path in full if incremental[path] != full[path]]
    assert not differing, f"incremental output differs from a full build in {differing}"


def _copy_theme_template(project: Path, name: str) -> Path:
    target = project / "templates" / name
    shutil.copy(theme_dir() / "templates" / name, target)
    return target


EDITS: dict[str, Edit] = {
    "player bio (shown on its page only)": lambda p: _replace(
        p / "content/facts/players.yaml",
        "Ukraine's president. In his",
        "Ukraine's president, as before. In his",
    ),
    "player kind": lambda p: _replace(
        p / "content/facts/players.yaml", "kind: person", "kind: organisation"
    ),
    "player kind: a place no more (no longer its events' location)": lambda p: _replace(
        p / "content/facts/players.yaml", "kind: place", "kind: object"
    ),
    "config label (every page)": lambda p: _append(
        p / "content/site.yaml", 'labels:\n  players: "Who\'s who"\n'
    ),
    "player quote (on the sources page too)": lambda p: _replace(
        p / "content/facts/players.yaml",
        'quote: "Zelensky said in his evening address"',
        'quote: "said in his evening address"',
    ),
    "player role": lambda p: _replace(
        p / "content/facts/players.yaml", "role: President of Ukraine", "role: Head of state"
    ),
    "player name (shown on other players' pages)": lambda p: _replace(
        p / "content/facts/players.yaml", "name: Volodymyr Zelensky", "name: V. Zelensky"
    ),
    "event title": lambda p: _replace(
        p / "content/facts/events.yaml",
        'title: "Second round of talks in Istanbul"',
        'title: "Second Istanbul round"',
    ),
    "event date (reorders the timeline)": lambda p: _replace(
        p / "content/facts/events.yaml", "date: 2025-05-16", "date: 2025-06-20"
    ),
    "event moved to another player": lambda p: _replace(
        p / "content/facts/events.yaml",
        "players: [kyiv, kremlin, istanbul]",
        "players: [kyiv, kremlin, nato]",
    ),
    "source title": lambda p: _replace(
        p / "content/facts/sources.yaml",
        'title: "Public reporting of the Istanbul talks"',
        'title: "Reporting of the Istanbul talks"',
    ),
    "summary body": lambda p: _replace(
        p / "content/summaries/what-next.md", "**What is proposed.**", "**Proposed.**"
    ),
    "summary title (a nav label on every page)": lambda p: _replace(
        p / "content/summaries/what-next.md", "title: What next", "title: What comes next"
    ),
    "home summary": lambda p: _append(p / "content/summaries/overview.md", "\nOne more line.\n"),
    "config title": lambda p: _replace(
        p / "content/site.yaml", "peace talks, explained", "peace talks explained"
    ),
    "updates": lambda p: _append(
        p / "content/facts/updates.yaml", '- date: 2025-07-20\n  summary: "Corrected."\n'
    ),
    "a comment only": lambda p: _append(p / "content/facts/players.yaml", "# a note\n"),
    "source text (a quote's words now recur: its link needs context)": lambda p: _append(
        p / "content/sources/report.txt", "Talks hosted in Istanbul earlier this year\n"
    ),
    "event disputed": lambda p: _replace(
        p / "content/facts/events.yaml",
        '  title: "Direct talks stall"\n',
        '  title: "Direct talks stall"\n  verification: disputed\n',
    ),
    "a correction naming an event": lambda p: _append(
        p / "content/facts/updates.yaml",
        "- date: 2025-07-21\n  kind: correction\n  facts: [talks-dormant]\n"
        '  summary: "Corrected the date."\n',
    ),
    "new template override": lambda p: {
        _write(
            _copy_theme_template(p, "player.html"),
            lambda text: text.replace("<h1>", '<h1 class="overridden">'),
        )
    },
    "eras added (bands and sections of the timeline)": lambda p: {
        _write_new(
            p / "content/facts/eras.yaml",
            '- id: istanbul\n  title: "The Istanbul rounds"\n  start: 2025-05\n  end: 2025-06\n',
        )
    },
    "a time of day, read in the site's new time zone": lambda p: (
        _replace(
            p / "content/site.yaml",
            "as_of: 2025-07-19",
            "timezone: Europe/Istanbul\nas_of: 2025-07-19",
        )
        | _replace(p / "content/facts/events.yaml", "date: 2025-05-16", "date: 2025-05-16 10:30")
    ),
    "static file override": lambda p: {
        _write_new(p / "templates/static/style.css", "body { color: black; }\n")
    },
}


def _append(path: Path, text: str) -> set[Path]:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return {path}


def _write(path: Path, change: Callable[[str], str]) -> Path:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def _write_new(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(EDITS))
def test_incremental_output_is_byte_identical_to_a_full_build(project: Path, name: str) -> None:
    builder = SiteBuilder(_options(project))
    builder.rebuild(None)
    changed = EDITS[name](project)
    builder.rebuild(frozenset(changed))
    assert_same_as_full_build(project)


def test_edits_in_a_row_stay_identical(project: Path) -> None:
    builder = SiteBuilder(_options(project))
    builder.rebuild(None)
    for name in sorted(EDITS):
        builder.rebuild(frozenset(EDITS[name](project)))
    assert_same_as_full_build(project)


def test_only_stale_pages_are_rendered(project: Path) -> None:
    builder = SiteBuilder(_options(project))
    result = builder.rebuild(None)
    assert builder.last_rendered == result.pages
    builder.rebuild(frozenset(EDITS["summary body"](project)))
    assert builder.last_rendered == 1
    builder.rebuild(frozenset(EDITS["a comment only"](project)))
    assert builder.last_rendered == 0
    builder.rebuild(frozenset(EDITS["player role"](project)))
    assert 0 < builder.last_rendered < result.pages
    builder.rebuild(frozenset(EDITS["player bio (shown on its page only)"](project)))
    assert builder.last_rendered == 1
    builder.rebuild(frozenset(EDITS["config title"](project)))
    assert builder.last_rendered == result.pages


def test_a_template_change_renders_the_pages_that_use_it(project: Path) -> None:
    builder = SiteBuilder(_options(project))
    builder.rebuild(None)
    summary = _copy_theme_template(project, "summary.html")
    builder.rebuild(frozenset({summary}))  # a new override: everything, in a fresh environment
    _write(summary, lambda text: text.replace("</article>", "<!-- edited --></article>", 1))
    builder.rebuild(frozenset({summary}))
    # summary.html renders the two summaries that are not the home page.
    assert builder.last_rendered == 2
    assert "<!-- edited -->" in (project / "_site/what-next/index.html").read_text()
    assert_same_as_full_build(project)


def test_a_failed_rebuild_keeps_the_output_and_the_fix_catches_up(project: Path) -> None:
    builder = SiteBuilder(_options(project))
    builder.rebuild(None)
    before = _files(project / "_site")
    events = project / "content/facts/events.yaml"
    good = events.read_text(encoding="utf-8")
    events.write_text(good + "- id: [broken\n", encoding="utf-8")
    with pytest.raises(ContentError):
        builder.rebuild(frozenset({events}))
    # Edits made while the site is broken are not lost when it builds again.
    players = EDITS["player role"](project)
    with pytest.raises(ContentError):
        builder.rebuild(frozenset(players))
    assert _files(project / "_site") == before
    events.write_text(good, encoding="utf-8")
    builder.rebuild(frozenset({events}))
    assert "Head of state" in (project / "_site/players/zelensky/index.html").read_text()
    assert_same_as_full_build(project)


def test_template_closure_follows_extends_includes_and_imports() -> None:
    environment = make_environment(template_dirs(ROOT / "templates"))
    closure = template_closure(environment, "player.html")
    assert closure is not None
    assert {"player.html", "base.html", "_macros.html"} <= closure
    assert "summary.html" not in closure
