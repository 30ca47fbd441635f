"""The pipeline: load → validate → resolve → render → write, and what it reports."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import jinja2

from site_builder.content import ParseMemo, load_content
from site_builder.deps import KNOWN_TEMPLATES, Changes, diff_sites, stale_pages, template_closure
from site_builder.deps import describe as describe_changes
from site_builder.errors import ContentError, Problem
from site_builder.i18n import catalogue_labels, parse_language, shipped_languages
from site_builder.links import PageLinks, check_site_links, page_links, parse_links
from site_builder.liveoutput import LiveOutput
from site_builder.markup import MarkdownConverter
from site_builder.mdengine import ConversionError, extension_problems, extensions_of
from site_builder.media import prepare_media
from site_builder.model import Site, SourceText
from site_builder.outlock import output_lock
from site_builder.output import OutputTree
from site_builder.render import (
    PageSpec,
    SiteRenderer,
    convert_texts,
    make_environment,
    render_site,
    template_dirs,
    theme_dir,
    unique_problems,
)
from site_builder.staging import Staging
from site_builder.urls import UrlBuilder, output_file
from site_builder.validate import (
    MarkdownText,
    markdown_texts,
    unverified_quote_problems,
    validate_site,
)
from site_builder.weight import over_budget, page_weights

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    """Where to read from and write to."""

    content: Path = Path("content")
    templates: Path = Path("templates")
    out: Path = Path("_site")
    base_url: str | None = None
    # A broken internal link, or a quote no source text can verify, fails instead of passing.
    strict: bool = False
    jobs: int | None = None  # processes rendering pages; None: one per core for large sites


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    pages: int
    files: int
    seconds: float
    out: Path
    warnings: tuple[str, ...] = ()  # broken links, when not --strict


def load_site(
    content: Path,
    source_texts: Mapping[str, SourceText] | None = None,
    memo: ParseMemo | None = None,
) -> Site:
    """Load and validate a content folder; raise ContentError listing every problem.

    `source_texts` (from --source-text) add texts to sources, or replace the text a source
    names. `memo` keeps parsed fact files between loads (see content.load_content).
    """
    loaded = load_content(content, memo)
    problems = list(loaded.problems)
    if loaded.config is None:
        raise ContentError(problems)
    problems += extension_problems(loaded.config)
    media_files, media_problems = prepare_media([*loaded.events, *loaded.players], content)
    problems += media_problems
    texts = dict(loaded.source_texts)
    known = {source.id for source in loaded.sources}
    for source_id, text in (source_texts or {}).items():
        if source_id in known:
            texts[source_id] = text
        else:
            problems.append(
                Problem(
                    "--source-text",
                    f"unknown source '{source_id}'",
                    None,
                    None,
                    f"known source ids: {', '.join(sorted(known))}",
                )
            )
    site = Site(
        config=loaded.config,
        sources=tuple(loaded.sources),
        players=tuple(loaded.players),
        events=tuple(loaded.events),
        summaries=tuple(loaded.summaries),
        updates=tuple(loaded.updates),
        eras=tuple(loaded.eras),
        media_files=media_files,
        unusable_ids={kind: frozenset(ids) for kind, ids in loaded.unusable_ids.items()},
        source_texts=texts,
        drafts=tuple(loaded.drafts),
        partial=tuple(loaded.partial),
    )
    # Cross-file checks run even when some items failed to load, so the author sees
    # reference problems in the same run as syntax problems.
    problems += validate_site(site)
    if problems:
        raise ContentError(problems)
    for warning in _once_each(loaded.warnings):
        log.warning("%s", warning)
    _warn_about_language(site)
    return site


def _once_each(warnings: list[Problem]) -> list[Problem]:
    """A warning repeated through the content (an old field name on every player) is given
    once, at its first place, with how many more places have it."""
    first: dict[str, Problem] = {}
    places: dict[str, int] = {}
    files: dict[str, set[str]] = {}
    for warning in sorted(warnings, key=Problem.sort_key):
        first.setdefault(warning.message, warning)
        places[warning.message] = places.get(warning.message, 0) + 1
        files.setdefault(warning.message, set()).add(str(warning.path))
    found = []
    for message, problem in first.items():
        more = places[message] - 1
        if more:
            where = "this file" if len(files[message]) == 1 else f"{len(files[message])} files"
            problem = replace(problem, message=f"{message} (and {more} more in {where})")
        found.append(problem)
    return found


def _warn_about_language(site: Site) -> None:
    """One warning when the theme's words fall back to English for the site's language."""
    language = parse_language(site.config.language)
    if language.has_catalogue:
        return
    missing = [label for label in catalogue_labels() if label not in site.config.labels]
    if missing:
        log.warning(
            "%s: the theme has no %s words yet: %d labels are shown in English\n"
            "    hint: translate them under 'labels:' in site.yaml (docs/labels.md lists them), "
            "or set 'language' to one of: %s",
            site.config.origin.path,
            language.locale.english_name,
            len(missing),
            ", ".join(shipped_languages()),
        )


class Progress(Protocol):
    """Told how far a stage is: `done` of `total`, and what ("rendered", "pages")."""

    def __call__(self, done: int, total: int, verb: str = ..., noun: str = ...) -> None: ...


# Below this many pages (or Markdown texts to convert), starting a second process costs more
# than it saves.
PARALLEL_FROM_PAGES = 400
PARALLEL_FROM_TEXTS = 400
_CHUNK = 64  # pages per task: small enough to balance the timeline's weight between processes
_TEXT_CHUNK = 64  # Markdown texts per task


@contextlib.contextmanager
def _collecting_less() -> Iterator[None]:
    """Run a build with the cyclic garbage collector called far less often.

    A build keeps what it loads until it ends (a 10,000-player site is millions of objects),
    and CPython's default thresholds make the collector rescan all of it again and again while
    Markdown and Jinja churn through short-lived objects: a tenth of the build's time. Nearly all
    garbage here is freed by reference counting anyway. The thresholds are restored after.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@_collecting_less()
def build_site(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the whole site; on any problem raise before swapping, leaving old output intact.

    The output folder is this build's alone from before the content is read until the swap
    (another build waits, a running `serve` refuses it). Pages are written to the new output
    folder as they are rendered (by several processes on a large site); only each page's links
    are kept, for the link check before the swap.
    """
    started = time.perf_counter()
    with output_lock(options.out, "build"):
        site = load_site(options.content)
        renderer = SiteRenderer(site, options.templates, options.base_url)
        convert_markdown(site, renderer.converter, options.jobs, progress)
        with Staging(options.out, protected=(options.content, options.templates)) as staging:
            jobs = _jobs(options.jobs, len(renderer.pages), PARALLEL_FROM_PAGES)
            links = render_to(renderer, staging, jobs, progress)
            for path, text in renderer.extra_files().items():
                staging.write(path, text)
            for media in site.media_files.values():
                staging.write(media.path, media.data)
            for folder, overrides in static_folders(options):
                staging.copy_folder(folder, "static", replace=overrides)
            broken = check_site_links(site, staging.paths, links, _base(site, options))
            folder = staging.folder
            weights = page_weights(
                links, lambda path: _file_size(folder / path), _base(site, options)
            )
            broken += over_budget(weights)
            _report_broken_links(broken, options, unverified_quote_problems(site))
            staging.commit()
    seconds = time.perf_counter() - started
    pages = len(renderer.pages)
    log.info("built %d pages in %.2f s", pages, seconds)
    return BuildResult(
        pages=pages,
        files=len(staging.paths),
        seconds=seconds,
        out=options.out,
        warnings=tuple(str(problem) for problem in broken),
    )


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _jobs(requested: int | None, work: int, threshold: int) -> int:
    """Processes for `work` pages or texts: as asked, else one per core from `threshold` on."""
    if requested is not None:
        return max(1, requested)
    return min(os.cpu_count() or 1, 8) if work >= threshold else 1


_Result = TypeVar("_Result")

# The task of the worker processes: set before forking, so that each process inherits it, with
# the loaded site and everything else it refers to.
_TASK: Callable[[range], Any] | None = None


def _run_task(indexes: range) -> Any:
    assert _TASK is not None, "_in_workers sets the task before forking"
    return _TASK(indexes)


def _in_workers(
    task: Callable[[range], _Result], total: int, size: int, jobs: int
) -> Iterator[_Result]:
    """`task` over chunks of `size` of range(total), results in order: in `jobs` forked
    processes, or in this one when jobs is 1 or there is one chunk."""
    chunks = [range(start, min(start + size, total)) for start in range(0, total, size)]
    if jobs <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield task(chunk)
        return
    global _TASK
    _TASK = task
    # Everything loaded so far lives until the processes end: set apart from the collector,
    # which then neither scans it again nor, in a worker, writes to the pages it shares with
    # this process (each write makes the kernel copy the page).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_as_a_worker) as pool:
            yield from pool.imap(_run_task, chunks)  # in order: same errors, same output
    finally:
        gc.unfreeze()
        _TASK = None


def convert_markdown(
    site: Site,
    converter: MarkdownConverter,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> None:
    """Convert every distinct Markdown text of the site once, before any page is rendered.

    On a large site (or with `jobs`), forked processes convert the texts in chunks and send back
    the HTML, which the page-rendering processes forked after this inherit. Raise ContentError
    locating every text that Python-Markdown or an extension fails on.
    """
    pending = [markdown for markdown in markdown_texts(site) if not converter.knows(markdown.text)]
    distinct = list({markdown.text: markdown for markdown in reversed(pending)}.values())[::-1]
    task = functools.partial(_convert_chunk, converter, distinct)
    processes = _jobs(jobs, len(distinct), PARALLEL_FROM_TEXTS)
    done = 0
    for converted in _in_workers(task, len(distinct), _TEXT_CHUNK, processes):
        texts = [markdown.text for markdown in distinct[done : done + len(converted)]]
        converter.remember(
            {text: html for text, html in zip(texts, converted, strict=True) if html is not None}
        )
        done += len(converted)
        if progress is not None:
            progress(done, len(distinct), "converted", "Markdown texts")
    # Here: what is left (all of it with one job), and every text that failed, where it is.
    problems = convert_texts(converter, pending)
    if problems:
        raise ContentError(problems)


def _convert_chunk(
    converter: MarkdownConverter, texts: list[MarkdownText], indexes: range
) -> list[str | None]:
    """The HTML of each text of the chunk, in order (None for one that failed: it is converted
    again, and located, by convert_markdown). Only the HTML goes back: the texts are known."""
    converted: list[str | None] = []
    for index in indexes:
        try:
            converted.append(converter.convert(texts[index].text))
        except ConversionError:
            converted.append(None)
    return converted


def render_to(
    renderer: SiteRenderer, staging: Staging, jobs: int, progress: Progress | None = None
) -> dict[str, PageLinks]:
    """Render every page into the staging folder; return each page's links and ids.

    With several jobs, forked processes share the pages out in chunks; each has the loaded site
    and its converted Markdown already (fork copies them), renders its pages, writes them and
    sends back only their links. Raise ContentError listing every template problem.
    """
    total = len(renderer.pages)
    links: dict[str, PageLinks] = {}
    problems: list[Problem] = []
    if jobs > 1 and total > _CHUNK:
        _precompile(renderer)  # once here rather than once per process
    task = functools.partial(_render_chunk, renderer, staging)
    for result in _in_workers(task, total, _CHUNK, jobs):
        links.update(result.links)
        problems.extend(result.problems)
        if progress is not None:
            progress(len(links) + len(problems), total)
    if problems:
        raise ContentError(unique_problems(problems))
    by_file = {output_file(path): page for path, page in links.items()}
    staging.note_written(by_file)
    return by_file


@dataclass(frozen=True)
class _ChunkResult:
    links: dict[str, PageLinks]
    problems: list[Problem]


def _as_a_worker() -> None:
    """A worker process ends quietly when the pool is done with it: it must not inherit the
    command's SIGTERM handler (which turns the signal into Ctrl-C, for the command's clean-up),
    or the pool's closing SIGTERM prints a KeyboardInterrupt traceback from every worker."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _render_chunk(renderer: SiteRenderer, staging: Staging, indexes: range) -> _ChunkResult:
    links: dict[str, PageLinks] = {}
    problems: list[Problem] = []
    for index in indexes:
        spec = renderer.pages[index]
        try:
            html = renderer.render(spec)
        except ContentError as error:
            problems += error.problems
            continue
        staging.put(output_file(spec.path), html)  # recorded by render_to, in this process
        links[spec.path] = page_links(html)
    return _ChunkResult(links, problems)


def _precompile(renderer: SiteRenderer) -> None:
    for name in sorted({spec.template for spec in renderer.pages}):
        # A broken template is reported page by page when rendering.
        with contextlib.suppress(jinja2.TemplateError):
            renderer.environment.get_template(name)


def render_tree(
    site: Site,
    options: BuildOptions,
    pages: Mapping[str, str] | None = None,
    converter: MarkdownConverter | None = None,
) -> OutputTree:
    """Render every page in memory (unless `pages` are already rendered), with static assets."""
    if pages is None:
        pages = render_site(site, options.templates, options.base_url, converter=converter)
    tree = OutputTree()
    for site_path, html in pages.items():
        tree.add(output_file(site_path), html)
    for media in site.media_files.values():
        tree.add(media.path, media.data)
    for folder, overrides in static_folders(options):
        tree.add_folder(folder, "static", replace=overrides)
    return tree


def static_folders(options: BuildOptions) -> list[tuple[Path, bool]]:
    """Folders copied to static/, in order, and whether each overrides the files before it:
    the theme's, then the user's."""
    folders = [(theme_dir() / "static", False)]
    user_static = options.templates / "static"
    if user_static.is_dir():
        folders.append((user_static, True))
    return folders


def write_tree(
    site: Site, tree: OutputTree, options: BuildOptions, live: LiveOutput | None = None
) -> int:
    """Check the tree's links (an error with --strict, else warnings), then write it.

    Without `live` the tree is swapped in whole; through `live` (serve's rebuilds, where
    swapping a thousand-page folder costs more than everything else) only the files that
    changed are replaced, all or none. Returns the number of HTML pages.
    """
    _report_broken_links(
        link_problems(site, tree, options) + budget_problems(site, tree, options),
        options,
        unverified_quote_problems(site),
    )
    if live is None:
        tree.commit(options.out, protected=(options.content, options.templates))
    else:
        live.write(tree)
    return sum(1 for path in tree.paths if path.endswith(".html"))


def _report_broken_links(
    broken: list[Problem], options: BuildOptions, unverified: list[Problem] | None = None
) -> None:
    """Broken links and pages over the weight budget: warnings, or errors with --strict, which
    also fails on quotes no source text can verify."""
    if options.strict and (broken or unverified):
        raise ContentError([*broken, *(unverified or [])])
    for problem in broken:
        log.warning("%s", problem)


@_collecting_less()
def check_site(options: BuildOptions, source_texts: Mapping[str, SourceText] | None = None) -> Site:
    """Run every validation, including template rendering in memory; write nothing.

    With --strict, quotes of a source that has no text (so cannot be verified) are an error.
    """
    site = load_site(options.content, source_texts)
    converter = MarkdownConverter(extensions_of(site.config))
    convert_markdown(site, converter, options.jobs)  # on every core for a large site
    tree = render_tree(site, options, converter=converter)
    problems = link_problems(site, tree, options)
    if options.strict:
        problems += unverified_quote_problems(site)
    if problems:
        raise ContentError(problems)
    for problem in budget_problems(site, tree, options):
        log.warning("%s", problem)  # a heavy page is not an error in the content
    return site


def _tree_pages(tree: OutputTree) -> dict[str, PageLinks]:
    return {
        path: parse_links(tree.get(path).decode("utf-8"))
        for path in tree.paths
        if path.endswith(".html")
    }


def link_problems(site: Site, tree: OutputTree, options: BuildOptions) -> list[Problem]:
    """Internal links and assets of the rendered tree that do not resolve under its base URL."""
    return check_site_links(site, tree.paths, _tree_pages(tree), _base(site, options))


def budget_problems(site: Site, tree: OutputTree, options: BuildOptions) -> list[Problem]:
    """Pages of the rendered tree heavier than the page budget."""
    paths = set(tree.paths)

    def size_of(path: str) -> int | None:
        return len(tree.get(path)) if path in paths else None

    return over_budget(page_weights(_tree_pages(tree), size_of, _base(site, options)))


def _base(site: Site, options: BuildOptions) -> str:
    return options.base_url if options.base_url is not None else site.config.base_url


class SiteBuilder:
    """Builds the site, then rebuilds it after changes, rendering only the pages made stale.

    Keeps the last good site, its pages and the compiled templates between builds; what a change
    makes stale comes from `deps.py`. The output is byte-identical to `build_site`'s, and a
    failed rebuild raises before writing, so the last good output stays in place.
    """

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self._site: Site | None = None
        self._pages: dict[str, str] = {}
        self._environment: jinja2.Environment | None = None
        self._template_files: frozenset[str] = frozenset()
        # Template files changed since the last good build (a failed build keeps them pending).
        self._pending_templates: set[str] = set()
        self.last_rendered = 0  # pages the last successful build rendered (the rest were reused)
        self._memo = ParseMemo()
        self._output = LiveOutput(options.out, protected=(options.content, options.templates))
        # Converted Markdown: an edit converts only the texts it changed.
        self._converter: MarkdownConverter | None = None

    def base_path(self) -> str:
        """The URL path the site is served under ("/" or "/repo/"), from the last good build."""
        base_url = self.options.base_url
        if base_url is None:
            base_url = self._site.config.base_url if self._site is not None else "/"
        return UrlBuilder(base_url).base_path

    @_collecting_less()
    def rebuild(self, changed: frozenset[Path] | None = None) -> BuildResult:
        """Build again after `changed` files changed (None: build everything); log the time.

        A file in `changed` is read again and compared by its bytes with what was parsed
        before, whatever its size and time stamp say (`cp -p`, `touch -r` and unpacked archives
        put the old ones back); a file not in it is trusted when its stamp is unchanged.
        """
        started = time.perf_counter()
        self._memo.doubt(changed or ())
        site = load_site(self.options.content, memo=self._memo)
        changed_templates = self._template_names(changed or frozenset())
        self._pending_templates |= changed_templates
        template_files = self._list_templates()
        changes: Changes | None = None
        if (
            changed is None
            or self._site is None
            or self._environment is None
            or template_files != self._template_files
        ):
            # A template added or removed in the override folder can shadow another one, which
            # the compiled-template cache would not notice: start from a fresh environment.
            self._environment = make_environment(template_dirs(self.options.templates))
        else:
            _forget_templates(self._environment, changed_templates)
            changes = diff_sites(self._site, site)
            changes = replace(changes, templates=frozenset(self._pending_templates))
        rendered = 0
        stale = None
        if changes is not None and self._site is not None:
            environment = self._environment
            closures = (
                {name: template_closure(environment, name) for name in KNOWN_TEMPLATES}
                if changes.templates
                else {}
            )
            stale = stale_pages(self._site, site, changes, closures)

        def reuse(spec: PageSpec) -> str | None:
            nonlocal rendered
            previous = self._pages.get(spec.path)
            if previous is not None and stale is not None and not stale(spec.path, spec.template):
                return previous
            rendered += 1
            return None

        extensions = extensions_of(site.config)
        if self._converter is None or self._converter.extensions != extensions:
            self._converter = MarkdownConverter(extensions)
        pages = render_site(
            site,
            self.options.templates,
            self.options.base_url,
            environment=self._environment,
            reuse=reuse,
            converter=self._converter,
        )
        tree = render_tree(site, self.options, pages)
        total = write_tree(site, tree, self.options, self._output)
        self._site, self._pages, self._template_files = site, pages, template_files
        self._pending_templates.clear()
        self.last_rendered = rendered
        seconds = time.perf_counter() - started
        what = "everything" if changes is None else describe_changes(changes)
        log.info("rebuilt %d of %d pages in %.0f ms (%s)", rendered, total, seconds * 1000, what)
        return BuildResult(
            pages=total, files=len(tree.paths), seconds=seconds, out=self.options.out
        )

    def _template_names(self, changed: frozenset[Path]) -> set[str]:
        """Names of the changed files that are templates (static files are copied every build)."""
        folder = self.options.templates.resolve()
        names = set()
        for path in changed:
            try:
                name = path.resolve().relative_to(folder).as_posix()
            except ValueError:
                continue
            if name not in {".", "static"} and not name.startswith("static/"):
                names.add(name)
        return names

    def _list_templates(self) -> frozenset[str]:
        folder = self.options.templates
        if not folder.is_dir():
            return frozenset()
        return frozenset(
            path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
        )


def _forget_templates(environment: jinja2.Environment, names: set[str]) -> None:
    """Drop changed templates from Jinja's cache: it trusts a file's modification time, which an
    editor or a sync tool may have put back, and would keep the old compiled template."""
    if not names or environment.cache is None:
        return
    for key in list(environment.cache.keys()):
        # Jinja keys its cache by (loader, template name).
        if isinstance(key, tuple) and key and key[-1] in names:
            del environment.cache[key]
