"""One owner per output folder: `output_lock` holds a lock file beside it for the run (build,
serve, deploy), so that two processes never write one folder; the one refused is told which
command holds it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import OutputError
from site_builder.outfiles import os_error

try:
    import fcntl
except ImportError:  # not on Windows: there, two writers are not kept apart
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- one owner


def lock_path(out_dir: Path) -> Path:
    """The lock file of an output folder: beside it, so that a swap does not move it."""
    out_dir = out_dir.resolve()
    return out_dir.parent / f".{out_dir.name}.lock"


@dataclass(frozen=True)
class Holder:
    """The process that owns an output folder, as its lock file says."""

    pid: int
    purpose: str  # build, serve or deploy
    command: str

    def __str__(self) -> str:
        return f"site-builder {self.purpose} (pid {self.pid}: {self.command})"


_POLL_SECONDS = 0.1
_held: dict[Path, int] = {}  # output folders this process owns, and how often it entered
_held_lock = threading.Lock()


@contextlib.contextmanager
def output_lock(out_dir: Path, purpose: str, required: bool = True) -> Iterator[None]:
    """Own `out_dir` for the duration: no other site-builder process writes it meanwhile.

    A folder owned by `serve` (which rebuilds it after every save, for as long as it runs) is
    refused with an OutputError naming serve's process; one owned by a build or a deploy is
    waited for, saying so once. The lock is an flock on a file beside the folder, released by
    the kernel when its process ends however it ends: no stale lock survives a crash. The same
    process may enter again (deploy builds). With `required=False` a lock file that cannot be
    created (a read-only disk: then nobody writes there) is done without.
    """
    path = lock_path(out_dir)
    with _held_lock:
        entered = path in _held
        _held[path] = _held.get(path, 0) + 1
    if entered or fcntl is None:
        try:
            yield
        finally:
            _leave(path)
        return
    try:
        descriptor = _acquire(path, out_dir.resolve(), purpose, required)
    except BaseException:
        _leave(path)
        raise
    try:
        yield
    finally:
        _leave(path)
        if descriptor is not None:
            _release(path, descriptor)


def _leave(path: Path) -> None:
    with _held_lock:
        _held[path] -= 1
        if not _held[path]:
            del _held[path]


def _acquire(path: Path, out_dir: Path, purpose: str, required: bool) -> int | None:
    """Lock `path`, waiting for builds and refusing serve; return the locked descriptor."""
    assert fcntl is not None
    said = False
    while True:
        try:
            if required:  # else an output folder that is not there is not made for a lock
                path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            if not required:
                log.debug("not locking %s: %s", out_dir, error)
                return None
            raise os_error(error, out_dir, out_dir) from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(descriptor)
            os.close(descriptor)
            if holder is not None and holder.purpose == "serve":
                raise OutputError(
                    f"{out_dir} is in use by {holder}, which rebuilds it after every save\n"
                    "    hint: nothing was written; the preview already shows the current site. "
                    "Stop it first (Ctrl-C in its terminal), or use another output folder "
                    "with --out FOLDER"
                ) from None
            if not said:
                log.warning(
                    "waiting for %s to finish with %s",
                    holder or "another site-builder process",
                    out_dir,
                )
                said = True
            time.sleep(_POLL_SECONDS)
            continue
        # The holder before us may have deleted the file between our open and our lock: then
        # the lock is on a file nobody else sees. Start again on the one at the path.
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        if current is None or current.st_ino != os.fstat(descriptor).st_ino:
            os.close(descriptor)
            continue
        record = json.dumps({"pid": os.getpid(), "purpose": purpose, "command": _command()})
        with contextlib.suppress(OSError):  # a full disk: the lock holds, unnamed
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, record.encode("utf-8") + b"\n", 0)
        return descriptor


def _release(path: Path, descriptor: int) -> None:
    # Deleted while still locked, so a waiter that opened it starts again (see _acquire).
    with contextlib.suppress(OSError):
        if os.stat(path).st_ino == os.fstat(descriptor).st_ino:
            os.unlink(path)
    os.close(descriptor)


def _read_holder(descriptor: int) -> Holder | None:
    try:
        record = json.loads(os.pread(descriptor, 4096, 0).decode("utf-8"))
        return Holder(int(record["pid"]), str(record["purpose"]), str(record["command"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # just created, not yet written


def _command() -> str:
    """This process's command line, as the user typed it."""
    program = Path(sys.argv[0]).name if sys.argv else ""
    if program in ("site-builder", "__main__.py"):
        return shlex.join(["site-builder", *sys.argv[1:]])
    return shlex.join(sys.argv) or "python"
