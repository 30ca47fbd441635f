"""The build cache: a build whose inputs and output are as the last build left them is skipped,
and a build after an edit starts from what the last one left.

The key is a hash of every input's bytes (content, the template folder, the package's theme)
plus the package's own files (by size and time, so an upgrade or an edit of the code counts),
the options and this format's version. The record also lists every output file with its size
and time, so an output folder that someone changed or deleted is built again. Nothing here
imports the pipeline: `site-builder build` asks the cache before it loads Jinja or the model,
which is what makes a no-change build cost little more than reading the inputs once.

Beside the record, the state of the last build (incremental.py: parsed files, pages' links,
converted Markdown) is kept as a pickle behind a header naming the code that wrote it and a
hash of its bytes. It is used only when the header matches this code and the record, the
hash matches and the output folder is as the build left it: a state from another version, or
a damaged one, is ignored with one warning and the build renders every page.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import pickle
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder import __version__

log = logging.getLogger(__name__)

# The cache lives beside the output folder it describes (`_site/` -> `.site_builder_cache/` in
# the same parent): with the project when the output is in the project, and never in whatever
# folder the command happened to be started from. Not inside the output: that is published.
CACHE_NAME = ".site_builder_cache"


def cache_folder(out: Path) -> Path:
    """Where the build cache of an output folder lives: beside it."""
    return out.resolve().parent / CACHE_NAME


_FORMAT = 2
_PACKAGE = Path(__file__).resolve().parent
# Libraries whose version changes the output (a converted Markdown text, a rendered page).
_LIBRARIES = ("jinja2", "markdown", "nh3", "pydantic", "pyyaml", "babel", "pymdown-extensions")
_STATE_MAGIC = b"site-builder build state\n"


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
    digest.update(code_version().encode())
    return digest.hexdigest()


@functools.cache
def code_version() -> str:
    """A hash of this package's files (by size and time), its version and the versions of the
    libraries that shape the output: what a cached state must have been made by."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{_FORMAT}\0{__version__}".encode())
    for relative, path in _files(_PACKAGE):
        status = path.stat()
        digest.update(f"\0{relative}\0{status.st_size}\0{status.st_mtime_ns}".encode())
    for library in _LIBRARIES:
        try:
            version = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"\0{library}\0{version}".encode())
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
        self.state_path = self.folder / f"state-{key}.pickle"
        self._read: tuple[dict[str, Any] | None] | None = None

    def lookup(self, key: str) -> CachedBuild | None:
        """The last build's report if it had this key and its output is untouched."""
        record = self._record()
        if record is None or record.get("key") != key:
            return None
        if record.get("output") != output_state(self.inputs.out):
            return None
        try:
            return CachedBuild(record["pages"], record["files"], tuple(record["warnings"]))
        except (KeyError, TypeError):
            self._ignore(self.path, "it is damaged")
            return None

    def _record(self) -> dict[str, Any] | None:
        # Read once per build, so that a damaged record is reported once.
        if self._read is None:
            self._read = (self._read_record(),)
        return self._read[0]

    def _read_record(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            self._ignore(self.path, f"it cannot be read ({error})")
            return None
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            self._ignore(self.path, "it is damaged")
            return None
        return record

    def load_state(self) -> object | None:
        """What the last build into this output left for the next one, if it can be trusted:
        written by this code for the record's build, intact, and the output as that build left
        it. Otherwise None (a full build), with one warning when the state is damaged or was
        written by another version."""
        record = self._record()
        if record is None or record.get("output") != output_state(self.inputs.out):
            return None  # no build recorded, or an output someone changed since
        try:
            data = self.state_path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            self._ignore(self.state_path, f"it cannot be read ({error.strerror or error})")
            return None
        header, payload = _split_state(data)
        if header is None:
            self._ignore(self.state_path, "it is damaged")
            return None
        if header.get("code") != code_version():
            self._ignore(self.state_path, "it was written by another version of site-builder")
            return None
        if header.get("build") != record.get("key"):
            return None  # the state of another build than the record's: not this output's
        if header.get("digest") != _digest(payload):
            self._ignore(self.state_path, "it is damaged")
            return None
        try:
            state: object = pickle.loads(payload)
        except Exception:  # the digest matched, yet it does not load: never trusted
            self._ignore(self.state_path, "it is damaged")
            return None
        return state

    def _ignore(self, path: Path, why: str) -> None:
        log.warning("ignoring the build cache %s: %s; building every page", path, why)

    def store(self, key: str, build: CachedBuild, state: object | None = None) -> None:
        """Record a successful build made from inputs with this key (taken before it began),
        and the state it leaves for the next build.

        Raises OSError when the record cannot be written (the caller warns: it is a shortcut).
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Made by site-builder; safe to delete.\n*\n", encoding="utf-8")
        if state is None:
            self.state_path.unlink(missing_ok=True)
        else:
            payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
            header = {"code": code_version(), "build": key, "digest": _digest(payload)}
            data = _STATE_MAGIC + json.dumps(header).encode() + b"\n" + payload
            self._replace(self.state_path, data)
        record = {
            "key": key,
            "pages": build.pages,
            "files": build.files,
            "warnings": list(build.warnings),
            "output": output_state(self.inputs.out),
        }
        self._replace(self.path, json.dumps(record).encode())
        self._read = None

    def _replace(self, path: Path, data: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".build-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)  # a full disk leaves no half record behind
            raise

    def forget(self) -> None:
        """Drop the record (a failed build must not leave a stale one claiming success)."""
        self.path.unlink(missing_ok=True)
        self.state_path.unlink(missing_ok=True)


def _digest(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=20).hexdigest()


def _split_state(data: bytes) -> tuple[dict[str, Any] | None, bytes]:
    """The header and the payload of a stored state; no header when it is not one."""
    if not data.startswith(_STATE_MAGIC):
        return None, b""
    line, newline, payload = data[len(_STATE_MAGIC) :].partition(b"\n")
    try:
        header = json.loads(line) if newline else None
    except ValueError:
        return None, b""
    return (header, payload) if isinstance(header, dict) else (None, b"")
