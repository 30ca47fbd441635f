"""The only writer: builds the new output beside the old, then swaps it in atomically.

A failed build never touches the previous output; paths that would leave the output folder and
files written twice are refused.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
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
        if path in self._files:
            raise OutputError(f"two pages want to write {path}: each output file is written once")
        self._files[path] = data.encode("utf-8") if isinstance(data, str) else data

    def add_folder(self, folder: Path, prefix: str, replace: bool = False) -> None:
        """Queue every file under a folder (static assets); `replace` lets it override."""
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                relative = f"{prefix}/{file.relative_to(folder).as_posix()}"
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
        out_dir = out_dir.resolve()
        _refuse_dangerous_target(out_dir, protected)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
        try:
            for relative in self.paths:
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(self._files[relative])
            os.chmod(staging, 0o755)  # mkdtemp makes 0700 folders; a served site must be readable
            _swap(staging, out_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        log.debug("wrote %d files to %s", len(self._files), out_dir)


def safe_relative(relative: str) -> str:
    """Normalise an output path; raise OutputError if it is absolute or climbs out."""
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
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
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
