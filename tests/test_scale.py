"""A story that runs for years: facts split into folders, and pages that stay usable at scale."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from scratch import load, problems_of, write_site

from site_builder.build import BuildOptions, build_site, load_site


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
