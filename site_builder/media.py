"""Files of `content/media/`: images checked and resized for the web, linked files copied.

An image written as `image: ship.jpg` must be a real JPEG, PNG, GIF or WebP image inside
`content/media/`; its web copy is at most WEB_WIDTH pixels wide, re-encoded without metadata,
and named after a hash of its bytes (`media/ship-1a2b3c4d5e.jpg`), so that pages can give its
width and height and browsers can cache it for ever. Pillow's encoders are deterministic: the
same file gives the same bytes on every build. A linked file (`link: report.pdf`) is copied as
it is. Images given by an https:// address are neither fetched nor checked (no network).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.errors import ContentError, Problem
from site_builder.fieldtypes import is_https, suggest_slug
from site_builder.model import Event, Media, MediaFile, Origin, Player
from site_builder.readfile import read_bytes

if TYPE_CHECKING:
    from PIL import Image

MEDIA_FOLDER = "media"
WEB_WIDTH = 1200  # pixels: twice the text column, sharp on high-density screens
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_LINKED_BYTES = 100 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 7000 x 7000 photo; larger is a mistake or a decompression bomb
_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "png", "WEBP": "png"}


@dataclass(frozen=True)
class _Use:
    """One media item of one record, and where it is written."""

    name: str
    is_image: bool
    path: str
    line: int
    column: int


def _uses(records: list[Event | Player]) -> Iterator[_Use]:
    for record in records:
        origin: Origin = record.origin
        for index, item in enumerate(record.media):
            yield from _use(item, origin, index)


def _use(item: Media, origin: Origin, index: int) -> Iterator[_Use]:
    for field_name, is_image in (("image", True), ("link", False)):
        name = getattr(item, field_name)
        if name is None or is_https(name):
            continue
        line, column = origin.at("media", index, field_name)
        yield _Use(name, is_image, origin.path, line, column)


# Web copies by (file, size, modification time): `serve` rebuilds without re-encoding images.
_MEMO: dict[tuple[str, int, int, bool], MediaFile] = {}


def prepare_media(
    records: list[Event | Player], content_dir: Path
) -> tuple[dict[str, MediaFile], list[Problem]]:
    """The web copy of every local file the records show or link to, and located problems."""
    folder = content_dir / MEDIA_FOLDER
    files: dict[str, MediaFile] = {}
    problems: list[Problem] = []
    done: set[tuple[str, bool]] = set()
    for use in _uses(records):
        if (use.name, use.is_image) in done:
            continue
        done.add((use.name, use.is_image))
        try:
            files[use.name] = _prepare(folder, use)
        except ContentError as error:
            problems += error.problems
    return files, problems


def _prepare(folder: Path, use: _Use) -> MediaFile:
    path = folder / use.name
    _check_inside(folder, path, use)
    try:
        status = path.stat()
    except OSError:
        status = None
    key = (
        str(path),
        status.st_size if status else -1,
        status.st_mtime_ns if status else -1,
        use.is_image,
    )
    if status is not None and key in _MEMO:
        return _MEMO[key]
    limit = MAX_IMAGE_BYTES if use.is_image else MAX_LINKED_BYTES
    if status is not None and status.st_size > limit:
        what = "an image" if use.is_image else "a linked file"
        raise ContentError(
            [
                _problem(
                    use,
                    f"{use.name} is larger than the {limit // (1024 * 1024)} MB {what} may be",
                    f"resize or compress it (a web page needs {WEB_WIDTH} pixels across at "
                    "most), or link to it where it is published with an https:// address",
                )
            ]
        )
    try:
        data = read_bytes(path, limit)
    except FileNotFoundError:
        raise ContentError(
            [_problem(use, f"media file not found: {use.name}", _missing_hint(folder, use))]
        ) from None
    except ContentError as error:
        # Located at the item that names the file, with the reader's reason and hint.
        first = error.problems[0]
        raise ContentError([_problem(use, f"{use.name}: {first.message}", first.hint)]) from None
    prepared = _web_image(data, use) if use.is_image else _linked(data, use)
    if status is not None:
        _MEMO[key] = prepared
    return prepared


def _check_inside(folder: Path, path: Path, use: _Use) -> None:
    """Refuse a file that is, or leads through a link to, somewhere outside content/media/."""
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except OSError:
        inside = False
    if not inside:
        raise ContentError(
            [
                _problem(
                    use,
                    f"{use.name} leads outside content/{MEDIA_FOLDER}/",
                    f"put the file itself in content/{MEDIA_FOLDER}/ (not a link to elsewhere)",
                )
            ]
        )


def _missing_hint(folder: Path, use: _Use) -> str:
    if folder.is_dir():
        return (
            f"put the file in content/{MEDIA_FOLDER}/ or correct the name "
            "(names are case-sensitive)"
        )
    return f"create the folder content/{MEDIA_FOLDER}/ and put the file in it"


def _problem(use: _Use, message: str, hint: str | None) -> Problem:
    return Problem(use.path, message, use.line, use.column, hint)


def _web_image(data: bytes, use: _Use) -> MediaFile:
    """A checked image, resized to WEB_WIDTH at most and re-encoded without metadata."""
    # Imported here: a site without pictures does not pay for Pillow's start-up.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            kind = opened.format or ""
            if kind not in _FORMATS:
                raise UnidentifiedImageError(kind)
            if opened.width * opened.height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            opened.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ContentError(
            [
                _problem(
                    use,
                    f"{use.name} is larger than {MAX_PIXELS // 1_000_000} megapixels",
                    f"resize it (a web page needs {WEB_WIDTH} pixels across at most)",
                )
            ]
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ContentError(
            [
                _problem(
                    use,
                    f"{use.name} is not an image that can be read (JPEG, PNG, GIF or WebP)",
                    "export it as JPEG (photos) or PNG (drawings); to offer a video, audio or "
                    "document, write 'link:' instead of 'image:'",
                )
            ]
        ) from None
    image: Image.Image = ImageOps.exif_transpose(opened)  # a phone's rotation, applied
    if image.width > WEB_WIDTH:
        height = max(1, round(image.height * WEB_WIDTH / image.width))
        image = image.resize((WEB_WIDTH, height), Image.Resampling.LANCZOS)
    extension = _FORMATS[kind]
    if extension == "png" and image.mode not in ("RGBA", "RGB", "LA", "L", "P"):
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    if extension == "jpg":
        image.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    encoded = buffer.getvalue()
    return MediaFile(
        source=use.name,
        path=f"{MEDIA_FOLDER}/{_name(use.name, encoded, extension)}",
        data=encoded,
        width=image.width,
        height=image.height,
    )


def _linked(data: bytes, use: _Use) -> MediaFile:
    """A linked file, copied as it is under its own name."""
    return MediaFile(source=use.name, path=f"{MEDIA_FOLDER}/{use.name}", data=data)


def _name(source: str, data: bytes, extension: str) -> str:
    """`ship-1a2b3c4d5e.jpg`: the file's name and a hash of the web copy's bytes."""
    digest = hashlib.blake2b(data, digest_size=5).hexdigest()
    return f"{suggest_slug(Path(source).stem, 'image')}-{digest}.{extension}"
