"""Live-reload preview around livereload: serve a folder under a path prefix, rebuild on change.

The server knows nothing about building. It gets a `rebuild` callable and the paths to watch;
it calls `rebuild(None)` once at start and `rebuild(changed_paths)` after each burst of changes
(from `watch.EventWatcher`: inotify, not livereload's polling), then tells every open page to
reload. Rebuilds run in a thread of their own, one at a time, so requests are answered from the
last good output while a large site renders; changes that arrive meanwhile make the next
rebuild. When a rebuild raises, every HTML page shows the error instead, the last good output
stays on disk, and the next successful rebuild brings the real pages back.

This module owns the server's lifecycle: the first build, rebuilds on change, reloads, the
address it listens on, signals. What is answered over HTTP is `previewhttp`'s. Reloads are sent
from here: livereload's own poller ignores changes that come within 3 s of the previous reload.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import signal
import socket
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from livereload.handlers import LiveReloadHandler  # type: ignore[import-untyped]
from tornado.ioloop import IOLoop

from site_builder.errors import SiteError, UsageError
from site_builder.previewhttp import PreviewServer, PreviewState, Waiters, error_page
from site_builder.watch import EventWatcher

log = logging.getLogger(__name__)

Rebuild = Callable[[frozenset[Path] | None], object]
"""Build the site: None means everything, else the set of files that changed."""


def _attempt(rebuild: Rebuild, changed: frozenset[Path] | None, root: Path) -> str | None:
    """Rebuild; return None, or the error page to show when it failed (serving goes on)."""
    try:
        rebuild(changed)
    except SiteError as error:
        log.error("the site could not be built; the browser shows why:\n%s", error)
        return error_page(error, root)
    except Exception as error:  # a bug must not take the preview down
        log.exception("rebuild failed")
        return error_page(error, root)
    return None


def _reload_path(changed: frozenset[Path], roots: Sequence[Path]) -> str:
    """The path sent with the reload: a stylesheet alone is swapped in place by livereload.js,
    which finds it by the end of its URL. The path is relative to its watched folder, never
    one of this computer: the page may be open on another device."""
    if changed and all(path.suffix == ".css" for path in changed):
        path = min(changed)
        for root in roots:
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
    return "*"  # anything else reloads the page


def serve(
    rebuild: Rebuild,
    watch: Collection[Path],
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    base_path: Callable[[], str] = lambda: "/",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve `root` with live reload until Ctrl-C, rebuilding when anything under `watch` changes.

    `root` itself is never watched. `base_path()` is the URL prefix ("/" or "/repo/"), asked per
    request. `on_ready(url)` is called once the port is bound and the first build is done.
    Raises UsageError when the address cannot be bound (port in use).
    """
    state = PreviewState(root=root.resolve(), base_path=base_path)
    roots = [Path(path).resolve() for path in watch]
    loop = IOLoop.current()
    # One rebuild at a time, off the IO loop: requests keep being answered meanwhile.
    builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild")
    pending: set[Path] = set()  # changed since the running rebuild began
    running = False

    def on_changes(changed: frozenset[Path]) -> None:
        pending.update(changed)
        if not running:
            start()

    def start() -> None:
        nonlocal running
        batch = frozenset(pending)
        pending.clear()
        running = True
        future = builder.submit(_attempt, rebuild, batch, state.root)
        future.add_done_callback(lambda done: loop.add_callback(finish, batch, done))

    def finish(batch: frozenset[Path], done: Future[str | None]) -> None:
        nonlocal running
        running = False
        was_failing = state.error_html is not None
        state.error_html = done.result()
        failing = state.error_html is not None
        if was_failing and not failing:
            log.warning("the site builds again")
        state.generation += 1
        LiveReloadHandler.reload_waiters(
            "*" if was_failing or failing else _reload_path(batch, roots)
        )
        if pending:
            start()

    watcher = EventWatcher(on_changes, ignored=[state.root])  # written by every build
    for path in watch:
        watcher.watch(str(path))
    server = PreviewServer(state, watcher)
    # livereload configures its websocket handler through class attributes (it sets `watcher`
    # and `live_css` itself); this one makes late-connecting pages catch up.
    LiveReloadHandler.waiters = Waiters(state)
    _stop_on_signals()
    try:
        try:
            server.application(port, host, live_css=True)
        except OSError as error:
            raise _bind_error(error, host, port) from None
        if not is_loopback(host):
            log.warning(
                "the preview listens on %s, not only on this machine: anyone who can reach "
                "this computer on port %d sees it, drafts included\n"
                "    hint: leave out --host (it defaults to 127.0.0.1) to keep the preview to "
                "yourself",
                host or "every address",
                port,
            )
        state.error_html = _attempt(rebuild, None, state.root)
        LiveReloadHandler.start_tasks()  # starts the watcher (no polling: it says so)
        if on_ready is not None:
            on_ready(f"http://{_url_host(host)}:{port}{base_path()}")
        loop.start()
    except KeyboardInterrupt:
        log.debug("interrupted; stopping the preview")
    finally:
        watcher.stop()
        builder.shutdown(wait=True, cancel_futures=True)  # a rebuild's writes finish whole
        loop.close(all_fds=True)


def is_loopback(host: str) -> bool:
    """True when `host` reaches this machine only (127.0.0.0/8, ::1, a name for them).

    "" and "0.0.0.0" mean every address, and a name is as private as what it resolves to.
    """
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if not host:
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False  # the bind would have failed already; say nothing reassuring
    return all(ipaddress.ip_address(address).is_loopback for address in addresses)


def _url_host(host: str) -> str:
    """The host part of the URL to open: this machine for a wildcard, IPv6 in brackets."""
    try:
        address = ipaddress.ip_address(host or "0.0.0.0")
    except ValueError:
        return host  # a name
    if address.is_unspecified:  # 0.0.0.0 and :: are not addresses a browser should open
        return "127.0.0.1" if address.version == 4 else "[::1]"
    return f"[{address}]" if address.version == 6 else str(address)


def _stop_on_signals() -> None:
    """Make Ctrl-C (and a polite SIGTERM) stop the preview cleanly.

    A process started in the background by a non-interactive shell inherits SIGINT as
    *ignored*, and Python then never raises KeyboardInterrupt: restore the default handler.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def _bind_error(error: OSError, host: str, port: int) -> UsageError:
    if error.errno == errno.EADDRINUSE:
        return UsageError(
            f"port {port} on {host} is already in use\n"
            f"    hint: stop the other server, or pick another port: --port {port + 1}"
        )
    if error.errno == errno.EACCES:
        return UsageError(
            f"not allowed to listen on port {port}\n"
            "    hint: ports below 1024 need special rights; use --port 8000"
        )
    return UsageError(
        f"cannot listen on {host}:{port}: {error.strerror or error}\n"
        "    hint: check --host (for example 127.0.0.1) and --port"
    )
