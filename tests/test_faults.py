"""Faults and races: a second writer, a full or read-only disk, saves that keep their time stamps.

Every test drives real processes (`python -m site_builder build` and `serve`) on real files; a
full disk is a real tmpfs mounted for the test (skipped, saying why, where it cannot be mounted),
a missing permission a process started without the right to override file modes. The content is
a fixture of its own, a one-day incident told in hours with no sides. Every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import errno
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any, TypeVar

import pytest
from conftest import ROOT
from scratch import problems_of
from test_scale import write_many
from test_serve import Preview, _env, _fetch, _free_port, start_preview

from site_builder.readfile import MAX_FILE_BYTES
from site_builder.render import theme_dir

T = TypeVar("T")

FIRE = ROOT / "tests" / "fixtures" / "harbour-fire"
MASTER = "role: Harbour master"
TITLE = "The Pier 4 fire, hour by hour"
LONG_TITLE = TITLE + ", as the crews on the quay and on the water told it" * 10
SITE_BUILDER = [sys.executable, "-m", "site_builder"]


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on an event loop of its own, in a thread of its own: a
    browser test earlier in the session (Playwright's sync API) keeps a loop running in this
    thread, where asyncio.run refuses to start another."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def project(root: Path) -> Path:
    """A scratch project folder holding the fixture as content/."""
    shutil.copytree(FIRE, root / "content")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def wait_until(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.02)


def rebuilds(preview: Preview) -> int:
    """How many rebuilds serve has reported so far (successful or not)."""
    return sum("rebuilt " in line or "ERROR " in line for line in preview.stderr)


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SITE_BUILDER, "build", *args],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def slow_templates(folder: Path, loops: int = 3_000_000) -> Path:
    """An override folder whose base layout idles before rendering: a build that takes a few
    seconds and writes the same pages as the theme."""
    base = (theme_dir() / "templates" / "base.html").read_text(encoding="utf-8")
    # Before the doctype: the lines above it may be a comment, where a loop would not run.
    head, doctype, rest = base.partition("<!DOCTYPE html>")
    assert doctype, "the theme's base layout has a doctype"
    folder.mkdir()
    spin = f"{{%- for _ in range({loops}) %}}{{% endfor -%}}"
    (folder / "base.html").write_text(f"{head}{spin}\n{doctype}{rest}", encoding="utf-8")
    return folder


def staging_folders(parent: Path, out: str = "_site") -> list[Path]:
    return sorted(parent.glob(f".{out}.new-*"))


# --------------------------------------------------------------------------- one writer


@pytest.mark.timeout(120)
def test_a_build_while_serve_runs_is_refused_and_no_edit_is_lost(tmp_path: Path) -> None:
    """serve owns its output folder: a build on it (another terminal, an editor task) is refused,
    naming serve's process, instead of swapping in pages older than the last save."""
    root = project(tmp_path)
    preview = start_preview(root, _free_port())
    try:
        slow = slow_templates(root / "slow")
        other = subprocess.Popen(
            [*SITE_BUILDER, "build", "--templates", str(slow)],
            cwd=root,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Save once the build has read the content (its new folder exists), or has given up.
        wait_until(
            lambda: other.poll() is not None or staging_folders(root), 30, "the build to start"
        )
        seen = rebuilds(preview)
        edit(root / "content/facts/players.yaml", MASTER, "role: Harbour master, edited")
        wait_until(lambda: rebuilds(preview) > seen, 15, "serve to rebuild")
        _, stderr = other.communicate(timeout=60)
        page = root / "_site/players/harbour-master/index.html"
        assert "Harbour master, edited" in page.read_text(encoding="utf-8")
        status, body = _fetch(preview.url + "players/harbour-master/")
        assert status == 200 and "Harbour master, edited" in body
        assert other.returncode == 1, stderr
        assert f"pid {preview.process.pid}" in stderr and "site-builder serve" in stderr
        assert "--out" in stderr  # what to do instead
        assert "Traceback" not in stderr and "internal error" not in stderr
        assert staging_folders(root) == []
    finally:
        assert preview.stop() == 0
    assert "Traceback" not in "".join(preview.stderr)


@pytest.mark.timeout(120)
def test_a_second_build_waits_for_the_first_and_the_last_one_wins(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert build(root).returncode == 0
    slow = slow_templates(root / "slow", loops=4_000_000)  # still running when the second starts
    first = subprocess.Popen(
        [*SITE_BUILDER, "build", "--templates", str(slow)],
        cwd=root,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until(lambda: first.poll() is not None or staging_folders(root), 30, "the first build")
    assert first.poll() is None, "the first build ended before the second began"
    edit(root / "content/facts/players.yaml", MASTER, "role: Harbour master, later")
    second = build(root)  # started after the save: its site is the one to keep
    assert second.returncode == 0, second.stderr
    assert f"waiting for site-builder build (pid {first.pid}" in second.stderr
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr
    page = root / "_site/players/harbour-master/index.html"
    assert "Harbour master, later" in page.read_text(encoding="utf-8")
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == [".site_builder_cache"]


# --------------------------------------------------------------------------- change detection


@pytest.mark.timeout(60)
def test_a_save_keeping_size_and_time_is_rebuilt(tmp_path: Path) -> None:
    """cp -p, touch -r, tar -x and some sync tools rewrite a file and put its time back."""
    root = project(tmp_path)
    preview = start_preview(root, _free_port())  # --content content: a relative path
    try:
        players = root / "content/facts/players.yaml"
        before = players.stat()
        text = players.read_text(encoding="utf-8")
        changed = text.replace(MASTER, "role: Harbour Master", 1)
        assert changed != text and len(changed) == len(text)
        seen = rebuilds(preview)
        with players.open("r+", encoding="utf-8") as file:  # in place: the same inode
            file.write(changed)
        os.utime(players, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = players.stat()
        assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
            before.st_size,
            before.st_mtime_ns,
            before.st_ino,
        )
        wait_until(lambda: rebuilds(preview) > seen, 15, "serve to rebuild")
        page = root / "_site/players/harbour-master/index.html"
        wait_until(
            lambda: "Harbour Master" in page.read_text(encoding="utf-8"), 5, "the page to change"
        )
    finally:
        assert preview.stop() == 0


# --------------------------------------------------------------------------- full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs mounted at tmp_path/disk for the test."""
    disk = tmp_path / "disk"
    disk.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(disk)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except FileNotFoundError:
        pytest.skip("no mount command here: a full disk cannot be simulated")
    if mounted.returncode != 0:
        pytest.skip(
            "cannot mount a tmpfs here (it needs root), so a full disk cannot be simulated: "
            + mounted.stderr.strip()
        )
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, timeout=30)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk, then free `leave` bytes of it again; return the file filling it."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for _ in range(10_000):  # 64 MB at most: far more than any test disk
            try:
                os.write(descriptor, b"\0" * 65536)
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
        else:
            pytest.fail(f"{disk} never filled up")
        size = os.fstat(descriptor).st_size
        os.ftruncate(descriptor, max(0, size - leave))
    finally:
        os.close(descriptor)
    return filler


@pytest.mark.timeout(90)
def test_a_full_disk_during_a_rebuild_keeps_the_previous_pages_then_heals(
    tmp_path: Path, small_disk: Path
) -> None:
    root = project(tmp_path)
    out = small_disk / "_site"
    preview = start_preview(root, _free_port(), "--out", str(out))
    try:
        before = files(out)
        # Room for a few pages grown by a long title, not for all of them.
        filler = fill(small_disk, leave=16 * 1024)
        seen = rebuilds(preview)
        site = root / "content/site.yaml"
        edit(site, TITLE, LONG_TITLE)  # every page changes, and grows by a few kilobytes
        wait_until(lambda: rebuilds(preview) > seen, 15, "serve to try the rebuild")
        stderr = "".join(preview.stderr)
        assert "Traceback" not in stderr
        assert "no space left" in stderr and str(small_disk) in stderr, stderr
        assert files(out) == before  # the previous pages, every one of them
        # Nothing half-written beside them either; the lock is serve's, while it runs.
        assert sorted(p.name for p in small_disk.iterdir()) == ["._site.lock", "_site", "filler"]
        status, body = _fetch(preview.url + "players/")
        assert status == 500 and "no space left" in body  # the browser says why
        # Room again, and the save reverted: the output is the site, byte for byte.
        filler.unlink()
        seen = rebuilds(preview)
        edit(site, LONG_TITLE, TITLE)
        wait_until(lambda: rebuilds(preview) > seen, 15, "serve to rebuild")
        fresh = build(root, "--out", str(tmp_path / "fresh"))
        assert fresh.returncode == 0, fresh.stderr
        assert files(out) == files(tmp_path / "fresh")
        # And a real change after the failure shows everywhere.
        seen = rebuilds(preview)
        edit(site, "The Pier 4 fire", "The Pier Four fire")
        wait_until(lambda: rebuilds(preview) > seen, 15, "serve to rebuild")
        pages = {path: data for path, data in files(out).items() if path.endswith(".html")}
        assert [path for path, data in pages.items() if b"The Pier Four fire" not in data] == []
    finally:
        assert preview.stop() == 0


@pytest.mark.timeout(90)
def test_a_full_disk_during_build_is_named_and_keeps_the_previous_output(
    tmp_path: Path, small_disk: Path
) -> None:
    root = project(tmp_path)
    out = small_disk / "_site"
    assert build(root, "--out", str(out)).returncode == 0
    before = files(out)
    fill(small_disk, leave=32 * 1024)
    edit(root / "content/site.yaml", "The Pier 4 fire", "The Pier Four fire")
    result = build(root, "--out", str(out))
    assert result.returncode == 1
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert "no space left on the disk" in result.stderr and str(small_disk) in result.stderr
    assert "hint: free some space" in result.stderr
    assert "previous output is untouched" in result.stderr
    assert files(out) == before
    # Nothing left beside the output but what the first build made: its cache lives there.
    left = sorted(p.name for p in small_disk.iterdir())
    assert left == [".site_builder_cache", "_site", "filler"]


@pytest.mark.timeout(60)
def test_a_read_only_output_disk_is_named(tmp_path: Path, small_disk: Path) -> None:
    root = project(tmp_path)
    out = small_disk / "_site"
    assert build(root, "--out", str(out)).returncode == 0
    before = files(out)
    remount = subprocess.run(
        ["mount", "-o", "remount,ro", str(small_disk)], capture_output=True, text=True, timeout=30
    )
    assert remount.returncode == 0, remount.stderr
    edit(root / "content/site.yaml", "The Pier 4 fire", "The Pier Four fire")
    result = build(root, "--out", str(out))
    assert result.returncode == 1
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert f"{small_disk} is on a read-only file system" in result.stderr, result.stderr
    assert "--out" in result.stderr
    assert files(out) == before


def _without_file_permission_override() -> None:
    """In the child: drop the capabilities that let root write anywhere (from the bounding set,
    so the build runs as root but obeys file modes, as any other user would)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.mark.timeout(60)
def test_an_output_folder_without_write_permission_is_named(tmp_path: Path) -> None:
    root = project(tmp_path)
    parent = root / "public"
    parent.mkdir()
    out = parent / "_site"
    assert build(root, "--out", str(out)).returncode == 0
    before = files(out)
    edit(root / "content/site.yaml", "The Pier 4 fire", "The Pier Four fire")
    parent.chmod(0o555)
    as_anyone = _without_file_permission_override if os.geteuid() == 0 else None
    try:
        probe = subprocess.run(
            ["touch", str(parent / "probe")], preexec_fn=as_anyone, capture_output=True
        )
        if probe.returncode == 0:
            pytest.skip("this process may write anywhere (root with no way to drop the right)")
        result = subprocess.run(
            [*SITE_BUILDER, "build", "--out", str(out)],
            cwd=root,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=as_anyone,
        )
    finally:
        parent.chmod(0o755)
    assert result.returncode == 1
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert f"not allowed to write in {parent}" in result.stderr, result.stderr
    assert "permissions" in result.stderr
    assert files(out) == before


# --------------------------------------------------------------------------- responsiveness


@pytest.mark.timeout(120)
def test_serve_answers_from_the_last_good_output_while_it_rebuilds(tmp_path: Path) -> None:
    """At 1,000 players a change to site.yaml re-renders every page; robots.txt must not wait."""
    write_many(tmp_path, players=1000, events=400)
    preview = start_preview(tmp_path, _free_port())
    try:
        robots = preview.url + "robots.txt"
        expected = (tmp_path / "_site" / "robots.txt").read_text(encoding="utf-8")
        seen = rebuilds(preview)
        site = tmp_path / "content" / "site.yaml"
        saved = time.monotonic()
        edit(site, "Test explainer", "Renamed explainer")
        answers: list[tuple[float, float]] = []  # (sent, answered)
        while rebuilds(preview) == seen and time.monotonic() < saved + 60:
            sent = time.monotonic()
            status, body = _fetch(robots)
            assert status == 200 and body == expected
            answers.append((sent, time.monotonic()))
            time.sleep(0.02)
        wait_until(lambda: rebuilds(preview) > seen, 5, "serve to rebuild")
        finished = preview.stderr_times[_index_of_rebuild(preview, seen)]
        assert finished - saved > 0.4, "the rebuild was too quick to tell anything"
        during = [(sent, got) for sent, got in answers if saved + 0.1 <= sent and got < finished]
        worst = max((got - sent for sent, got in during), default=None)
        print(f"rebuild {finished - saved:.2f} s; {len(during)} answers during it, worst {worst}")
        assert any(got <= finished - 0.1 for _, got in during), (
            f"robots.txt waited for the rebuild ({finished - saved:.2f} s): {answers}"
        )
    finally:
        assert preview.stop() == 0


def _index_of_rebuild(preview: Preview, seen: int) -> int:
    """The index of the stderr line that reports rebuild number `seen` + 1."""
    count = 0
    for index, line in enumerate(preview.stderr):
        if "rebuilt " in line or "ERROR " in line:
            count += 1
            if count > seen:
                return index
    raise AssertionError("no rebuild reported")


# --------------------------------------------------------------------------- smaller


def _preview(root: Path) -> Preview:
    return start_preview(root, _free_port(), "--base-url", "/REPO/")


@pytest.fixture(scope="module")
def fire_preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = project(tmp_path_factory.mktemp("fire"))
    (root / "templates" / "static").mkdir(parents=True)
    shutil.copy(theme_dir() / "static" / "style.css", root / "templates/static/style.css")
    preview = _preview(root)
    yield preview
    assert preview.stop() == 0
    assert "Traceback" not in "".join(preview.stderr)


async def _connect(url: str, origin: str) -> object:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    return await websocket_connect(HTTPRequest(url, headers={"Origin": origin}))


def test_the_reload_socket_refuses_pages_of_other_sites(fire_preview: Preview) -> None:
    from tornado.httpclient import HTTPClientError

    origin = fire_preview.url.split("/REPO/")[0]
    socket_url = origin.replace("http://", "ws://") + "/livereload"
    with pytest.raises(HTTPClientError) as refused:
        _run(_connect(socket_url, "http://evil.example"))
    assert refused.value.code == 403
    with pytest.raises(HTTPClientError):
        _run(_connect(socket_url, "null"))
    # A page of the preview itself connects.
    _run(_close(_connect(socket_url, origin)))
    # Nothing outside the socket can make open pages reload.
    assert _fetch(origin + "/forcereload")[0] == 404


async def _close(connecting: object) -> None:
    connection = await connecting  # type: ignore[misc]
    connection.close()


def test_a_stylesheet_reload_names_no_local_path(fire_preview: Preview) -> None:
    origin = fire_preview.url.split("/REPO/")[0]
    socket_url = origin.replace("http://", "ws://") + "/livereload"

    async def reload_message() -> dict[str, object]:
        connection: object = await _connect(socket_url, origin)
        await connection.write_message(  # type: ignore[attr-defined]
            json.dumps(
                {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
            )
        )
        await asyncio.wait_for(connection.read_message(), 10)  # type: ignore[attr-defined]
        await connection.write_message(  # type: ignore[attr-defined]
            json.dumps({"command": "info", "url": fire_preview.url})
        )
        await asyncio.sleep(0.2)
        css = fire_preview.folder / "templates/static/style.css"
        css.write_text(css.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
        message = await asyncio.wait_for(connection.read_message(), 10)  # type: ignore[attr-defined]
        connection.close()  # type: ignore[attr-defined]
        return dict(json.loads(message))

    message = _run(reload_message())
    assert message["command"] == "reload"
    assert str(fire_preview.folder) not in json.dumps(message)
    assert message["path"] == "static/style.css"  # matched by livereload.js by its tail


def test_options_says_which_methods_are_allowed(fire_preview: Preview) -> None:
    port = int(fire_preview.url.split(":")[2].split("/")[0])
    for method, status in (("OPTIONS", 204), ("POST", 405), ("DELETE", 405)):
        connection = HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request(method, "/REPO/")
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        assert response.status == status, method
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS", method


def test_an_oversized_fact_file_suggests_splitting_it_into_a_folder(tmp_path: Path) -> None:
    events = (FIRE / "facts/events.yaml").read_text(encoding="utf-8")
    padding = "# " + "x" * 1000 + "\n"
    big = events + padding * (MAX_FILE_BYTES // len(padding) + 1)
    problems = problems_of(tmp_path, {"facts/events.yaml": big})
    [problem] = [p for p in problems if "larger than" in p.message]
    assert problem.hint is not None
    assert "split it into several files in a folder facts/events/" in problem.hint, problem.hint


# --------------------------------------------------------------------------- more of the same


@pytest.mark.timeout(60)
def test_a_second_serve_on_the_same_output_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    preview = start_preview(root, _free_port())
    try:
        second = subprocess.run(
            [*SITE_BUILDER, "serve", "--port", str(_free_port())],
            cwd=root,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 1
        assert f"in use by site-builder serve (pid {preview.process.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        assert preview.stop() == 0
    assert not (root / "._site.lock").exists()  # gone with its owner


@pytest.mark.timeout(60)
def test_a_file_changed_under_serve_is_written_again_at_the_next_save(tmp_path: Path) -> None:
    """Whatever happens to the output folder while serve runs, its next rebuild heals it."""
    root = project(tmp_path)
    preview = start_preview(root, _free_port())
    try:
        out = root / "_site"
        built = files(out)
        (out / "sources" / "index.html").write_text("scribbled on", encoding="utf-8")
        (out / "players" / "northern-star" / "index.html").unlink()
        seen = rebuilds(preview)
        edit(root / "content/facts/players.yaml", MASTER, "role: Harbour master, edited")
        wait_until(lambda: rebuilds(preview) > seen, 15, "serve to rebuild")
        now = files(out)
        assert now["sources/index.html"] == built["sources/index.html"]
        assert now["players/northern-star/index.html"] == built["players/northern-star/index.html"]
    finally:
        assert preview.stop() == 0


@pytest.mark.timeout(60)
def test_a_template_saved_with_its_old_time_is_used(tmp_path: Path) -> None:
    """Jinja trusts a template's modification time; serve must not."""
    root = project(tmp_path)
    templates = root / "templates"
    templates.mkdir()
    player = (theme_dir() / "templates" / "player.html").read_text(encoding="utf-8")
    marked = player.replace("<h1>", '<h1 class="mark-a">', 1)
    assert marked != player
    (templates / "player.html").write_text(marked, encoding="utf-8")
    preview = start_preview(root, _free_port())
    try:
        page = root / "_site/players/fire-service/index.html"
        assert 'class="mark-a"' in page.read_text(encoding="utf-8")
        template = templates / "player.html"
        before = template.stat()
        seen = rebuilds(preview)
        with template.open("r+", encoding="utf-8") as file:
            file.write(marked.replace("mark-a", "mark-b"))
        os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns))
        wait_until(lambda: rebuilds(preview) > seen, 15, "serve to rebuild")
        wait_until(
            lambda: 'class="mark-b"' in page.read_text(encoding="utf-8"), 5, "the new template"
        )
    finally:
        assert preview.stop() == 0


def test_a_rename_that_fails_halfway_puts_every_file_back(tmp_path: Path) -> None:
    """The second phase of serve's writes: a folder that refuses the new file (immutable here)
    after another file was already replaced; every file goes back as it was."""
    from site_builder.errors import OutputError
    from site_builder.liveoutput import LiveOutput
    from site_builder.output import OutputTree

    def tree(version: str) -> OutputTree:
        made = OutputTree()
        for path in ("a.html", "b/index.html", "c.html", f"new-{version}/index.html"):
            made.add(path, f"{path} {version}")
        return made

    out = tmp_path / "out"
    live = LiveOutput(out)
    live.write(tree("one"))
    before = files(out)
    locked = out / "b"
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (it needs root and a file system with it)")
    try:
        with pytest.raises(OutputError) as raised:
            live.write(tree("two"))
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
    assert f"not allowed to write in {locked}" in str(raised.value)
    assert files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left beside it
    assert live.write(tree("two")) == 4  # and the next write makes it whole
    assert files(out) == {path: data.encode() for path, data in _versions("two").items()}


def _versions(version: str) -> dict[str, str]:
    return {
        path: f"{path} {version}"
        for path in ("a.html", "b/index.html", "c.html", f"new-{version}/index.html")
    }
