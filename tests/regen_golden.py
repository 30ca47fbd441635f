"""Regenerate tests/golden/minimal/ from tests/fixtures/minimal/ after an intended output change:

    python3 tests/regen_golden.py

Then read the diff (`git diff tests/golden`) before committing it: it is the change readers see.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from site_builder.build import BuildOptions, build_site  # noqa: E402

FIXTURE = HERE / "fixtures" / "minimal"
GOLDEN = HERE / "golden" / "minimal"
NO_TEMPLATES = HERE / "fixtures" / "no-templates"  # the package theme only
BASE_URL = "https://example.org/explainer/"


def build_golden(out: Path) -> None:
    """Build the minimal fixture the way the golden copy was built."""
    build_site(BuildOptions(content=FIXTURE, templates=NO_TEMPLATES, out=out, base_url=BASE_URL))


if __name__ == "__main__":
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    build_golden(GOLDEN)
    print(f"wrote {GOLDEN.relative_to(HERE.parent)}")
