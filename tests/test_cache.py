"""A build of an unchanged site is skipped; any change to what the output depends on is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from scratch import write_site

from site_builder.cli import NEW_KINDS
from site_builder.scaffold import KINDS


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_site(tmp_path)
    return tmp_path


def build(project: Path, *extra: str) -> str:
    result = run_cli("build", *extra, cwd=project)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def snapshot(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*")}


def test_an_unchanged_site_is_not_built_again(project: Path) -> None:
    assert build(project).startswith("Built ")
    before = snapshot(project / "_site")
    assert build(project).startswith("Up to date: ")
    assert snapshot(project / "_site") == before  # not a file rewritten
    assert (project / ".site_builder_cache" / ".gitignore").read_text().endswith("*\n")


def test_every_kind_of_change_builds_again(project: Path) -> None:
    build(project)
    overview = project / "content" / "summaries" / "overview.md"
    changes = [
        lambda: overview.write_text(overview.read_text("utf-8") + "\nChanged.\n", "utf-8"),
        lambda: (project / "templates" / "404.html").write_text(
            '{% extends "base.html" %}{% block content %}Gone{% endblock %}', "utf-8"
        ),
        lambda: (project / "_site" / "index.html").unlink(),
        lambda: (project / "_site" / "stray.html").write_text("x", "utf-8"),
        lambda: shutil.rmtree(project / "_site" / "players"),
    ]
    (project / "templates").mkdir()
    for change in changes:
        change()
        assert build(project).startswith("Built "), change
        assert build(project).startswith("Up to date: ")
    assert build(project, "--base-url", "/repo/").startswith("Built ")
    assert build(project, "--no-cache", "--base-url", "/repo/").startswith("Built ")
    assert "Gone" in (project / "_site" / "404.html").read_text("utf-8")
    assert (project / "_site" / "index.html").is_file()
    assert not (project / "_site" / "stray.html").exists()


def test_warnings_of_the_last_build_are_repeated(project: Path) -> None:
    summary = project / "content" / "summaries" / "overview.md"
    summary.write_text(summary.read_text("utf-8") + "\n[gone](/nowhere/)\n", "utf-8")
    first, second = build(project), build(project)
    assert second.startswith("Up to date: ")
    assert "broken link '/nowhere/'" in first and "broken link '/nowhere/'" in second
    result = run_cli("build", "--strict", cwd=project)  # --strict is another build: it fails
    assert result.returncode == 1 and "broken link '/nowhere/'" in result.stderr


def test_new_offers_the_kinds_scaffold_knows() -> None:
    assert NEW_KINDS == KINDS


def test_the_cache_lives_beside_the_output_not_where_the_command_runs(
    project: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "published" / "_site"
    paths = ["--content", str(project / "content"), "--templates", str(project / "templates")]
    result = run_cli("build", *paths, "--out", str(out), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert list(elsewhere.iterdir()) == []  # nothing left in the folder the command ran in
    assert (out.parent / ".site_builder_cache" / ".gitignore").is_file()
    again = run_cli("build", *paths, "--out", str(out), cwd=project)
    assert again.stdout.startswith("Up to date: "), again.stdout  # found from any folder
