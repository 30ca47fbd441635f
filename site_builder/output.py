"""The only writer: builds the new output beside the old, then swaps it in atomically.

A failed build never touches the previous output; paths that would leave the output folder and
files written twice are refused.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Container, Iterable, Mapping
from pathlib import Path, PurePosixPath

from site_builder.errors import OutputError

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
            self.add(relative, file.read_bytes())

    @property
    def paths(self) -> list[str]:
        """Queued paths, sorted."""
        return sorted(self._files)

    def get(self, relative: str) -> bytes:
        """The queued contents of a file."""
        return self._files[safe_relative(relative)]

    def commit(self, out_dir: Path, protected: Iterable[Path] = ()) -> None:
        """Write everything to a temporary folder beside `out_dir`, then swap it in."""
        with Staging(out_dir, protected) as staging:
            for relative in self.paths:
                staging.write(relative, self._files[relative])
            staging.commit()
        log.debug("wrote %d files to %s", len(self._files), out_dir)

    def update(self, out_dir: Path, previous: Mapping[str, bytes]) -> int:
        """Bring an output folder that holds `previous` up to this tree, file by file.

        Each changed file is written beside its target and renamed over it, so a reader never
        sees half a file; files no longer in the tree are deleted. Returns the files written.
        """
        out_dir = out_dir.resolve()
        written = 0
        for relative in self.paths:
            data = self._files[relative]
            if previous.get(relative) == data:
                continue
            target = out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".new-")
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
            written += 1
        for relative in sorted(set(previous) - set(self._files)):
            (out_dir / relative).unlink(missing_ok=True)
        return written


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
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_litter(self.out_dir)
        self.folder = Path(
            tempfile.mkdtemp(prefix=_litter_prefix(self.out_dir, "new"), dir=self.out_dir.parent)
        )
        os.chmod(self.folder, 0o755)  # mkdtemp makes 0700 folders; a served site must be readable
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
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def note_written(self, paths: Iterable[str]) -> None:
        """Record files that other processes wrote into this folder."""
        for path in paths:
            _refuse_second_write(path, self._written)
            self._written.add(path)

    def copy_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Copy every file under a folder (static assets); `replace` lets it override."""
        for relative, file in folder_files(folder, prefix):
            self.write(relative, file.read_bytes(), replace=replace)

    @property
    def paths(self) -> list[str]:
        """Every file written so far, sorted."""
        return sorted(self._written)

    def commit(self) -> None:
        """Swap the new folder in for the old output."""
        _swap(self.folder, self.out_dir)
        self._committed = True


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

    A folder whose process is still running belongs to a build in progress (serve and a
    build can run side by side) and is left alone.
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
