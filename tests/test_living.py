"""A living explainer, read as a reader and a machine would: a local news story corrected as it
went (tests/fixtures/local-fire). A correction shows on every page that shows the fact it names,
in the feed and in the JSON-LD; unconfirmed and disputed facts carry their badge wherever they
appear; a retracted fact stays, struck through; drafts stay off the site; quotes open their
source at the quoted words; the sources page gives each source's addresses and dates. A story of
two years with a timeline split by period, a time of day and a date not set yet keeps all that."""

from __future__ import annotations

import html
import json
import re
import urllib.parse
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, run_cli
from scratch import MINIMAL, write_site

from site_builder.build import BuildOptions, build_site
from site_builder.quotes import normalise

FIRE = FIXTURES / "local-fire"
CORRECTION = "/updates/#update-2026-03-04-1"  # the correction retracting the hospital report
CLARIFICATION = "/updates/#update-2026-03-05-1"  # the clarification about Dana Okafor
RETRACTED = "<s>Two firefighters taken to hospital</s>"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def fire(story_sites: dict[str, Path]) -> Path:
    return story_sites["local-fire"]


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


def main_of(text: str) -> str:
    return text.split("<main", 1)[1].split("</main>", 1)[0]


def graph(text: str) -> list[dict[str, Any]]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', text)
    assert found
    nodes: list[dict[str, Any]] = json.loads(found.group(1))["@graph"]
    return nodes


def corrections_in(nodes: list[dict[str, Any]]) -> list[str]:
    return [c["url"] for node in nodes for c in node.get("correction", [])]


# Every page that shows the retracted event, and what shows it there.
SHOWING_THE_RETRACTED_FACT = {
    "timeline": "its entry",
    "": "the key facts",
    "players/fire-service": "the events of a player in it",
    "sources": "the evidence it rests on",
    "updates": "the correction itself",
}


@pytest.mark.parametrize("path", sorted(SHOWING_THE_RETRACTED_FACT))
def test_a_correction_shows_on_every_page_that_shows_the_fact(fire: Path, path: str) -> None:
    shown = main_of(page(fire, path))
    assert RETRACTED in shown, SHOWING_THE_RETRACTED_FACT[path]
    assert f'href="{CORRECTION}"' in shown or f'id="{CORRECTION.split("#")[1]}"' in shown
    if path in ("timeline", "", "players/fire-service"):  # where the fact is shown in full
        assert (
            f'<p class="correction"><a href="{CORRECTION}">Correction, '
            '<time datetime="2026-03-04">March 4, 2026</time></a>: An earlier version said two '
            "firefighters were taken to hospital"
        ) in shown
        assert "<strong>Retracted:</strong> It was wrong" in shown
    if path == "":  # the home page's list of updates: each date opens its entry
        updates = shown.split('<ul class="update-list">', 1)[1].split("</ul>", 1)[0]
        assert (
            f'<li><span class="event-date"><a href="{CORRECTION}"><time datetime="2026-03-04">'
            'March 4, 2026</time></a></span> <span class="tag tag-correction">Correction</span>'
        ) in updates


def test_pages_that_do_not_show_the_fact_do_not_carry_its_correction(fire: Path) -> None:
    for path in ("players/dana-okafor", "players/mill-road", "what-we-dont-know", "players"):
        assert CORRECTION not in page(fire, path), path


def test_a_clarification_about_a_player_shows_wherever_the_player_is_shown(fire: Path) -> None:
    own = main_of(page(fire, "players/dana-okafor"))
    assert f'<p class="correction"><a href="{CLARIFICATION}">Clarification, ' in own
    index = main_of(page(fire, "players"))
    assert f'<a class="tag tag-clarification" href="{CLARIFICATION}">Clarification</a>' in index
    sources = main_of(page(fire, "sources"))
    assert f'href="{CLARIFICATION}">Clarification</a>' in sources  # beside "Used in: Okafor"


def test_the_feed_carries_corrections_and_the_standing_of_the_facts_they_name(
    fire: Path,
) -> None:
    feed = ElementTree.parse(fire / "feed.xml").getroot()
    entries = {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}
    assert list(entries) == [
        "Clarification: March 5, 2026",
        "Update: March 4, 2026",
        "Correction: March 4, 2026",
        "Update: March 3, 2026",
    ]  # the draft update is not in it
    correction = entries["Correction: March 4, 2026"]
    assert correction.find(f"{ATOM}category").attrib == {  # type: ignore[union-attr]
        "term": "correction",
        "label": "Correction",
    }
    assert correction.find(f"{ATOM}link").attrib["href"] == CORRECTION  # type: ignore[union-attr]
    content = correction.findtext(f"{ATOM}content") or ""
    assert (
        '<s><a href="/timeline/#firefighters-hospitalised">Two firefighters taken to hospital'
        in (content)
    )
    assert "(Retracted: It was wrong" in content
    update = entries["Update: March 4, 2026"].findtext(f"{ATOM}content") or ""
    assert "(Disputed: Sources disagree" in update and "(Unconfirmed: Reported" in update


def test_the_feed_ids_of_updates_without_a_kind_never_change(fire: Path) -> None:
    """Entries are named as they were before updates had kinds: "update-DATE-N"."""
    import uuid

    feed = ElementTree.parse(fire / "feed.xml").getroot()
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")]
    key = "site-builder:Mill Road warehouse fire: what we know"
    names = ["2026-03-05-1", "2026-03-04-2", "2026-03-04-1", "2026-03-03-1"]
    assert ids == [
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{key}#update-{name}')}" for name in names
    ]


def test_json_ld_carries_corrections_and_when_the_page_was_modified(fire: Path) -> None:
    home = {node["@type"]: node for node in graph(page(fire, ""))}
    article = home["NewsArticle"]
    assert article["dateModified"] == "2026-03-05" and article["datePublished"] == "2026-03-03"
    assert [c["@type"] for c in article["correction"]] == ["CorrectionComment"] * 2
    assert article["correction"][0] == {
        "@type": "CorrectionComment",
        "text": "An earlier version said two firefighters were taken to hospital, as an early "
        "radio report said. The fire service says one firefighter was treated at the scene "
        "and none was taken to hospital.",
        "datePublished": "2026-03-04",
        "url": CORRECTION,
    }
    assert corrections_in(graph(page(fire, "timeline"))) == [CORRECTION]
    profile = graph(page(fire, "players/fire-service"))[0]
    assert profile["@type"] == "ProfilePage" and profile["dateModified"] == "2026-03-05"
    assert corrections_in([profile]) == [CORRECTION]  # its event was corrected
    assert corrections_in(graph(page(fire, "players/dana-okafor"))) == [CLARIFICATION]
    assert corrections_in(graph(page(fire, "players/mill-road"))) == []


def test_json_ld_events_say_what_is_unconfirmed_disputed_or_retracted(fire: Path) -> None:
    collection = graph(page(fire, "timeline"))[0]
    events = {
        item["item"]["name"]: item["item"] for item in collection["mainEntity"]["itemListElement"]
    }
    retracted = events["Two firefighters taken to hospital"]
    assert "eventStatus" not in retracted  # not claimed to have happened
    assert retracted["description"].startswith("Retracted: ")
    assert events["Riverside Primary closes for the day"]["description"].startswith(
        "Unconfirmed: Reported, but not yet confirmed"
    )
    disputed = events["Fire service says the fire started in the electrical intake room"]
    assert disputed["description"].endswith(
        "The owner says the wiring was replaced and inspected last spring."
    )
    school = graph(page(fire, "players/riverside-primary"))[1]
    assert school["description"].startswith("Unconfirmed: ")


def test_quotes_said_by_a_player_are_quotations_in_their_page_s_json_ld(fire: Path) -> None:
    nodes = graph(page(fire, "players/dana-okafor"))
    person = nodes[1]
    quotations = [node for node in nodes if node["@type"] == "Quotation"]
    assert [q["text"] for q in quotations] == [
        "We replaced all the wiring last spring, and it was inspected",
        "I want to see the evidence before anyone says it was electrical.",
    ]
    for quotation in quotations:
        assert quotation["spokenByCharacter"]["@id"] == person["@id"]
        assert quotation["creator"]["@id"] == person["@id"]
        assert quotation["isBasedOn"] == {
            "@type": "CreativeWork",
            "name": "Warehouse owner disputes fire service finding",
            "url": "https://courier.example.org/2026/03/05/owner-disputes-finding",
            "publisher": {"@type": "Organization", "name": "Eastbridge Courier"},
            "datePublished": "2026-03-05",
        }
        assert quotation["url"].startswith(quotation["isBasedOn"]["url"] + "#:~:text=")
    # The fire service said nothing quoted: no Quotation on its page.
    assert "Quotation" not in {node["@type"] for node in graph(page(fire, "players/fire-service"))}


def test_unconfirmed_and_disputed_facts_carry_their_badge_wherever_they_appear(
    fire: Path,
) -> None:
    timeline = main_of(page(fire, "timeline"))
    assert '<span class="tag tag-unconfirmed">Unconfirmed</span>' in timeline
    assert "<strong>Unconfirmed:</strong> Reported, but not yet confirmed" in timeline
    assert '<span class="tag tag-disputed">Disputed</span>' in timeline
    # The chart, an image: its marks are drawn apart, its labels and description say so.
    svg = timeline[timeline.index("<svg") : timeline.index("</svg>")]
    assert svg.count("standing-disputed") == 1 and svg.count("standing-unconfirmed") == 1
    # The standing leads the label, so that a title cut short at the chart's width keeps it.
    first_lines = r'<g class="chart-event [^"]*">\n<text x="0" y="[\d.]+">([^<]+)</text>'
    labels = re.findall(first_lines, svg)
    assert [label.split(":")[0] for label in labels if ":" in label] == [
        "Retracted",
        "Unconfirmed",
        "Disputed",
    ]
    assert ">Disputed: Fire service says the</text>" in svg
    assert "2 unconfirmed or disputed, drawn pale and labelled so." in svg
    assert "1 retracted, struck through." in svg
    school = main_of(page(fire, "players/riverside-primary"))
    assert "<strong>Unconfirmed:</strong>" in school and "the school did not answer" in school
    okafor = main_of(page(fire, "players/dana-okafor"))
    assert okafor.count('<span class="tag tag-disputed">Disputed</span>') >= 3  # quotes, event
    home = main_of(page(fire, ""))
    assert '<span class="tag tag-disputed">Disputed</span>' in home  # a key fact
    players = main_of(page(fire, "players"))
    assert 'Riverside Primary School</a> <span class="tag tag-unconfirmed">Unconfirmed' in players
    updates = main_of(page(fire, "updates"))
    assert 'Riverside Primary closes for the day</a> <span class="tag tag-unconfirmed">' in updates


def test_drafts_stay_off_the_site_and_check_lists_them(fire: Path) -> None:
    every_page = "\n".join(p.read_text("utf-8") for p in fire.rglob("*") if p.is_file())
    for draft in ("insurance-claim", "insurer-letter", "insurer", "TODO"):
        assert draft not in every_page, draft
    result = run_cli("check", "--strict", "--content", str(FIRE))
    assert result.returncode == 0, result.stderr
    assert "3 drafts, not on the site:" in result.stdout
    for where in (
        "facts/sources.yaml:35: source 'insurer-letter'",
        "facts/events.yaml:58: event 'insurance-claim'",
        "facts/updates.yaml:21: update '2026-03-06'",
    ):
        assert f"{FIRE}/{where}" in result.stdout


def test_every_page_says_the_explainer_is_no_longer_updated(fire: Path) -> None:
    notice = (
        '<p class="notice-ended"><strong>No longer updated</strong> since '
        '<time datetime="2026-03-12">March 12, 2026</time>'
    )
    pages = sorted(fire.rglob("*.html"))
    assert len(pages) >= 10
    for html_file in pages:
        assert notice in html_file.read_text("utf-8"), html_file


def test_the_sources_page_gives_addresses_dates_and_numbers(fire: Path) -> None:
    sources = main_of(page(fire, "sources"))
    entry = sources.split('id="source-fire-service"', 1)[1].split("</li>\n<li id=", 1)[0]
    assert '<span class="cite-number">1</span> <a href="https://fire.example.org/' in entry
    assert 'published <time datetime="2026-03-04">March 4, 2026</time>' in entry
    assert 'retrieved <time datetime="2026-03-04">March 4, 2026</time>' in entry
    assert (
        '<a href="https://web.archive.org/web/20260304120000/https://fire.example.org/incidents/'
        '2026-031">archived copy</a>'
    ) in entry
    # Every citation mark on every page names a source by its number on this page.
    numbers = dict(
        re.findall(r'<li id="(source-[a-z-]+)"[^>]*>\n<h2><span class="cite-number">(\d+)', sources)
    )
    for html_file in fire.rglob("*.html"):
        for anchor, number in re.findall(
            r'<a class="cite" href="/sources/#(source-[a-z-]+)" aria-label="Source (\d+)">\2</a>',
            html_file.read_text("utf-8"),
        ):
            assert numbers[anchor] == number


def _quote_links(site: Path) -> set[tuple[str, str]]:
    """(link, quoted words) of every quote that links into its source."""
    found = set()
    for html_file in site.rglob("*.html"):
        text = main_of(html_file.read_text("utf-8"))
        for href, words in re.findall(r'<q><a href="([^"]+#:~:text=[^"]+)">([^<]+)</a></q>', text):
            found.add((html.unescape(href), html.unescape(words)))
    return found


def test_each_quote_opens_its_source_at_its_words_and_only_there(fire: Path) -> None:
    texts = {
        "https://fire.example.org/incidents/2026-031": "fire-service-statement.txt",
        "https://courier.example.org/2026/03/05/owner-disputes-finding": "owner-interview.txt",
        "https://council.example.org/notices/mill-road-closure": "council-notice.txt",
    }
    links = _quote_links(fire)
    assert len(links) == 9  # every quote of the story: all three sources have an address
    kinds = set()
    for href, words in links:
        address, directive = href.split("#:~:", 1)
        text = normalise((FIRE / "sources" / texts[address]).read_text("utf-8"))
        terms = _parse(directive)
        kinds.add(("range" if terms["end"] else "exact", bool(terms["prefix"] or terms["suffix"])))
        assert _browser_find(text, terms) == [text.index(normalise(words))], (words, directive)
    # The story exercises each kind: exact, exact with context ("Mill Road" recurs), a range.
    assert kinds == {("exact", False), ("exact", True), ("range", False)}


def _parse(directive: str) -> dict[str, str | None]:
    tokens = directive.removeprefix("text=").split(",")
    terms: dict[str, str | None] = {"prefix": None, "end": None, "suffix": None}
    if tokens[0].endswith("-"):
        terms["prefix"] = urllib.parse.unquote(tokens.pop(0)[:-1])
    if tokens[-1].startswith("-"):
        terms["suffix"] = urllib.parse.unquote(tokens.pop()[1:])
    terms["start"] = urllib.parse.unquote(tokens[0])
    if len(tokens) > 1:
        terms["end"] = urllib.parse.unquote(tokens[1])
    return terms


def _browser_find(text: str, terms: dict[str, str | None]) -> list[int]:
    """Where a browser's search for the directive matches (case-insensitive, whole words)."""

    def term(words: str) -> str:
        pattern = re.escape(words.casefold())
        pattern = (r"(?<!\w)" if words[0].isalnum() else "") + pattern
        return pattern + (r"(?!\w)" if words[-1].isalnum() else "")

    start, end, prefix, suffix = terms["start"], terms["end"], terms["prefix"], terms["suffix"]
    assert start is not None
    pattern = (term(prefix) + r"\s*" if prefix else "") + "(" + term(start)
    pattern += (".*?" + term(end) if end else "") + ")" + (r"\s*" + term(suffix) if suffix else "")
    return [match.start(1) for match in re.finditer(pattern, text.casefold())]


# --------------------------------------------------------------------------- dates of every kind


def _split_story() -> dict[str, str | None]:
    """A story over two years on London's clock, long enough that the timeline is split by
    period: a retracted event, one at a time of day, one proposed with no date yet, and
    corrections naming them (one of them made at a time of day)."""
    events: list[dict[str, Any]] = [
        {
            "id": f"round-{n}",
            "date": f"{2024 + n // 80}-{n % 12 + 1:02d}-{n % 27 + 1:02d}",
            "title": f"Round {n}",
            "evidence": [{"source": "report", "quote": "they met"}],
        }
        for n in range(160)
    ]
    events += [
        {"id": "boats", "date": "2024-02-10", "title": "Twelve boats seen",
         "verification": "retracted", "evidence": [{"source": "report", "note": "A count."}]},
        {"id": "opening", "date": "2025-03-04 14:30", "title": "Talks open at half past two",
         "players": ["alice"],
         "evidence": [{"source": "report", "quote": "they met", "said_by": "alice"}]},
        {"id": "next-round", "date": "unknown", "status": "proposed", "title": "A next round",
         "evidence": [{"source": "report", "note": "Both said they would meet again."}]},
    ]  # fmt: skip
    updates = [
        {"date": "2024-02-11", "kind": "correction", "facts": ["boats"],
         "summary": "An earlier version said twelve boats; it was two."},
        {"date": "2025-03-05 09:15", "kind": "correction", "facts": ["opening", "next-round"],
         "summary": "The talks opened in the afternoon; the next round has no date yet."},
    ]  # fmt: skip
    source = {
        "id": "report",
        "title": "A report",
        "kind": "report",
        "url": "https://example.org/report",
        "text": "sources/report.txt",
    }
    return {
        "site.yaml": (MINIMAL / "site.yaml").read_text("utf-8") + "timezone: Europe/London\n",
        "facts/events.yaml": yaml.safe_dump(events),
        "facts/updates.yaml": yaml.safe_dump(updates),
        "facts/sources.yaml": yaml.safe_dump([source]),
        "sources/report.txt": "On the first day they met at noon.\n",
        "summaries/overview.md": "---\ntitle: Overview\nslug: overview\n"
        "description: Two years of talks.\n---\nSee [a round](event:round-0).\n",
    }


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("split")
    out = root / "_site"
    # --strict: every link and #fragment of every page resolves, every quote is verified, and
    # every page stays within the weight budget.
    build_site(BuildOptions(content=write_site(root, _split_story()), out=out, strict=True))
    return out


def test_corrections_follow_their_facts_onto_the_pages_of_a_split_timeline(split: Path) -> None:
    parts = sorted(p.parent.name for p in (split / "timeline").glob("*/index.html"))
    assert len(parts) >= 3, parts
    pages = {
        fact: next(part for part in parts if f'id="{fact}"' in page(split, f"timeline/{part}"))
        for fact in ("boats", "opening", "next-round")
    }
    timed = "/updates/#update-2025-03-05-09-15-1"  # the anchor of a correction made at 09:15
    for fact, anchor in (("boats", "/updates/#update-2024-02-11-1"), ("opening", timed)):
        shown = main_of(page(split, f"timeline/{pages[fact]}"))
        entry = shown.split(f'id="{fact}"', 1)[1].split("</li>", 1)[0]
        assert f'<p class="correction"><a href="{anchor}">Correction, ' in entry
        assert '<a class="cite" href="/sources/#source-report" aria-label="Source 1">1</a>' in entry
        assert corrections_in(graph(page(split, f"timeline/{pages[fact]}"))) == [anchor]
    # The event with no date yet is listed, with its correction, where the undated go.
    undated = main_of(page(split, f"timeline/{pages['next-round']}"))
    assert f'<p class="correction"><a href="{timed}">Correction, <time datetime=' in undated
    updates = main_of(page(split, "updates"))
    assert '<li id="update-2025-03-05-09-15-1"' in updates
    assert '<time datetime="2025-03-05T09:15Z">5 March 2025, 09:15</time>' in updates
    for fact, part in pages.items():  # the updates page and the feed link into the right part
        assert f'href="/timeline/{part}/#{fact}"' in updates
        assert f'href="/timeline/{part}/#{fact}"' in (split / "feed.xml").read_text("utf-8")
    home = main_of(page(split, ""))
    assert f'<a href="{timed}"><time datetime="2025-03-05T09:15Z">' in home


def test_an_event_with_no_date_keeps_its_correction_in_json_ld_without_a_date(
    split: Path,
) -> None:
    part = next(p for p in (split / "timeline").glob("*/index.html") if 'id="next-round"' in
                p.read_text("utf-8"))  # fmt: skip
    collection = graph(part.read_text("utf-8"))[0]
    events = {i["item"]["name"]: i["item"] for i in collection["mainEntity"]["itemListElement"]}
    assert "startDate" not in events["A next round"]  # unknown, never invented
    assert collection["dateModified"] == "2025-03-05T09:15Z"
    feed = ElementTree.parse(split / "feed.xml").getroot()
    stamps = [entry.findtext(f"{ATOM}published") for entry in feed.iter(f"{ATOM}entry")]
    assert stamps == ["2025-03-05T09:15:00Z", "2024-02-11T00:00:00Z"]


def test_quotes_that_open_their_source_keep_a_split_timeline_within_the_budget(
    tmp_path: Path,
) -> None:
    """A quote's link carries its words percent-encoded (six bytes a Cyrillic letter): the
    timeline is split by that weight, not by the words' length alone."""
    quotes = [
        f"Засідання {n} тривало до вечора, і сторони погодили спільну заяву про наступні кроки "
        f"щодо мосту, ремонту шкіл та виплат мешканцям, які втратили житло під час повені {n}."
        for n in range(90)
    ]
    events = [
        {"id": f"zasidannia-{n}", "date": f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
         "title": f"Засідання {n}",
         "evidence": [{"source": "protokol", "quote": quote}]}
        for n, quote in enumerate(quotes)
    ]  # fmt: skip
    source = {
        "id": "protokol",
        "title": "Протоколи",
        "kind": "report",
        "url": "https://example.org/protokoly",
        "text": "sources/protokoly.txt",
    }
    content = write_site(
        tmp_path,
        {
            "facts/events.yaml": yaml.safe_dump(events, allow_unicode=True),
            "facts/sources.yaml": yaml.safe_dump([source], allow_unicode=True),
            "sources/protokoly.txt": "\n".join(quotes) + "\n",
            "facts/players.yaml": (MINIMAL / "facts" / "players.yaml")
            .read_text("utf-8")
            .replace("source: report", "source: protokol"),
            "summaries/overview.md": "---\ntitle: Огляд\nslug: overview\n"
            "description: Засідання.\n---\nЗасідання [ради](event:zasidannia-0).\n",
        },
    )
    out = tmp_path / "_site"
    result = build_site(BuildOptions(content=content, out=out))
    assert not [warning for warning in result.warnings if "timeline" in warning]
    parts = list((out / "timeline").glob("*/index.html"))
    assert len(parts) >= 2
    assert all("#:~:text=%D0%97" in part.read_text("utf-8") for part in parts)
