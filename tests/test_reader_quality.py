"""Reader quality, checked with real tools on every page of the built explainer.

axe-core in headless Chromium (light and dark, phone and desktop widths), the W3C Nu HTML
Checker, page weight (HTML + CSS + JS under 50 KB) and no horizontal scroll on small phones.
One built site and one browser serve every test here.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import static_server
from quality import WEIGHT_LIMIT, axe_violations, page_urls, page_weight, vnu_errors

from site_builder.embed import embed_child_script

# (width, colour scheme): phone and desktop, light and dark.
VIEWS = [(375, "light"), (375, "dark"), (1280, "light"), (1280, "dark")]
# 320 px is 1280 px at 400% zoom (WCAG reflow); 360 px is a small Android phone.
NARROW_WIDTHS = [320, 360, 375]


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    """The built explainer over real HTTP."""
    with static_server(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def story_urls(story_sites: dict[str, Path]) -> Iterator[dict[str, str]]:
    """The other stories (tests/fixtures) over real HTTP."""
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(static_server(site)) for name, site in story_sites.items()}


def _goto(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=[f"{w}px-{s}" for w, s in VIEWS])
def test_no_axe_violations(
    browser: Any, built_site: Path, site_url: str, width: int, scheme: str
) -> None:
    """Every page: zero axe-core violations (WCAG 2.2 A/AA and best practices)."""
    assert_no_axe_violations(browser, built_site, site_url, width, scheme)


# The other stories at a phone in light mode and a desktop in dark mode (the explainer, above,
# covers all four views of the same templates).
STORY_VIEWS = [(375, "light"), (1280, "dark")]


@pytest.mark.parametrize("story", ["i18n-uk", "ship-no-sides", "local-fire"])
@pytest.mark.parametrize(
    ("width", "scheme"), STORY_VIEWS, ids=[f"{w}px-{s}" for w, s in STORY_VIEWS]
)
def test_other_stories_have_no_axe_violations(
    browser: Any,
    story_sites: dict[str, Path],
    story_urls: dict[str, str],
    story: str,
    width: int,
    scheme: str,
) -> None:
    """A Ukrainian site and a ship story with pictures: zero axe-core violations too."""
    assert_no_axe_violations(browser, story_sites[story], story_urls[story], width, scheme)


def assert_no_axe_violations(
    browser: Any, built_site: Path, site_url: str, width: int, scheme: str
) -> None:
    """Run axe-core on every page of a site served at site_url; no request may leave it."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(site_url) else None
        ),
    )
    found = {}
    try:
        for path in page_urls(built_site):
            _goto(page, site_url + path)
            for rule, detail in axe_violations(page).items():
                found[f"/{path} {rule}"] = detail
    finally:
        context.close()
    assert not found, "axe violations:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
    assert not outside, f"requests left the site: {outside}"


def test_no_horizontal_scroll_on_small_phones(
    browser: Any,
    built_site: Path,
    site_url: str,
    story_sites: dict[str, Path],
    story_urls: dict[str, str],
) -> None:
    """At 320-375 px no page scrolls sideways (document width within the viewport); the other
    stories (long Ukrainian words, pictures) at 320 px."""
    overflowing = []
    sites = [(built_site, site_url, NARROW_WIDTHS)]
    sites += [(story_sites[name], story_urls[name], [320]) for name in story_sites]
    for site, base, widths in sites:
        overflowing += _overflowing(browser, site, base, widths)
    assert not overflowing, "\n".join(overflowing)


def _overflowing(browser: Any, built_site: Path, site_url: str, widths: list[int]) -> list[str]:
    overflowing = []
    for width in widths:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        for path in page_urls(built_site):
            _goto(page, site_url + path)
            scroll, client = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll > client:
                overflowing.append(
                    f"{site_url}{path} at {width} px: scrollWidth {scroll} > {client}"
                )
        context.close()
    return overflowing


def _contrast_script() -> str:
    """JS returning the lowest contrast ratio of the chart's SVG text against the chart panel."""
    return """() => {
      const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      const panel = getComputedStyle(document.querySelector('figure.chart')).backgroundColor;
      const ratios = [...document.querySelectorAll('.chart-svg text')].map(t => {
        const [a, b] = [lum(getComputedStyle(t).fill), lum(panel)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05); });
      return Math.min(...ratios);
    }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_text_has_enough_contrast(browser: Any, site_url: str, scheme: str) -> None:
    """SVG text is an image to axe ("needs review"), so its contrast is measured here."""
    page = browser.new_page(viewport={"width": 375, "height": 800}, color_scheme=scheme)
    page.goto(site_url + "timeline/")
    lowest = page.evaluate(_contrast_script())
    page.close()
    assert lowest >= 4.5, f"chart text contrast {lowest:.2f}:1 in {scheme} mode"


def test_print_keeps_the_timeline_and_sources(browser: Any, site_url: str) -> None:
    """On paper the navigation goes; the chart, events and sources stay, on white."""
    page = browser.new_page()
    page.emulate_media(media="print")
    shown = {}
    for path, selector in [
        ("timeline/", "nav"),
        ("timeline/", "figure.chart"),
        ("timeline/", "li.event"),
        ("sources/", "li.source"),
    ]:
        page.goto(site_url + path)
        shown[f"{path} {selector}"] = page.locator(selector).first.is_visible()
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    page.close()
    assert shown == {
        "timeline/ nav": False,
        "timeline/ figure.chart": True,
        "timeline/ li.event": True,
        "sources/ li.source": True,
    }
    assert background == "rgb(255, 255, 255)"


def test_skip_link_and_focus_are_visible(browser: Any, site_url: str) -> None:
    """The first Tab reaches the skip link, which shows on screen with a focus outline."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(site_url + "timeline/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const el = document.activeElement; const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return [el.className, box.left >= 0 && box.top >= 0, style.outlineStyle]; }"""
    )
    page.close()
    assert focused[0] == "skip-link" and focused[1], focused
    assert focused[2] != "none", "the focused skip link has no visible outline"


def test_html_is_valid(built_site: Path, story_sites: dict[str, Path]) -> None:
    """The W3C Nu HTML Checker finds no error on any page of the explainer and of the other
    stories, nor in the SVG favicon.

    The stylesheet is not given to it: the checker's bundled CSS validator predates properties
    every current browser supports (color-scheme, paint-order) and reports them as unknown.
    """
    files = [*sorted(built_site.rglob("*.html")), built_site / "static" / "favicon.svg"]
    for site in story_sites.values():
        files += sorted(site.rglob("*.html"))
    errors = vnu_errors(files)
    assert not errors, "\n".join(errors)
    assert len(files) >= 35


def test_every_page_is_light(
    built_site: Path, story_sites: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """HTML + CSS + JS of every page of the explainer and of the other stories stays under
    50 KB; the figures are printed."""
    rows = []
    heavy = []
    for name, site in {"explainer": built_site, **story_sites}.items():
        for file in sorted(site.rglob("*.html")):
            html, css, js = page_weight(site, file)
            total = html + css + js
            path = f"{name}/{file.relative_to(site).as_posix()}"
            row = f"{path:<48} {html:>7} {css:>6} {js:>5} {total:>7} {total / 1024:6.1f} KB"
            rows.append(row)
            if total >= WEIGHT_LIMIT:
                heavy.append(f"{path}: {total} bytes")
    with capsys.disabled():
        print("\npage weights (bytes, uncompressed)")
        print(f"{'page':<48} {'html':>7} {'css':>6} {'js':>5} {'total':>7}")
        print("\n".join(rows))
    assert not heavy, f"pages over {WEIGHT_LIMIT} bytes: {heavy}"


def test_no_javascript_needed(built_site: Path) -> None:
    """Pages carry no script except JSON-LD data: everything reads without JavaScript. The one
    exception is the embed, whose few lines size its frame in another site's page (without
    them it scrolls inside a fixed height: tests/test_embed.py)."""
    for file in sorted(built_site.rglob("*.html")):
        html = file.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
        tags = re.findall(r"<script\b[^>]*>", html)
        for tag, body in zip(tags, scripts, strict=True):
            if file == built_site / "embed" / "timeline" / "index.html" and tag == "<script>":
                assert body == embed_child_script()
                continue
            assert 'type="application/ld+json"' in tag, f"{file}: {tag}"


def test_timeline_has_an_accessible_svg_overview(built_site: Path) -> None:
    """The timeline page draws its events as an SVG with a title and a description."""
    html = (built_site / "timeline" / "index.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">' in svg and '<desc id="chart-desc">' in svg
    assert "status-proposed" in svg  # the proposed meeting is drawn differently
    assert "shape-approximate" in svg  # month and week dates are spans, not points
    assert svg.count('class="chart-event ') == html.count('<li class="event ')
