"""The rules every write to an output folder follows: paths that would leave the folder and files
written twice are refused, an OS error becomes an `OutputError` naming the path and what to do
(the previous output is always left as it was), the folders a run writes beside the output are
named after its process so that what a killed run left is removed, and a new folder is swapped
in for the old one.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Container, Iterable
from pathlib import Path, PurePosixPath

from site_builder.errors import OutputError

# --------------------------------------------------------------------------- OS errors


def os_error(error: OSError, path: Path | str, out_dir: Path) -> OutputError:
    """The user's version of an OS error met while writing `path` for the output `out_dir`:
    what happened, where, and what to do. The previous output is always left as it was."""
    path = Path(path)
    folder = path.parent
    kept = "the previous output is untouched"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "no space left" if error.errno == errno.ENOSPC else "the disk quota is used up"
        return OutputError(
            f"{what} on the disk holding {out_dir}: writing {path} failed\n"
            f"    hint: free some space on that disk, or write the site elsewhere with --out "
            f"FOLDER, then try again; {kept}"
        )
    if error.errno == errno.EROFS:
        return OutputError(
            f"{folder} is on a read-only file system: cannot write {path}\n"
            f"    hint: write the site to a folder you can write with --out FOLDER (or mount "
            f"that disk read-write); {kept}"
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return OutputError(
            f"not allowed to write in {folder}: cannot write {path}\n"
            f"    hint: check the folder's permissions (owner and mode, `ls -ld {folder}`), or "
            f"write the site elsewhere with --out FOLDER; {kept}"
        )
    return OutputError(
        f"cannot write {path}: {error.strerror or error}\n"
        f"    hint: check the output folder {out_dir} and its disk, then try again; {kept}"
    )


def read_input(file: Path) -> bytes:
    """A static file to copy; an unreadable one is named, with what to do."""
    try:
        return file.read_bytes()
    except OSError as error:
        raise OutputError(
            f"cannot read {file}: {error.strerror or error}\n"
            f"    hint: make it readable (chmod a+r {file}) or remove it from the folder"
        ) from None


def write_file(target: Path, data: bytes, out_dir: Path, shown: Path) -> None:
    """Write one file, creating its folders; an OS error becomes an OutputError about `shown`,
    the file's place in the output (`target` is a temporary place beside it)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as file:
            file.write(data)
    except OSError as error:
        raise os_error(error, shown, out_dir) from None


def litter_folder(out_dir: Path, clean: bool = True) -> Path:
    """A new, empty, readable folder beside out_dir, named after this process; with `clean`,
    first remove what killed processes left there."""
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        if clean:
            remove_litter(out_dir)
        folder = Path(tempfile.mkdtemp(prefix=_litter_prefix(out_dir, "new"), dir=out_dir.parent))
    except OSError as error:
        raise os_error(error, out_dir, out_dir) from None
    os.chmod(folder, 0o755)  # mkdtemp makes 0700 folders; a served site must be readable
    return folder


# --------------------------------------------------------------------------- paths and litter


def refuse_second_write(path: str, written: Container[str]) -> None:
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

    A folder whose process is still running belongs to a build in progress and is left alone.
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


def refuse_dangerous_target(out_dir: Path, protected: Iterable[Path]) -> None:
    if out_dir == Path(out_dir.anchor) or out_dir == Path.home().resolve():
        raise OutputError(f"refusing to replace {out_dir}: choose a dedicated output folder")
    for folder in protected:
        folder = folder.resolve()
        if out_dir == folder or out_dir in folder.parents:
            raise OutputError(
                f"refusing to replace {out_dir}: it contains {folder}; use --out with a "
                "separate folder such as _site"
            )


def swap_in(staging: Path, out_dir: Path) -> None:
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
