"""The page plan: the one owner of page kinds.

A `PageKind` declares everything about a kind of page in one place: its name (in site.yaml's
`nav:` and in `page:` links), its path, its template, the pages it makes (each with its title,
description and context builder), its place and label in the menu, whether a site has it, and
what its pages show (for change tracking). A `PagePlan` is the kinds in order: the order of the
pages and of the default menu. URLs of pages, the menu, the sitemap (the pages listed), the
checks of `nav:`, of `page:` links and of summary slugs, and what an edit makes stale
(deps.stale_pages) all read the plan. The built-in kinds are declared in pagekinds.py; a plan
with another kind is `plan.with_kind(kind)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from site_builder.deps import Depends
from site_builder.i18n import Messages
from site_builder.site import Site
from site_builder.urls import HOME, summary_path
from site_builder.validate import PageNames
from site_builder.views import ViewBuilder

# Folders of the output no summary may take as its slug, besides the pages' own.
OTHER_RESERVED = ("static", "media", "index")


@dataclass(frozen=True)
class PageSpec:
    """A page to render: where it goes, which template, what it says about itself.

    The context is made only when the page is rendered, so listing the pages is cheap and a
    page that is reused (or rendered by another process) costs nothing here.
    """

    path: str
    template: str
    title: str
    description: str
    make_context: Callable[[], dict[str, Any]] = field(default=dict)


class Label(NamedTuple):
    """A kind's name in the menu: a label id of the catalogue and its English text (what
    tools/catalogues.py extracts, like a call of messages.text)."""

    id: str
    text: str


@dataclass(frozen=True)
class PlanInput:
    """What a kind's pages are made from: the site, its views, and the other kinds' pages."""

    site: Site
    views: ViewBuilder
    made: Mapping[str, str]  # site path of each kind (by name) this site has

    def page_url(self, name: str) -> str | None:
        """URL of a kind's page, or None when the site does not have it."""
        path = self.made.get(name)
        return self.views.urls.url(path) if path is not None else None


@dataclass(frozen=True)
class SlugClaim:
    """How a kind keeps summaries off its address ("timeline" for timeline/)."""

    # False: only on a site that has the page, so that a summary written before the kind
    # existed keeps its address on a site without it.
    always: bool = True
    message: str = "slug '{slug}' is reserved for a built-in page"
    hint: str = "choose another slug"


def _always(site: Site) -> bool:
    return True


@dataclass(frozen=True)
class PageKind:
    """A kind of page, declared once (see the module docstring)."""

    name: str  # in site.yaml's nav: and in page: links (when it has a path and a label)
    template: str  # one template per kind: change tracking knows a page by its template
    pages: Callable[[PlanInput], Iterable[PageSpec]]  # every page of the kind, in order
    # The site path of its page (None: a page per record, such as a player's).
    path: str | None = None
    # Its name in the menu (message id, English text); None: never in the menu. The default
    # menu lists the kinds that have one, in the plan's order.
    label: Label | None = None
    exists: Callable[[Site], bool] = _always  # does this site have it (no players: no index)
    depends: Depends | None = None  # what its pages show; None: rendered again on every build
    claim: SlugClaim = field(default_factory=SlugClaim)


@dataclass(frozen=True)
class PagePlan:
    """Every kind of page, in the order their pages are made and listed in the default menu."""

    kinds: tuple[PageKind, ...]

    def __post_init__(self) -> None:
        for attribute in ("name", "template"):
            values = [getattr(kind, attribute) for kind in self.kinds]
            repeated = sorted({value for value in values if values.count(value) > 1})
            if repeated:
                raise ValueError(f"page kinds share a {attribute}: {', '.join(repeated)}")

    def with_kind(self, kind: PageKind, after: str | None = None) -> PagePlan:
        """This plan with one more kind, after the kind named `after` (default: last)."""
        names = [existing.name for existing in self.kinds]
        index = names.index(after) + 1 if after is not None else len(names)
        return PagePlan((*self.kinds[:index], kind, *self.kinds[index:]))

    def kind(self, name: str) -> PageKind:
        """The kind of this name."""
        return next(kind for kind in self.kinds if kind.name == name)

    def made(self, site: Site) -> dict[str, str]:
        """Site path of each named page (see `paths`) this site has, by name."""
        return {name: path for name, path in self.paths().items() if self.kind(name).exists(site)}

    def paths(self) -> dict[str, str]:
        """Site path of each kind with a path and a menu label, by name: the pages `nav:` and
        `page:` links may name (the 404 page has a path, and no name readers are sent to)."""
        return {
            kind.name: kind.path
            for kind in self.kinds
            if kind.path is not None and kind.label is not None
        }

    def specs(self, site: Site, views: ViewBuilder) -> Iterator[PageSpec]:
        """Every page of the site, in a fixed order (so output is deterministic)."""
        given = PlanInput(site, views, self.made(site))
        for kind in self.kinds:
            if kind.exists(site):
                yield from kind.pages(given)

    def default_nav(self) -> list[str]:
        """The menu when site.yaml has no `nav:`: every kind with a label, in order."""
        return [kind.name for kind in self.kinds if kind.label is not None]

    def menu(self, site: Site, messages: Messages) -> list[tuple[str, str]]:
        """The menu's entries as (label, site path), in site.yaml's `nav:` order.

        A summary's slug names the summary (its title is the label); the home summary's is the
        home page. A kind the site does not have is left out, unless a summary has its name.
        """
        config = site.config
        labels = {
            kind.name: messages.text(*kind.label) for kind in self.kinds if kind.label is not None
        }
        targets: dict[str, str] = self.made(site)
        for summary in site.summaries:
            labels[summary.slug] = summary.meta.title
            targets[summary.slug] = summary_path(summary.slug)
        entries = config.nav if config.nav is not None else self.default_nav()
        return [
            (labels[entry], HOME if entry == config.home else targets[entry])
            for entry in entries
            if entry in targets
        ]

    def names(self, site: Site) -> PageNames:
        """What validation needs of the plan: the names `nav:` may list, those this site has,
        and the slugs a summary may not take."""
        reserved: dict[str, tuple[str, str]] = {}
        for slug in OTHER_RESERVED:
            reserved[slug] = SlugClaim().message.format(slug=slug), SlugClaim().hint
        for kind in self.kinds:
            slug = _first_segment(kind.path)
            if slug and (kind.claim.always or kind.exists(site)):
                reserved[slug] = kind.claim.message.format(slug=slug), kind.claim.hint
        return PageNames(
            nav=tuple(self.paths()),
            made=frozenset(self.made(site)),
            reserved=reserved,
        )

    def reserved_slugs(self) -> frozenset[str]:
        """Slugs no summary may take on any site (`new summary` refuses them)."""
        taken = {_first_segment(kind.path) for kind in self.kinds if kind.claim.always}
        return frozenset(taken - {""}) | frozenset(OTHER_RESERVED)

    def depends(self) -> dict[str, Depends]:
        """What the pages of each template show, for deps.stale_pages."""
        return {kind.template: kind.depends for kind in self.kinds if kind.depends is not None}


def _first_segment(path: str | None) -> str:
    """The slug a path takes: "timeline/" -> "timeline", "404.html" -> "404", "" -> ""."""
    if not path:
        return ""
    return path.split("/", 1)[0].removesuffix(".html")


class Deferred:
    """A view made when a template first touches it (then kept): an exception raised while
    making it passes through the template's frame, which locates it at the template's line."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._made = False
        self._value: Any = None

    def _get(self) -> Any:
        if not self._made:
            self._value, self._made = self._make(), True
        return self._value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._get(), name)

    def __bool__(self) -> bool:
        return bool(self._get())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __getitem__(self, key: Any) -> Any:
        return self._get()[key]
