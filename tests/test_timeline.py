"""The timeline's content model as an editor meets it: the ordering rule and `after`, unknown
dates, statuses, eras, times of day, lanes, the list's grouping, pages split by period, the
page budget, and errors located where they are made."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from conftest import run_cli
from scratch import load, problems_of, write_site

from site_builder.build import BuildOptions, build_site, check_site
from site_builder.datefmt import DateFormatter
from site_builder.errors import ContentError, Problem
from site_builder.i18n import Messages, parse_language
from site_builder.pages import Deferred
from site_builder.render import SiteRenderer

# The minimal site's overview links to its one event; these tests write events of their own.
OVERVIEW = """
---
title: What happened
slug: overview
order: 1
description: "The overview."
---
[Alice](player:alice) went to the meetings.
"""


def site_files(**files: str | None) -> dict[str, str | None]:
    """Files replacing the minimal site's (`facts__events_yaml` for facts/events.yaml)."""
    found: dict[str, str | None] = {"summaries/overview.md": OVERVIEW}
    for key, text in files.items():
        found[key.replace("__", "/").replace("_yaml", ".yaml").replace("_md", ".md")] = text
    return found


def events_yaml(*entries: str) -> str:
    """A facts/events.yaml of entries written `id | date | extra lines` (one line each)."""
    items = []
    for entry in entries:
        event_id, date, *extra = (part.strip() for part in entry.split("|"))
        lines = [f"- id: {event_id}", f"  date: {date}", f'  title: "Event {event_id}"']
        lines += [f"  {line}" for line in extra if line]
        lines += ["  evidence:", "    - source: report", '      quote: "they met"']
        items.append("\n".join(lines))
    return "\n".join(items) + "\n"


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def ids(tmp_path: Path, events: str, site: str | None = None) -> list[str]:
    files = site_files(facts__events_yaml=events)
    if site is not None:
        files["site.yaml"] = site
    return [event.id for event in load(tmp_path, files).events_in_order()]


def test_the_ordering_rule_and_after_settle_overlapping_dates(tmp_path: Path) -> None:
    """ "late March" (21-31) sorts before "23 March" by the rule; `after` says otherwise."""
    events = events_yaml(
        "year | 2021", "late | late 2021-03", "day | 2021-03-23", "april | 2021-04-02"
    )
    assert ids(tmp_path, events) == ["year", "late", "day", "april"]
    placed = events_yaml(
        "year | 2021 | after: april",
        "late | late 2021-03 | after: day",
        "day | 2021-03-23",
        "april | 2021-04-02",
    )
    assert ids(tmp_path, placed) == ["day", "late", "april", "year"]


def test_an_unknown_date_comes_last_unless_placed(tmp_path: Path) -> None:
    events = events_yaml(
        "vote | unknown | status: proposed",
        "first | 2025-07-01",
        "talks | unknown | status: postponed | after: first",
        "second | 2025-07-10",
    )
    assert ids(tmp_path, events) == ["first", "talks", "second", "vote"]


@pytest.mark.parametrize(
    ("entries", "line", "column", "message"),
    [
        (
            ["a | unknown"],
            2,
            9,
            "event 'a' happened, so its date is not unknown",
        ),
        (["a | unknown | status: ongoing"], 2, 9, "event 'a' is ongoing, so its date is not"),
        (["a | 2025-07-01 | after: a"], 4, 10, "event 'a' is placed after itself"),
        (["a | 2025-07-01 | after: b"], 4, 10, "unknown event 'b'"),
        (
            ["a | 2025-07-01 | after: b", "b | 2025-07-01 | after: a"],
            4,
            10,
            "events placed after one another in a circle: a → b → a",
        ),
        (
            ["a | 2025-05-01 | after: b", "b | 2025-07-01"],
            4,
            10,
            "'after' can only order events whose dates overlap: 'a' (2025-05-01) and 'b' "
            "(2025-07-01) do not",
        ),
        (["a | 2025-07-01 | status: cancelld"], 4, 11, "'status' must be one of"),
    ],
)
def test_new_fields_get_located_errors_with_a_hint(
    tmp_path: Path, entries: list[str], line: int, column: int, message: str
) -> None:
    problem = only(problems_of(tmp_path, site_files(facts__events_yaml=events_yaml(*entries))))
    assert problem.message.startswith(message), problem.message
    assert (problem.line, problem.column) == (line, column)
    assert problem.hint


def test_times_at_different_offsets_need_a_site_time_zone(tmp_path: Path) -> None:
    events = events_yaml("a | 2025-01-10 09:00+01:00", "b | 2025-07-10 09:00+02:00")
    problem = only(problems_of(tmp_path, site_files(facts__events_yaml=events)))
    assert problem.message.startswith("this time is at UTC+02:00, but the first time")
    assert (problem.line, problem.column) == (8, 9)
    assert "timezone: Europe/Berlin" in (problem.hint or "")
    site = (Path(__file__).parent / "fixtures/minimal/site.yaml").read_text("utf-8")
    zoned = site.replace("as_of: 2025-07-19", "timezone: Europe/Berlin\nas_of: 2025-07-19")
    loaded = load(tmp_path, site_files(facts__events_yaml=events, site_yaml=zoned))
    dates = DateFormatter(Messages(parse_language(loaded.config.language)))
    assert [dates.text(e.date) for e in loaded.events_in_order()] == [
        "10 January 2025, 09:00",
        "10 July 2025, 09:00",
    ]


ERAS = """
- id: before
  title: "Before the talks"
  start: 2025-01
  end: 2025-06
  body: |
    The months before [the meeting](event:first-meeting).
- id: talks
  title: "The talks"
  start: 2025-06
  end: 2025-08
"""


def test_eras_are_sections_of_the_list_and_bands_of_the_chart(tmp_path: Path) -> None:
    """Eras may meet on a shared date (the later one takes it); their bodies are Markdown."""
    content = write_site(tmp_path, {"facts/eras.yaml": ERAS})
    out = tmp_path / "out"
    build_site(BuildOptions(content=content, out=out))
    html = (out / "timeline" / "index.html").read_text("utf-8")
    assert re.search(
        r'<section class="era" aria-labelledby="era-talks">\n<h2 id="era-talks">The talks '
        r'<span class="era-dates"><time datetime="2025-06">June</time>\u2009–\u2009'
        r'<time datetime="2025-08">August 2025</time></span></h2>',
        html,
    ), html
    assert 'class="chart-era shade-1"' in html and ">The talks</text>" in html
    assert "era-before" not in html  # no event in it: no section, but a band
    assert ">Before the talks</text>" in html


def test_an_era_s_footnotes_keep_ids_of_their_own(tmp_path: Path) -> None:
    """Eras' texts share the timeline page with one another and with event bodies: their
    footnote ids never meet, even when an era and an event have the same id."""
    events = events_yaml("talks | 2025-07-01", "later | 2025-09-01")
    events += "  body: |\n    A claim.[^1]\n\n    [^1]: A note.\n"
    eras = ""
    for era_id, start, end in (("talks", "2025-06", "2025-08"), ("later", "2025-09", "2025-10")):
        eras += f'- id: {era_id}\n  title: "Era {era_id}"\n  start: {start}\n  end: {end}\n'
        eras += f"  body: |\n    A phase.[^1]\n\n    [^1]: Note on {era_id}.\n"
    out = _build(tmp_path, {"facts/events.yaml": events, "facts/eras.yaml": eras})
    html = (out / "timeline" / "index.html").read_text("utf-8")
    ids = re.findall(r'id="([^"]*fn[^"]*)"', html)
    assert len(ids) == 6 and len(set(ids)) == 6, ids


@pytest.mark.parametrize(
    ("eras", "site_extra", "line", "message"),
    [
        (
            ERAS.replace("end: 2025-06\n", "end: 2024-12\n"),
            "",
            (4, 8),
            "era 'before' ends (2024-12) before it starts (2025-01)",
        ),
        (
            ERAS.replace("start: 2025-06\n", "start: 2025-05\n"),
            "",
            (9, 10),
            "era 'talks' starts (2025-05) before era 'before' ends (2025-06)",
        ),
        (
            ERAS.replace("end: 2025-08", "end: 2025-06-30"),
            "timeline:\n  eras_required: true\n",
            (2, 9),
            "event 'first-meeting' (2025-07-01) falls outside every era",
        ),
        (
            ERAS.replace("(event:first-meeting)", "(event:first-meting)"),
            "",
            (6, 41),
            "broken link 'event:first-meting': no event 'first-meting'",
        ),
    ],
)
def test_era_mistakes_are_located(
    tmp_path: Path, eras: str, site_extra: str, line: tuple[int, int], message: str
) -> None:
    site = (Path(__file__).parent / "fixtures/minimal/site.yaml").read_text("utf-8")
    problem = only(problems_of(tmp_path, {"facts/eras.yaml": eras, "site.yaml": site + site_extra}))
    assert problem.message == message
    assert (problem.line, problem.column) == line
    assert problem.hint


def _build(tmp_path: Path, files: dict[str, str | None]) -> Path:
    content = write_site(tmp_path, {"summaries/overview.md": OVERVIEW, **files})
    out = tmp_path / "out"
    build_site(BuildOptions(content=content, out=out))
    return out


def test_statuses_and_unknown_dates_are_shown_and_described(tmp_path: Path) -> None:
    events = events_yaml(
        "held | 2025-07-01",
        "called-off | 2025-07-05 | status: cancelled",
        "delayed | 2025-07-08 | status: postponed",
        "vote | unknown | status: proposed",
    )
    out = _build(tmp_path, {"facts/events.yaml": events})
    html = (out / "timeline" / "index.html").read_text("utf-8")
    assert '<span class="tag tag-cancelled">Cancelled</span>' in html
    assert '<span class="tag tag-postponed">Postponed</span>' in html
    assert '<h2 id="when-undated">Date not set</h2>' in html
    assert '<p class="event-date"><span class="date">Date not set</span></p>' in html
    assert "1 event has no date yet" in html  # in the chart's key
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', html).group(1))  # type: ignore[union-attr]
    items = {
        item["item"]["name"]: item["item"]
        for item in data["@graph"][0]["mainEntity"]["itemListElement"]
    }
    assert items["Event called-off"]["eventStatus"] == "https://schema.org/EventCancelled"
    assert items["Event delayed"]["eventStatus"] == "https://schema.org/EventPostponed"
    assert "startDate" not in items["Event vote"]  # an unknown date is never invented
    home = (out / "index.html").read_text("utf-8")
    open_events = home.split('id="open-title"')[1].split("</section>")[0]
    assert "Event delayed" in open_events and "Event vote" in open_events
    assert "Event called-off" not in open_events  # cancelled is not open


@pytest.mark.parametrize(
    ("dates", "headings"),
    [
        (
            ["2021-03-29 06:12+00:00", "2021-03-29 06:40+00:00", "2021-03-29 15:05+00:00"],
            ["29 March 2021, 06:00–07:00", "29 March 2021, 15:00–16:00"],
        ),
        (
            ["2021-03-23", "2021-03-25", "2021-03-29"],
            ["23 March 2021", "25 March 2021", "29 March 2021"],
        ),
        (["2025-05-16", "2025-06", "2025-07-19"], ["May 2025", "June 2025", "July 2025"]),
        (["1975-03", "1991", "2024-05-01"], ["1970s", "1990s", "2020s"]),
        # Centuries by the years they run over: no ordinals, and no doubt where one ends.
        (
            ["509 BC", "216 BC", "AD 14"],
            ["600\u2009–\u2009501 BC", "300\u2009–\u2009201 BC", "1\u2009–\u200999"],
        ),
    ],
)
def test_the_list_is_grouped_by_a_unit_that_fits_the_span(
    tmp_path: Path, dates: list[str], headings: list[str]
) -> None:
    events = events_yaml(*(f"e{index} | {date}" for index, date in enumerate(dates)))
    out = _build(tmp_path, {"facts/events.yaml": events})
    html = (out / "timeline" / "index.html").read_text("utf-8")
    found = re.findall(r'<h2 id="when-[^"]+">(?:<time datetime="[^"]+">)?([^<]+)<', html)
    assert found == headings


def test_lanes_follow_the_lane_field_or_the_status(tmp_path: Path) -> None:
    events = events_yaml(
        "a | 2025-07-01 | lane: Diplomacy",
        "b | 2025-07-03 | lane: Fighting",
        "c | 2025-07-05 | status: proposed",
    )
    html = (_build(tmp_path, {"facts/events.yaml": events}) / "timeline/index.html").read_text()
    lanes = re.findall(r'<text class="chart-lane-label" x="0" y="[\d.]+">([^<]+)</text>', html)
    assert lanes == ["Diplomacy", "Fighting"]  # events with no lane: last, unlabelled
    site = (Path(__file__).parent / "fixtures/minimal/site.yaml").read_text("utf-8")
    by_status = site + "timeline:\n  lanes: status\n"
    html = (
        _build(tmp_path, {"facts/events.yaml": events, "site.yaml": by_status})
        / "timeline/index.html"
    ).read_text()
    lanes = re.findall(r'<text class="chart-lane-label" x="0" y="[\d.]+">([^<]+)</text>', html)
    assert lanes == ["Happened", "Proposed, not yet happened"]


def test_an_events_group_and_lanes_group_keep_working_with_a_hint(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Before `lane`, an event's lane was its `group` (a player's group is a group of players
    from site.yaml): content written then builds the same chart, and says what to rename."""
    events = events_yaml("a | 2025-07-01 | group: Diplomacy", "b | 2025-07-03 | group: Fighting")
    site = (Path(__file__).parent / "fixtures/minimal/site.yaml").read_text("utf-8")
    old_site = site + "timeline:\n  lanes: group\n"
    with caplog.at_level(logging.WARNING):
        out = _build(tmp_path, {"facts/events.yaml": events, "site.yaml": old_site})
    html = (out / "timeline/index.html").read_text()
    lanes = re.findall(r'<text class="chart-lane-label" x="0" y="[\d.]+">([^<]+)</text>', html)
    assert lanes == ["Diplomacy", "Fighting"]
    warnings = [record.getMessage() for record in caplog.records]
    assert any(
        "facts/events.yaml:4:3: 'group' is now called 'lane' (and 1 more in this file)" in w
        and "hint: rename it to 'lane'" in w
        for w in warnings
    ), warnings
    assert any(
        "site.yaml" in w
        and "'timeline.lanes: group' is now written 'lane'" in w
        and "hint: write lanes: lane" in w
        for w in warnings
    ), warnings


def test_a_heavy_page_is_reported_with_its_size_and_strict_fails(tmp_path: Path) -> None:
    summary = (
        "---\ntitle: Long read\nslug: long\norder: 2\ndescription: A long page.\n---\n"
        + "A sentence of the long read, written out again and again. " * 1000
    )
    content = write_site(tmp_path, {"summaries/long.md": summary})
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0
    assert re.search(
        r"long/index\.html: the page weighs \d+\.\d KB \([\d,]+ bytes of HTML, [\d,]+ of CSS "
        r"and scripts\), over the 50\.0 KB budget",
        result.stderr,
    ), result.stderr
    strict = run_cli(
        "build",
        "--strict",
        "--no-cache",
        "--content",
        str(content),
        "--out",
        str(tmp_path / "strict"),
    )
    assert strict.returncode == 1 and "over the 50.0 KB budget" in strict.stderr
    assert not (tmp_path / "strict").exists()  # a failed build writes nothing


def test_an_error_in_a_view_is_located_at_the_template_line_that_uses_it(
    tmp_path: Path,
) -> None:
    """The chart and the list are built when the template first uses them: if building one
    fails, the problem names the template's line, and the code that raised it."""
    site = load(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "timeline.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n\n{% if chart %}x{% endif %}\n'
        "{% endblock %}\n",
        "utf-8",
    )
    renderer = SiteRenderer(site, templates)
    spec = next(spec for spec in renderer.pages if spec.template == "timeline.html")

    def failing_chart() -> None:
        raise ValueError("the chart could not be drawn")

    broken = type(spec)(
        spec.path,
        spec.template,
        spec.title,
        spec.description,
        lambda: {"chart": Deferred(failing_chart)},
    )
    with pytest.raises(ContentError) as caught:
        renderer.render(broken)
    problem = only(list(caught.value.problems))
    assert (Path(problem.path).name, problem.line) == ("timeline.html", 4)
    assert "ValueError: the chart could not be drawn" in problem.message
    assert problem.trace is not None and "failing_chart" in problem.trace


def test_check_warns_of_heavy_pages_but_passes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    summary = (
        "---\ntitle: Long read\nslug: long\norder: 2\ndescription: A long page.\n---\n"
        + "Words. " * 9000
    )
    content = write_site(tmp_path, {"summaries/long.md": summary})
    check_site(BuildOptions(content=content))
    assert "over the 50.0 KB budget" in caplog.text
