"""Scratch explainers for tests: the minimal valid site, with any file replaced or added.

`write_site(tmp_path, {"facts/events.yaml": "..."})` copies tests/fixtures/minimal/ into
tmp_path/content and overwrites the given files (None deletes one); returns the content folder.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from site_builder.build import load_site
from site_builder.errors import ContentError, Problem
from site_builder.site import Site

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def write_site(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """A content folder under ROOT: the minimal site with FILES replaced (dedented)."""
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(MINIMAL, content)
    for relative, text in (files or {}).items():
        path = content / relative
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return content


def problems_of(root: Path, files: dict[str, str | None]) -> list[Problem]:
    """Every problem loading and validating the minimal site with FILES replaced."""
    try:
        load_site(write_site(root, files))
    except ContentError as error:
        return list(error.problems)
    return []


def load(root: Path, files: dict[str, str | None] | None = None) -> Site:
    """Load the minimal site with FILES replaced; it must be valid."""
    return load_site(write_site(root, files))
