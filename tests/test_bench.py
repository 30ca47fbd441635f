"""The benchmark still runs: its workload builds with our tool and run.py prints its tables.

Tiny sizes only (a few seconds); the peers are not needed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

BENCH = ROOT / "bench"
ANCHOR_GEN = ROOT.parent / "shared" / "bench" / "gen_anchor_content.py"

pytestmark = pytest.mark.skipif(
    not ANCHOR_GEN.is_file(), reason=f"the anchor generator is not at {ANCHOR_GEN}"
)


def _bench_module(name: str) -> ModuleType:
    """Import bench/NAME.py (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _python(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_generated_tree_builds_with_every_page(tmp_path: Path) -> None:
    done = _python(
        str(BENCH / "generate.py"), "--players", "5", "--events", "8", "--out", "site", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    facts = tmp_path / "site" / "content" / "facts"
    assert (facts / "sources.yaml").is_file()
    assert list((facts / "events").glob("*.yaml")), "events are split by year"
    assert len(list((facts / "players").glob("?.yaml"))) >= 2, "players are split by letter"
    built = _python("-m", "site_builder", "build", "-q", cwd=tmp_path / "site")
    assert built.returncode == 0, built.stderr
    pages = list((tmp_path / "site" / "_site").rglob("*.html"))
    # N player pages, home, timeline, its embed, players index, three summaries, sources, 404.
    assert len(pages) == 5 + 9


def test_an_edit_changes_one_entry_and_the_next_changes_it_back() -> None:
    generate = _bench_module("generate")
    text = (
        '- id: ana\n  title: "Talks"\n  bio: |\n    ## Background\n    Text.\n\n'
        '- id: ben\n  title: "Vote"\n  bio: |\n    ## Background\n'
    )
    for edit, item in ((generate.edit_player_bio, "ana"), (generate.edit_event_title, "ben")):
        once = edit(text, item)
        assert once != text
        assert edit(once, item) == text
    assert generate.edit_player_bio(text, "ana").count("## Background") == 1
    assert '- id: ben\n  title: "Vote (edited)"' in generate.edit_event_title(text, "ben")


def test_run_prints_a_table_for_a_tiny_size(tmp_path: Path) -> None:
    done = _python(
        str(BENCH / "run.py"),
        *("--sizes", "5x8", "--runs", "1", "--warmup", "0", "--out", str(tmp_path)),
        *("--json", str(tmp_path / "figures.json")),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    for build in ("cold", "no change", "1 player edited", "1 event edited"):
        assert f"| 5x8 | site_builder | {build} | 1 |" in done.stdout, done.stdout
    assert "| 5x8 | 1 |" in done.stdout, "the serve table"
    assert "[5x8] run 1/1: site_builder, cold" in done.stderr
    assert (tmp_path / "figures.json").is_file()


def test_the_growth_exponent_is_printed_when_1k_and_10k_both_ran() -> None:
    run = _bench_module("run")
    figures = [
        run.Result(size, tool, "cold", [{"wall": wall, "cpu": wall, "peak_mib": 50.0}])
        for size, tool, wall in (
            ("1k", "site_builder", 2.0),
            ("10k", "site_builder", 20.0),
            ("1k", "MkDocs", 3.0),  # no 10k figure: no row
        )
    ]
    serve = [run.ServeResult("1k", [10.0], [10.0]), run.ServeResult("10k", [1000.0], [900.0])]
    assert run.growth_table(figures, serve).splitlines()[2:] == [
        "| site_builder | cold | 2.000 | 20.000 | 1.00 |",
        "| site_builder | serve rebuild, 1 player edited | 0.010 | 1.000 | 2.00 |",
    ]
    assert run.growth_table(figures[:1], []) is None
