"""One run for build, check and serve: the page plan, a writer, what can be reused, jobs.

`run` takes a loaded and validated site (build.load_site) with its renderer, whose page plan
lists every page. It converts the site's Markdown, keeps each page the previous output can
supply unchanged (`Reuse`), renders the others, in forked processes on a large site, writes
them and the site's other files through its `Writer` (output.py), and checks every page's
links and weight. Build, check and serve differ only in the writer and in what they reuse:
never in how a page is made, so their bytes cannot drift apart.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import jinja2

from site_builder.deps import Changes, Depends, diff_sites, stale_pages, template_closure
from site_builder.errors import ContentError, Problem
from site_builder.links import PageLinks, check_site_links, page_links
from site_builder.markup import MarkdownConverter
from site_builder.mdengine import ConversionError
from site_builder.output import Writer
from site_builder.pages import PageSpec
from site_builder.render import SiteRenderer, convert_texts, theme_dir, unique_problems
from site_builder.site import Site
from site_builder.urls import output_file
from site_builder.validate import MarkdownText, markdown_texts
from site_builder.weight import over_budget, page_weights
from site_builder.workers import in_workers, jobs_for


class Progress(Protocol):
    """Told how far a stage is: `done` of `total`, and what ("rendered", "pages")."""

    def __call__(self, done: int, total: int, verb: str = ..., noun: str = ...) -> None: ...


# Below this many pages (or Markdown texts to convert), starting a second process costs more
# than it saves.
PARALLEL_FROM_PAGES = 400
PARALLEL_FROM_TEXTS = 400
_CHUNK = 64  # pages per task: small enough to balance the timeline's weight between processes
_TEXT_CHUNK = 64  # Markdown texts per task


@dataclass(frozen=True)
class PageRecord:
    """What the link check and the page budget need of a written page, kept between runs."""

    links: PageLinks
    size: int  # bytes of HTML


@dataclass(frozen=True)
class Reuse:
    """What the previous run left that this one may keep: a page not stale keeps its file."""

    pages: Mapping[str, PageRecord]  # by output file
    stale: Callable[[str, str], bool]  # (site path, template): must it be rendered again?
    changes: Changes  # what differs, for the log


@dataclass(frozen=True)
class RunResult:
    """What a run wrote and found."""

    pages: dict[str, PageRecord]  # every page, by output file
    files: int
    rendered: int  # pages rendered (the others were kept)
    broken_links: list[Problem]
    over_budget: list[Problem]


def run(
    renderer: SiteRenderer,
    writer: Writer,
    base_url: str,
    user_templates: Path | None,
    reuse: Reuse | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Write the site of `renderer` through `writer` (not committed), reusing what `reuse`
    allows; raise ContentError listing every Markdown and template problem."""
    site = renderer.site
    convert_markdown(site, renderer.converter, jobs, progress)
    kept: dict[str, PageRecord] = {}
    todo: list[PageSpec] = []
    for spec in renderer.pages:
        file = output_file(spec.path)
        record = _reusable(reuse, spec, file)
        if record is not None and writer.keep(file):
            kept[file] = record
        else:
            todo.append(spec)
    processes = jobs_for(jobs, len(todo), PARALLEL_FROM_PAGES)
    rendered = render_pages(renderer, todo, writer, processes, progress)
    pages = {
        file: kept[file] if file in kept else rendered[file]
        for file in (output_file(spec.path) for spec in renderer.pages)
    }
    for path, text in renderer.extra_files().items():
        writer.write(path, text)
    for media in site.media_files.values():
        writer.write(media.path, media.data)
    for folder, overrides in static_folders(user_templates):
        writer.copy_folder(folder, "static", replace=overrides)
    links = {file: record.links for file, record in pages.items()}

    def size_of(path: str) -> int | None:
        record = pages.get(path)
        return record.size if record is not None else writer.size(path)

    paths = writer.paths
    return RunResult(
        pages=pages,
        files=len(paths),
        rendered=len(rendered),
        broken_links=check_site_links(site, paths, links, base_url),
        over_budget=over_budget(page_weights(links, size_of, base_url)),
    )


def _reusable(reuse: Reuse | None, spec: PageSpec, file: str) -> PageRecord | None:
    if reuse is None or reuse.stale(spec.path, spec.template):
        return None
    return reuse.pages.get(file)


def plan_reuse(
    old: Site,
    new: Site,
    templates: frozenset[str],
    environment: jinja2.Environment,
    pages: Mapping[str, PageRecord],
    depends: Mapping[str, Depends],
) -> Reuse:
    """What of the run that made `pages` from `old` a run of `new` may keep, when the template
    files named in `templates` changed in between; `depends` is what the pages of each template
    show (the page plan's PagePlan.depends). deps.py decides."""
    changes = replace(diff_sites(old, new), templates=templates)
    closures = {name: template_closure(environment, name) for name in depends} if templates else {}
    return Reuse(pages, stale_pages(old, new, changes, closures, depends), changes)


def static_folders(user_templates: Path | None) -> list[tuple[Path, bool]]:
    """Folders copied to static/, in order, and whether each overrides the files before it:
    the theme's, then the user's."""
    folders = [(theme_dir() / "static", False)]
    if user_templates is not None and (user_templates / "static").is_dir():
        folders.append((user_templates / "static", True))
    return folders


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
    processes = jobs_for(jobs, len(distinct), PARALLEL_FROM_TEXTS)
    done = 0
    for converted in in_workers(task, len(distinct), _TEXT_CHUNK, processes):
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


def render_pages(
    renderer: SiteRenderer,
    specs: Sequence[PageSpec],
    writer: Writer,
    jobs: int,
    progress: Progress | None = None,
) -> dict[str, PageRecord]:
    """Render pages and write them through `writer`; return each page's record by file.

    With several jobs, forked processes share the pages out in chunks; each has the loaded site
    and its converted Markdown already (fork copies them) and renders its pages. A writer that
    writes to disk is written by them, and only the pages' links and sizes come back; otherwise
    the HTML comes back too. Raise ContentError listing every template problem.
    """
    total = len(specs)
    records: dict[str, PageRecord] = {}
    problems: list[Problem] = []
    if jobs > 1 and total > _CHUNK:
        _precompile(renderer, specs)  # once here rather than once per process
    task = functools.partial(_render_chunk, renderer, specs, writer)
    for result in in_workers(task, total, _CHUNK, jobs):
        for file, record, html in result.pages:
            if html is not None:
                writer.put(file, html)
            records[file] = record
        problems.extend(result.problems)
        if progress is not None:
            progress(len(records) + len(problems), total)
    if problems:
        raise ContentError(unique_problems(problems))
    writer.note(records)
    return records


@dataclass(frozen=True)
class _ChunkResult:
    pages: list[tuple[str, PageRecord, bytes | None]]  # the HTML when the writer did not take it
    problems: list[Problem]


def _render_chunk(
    renderer: SiteRenderer, specs: Sequence[PageSpec], writer: Writer, indexes: range
) -> _ChunkResult:
    pages: list[tuple[str, PageRecord, bytes | None]] = []
    problems: list[Problem] = []
    for index in indexes:
        spec = specs[index]
        try:
            html = renderer.render(spec)
        except ContentError as error:
            problems += error.problems
            continue
        file, data = output_file(spec.path), html.encode("utf-8")
        record = PageRecord(page_links(html), len(data))
        if writer.from_workers:
            writer.put(file, data)  # recorded by render_pages, in the first process
            pages.append((file, record, None))
        else:
            pages.append((file, record, data))
    return _ChunkResult(pages, problems)


def _precompile(renderer: SiteRenderer, specs: Sequence[PageSpec]) -> None:
    for name in sorted({spec.template for spec in specs}):
        # A broken template is reported page by page when rendering.
        with contextlib.suppress(jinja2.TemplateError):
            renderer.environment.get_template(name)
