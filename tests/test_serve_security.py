"""`site-builder serve` shows the output folder and nothing else, to this machine only, under load.

Every test talks to a real `python -m site_builder serve` process on a free port of 127.0.0.1.
Hostile paths are sent over a raw socket, byte for byte as written (an HTTP client would
normalise `..` away before sending). Every socket and wait has a deadline.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

import pytest
from conftest import CONTENT
from test_serve import Preview, _free_port, start_preview

SECRET = "secret-token-4f1c9a"  # written beside the output folder: must never be served


@dataclass
class Served:
    """A running preview of the explainer, with a secret file and hostile symlinks planted."""

    preview: Preview
    port: int
    prefix: str
    out: Path
    files: dict[str, bytes]  # every file of the build, by its path in the output folder


def _raw_get(port: int, target: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    """Send `GET target` exactly as written; return the status and the body."""
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(f"GET {target} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode("latin-1"))
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.fixture(scope="module", params=["/", "/REPO/"], ids=["at-root", "under-prefix"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The explainer served from a scratch copy; secret files around it, symlinks in it."""
    prefix: str = request.param
    scratch = tmp_path_factory.mktemp("serve-security")
    project = scratch / "project"
    shutil.copytree(CONTENT, project / "content")
    (scratch / "secret.txt").write_text(SECRET, encoding="utf-8")
    (project / "secret.txt").write_text(SECRET, encoding="utf-8")
    secrets = scratch / "secrets"
    secrets.mkdir()
    (secrets / "index.html").write_text(f"<html><head></head>{SECRET}</html>", encoding="utf-8")
    (secrets / "secret.txt").write_text(SECRET, encoding="utf-8")
    port = _free_port()
    preview = start_preview(project, port, "--base-url", prefix)
    out = project / "_site"
    files = {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }
    # Planted after the first build: the output folder is not watched, so they stay.
    (out / "leak.txt").symlink_to(scratch / "secret.txt")
    (out / "leakdir").symlink_to(secrets, target_is_directory=True)
    (out / "leak-page").mkdir()
    (out / "leak-page" / "index.html").symlink_to(secrets / "index.html")
    (out / "alias.html").symlink_to(out / "index.html")  # inside the folder: served
    os.mkfifo(out / "fifo")
    yield Served(preview, port, prefix, out, files)
    status = preview.stop()
    stderr = "".join(preview.stderr)
    assert "Traceback" not in stderr, stderr
    assert status == 0, stderr


HOSTILE = {
    "dot-dot": "../secret.txt",
    "dot-dot-twice": "../../secret.txt",
    "dot-dot-deep": "static/../../../secret.txt",
    "encoded-dots": "%2e%2e/secret.txt",
    "encoded-dots-upper": "%2E%2E/%2E%2E/secret.txt",
    "encoded-dots-and-slash": "%2e%2e%2fsecret.txt",
    "encoded-slash": "..%2f..%2fsecret.txt",
    "double-encoded": "%252e%252e%252fsecret.txt",
    "double-encoded-slash": "..%252f..%252fsecret.txt",
    "backslash": "..\\..\\secret.txt",
    "encoded-backslash": "..%5c..%5csecret.txt",
    "dot-segment-then-up": "./../secret.txt",
    "absolute": "/etc/passwd",
    "absolute-secret": "{secret_path}",
    "encoded-absolute": "%2fetc%2fpasswd",
    "nul": "index.html%00",
    "nul-then-up": "%00/../secret.txt",
    "nul-before-suffix": "index.html%00.css",
    "overlong-utf8-dots": "%c0%ae%c0%ae/secret.txt",
    "not-utf8": "%ff%fe",
    "symlink-to-file-outside": "leak.txt",
    "symlink-to-folder-outside": "leakdir/secret.txt",
    "symlink-folder-index": "leakdir/",
    "symlink-folder-no-slash": "leakdir",
    "index-symlinked-outside": "leak-page/",
    "fifo": "fifo",
    "very-long-name": "a" * 5000,
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_nothing_outside_the_output_folder_is_served(served: Served, name: str) -> None:
    secret_path = (served.out.parent.parent / "secret.txt").as_posix()
    target = served.prefix + HOSTILE[name].format(secret_path=secret_path)
    assert os.path.lexists(served.out / "leak.txt")  # still planted: no rebuild removed it
    status, body = _raw_get(served.port, target)
    assert SECRET.encode() not in body
    assert status == 404, (target, status, body[:300])
    assert b"Page not found" in body  # the site's own 404 page, not a server error page
    assert served.preview.process.poll() is None


@pytest.mark.timeout(60)
def test_hostile_paths_outside_the_prefix_are_404_too(served: Served) -> None:
    for target in ("/../secret.txt", "/%2e%2e/secret.txt", "//etc/passwd", "/%00"):
        status, body = _raw_get(served.port, target)
        assert status == 404 and SECRET.encode() not in body, (target, status)


@pytest.mark.timeout(60)
def test_files_inside_the_output_folder_are_still_served(served: Served) -> None:
    status, body = _raw_get(served.port, served.prefix + "alias.html")  # a symlink inside
    assert status == 200 and b"</html>" in body
    status, body = _raw_get(served.port, served.prefix + "static/style.css")
    assert status == 200 and body == served.files["static/style.css"]


@pytest.mark.timeout(60)
def test_a_failed_build_shows_its_error_page_but_never_a_file_outside(tmp_path: Path) -> None:
    """While the build is broken, pages show the error (500); hostile paths are still 404."""
    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    port = _free_port()
    preview = start_preview(tmp_path, port)
    try:
        (tmp_path / "_site" / "leak.txt").symlink_to(tmp_path / "secret.txt")
        preview.edit("content/facts/players.yaml", "role: President of Ukraine", "role: [")
        _wait_for_status(port, "/timeline/", 500)
        assert b"site-builder-error" in _raw_get(port, "/timeline/")[1]
        for target in ("/../secret.txt", "/%2e%2e%2fsecret.txt", "/leak.txt", "/x%00"):
            status, body = _raw_get(port, target)
            assert status == 404 and SECRET.encode() not in body, (target, status)
    finally:
        assert preview.stop() == 0
    assert "Traceback" not in "".join(preview.stderr)


def _wait_for_status(port: int, target: str, status: int) -> None:
    deadline = time.monotonic() + 10
    while _raw_get(port, target)[0] != status:
        assert time.monotonic() < deadline, f"{target} never answered {status}"
        time.sleep(0.05)


# --------------------------------------------------------------------------- the address


def _connects(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.mark.timeout(60)
def test_listens_on_this_machine_only_by_default(tmp_path: Path) -> None:
    """127.0.0.2 is this machine too, but another address: it stands for the network."""
    shutil.copytree(CONTENT, tmp_path / "content")
    port = _free_port()
    preview = start_preview(tmp_path, port)
    try:
        assert preview.url == f"http://127.0.0.1:{port}/"
        assert _raw_get(port, "/")[0] == 200
        assert not _connects("127.0.0.2", port)
    finally:
        assert preview.stop() == 0
    assert "WARNING" not in "".join(preview.stderr)


@pytest.mark.timeout(60)
def test_listening_on_every_address_warns(tmp_path: Path) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    port = _free_port()
    preview = start_preview(tmp_path, port, "--host", "0.0.0.0")
    try:
        assert preview.url == f"http://127.0.0.1:{port}/"  # an address a browser opens
        assert _raw_get(port, "/", host="127.0.0.2")[0] == 200  # reachable from elsewhere
    finally:
        assert preview.stop() == 0
    stderr = "".join(preview.stderr)
    assert "the preview listens on 0.0.0.0, not only on this machine" in stderr
    assert "leave out --host" in stderr
    assert "Traceback" not in stderr


# --------------------------------------------------------------------------- under load

LIVE_SCRIPT = re.compile(rb'<script type="text/javascript">\(function\(\)\{.*?</script>(?=</head>)')
REQUESTS = 500
THREADS = 50


@pytest.mark.timeout(60)
def test_500_concurrent_requests_all_succeed(tmp_path: Path) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    port, prefix = _free_port(), "/REPO/"
    preview = start_preview(tmp_path, port, "--base-url", prefix)
    out = tmp_path / "_site"
    files = {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }
    try:
        _load(port, prefix, files)
        assert preview.process.poll() is None
    finally:
        assert preview.stop() == 0
    assert "Traceback" not in "".join(preview.stderr)


def _load(port: int, prefix: str, files: dict[str, bytes]) -> None:
    """REQUESTS requests over THREADS threads, each on a fresh connection; all must be right."""
    paths = sorted(files)
    in_flight = 0
    most_in_flight = 0
    lock = threading.Lock()
    start = threading.Barrier(THREADS, timeout=10)

    def fetch(number: int) -> str | None:
        """One request on a fresh connection; None when the answer is right, else what's wrong."""
        nonlocal in_flight, most_in_flight
        if number < THREADS:
            start.wait()  # the first request of every thread starts at the same moment
        relative = paths[number % len(paths)]
        with lock:
            in_flight += 1
            most_in_flight = max(most_in_flight, in_flight)
        connection = HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", prefix + relative)
            response = connection.getresponse()
            body = response.read()
        except OSError as error:
            return f"{relative}: {type(error).__name__}: {error}"
        finally:
            connection.close()
            with lock:
                in_flight -= 1
        if response.status != 200:
            return f"{relative}: status {response.status}"
        if relative.endswith(".html"):
            scripts = LIVE_SCRIPT.findall(body)
            if len(scripts) != 1 or b"/livereload.js" not in scripts[0]:
                return f"{relative}: {len(scripts)} live-reload scripts"
            body = LIVE_SCRIPT.sub(b"", body, count=1)
        if body != files[relative]:
            return f"{relative}: body differs from the built file ({len(body)} bytes)"
        return None

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(fetch, range(REQUESTS), timeout=45))
    seconds = time.monotonic() - began
    failures = [outcome for outcome in outcomes if outcome is not None]
    assert failures == [], f"{len(failures)} of {REQUESTS} failed: {failures[:5]}"
    assert most_in_flight >= THREADS // 2, f"only {most_in_flight} requests ran at once"
    assert seconds < 20, f"{REQUESTS} requests took {seconds:.1f} s"
    print(f"{REQUESTS} requests, {most_in_flight} at once at most, {seconds:.2f} s")
