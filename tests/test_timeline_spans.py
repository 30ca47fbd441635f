"""Timelines of every span, each built, validated, checked with axe and measured in Chromium.

Five fixtures unlike the first explainer (tests/fixtures/spans-*): a one-day incident told in
hours; five centuries with BC dates; a story in eras with a burst of hours in a backstory of
years; a thin site with one event and no players; 200 events over 50 years, split into pages.
Each is also built in Ukrainian (`uk:` variants: the theme's words, dates and axis labels are
longer), beside the Ukrainian fixture (tests/fixtures/i18n-uk), and the story in eras in Arabic
(`ar:eras`, right to left). On every timeline page, at 375 and 1280 px, no two labels of the
chart overlap and none leaves the chart, and every page stays under the page budget. The
figures (weight, labels shown, the axis's step) are printed.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, static_server
from quality import WEIGHT_LIMIT, axe_violations, page_weight, vnu_errors

from site_builder.build import BuildOptions, build_site, load_site
from site_builder.timelineview import chart_view
from site_builder.urls import UrlBuilder
from site_builder.views import ViewBuilder

SPANS = ["incident-hours", "centuries-bc", "eras", "thin", "200-events"]
# Each fixture in English, each again in Ukrainian, the Ukrainian story, and one right to left.
FIXTURES = [*SPANS, *(f"uk:{name}" for name in SPANS), "i18n-uk", "ar:eras"]
WIDTHS = [375, 1280]


def _content(name: str, root: Path) -> Path:
    """The content folder of a fixture; a `language:name` variant is a copy in that language."""
    if name == "i18n-uk":
        return ROOT / "tests" / "fixtures" / "i18n-uk"
    language, _, span = name.rpartition(":")
    source = ROOT / "tests" / "fixtures" / f"spans-{span}"
    if not language:
        return source
    copy = root / "content" / name.replace(":", "-")
    shutil.copytree(source, copy)
    config = yaml.safe_load((copy / "site.yaml").read_text("utf-8"))
    config["language"] = language
    (copy / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return copy


@dataclass
class Built:
    """A fixture built into a folder and served over HTTP."""

    name: str
    content: Path
    out: Path
    url: str
    warnings: tuple[str, ...]

    def timeline_pages(self) -> list[str]:
        """URL paths of the timeline's pages (the index, then each part)."""
        folder = self.out / "timeline"
        parts = sorted(f"timeline/{page.parent.name}/" for page in folder.glob("*/index.html"))
        return ["timeline/", *parts]

    def pages(self) -> list[str]:
        """URL paths of every HTML page."""
        return sorted(
            file.relative_to(self.out).as_posix().removesuffix("index.html")
            for file in self.out.rglob("*.html")
        )


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    """Every fixture built once (with the package theme only) and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("spans")
    built = {}
    with contextlib.ExitStack() as stack:
        for name in FIXTURES:
            content = _content(name, root)
            out = root / name.replace(":", "-")
            result = build_site(
                BuildOptions(content=content, templates=root / "no-templates", out=out)
            )
            url = stack.enter_context(static_server(out))
            built[name] = Built(name, content, out, url, result.warnings)
        yield built


def test_every_fixture_builds_without_a_warning(sites: dict[str, Built]) -> None:
    """No broken link and no page over the budget: a strict build would pass."""
    assert {name: site.warnings for name, site in sites.items()} == {name: () for name in FIXTURES}


def test_every_page_is_under_the_budget(
    sites: dict[str, Built], capsys: pytest.CaptureFixture[str]
) -> None:
    """HTML and CSS of every page under 50 KB; the timeline pages' figures are printed."""
    rows, heavy = [], []
    for name, site in sites.items():
        for path in site.pages():
            file = site.out / (path + "index.html" if not path or path.endswith("/") else path)
            html, css, js = page_weight(site.out, file)
            if html + css + js >= WEIGHT_LIMIT:
                heavy.append(f"{name}/{path}: {html + css + js} bytes")
            if path.startswith("timeline/"):
                rows.append(
                    f"{name:<15} /{path:<26} {html:>7} {css:>6} {(html + css) / 1024:6.1f} KB"
                )
    with capsys.disabled():
        print("\ntimeline pages (bytes of HTML, CSS; total)")
        print("\n".join(rows))
    assert not heavy, heavy
    for name in ("200-events", "uk:200-events"):
        assert len(sites[name].timeline_pages()) > 2, "200 events over 50 years are split"


# Every text element of the chart that is drawn, with its box in CSS pixels.
_CHART_TEXTS = """() => [...document.querySelectorAll('figure.chart')].map(figure => {
  const svg = figure.querySelector('svg.chart-svg').getBoundingClientRect();
  const texts = [...figure.querySelectorAll('svg.chart-svg text')]
    .filter(t => t.getClientRects().length > 0 && getComputedStyle(t).display !== 'none')
    .map(t => { const b = t.getBoundingClientRect();
      return {text: t.textContent, cls: t.getAttribute('class') || '', left: b.left,
              right: b.right, top: b.top, bottom: b.bottom}; });
  return {left: svg.left, right: svg.right, texts};
})"""


def _overlaps(a: dict[str, Any], b: dict[str, Any], slack: float = 0.5) -> bool:
    return (
        a["left"] < b["right"] - slack
        and b["left"] < a["right"] - slack
        and a["top"] < b["bottom"] - slack
        and b["top"] < a["bottom"] - slack
    )


@pytest.mark.parametrize("name", FIXTURES)
def test_chart_labels_never_overlap_at_375_and_1280_px(
    browser: Any, sites: dict[str, Built], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Measured in Chromium: no two drawn texts of a chart overlap, and none leaves it."""
    site = sites[name]
    found, report = [], []
    loaded = load_site(site.content)
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        for path in site.timeline_pages():
            page.goto(site.url + path)
            charts = page.evaluate(_CHART_TEXTS)
            assert charts, f"/{path} has no chart"
            for chart in charts:
                texts = chart["texts"]
                for a, b in itertools.combinations(texts, 2):
                    if _overlaps(a, b):
                        found.append(f"/{path} at {width} px: {a['text']!r} over {b['text']!r}")
                for text in texts:
                    if text["left"] < chart["left"] - 1 or text["right"] > chart["right"] + 1:
                        found.append(f"/{path} at {width} px: {text['text']!r} leaves the chart")
                ticks = [t for t in texts if t["cls"] in ("chart-tick", "chart-context")]
                report.append(f"{name:<15} /{path:<26} {width:>5} px {len(ticks):>3} labels")
        page.close()
    for path in site.timeline_pages()[:1]:
        events = None if path == "timeline/" else loaded.timeline_pages.get(path)
        chart = chart_view(loaded, ViewBuilder(loaded, UrlBuilder("/")), events)
        assert chart is not None
        steps = " / ".join(f"{t.media}: {t.step}" for t in chart.main.tick_sets)
        report.append(f"{name:<15} /{path:<26} axis {steps}")
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert not found, "\n".join(found)


# axe and the narrow-phone check run on the English fixtures, and on one in Ukrainian and one
# right to left (the Ukrainian story's own pages are checked with the explainer's).
CHECKED = [*SPANS, "uk:eras", "ar:eras"]


def _checked_pages(site: Built) -> list[str]:
    """The pages these fixtures add to what the explainer's own tests check: each timeline page
    (the index and two parts of a split one) and the embedded timeline, and the thin site's
    home (it has no players page: a site with no players leaves it out)."""
    if site.name == "thin":
        return ["", "timeline/", "embed/timeline/"]
    return [*site.timeline_pages()[:3], "embed/timeline/"]


def test_no_axe_violations_on_the_fixtures(browser: Any, sites: dict[str, Built]) -> None:
    """Zero axe-core violations, on a phone in light mode and on a desktop in dark mode (the
    explainer's own test runs every page kind in all four combinations)."""
    found = {}
    for width, scheme in ((375, "light"), (1280, "dark")):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        for name in CHECKED:
            site = sites[name]
            for path in _checked_pages(site):
                response = page.goto(site.url + path)
                assert response is not None and response.ok, path
                for rule, detail in axe_violations(page).items():
                    found[f"{name}/{path} {width}px {scheme} {rule}"] = detail
        context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_no_horizontal_scroll_on_small_phones(browser: Any, sites: dict[str, Built]) -> None:
    overflowing = []
    for width in (320, 375):
        page = browser.new_page(viewport={"width": width, "height": 800})
        for name in CHECKED:
            site = sites[name]
            for path in _checked_pages(site):
                page.goto(site.url + path)
                scroll, client = page.evaluate(
                    "() => [document.documentElement.scrollWidth, "
                    "document.documentElement.clientWidth]"
                )
                if scroll > client:
                    overflowing.append(f"{name}/{path} at {width} px: {scroll} > {client}")
        page.close()
    assert not overflowing, "\n".join(overflowing)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_text_keeps_its_contrast_over_era_bands(
    browser: Any, sites: dict[str, Built], scheme: str
) -> None:
    """SVG text is an image to axe, so its contrast is measured here against the band (or the
    panel) behind it: titles over eras keep 4.5:1."""
    page = browser.new_page(viewport={"width": 375, "height": 900}, color_scheme=scheme)
    page.goto(sites["eras"].url + "timeline/")
    lowest = page.evaluate(
        """() => {
      const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05); };
      const backgrounds = [getComputedStyle(document.querySelector('figure.chart'))
        .backgroundColor, ...[...document.querySelectorAll('.chart-era')]
        .map(band => getComputedStyle(band).fill)];
      const texts = [...document.querySelectorAll('.chart-svg text')]
        .filter(t => t.getClientRects().length > 0);
      return Math.min(...texts.flatMap(t => backgrounds.map(b =>
        ratio(getComputedStyle(t).fill, b))));
    }"""
    )
    page.close()
    assert lowest >= 4.5, f"chart text contrast {lowest:.2f}:1 in {scheme} mode"


def test_html_of_the_fixtures_is_valid(sites: dict[str, Built]) -> None:
    """The W3C Nu HTML Checker finds no error on any page of any fixture (BC dates have no
    datetime attribute, which HTML cannot give them)."""
    files = [file for site in sites.values() for file in sorted(site.out.rglob("*.html"))]
    errors = vnu_errors(files)
    assert not errors, "\n".join(errors)
    assert len(files) > 30
