"""`timeline.json`: every build writes the timeline in TimelineJS' JSON format, and importing it
gives back the same timeline.

The export is read as TimelineJS reads it (the format's rules are in site_builder/timelinejs.py)
on fixtures of every span; the round trip imports it with `site-builder import timelinejs` and
compares dates (with their precision), titles, eras and lanes with the site it came from.
Imported sites' own round trip, text included, is tests/test_timelinejs_sites.py's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli
from scratch import write_site

from site_builder.build import BuildOptions, build_site, load_site
from site_builder.clock import Clock
from site_builder.dateparse import parse_date
from site_builder.dates import FuzzyDate
from site_builder.render import SiteRenderer
from site_builder.timelinejs import is_expressible
from site_builder.yamlpos import parse_yaml

SPANS = ["spans-centuries-bc", "spans-incident-hours", "spans-eras", "spans-200-events"]


def export(content: Path, base_url: str | None = None) -> dict[str, Any]:
    """The timeline.json of a content folder, as a build writes it."""
    site = load_site(content)
    data: dict[str, Any] = json.loads(SiteRenderer(site, base_url=base_url).timeline_json())
    return data


def slides(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {slide["unique_id"]: slide for slide in data["events"]}


def test_years_before_the_common_era_are_negative_as_timelinejs_counts_them() -> None:
    data = export(FIXTURES / "spans-centuries-bc")
    by_id = slides(data)
    dates = {key: (s["start_date"], s.get("end_date")) for key, s in by_id.items()}
    assert dates["republic-founded"] == ({"year": -509}, None)  # 509 BC is TimelineJS' -509
    assert dates["twelve-tables"] == ({"year": -451}, {"year": -450})
    assert dates["ides-of-march"] == ({"year": -44, "month": 3, "day": 15}, None)  # -0043-03-15
    assert [era["text"]["headline"] for era in data.get("eras", [])] == [
        era.title for era in load_site(FIXTURES / "spans-centuries-bc").eras
    ]
    assert "scale" not in data  # within TimelineJS' human scale


def test_times_lanes_and_statuses() -> None:
    data = export(FIXTURES / "spans-incident-hours")
    by_id = slides(data)
    site = load_site(FIXTURES / "spans-incident-hours")
    assert set(by_id) == {event.id for event in site.events if event.dated is not None}
    assert by_id["alarm"]["start_date"] == {
        "year": 2024, "month": 6, "day": 14, "hour": 6, "minute": 12,
    }  # fmt: skip
    assert {slide.get("group") for slide in by_id.values()} == {
        event.lane for event in site.events if event.dated is not None
    }
    cancelled = next(e for e in site.events if e.status == "cancelled")
    assert by_id[cancelled.id]["text"]["text"].startswith("<p><strong>Cancelled</strong></p>")
    assert data["title"]["text"]["text"].startswith("<p>")  # the overview, as sanitised HTML


def test_a_week_or_part_of_a_month_is_its_span_of_days_in_the_sites_words(
    tmp_path: Path,
) -> None:
    events = "".join(
        f"- id: {key}\n  date: {date}\n  title: {key}\n"
        '  evidence:\n    - source: report\n      quote: "they met"\n'
        for key, date in (
            ("week", "2025-W30"),
            ("early", "early 2025-06"),
            ("first-meeting", "2025-07-01"),
        )
    )
    content = write_site(tmp_path, {"facts/events.yaml": events})
    by_id = slides(export(content))
    assert by_id["week"]["start_date"] == {"year": 2025, "month": 7, "day": 21}
    assert by_id["week"]["end_date"] == {"year": 2025, "month": 7, "day": 27}
    assert by_id["week"]["display_date"] == "week of 21 July 2025"
    assert by_id["early"]["end_date"] == {"year": 2025, "month": 6, "day": 10}
    assert by_id["early"]["display_date"] == "early June 2025"
    assert "display_date" not in by_id["first-meeting"]
    assert "end_date" not in by_id["first-meeting"]


def test_media_links_and_identity_links_are_full_addresses(tmp_path: Path) -> None:
    data = export(FIXTURES / "ship-no-sides", base_url="https://news.example.org/ship/")
    media = [slide["media"] for slide in data["events"] if "media" in slide]
    assert media[0]["url"].startswith("https://news.example.org/ship/media/canal-route-")
    assert media[0]["alt"].startswith("Map of the canal's route")
    assert media[0]["caption"] == "Where the ship ran aground."
    texts = (
        " ".join(slide["text"]["text"] for slide in data["events"]) + data["title"]["text"]["text"]
    )
    assert 'href="https://news.example.org/ship/players/' in texts
    assert 'href="/' not in texts


def test_every_build_writes_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(BuildOptions(content=FIXTURES / "spans-thin", out=out))
    data = json.loads((out / "timeline.json").read_text("utf-8"))
    assert data["title"]["text"]["headline"] == load_site(FIXTURES / "spans-thin").config.title
    assert len(data["events"]) == 1


@pytest.mark.parametrize("name", SPANS)
def test_importing_the_export_gives_back_the_same_timeline(tmp_path: Path, name: str) -> None:
    content = FIXTURES / name
    site = load_site(content)
    out = tmp_path / "out"
    build_site(BuildOptions(content=content, out=out))
    zone = ["--timezone", site.config.timezone] if site.config.timezone else []
    again = tmp_path / "again"
    result = run_cli(
        "import", "timelinejs", str(out / "timeline.json"), "--content", str(again), *zone
    )
    assert result.returncode == 0, result.stderr
    events = parse_yaml((again / "facts/events.yaml").read_text("utf-8"), "events").data
    clock = Clock(site.config.timezone or "UTC")
    imported = {event["id"]: event for event in events}
    compared = 0
    for event in site.events:
        if event.dated is None:
            assert event.id not in imported  # TimelineJS needs a date
            continue
        back = imported[event.id]
        assert back["title"] == event.title
        assert back.get("lane") == event.lane
        points = [p for p in (event.dated.start, event.dated.end) if p is not None]
        if all(is_expressible(point) for point in points):
            assert _span(parse_date(str(back["date"]), clock)) == _span(event.dated), event.id
            assert back.get("when") == event.when
            compared += 1
    assert compared >= len(site.events) // 2
    eras = parse_yaml((again / "facts/eras.yaml").read_text("utf-8"), "eras").data or []
    assert [
        (era["title"], _date(era["start"], clock), _date(era["end"], clock)) for era in eras
    ] == [(era.title, era.start, era.end) for era in site.eras]
    config = parse_yaml((again / "site.yaml").read_text("utf-8"), "site").data
    assert config["title"] == site.config.title


def _span(date: FuzzyDate) -> tuple[Any, ...]:
    """What a date means: its moments and the precision of each end (a range whose end is its
    start, `2011-01/2011-01`, means what `2011-01` means; TimelineJS drops such an end)."""
    end = date.end or date.start
    return (date.start_moment(), date.end_moment(), date.start.precision, end.precision)


def _date(text: Any, clock: Clock) -> FuzzyDate:
    return parse_date(str(text), clock)
