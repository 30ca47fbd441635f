"""Reading content files safely: regular files only, a size limit, UTF-8 decoding, and each
failure a problem naming the file and what to do."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from site_builder.errors import ContentError, Problem, unusable


def read(path: Path, problems: list[Problem], required: bool) -> str | None:
    """The text of a content file, or None after recording why it cannot be used."""
    data = read_data(path, problems, required)
    return decode(data, path, problems) if data is not None else None


def read_data(path: Path, problems: list[Problem], required: bool) -> bytes | None:
    """The bytes of a content file, or None after recording why it cannot be used."""
    try:
        return read_bytes(path)
    except FileNotFoundError:
        if required:
            problems.append(_not_found(path))
        return None
    except ContentError as error:
        problems.extend(error.problems)
        return None


def decode(data: bytes, path: Path, problems: list[Problem]) -> str | None:
    try:
        return decode_text(data, str(path))
    except ContentError as error:
        problems.extend(error.problems)
        return None


# Content files are a few kilobytes (the sample explainer's largest is 12 KB). The limit keeps a
# wrong file (a video, a database dump) from stalling a build; it is far above any real file.
MAX_FILE_BYTES = 2 * 1024 * 1024


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes; raise ContentError for a folder, a pipe, an oversized file.

    Raises FileNotFoundError for a missing file, which the caller reports or ignores.
    """
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer that never comes.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise
    except OSError as error:
        raise unusable(_unreadable(path, error)) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise unusable(
                Problem(
                    str(path),
                    "is a folder, not a file",
                    None,
                    None,
                    f"move the folder away and put the file {path.name} here",
                )
            )
        if not stat.S_ISREG(mode):
            raise unusable(
                Problem(
                    str(path),
                    "is not a regular file (a pipe, socket or device)",
                    None,
                    None,
                    f"replace it with an ordinary text file named {path.name}",
                )
            )
        data = _read_at_most(descriptor, limit + 1)
    except OSError as error:
        raise unusable(_unreadable(path, error)) from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise unusable(
            Problem(
                str(path),
                f"the file is larger than the {limit // (1024 * 1024)} MB a content file may be",
                None,
                None,
                _oversized_hint(path),
            )
        )
    return data


def _oversized_hint(path: Path) -> str:
    """What to do with a content file over the limit: a fact file can become a folder."""
    check = (
        "content files are normally a few kilobytes, so also check that this is the right "
        "file and that nothing was pasted in by mistake"
    )
    if path.suffix == ".yaml" and path.parent.name == "facts":
        folder = f"facts/{path.stem}/"
        return (
            f"split it into several files in a folder {folder} (for example {folder}2024.yaml "
            f"and {folder}2025.yaml), read in name order (docs/content-model.md); {check}"
        )
    if path.suffix == ".yaml" and path.parent.parent.name == "facts":
        folder = f"facts/{path.parent.name}/"
        return f"split it into more, smaller files in {folder}, read in name order; {check}"
    return (
        "check that this is the right file: content files are normally a few kilobytes; "
        "remove anything pasted in by mistake"
    )


def _read_at_most(descriptor: int, size: int) -> bytes:
    """Up to `size` bytes from an open file (a file still growing cannot make this unbounded)."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = os.read(descriptor, remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _not_found(path: Path) -> Problem:
    if path.is_symlink():
        return Problem(
            str(path),
            "is a symbolic link to a file that does not exist",
            None,
            None,
            "point the link at an existing file, or replace it with the file itself",
        )
    return Problem(
        str(path),
        "file not found",
        None,
        None,
        "create it (see docs/content-model.md), point --content at the right "
        "folder, or start a new explainer with `site-builder init DIR`",
    )


def _unreadable(path: Path, error: OSError) -> Problem:
    if isinstance(error, PermissionError):
        return Problem(
            str(path),
            "cannot be read: permission denied",
            None,
            None,
            f"make it readable (chmod a+r {path}) or ask whoever owns it",
        )
    return Problem(
        str(path),
        f"cannot be read: {error.strerror or error}",
        None,
        None,
        "replace it with an ordinary, readable text file",
    )


_BYTE_BREAK = re.compile(rb"\r\n|\r|\n")


def decode_text(data: bytes, path: str) -> str:
    """UTF-8 text without its byte-order mark; raise ContentError naming the first bad byte."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line, start = 1, 0
        for found in _BYTE_BREAK.finditer(data, 0, error.start):
            line, start = line + 1, found.end()
        column = len(data[start : error.start].decode("utf-8")) + 1
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise unusable(
            Problem(
                path,
                f"not valid UTF-8 text: byte 0x{data[error.start]:02X} "
                f"(byte {error.start} of the file) cannot be read",
                line,
                column,
                "the file is saved as UTF-16: save it as UTF-8"
                if utf16
                else "save the file as UTF-8 (this byte is typical of Latin-1 or Windows-1252)",
            )
        ) from None
