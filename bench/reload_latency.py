"""Edit-to-reload latency of `site-builder serve` against stock livereload, and rebuild times.

    python3 bench/reload_latency.py [--edits 20]

1. `site-builder serve` (inotify watcher, incremental rebuild) on a scratch copy of the
   explainer, with headless Chromium (Debian's /usr/bin/chromium) on a player page: for each
   edit (alternately a player's role and an event's title, both shown on that page) the time
   from the file write to the browser's `load` event of the reloaded page showing the edit.
2. The same with stock livereload (`Server().watch(content, full build)`, its 800 ms polling),
   edits 3.5 s apart because it ignores changes within 3 s of a reload.
3. Incremental rebuild (SiteBuilder) against a full build, per kind of change, in process.

Everything runs on 127.0.0.1; every wait has a deadline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
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
ROLE = "role: President of Ukraine"
TITLE = 'title: "Zelensky proposes a new round of talks for next week"'

STOCK_SERVER = """
import sys
from pathlib import Path
from livereload import Server
from site_builder.build import BuildOptions, build_site
options = BuildOptions(content=Path("content"), templates=Path("templates"), out=Path("_site"))
build_site(options)
server = Server()
server.watch("content", lambda: build_site(options))
server.serve(root="_site", host="127.0.0.1", port=int(sys.argv[1]), restart_delay=0)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port}")


@contextmanager
def running(command: list[str], folder: Path, port: int) -> Iterator[None]:
    """Run a server process in FOLDER until the block ends."""
    process = subprocess.Popen(
        command, cwd=folder, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(port, process)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def measure(page: Any, folder: Path, url: str, edits: int, gap: float) -> list[float]:
    """Milliseconds from each file write to the load event of the page showing the edit."""
    page.goto(url)
    players, events = folder / "content/facts/players.yaml", folder / "content/facts/events.yaml"
    role, title = ROLE, TITLE
    timings = []
    for number in range(edits):
        time.sleep(gap)
        if number % 2 == 0:
            path, old, new = players, role, f"role: President of Ukraine (edit {number})"
            role = new
            marker = f"(edit {number})"
        else:
            marker = f"talks, edit {number}"
            path, old, new = events, title, TITLE.replace("talks", marker)
            title = new
        with page.expect_event("load", timeout=15_000):
            started = time.perf_counter()
            _edit(path, old, new)
        # One load per edit; if the page loaded without the edit, wait for the next load.
        while marker not in page.content():
            page.wait_for_event("load", timeout=15_000)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _summary(name: str, timings: list[float]) -> str:
    return (
        f"{name:<40} median {statistics.median(timings):6.0f} ms   "
        f"worst {max(timings):6.0f} ms   best {min(timings):6.0f} ms   ({len(timings)} edits)"
    )


def reload_latency(edits: int) -> None:
    """Parts 1 and 2."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        ours = Path(scratch) / "ours"
        shutil.copytree(CONTENT, ours / "content")
        port = _free_port()
        command = [sys.executable, "-m", "site_builder", "serve", "-q", "--port", str(port)]
        with running(command, ours, port):
            page = browser.new_page()
            url = f"http://127.0.0.1:{port}/players/zelensky/"
            ours_ms = measure(page, ours, url, edits, gap=0.5)
            page.close()
        print(_summary("site-builder serve (inotify, incremental)", ours_ms), flush=True)

        stock = Path(scratch) / "stock"
        shutil.copytree(CONTENT, stock / "content")
        port = _free_port()
        with running([sys.executable, "-c", STOCK_SERVER, str(port)], stock, port):
            page = browser.new_page()
            url = f"http://127.0.0.1:{port}/players/zelensky/index.html"
            time.sleep(3.2)  # stock livereload ignores changes within 3 s of its start
            stock_ms = measure(page, stock, url, edits, gap=3.5)
            page.close()
        print(_summary("stock livereload (800 ms polling)", stock_ms), flush=True)
        browser.close()


def rebuild_times(runs: int) -> None:
    """Part 3."""
    from site_builder.build import BuildOptions, SiteBuilder, build_site
    from site_builder.render import theme_dir

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copytree(CONTENT, folder / "content")
        (folder / "templates").mkdir()
        shutil.copy(theme_dir() / "templates/summary.html", folder / "templates/summary.html")
        options = BuildOptions(
            content=folder / "content", templates=folder / "templates", out=folder / "_site"
        )
        full = []
        for _ in range(runs):
            started = time.perf_counter()
            build_site(options)
            full.append((time.perf_counter() - started) * 1000)
        print(f"{'full build':<40} median {statistics.median(full):6.0f} ms")
        builder = SiteBuilder(options)
        builder.rebuild(None)

        def toggle(relative: str, old: str, new: str) -> Callable[[int], Path]:
            def edit(number: int) -> Path:
                path = folder / relative
                a, b = (old, new) if number % 2 == 0 else (new, old)
                _edit(path, a, b)
                return path

            return edit

        changes = {
            "player role": toggle("content/facts/players.yaml", ROLE, ROLE + " (x)"),
            "event title": toggle(
                "content/facts/events.yaml", TITLE, TITLE.replace("talks", "talks (x)")
            ),
            "summary body": toggle(
                "content/summaries/what-next.md", "**What is proposed.**", "**Proposed.**"
            ),
            "template (summary.html)": toggle("templates/summary.html", "<article", "<article "),
            "site.yaml title": toggle(
                "content/site.yaml", "peace talks, explained", "peace talks explained"
            ),
        }
        for name, edit in changes.items():
            times, rendered = [], 0
            for number in range(runs):
                path = edit(number)
                started = time.perf_counter()
                result = builder.rebuild(frozenset({path}))
                times.append((time.perf_counter() - started) * 1000)
                rendered = builder.last_rendered
            print(
                f"{'incremental: ' + name:<40} median {statistics.median(times):6.0f} ms"
                f"   ({rendered} of {result.pages} pages rendered)"
            )


def main() -> None:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--edits", type=int, default=20, help="edits per server (default 20)")
    parser.add_argument("--runs", type=int, default=10, help="rebuilds per kind of change")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    rebuild_times(args.runs)
    reload_latency(args.edits)


if __name__ == "__main__":
    main()
