"""The command line: parse arguments, run a command, turn errors into messages and exit codes.

Exit status: 0 success, 1 content errors, 2 usage errors, 128 + N when signal N stopped it.
Only this module and the commands it runs (`commands`) print, and only this module sets the exit
status; tracebacks appear only with --debug (an unexpected exception is reported as an internal
error; a full disk or a missing permission is not one).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from site_builder import __version__
from site_builder.commands import (
    run_build,
    run_check,
    run_deploy,
    run_import,
    run_init,
    run_new,
    run_serve,
)
from site_builder.errors import MACHINE_ERRNOS, Interrupted, SiteError

NEW_KINDS = (
    "event",
    "player",
    "source",
    "summary",
)  # what `new` adds (scaffold.KINDS, kept in step)

Command = Callable[[argparse.Namespace], int]


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default: ./content)"
    )
    common.add_argument(
        "--templates",
        type=Path,
        default=Path("templates"),
        help="template override folder (default: ./templates)",
    )
    common.add_argument(
        "--out", type=Path, default=Path("_site"), help="output folder (default: ./_site)"
    )
    common.add_argument(
        "--base-url",
        default=None,
        help="URL or path the site is served under, overriding site.yaml",
    )
    common.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    common.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return common


def make_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="site-builder", description="Build, check and publish a news explainer microsite."
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    build = commands.add_parser("build", parents=[common], help="render the whole site")
    build.add_argument(
        "--strict",
        action="store_true",
        help="fail on a broken internal link instead of warning, and on quotes that cannot be "
        "verified (their source has no text)",
    )
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="build even if nothing changed since the last build "
        "(.site_builder_cache/ beside --out)",
    )
    build.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes rendering pages (default: one per core for sites of 400+ pages)",
    )
    build.set_defaults(run=run_build)
    check = commands.add_parser(
        "check", parents=[common], help="run every validation and write nothing"
    )
    check.add_argument(
        "--source-text",
        action="append",
        default=[],
        metavar="SOURCE_ID=PATH",
        help="check the quotes citing SOURCE_ID against PATH instead of the text the source "
        "names (repeatable)",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="fail when quotes cannot be verified (their source has no text)",
    )
    check.set_defaults(run=run_check)
    _add_publish_commands(commands, common)
    _add_import_command(commands, common)
    _add_serve_command(commands, common)
    return parser


def _add_publish_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """`deploy`, `init` and `new`."""
    deploy = commands.add_parser(
        "deploy", parents=[common], help="build, then publish the site to a gh-pages branch"
    )
    deploy.add_argument("--remote", default="origin", help="git remote (default: origin)")
    deploy.add_argument("--branch", default="gh-pages", help="branch (default: gh-pages)")
    deploy.add_argument("--message", default=None, help="first line of the deploy commit")
    deploy.add_argument(
        "--cname", default=None, metavar="DOMAIN", help="custom domain (overrides site.yaml)"
    )
    deploy.add_argument(
        "--no-build", action="store_true", help="publish the existing --out folder as it is"
    )
    deploy.add_argument(
        "--force",
        action="store_true",
        help="replace the branch even when site-builder did not make it (its history is lost)",
    )
    deploy.set_defaults(run=run_deploy)
    init = commands.add_parser("init", parents=[common], help="start a new explainer in DIR")
    init.add_argument("directory", type=Path, metavar="DIR", help="a new or empty folder")
    init.set_defaults(run=run_init)
    new = commands.add_parser(
        "new", parents=[common], help="append a new event, player, source or summary"
    )
    new.add_argument("kind", choices=NEW_KINDS, help="what to add")
    new.add_argument("--id", default=None, help="its id (default: a fresh one)")
    new.set_defaults(run=run_new)


def _add_import_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """`import timelinejs SOURCE`."""
    command = commands.add_parser(
        "import",
        parents=[common],
        help="make an explainer's content from a TimelineJS JSON file or sheet (CSV)",
    )
    command.add_argument("format", choices=["timelinejs"], help="what SOURCE is")
    command.add_argument(
        "source", type=Path, metavar="SOURCE", help="a TimelineJS JSON file, or a CSV of its sheet"
    )
    command.add_argument(
        "--source-id",
        default="timelinejs",
        metavar="ID",
        help="the id of the source entry for the timeline itself (default: timelinejs)",
    )
    command.add_argument(
        "--timezone",
        default=None,
        metavar="ZONE",
        help="the IANA time zone the timeline's times of day are in (default: UTC)",
    )
    command.add_argument(
        "--force", action="store_true", help="replace content files the import writes"
    )
    command.set_defaults(run=run_import)


def _add_serve_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """`serve`."""
    serve = commands.add_parser(
        "serve", parents=[common], help="preview the site, rebuilding and reloading on each edit"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this computer only; others warn)",
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the preview in a web browser")
    serve.set_defaults(run=run_serve)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `site-builder` command; returns the exit status."""
    parser = make_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    run: Command = args.run
    stopped_by: list[int] = []
    with _sigterm_as_ctrl_c(stopped_by):
        return _run(run, args, stopped_by)


def _run(run: Command, args: argparse.Namespace, stopped_by: list[int]) -> int:
    """Run a command; turn what it raises into a message and an exit status."""
    try:
        return run(args)
    except Interrupted as error:
        print(str(error), file=sys.stderr)
        return error.exit_status
    except SiteError as error:
        if args.debug:
            # The tracebacks behind problems raised by code (a template calling a view that
            # failed), then this one.
            for trace in getattr(error, "traces", lambda: [])():
                print(trace, file=sys.stderr)
            raise
        print(f"error: {error}" if not hasattr(error, "problems") else str(error), file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 128 + (stopped_by[0] if stopped_by else signal.SIGINT)
    except OSError as error:
        if args.debug or error.errno not in MACHINE_ERRNOS:
            return _internal_error(error, args.debug)
        # Not a bug but the machine's state (a full disk, a read-only or forbidden folder) met
        # somewhere the writer did not expect: say where and what it is.
        where = f" ({error.filename})" if error.filename else ""
        print(
            f"error: {error.strerror or error}{where}\n"
            "    hint: free some space, or check that folder's permissions, then try again",
            file=sys.stderr,
        )
        return 1
    except Exception as error:
        return _internal_error(error, args.debug)


@contextlib.contextmanager
def _sigterm_as_ctrl_c(stopped_by: list[int]) -> Iterator[None]:
    """Make SIGTERM stop a command as Ctrl-C does, so that it cleans up (a build removes its
    half-written folder) instead of dying on the spot; the signal is noted in `stopped_by`."""

    def interrupt(signum: int, frame: object) -> None:
        stopped_by.append(signum)
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _internal_error(error: Exception, debug: bool) -> int:
    """A bug, not a content problem: still no traceback for the author, but say what to do."""
    if debug:
        raise error
    print(
        f"error: internal error: {type(error).__name__}: {error}\n"
        "    hint: this is a bug in site-builder, not a mistake in your content; run the "
        "command again with --debug and report the traceback it shows",
        file=sys.stderr,
    )
    return 1
