"""The page plan owns page kinds: a kind declared once, through the plan's public API, is built,
linked in the menu, listed in the sitemap, checked in `nav:`, `page:` links and summary slugs,
and rendered again by serve and by a command-line build when what it shows changes (and only
then)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scratch import write_site

from site_builder.build import BuildOptions, SiteBuilder, build_site, load_site
from site_builder.deps import Depends
from site_builder.errors import ContentError
from site_builder.pagekinds import BUILTIN_PLAN
from site_builder.pages import Label, PageKind, PagePlan, PageSpec, PlanInput

# Paths of the pages of the new kind whose context was made: one per rendering.
RENDERED: list[str] = []


def _glance_pages(given: PlanInput) -> Iterator[PageSpec]:
    site = given.site

    def context() -> dict[str, object]:
        RENDERED.append("glance/")
        return {"titles": [event.title for event in site.events_in_order()]}

    yield PageSpec(
        "glance/", "glance.html", "At a glance", "The story's events in a list.", context
    )


# The whole declaration of the new kind: nothing else in the package names it.
GLANCE = PageKind(
    "glance",
    "glance.html",
    _glance_pages,
    path="glance/",
    label=Label("glance", "At a glance"),
    exists=lambda site: bool(site.events),
    depends=Depends(frozenset({"events"})),
)
PLAN = BUILTIN_PLAN.with_kind(GLANCE, after="sources")

GLANCE_TEMPLATE = """\
{% extends "base.html" %}
{% block content %}
<h1>{{ page.title }}</h1>
<ul>{% for title in titles %}<li>{{ title }}</li>{% endfor %}</ul>
{% endblock %}
"""

SITE_YAML = """\
title: "Test explainer"
description: "A small explainer used by the tests."
language: en-GB
as_of: 2025-07-19
publisher:
  name: "Test desk"
home: overview
groups:
  - id: north
    label: North
"""


def _summary(slug: str, text: str) -> str:
    return f"---\ntitle: {slug.title()}\nslug: {slug}\ndescription: About {slug}.\n---\n{text}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The minimal site with no `nav:` (the plan's menu) and the new kind's template."""
    write_site(tmp_path, {"site.yaml": SITE_YAML})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "glance.html").write_text(GLANCE_TEMPLATE, encoding="utf-8")
    RENDERED.clear()
    return tmp_path


def _options(project: Path, plan: PagePlan = PLAN) -> BuildOptions:
    return BuildOptions(
        content=project / "content",
        templates=project / "templates",
        out=project / "_site",
        plan=plan,
    )


def _menu(html: str) -> list[str]:
    nav = html[html.index("<nav") : html.index("</nav>")]
    return [part.split('"', 1)[0] for part in nav.split('href="')[1:]]


def test_a_kind_declared_once_is_built_linked_in_the_menu_and_in_the_sitemap(
    project: Path,
) -> None:
    build_site(_options(project))
    out = project / "_site"
    page = (out / "glance" / "index.html").read_text(encoding="utf-8")
    assert "<li>First meeting</li>" in page
    assert "<h1>At a glance</h1>" in page
    # In the menu of every page, in the plan's order: after Sources, before nothing else.
    home = (out / "index.html").read_text(encoding="utf-8")
    assert _menu(home) == ["/", "/timeline/", "/players/", "/sources/", "/glance/"]
    assert ">At a glance<" in home
    assert '<a href="/glance/" aria-current="page">At a glance</a>' in page
    assert "<loc>/glance/</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8")
    # The built-in plan knows nothing of it.
    build_site(BuildOptions(content=project / "content", out=project / "_plain"))
    assert not (project / "_plain" / "glance").exists()
    assert "/glance/" not in (project / "_plain" / "index.html").read_text(encoding="utf-8")


def test_a_site_without_what_the_kind_shows_has_no_such_page(project: Path) -> None:
    write_site(
        project,
        {
            "site.yaml": SITE_YAML,
            "facts/events.yaml": "[]\n",
            "summaries/overview.md": _summary("overview", "No events yet."),
        },
    )
    build_site(_options(project))
    out = project / "_site"
    assert not (out / "glance").exists()
    assert "/glance/" not in _menu((out / "index.html").read_text(encoding="utf-8"))
    assert "glance/" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_nav_page_links_and_slugs_are_checked_against_the_plan(project: Path) -> None:
    content = write_site(
        project,
        {
            "site.yaml": SITE_YAML + "nav: [glance, home]\n",
            "summaries/overview.md": _summary("overview", "See [the list](page:glance)."),
        },
    )
    site = load_site(content, plan=PLAN)  # valid with the kind
    build_site(_options(project))
    home = (project / "_site" / "index.html").read_text(encoding="utf-8")
    assert _menu(home) == ["/glance/", "/"]
    assert 'href="/glance/">the list</a>' in home
    with pytest.raises(ContentError) as error:
        load_site(content)  # the built-in plan has no such page
    assert [problem.message for problem in error.value.problems] == [
        "unknown page 'glance'",  # in nav:
        "broken link 'page:glance': no page 'glance'",
    ]
    assert error.value.problems[0].hint == (
        "known page ids: home, overview, players, sources, timeline, updates"
    )
    assert site.config.nav == ["glance", "home"]
    write_site(
        project,
        {
            "site.yaml": SITE_YAML,
            "summaries/glance.md": _summary("glance", "Text."),
        },
    )
    with pytest.raises(ContentError) as error:
        load_site(project / "content", plan=PLAN)
    assert [p.message for p in error.value.problems] == [
        "slug 'glance' is reserved for a built-in page"
    ]
    load_site(project / "content")  # a summary may have the name where no kind takes it


def _edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_serve_renders_the_kind_again_when_what_it_shows_changes(project: Path) -> None:
    builder = SiteBuilder(_options(project))
    builder.rebuild()
    assert RENDERED == ["glance/"]
    page = project / "_site" / "glance" / "index.html"
    events = project / "content" / "facts" / "events.yaml"
    changed = _edit(events, '"First meeting"', '"First talks"')
    builder.rebuild(frozenset({changed}))
    assert RENDERED == ["glance/", "glance/"]
    assert "<li>First talks</li>" in page.read_text(encoding="utf-8")
    # A player's role is not on it: the page is kept.
    players = project / "content" / "facts" / "players.yaml"
    changed = _edit(players, "role:", "role: Former")
    builder.rebuild(frozenset({changed}))
    assert builder.last_rendered > 0
    assert RENDERED == ["glance/", "glance/"]
    # Its template changed: rendered again.
    template = project / "templates" / "glance.html"
    changed = _edit(template, "<h1>", '<h1 class="glance">')
    builder.rebuild(frozenset({changed}))
    assert RENDERED == ["glance/", "glance/", "glance/"]
    assert '<h1 class="glance">' in page.read_text(encoding="utf-8")


def test_a_command_line_build_renders_the_kind_again_when_what_it_shows_changes(
    project: Path,
) -> None:
    first = build_site(_options(project))
    assert RENDERED == ["glance/"]
    players = project / "content" / "facts" / "players.yaml"
    _edit(players, "role:", "role: Former")
    second = build_site(_options(project), previous=first.state)
    assert 0 < second.rendered < second.pages
    assert RENDERED == ["glance/"]
    _edit(project / "content" / "facts" / "events.yaml", '"First meeting"', '"First talks"')
    build_site(_options(project), previous=second.state)
    assert RENDERED == ["glance/", "glance/"]
    page = (project / "_site" / "glance" / "index.html").read_text(encoding="utf-8")
    assert "<li>First talks</li>" in page


def test_a_plan_refuses_two_kinds_with_one_name_or_one_template() -> None:
    with pytest.raises(ValueError, match="share a name: glance"):
        PLAN.with_kind(GLANCE)
    with pytest.raises(ValueError, match=r"share a template: glance\.html"):
        PLAN.with_kind(PageKind("other", "glance.html", _glance_pages, path="other/"))
    with pytest.raises(ValueError, match="unknown classes of records"):
        Depends(frozenset({"event"}))
