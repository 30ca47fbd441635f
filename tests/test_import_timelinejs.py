"""`site-builder import timelinejs`: what a TimelineJS file becomes, what is reported, what is
refused (and that nothing is written then), and the files written all or none.

The reading and converting functions are pure (text in, files and a report out), so most tests
need no disk; the command is run as a user runs it for the rest. These tests read what the
import writes with the YAML reader only, so they hold whatever the model accepts; building
imported sites is tests/test_timelinejs_sites.py's.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli

from site_builder.dateparse import parse_date
from site_builder.errors import ContentError
from site_builder.importers.html import html_to_markdown
from site_builder.importers.htmltree import html_to_text
from site_builder.importers.slides import Imported, ImportOptions
from site_builder.importers.timelinejs import import_timeline
from site_builder.markup import MarkdownConverter
from site_builder.yamlpos import parse_yaml

TIMELINEJS = FIXTURES / "timelinejs"
OPTIONS = ImportOptions(today="2026-01-05")
CURRENT_HEADER = (
    "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,"
    "Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n"
)


def imported(text: str, name: str = "timeline.json", options: ImportOptions = OPTIONS) -> Imported:
    return import_timeline(text, name, options)


def events_of(result: Imported) -> list[dict[str, Any]]:
    data = parse_yaml(result.files["facts/events.yaml"], "events.yaml").data
    return data or []


def eras_of(result: Imported) -> list[dict[str, Any]]:
    return parse_yaml(result.files["facts/eras.yaml"], "eras.yaml").data or []


def config_of(result: Imported) -> dict[str, Any]:
    data = parse_yaml(result.files["site.yaml"], "site.yaml").data
    assert isinstance(data, dict)
    return data


def timeline(*events: dict[str, Any], **extra: Any) -> str:
    return json.dumps({"events": list(events), **extra})


def slide(headline: str, **fields: Any) -> dict[str, Any]:
    return {"text": {"headline": headline}, **fields}


def notes(result: Imported) -> list[str]:
    return [f"{note.where}: {note.message}" for note in result.notes]


def refused(text: str, name: str = "timeline.json") -> list[str]:
    with pytest.raises(ContentError) as caught:
        imported(text, name)
    return [str(problem) for problem in caught.value.problems]


# --------------------------------------------------------------------------- dates


def test_json_dates_keep_their_precision_and_years_before_the_common_era() -> None:
    day = {"year": 2012, "month": 2, "day": 11}
    result = imported(
        timeline(
            slide("A year", start_date={"year": "1978"}),
            slide("A month", start_date={"year": 1963, "month": "08"}),
            slide("A day", start_date={"year": "1963", "month": "8", "day": "9"}),
            slide("A time", start_date={**day, "hour": 15, "minute": 55}),
            slide("Seconds", start_date={**day, "hour": 6, "minute": 45, "second": 56}),
            slide("An hour", start_date={**day, "hour": 9}),
            slide("BC year", start_date={"year": -500}),
            slide("BC day", start_date={"year": -44, "month": 3, "day": 15}),
            slide("1 BC", start_date={"year": -1}),
            slide(
                "Range",
                start_date={"year": 1815, "month": 12, "day": 10},
                end_date={"year": 1852, "month": 11, "day": 27},
            ),
            slide("Mixed range", start_date={"year": 1943, "month": 7}, end_date={"year": 1946}),
            slide(
                "Same end",
                start_date={"year": 1990, "month": 4},
                end_date={"year": 1990, "month": 4},
            ),
            slide("Far", start_date={"year": "12000"}),
        )
    )
    dates = {event["title"]: str(event["date"]) for event in events_of(result)}
    assert dates == {
        "A year": "1978",
        "A month": "1963-08",
        "A day": "1963-08-09",
        "A time": "2012-02-11 15:55",
        "Seconds": "2012-02-11 06:45:56",
        "An hour": "2012-02-11 09:00",
        "BC year": "500 BC",  # TimelineJS shows -500 as "500 BCE"
        "BC day": "-0043-03-15",  # 15 March 44 BC: TimelineJS' -44 is 44 BC, ISO's -0043
        "1 BC": "1 BC",
        "Range": "1815-12-10/1852-11-27",
        "Mixed range": "1943-07/1946",
        "Same end": "1990-04",  # an end equal to the start is dropped, as TimelineJS does
        "Far": "+12000",
    }
    # Each is a date our reader reads at that precision (times on the site's clock: UTC here).
    clock = parse_date  # the one reader of dates
    assert all(clock(text, None if ":" not in text else _utc()) for text in dates.values())
    assert config_of(result)["timezone"] == "UTC"
    assert result.timezone == "UTC"


def _utc() -> Any:
    from site_builder.clock import Clock

    return Clock("UTC")


def test_sheet_dates_of_the_current_template() -> None:
    rows = [
        "1815,12,10,,1852,11,27,,,Range,,,,,,,,",
        '"1,815",,,,,,,,,Comma year,,,,,,,,',
        "2024,1,14,3:05 PM,,,,,,Afternoon,,,,,,,,",
        "2024,1,14,1505,,,,,,Compact time,,,,,,,,",
        "2024,1,14,12:30 AM,,,,,,Midnight half,,,,,,,,",
        "-500,,,,,,,,,Old,,,,,,,,",
        "2024,1,,,,3,,,,End month only,,,,,,,,",
        "2024,,,,,,,,around 2024,Worded,,,,,,,,",
    ]
    result = imported(CURRENT_HEADER + "\n".join(rows) + "\n", "sheet.csv")
    events = events_of(result)
    assert [(e["title"], str(e["date"])) for e in events] == [
        ("Range", "1815-12-10/1852-11-27"),
        ("Comma year", "1815"),
        ("Afternoon", "2024-01-14 15:05"),
        ("Compact time", "2024-01-14 15:05"),
        ("Midnight half", "2024-01-14 00:30"),
        ("Old", "500 BC"),
        ("End month only", "2024-01"),
        ("Worded", "2024"),
    ]
    assert events[-1]["when"] == "around 2024"  # the Display Date: the event's own words
    assert "row 8: an end date without an End Year (TimelineJS ignores it too)" in notes(result)
    assert result.kind == "a TimelineJS sheet"


def test_sheet_dates_of_the_older_template() -> None:
    result = imported((TIMELINEJS / "old-sheet.csv").read_text("utf-8"), "old-sheet.csv")
    assert result.kind == "a TimelineJS sheet in the older format"
    events = events_of(result)
    assert [str(e["date"]) for e in events] == [
        "2024-01-13 21:40",  # 1/13/2024 21:40: month/day/year, as TimelineJS reads it
        "2024-01-14 02:15",
        "2024-01-14 09:30/2024-01-14 16:00",
        "2024-01-15",
        "2024-01-16 11:05",
        "2024-01-17",  # an ISO date
    ]
    assert [e.get("lane") for e in events] == ["Roads", "Roads", "Power", "Rescue", "Roads", None]
    assert eras_of(result) == [
        {
            "id": "the-storm",
            "title": "The storm",
            "start": "2024-01-13 18:00",
            "end": "2024-01-16 12:00",
            "body": "The National Weather Service's warning ran from Saturday evening to Tuesday "
            "noon.",
        }
    ]
    assert config_of(result)["title"] == "Storm closes Juniper Pass"
    assert notes(result) == ["row 9: no start date: not imported (TimelineJS skips it too)"]
    iso = imported(
        "Start Date,End Date,Headline\n2012-02-11T15:55:00Z,,Zoned\n8/1963,,Month\n",
        "sheet.csv",
    )
    assert [str(e["date"]) for e in events_of(iso)] == ["2012-02-11 15:55:00Z", "1963-08"]


def test_every_imported_event_is_unconfirmed_with_its_evidence_left_for_the_editor() -> None:
    result = imported((TIMELINEJS / "houston.json").read_text("utf-8"), "houston.json")
    events = events_of(result)
    assert len(events) == 18
    assert {event["verification"] for event in events} == {"unconfirmed"}
    assert not any("evidence" in event for event in events)
    sources = parse_yaml(result.files["facts/sources.yaml"], "s").data
    assert sources == [
        {
            "id": "timelinejs",
            "title": "Whitney Houston 1963 - 2012",
            "kind": "report",
            "retrieved": "2026-01-05",  # the day of the import
            "note": "Imported from houston.json (a TimelineJS JSON file). Its events are "
            "unconfirmed until each cites the evidence it rests on.",
        }
    ]
    # Pages show no image without alt text: the one picture without it waits off the site.
    [pictured] = [event for event in events if any("image" in m for m in event.get("media", []))]
    assert pictured["media"][0]["draft"] is True and "alt" not in pictured["media"][0]


def test_the_title_slide_is_the_sites_title_and_overview() -> None:
    result = imported((TIMELINEJS / "houston.json").read_text("utf-8"), "houston.json")
    config = config_of(result)
    assert config["title"] == "Whitney Houston 1963 - 2012"  # <br/> read as a space
    assert config["description"].startswith("Houston's voice caught the imagination of the world")
    overview = result.files["summaries/overview.md"]
    assert overview.startswith("---\ntitle: Whitney Houston 1963 - 2012\nslug: overview\n")
    assert "This is a look into the amazing heights she achieved" in overview
    assert "the title slide: the media //www.flickr.com/photos/tm_10001/2310475988/" in "\n".join(
        notes(result)
    )
    untitled = imported(timeline(slide("", start_date={"year": 2020})), "storm_diary.json")
    assert config_of(untitled)["title"] == "storm diary"
    assert "the file: no title slide with a headline: the site's title is 'storm diary'" in notes(
        untitled
    )


def test_display_dates_become_the_events_own_words() -> None:
    result = imported(
        timeline(
            slide("Slide's", start_date={"year": 1900}, display_date="<b>c.</b> 1900"),
            slide(
                "Dates'",
                start_date={"year": 1900, "display_date": "early in 1900"},
                end_date={"year": 1902, "display_date": "1902"},
            ),
        )
    )
    assert [event.get("when") for event in events_of(result)] == ["c. 1900", "early in 1900 – 1902"]


# --------------------------------------------------------------------------- text and media


def test_html_text_becomes_markdown_that_renders_the_same_words() -> None:
    converter = MarkdownConverter()
    corpus = [
        '<p>Take <a href="https://en.wikipedia.org/wiki/Ada_Lovelace">Ada Lovelace</a>: she\'s '
        "<i>often</i> credited.</p><span>A note.</span>",
        "1984. A year<br>- not a list<br># not a heading<br>> not a quote",
        "Stars * and_underscores_ [brackets] `ticks` {: #not-an-attribute} &lt;b&gt; &amp; 5 < 6",
        "<ul><li>one</li><li>two<ol start='3'><li>three</li></ol></li></ul>",
        "<blockquote><p>Quoted <strong>words</strong>.</p><cite>Someone</cite></blockquote>",
        "<h2>A heading</h2><p>x<sup>2</sup> and <del>gone</del> and <code>a*b</code></p>",
        "See https://example.org/a_b_c. And <a href='mailto:desk@example.org'>mail</a>.",
        "<pre>  code\n    indented</pre><hr><p>after</p>",
    ]
    for source in corpus:
        markdown = html_to_markdown(source).text
        rendered = converter.convert(markdown)
        # The words a reader sees are the source's (smart quotes aside), in the same order.
        assert _words(rendered) == _words(source), (source, markdown, rendered)
        # And the Markdown is stable: importing what it renders gives it back.
        again = html_to_markdown(rendered).text
        assert html_to_markdown(converter.convert(again)).text == again, (markdown, again)
    assert html_to_markdown("1984. A year").text == "1984\\. A year"
    assert html_to_markdown("<p>- dash</p>").text == "\\- dash"
    assert html_to_markdown("a * b").text == "a \\* b"


def _words(html: str) -> list[str]:
    text = html_to_text(html).text
    for plain, smart in (("'", "’"), ('"', "“"), ('"', "”"), ("'", "‘")):
        text = text.replace(smart, plain)
    return text.replace("&", " & ").split()


def test_media_becomes_media_and_what_pages_cannot_show_is_reported() -> None:
    text = (TIMELINEJS / "all-media-types.json").read_text("utf-8")
    result = imported(text, "all-media-types.json")
    events = events_of(result)
    by_title = {event["title"]: event for event in events}
    kinds = {e["title"]: e["media"][0].get("kind", "image") for e in events if "media" in e}
    assert kinds["YouTube Videos"] == "video" and kinds["Vimeo"] == "video"
    assert kinds["SoundCloud"] == "audio" and kinds["Spotify, Artist"] == "audio"
    assert kinds["PDF"] == "document" and kinds["Google Maps, Place Marker"] == "document"
    assert kinds["Image, PNG"] == "image" and kinds["Video (webm)"] == "video"
    assert by_title["Vimeo"]["media"][0]["link"] == "https://vimeo.com/20839673"  # was http://
    # The tweet's embed code is a quotation in the text; its script is left out and said.
    tweet = by_title["Twitter Embed"]
    assert "media" not in tweet and "\n\n> 2018 will be the year of the dog" in tweet["body"]
    report = "\n".join(notes(result))
    assert "event 9: the script of the media's embed code (not carried)" in report
    assert "event 31: the media '<iframe" in report and "pages carry no embedded players" in report
    assert "event 2: the media address http://vimeo.com/20839673 is now https://" in report
    assert "the title slide: the background (color papayawhip): pages have none" in report
    assert result.images == 5 and result.missing_alt == 5
    assert result.lanes == 5 and {e.get("lane") for e in events} >= {"Video", "Audio"}


def test_an_image_keeps_its_alt_text_and_one_without_waits_off_the_site() -> None:
    result = imported(
        CURRENT_HEADER.replace("Background\n", "Background,Alt Text\n")
        + "2020,,,,,,,,,With alt,,https://example.org/a.jpg,Desk,A caption,,,,,A dog asleep\n"
        + "2021,,,,,,,,,Without,,http://example.org/b.png,,,,,,,\n",
        "sheet.csv",
    )
    media = [event["media"] for event in events_of(result)]
    assert media == [
        [
            {
                "image": "https://example.org/a.jpg",
                "alt": "A dog asleep",
                "caption": "A caption",
                "credit": "Desk",
            }
        ],
        [{"image": "https://example.org/b.png", "draft": True}],
    ]
    assert result.missing_alt == 1
    assert "row 3: the media address http://example.org/b.png is now https://" in notes(result)


def test_ids_come_from_unique_ids_or_headlines_and_never_clash() -> None:
    result = imported(
        timeline(
            slide("Rózsa Péter writes", start_date={"year": 1951}),
            slide("Rózsa Péter writes", start_date={"year": 1952}),
            slide("Anything", unique_id="Kept Id", start_date={"year": 1953}),
            slide("Main", start_date={"year": 1954}),
            slide("Хроніка", start_date={"year": 1955}),
        )
    )
    assert [event["id"] for event in events_of(result)] == [
        "rozsa-peter-writes",
        "rozsa-peter-writes-2",
        "kept-id",
        "main-event",  # the page's <main> is id="main"
        "event-5",
    ]


def test_eras_become_eras_and_an_overlapping_one_is_reported() -> None:
    result = imported((TIMELINEJS / "eras.json").read_text("utf-8"), "eras.json")
    assert [(era["title"], era["start"], era["end"]) for era in eras_of(result)] == [
        ("Era Test 600-650", "600", "650"),  # in date order; eras that meet are allowed
        ("Era Test 650-700", "650", "700"),
        ("Era Test 700-720", "700", "720"),
    ]
    overlapping = imported(
        timeline(
            slide("x", start_date={"year": 2000}),
            eras=[
                slide("First", start_date={"year": 2000}, end_date={"year": 2005}),
                slide("Second", start_date={"year": 2003}, end_date={"year": 2008}),
            ],
        )
    )
    assert [era["title"] for era in eras_of(overlapping)] == ["First"]
    assert [note for note in notes(overlapping) if note.startswith("era")] == [
        "era 2: the era 'Second' overlaps the era 'First': not imported (eras follow one "
        "another; give overlapping threads lanes)"
    ]


def test_years_beyond_the_reach_of_dates_are_reported_not_refused() -> None:
    result = imported((TIMELINEJS / "cosmo-mixed.json").read_text("utf-8"), "cosmo-mixed.json")
    assert len(events_of(result)) == 9
    assert str(events_of(result)[0]["date"]) == "540000000 BC"
    assert notes(result)[1:3] == [
        "event 1: the year -13800000000 is further than dates reach (9 digits): not imported",
        "event 2: the year -4600000000 is further than dates reach (9 digits): not imported",
    ]


def test_the_same_file_imports_to_the_same_bytes() -> None:
    text = (TIMELINEJS / "my-own-timeline.csv").read_text("utf-8")
    assert imported(text, "a.csv").files == imported(text, "a.csv").files


# --------------------------------------------------------------------------- refused input


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("not-json.json", '{"events": [\n  {"start_date": }', "not-json.json:2:18: not JSON"),
        ("no-events.json", '{"title": {}}', 'not a TimelineJS file: there is no "events" list'),
        ("list.json", "[1, 2]", "(the file holds a list)"),
        (
            "v2.json",
            '{"timeline": {"date": []}}',
            "v2.json:1:2: a TimelineJS 2 file",
        ),
        (
            "words.json",
            '{"events": [\n {"start_date": {"year": "1963", "month": "Aug"}}]}',
            "words.json:2:43: event 1: start_date: the month 'Aug' is not a number",
        ),
        (
            "impossible.json",
            '{"events": [{"start_date": {"year": 2025, "month": 2, "day": 30}}]}',
            "is not a real day: 2025-02 has 28 days",
        ),
        (
            "era.json",
            '{"events": [{"start_date": {"year": 1}}],\n'
            ' "eras": [{"start_date": {"year": 1900}, "text": {"headline": "Open"}}]}',
            "era.json:2:11: era 1: the era has no end date",
        ),
        (
            "script.json",
            '{"events": [{"start_date": {"year": 1},\n'
            '  "text": {"text": "<p>Hi</p><script>alert(1)</script>"}}]}',
            "script.json:2:20: event 1: the text holds a <script> element",
        ),
        (
            "handler.json",
            '{"events": [{"start_date": {"year": 1}, "text": {"headline": '
            '"<img src=x onerror=alert(1)>"}}]}',
            "event 1: the headline holds an event handler (onerror=) on <img>",
        ),
        (
            "media.json",
            '{"events": [{"start_date": {"year": 1},\n'
            '  "media": {"url": " JavaScript:alert(1)"}}]}',
            "media.json:2:20: event 1: the media address is a javascript: URL",
        ),
        (
            "link.json",
            '{"events": [{"start_date": {"year": 1}, "text": {"text": '
            '"<a href=\\"java\\tscript:x\\">y</a>"}}]}',
            "the text holds a javascript: address in href= of <a>",
        ),
        ("empty.json", '{"events": []}', "the timeline has no event with a date to import"),
        (
            "neither.csv",
            "year,month,Headline\n2020,1,x\n",
            "neither.csv:1:1: the header row ('year', 'month', 'Headline') matches neither "
            "TimelineJS sheet format",
        ),
        (
            "sheet.csv",
            CURRENT_HEADER + "2020,1,1,,,,,,,ok,,,,,,,,\n\n1963,Aug,,,,,,,,Words,,,,,,,,\n",
            "sheet.csv:4: row 4: Month 'Aug' is not a number",
        ),
        (
            "sheet-era.csv",
            CURRENT_HEADER + "2020,,,,,,,,,x,,,,,,,,\n1900,,,,,,,,,Open era,,,,,,era,,\n",
            "sheet-era.csv:3: row 3: the era has no end date",
        ),
    ],
)
def test_bad_input_is_refused_with_its_place(name: str, text: str, expected: str) -> None:
    problems = refused(text, name)
    assert any(expected in problem for problem in problems), problems
    assert all("hint: " in problem for problem in problems)


def test_the_neither_format_hint_names_the_headers_to_write() -> None:
    [problem] = refused("year,month,Headline\n2020,1,x\n", "neither.csv")
    assert "'year' (did you mean 'Year'?)" in problem and "Start Date, End Date" in problem


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    problems = refused(
        CURRENT_HEADER + "x,,,,,,,,,One,,,,,,,,\n2020,1,1,,,,,,,Two,<script></script>,,,,,,,\n",
        "sheet.csv",
    )
    assert len(problems) == 2


# --------------------------------------------------------------------------- the command


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_command_writes_a_content_folder_and_reports_by_row(tmp_path: Path) -> None:
    content = tmp_path / "content"
    result = run_cli(
        "import", "timelinejs", str(TIMELINEJS / "my-own-timeline.csv"), "--content", str(content),
        "--source-id", "sheet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(
        "Imported my-own-timeline.csv (a TimelineJS sheet) into "
        f"{content}: 10 events, 0 eras, 0 lanes, 2 images, 7 media links ("
    )
    assert "Not imported (5):\n  row 2: the background (https://upload.wikimedia.org/" in out
    assert "  row 4: the quotation given as media is part of the text" in out
    assert "  10 events marked 'verification: unconfirmed'" in out
    assert "  2 images without alt text" in out
    assert sorted(_files(content)) == [
        "facts/eras.yaml", "facts/events.yaml", "facts/players.yaml", "facts/sources.yaml",
        "site.yaml", "summaries/overview.md",
    ]  # fmt: skip
    assert "id: sheet\n" in (content / "facts/sources.yaml").read_text("utf-8")
    assert not list(tmp_path.glob(".*")), "no staging folder is left behind"
    assert oct(content.stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_existing_content_is_never_overwritten_without_force(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "facts").mkdir(parents=True)
    (content / "site.yaml").write_text("title: mine\n", "utf-8")
    (content / "facts" / "notes.txt").write_text("keep me\n", "utf-8")
    before = _files(content)
    source = str(TIMELINEJS / "eras.json")
    result = run_cli("import", "timelinejs", source, "--content", str(content))
    assert result.returncode == 2
    assert "already holds content that the import would replace" in result.stderr
    assert str(content / "site.yaml") in result.stderr and "--force" in result.stderr
    assert _files(content) == before
    forced = run_cli("import", "timelinejs", source, "--content", str(content), "--force")
    assert forced.returncode == 0, forced.stderr
    after = _files(content)
    assert after["facts/notes.txt"] == b"keep me\n"
    assert after["site.yaml"].startswith(b"# Imported from eras.json")
    assert not [name for name in after if "/." in name or name.startswith(".")]


def test_a_write_that_fails_half_way_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    """The last file cannot be replaced (an immutable file): the ones replaced before it are put
    back, the new ones removed, nothing is left beside them."""
    content = tmp_path / "content"
    source = str(TIMELINEJS / "eras.json")
    assert run_cli("import", "timelinejs", source, "--content", str(content)).returncode == 0
    (content / "site.yaml").write_text("title: edited since\n", "utf-8")
    (content / "facts" / "eras.yaml").unlink()  # one the import would create again
    before = _files(content)
    locked = content / "summaries" / "overview.md"
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (it needs root and a file system with it)")
    try:
        result = run_cli("import", "timelinejs", source, "--content", str(content), "--force")
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
    assert result.returncode == 1
    assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert str(locked) in result.stderr
    assert _files(content) == before


def test_a_folder_where_a_file_goes_is_refused(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "facts" / "eras.yaml").mkdir(parents=True)
    result = run_cli(
        "import", "timelinejs", str(TIMELINEJS / "eras.json"), "--content", str(content), "--force"
    )
    assert result.returncode == 2
    assert f"{content / 'facts' / 'eras.yaml'} is not a file, where the import writes one" in (
        result.stderr
    )
    assert sorted(path.name for path in content.rglob("*")) == ["eras.yaml", "facts"]


# The list of bad input, as the command meets it: each refused with its place, and nothing
# written, not even with --force into a folder the import would otherwise replace.
BAD_INPUT = {
    "not JSON": (
        "bad.json",
        '{"events": [\n  {"start_date": {"year": 1963},}\n]}',
        "bad.json:2:33: not JSON",
    ),
    "no events": (
        "bad.json",
        '{"title": {}}',
        'bad.json:1:1: not a TimelineJS file: there is no "events" list',
    ),
    "headers of neither format": (
        "bad.csv",
        "When,What\n1963,Born\n",
        "bad.csv:1:1: the header row ('When', 'What') matches neither TimelineJS sheet format",
    ),
    "a JSON date in words": (
        "bad.json",
        '{"events": [{"start_date": {"year": "MCMLX"}}]}',
        "bad.json:1:37: event 1: start_date: the year 'MCMLX' is not a number",
    ),
    "a sheet date in words": (
        "bad.csv",
        CURRENT_HEADER + "2020,1,1,,,,,,,ok,,,,,,,,\nnineteen,,,,,,,,,Words,,,,,,,,\n",
        "bad.csv:3: row 3: Year 'nineteen' is not a number",
    ),
    "an era without an end": (
        "bad.json",
        '{"events": [{"start_date": {"year": 1}}],\n'
        ' "eras": [{"start_date": {"year": 1900}, "text": {"headline": "Open"}}]}',
        "bad.json:2:11: era 1: the era has no end date",
    ),
    "a script in the text": (
        "bad.csv",
        CURRENT_HEADER + "2020,1,1,,,,,,,ok,<p>Hi</p><script>alert(1)</script>,,,,,,,\n",
        "bad.csv:2: row 2: the text holds a <script> element",
    ),
    "a javascript: media address": (
        "bad.json",
        '{"events": [{"start_date": {"year": 1},\n  "media": {"url": "javascript:alert(1)"}}]}',
        "bad.json:2:20: event 1: the media address is a javascript: URL",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_writes_nothing(tmp_path: Path, case: str) -> None:
    name, text, expected = BAD_INPUT[case]
    source = tmp_path / name
    source.write_text(text, "utf-8")
    content = tmp_path / "content"
    fresh = run_cli("import", "timelinejs", str(source), "--content", str(content))
    assert fresh.returncode == 1, fresh.stderr
    assert f"{tmp_path}/{expected}" in fresh.stderr, fresh.stderr
    assert "hint: " in fresh.stderr and "Traceback" not in fresh.stderr
    assert not content.exists()
    made = run_cli("import", "timelinejs", str(TIMELINEJS / "eras.json"), "--content", str(content))
    assert made.returncode == 0, made.stderr
    before = _files(content)
    forced = run_cli("import", "timelinejs", str(source), "--content", str(content), "--force")
    assert forced.returncode == 1 and expected in forced.stderr
    assert _files(content) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["content", name])


def test_the_command_refuses_a_missing_file_and_bad_options(tmp_path: Path) -> None:
    source = tmp_path / "timeline.json"
    source.write_text('{"events": [{"start_date": {"year": 1960}}]}', "utf-8")
    content = tmp_path / "content"
    missing = run_cli("import", "timelinejs", str(tmp_path / "nope.csv"), "--content", str(content))
    assert missing.returncode == 2 and "file not found" in missing.stderr
    bad_id = run_cli("import", "timelinejs", str(source), "--source-id", "My Timeline")
    assert bad_id.returncode == 2 and "'my-timeline'" in bad_id.stderr
    bad_zone = run_cli("import", "timelinejs", str(source), "--timezone", "Mars/Olympus")
    assert bad_zone.returncode == 2 and "is not a time zone" in bad_zone.stderr
    assert not content.exists()
