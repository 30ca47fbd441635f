"""The build cache: a build whose inputs and output are as the last build left them is skipped.

The key is a hash of every input's bytes (content, the template folder, the package's theme)
plus the package's own files (by size and time, so an upgrade or an edit of the code counts),
the options and this format's version. The record also lists every output file with its size
and time, so an output folder that someone changed or deleted is built again. Nothing here
imports the pipeline: `site-builder build` asks the cache before it loads Jinja or the model,
which is what makes a no-change build cost little more than reading the inputs once.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from site_builder import __version__

# The cache lives beside the output folder it describes (`_site/` -> `.site_builder_cache/` in
# the same parent): with the project when the output is in the project, and never in whatever
# folder the command happened to be started from. Not inside the output: that is published.
CACHE_NAME = ".site_builder_cache"


def cache_folder(out: Path) -> Path:
    """Where the build cache of an output folder lives: beside it."""
    return out.resolve().parent / CACHE_NAME


_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class BuildInputs:
    """What a build reads and the options that change its output."""

    content: Path
    templates: Path
    out: Path
    base_url: str | None
    strict: bool


@dataclass(frozen=True)
class CachedBuild:
    """What the last build of an unchanged site produced, to report it again."""

    pages: int
    files: int
    warnings: tuple[str, ...]


def fingerprint(inputs: BuildInputs) -> str:
    """A hash of everything the output depends on."""
    digest = hashlib.blake2b(digest_size=20)
    options = [
        _FORMAT,
        __version__,
        str(inputs.content.resolve()),
        str(inputs.templates.resolve()),
        str(inputs.out.resolve()),
        inputs.base_url,
        inputs.strict,
    ]
    digest.update(json.dumps(options).encode())
    for root in (inputs.content, inputs.templates):
        for relative, path in _files(root):
            digest.update(f"\0{root}\0{relative}\0".encode())
            try:
                # Only regular files are read: opening a named pipe would wait for a writer.
                if not stat.S_ISREG(path.stat().st_mode):
                    digest.update(b"\0not a file")
                    continue
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"\0unreadable")  # the build will report it
    for relative, path in _files(_PACKAGE):
        status = path.stat()
        digest.update(f"\0{relative}\0{status.st_size}\0{status.st_mtime_ns}".encode())
    return digest.hexdigest()


def output_state(out: Path) -> dict[str, list[int]]:
    """Every file of an output folder with its size and modification time."""
    state: dict[str, list[int]] = {}
    for relative, path in _files(out):
        try:
            status = path.lstat()
        except OSError:
            continue
        state[relative] = [status.st_size, status.st_mtime_ns]
    return state


def _files(root: Path) -> Iterator[tuple[str, Path]]:
    """(relative path, path) of every file under root, in a fixed order; none if no root."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        base = Path(folder)
        for name in sorted(names):
            if not name.endswith(".pyc"):
                path = base / name
                yield path.relative_to(root).as_posix(), path


class BuildCache:
    """The record of the last successful build into one output folder."""

    def __init__(self, inputs: BuildInputs, folder: Path | None = None) -> None:
        self.inputs = inputs
        self.folder = folder if folder is not None else cache_folder(inputs.out)
        key = hashlib.blake2b(str(inputs.out.resolve()).encode(), digest_size=8).hexdigest()
        self.path = self.folder / f"build-{key}.json"

    def lookup(self, key: str) -> CachedBuild | None:
        """The last build's report if it had this key and its output is untouched."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("key") != key:
            return None
        if record.get("output") != output_state(self.inputs.out):
            return None
        return CachedBuild(record["pages"], record["files"], tuple(record["warnings"]))

    def store(self, key: str, build: CachedBuild) -> None:
        """Record a successful build made from inputs with this key (taken before it began).

        Raises OSError when the record cannot be written (the caller warns: it is a shortcut).
        """
        record = {
            "key": key,
            "pages": build.pages,
            "files": build.files,
            "warnings": list(build.warnings),
            "output": output_state(self.inputs.out),
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Made by site-builder; safe to delete.\n*\n", encoding="utf-8")
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".build-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(record, file)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)  # a full disk leaves no half record behind
            raise

    def forget(self) -> None:
        """Drop the record (a failed build must not leave a stale one claiming success)."""
        self.path.unlink(missing_ok=True)
