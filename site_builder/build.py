"""The pipeline: load → validate → resolve → render → write, and what it reports."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from site_builder.content import ParseMemo, load_content
from site_builder.deps import describe as describe_changes
from site_builder.errors import ContentError, Problem
from site_builder.factchecks import unverified_quote_problems
from site_builder.i18n import catalogue_labels, parse_language, shipped_languages
from site_builder.incremental import (
    BuildState,
    converted_markdown,
    restore_markdown,
    reuse_of,
    template_hashes,
    where_of,
)
from site_builder.liveoutput import InPlace, LiveOutput
from site_builder.markup import MarkdownConverter
from site_builder.mdengine import extension_problems, extensions_of
from site_builder.media import prepare_media
from site_builder.model import SourceText
from site_builder.outlock import output_lock
from site_builder.output import Discard
from site_builder.pagekinds import BUILTIN_PLAN
from site_builder.pages import PagePlan
from site_builder.pipeline import PageRecord, Progress, plan_reuse, run
from site_builder.render import SiteRenderer, make_environment, template_dirs
from site_builder.site import Site
from site_builder.staging import Staging
from site_builder.urls import UrlBuilder
from site_builder.validate import validate_site
from site_builder.workers import collecting_less

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
    plan: PagePlan = BUILTIN_PLAN  # the kinds of page (pages.py)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    pages: int
    files: int
    seconds: float
    out: Path
    warnings: tuple[str, ...] = ()  # broken links, when not --strict
    rendered: int = 0  # pages rendered (the others were carried over from the last build)
    state: BuildState | None = None  # for the next build's reuse (the build cache keeps it)


def load_site(
    content: Path,
    source_texts: Mapping[str, SourceText] | None = None,
    memo: ParseMemo | None = None,
    plan: PagePlan = BUILTIN_PLAN,
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
    problems += validate_site(site, plan.names(site))
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


@collecting_less()
def build_site(
    options: BuildOptions, progress: Progress | None = None, previous: BuildState | None = None
) -> BuildResult:
    """Build the whole site; on any problem raise before swapping, leaving old output intact.

    The output folder is this build's alone from before the content is read until the swap
    (another build waits, a running `serve` refuses it). Pages are written to the new output
    folder as they are rendered (by several processes on a large site); only each page's links
    and size are kept, for the link check before the swap. With `previous`, the state the last
    build into this folder left (the output must be as it left it), only the pages an edit
    makes stale are rendered; the others are carried over from the previous output.
    """
    started = time.perf_counter()
    where = where_of(options.content, options.templates, options.out, options.base_url)
    if previous is not None and previous.where != where:
        previous = None
    with output_lock(options.out, "build"):
        memo = previous.memo if previous is not None else ParseMemo()
        memo.doubt(path for path in options.content.rglob("*") if path.is_file())
        site = load_site(options.content, memo=memo, plan=options.plan)
        renderer = SiteRenderer(site, options.templates, options.base_url, plan=options.plan)
        templates = template_hashes(options.templates)
        reuse = None
        if previous is not None:
            restore_markdown(previous, renderer.converter, site)
            reuse = reuse_of(
                previous, site, templates, renderer.environment, options.plan.depends()
            )
        protected = (options.content, options.templates)
        # A full build writes a new folder and swaps it in; a build after an edit changes
        # only the files that differ, all or none (both leave the output intact on failure).
        writer = (
            InPlace(options.out, protected)
            if reuse is not None
            else Staging(options.out, protected)
        )
        with writer:
            result = run(
                renderer,
                writer,
                _base(site, options),
                options.templates,
                reuse,
                options.jobs,
                progress,
            )
            broken = result.broken_links + result.over_budget
            _report_broken_links(broken, options, unverified_quote_problems(site))
            writer.commit()
    seconds = time.perf_counter() - started
    pages = len(renderer.pages)
    what = "everything" if reuse is None else describe_changes(reuse.changes)
    log.info("built %d pages (rendered %d: %s) in %.2f s", pages, result.rendered, what, seconds)
    state = BuildState(
        where=where,
        memo=memo,
        site=site,
        pages=result.pages,
        templates=templates,
        extensions=renderer.converter.extensions,
        markdown=converted_markdown(renderer.converter, site),
    )
    return BuildResult(
        pages=pages,
        files=result.files,
        seconds=seconds,
        out=options.out,
        warnings=tuple(str(problem) for problem in broken),
        rendered=result.rendered,
        state=state,
    )


def _report_broken_links(
    broken: list[Problem], options: BuildOptions, unverified: list[Problem] | None = None
) -> None:
    """Broken links and pages over the weight budget: warnings, or errors with --strict, which
    also fails on quotes no source text can verify."""
    if options.strict and (broken or unverified):
        raise ContentError([*broken, *(unverified or [])])
    for problem in broken:
        log.warning("%s", problem)


@collecting_less()
def check_site(options: BuildOptions, source_texts: Mapping[str, SourceText] | None = None) -> Site:
    """Run every validation, including template rendering (on every core for a large site);
    write nothing.

    With --strict, quotes of a source that has no text (so cannot be verified) are an error.
    """
    site = load_site(options.content, source_texts, plan=options.plan)
    renderer = SiteRenderer(site, options.templates, options.base_url, plan=options.plan)
    result = run(renderer, Discard(), _base(site, options), options.templates, jobs=options.jobs)
    problems = list(result.broken_links)
    if options.strict:
        problems += unverified_quote_problems(site)
    if problems:
        raise ContentError(problems)
    for problem in result.over_budget:
        log.warning("%s", problem)  # a heavy page is not an error in the content
    return site


def _base(site: Site, options: BuildOptions) -> str:
    return options.base_url if options.base_url is not None else site.config.base_url


class SiteBuilder:
    """Builds the site, then rebuilds it after changes, rendering only the pages made stale.

    Keeps the last good site, its pages' links and sizes, the compiled templates and the
    converted Markdown between builds; what a change makes stale comes from `deps.py`. The run
    is `build_site`'s, with a writer that replaces only the files that changed (LiveOutput);
    a failed rebuild raises before writing, so the last good output stays in place.
    """

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self._site: Site | None = None
        self._pages: Mapping[str, PageRecord] = {}  # the last good build's, by output file
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

    @collecting_less()
    def rebuild(self, changed: frozenset[Path] | None = None) -> BuildResult:
        """Build again after `changed` files changed (None: build everything); log the time.

        A file in `changed` is read again and compared by its bytes with what was parsed
        before, whatever its size and time stamp say (`cp -p`, `touch -r` and unpacked archives
        put the old ones back); a file not in it is trusted when its stamp is unchanged.
        """
        started = time.perf_counter()
        self._memo.doubt(changed or ())
        site = load_site(self.options.content, memo=self._memo, plan=self.options.plan)
        changed_templates = self._template_names(changed or frozenset())
        self._pending_templates |= changed_templates
        template_files = self._list_templates()
        reuse = None
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
            reuse = plan_reuse(
                self._site,
                site,
                frozenset(self._pending_templates),
                self._environment,
                self._pages,
                self.options.plan.depends(),
            )
        extensions = extensions_of(site.config)
        if self._converter is None or self._converter.extensions != extensions:
            self._converter = MarkdownConverter(extensions)
        renderer = SiteRenderer(
            site,
            self.options.templates,
            self.options.base_url,
            self._environment,
            self._converter,
            self.options.plan,
        )
        writer = self._output.writer()
        # One process: forking beside the preview server's threads is not safe.
        jobs = self.options.jobs or 1
        result = run(
            renderer, writer, _base(site, self.options), self.options.templates, reuse, jobs
        )
        _report_broken_links(
            result.broken_links + result.over_budget,
            self.options,
            unverified_quote_problems(site),
        )
        writer.commit()
        self._site, self._pages, self._template_files = site, result.pages, template_files
        self._pending_templates.clear()
        self.last_rendered = result.rendered
        seconds = time.perf_counter() - started
        what = "everything" if reuse is None else describe_changes(reuse.changes)
        total = len(result.pages)
        log.info(
            "rebuilt %d of %d pages in %.0f ms (%s)", result.rendered, total, seconds * 1000, what
        )
        return BuildResult(pages=total, files=result.files, seconds=seconds, out=self.options.out)

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
