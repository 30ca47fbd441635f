"""Build the explainer, serve it on 127.0.0.1 and save screenshots of each page kind.

    python3 tools/screenshots.py OUT_FOLDER [--content content] [--full-page]

Writes OUT_FOLDER/<page>-<width>-<scheme>.png for the home, timeline (and the first page of a
timeline split by period), players, one player, sources, updates and one summary page, at 375 px
(phone) and 1280 px (desktop), light and dark.
Needs Playwright (pip install playwright) and Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
WIDTHS = {"phone": 375, "desktop": 1280}
SCHEMES = ("light", "dark")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def page_kinds(site: Path) -> dict[str, str]:
    """One URL path per page kind, picked from the built site."""
    # The first player the players index lists (the story's lead, in content order). A page
    # with nothing on it is not made (a site with no players has no players page).
    index = site / "players" / "index.html"
    players = (
        re.findall(r'href="/players/([a-z0-9-]+)/"', index.read_text(encoding="utf-8"))
        if index.is_file()
        else []
    )
    builtin = {"timeline", "players", "sources", "updates", "static", "media"}
    summaries = sorted(
        p.parent.name for p in site.glob("*/index.html") if p.parent.name not in builtin
    )
    kinds = {"home": ""}
    kinds |= {
        name: f"{name}/"
        for name in ("timeline", "players", "sources")
        if (site / name / "index.html").is_file()
    }
    # A timeline split into pages by period: its first page too.
    parts = sorted(p.parent.name for p in (site / "timeline").glob("*/index.html"))
    if parts:
        kinds["timeline-part"] = f"timeline/{parts[0]}/"
    if players:
        kinds["player"] = f"players/{players[0]}/"
    if summaries:
        kinds["summary"] = f"{summaries[0]}/"
    if (site / "updates" / "index.html").is_file():
        kinds["updates"] = "updates/"
    return kinds


def main(argv: list[str] | None = None) -> int:
    """Build, serve and photograph the site; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the PNG files into")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--full-page", action="store_true", help="capture whole pages")
    parser.add_argument(
        "--only", default=None, metavar="KINDS", help="comma-separated page kinds (timeline,...)"
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "_site"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "site_builder",
                "build",
                "-q",
                "--content",
                str(args.content),
                "--out",
                str(site),
            ],
            check=True,
            cwd=ROOT,
        )
        handler = functools.partial(_QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for device, width in WIDTHS.items():
                    for scheme in SCHEMES:
                        context = browser.new_context(
                            viewport={"width": width, "height": 900}, color_scheme=scheme
                        )
                        page = context.new_page()
                        for kind, path in page_kinds(site).items():
                            if args.only and kind not in args.only.split(","):
                                continue
                            page.goto(base + path)
                            target = args.out / f"{kind}-{device}-{width}-{scheme}.png"
                            page.screenshot(path=str(target), full_page=args.full_page)
                            print(target)
                        context.close()
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
