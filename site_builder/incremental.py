"""What one `site-builder build` leaves for the next: enough to re-render only what an edit
makes stale, as `serve` does between saves.

A `BuildState` holds the parsed fact files (by a hash of their bytes), the site they made, each
page's links and size (for the link check and the page budget of pages that are kept), a hash of
every override template, and the converted Markdown by a hash of its text. The build cache
(cache.py) stores it with the package's version; deps.py decides what is stale. Everything is
compared by content: a file's time stamp is never trusted here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from site_builder.content import ParseMemo
from site_builder.deps import Depends
from site_builder.fieldtypes import MarkdownExtension
from site_builder.markup import MarkdownConverter
from site_builder.pipeline import PageRecord, Reuse, plan_reuse
from site_builder.site import Site
from site_builder.validate import markdown_texts


@dataclass(frozen=True)
class BuildState:
    """What a successful build read and wrote, for the next build of the same output."""

    where: tuple[str, str, str, str | None]  # content, templates, output (resolved), base URL
    memo: ParseMemo
    site: Site
    pages: Mapping[str, PageRecord]  # by output file
    templates: Mapping[str, str]  # override template name -> hash of its bytes
    extensions: tuple[MarkdownExtension, ...]
    markdown: Mapping[str, str]  # hash of a text -> its converted HTML


def where_of(
    content: Path, templates: Path, out: Path, base_url: str | None
) -> tuple[str, str, str, str | None]:
    """The folders and base URL a state belongs to."""
    return (str(content.resolve()), str(templates.resolve()), str(out.resolve()), base_url)


def template_hashes(folder: Path) -> dict[str, str]:
    """A hash of each override template's bytes, by name (static files are copied each build)."""
    if not folder.is_dir():
        return {}
    hashes = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if name == "static" or name.startswith("static/") or not path.is_file():
            continue
        try:
            hashes[name] = _hash(path.read_bytes())
        except OSError:
            hashes[name] = ""  # the build reports it if a page uses it
    return hashes


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def restore_markdown(state: BuildState, converter: MarkdownConverter, site: Site) -> None:
    """Give the converter the HTML of every text of `site` that the last build converted."""
    if tuple(converter.extensions) != tuple(state.extensions):
        return
    known = {}
    for markdown in markdown_texts(site):
        html = state.markdown.get(_hash(markdown.text.encode("utf-8")))
        if html is not None:
            known[markdown.text] = html
    converter.remember(known)


def converted_markdown(converter: MarkdownConverter, site: Site) -> dict[str, str]:
    """The HTML of every text of `site`, by a hash of the text, for the next build."""
    return {
        _hash(markdown.text.encode("utf-8")): converter.convert(markdown.text)
        for markdown in markdown_texts(site)
    }


def reuse_of(
    state: BuildState,
    site: Site,
    templates: Mapping[str, str],
    environment: jinja2.Environment,
    depends: Mapping[str, Depends],
) -> Reuse | None:
    """What of the last build's output this build of `site` may keep (None: nothing)."""
    if set(templates) != set(state.templates):
        # A template added or removed can shadow another one: every page is rendered.
        return None
    changed = frozenset(
        name for name, digest in templates.items() if state.templates[name] != digest
    )
    return plan_reuse(state.site, site, changed, environment, state.pages, depends)
