"""Shared fixtures: the repo's paths, a built copy of the explainer, a real HTTP server on
127.0.0.1 and a real headless Chromium.

Browser and validator tests skip locally when their tool is missing, saying so; in CI
(SITE_BUILDER_REQUIRE_TOOLS=1, set by .ci/run) a missing tool is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
# The shared folder (source text, benchmark anchors) sits beside the repository, or beside the
# folder holding several worktrees of it.
SHARED = next(
    (
        folder
        for folder in (ROOT.parent / "shared", ROOT.parent.parent / "shared")
        if folder.is_dir()
    ),
    ROOT.parent / "shared",
)
ARTICLE = SHARED / "source" / "article.txt"
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRE_TOOLS = os.environ.get("SITE_BUILDER_REQUIRE_TOOLS") == "1"


def require(available: bool, tool: str, install: str) -> None:
    """Skip (locally) or fail (in CI) when a tool a test needs is missing."""
    if available:
        return
    message = f"{tool} is not installed ({install})"
    if REQUIRE_TOOLS:
        pytest.fail(f"{message}; CI requires it", pytrace=False)
    pytest.skip(message)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m site_builder ARGS` as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's explainer built once into a temporary folder."""
    out = tmp_path_factory.mktemp("site") / "_site"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


FIXTURES = ROOT / "tests" / "fixtures"
# Sites unlike the explainer, held to the same reader-quality bar (axe, W3C): a site in
# Ukrainian, a shipping story with no groups, a ship as a player and pictures, and a local
# news story corrected as it went (a retracted fact, a disputed and an unconfirmed one).
STORIES = {
    "i18n-uk": FIXTURES / "i18n-uk",
    "ship-no-sides": FIXTURES / "ship-no-sides",
    "local-fire": FIXTURES / "local-fire",
}


@pytest.fixture(scope="session")
def story_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each of STORIES built once, by the command line, with no warning."""
    built = {}
    for name, content in STORIES.items():
        out = tmp_path_factory.mktemp(name) / "_site"
        result = run_cli("build", "--content", str(content), "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert "WARNING" not in result.stderr, result.stderr
        built[name] = out
    return built


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def static_server(root: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ROOT over real HTTP on 127.0.0.1, mounted at PREFIX; yields the base URL."""
    if prefix != "/":
        mount = root.parent / f"mount-{root.name}"
        if mount.exists():
            shutil.rmtree(mount)
        target = mount / prefix.strip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(root.resolve(), target_is_directory=True)
        served = mount
    else:
        served = root
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A real headless Chromium (Debian's), driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "playwright", "pip install playwright")
    require(CHROMIUM.exists(), "chromium", "apt-get install chromium")
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
