"""The minimal fixture builds to exactly the committed golden output (tests/golden/minimal/).

An intended change to what readers get: run `python3 tests/regen_golden.py`, read the diff,
commit it. An unintended one fails here with the first differing file.
"""

from __future__ import annotations

from pathlib import Path

from regen_golden import GOLDEN, build_golden


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_minimal_site_matches_the_golden_output(tmp_path: Path) -> None:
    build_golden(tmp_path / "out")
    built, golden = files_of(tmp_path / "out"), files_of(GOLDEN)
    assert sorted(built) == sorted(golden), "pages added or removed: regenerate the golden copy"
    for path in sorted(golden):
        assert built[path] == golden[path], (
            f"{path} differs from tests/golden/minimal/{path}; if intended, run "
            "python3 tests/regen_golden.py and commit the diff"
        )
