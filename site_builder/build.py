"""The pipeline: load → validate → resolve → render → write, and what it reports."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from site_builder.content import load_content
from site_builder.errors import ContentError, Problem
from site_builder.links import check_site_links
from site_builder.model import Site
from site_builder.output import OutputTree
from site_builder.render import render_site, theme_dir
from site_builder.urls import output_file
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


def render_tree(site: Site, options: BuildOptions) -> OutputTree:
    """Render every page and collect static assets, all in memory."""
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
    broken = link_problems(site, tree, options)
    if broken and options.strict:
        raise ContentError(broken)
    for problem in broken:
        log.warning("%s", problem)
    tree.commit(options.out, protected=(options.content, options.templates))
    seconds = time.perf_counter() - started
    pages = sum(1 for path in tree.paths if path.endswith(".html"))
    log.info("built %d pages in %.2f s", pages, seconds)
    return BuildResult(pages=pages, files=len(tree.paths), seconds=seconds, out=options.out)


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
