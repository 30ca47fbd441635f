"""The only writer: every byte of output goes through here, and every write is all or nothing.

One interface (`Writer`), three ways to write, one set of rules (outfiles.py). `Staging` builds
a whole new output folder beside the old one and swaps it in (`build`, staging.py).
`LiveWriter` keeps an output folder up to date file by file, all or nothing (`serve`,
liveoutput.py). `Discard`, here, writes nothing and keeps only each file's size (`check`).
`OutputTree` holds files in memory until they are committed. One process at a time owns an
output folder (`output_lock`, outlock.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from site_builder.outfiles import folder_files, read_input, refuse_second_write, safe_relative
from site_builder.staging import Staging

log = logging.getLogger(__name__)


class Writer(Protocol):
    """Where a run's files go: build, check and serve differ in this only (pipeline.run)."""

    # True when a page `put` by a forked rendering process reaches the writer (it writes to
    # disk); otherwise the processes send the HTML back and this process puts it.
    from_workers: bool

    def put(self, relative: str, data: bytes | str) -> None:
        """Write one page, from any process, without recording it (`note` does, here)."""

    def note(self, paths: Iterable[str]) -> None:
        """Record pages that `put` wrote; refuse a file written twice."""

    def write(self, relative: str, data: bytes | str, replace: bool = False) -> None:
        """Write one file; refuse paths outside the output folder and files written twice."""

    def keep(self, relative: str) -> bool:
        """Carry the previous output's file over unchanged; False when there is none."""

    def copy_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Copy every file under a folder (static assets); `replace` lets it override."""

    def size(self, relative: str) -> int | None:
        """The size of a file written so far (None: no such file)."""

    @property
    def paths(self) -> list[str]:
        """Every file written so far, sorted."""

    def commit(self) -> None:
        """Make the files written the output, all of them or none."""


class Discard:
    """A writer that writes nothing and keeps each file's size (`check`)."""

    from_workers = True  # what a rendering process puts is dropped there, as here

    def __init__(self) -> None:
        self._sizes: dict[str, int] = {}

    def put(self, relative: str, data: bytes | str) -> None:
        """Drop a page (its size comes back with its links)."""
        safe_relative(relative)

    def note(self, paths: Iterable[str]) -> None:
        """Record pages put, with no size."""
        for path in paths:
            refuse_second_write(path, self._sizes)
            self._sizes[path] = 0

    def write(self, relative: str, data: bytes | str, replace: bool = False) -> None:
        """Record a file's size."""
        path = safe_relative(relative)
        if not replace:
            refuse_second_write(path, self._sizes)
        self._sizes[path] = len(data.encode("utf-8") if isinstance(data, str) else data)

    def keep(self, relative: str) -> bool:
        """Nothing to keep: check renders every page."""
        return False

    def copy_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Record the size of every file under a folder."""
        for relative, file in folder_files(folder, prefix):
            self.write(relative, read_input(file), replace=replace)

    def size(self, relative: str) -> int | None:
        """The size recorded for a file."""
        return self._sizes.get(relative)

    @property
    def paths(self) -> list[str]:
        """Every file recorded, sorted."""
        return sorted(self._sizes)

    def commit(self) -> None:
        """Nothing to commit."""


class OutputTree:
    """Files to write, held in memory until `commit` swaps them into place."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, relative: str, data: bytes | str) -> None:
        """Queue a file; refuse paths outside the output folder and files written twice."""
        path = safe_relative(relative)
        refuse_second_write(path, self._files)
        self._files[path] = data.encode("utf-8") if isinstance(data, str) else data

    def discard(self, relative: str) -> None:
        """Drop a queued file (one that a later one overrides)."""
        self._files.pop(safe_relative(relative), None)

    def add_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Queue every file under a folder (static assets); `replace` lets it override."""
        for relative, file in folder_files(folder, prefix):
            if replace:
                self.discard(relative)
            self.add(relative, read_input(file))

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
