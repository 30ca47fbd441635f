"""The preview's HTTP side, around livereload: its files under the site's path prefix.

livereload provides the websocket endpoint, livereload.js and the script injection before
`</head>`; this module adds the path prefix (so `/REPO/` previews as it will be published), the
error page, the 404 page, hostile paths refused, a socket that only the preview's own pages may
open, and a late page reloaded.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livereload.handlers import (  # type: ignore[import-untyped]
    LiveReloadHandler,
    LiveReloadJSHandler,
    StaticFileHandler,
)
from livereload.server import LiveScriptInjector, Server  # type: ignore[import-untyped]
from tornado import escape
from tornado.web import Application, HTTPError
from tornado.websocket import WebSocketHandler

from site_builder.errors import ContentError, SiteError, count_of
from site_builder.watch import EventWatcher

log = logging.getLogger(__name__)


ERROR_PAGE_ID = "site-builder-error"


@dataclass
class PreviewState:
    """What the request handler needs: where the files are, the prefix, the current error."""

    root: Path
    base_path: Callable[[], str]
    error_html: str | None = None
    generation: int = 0  # bumped after each rebuild: what pages show may have changed


GENERATION_COOKIE = "site_builder_build"


class Waiters(set[Any]):
    """livereload's set of connected pages, which also reloads a page that connects late.

    A page loaded just before a rebuild finishes connects its websocket after the reload was
    sent, and would keep showing the old build. Each page response carries the generation it
    was built from in a cookie; a page that registers with an older one is reloaded at once.
    """

    def __init__(self, state: PreviewState) -> None:
        super().__init__()
        self.state = state

    def add(self, waiter: Any) -> None:
        super().add(waiter)
        seen = waiter.get_cookie(GENERATION_COOKIE)
        if seen is not None and seen != str(self.state.generation):
            waiter.send_message({"command": "reload", "path": "*", "liveCSS": False})


def error_page(error: BaseException, root: Path) -> str:
    """An HTML page listing a failed build's problems (file:line: message, hint), escaped."""
    if isinstance(error, ContentError):
        items = [(problem.location(), problem.message, problem.hint) for problem in error.problems]
    elif isinstance(error, SiteError):
        items = [("", str(error), None)]
    else:
        items = [
            (
                "",
                f"{type(error).__name__}: {error}",
                "this is a bug in site-builder; run serve with --debug to see the traceback",
            )
        ]
    rows = []
    for where, message, hint in items:
        located = f"<code>{html.escape(where)}</code>: " if where else ""
        hint_html = f'<p class="hint">hint: {html.escape(hint)}</p>' if hint else ""
        rows.append(f"<li>{located}{html.escape(message)}{hint_html}</li>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · site-builder preview</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
  padding: 0 1rem; color: #1a1a1a; }}
h1 {{ color: #a00000; font-size: 1.5rem; }}
li {{ margin-bottom: 1rem; }}
code {{ background: #f3f3f3; padding: 0 .25rem; }}
.hint {{ margin: .25rem 0 0; color: #444; }}
</style>
</head>
<body>
<main id="{ERROR_PAGE_ID}">
<h1>The site could not be built</h1>
<p>{count_of(len(items), "problem")} found. The last good build stays in {html.escape(str(root))};
this page reloads by itself when you save a fix.</p>
<ol class="problems">
{chr(10).join(rows)}
</ol>
</main>
</body>
</html>
"""


def _is_page(path: str) -> bool:
    """True when a request path asks for a page rather than an asset (CSS, image, feed)."""
    name = path.rsplit("/", 1)[-1]
    return name == "" or "." not in name or name.endswith((".html", ".htm"))


def is_hostile(request_path: str) -> bool:
    """True for a decoded request path that no file of a built site can have.

    Refused before the file system is asked: `..` and `.` segments (however they were
    percent-encoded: the path is decoded once, by tornado), empty segments (`//etc/passwd`),
    backslashes, NUL and other control characters. A trailing slash is fine.
    """
    if any(char == "\\" or ord(char) < 32 or ord(char) == 127 for char in request_path):
        return True
    *folders, name = request_path.split("/")[1:]  # the path starts with "/"
    return any(part in ("", ".", "..") for part in folders) or name in (".", "..")


def servable(root: Path, relative: str) -> bool:
    """True unless `relative` under `root` leads out of it once symlinks are followed, or names
    something other than a file or folder (a FIFO, a device: reading one may never end).

    A folder is checked together with the index.html it would serve. A path that does not
    exist is servable: it is a plain 404 later. `root` must be resolved.
    """
    target = os.path.realpath(root / relative)
    if os.path.isdir(target):
        target = os.path.realpath(Path(target, "index.html"))
    if not Path(target).is_relative_to(root):
        return False
    return os.path.isfile(target) or not os.path.lexists(target)


ALLOWED_METHODS = "GET, HEAD, OPTIONS"


class _PreviewHandler(StaticFileHandler):  # type: ignore[misc]
    """livereload's static handler (no 304s), under the site's path prefix, with error page.

    It serves the files of the output folder and nothing else: a hostile path, or a symlink
    that leads out of the folder, is a 404 like a missing file, checked here rather than left to
    tornado (whose checks depend on its version: before 6.5.9 it followed symlinks anywhere).
    """

    state: PreviewState

    def initialize(self, path: str, default_filename: str, state: PreviewState) -> None:
        super().initialize(path=path, default_filename=default_filename)
        self.state = state

    def decode_argument(self, value: bytes, name: str | None = None) -> str:
        """The decoded path; one that is not UTF-8 names no file here (tornado says 400)."""
        try:
            decoded: str = super().decode_argument(value, name)
        except HTTPError:
            raise HTTPError(404) from None
        return decoded

    def get(self, path: str, include_body: bool = True) -> Awaitable[None] | None:
        request_path = "/" + path
        prefix = self.state.base_path()
        inside_prefix = request_path.startswith(prefix)
        # Before the error page: a hostile request gets nothing but a 404, whatever the build.
        if is_hostile(request_path) or (
            inside_prefix and not servable(self.state.root, request_path[len(prefix) :])
        ):
            log.debug("refused %r: not a file of the site", request_path)
            raise HTTPError(404)
        if self.state.error_html is not None and _is_page(request_path):
            self._set_generation()
            self.set_status(500)
            self._send_html(self.state.error_html)
            return None
        if not inside_prefix:
            if request_path == "/":
                self.redirect(prefix)
                return None
            self.set_status(404)
            self._send_html(_outside_prefix_page(prefix))
            return None
        if _is_page(request_path):
            self._set_generation()
        result: Awaitable[None] = super().get(request_path[len(prefix) :], include_body)
        return result

    def options(self, path: str) -> None:
        """What a client may ask of a static preview: no content, the methods in `Allow`."""
        self.set_header("Allow", ALLOWED_METHODS)
        self.set_status(204)
        self.finish()

    def _set_generation(self) -> None:
        self.set_cookie(GENERATION_COOKIE, str(self.state.generation), path="/")

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")  # a reload must show the new build

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        # tornado answers 403 for what lies outside its root or is not a regular file (a FIFO,
        # a device); for a preview of the site that is simply not a page of it.
        super().send_error(404 if status_code == 403 else status_code, **kwargs)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if status_code == 405:  # POST, PUT, DELETE...: say what is allowed (RFC 9110)
            self.set_header("Allow", ALLOWED_METHODS)
        if status_code == 404 and servable(self.state.root, "404.html"):
            try:  # the site's own 404 page, from the last good build
                page = (self.state.root / "404.html").read_text(encoding="utf-8", errors="replace")
            except OSError:  # none, or the output folder is being swapped right now
                pass
            else:
                self._send_html(page)
                return
        super().write_error(status_code, **kwargs)

    def _send_html(self, body: str) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


def _outside_prefix_page(prefix: str) -> str:
    link = html.escape(prefix)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Not here</title>'
        f'</head><body><p>This preview serves the site under <a href="{link}">{link}</a>, '
        "its base_url.</p></body></html>\n"
    )


class _ReloadSocket(LiveReloadHandler):  # type: ignore[misc]
    """livereload's websocket, open only to pages of the preview itself.

    livereload accepts any Origin: any web page open in the same browser could listen to the
    preview's reloads. Tornado's own rule (the Origin's host and port are the request's Host)
    lets in the preview's pages, at whatever address they were opened.
    """

    def check_origin(self, origin: str) -> bool:
        return bool(WebSocketHandler.check_origin(self, origin))


class _Injector(LiveScriptInjector):  # type: ignore[misc]
    """Puts livereload's loader before `</head>` of every HTML response (livereload's own)."""

    script = escape.utf8(
        '<script type="text/javascript">(function(){'
        'var s=document.createElement("script");'
        "var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
        's.src="//"+window.location.hostname+":"+port'
        '+ "/livereload.js?port=" + port;'
        "document.head.appendChild(s);"
        "})();</script>"
    )


class PreviewServer(Server):  # type: ignore[misc]
    """livereload's Server with our handlers: the preview's files at the root, the reload
    socket open to the preview's pages only, and no `/forcereload` (a GET that any web page
    could send to reload every open page)."""

    def __init__(self, state: PreviewState, watcher: EventWatcher) -> None:
        super().__init__(watcher=watcher)
        self.state = state

    def application(self, port: int, host: str, live_css: bool = True) -> None:
        """Listen on host:port (livereload's method, with our handlers)."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        handlers = [
            (r"/livereload", _ReloadSocket),
            (r"/livereload.js", LiveReloadJSHandler),
            *self.get_web_handlers(_Injector.script),
        ]
        Application(handlers=handlers, transforms=[_Injector]).listen(port, address=host)

    def get_web_handlers(self, script: bytes) -> list[tuple[Any, ...]]:
        options = {"path": str(self.state.root), "default_filename": "index.html"}
        return [(r"/(.*)", _PreviewHandler, {**options, "state": self.state})]
