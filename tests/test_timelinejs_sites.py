"""Real TimelineJS files imported, checked, built and held to the explainer's bar.

Each file of tests/fixtures/timelinejs (four from Knight Lab's TimelineJS3 repository, its Google
Sheets template as CSV, and one sheet in the older template's format) is imported with the
command a user runs, checked, built, and every page put through axe-core in Chromium, the W3C
Nu HTML Checker and the page budget. The import's figures (events, what was reported, seconds)
are printed. Then the round trip: the build's timeline.json, imported again, gives back the same
dates (at the same precision), titles, text (rendered the same), eras and lanes, and its own
export is the same file.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli, static_server
from quality import WEIGHT_LIMIT, axe_violations, page_urls, page_weight, vnu_errors

from site_builder.build import BuildOptions, build_site, load_site
from site_builder.markup import MarkdownConverter
from site_builder.model import Event

SOURCES = {
    "houston": "houston.json",
    "eras": "eras.json",
    "all-media-types": "all-media-types.json",
    "cosmo-mixed": "cosmo-mixed.json",
    "template": "my-own-timeline.csv",
    "old-sheet": "old-sheet.csv",
}
# The older sheet's times were written on the mountain's clock.
TIMEZONES = {"old-sheet": "America/Denver"}


@dataclass
class Imported:
    """A TimelineJS file imported and built."""

    name: str
    content: Path
    out: Path
    report: str  # what the command printed
    seconds: float  # the command's wall time, Python's start included
    url: str = ""


def _zone(name: str) -> list[str]:
    return ["--timezone", TIMEZONES[name]] if name in TIMEZONES else []


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Imported]]:
    """Every fixture imported by the command, built (no template folder of the project's own),
    and served over HTTP."""
    root = tmp_path_factory.mktemp("timelinejs")
    found = {}
    with contextlib.ExitStack() as stack:
        for name, file in SOURCES.items():
            content, out = root / name / "content", root / name / "_site"
            started = time.perf_counter()
            result = run_cli(
                "import", "timelinejs", str(FIXTURES / "timelinejs" / file),
                "--content", str(content), *_zone(name),
            )  # fmt: skip
            seconds = time.perf_counter() - started
            assert result.returncode == 0, result.stderr
            built = build_site(BuildOptions(content=content, templates=root / "none", out=out))
            assert built.warnings == (), built.warnings
            site = Imported(name, content, out, result.stdout, seconds)
            site.url = stack.enter_context(static_server(out))
            found[name] = site
        yield found


UNCONFIRMED_LINE = r"facts/events\.yaml:(\d+): event '([^']+)' \(unconfirmed\)"


def _count(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else 0


def test_each_import_reports_what_it_brought_and_left(
    sites: dict[str, Imported], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = []
    for site in sites.values():
        events = _count(r": (\d+) events?,", site.report)
        left = _count(r"Not imported \((\d+)\)", site.report)
        changed = _count(r"Changed on the way \((\d+)\)", site.report)
        no_alt = _count(r"(\d+) images? without alt text", site.report)
        rows.append(
            f"{site.name:<16} {events:>4} events  {left:>3} not imported  {changed:>3} changed  "
            f"{no_alt:>2} images kept for alt text  {site.seconds:5.2f} s"
        )
        assert events == len(load_site(site.content).events) > 0
    with capsys.disabled():
        print(
            "\nimport timelinejs, per fixture (seconds: the command's wall time, Python's start "
            "included):\n" + "\n".join(rows)
        )


def test_check_lists_what_is_left_to_verify(sites: dict[str, Imported]) -> None:
    """The site checks clean at once; `check` names every imported event as unconfirmed, with
    its place, and every picture kept off the site until it has alt text."""
    for site in sites.values():
        result = run_cli("check", "--content", str(site.content))
        assert result.returncode == 0, result.stderr
        loaded = load_site(site.content)
        events = loaded.events
        assert f"Left to verify ({len(events)} unconfirmed)" in result.stdout, result.stdout
        listed = re.findall(UNCONFIRMED_LINE, result.stdout)
        assert [name for _, name in listed] == [event.id for event in events]
        assert [int(line) for line, _ in listed] == [event.origin.line for event in events]
        no_alt = _count(r"(\d+) images? without alt text", site.report)
        drafts = re.findall(r"image of event '[^']+': an image without alt text", result.stdout)
        assert len(drafts) == no_alt, result.stdout
        assert not any(item.image and not item.alt for e in events for item in e.media)
    assert _count(r"(\d+) images? without alt text", sites["all-media-types"].report) == 5


@pytest.mark.parametrize("name", list(SOURCES))
def test_the_round_trip_gives_back_the_same_timeline(
    tmp_path: Path, sites: dict[str, Imported], name: str
) -> None:
    site = sites[name]
    again = tmp_path / "again"
    result = run_cli(
        "import", "timelinejs", str(site.out / "timeline.json"), "--content", str(again),
        *_zone(name),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first, second = load_site(site.content), load_site(again)
    converter = MarkdownConverter()

    def summary(event: Event) -> tuple[Any, ...]:
        body = converter.convert(event.body) if event.body else ""
        return (event.id, event.dated, event.title, event.when, event.lane, body)

    assert [summary(e) for e in second.events] == [summary(e) for e in first.events_in_order()]
    assert [(e.title, e.start, e.end) for e in second.eras] == [
        (e.title, e.start, e.end) for e in first.eras
    ]
    assert second.config.title == first.config.title
    out = tmp_path / "out"
    build_site(BuildOptions(content=again, templates=tmp_path / "none", out=out))
    exported = json.loads((site.out / "timeline.json").read_text("utf-8"))
    assert json.loads((out / "timeline.json").read_text("utf-8")) == exported


def test_no_axe_violations(browser: Any, sites: dict[str, Imported]) -> None:
    """Every page of every imported site, the sites taking turns at a phone in light mode and a
    desktop in dark mode (the explainer's tests cover all four views of the same templates);
    requests for anything not on the site (an imported picture's address) are refused, so the
    test never leaves this machine."""
    found = {}
    views = [(375, "light"), (1280, "dark")]
    for number, site in enumerate(sites.values()):
        width, scheme = views[number % len(views)]
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        context.route(re.compile(r"^(?!" + re.escape(site.url) + ")"), lambda route: route.abort())
        page = context.new_page()
        for path in page_urls(site.out):
            response = page.goto(site.url + path)
            assert response is not None and response.ok, path
            for rule, detail in axe_violations(page).items():
                found[f"{site.name}/{path} {width}px {scheme} {rule}"] = detail
        context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_html_is_valid(sites: dict[str, Imported]) -> None:
    files = [file for site in sites.values() for file in sorted(site.out.rglob("*.html"))]
    errors = vnu_errors(files)
    assert not errors, "\n".join(errors)


def test_every_page_is_under_the_budget(sites: dict[str, Imported]) -> None:
    heavy = []
    for site in sites.values():
        for file in site.out.rglob("*.html"):
            html, css, js = page_weight(site.out, file)
            if html + css + js >= WEIGHT_LIMIT:
                heavy.append(f"{site.name}/{file.relative_to(site.out)}: {html + css + js}")
    assert not heavy, heavy
    # The 7th century's 20 events and 3 eras are too heavy for one page: split by decades.
    assert (sites["eras"].out / "timeline" / "600s-640s" / "index.html").exists()
