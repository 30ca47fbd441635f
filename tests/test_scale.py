"""A story that runs for years: facts split into folders, and pages that stay usable at scale."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import run_cli
from scratch import load, problems_of, write_site

from site_builder.build import BuildOptions, build_site, load_site
from site_builder.commands import ProgressLine
from site_builder.errors import ContentError
from site_builder.links import check_folder


def _split_players(content: Path) -> None:
    """Move each player of facts/players.yaml into facts/players/<id>.yaml."""
    single = content / "facts" / "players.yaml"
    folder = content / "facts" / "players"
    folder.mkdir()
    for player in yaml.safe_load(single.read_text(encoding="utf-8")):
        text = yaml.safe_dump([player], allow_unicode=True, sort_keys=False)
        (folder / f"{player['id']}.yaml").write_text(text, encoding="utf-8")
    single.unlink()


def test_facts_split_into_a_folder_build_the_same_site(tmp_path: Path) -> None:
    whole = write_site(tmp_path / "whole")
    split = tmp_path / "split" / "content"
    shutil.copytree(whole, split)
    _split_players(split)
    for content in (whole, split):
        build_site(BuildOptions(content=content, out=content.parent / "out"))
    pages = sorted(p.relative_to(whole.parent / "out") for p in (whole.parent / "out").rglob("*"))
    assert pages == sorted(
        p.relative_to(split.parent / "out") for p in (split.parent / "out").rglob("*")
    )
    for page in pages:
        if (whole.parent / "out" / page).is_file():
            assert (whole.parent / "out" / page).read_bytes() == (
                split.parent / "out" / page
            ).read_bytes(), page


def test_a_file_of_a_split_folder_is_named_in_its_errors(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {"facts/events/2025.yaml": "- id: late\n  date: 2025-02-30\n  title: Late\n"},
    )
    dates = [p for p in problems if "28 days" in p.message]
    assert [(Path(p.path).parts[-3:], p.line) for p in dates] == [
        (("facts", "events", "2025.yaml"), 2)
    ], problems


def test_both_the_single_file_and_the_folder_are_read(tmp_path: Path) -> None:
    count = len(load(tmp_path).events)
    content = tmp_path / "content"
    events = (content / "facts" / "events.yaml").read_text(encoding="utf-8")
    more = content / "facts" / "events" / "more.yaml"
    more.parent.mkdir()
    # The same events under other ids: the folder's file adds to the single file.
    more.write_text(events.replace("- id: ", "- id: more-"), encoding="utf-8")
    assert len(load_site(content).events) == 2 * count


def write_many(root: Path, players: int, events: int) -> Path:
    """The minimal site plus PLAYERS generated players and EVENTS events split by year."""
    content = write_site(
        root,
        {
            "facts/sources.yaml": "- id: report\n  title: A report\n  kind: report\n"
            "  text: sources/report.txt\n",
            "sources/report.txt": "In the end they met.\n",
        },
    )
    facts = content / "facts"
    (facts / "players").mkdir()
    (facts / "events").mkdir()
    for letter in "abcdefghij":
        entries = [
            {
                "id": f"{letter}-player-{n}",
                "name": f"{letter.upper()}. Person {n}",
                "role": "Witness",
                "side": "north",
                "bio": f"Spoke to [Alice](player:alice) on day {n}.",
                "evidence": [{"source": "report", "note": f"Witness {n}."}],
            }
            for n in range(players // 10)
        ]
        (facts / "players" / f"{letter}.yaml").write_text(yaml.safe_dump(entries), "utf-8")
    for year in (2023, 2024):
        entries = [
            {
                "id": f"event-{year}-{n}",
                "date": f"{year}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                "title": f"Event {n} of {year}",
                "players": [f"{'abcdefghij'[n % 10]}-player-{n % (players // 10)}"],
                "body": f"Something *happened* -- see [the timeline](page:timeline) ({n}).",
                "evidence": [{"source": "report", "quote": "they met"}],
            }
            for n in range(events // 2)
        ]
        (facts / "events" / f"{year}.yaml").write_text(yaml.safe_dump(entries), "utf-8")
    return content


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_parallel_build_writes_the_same_bytes_as_a_single_process(tmp_path: Path) -> None:
    content = write_many(tmp_path, players=200, events=300)
    one = build_site(BuildOptions(content=content, out=tmp_path / "one", jobs=1))
    two = build_site(BuildOptions(content=content, out=tmp_path / "two", jobs=2))
    assert one.pages == two.pages > 200
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_a_template_error_in_a_parallel_build_is_located_once(tmp_path: Path) -> None:
    content = write_many(tmp_path, players=200, events=20)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "player.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ player.nmae }}\n{% endblock %}\n',
        "utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("previous site", "utf-8")
    with pytest.raises(ContentError) as raised:
        build_site(BuildOptions(content=content, templates=templates, out=out, jobs=2))
    problems = raised.value.problems
    assert len(problems) == 1, problems
    assert Path(problems[0].path).name == "player.html" and problems[0].line == 3
    assert "nmae" in problems[0].message
    assert _files(out) == {"index.html": b"previous site"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only_once_a_build_is_slow() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    ProgressLine(terminal, after=0.0)(64, 1000)
    ProgressLine(pipe, after=0.0)(64, 1000)
    quick = _Terminal()
    ProgressLine(quick, after=60.0)(64, 1000)
    assert terminal.getvalue().endswith("rendered 64 of 1,000 pages")
    assert pipe.getvalue() == "" and quick.getvalue() == ""


def test_a_long_timeline_is_split_by_period_with_navigation(tmp_path: Path) -> None:
    """1,200 events over two years: pages of whole periods (here runs of days), each under the
    page budget, linked in order, and links to an event go to the page that shows it."""
    content = write_many(tmp_path, players=200, events=1200)
    out = tmp_path / "out"
    result = build_site(BuildOptions(content=content, out=out))
    assert check_folder(out) == []  # every link resolves, event anchors included
    index = (out / "timeline" / "index.html").read_text("utf-8")
    parts = re.findall(
        r'<li><a href="/timeline/([^"]+)/">([^<]+)</a> <span class="count">\((\d+) events?\)', index
    )
    assert len(parts) > 10 and sum(int(count) for _, _, count in parts) == 1201
    assert parts[0][:2] == ("2023-01-01-2023-01-09", "1\u2009–\u20099 January 2023")
    assert 'class="event"' not in index  # the index lists periods, not events
    first = (out / "timeline" / parts[0][0] / "index.html").read_text("utf-8")
    assert first.count('<li class="event') == int(parts[0][2])
    assert f'<a rel="next" href="/timeline/{parts[1][0]}/">{parts[1][1]} →</a>' in first
    assert '<a href="/timeline/">All periods</a>' in first
    assert not [w for w in result.warnings if "timeline/" in w and "budget" in w]
    # Links to an event go to the page that shows it.
    player = (out / "players" / "a-player-0" / "index.html").read_text("utf-8")
    assert f'href="/timeline/{parts[0][0]}/#event-2023-0"' in player


def test_a_large_cast_is_indexed_from_a_to_z(tmp_path: Path) -> None:
    content = write_many(tmp_path, players=200, events=20)
    out = tmp_path / "out"
    build_site(BuildOptions(content=content, out=out))
    index = (out / "players" / "index.html").read_text("utf-8")
    letters = re.findall(r'<h2 id="letter-([a-z]+)">', index)
    assert letters == sorted(letters) and {"a", "j"} <= set(letters)
    assert '<a href="#letter-b">B</a>' in index
    names = re.findall(r'<li><a href="/players/[^"]+/">([^<]+)</a>', index)
    assert len(names) == 201  # the generated players and Alice
    assert names == sorted(names, key=str.casefold)


def test_a_small_timeline_and_cast_stay_one_page_by_group(tmp_path: Path) -> None:
    content = write_many(tmp_path, players=100, events=20)
    out = tmp_path / "out"
    build_site(BuildOptions(content=content, out=out))
    assert [p.name for p in (out / "timeline").iterdir()] == ["index.html"]
    index = (out / "players" / "index.html").read_text("utf-8")
    assert "letter-" not in index and '<h2 id="group-1">North</h2>' in index


BUILD = [sys.executable, "-m", "site_builder", "build"]


def test_a_build_killed_halfway_leaves_the_previous_site_and_no_litter(tmp_path: Path) -> None:
    content = write_many(tmp_path, players=2000, events=2000)
    out = tmp_path / "_site"
    out.mkdir()
    (out / "index.html").write_text("the previous site", "utf-8")
    before = _files(out)
    build = subprocess.Popen(
        [*BUILD, "--content", str(content), "--out", str(out)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it once the new site is half written: its staging folder holds some of the pages.
    deadline = time.monotonic() + 60
    staging: list[Path] = []
    while time.monotonic() < deadline and build.poll() is None:
        staging = [p for p in tmp_path.glob(f".{out.name}.new-*") if p.is_dir()]
        if staging and len(list((staging[0] / "players").glob("*"))) > 200:
            break
        time.sleep(0.01)
    assert build.poll() is None, "the build finished before it could be killed"
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=10)
    assert _files(out) == before  # byte for byte
    assert staging and staging[0].exists()  # the killed build's folder is left...
    result = run_cli("build", "--content", str(content), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not staging[0].exists()  # ...and the next build removes it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [".site_builder_cache"]
