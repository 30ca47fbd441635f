"""Keeping an output folder up to date file by file: `LiveOutput` (`serve`) and `InPlace` (a
build after an edit) write the files that changed beside the folder first and rename them into
place only when all of them are written, so that a write error leaves the previous output,
never a mix of two.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from site_builder.errors import OutputError
from site_builder.outfiles import (
    folder_files,
    litter_folder,
    os_error,
    read_input,
    refuse_dangerous_target,
    refuse_second_write,
    safe_relative,
    write_file,
)
from site_builder.output import OutputTree, Writer

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

    def writer(self) -> Writer:
        """A writer for one run: it holds the run's files and writes them here on commit."""
        return LiveWriter(self)

    def written(self, relative: str) -> bytes | None:
        """What the last write put in a file (None: no such file)."""
        return self._files.get(relative)

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


class LiveWriter:
    """One run's files, held in memory and written to a `LiveOutput` on commit, all or none."""

    from_workers = False  # rendering processes send their pages back to be put here

    def __init__(self, live: LiveOutput) -> None:
        self._live = live
        self._tree = OutputTree()
        self.changed = 0  # files the commit wrote

    def put(self, relative: str, data: bytes | str) -> None:
        """Hold one page."""
        self._tree.add(relative, data)

    def note(self, paths: Iterable[str]) -> None:
        """Nothing to record: `put` did."""

    def write(self, relative: str, data: bytes | str, replace: bool = False) -> None:
        """Hold one file; `replace` lets it override one held before."""
        if replace:
            self._tree.discard(relative)
        self._tree.add(relative, data)

    def keep(self, relative: str) -> bool:
        """Hold the file the last write left, unchanged; False when there is none."""
        data = self._live.written(relative)
        if data is None:
            return False
        self._tree.add(relative, data)
        return True

    def copy_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Hold every file under a folder (static assets); `replace` lets it override."""
        self._tree.add_folder(folder, prefix, replace=replace)

    def size(self, relative: str) -> int | None:
        """The size of a file held."""
        try:
            return len(self._tree.get(relative))
        except KeyError:
            return None

    @property
    def paths(self) -> list[str]:
        """Every file held, sorted."""
        return self._tree.paths

    def commit(self) -> None:
        """Make the output folder hold exactly these files."""
        self.changed = self._live.write(self._tree)


class InPlace:
    """A run's files written into the existing output folder, all or none, on commit: only the
    files that changed are staged beside it and renamed in; the others stay where they are.

    For a build after an edit, whose output the build cache found as the last build left it:
    rebuilding the folder to change ten files of thousands would cost more than the edit.
    Nothing in the folder changes before `commit`; leaving the `with` block without it (an
    error, Ctrl-C) deletes what was staged.
    """

    from_workers = True  # rendering processes stage their pages beside the folder

    def __init__(self, out_dir: Path, protected: Iterable[Path] = ()) -> None:
        self.out_dir = out_dir.resolve()
        refuse_dangerous_target(self.out_dir, protected)
        self._transaction = _Transaction(self.out_dir, clean=True)
        self._written: set[str] = set()
        self._staged: set[str] = set()

    def __enter__(self) -> InPlace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._transaction.__exit__(*exc_info)

    def put(self, relative: str, data: bytes | str) -> None:
        """Stage one page, from any process."""
        path = safe_relative(relative)
        self._transaction.stage(path, data.encode("utf-8") if isinstance(data, str) else data)

    def note(self, paths: Iterable[str]) -> None:
        """Record pages that `put` staged."""
        for path in paths:
            refuse_second_write(path, self._written)
            self._written.add(path)
            self._staged.add(path)

    def write(self, relative: str, data: bytes | str, replace: bool = False) -> None:
        """Stage one file unless the folder holds it already, byte for byte."""
        path = safe_relative(relative)
        if not replace:
            refuse_second_write(path, self._written)
        self._written.add(path)
        data = data.encode("utf-8") if isinstance(data, str) else data
        try:
            same = (self.out_dir / path).read_bytes() == data
        except OSError:
            same = False
        if same:
            if path in self._staged:  # an override put the previous file back
                self._staged.discard(path)
                (self._transaction.new / path).unlink()
            return
        self._transaction.stage(path, data)
        self._staged.add(path)

    def keep(self, relative: str) -> bool:
        """Leave the folder's file as it is; False when there is none."""
        path = safe_relative(relative)
        refuse_second_write(path, self._written)
        if not os.path.isfile(self.out_dir / path):
            return False
        self._written.add(path)
        return True

    def copy_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Stage every file under a folder that the output does not hold already."""
        for relative, file in folder_files(folder, prefix):
            self.write(relative, read_input(file), replace=replace)

    def size(self, relative: str) -> int | None:
        """The size of a file written or kept."""
        if relative not in self._written:
            return None
        where = self._transaction.new if relative in self._staged else self.out_dir
        try:
            return (where / relative).stat().st_size
        except OSError:
            return None

    @property
    def paths(self) -> list[str]:
        """Every file written or kept, sorted."""
        return sorted(self._written)

    def commit(self) -> None:
        """Rename the staged files into the folder and remove the files no longer made."""
        present = {
            (Path(folder) / name).relative_to(self.out_dir).as_posix()
            for folder, _, names in os.walk(self.out_dir)
            for name in names
        }
        self._transaction.commit(sorted(self._staged), sorted(present - self._written))


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

    def __init__(self, out_dir: Path, clean: bool = False) -> None:
        self.out_dir = out_dir
        # serve's first, whole write cleaned what killed runs left; a build cleans it here.
        self.folder = litter_folder(out_dir, clean=clean)
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
        write_file(self.new / relative, data, self.out_dir, shown=self.out_dir / relative)

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
