"""The command line: parse arguments, run a command, turn errors into messages and exit codes.

Exit status: 0 success, 1 content errors, 2 usage errors, 128 + N when signal N stopped it.
Only this module prints or exits; tracebacks appear only with --debug (an unexpected exception
is reported as an internal error; a full disk or a missing permission is not one).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
import time
import webbrowser
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from site_builder import __version__
from site_builder.cache import BuildCache, BuildInputs, CachedBuild, fingerprint
from site_builder.errors import MACHINE_ERRNOS, Interrupted, SiteError, UsageError, count_of

if TYPE_CHECKING:
    from site_builder.build import BuildOptions
    from site_builder.factchecks import SourceQuotes, ToVerify
    from site_builder.importers.timelinejs import Imported as ImportResult
    from site_builder.model import SourceText

# The pipeline (Jinja, the model, pydantic) is imported by the commands that run it, so that
# `build` of an unchanged site, --help and --version answer without loading it.

NEW_KINDS = (
    "event",
    "player",
    "source",
    "summary",
)  # what `new` adds (scaffold.KINDS, kept in step)

log = logging.getLogger("site_builder")

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


def _options(args: argparse.Namespace, need_content: bool = True) -> BuildOptions:
    from site_builder.build import BuildOptions

    if need_content and not args.content.is_dir():
        raise UsageError(
            f"content folder not found: {args.content}\n"
            "    hint: run from the explainer's folder, or pass --content PATH"
        )
    return BuildOptions(
        content=args.content,
        templates=args.templates,
        out=args.out,
        base_url=args.base_url,
        strict=getattr(args, "strict", False),
        jobs=getattr(args, "jobs", None),
    )


class ProgressLine:
    """`rendered 4,096 of 10,006 pages` (or `converted ... Markdown texts`) on one terminal
    line, once a build passes a second.

    Short builds print nothing but their summary; a log or a pipe never sees the line.
    """

    def __init__(self, stream: TextIO = sys.stderr, after: float = 1.0) -> None:
        self.stream = stream
        self.shown = False
        self._enabled = stream.isatty()
        self._start = time.monotonic()
        self._after = after
        self._last = 0.0

    def __call__(self, done: int, total: int, verb: str = "rendered", noun: str = "pages") -> None:
        now = time.monotonic()
        if not self._enabled or now - self._start < self._after or now - self._last < 0.1:
            return
        self._last = now
        self.stream.write(f"\r\x1b[K{verb} {done:,} of {total:,} {noun}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Remove the line, so that the summary or an error starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def run_build(args: argparse.Namespace) -> int:
    """`site-builder build`: skipped when nothing changed since the last build."""
    started = time.perf_counter()
    inputs = BuildInputs(args.content, args.templates, args.out, args.base_url, args.strict)
    cache = None if args.no_cache or not args.content.is_dir() else BuildCache(inputs)
    key = fingerprint(inputs) if cache is not None else ""
    cached = cache.lookup(key) if cache is not None else None
    if cached is not None:
        for warning in cached.warnings:
            log.warning("%s", warning)
        if not args.quiet:
            print(
                f"Up to date: {cached.pages} pages ({cached.files} files) in {args.out}, "
                f"nothing changed ({time.perf_counter() - started:.2f} s)"
            )
        return 0
    from site_builder.build import build_site
    from site_builder.incremental import BuildState

    state = cache.load_state() if cache is not None else None
    progress = ProgressLine() if not args.quiet else None
    try:
        previous = state if isinstance(state, BuildState) else None
        result = build_site(_options(args), progress, previous)
    finally:
        if progress is not None:
            progress.clear()
    if cache is not None:
        try:
            built = CachedBuild(result.pages, result.files, result.warnings)
            cache.store(key, built, result.state)
        except OSError as error:  # the site is built; only the next build's shortcut is lost
            log.warning(
                "the build is done, but it could not be recorded in %s (%s): the next build "
                "will build everything again",
                cache.folder,
                error.strerror or error,
            )
    if not args.quiet:
        kept = result.pages - result.rendered
        reused = f"; {kept} unchanged, kept" if kept else ""
        print(
            f"Built {result.pages} pages ({result.files} files{reused}) in "
            f"{result.seconds:.2f} s into {result.out}"
        )
    return 0


def _source_texts(pairs: list[str]) -> dict[str, SourceText]:
    from site_builder.model import SourceText

    texts = {}
    for pair in pairs:
        source_id, equals, path = pair.partition("=")
        if not equals or not source_id or not path:
            raise UsageError(f"--source-text expects SOURCE_ID=PATH, got {pair!r}")
        try:
            texts[source_id] = SourceText(path, Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise UsageError(f"cannot read {path}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{path} is not UTF-8 text\n    hint: save it as UTF-8") from None
    return texts


def run_check(args: argparse.Namespace) -> int:
    """`site-builder check`: every problem, or a summary with each source's verified quotes."""
    texts = _source_texts(args.source_text)
    from site_builder.build import check_site
    from site_builder.factchecks import facts_to_verify, quote_report

    site = check_site(_options(args), texts)
    if args.quiet:
        return 0
    counts = ", ".join(
        count_of(len(items), noun)
        for items, noun in (
            (site.events, "event"),
            (site.players, "player"),
            (site.sources, "source"),
            (site.summaries, "summary"),
            *(((site.eras, "era"),) if site.eras else ()),
        )
    )
    print(f"No problems: {counts}")
    for line in describe_quotes(quote_report(site)):
        print(line)
    for line in describe_to_verify(facts_to_verify(site)):
        print(line)
    if site.drafts:
        print(f"{count_of(len(site.drafts), 'draft')}, not on the site:")
        for draft in site.drafts:
            note = f": {draft.note}" if draft.note else ""
            print(f"  {draft.path}:{draft.line}: {draft.kind} '{draft.name}'{note}")
    return 0


def describe_to_verify(facts: Sequence[ToVerify]) -> list[str]:
    """The facts readers see marked unconfirmed or disputed, each with its place."""
    if not facts:
        return []
    standings = Counter(fact.standing for fact in facts)
    counts = ", ".join(f"{count} {name}" for name, count in standings.most_common())
    return [
        f"Left to verify ({counts}): cite the evidence each rests on, then remove its "
        "'verification' (readers see a badge until then)",
        *(
            f"  {fact.path}:{fact.line}: {fact.kind} '{fact.name}' ({fact.standing})"
            for fact in facts
        ),
    ]


def describe_quotes(reports: Sequence[SourceQuotes]) -> list[str]:
    """Per source, how many of its quotes were found in its text, or why none could be."""
    from site_builder.quotes import NORMALISATION

    lines = [
        f"Quotes checked against their source's text (Unicode {NORMALISATION}, runs of white "
        "space read as one space):"
    ]
    unverified = 0
    for report in reports:
        name = report.source.id
        if not report.quotes:
            notes = f" ({count_of(report.notes, 'note')})" if report.notes else ""
            lines.append(f"  {name}: no quotes{notes}")
        elif report.text_path is None:
            unverified += 1
            lines.append(
                f"  {name}: {count_of(report.quotes, 'quote')} NOT verified: the source has no "
                "text (add text: PATH to it, or pass --source-text)"
            )
        else:
            lines.append(
                f"  {name}: {report.verified} of {count_of(report.quotes, 'quote')} found in "
                f"{report.text_path}"
            )
    if unverified:
        lines.append(
            f"{count_of(unverified, 'source')} with quotes that could not be verified: "
            "--strict fails on them"
        )
    return lines


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


def run_deploy(args: argparse.Namespace) -> int:
    """`site-builder deploy`."""
    from site_builder.build import build_site
    from site_builder.deploy import DeployOptions, check_target, deploy_folder
    from site_builder.errors import ContentError, DeployError
    from site_builder.outlock import output_lock

    options = _options(args, need_content=not args.no_build)  # --no-build publishes --out as is
    deploy = DeployOptions(
        remote=args.remote,
        branch=args.branch,
        message=args.message,
        cname=args.cname,
        force=args.force,
    )
    target = check_target(deploy, Path.cwd(), options.content)  # refused before building
    # The output folder is deploy's from the build to the push.
    with output_lock(options.out, "deploy", required=not args.no_build):
        if not args.no_build:
            try:
                build_site(options)  # the build `build` runs: deploy publishes what it made
            except ContentError as error:
                raise DeployError(
                    f"the build failed, so nothing was deployed\n{error.report()}"
                ) from error
        result = deploy_folder(target, options.out, deploy)
    if not args.quiet:
        kept = f"; kept {', '.join(result.kept)}, committed by hand" if result.kept else ""
        if result.commit is None:
            print(
                f"No changes to publish: {result.branch} on {result.remote} already holds "
                f"this site ({result.files} files, source {result.source}){kept}"
            )
        else:
            print(
                f"Pushed {result.branch} to {result.remote}: commit {result.commit[:12]}, "
                f"{result.files} files, source {result.source}{kept}"
            )
    return 0


def run_init(args: argparse.Namespace) -> int:
    """`site-builder init DIR`."""
    from site_builder.scaffold import init_project

    written = init_project(args.directory)
    if not args.quiet:
        print(f"Created a new explainer in {args.directory} ({len(written)} files). Next:")
        print(f"    cd {args.directory} && site-builder build")
    return 0


def run_new(args: argparse.Namespace) -> int:
    """`site-builder new KIND`."""
    from site_builder.scaffold import new_entry

    added = new_entry(args.content, args.kind, args.id)
    print(f"{added.path}:{added.line}: added {added.kind} '{added.id}'; fill in the TODO fields")
    return 0


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


def run_import(args: argparse.Namespace) -> int:
    """`site-builder import timelinejs SOURCE`: write a content folder, report what was left."""
    import datetime

    from site_builder.clock import check_zone
    from site_builder.dates import DateSyntaxError
    from site_builder.fieldtypes import is_slug, suggest_slug
    from site_builder.importers.files import left_beside, write_content
    from site_builder.importers.timelinejs import MAX_SOURCE_BYTES, ImportOptions, import_timeline
    from site_builder.readfile import decode_text, read_bytes

    started = time.perf_counter()
    if not is_slug(args.source_id):
        raise UsageError(
            f"--source-id '{args.source_id}' is not a URL-safe id\n"
            f"    hint: use lowercase letters, digits and hyphens, e.g. "
            f"{suggest_slug(args.source_id, 'timelinejs')!r}"
        )
    if args.timezone is not None:
        try:
            check_zone(args.timezone)
        except DateSyntaxError as error:
            raise UsageError(f"--timezone: {error}\n    hint: {error.hint}") from None
    try:
        data = read_bytes(args.source, MAX_SOURCE_BYTES)
    except FileNotFoundError:
        raise UsageError(
            f"{args.source}: file not found\n"
            "    hint: give the path of a TimelineJS JSON file, or of its sheet saved as CSV "
            "(File > Download > Comma-separated values)"
        ) from None
    text = decode_text(data, str(args.source))
    options = ImportOptions(
        source_id=args.source_id,
        timezone=args.timezone,
        today=datetime.date.today().isoformat(),
    )
    imported = import_timeline(text, str(args.source), options)
    beside = left_beside(args.content, imported.files) if args.content.is_dir() else []
    written = write_content(args.content, imported.files, force=args.force)
    seconds = time.perf_counter() - started
    if args.quiet:
        return 0
    for line in describe_import(imported, args.source.name, args.content, written, seconds):
        print(line)
    for path in beside:
        print(f"  left as it was: {path} (the site reads it with the imported content)")
    return 0


def describe_import(
    imported: ImportResult, name: str, content: Path, written: list[Path], seconds: float
) -> list[str]:
    """The import's report: what was imported, what was not or was changed, what is left."""
    counts = ", ".join(
        count_of(number, noun)
        for number, noun in (
            (imported.events, "event"),
            (imported.eras, "era"),
            (imported.lanes, "lane"),
            (imported.images, "image"),
            (imported.links, "media link"),
        )
    )
    lines = [
        f"Imported {name} ({imported.kind}) into {content}: {counts} ({seconds:.2f} s)",
        f"  wrote {', '.join(str(path) for path in written)}",
    ]
    dropped = [note for note in imported.notes if note.dropped]
    changed = [note for note in imported.notes if not note.dropped]
    if dropped:
        lines.append(f"Not imported ({len(dropped)}):")
        lines += [f"  {note.where}: {note.message}" for note in dropped]
    if changed:
        lines.append(f"Changed on the way ({len(changed)}):")
        lines += [f"  {note.where}: {note.message}" for note in changed]
    lines.append("Left to do:")
    lines.append(
        f"  {count_of(imported.events, 'event')} marked 'verification: unconfirmed': add the "
        "evidence each rests on (a source and its quote), then remove the mark"
    )
    if imported.missing_alt:
        lines.append(
            f"  {count_of(imported.missing_alt, 'image')} without alt text, kept off the site "
            "('draft: true'): write 'alt' (what the picture shows), then remove 'draft'"
        )
    if imported.timezone is not None:
        lines.append(
            f"  times of day are read in {imported.timezone}: set 'timezone' in site.yaml to "
            "the zone they were written in, if it is another"
        )
    lines.append("  site.yaml: check the title, description, language and publisher")
    lines.append(f"Next: site-builder check --content {content}")
    return lines


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


def run_serve(args: argparse.Namespace) -> int:
    """`site-builder serve`: build, then serve with live reload until Ctrl-C."""
    # Imported here: livereload and tornado cost ~40 ms of start-up every other command skips.
    from site_builder.build import SiteBuilder
    from site_builder.outlock import output_lock
    from site_builder.serve import serve

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, got {args.port}")
    options = _options(args)
    builder = SiteBuilder(options)
    if not args.quiet and not args.debug:
        logging.getLogger("site_builder").setLevel(logging.INFO)  # each rebuild and its time
    if not args.debug:
        # A 404 or the error page (status 500) while editing is expected, not worth a line.
        logging.getLogger("tornado.access").setLevel(logging.CRITICAL)

    def ready(url: str) -> None:
        if not args.quiet:
            print(f"Serving {options.out} at {url} (Ctrl-C to stop)", flush=True)
        if args.open:  # some browsers block until closed: keep the server responsive
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    # The output folder is serve's while it runs: a build there would swap in pages older than
    # the last save, and serve would never know.
    with output_lock(options.out, "serve"):
        serve(
            builder.rebuild,
            [options.content, options.templates],
            options.out,
            host=args.host,
            port=args.port,
            base_path=builder.base_path,
            on_ready=ready,
        )
    if not args.quiet:
        print("Stopped.", flush=True)
    return 0


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
