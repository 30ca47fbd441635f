"""File watching for serve: inotify events (watchdog) behind livereload's watcher interface.

livereload polls every 800 ms and drops changes that come within 3 s of a reload. This watcher is
told of each change by the kernel, collects the changes of one save (an editor writes a file in
several steps) for a few milliseconds, and hands the set of changed paths to a callback on
Tornado's IO loop, so no change is lost however close together edits come.

`relevant_changes` is the pure part (which paths matter) and is tested on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

from livereload.watcher import Watcher  # type: ignore[import-untyped]
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

log = logging.getLogger(__name__)

# Editors' swap, backup and lock files, and vim's write test file: never content.
_JUNK_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", "~")
_JUNK_PREFIXES = (".#",)
_JUNK_NAMES = frozenset({"4913", ".DS_Store"})
_JUNK_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules"})

# Reading a file (our own build does) is not a change.
_IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})

SETTLE_SECONDS = 0.02  # wait this long after the last event of a burst before rebuilding
MAX_WAIT_SECONDS = 0.25  # but never longer than this after the first one


def is_junk(path: Path) -> bool:
    """True for editor temporary files and version-control folders."""
    name = path.name
    return (
        name in _JUNK_NAMES
        or name.endswith(_JUNK_SUFFIXES)
        or name.startswith(_JUNK_PREFIXES)
        or (name.startswith("#") and name.endswith("#"))
        or any(part in _JUNK_FOLDERS for part in path.parts)
    )


def relevant_changes(
    paths: Iterable[Path], watched: Collection[Path], ignored: Collection[Path]
) -> frozenset[Path]:
    """The changed paths that matter: inside a watched folder, outside every ignored one, and
    not an editor's temporary file. All paths are expected absolute.

    An ignored folder's staging siblings (`.NAME.new-*`, `.NAME.old-*`, where the output writer
    prepares the next build) are ignored with it.
    """
    kept = set()
    for path in paths:
        if is_junk(path) or any(_inside_output(path, folder) for folder in ignored):
            continue
        if any(path == folder or folder in path.parents for folder in watched):
            kept.add(path)
    return frozenset(kept)


def _inside_output(path: Path, folder: Path) -> bool:
    if path == folder or folder in path.parents:
        return True
    staging = f".{folder.name}."
    return any(
        parent.parent == folder.parent and parent.name.startswith(staging)
        for parent in (path, *path.parents)
    )


class _Forward(FileSystemEventHandler):
    """Runs in watchdog's thread: passes each event's paths to the IO loop."""

    def __init__(self, loop: IOLoop, receive: Callable[[list[Path]], None]) -> None:
        self.loop = loop
        self.receive = receive

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _IGNORED_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder "changes" whenever a file in it does; the file's event follows
        paths = [Path(str(event.src_path))]
        if event.dest_path:
            paths.append(Path(str(event.dest_path)))  # editors save by renaming onto the file
        self.loop.add_callback(self.receive, paths)


class EventWatcher(Watcher):  # type: ignore[misc]  # livereload has no type hints
    """livereload's Watcher, fed by inotify instead of polling.

    `on_changes` is called on the IO loop with the set of changed paths, once per burst of
    events; changes that arrive while it runs are collected and passed on the next call.
    """

    def __init__(
        self,
        on_changes: Callable[[frozenset[Path]], None],
        ignored: Collection[Path] = (),
        settle: float = SETTLE_SECONDS,
    ) -> None:
        super().__init__()
        self.on_changes = on_changes
        self.ignored = [path.resolve() for path in ignored]
        self.settle = settle
        self.roots: list[Path] = []
        self._observer: BaseObserver | None = None
        self._handler: _Forward | None = None
        self._recursive: set[Path] = set()  # roots watched with their whole tree
        self._loop: IOLoop | None = None
        self._pending: set[Path] = set()
        self._timer: object | None = None
        self._first_at = 0.0

    def watch(self, path: str, func: Any = None, delay: Any = None, ignore: Any = None) -> None:
        """Add a folder or file to watch (livereload's signature; func and delay are unused)."""
        super().watch(path, func, delay, ignore)
        self.roots.append(Path(path).resolve())

    def start(self, callback: Callable[[], None]) -> bool:
        """Start watching; True tells livereload not to poll. `callback` (its poller) is unused:
        changes go to `on_changes`, and reloads are sent from there."""
        if self._observer is not None:
            return True
        self._loop = IOLoop.current()
        observer = Observer()
        handler = self._handler = _Forward(self._loop, self._receive)
        for root in self.roots:
            if root.is_dir():
                observer.schedule(handler, str(root), recursive=True)
                self._recursive.add(root)
            elif root.parent.is_dir():
                # A file, or a folder that does not exist yet (no templates/ override folder):
                # watch its parent, without recursion; only events under `root` are kept.
                observer.schedule(handler, str(root.parent), recursive=False)
            else:
                log.warning("not watching %s: its folder does not exist", root)
        observer.daemon = True
        observer.start()
        self._observer = observer
        return True

    def stop(self) -> None:
        """Stop the watching thread."""
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=2)
            self._observer = None

    def examine(self) -> tuple[None, None]:
        """Nothing to poll: changes arrive as events."""
        return None, None

    def _receive(self, paths: list[Path]) -> None:
        changed = relevant_changes(paths, self.roots, self.ignored)
        if not changed:
            return
        assert self._loop is not None
        for root in self.roots:
            if root in changed and root not in self._recursive and root.is_dir():
                self._watch_tree(root)  # a watched folder was created after serve started
        now = self._loop.time()
        if not self._pending:
            self._first_at = now
        self._pending |= changed
        if self._timer is not None:
            self._loop.remove_timeout(self._timer)
        # Trailing debounce, capped so that a stream of events cannot postpone a rebuild forever.
        at = min(now + self.settle, self._first_at + MAX_WAIT_SECONDS)
        self._timer = self._loop.call_at(at, self._flush)

    def _watch_tree(self, root: Path) -> None:
        assert self._observer is not None and self._handler is not None
        self._observer.schedule(self._handler, str(root), recursive=True)
        self._recursive.add(root)
        # Files may have been written into it before the watch began.
        self._pending |= {path for path in root.rglob("*") if path.is_file()}

    def _flush(self) -> None:
        self._timer = None
        changed, self._pending = frozenset(self._pending), set()
        if changed:
            self.on_changes(changed)
