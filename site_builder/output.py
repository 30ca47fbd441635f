"""The only writer: every byte of output goes through here, and every write is all or nothing.

Two ways to write, one set of rules. `Staging` builds a whole new output folder beside the old
one and swaps it in (`build`). `LiveOutput` keeps an output folder up to date file by file
(`serve`): the changed files are written beside the folder first and renamed into place only
when all of them are written, so a write error leaves the previous output, never a mix. Either
way paths that would leave the output folder and files written twice are refused, an OS error
(a full disk, a read-only folder, a missing permission) becomes an `OutputError` naming the path
and what to do, and one process at a time owns an output folder (`output_lock`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import shlex
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from site_builder.errors import OutputError

try:
    import fcntl
except ImportError:  # not on Windows: there, two writers are not kept apart
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


class OutputTree:
    """Files to write, held in memory until `commit` swaps them into place."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, relative: str, data: bytes | str) -> None:
        """Queue a file; refuse paths outside the output folder and files written twice."""
        path = safe_relative(relative)
        _refuse_second_write(path, self._files)
        self._files[path] = data.encode("utf-8") if isinstance(data, str) else data

    def add_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Queue every file under a folder (static assets); `replace` lets it override."""
        for relative, file in folder_files(folder, prefix):
            if replace:
                self._files.pop(safe_relative(relative), None)
            self.add(relative, _read_input(file))

    @property
    def paths(self) -> list[str]:
        """Queued paths, sorted."""
        return sorted(self._files)

    def get(self, relative: str) -> bytes:
        """The queued contents of a file."""
        return self._files[safe_relative(relative)]

    def items(self) -> list[tuple[str, bytes]]:
        """(path, contents) of every queued file, sorted by path."""
        return sorted(self._files.items())

    def commit(self, out_dir: Path, protected: Iterable[Path] = ()) -> None:
        """Write everything to a temporary folder beside `out_dir`, then swap it in."""
        with Staging(out_dir, protected) as staging:
            for relative in self.paths:
                staging.write(relative, self._files[relative])
            staging.commit()
        log.debug("wrote %d files to %s", len(self._files), out_dir)


# --------------------------------------------------------------------------- OS errors


def os_error(error: OSError, path: Path | str, out_dir: Path) -> OutputError:
    """The user's version of an OS error met while writing `path` for the output `out_dir`:
    what happened, where, and what to do. The previous output is always left as it was."""
    path = Path(path)
    folder = path.parent
    kept = "the previous output is untouched"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "no space left" if error.errno == errno.ENOSPC else "the disk quota is used up"
        return OutputError(
            f"{what} on the disk holding {out_dir}: writing {path} failed\n"
            f"    hint: free some space on that disk, or write the site elsewhere with --out "
            f"FOLDER, then try again; {kept}"
        )
    if error.errno == errno.EROFS:
        return OutputError(
            f"{folder} is on a read-only file system: cannot write {path}\n"
            f"    hint: write the site to a folder you can write with --out FOLDER (or mount "
            f"that disk read-write); {kept}"
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return OutputError(
            f"not allowed to write in {folder}: cannot write {path}\n"
            f"    hint: check the folder's permissions (owner and mode, `ls -ld {folder}`), or "
            f"write the site elsewhere with --out FOLDER; {kept}"
        )
    return OutputError(
        f"cannot write {path}: {error.strerror or error}\n"
        f"    hint: check the output folder {out_dir} and its disk, then try again; {kept}"
    )


def _read_input(file: Path) -> bytes:
    """A static file to copy; an unreadable one is named, with what to do."""
    try:
        return file.read_bytes()
    except OSError as error:
        raise OutputError(
            f"cannot read {file}: {error.strerror or error}\n"
            f"    hint: make it readable (chmod a+r {file}) or remove it from the folder"
        ) from None


def _write_file(target: Path, data: bytes, out_dir: Path, shown: Path) -> None:
    """Write one file, creating its folders; an OS error becomes an OutputError about `shown`,
    the file's place in the output (`target` is a temporary place beside it)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as file:
            file.write(data)
    except OSError as error:
        raise os_error(error, shown, out_dir) from None


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


# --------------------------------------------------------------------------- a whole new folder


class Staging:
    """A new output folder written beside the old one, swapped in whole by `commit`.

    Pages go straight to disk as they are rendered (a large site never sits in memory). Until
    `commit`, the previous output is untouched; leaving the `with` block without committing (an
    error, Ctrl-C) deletes the new folder, and a build killed outright leaves a folder named
    after its process that the next build removes.
    """

    def __init__(self, out_dir: Path, protected: Iterable[Path] = ()) -> None:
        self.out_dir = out_dir.resolve()
        _refuse_dangerous_target(self.out_dir, protected)
        self.folder = _litter_folder(self.out_dir)
        self._written: set[str] = set()
        self._committed = False

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._committed:
            shutil.rmtree(self.folder, ignore_errors=True)

    def write(self, relative: str, data: bytes | str, replace: bool = False) -> None:
        """Write one file; refuse paths outside the output folder and files written twice."""
        path = safe_relative(relative)
        if not replace:
            _refuse_second_write(path, self._written)
        self._written.add(path)
        self.put(path, data)

    def put(self, relative: str, data: bytes | str) -> None:
        """Write one file without recording it: for the pages of rendering processes, which
        cannot share the record; `note_written` records them afterwards."""
        path = safe_relative(relative)
        data = data.encode("utf-8") if isinstance(data, str) else data
        _write_file(self.folder / path, data, self.out_dir, shown=self.out_dir / path)

    def note_written(self, paths: Iterable[str]) -> None:
        """Record files that other processes wrote into this folder."""
        for path in paths:
            _refuse_second_write(path, self._written)
            self._written.add(path)

    def copy_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Copy every file under a folder (static assets); `replace` lets it override."""
        for relative, file in folder_files(folder, prefix):
            self.write(relative, _read_input(file), replace=replace)

    @property
    def paths(self) -> list[str]:
        """Every file written so far, sorted."""
        return sorted(self._written)

    def commit(self) -> None:
        """Swap the new folder in for the old output."""
        try:
            _swap(self.folder, self.out_dir)
        except OSError as error:
            raise os_error(error, self.out_dir, self.out_dir) from None
        self._committed = True


def _litter_folder(out_dir: Path, clean: bool = True) -> Path:
    """A new, empty, readable folder beside out_dir, named after this process; with `clean`,
    first remove what killed processes left there."""
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        if clean:
            remove_litter(out_dir)
        folder = Path(tempfile.mkdtemp(prefix=_litter_prefix(out_dir, "new"), dir=out_dir.parent))
    except OSError as error:
        raise os_error(error, out_dir, out_dir) from None
    os.chmod(folder, 0o755)  # mkdtemp makes 0700 folders; a served site must be readable
    return folder


# --------------------------------------------------------------------------- file by file


Stamp = tuple[int, int, int]  # inode, size, modification time (ns) of a file as written


class LiveOutput:
    """An output folder kept up to date file by file (`serve`), each update a transaction.

    It remembers the bytes it wrote and the stamp each file had then, so an update writes only
    what changed, plus any file someone else changed, replaced or deleted since. The first
    write, and any write after the folder itself was replaced, swaps in a whole new folder.
    """

    def __init__(self, out_dir: Path, protected: Iterable[Path] = ()) -> None:
        self.out_dir = out_dir
        self.protected = tuple(protected)
        self._files: dict[str, bytes] = {}
        self._stamps: dict[str, Stamp] = {}
        self._folder: tuple[int, int] | None = None  # device and inode of the folder written

    def write(self, tree: OutputTree) -> int:
        """Make the output folder hold exactly `tree`; return the files written.

        On any error (raised as OutputError) the folder holds what it held before, every file.
        """
        out_dir = self.out_dir.resolve()
        root = str(out_dir)  # joined as strings: a stat per file per rebuild, 10,000 at a time
        if self._folder is None or _identity(out_dir) != self._folder:
            tree.commit(out_dir, self.protected)
            written = tree.paths
            self._files, self._stamps = {}, {}
        else:
            written = self._stale(root, tree.items())
            removed = sorted(set(self._files) - set(tree.paths))
            if not written and not removed:
                return 0
            try:
                with _Transaction(out_dir) as transaction:
                    for path in written:
                        transaction.stage(path, tree.get(path))
                    transaction.commit(written, removed)
            except _Unrecoverable:
                self._stamps.clear()  # nothing on disk can be trusted: the next write is whole
                raise
            for path in removed:
                self._files.pop(path, None)
                self._stamps.pop(path, None)
        self._folder = _identity(out_dir)
        for path in written:
            self._files[path] = tree.get(path)
            with contextlib.suppress(OSError):
                self._stamps[path] = _stamp(f"{root}/{path}")
        return len(written)

    def _stale(self, root: str, files: Iterable[tuple[str, bytes]]) -> list[str]:
        """The paths whose file on disk is not the given data as this writer left it: changed
        since, or changed, replaced or deleted by someone else (its inode, size or time)."""
        written, stamps = self._files, self._stamps
        stale = []
        for path, data in files:
            if written.get(path) != data:
                stale.append(path)
                continue
            try:
                status = os.lstat(f"{root}/{path}")
            except OSError:
                stale.append(path)
                continue
            if (status.st_ino, status.st_size, status.st_mtime_ns) != stamps.get(path):
                stale.append(path)
        return stale


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(folder)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def _stamp(path: str) -> Stamp:
    status = os.lstat(path)
    return (status.st_ino, status.st_size, status.st_mtime_ns)


class _Unrecoverable(OutputError):
    """A write failed and putting the previous files back failed too."""


class _Transaction:
    """New files written beside the output folder, then renamed into it all together.

    Staged files live in a folder beside the output (never served, named after this process
    so that a later run removes it if this one is killed). Each file replaced is first hard-linked
    into the same folder, so a failure halfway through the renames puts every file back.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.folder = _litter_folder(out_dir, clean=False)  # the first, whole write cleaned
        self.new = self.folder / "new"
        self.old = self.folder / "old"
        # What the renames did so far, to undo: (target, its previous version or None).
        self._done: list[tuple[Path, Path | None]] = []
        self._created: list[Path] = []  # folders made in the output

    def __enter__(self) -> _Transaction:
        return self

    def __exit__(self, *exc_info: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def stage(self, relative: str, data: bytes) -> None:
        """Write the new version of a file, beside the output."""
        _write_file(self.new / relative, data, self.out_dir, shown=self.out_dir / relative)

    def commit(self, written: Iterable[str], removed: Iterable[str]) -> None:
        """Rename every staged file into place and take the removed ones out; all or none."""
        target = self.out_dir
        try:
            for relative in written:
                target = self.out_dir / relative
                self._make_folders(target.parent)
                backup = self._keep(relative)
                os.replace(self.new / relative, target)
                self._done.append((target, backup))
            for relative in removed:
                target = self.out_dir / relative
                if os.path.lexists(target):
                    backup = self.old / relative
                    backup.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(target, backup)
                    self._done.append((target, backup))
        except OSError as error:
            cause = os_error(error, target, self.out_dir)
            self._undo(cause)
            raise cause from None
        for relative in removed:
            _remove_empty_folders((self.out_dir / relative).parent, self.out_dir)

    def _keep(self, relative: str) -> Path | None:
        """Keep the current version of a file to put back on failure (a hard link: no copy)."""
        target = self.out_dir / relative
        if not os.path.isfile(target):
            return None
        backup = self.old / relative
        backup.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(target, backup, follow_symlinks=False)
        except OSError:
            # No hard links on this file system: move it aside instead (a reader may miss it
            # for the moment between the two renames).
            os.rename(target, backup)
        return backup

    def _make_folders(self, folder: Path) -> None:
        missing = []
        while not folder.is_dir() and folder != self.out_dir:
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            os.mkdir(path)
            self._created.append(path)

    def _undo(self, cause: OutputError) -> None:
        problems = []
        for target, backup in reversed(self._done):
            try:
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
            except OSError as error:
                problems.append(f"{target}: {error.strerror or error}")
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        if problems:
            raise _Unrecoverable(
                f"{cause}\n    and some files could not be put back ({'; '.join(problems)}): "
                "the next successful rebuild writes every file again"
            )


def _remove_empty_folders(folder: Path, out_dir: Path) -> None:
    """Remove `folder` and its parents up to out_dir while they are empty (a deleted page's)."""
    while folder != out_dir and out_dir in folder.parents:
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = folder.parent


# --------------------------------------------------------------------------- paths and litter


def _refuse_second_write(path: str, written: Container[str]) -> None:
    if path in written:
        raise OutputError(f"two pages want to write {path}: each output file is written once")


def folder_files(folder: Path, prefix: str) -> list[tuple[str, Path]]:
    """(output path, file) for every file under a folder, in name order.

    A symlink that leads out of the folder is refused: it would publish whatever it points to
    (a key, a private note) with the site.
    """
    inside = folder.resolve()
    files = []
    for file in sorted(folder.rglob("*")):
        if not file.is_file():
            continue
        if not file.resolve().is_relative_to(inside):
            raise OutputError(
                f"{file} links to {file.resolve()}, outside {folder}\n"
                "    hint: copy the file into the folder instead of linking to it"
            )
        files.append((f"{prefix}/{file.relative_to(folder).as_posix()}", file))
    return files


def _litter_prefix(out_dir: Path, kind: str) -> str:
    # The process id in the name tells a later build whether the folder's owner is alive.
    return f".{out_dir.name}.{kind}-{os.getpid()}-"


def remove_litter(out_dir: Path) -> list[Path]:
    """Delete folders that builds killed halfway left beside out_dir; return them.

    A folder whose process is still running belongs to a build in progress and is left alone.
    """
    removed = []
    for kind in ("new", "old"):
        for folder in out_dir.parent.glob(f".{out_dir.name}.{kind}-*-*"):
            pid = folder.name.removeprefix(f".{out_dir.name}.{kind}-").split("-", 1)[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


# Segments of letters, digits, "-", "_" and inner dots: nothing to normalise, nothing to refuse.
_PLAIN_PATH = re.compile(r"(?:[\w-][\w.-]*/)*[\w-][\w.-]*", re.ASCII)


def safe_relative(relative: str) -> str:
    """Normalise an output path; raise OutputError if it is absolute or climbs out."""
    if _PLAIN_PATH.fullmatch(relative):
        return relative
    path = PurePosixPath(relative.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise OutputError(f"refusing to write {relative!r}: it is outside the output folder")
    return path.as_posix()


def _refuse_dangerous_target(out_dir: Path, protected: Iterable[Path]) -> None:
    if out_dir == Path(out_dir.anchor) or out_dir == Path.home().resolve():
        raise OutputError(f"refusing to replace {out_dir}: choose a dedicated output folder")
    for folder in protected:
        folder = folder.resolve()
        if out_dir == folder or out_dir in folder.parents:
            raise OutputError(
                f"refusing to replace {out_dir}: it contains {folder}; use --out with a "
                "separate folder such as _site"
            )


def _swap(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with renames, so readers never see a half-written site."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} exists and is not a folder")
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=_litter_prefix(out_dir, "old"), dir=out_dir.parent))
        os.rmdir(old)
        os.rename(out_dir, old)
    try:
        os.rename(staging, out_dir)
    except OSError:
        if old is not None:
            os.rename(old, out_dir)  # put the previous output back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
