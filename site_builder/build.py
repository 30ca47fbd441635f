"""The pipeline: load → validate → resolve → render → write, and what it reports."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from site_builder.content import load_content
from site_builder.deps import KNOWN_TEMPLATES, Changes, diff_sites, stale_pages, template_closure
from site_builder.deps import describe as describe_changes
from site_builder.errors import ContentError, Problem
from site_builder.links import check_site_links
from site_builder.model import Site
from site_builder.output import OutputTree
from site_builder.render import (
    PageSpec,
    make_environment,
    render_site,
    template_dirs,
    theme_dir,
)
from site_builder.urls import UrlBuilder, output_file
from site_builder.validate import validate_site

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    """Where to read from and write to."""

    content: Path = Path("content")
    templates: Path = Path("templates")
    out: Path = Path("_site")
    base_url: str | None = None
    strict: bool = False  # a broken internal link fails the build instead of a warning


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    pages: int
    files: int
    seconds: float
    out: Path


def load_site(content: Path, source_texts: Mapping[str, str] | None = None) -> Site:
    """Load and validate a content folder; raise ContentError listing every problem."""
    loaded = load_content(content)
    problems = list(loaded.problems)
    if loaded.config is None:
        raise ContentError(problems)
    site = Site(
        config=loaded.config,
        sources=tuple(loaded.sources),
        players=tuple(loaded.players),
        events=tuple(loaded.events),
        summaries=tuple(loaded.summaries),
        updates=tuple(loaded.updates),
        unusable_ids={kind: frozenset(ids) for kind, ids in loaded.unusable_ids.items()},
    )
    # Cross-file checks run even when some items failed to load, so the author sees
    # reference problems in the same run as syntax problems.
    problems += validate_site(site, source_texts)
    if problems:
        raise ContentError(problems)
    return site


def render_tree(
    site: Site, options: BuildOptions, pages: Mapping[str, str] | None = None
) -> OutputTree:
    """Render every page (unless `pages` are already rendered) and collect static assets."""
    if pages is None:
        pages = render_site(site, options.templates, options.base_url)
    tree = OutputTree()
    for site_path, html in pages.items():
        tree.add(output_file(site_path), html)
    tree.add_folder(theme_dir() / "static", "static")
    user_static = options.templates / "static"
    if user_static.is_dir():
        tree.add_folder(user_static, "static", replace=True)
    return tree


def build_site(options: BuildOptions) -> BuildResult:
    """Build the whole site; on any problem raise before writing, leaving old output intact."""
    started = time.perf_counter()
    site = load_site(options.content)
    tree = render_tree(site, options)
    pages = write_tree(site, tree, options)
    seconds = time.perf_counter() - started
    log.info("built %d pages in %.2f s", pages, seconds)
    return BuildResult(pages=pages, files=len(tree.paths), seconds=seconds, out=options.out)


def write_tree(site: Site, tree: OutputTree, options: BuildOptions) -> int:
    """Check the tree's links (an error with --strict, else warnings), then swap it into place.

    Returns the number of HTML pages written.
    """
    broken = link_problems(site, tree, options)
    if broken and options.strict:
        raise ContentError(broken)
    for problem in broken:
        log.warning("%s", problem)
    tree.commit(options.out, protected=(options.content, options.templates))
    return sum(1 for path in tree.paths if path.endswith(".html"))


def check_site(options: BuildOptions, source_texts: Mapping[str, str] | None = None) -> Site:
    """Run every validation, including template rendering in memory; write nothing."""
    site = load_site(options.content, source_texts)
    broken = link_problems(site, render_tree(site, options), options)
    if broken:
        raise ContentError(broken)
    return site


def link_problems(site: Site, tree: OutputTree, options: BuildOptions) -> list[Problem]:
    """Internal links and assets of the rendered tree that do not resolve under its base URL."""
    base_url = options.base_url if options.base_url is not None else site.config.base_url
    return check_site_links(site, {path: tree.get(path) for path in tree.paths}, base_url)


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

    def base_path(self) -> str:
        """The URL path the site is served under ("/" or "/repo/"), from the last good build."""
        base_url = self.options.base_url
        if base_url is None:
            base_url = self._site.config.base_url if self._site is not None else "/"
        return UrlBuilder(base_url).base_path

    def rebuild(self, changed: frozenset[Path] | None = None) -> BuildResult:
        """Build again after `changed` files changed (None: build everything); log the time."""
        started = time.perf_counter()
        site = load_site(self.options.content)
        self._pending_templates |= self._template_names(changed or frozenset())
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

        pages = render_site(
            site,
            self.options.templates,
            self.options.base_url,
            environment=self._environment,
            reuse=reuse,
        )
        tree = render_tree(site, self.options, pages)
        total = write_tree(site, tree, self.options)
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
