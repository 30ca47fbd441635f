"""`site-builder serve`: a real server process on 127.0.0.1, a real headless Chromium page.

Each test copies the explainer to a scratch folder, starts `python -m site_builder serve` there
under a /REPO/ base path, edits files and asserts on the page's DOM. Every wait has a deadline,
and the server is stopped with SIGINT (Ctrl-C), which must end it cleanly.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import CONTENT, ROOT

from site_builder.previewhttp import error_page
from site_builder.watch import relevant_changes

PREFIX = "/REPO/"
ROLE = "role: President of Ukraine"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Preview:
    """A running `serve` process and what it printed."""

    process: subprocess.Popen[str]
    folder: Path
    url: str
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    stderr_times: list[float] = field(default_factory=list)  # when each stderr line arrived

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.folder / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def _env() -> dict[str, str]:
    """This checkout's package first, whatever copy of site_builder is installed."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def _drain(stream: Any, lines: list[str], times: list[float] | None = None) -> None:
    for line in stream:
        if times is not None:
            times.append(time.monotonic())
        lines.append(line)


def start_preview(folder: Path, port: int, *extra: str, ignore_sigint: bool = False) -> Preview:
    """Start serve in FOLDER and wait (at most 30 s) until it says where it serves.

    With ignore_sigint, serve starts with SIGINT ignored, as a job started in the background
    by a non-interactive shell (a CI runner, nohup) does.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--port", str(port), *extra],
        cwd=folder,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
        if ignore_sigint
        else None,
    )
    preview = Preview(process, folder, "")
    for stream, lines, times in (
        (process.stdout, preview.stdout, None),
        (process.stderr, preview.stderr, preview.stderr_times),
    ):
        threading.Thread(target=_drain, args=(stream, lines, times), daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        serving = [line for line in preview.stdout if line.startswith("Serving")]
        if serving:
            preview.url = serving[0].split(" at ", 1)[1].split(" ", 1)[0]
            return preview
        if process.poll() is not None:
            break
        time.sleep(0.05)
    preview.stop()
    pytest.fail(f"serve did not start: {''.join(preview.stderr)}")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    """The explainer served from a scratch copy at http://127.0.0.1:PORT/REPO/."""
    shutil.copytree(CONTENT, tmp_path / "content")
    server = start_preview(tmp_path, _free_port(), "--base-url", PREFIX)
    yield server
    status = server.stop()
    stderr = "".join(server.stderr)
    assert "Traceback" not in stderr, stderr
    assert status == 0, stderr


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page; only 127.0.0.1 is ever requested."""
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


# --------------------------------------------------------------------------- with a browser


@pytest.mark.timeout(90)
def test_an_edit_reloads_the_page_with_the_change(preview: Preview, page: Any) -> None:
    from playwright.sync_api import expect

    assert preview.url.endswith(PREFIX)
    page.goto(preview.url + "players/zelensky/")
    expect(page.locator(".role")).to_contain_text("President of Ukraine")
    preview.edit("content/facts/players.yaml", ROLE, "role: President of Ukraine, edited")
    expect(page.locator(".role")).to_contain_text("President of Ukraine, edited")
    # Links and the stylesheet live under the base path too.
    assert page.locator("link[rel=stylesheet]").first.get_attribute("href").startswith(PREFIX)


@pytest.mark.timeout(90)
def test_an_error_shows_on_every_page_and_the_fix_brings_the_page_back(
    preview: Preview, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(preview.url + "players/zelensky/")
    good = (preview.folder / "content/facts/players.yaml").read_text(encoding="utf-8")
    preview.edit("content/facts/players.yaml", ROLE, ROLE + '\n  "<b>bold</b>": 1')
    error = page.locator("#site-builder-error")
    expect(error).to_contain_text("content/facts/players.yaml:4:3: unknown field '<b>bold</b>'")
    expect(error).to_contain_text("hint: known fields here:")
    assert page.locator("#site-builder-error b").count() == 0  # escaped, not markup
    # Every page shows it; the server lives; the last good output is still on disk.
    status, body = _fetch(preview.url + "timeline/")
    assert status == 500 and "site-builder-error" in body
    assert preview.process.poll() is None
    assert (
        "President of Ukraine" in (preview.folder / "_site/players/zelensky/index.html").read_text()
    )
    (preview.folder / "content/facts/players.yaml").write_text(
        good.replace(ROLE, "role: President of Ukraine, fixed"), encoding="utf-8"
    )
    expect(page.locator(".role")).to_contain_text("President of Ukraine, fixed")
    expect(error).to_have_count(0)


@pytest.mark.timeout(90)
def test_two_edits_a_second_apart_both_show(preview: Preview, page: Any) -> None:
    # Stock livereload ignores a change that comes within 3 s of the previous reload.
    from playwright.sync_api import expect

    page.goto(preview.url + "players/zelensky/")
    first_at = time.monotonic()
    preview.edit("content/facts/players.yaml", ROLE, "role: First edit")
    expect(page.locator(".role")).to_contain_text("First edit", timeout=1000)
    time.sleep(max(0.0, first_at + 1.0 - time.monotonic()))
    preview.edit("content/facts/players.yaml", "role: First edit", "role: Second edit")
    expect(page.locator(".role")).to_contain_text("Second edit", timeout=2000)


@pytest.mark.timeout(90)
def test_a_template_edit_reloads_the_pages_using_it(preview: Preview, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(preview.url + "players/zelensky/")
    templates = preview.folder / "templates"
    templates.mkdir()  # the override folder did not exist when serve started
    time.sleep(0.3)
    player = (ROOT / "site_builder/theme/templates/player.html").read_text(encoding="utf-8")
    (templates / "player.html").write_text(
        player.replace("<h1>", '<h1 class="from-override">', 1), encoding="utf-8"
    )
    expect(page.locator("h1.from-override")).to_have_count(1)


# --------------------------------------------------------------------------- without a browser


def test_paths_are_served_under_the_base_path(preview: Preview) -> None:
    root = preview.url[: -len(PREFIX)]
    request = urllib.request.Request(root + "/")
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=5)
    assert redirect.value.code == 302 and redirect.value.headers["Location"] == PREFIX
    status, body = _fetch(preview.url)
    assert status == 200 and "/livereload.js" in body
    status, body = _fetch(preview.url + "no-such-page/")
    assert status == 404 and "Page not found" in body
    status, _ = _fetch(root + "/timeline/")
    assert status == 404  # outside the prefix


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_port_in_use_says_so_and_suggests_another(tmp_path: Path) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "site_builder", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"--port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("ignore_sigint", [False, True], ids=["foreground", "sigint-ignored"])
def test_ctrl_c_stops_cleanly(tmp_path: Path, ignore_sigint: bool) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    server = start_preview(tmp_path, _free_port(), ignore_sigint=ignore_sigint)
    assert server.stop() == 0
    assert "Traceback" not in "".join(server.stderr)
    assert "Stopped." in "".join(server.stdout)


def test_only_content_changes_outside_the_output_count(tmp_path: Path) -> None:
    content, templates, out = tmp_path / "content", tmp_path / "templates", tmp_path / "_site"
    changed = relevant_changes(
        [
            content / "facts/players.yaml",
            content / "facts/.players.yaml.swp",
            content / "facts/players.yaml~",
            content / "summaries/4913",
            templates / "player.html",
            out / "index.html",
            tmp_path / ".\u005fsite.new-abc123/index.html",
            tmp_path / "README.md",
        ],
        watched=[content, templates],
        ignored=[out],
    )
    assert changed == {content / "facts/players.yaml", templates / "player.html"}
    # The output folder is ignored even when it sits inside a watched folder.
    inside = content / "_site"
    lock = content / ".\u005fsite.lock"  # beside the output: whose output it is
    assert not relevant_changes([inside / "index.html", lock], watched=[content], ignored=[inside])


def test_error_page_escapes_and_locates() -> None:
    from site_builder.errors import ContentError, Problem

    error = ContentError([Problem("content/x.yaml", "bad <value>", 3, 7, 'use "quotes" & <b>')])
    page = error_page(error, Path("_site"))
    assert "<code>content/x.yaml:3:7</code>: bad &lt;value&gt;" in page
    assert "hint: use &quot;quotes&quot; &amp; &lt;b&gt;" in page
    assert "</head>" in page  # where livereload injects its script
