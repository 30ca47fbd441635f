"""The commands: `build`, `check`, `serve`, `deploy`, `init`, `new` and `import`, each run from
its parsed arguments, and the summary each prints when it succeeds (with `cli`, the only
modules that print). What goes wrong is raised; `cli` turns it into a message and an exit status.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from site_builder.cache import BuildCache, BuildInputs, CachedBuild, fingerprint
from site_builder.errors import UsageError, count_of
from site_builder.reports import describe_import, describe_quotes, describe_to_verify

if TYPE_CHECKING:
    from site_builder.build import BuildOptions
    from site_builder.model import SourceText

# The pipeline (Jinja, the model, pydantic) is imported by the commands that run it, so that
# `build` of an unchanged site, --help and --version answer without loading it.

log = logging.getLogger("site_builder")


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


def run_import(args: argparse.Namespace) -> int:
    """`site-builder import timelinejs SOURCE`: write a content folder, report what was left."""
    import datetime

    from site_builder.clock import check_zone
    from site_builder.dates import DateSyntaxError
    from site_builder.fieldtypes import is_slug, suggest_slug
    from site_builder.importers.files import left_beside, write_content
    from site_builder.importers.slides import MAX_SOURCE_BYTES, ImportOptions
    from site_builder.importers.timelinejs import import_timeline
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
