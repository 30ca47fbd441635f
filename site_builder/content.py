"""Read `content/` into the model: the files of each kind of fact, summaries, source texts.

Parsing is `records` (text to records, positions kept) and `readfile` (bytes safely read);
this module knows the folder's layout and keeps parsed fact files between loads (`ParseMemo`).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from site_builder.clock import Clock
from site_builder.config import SiteConfig
from site_builder.errors import ContentError, Problem
from site_builder.model import (
    ANY_ID,
    Draft,
    Era,
    Event,
    Media,
    Player,
    Source,
    SourceText,
    Summary,
    Update,
)
from site_builder.readfile import decode, decode_text, read, read_bytes, read_data
from site_builder.records import RecordT, parse_config, parse_fact_list, parse_summary, placeholder

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    """What `load_content` read, and every problem it found on the way."""

    config: SiteConfig | None = None
    sources: list[Source] = field(default_factory=list)
    players: list[Player] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    eras: list[Era] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Entries marked `draft: true`, kept off the site.
    drafts: list[Draft] = field(default_factory=list)
    # What passed of events and players that failed their field checks (see build_record).
    partial: list[Event | Player | Source] = field(default_factory=list)
    # Texts of the sources that name one (`text:`), by source id.
    source_texts: dict[str, SourceText] = field(default_factory=dict)
    # Ids of items that failed to load, by kind: references to them are not reported again.
    unusable_ids: dict[str, set[str]] = field(
        default_factory=lambda: {"source": set(), "player": set(), "event": set()}
    )


SOURCES_FILE = "facts/sources.yaml"
PLAYERS_FILE = "facts/players.yaml"
EVENTS_FILE = "facts/events.yaml"
UPDATES_FILE = "facts/updates.yaml"  # optional: the explainer's change log
ERAS_FILE = "facts/eras.yaml"  # optional: the phases of the story


def fact_files(content_dir: Path, relative: str) -> list[Path]:
    """The files holding one kind of fact: `facts/players.yaml` and/or `facts/players/*.yaml`.

    A story that runs for years outgrows one file per kind: its facts can be split into a
    folder (by year, by letter), read in name order after the single file.
    """
    single = content_dir / relative
    folder = single.with_suffix("")
    files = [single] if single.is_file() else []
    if folder.is_dir():
        files += sorted(path for path in folder.glob("*.yaml") if path.is_file())
    return files


@dataclass(frozen=True)
class _ParsedFile:
    """One fact file's records and problems, and the file they were parsed from: its state on
    disk and a hash of its bytes."""

    stamp: tuple[int, int, int]  # size, modification time, inode
    digest: bytes
    clock: Clock  # the time zone its times were read in: a new one means reading them again
    records: list[Any]
    problems: list[Problem]
    unusable_ids: set[str]
    warnings: list[Problem] = field(default_factory=list)
    partial: list[Any] = field(default_factory=list)


class ParseMemo:
    """Parsed fact files, kept between loads by `serve`: an edit parses only its file again.

    Files are known by one normalised path (the real, absolute one, as the file watcher reports
    it), whatever --content looked like. A file whose size, time and inode are as they were is
    not read again, unless it was reported changed (`doubt`): `cp -p`, `touch -r`, `tar -x` and
    sync tools put the old size and time back on new bytes, so a reported file is read and
    compared by a hash of its bytes.
    """

    def __init__(self) -> None:
        self._files: dict[str, _ParsedFile] = {}
        self._doubted: set[str] = set()

    def doubt(self, paths: Iterable[Path]) -> None:
        """Compare these files by their bytes at the next load, whatever their stamps say."""
        self._doubted.update(os.path.realpath(path) for path in paths)

    def _known(
        self, key: str, stamp: tuple[int, int, int] | None, clock: Clock
    ) -> _ParsedFile | None:
        known = self._files.get(key)
        if known is None or stamp is None or known.stamp != stamp or key in self._doubted:
            return None
        # A file read in another time zone is read again: its times of day mean other moments.
        return known if known.clock == clock else None

    def _same_bytes(self, key: str, digest: bytes, clock: Clock) -> _ParsedFile | None:
        known = self._files.get(key)
        if known is None or known.digest != digest or known.clock != clock:
            return None
        return known

    def _keep(self, key: str, parsed: _ParsedFile) -> None:
        self._files[key] = parsed
        self._doubted.discard(key)


def _load_facts(
    loaded: Loaded,
    content_dir: Path,
    relative: str,
    model: type[RecordT],
    kind: str,
    required: bool = True,
    memo: ParseMemo | None = None,
    clock: Clock | None = None,
) -> list[RecordT]:
    """The published records of one kind; drafts, partial records, problems and warnings go
    to `loaded`."""
    files = fact_files(content_dir, relative) or [content_dir / relative]
    records: list[RecordT] = []
    for path in files:
        parsed = _parse_fact_file(path, model, required, memo, clock or Clock())
        for record in parsed.records:
            if getattr(record, "draft", False):
                name = getattr(record, "id", None) or str(getattr(record, "date", ""))
                loaded.drafts.append(Draft(kind, name, str(path), record.origin.line))
            else:
                records.append(_without_media_drafts(record, kind, loaded.drafts))
        loaded.partial += parsed.partial
        loaded.problems += parsed.problems
        loaded.warnings += parsed.warnings
        if kind in loaded.unusable_ids:
            loaded.unusable_ids[kind] |= parsed.unusable_ids
    return records


def _without_media_drafts(record: RecordT, kind: str, drafts: list[Draft]) -> RecordT:
    """The record without its media items marked `draft: true`, each listed in `drafts`; the
    positions of the items kept follow them, so that a later message still points at the item
    it is about."""
    media: list[Media] = getattr(record, "media", [])
    if not any(item.draft for item in media):
        return record
    origin = record.origin
    kept: list[Media] = []
    new_index: dict[int, int] = {}
    for index, item in enumerate(media):
        if not item.draft:
            new_index[index] = len(kept)
            kept.append(item)
            continue
        what = "image" if item.image is not None else "link"
        note = (
            "an image without alt text: write 'alt' (what it shows), then remove 'draft'"
            if item.image is not None and not (item.decorative or item.has_alt)
            else ""
        )
        line = origin.at("media", index)[0]
        drafts.append(
            Draft(f"{what} of {kind}", getattr(record, "id", ""), origin.path, line, note)
        )
    spots: dict[tuple[str | int, ...], tuple[int, int]] = {}
    for key, spot in origin.spots.items():
        if key[:1] == ("media",) and len(key) > 1:
            old = key[1]
            if not isinstance(old, int) or old not in new_index:
                continue
            key = ("media", new_index[old], *key[2:])
        spots[key] = spot
    return record.model_copy(update={"media": kept, "origin": replace(origin, spots=spots)})


def _parse_fact_file(
    path: Path, model: type[RecordT], required: bool, memo: ParseMemo | None, clock: Clock
) -> _ParsedFile:
    key = os.path.realpath(path)
    try:
        status = path.stat()
        stamp: tuple[int, int, int] | None = (status.st_size, status.st_mtime_ns, status.st_ino)
    except OSError:
        stamp = None
    known = memo._known(key, stamp, clock) if memo is not None else None
    if known is not None:
        return known
    problems: list[Problem] = []
    warnings: list[Problem] = []
    unusable: set[str] = set()
    records: list[Any] = []
    partial: list[Any] = []
    data = read_data(path, problems, required)
    digest = hashlib.blake2b(data, digest_size=16).digest() if data is not None else b""
    same = memo._same_bytes(key, digest, clock) if memo is not None and data is not None else None
    if same is not None:
        parsed = replace(same, stamp=stamp or same.stamp)
    else:
        text = decode(data, path, problems) if data is not None else None
        if text is None:
            # Missing or unreadable, and reported as such (optional files carry no ids): no
            # reference to this kind can be checked.
            unusable.add(ANY_ID)
        else:
            records = parse_fact_list(
                model, text, str(path), problems, unusable, warnings, partial, clock
            )
        parsed = _ParsedFile(
            stamp or (-1, -1, -1), digest, clock, records, problems, unusable, warnings, partial
        )
    if memo is not None and data is not None and stamp is not None:
        memo._keep(key, parsed)
    return parsed


def load_content(content_dir: Path, memo: ParseMemo | None = None) -> Loaded:
    """Read every file of a content folder into records; problems are collected, not raised.

    With a memo, fact files unchanged since the memo's last load are not parsed again.
    """
    loaded = Loaded()
    problems = loaded.problems
    config_path = content_dir / "site.yaml"
    text = read(config_path, problems, required=True)
    if text is not None:
        loaded.config = parse_config(text, str(config_path), problems, loaded.warnings)
    unusable = loaded.unusable_ids
    missing_facts = _missing_folder(content_dir / "facts")
    if missing_facts is not None:
        # One problem for the folder rather than one per fact file; nothing can be checked
        # against ids that were never read.
        problems.append(missing_facts)
        for ids in unusable.values():
            ids.add(ANY_ID)
    else:
        # Times of day are read in the site's time zone; when site.yaml is unusable (reported)
        # times without an offset are not reported a second time.
        clock = loaded.config.clock if loaded.config is not None else Clock(known=False)
        loaded.sources = _load_facts(
            loaded, content_dir, SOURCES_FILE, Source, "source", memo=memo, clock=clock
        )
        loaded.players = _load_facts(loaded, content_dir, PLAYERS_FILE, Player, "player", memo=memo)
        loaded.events = _load_facts(
            loaded, content_dir, EVENTS_FILE, Event, "event", memo=memo, clock=clock
        )
        loaded.updates = _load_facts(
            loaded,
            content_dir,
            UPDATES_FILE,
            Update,
            "update",
            required=False,
            memo=memo,
            clock=clock,
        )
        loaded.eras = _load_facts(
            loaded, content_dir, ERAS_FILE, Era, "era", required=False, memo=memo, clock=clock
        )
        # A source with a malformed field still has its text read, for its quotes' sake.
        salvaged = [record for record in loaded.partial if isinstance(record, Source)]
        loaded.source_texts = load_source_texts(content_dir, [*loaded.sources, *salvaged], problems)
    summary_dir = content_dir / "summaries"
    for path in sorted(summary_dir.glob("*.md")):
        text = read(path, problems, required=True)
        if text is None:
            # Unreadable (reported): a stand-in keeps links to the page from cascading.
            loaded.summaries.append(placeholder("", str(path), None, 1))
            continue
        summary = parse_summary(text, str(path), problems)
        if summary is not None:
            loaded.summaries.append(summary)
    loaded.summaries.sort(key=lambda s: (s.meta.order, s.slug))
    log.debug(
        "loaded %d sources, %d players, %d events, %d summaries",
        len(loaded.sources),
        len(loaded.players),
        len(loaded.events),
        len(loaded.summaries),
    )
    return loaded


# A source's text may be a long document (a full report, a transcript, a judgment).
MAX_SOURCE_TEXT_BYTES = 20 * 1024 * 1024


def load_source_texts(
    content_dir: Path, sources: list[Source], problems: list[Problem]
) -> dict[str, SourceText]:
    """The text of each source that names one, by source id; a text that is missing, unreadable
    or outside the content folder is a problem at the source's `text` field."""
    texts: dict[str, SourceText] = {}
    root = content_dir.resolve()
    for source in sources:
        # (A salvaged source may lack its id or its text: they are what failed.)
        written: str | None = getattr(source, "text", None)
        if written is None or getattr(source, "id", None) is None:
            continue
        path = content_dir / written
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            problems.append(
                _text_problem(
                    source,
                    f"the text of source '{source.id}' is not found: {path}",
                    f"save the source's words as a UTF-8 text file at {path}, or correct "
                    "the path (it is written from the content folder)",
                )
            )
            continue
        if not resolved.is_relative_to(root):
            problems.append(
                _text_problem(
                    source,
                    f"the text of source '{source.id}' leads out of the content folder: "
                    f"{path} is {resolved}",
                    "keep source texts inside the content folder (a symbolic link out of it "
                    "is refused): copy the file in",
                )
            )
            continue
        try:
            text = decode_text(read_bytes(path, MAX_SOURCE_TEXT_BYTES), str(path))
        except ContentError as error:
            problems.extend(error.problems)
            continue
        texts[source.id] = SourceText(str(path), text)
    return texts


def _text_problem(source: Source, message: str, hint: str) -> Problem:
    line, column = source.origin.at("text")
    return Problem(source.origin.path, message, line, column, hint)


def _missing_folder(folder: Path) -> Problem | None:
    """A problem when `folder` is missing or is not a folder, else None."""
    if folder.is_dir():
        return None
    holding = "sources.yaml, players.yaml and events.yaml (see docs/content-model.md)"
    if folder.exists():
        return Problem(
            str(folder),
            "is a file, not a folder",
            None,
            None,
            f"replace it with a folder {folder.name}/ holding {holding}",
        )
    return Problem(
        str(folder),
        "folder not found",
        None,
        None,
        f"create the folder {folder.name}/ holding {holding}, or point --content at the "
        "right folder",
    )


def read_config_quietly(content_dir: Path) -> SiteConfig | None:
    """site.yaml's config, or None when it is missing or invalid (a build reports why)."""
    path = content_dir / "site.yaml"
    text = read(path, [], required=False)
    return parse_config(text, str(path), []) if text is not None else None
