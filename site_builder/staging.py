"""Writing a whole new output folder (`build`): `Staging` writes beside the old folder and swaps
the new one in on `commit`; until then the previous output is untouched.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from site_builder.outfiles import (
    folder_files,
    litter_folder,
    os_error,
    read_input,
    refuse_dangerous_target,
    refuse_second_write,
    safe_relative,
    swap_in,
    write_file,
)

# --------------------------------------------------------------------------- a whole new folder


class Staging:
    """A new output folder written beside the old one, swapped in whole by `commit`.

    Pages go straight to disk as they are rendered (a large site never sits in memory). Until
    `commit`, the previous output is untouched; leaving the `with` block without committing (an
    error, Ctrl-C) deletes the new folder, and a build killed outright leaves a folder named
    after its process that the next build removes.
    """

    from_workers = True  # rendering processes write their pages straight into the folder

    def __init__(self, out_dir: Path, protected: Iterable[Path] = ()) -> None:
        self.out_dir = out_dir.resolve()
        refuse_dangerous_target(self.out_dir, protected)
        self.folder = litter_folder(self.out_dir)
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
            refuse_second_write(path, self._written)
        self._written.add(path)
        self.put(path, data)

    def put(self, relative: str, data: bytes | str) -> None:
        """Write one file without recording it: for the pages of rendering processes, which
        cannot share the record; `note_written` records them afterwards."""
        path = safe_relative(relative)
        data = data.encode("utf-8") if isinstance(data, str) else data
        write_file(self.folder / path, data, self.out_dir, shown=self.out_dir / path)

    def note(self, paths: Iterable[str]) -> None:
        """Record files that `put` wrote into this folder (here or in other processes)."""
        for path in paths:
            refuse_second_write(path, self._written)
            self._written.add(path)

    def keep(self, relative: str) -> bool:
        """Carry the previous output's file into the new folder (a hard link: no copy); False
        when the previous output has no such file."""
        path = safe_relative(relative)
        refuse_second_write(path, self._written)
        source, target = self.out_dir / path, self.folder / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError:
                if not source.is_file() or source.is_symlink():
                    return False
                shutil.copyfile(source, target)  # no hard links on this file system
        except FileNotFoundError:
            return False
        except OSError as error:
            raise os_error(error, self.out_dir / path, self.out_dir) from None
        self._written.add(path)
        return True

    def size(self, relative: str) -> int | None:
        """The size of a file written so far."""
        if relative not in self._written:
            return None
        try:
            return (self.folder / relative).stat().st_size
        except OSError:
            return None

    def copy_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Copy every file under a folder (static assets); `replace` lets it override."""
        for relative, file in folder_files(folder, prefix):
            self.write(relative, read_input(file), replace=replace)

    @property
    def paths(self) -> list[str]:
        """Every file written so far, sorted."""
        return sorted(self._written)

    def commit(self) -> None:
        """Swap the new folder in for the old output."""
        try:
            swap_in(self.folder, self.out_dir)
        except OSError as error:
            raise os_error(error, self.out_dir, self.out_dir) from None
        self._committed = True
