"""The only writer: every byte of output goes through here, and every write is all or nothing.

Two ways to write, one set of rules (outfiles.py). `Staging` builds a whole new output folder
beside the old one and swaps it in (`build`, staging.py). `LiveOutput` keeps an output folder up
to date file by file (`serve`, liveoutput.py). `OutputTree`, here, holds files in memory until
they are committed. One process at a time owns an output folder (`output_lock`, outlock.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from site_builder.outfiles import folder_files, read_input, refuse_second_write, safe_relative
from site_builder.staging import Staging

log = logging.getLogger(__name__)


class OutputTree:
    """Files to write, held in memory until `commit` swaps them into place."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, relative: str, data: bytes | str) -> None:
        """Queue a file; refuse paths outside the output folder and files written twice."""
        path = safe_relative(relative)
        refuse_second_write(path, self._files)
        self._files[path] = data.encode("utf-8") if isinstance(data, str) else data

    def add_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Queue every file under a folder (static assets); `replace` lets it override."""
        for relative, file in folder_files(folder, prefix):
            if replace:
                self._files.pop(safe_relative(relative), None)
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
