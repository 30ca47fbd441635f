"""The one place an import writes: the files of a content folder, all of them or none.

A new content folder is written beside its place and renamed into it in one step. Into an
existing folder (with `force`, when files would be replaced), each file is first written beside
its target, then every target is swapped in; if any step fails, the files replaced so far are put
back and the new ones removed, so the folder is as it was. Paths cannot leave the folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from site_builder.errors import OutputError, UsageError

# What an existing content folder holds that an import would mix with its own facts: the
# split forms of the fact files and other summaries are left in place (and said).
_FACT_FOLDERS = ("facts/sources", "facts/players", "facts/events", "facts/eras")


def conflicts(content: Path, files: Mapping[str, str]) -> list[Path]:
    """The files an import would replace."""
    return [content / relative for relative in files if (content / relative).exists()]


def left_beside(content: Path, files: Mapping[str, str]) -> list[Path]:
    """Content files an import into this folder leaves as they are, which the site will read
    with the imported facts (split fact files, other summaries)."""
    found = [content / folder for folder in _FACT_FOLDERS if (content / folder).is_dir()]
    summaries = content / "summaries"
    if summaries.is_dir():
        found += sorted(
            path
            for path in summaries.glob("*.md")
            if path.relative_to(content).as_posix() not in files
        )
    return found


def write_content(content: Path, files: Mapping[str, str], force: bool = False) -> list[Path]:
    """Write the files (relative path -> text) into the content folder, all or none; refuse to
    replace existing files unless `force`. Returns the paths written."""
    for relative in files:
        _check_inside(relative)
    if content.exists() and not content.is_dir():
        raise UsageError(
            f"{content} exists and is not a folder\n"
            "    hint: pass --content with the folder the explainer's content should go in"
        )
    existing = conflicts(content, files)
    odd = [path for path in existing if not path.is_file()]
    if odd:
        raise UsageError(
            f"{odd[0]} is not a file, where the import writes one\n"
            "    hint: move it away, or import into a new folder (--content NEW-FOLDER)"
        )
    if existing and not force:
        shown = ", ".join(str(path) for path in existing[:4])
        more = f" and {len(existing) - 4} more" if len(existing) > 4 else ""
        raise UsageError(
            f"{content} already holds content that the import would replace: {shown}{more}\n"
            "    hint: import into a new folder (--content NEW-FOLDER), or pass --force to "
            "replace these files"
        )
    try:
        if not content.exists():
            return _write_new_folder(content, files)
        return _write_into(content, files)
    except OSError as error:
        raise OutputError(
            f"could not write the imported content into {content}: "
            f"{error.strerror or error}{f' ({error.filename})' if error.filename else ''}; "
            "nothing was changed\n"
            "    hint: check the folder's permissions and the free space, then import again"
        ) from None


def _check_inside(relative: str) -> None:
    path = Path(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"an import may only write inside the content folder: {relative!r}")


def _write_new_folder(content: Path, files: Mapping[str, str]) -> list[Path]:
    parent = content.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{content.name}-import-", dir=parent))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a content folder is not
        for relative, text in files.items():
            _write_file(staging / relative, text)
        os.rename(staging, content)  # one step: the folder appears whole, or not at all
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [content / relative for relative in files]


def _write_into(content: Path, files: Mapping[str, str]) -> list[Path]:
    created_folders: list[Path] = []
    staged: dict[Path, Path] = {}
    moved_aside: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for relative, text in files.items():
            target = content / relative
            for folder in reversed(target.parents):
                if not folder.exists() and folder.is_relative_to(content):
                    folder.mkdir()
                    created_folders.append(folder)
            temporary = _temporary_beside(target)
            _write_file(temporary, text)
            staged[target] = temporary
        for target, temporary in staged.items():
            if target.exists() or target.is_symlink():
                aside = temporary.with_name(temporary.name + ".old")  # unique, as its staged file
                os.replace(target, aside)
                moved_aside[target] = aside
            os.replace(temporary, target)
            placed.append(target)
    except BaseException:
        _roll_back(staged, moved_aside, placed, created_folders)
        raise
    for aside in moved_aside.values():
        with contextlib.suppress(OSError):
            aside.unlink()
    return list(staged)


def _roll_back(
    staged: dict[Path, Path],
    moved_aside: dict[Path, Path],
    placed: list[Path],
    created_folders: list[Path],
) -> None:
    """Put the folder back as it was: new files out, replaced files back."""
    for target in placed:
        with contextlib.suppress(OSError):
            target.unlink()
    for target, aside in moved_aside.items():
        with contextlib.suppress(OSError):
            os.replace(aside, target)
    for temporary in staged.values():
        with contextlib.suppress(OSError):
            temporary.unlink()
    for folder in reversed(created_folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _temporary_beside(target: Path) -> Path:
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent)
    os.close(descriptor)
    os.chmod(name, 0o666 & ~_umask())  # mkstemp makes it private; a content file is not
    return Path(name)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
