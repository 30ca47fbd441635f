"""Sharing and discovery: per-page meta tags, JSON-LD, sitemap.xml, robots.txt, the Atom feed."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest
from conftest import CONTENT, run_cli

from site_builder.build import load_site
from site_builder.dateparse import parse_date
from site_builder.feeds import atom_feed
from site_builder.links import read_folder
from site_builder.model import Update
from site_builder.urls import UrlBuilder
from site_builder.viewwords import site_messages

BASE = "https://example.org/explainer/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def absolute_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The explainer built for an absolute base URL, as it is published."""
    out = tmp_path_factory.mktemp("absolute") / "_site"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out), "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    return out


def pages_of(site: Path) -> dict[str, str]:
    """Every HTML page but the 404, by path relative to the site."""
    return {
        file.relative_to(site).as_posix(): file.read_text(encoding="utf-8")
        for file in sorted(site.rglob("*.html"))
        if file.name != "404.html"
    }


def meta(html: str, key: str) -> str | None:
    """Content of <meta name=KEY> or <meta property=KEY>."""
    match = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)">', html)
    return match.group(1) if match else None


def json_ld(html: str) -> dict[str, Any]:
    """The page's JSON-LD, parsed."""
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def nodes(html: str) -> list[dict[str, Any]]:
    """The nodes of a page's JSON-LD graph."""
    data = json_ld(html)
    assert data["@context"] == "https://schema.org"
    graph: list[dict[str, Any]] = data["@graph"]
    return graph


def test_every_page_describes_itself(absolute_site: Path) -> None:
    for path, html in pages_of(absolute_site).items():
        url = BASE + path.removesuffix("index.html")
        assert re.search(r"<title>[^<]+</title>", html), path
        assert meta(html, "description"), path
        assert f'<link rel="canonical" href="{url}">' in html, path
        assert meta(html, "og:url") == url, path
        for key in ("og:title", "og:description", "og:type", "og:site_name"):
            assert meta(html, key), f"{path}: {key}"
        assert meta(html, "twitter:card") == "summary", path
        assert meta(html, "twitter:title") == meta(html, "og:title"), path
        assert '<link rel="icon" href="/explainer/static/favicon.svg"' in html, path
        if path == "embed/timeline/index.html":
            # Shown inside other sites' pages, indexed only there: no data of its own.
            assert meta(html, "robots") == "noindex, indexifembedded"
            assert "application/ld+json" not in html
            continue
        assert meta(html, "robots") is None, path
        assert nodes(html), path


def test_no_og_url_without_an_absolute_base(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert meta(html, "og:url") is None  # a link preview needs an absolute URL or nothing
    assert meta(html, "og:title")


def test_json_ld_types_per_page_kind(absolute_site: Path) -> None:
    pages = pages_of(absolute_site)
    home = {node["@type"]: node for node in nodes(pages["index.html"])}
    # The explainer says it is one (site.yaml's kind): schema.org's type for it.
    assert set(home) == {"WebSite", "BackgroundNewsArticle"}
    article = home["BackgroundNewsArticle"]
    assert article["url"] == BASE and article["datePublished"] == "2025-07-19"
    assert article["publisher"]["name"] and article["isPartOf"]["@id"] == home["WebSite"]["@id"]
    summary = nodes(pages["why-it-matters/index.html"])[0]
    assert summary["@type"] == "BackgroundNewsArticle" and summary["headline"]
    player_pages = {
        path: nodes(html)
        for path, html in pages.items()
        if path.startswith("players/") and path != "players/index.html"
    }
    # A player's page is a ProfilePage about the player (then the words they said).
    assert {graph[0]["@type"] for graph in player_pages.values()} == {"ProfilePage"}
    kinds = {path: graph[1]["@type"] for path, graph in player_pages.items()}
    assert all(
        graph[0]["mainEntity"] == {"@id": graph[1]["@id"]} for graph in player_pages.values()
    )
    assert set(kinds.values()) <= {"Person", "Organization", "GovernmentOrganization", "Place"}
    assert "Person" in kinds.values() and "Place" in kinds.values()
    assert nodes(pages["players/index.html"])[0]["@type"] == "CollectionPage"


def test_timeline_events_keep_their_date_precision(absolute_site: Path) -> None:
    timeline = nodes(pages_of(absolute_site)["timeline/index.html"])[0]
    events = [item["item"] for item in timeline["mainEntity"]["itemListElement"]]
    assert all(event["@type"] == "Event" for event in events)
    assert len(events) == (absolute_site / "timeline/index.html").read_text().count(
        '<li class="event '
    )
    by_start = {event["startDate"]: event for event in events}
    assert "2025-07" in by_start  # a month-only event is not given an invented day
    assert "2025-W30" in by_start  # nor is the proposed meeting's week
    proposed = by_start["2025-W30"]
    assert "eventStatus" not in proposed and "Proposed" in proposed["description"]
    ranges = [event for event in events if "endDate" in event]
    assert ranges and all(event["endDate"] >= event["startDate"] for event in ranges)
    assert all(event["url"].startswith(BASE + "timeline/#") for event in events)


def test_json_ld_cannot_break_out_of_its_script(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    config = content / "site.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('name: "Explainer desk"', 'name: "Desk </script><b>x"'), encoding="utf-8"
    )
    out = tmp_path / "_site"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert script and "<" not in script.group(1)
    assert nodes(html)[1]["publisher"]["name"] == "Desk </script><b>x"


def test_sitemap_lists_every_page_with_absolute_urls(absolute_site: Path) -> None:
    root = ElementTree.parse(absolute_site / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locs = [url.findtext(f"{SITEMAP}loc") for url in root]
    expected = {
        BASE + path.removesuffix("index.html")
        for path in pages_of(absolute_site)
        if path != "embed/timeline/index.html"  # noindex: shown inside other sites' pages
    }
    assert set(locs) == expected and len(locs) == len(expected)
    assert all(url.findtext(f"{SITEMAP}lastmod") == "2025-07-19" for url in root)


def test_robots_txt_points_to_the_sitemap(absolute_site: Path) -> None:
    robots = (absolute_site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_feed_is_atom_built_from_the_updates_log(absolute_site: Path) -> None:
    root = ElementTree.parse(absolute_site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for child in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{child}") is not None, child
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == BASE + "feed.xml"
    entries = root.findall(f"{ATOM}entry")
    site = load_site(CONTENT)
    assert len(entries) == len(site.updates)
    summaries = {entry.findtext(f"{ATOM}summary") for entry in entries}
    assert summaries == {update.summary for update in site.updates}
    for entry in entries:
        assert (entry.findtext(f"{ATOM}id") or "").startswith("urn:uuid:")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}updated") or "")
    html = (absolute_site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in html


def test_feed_ids_survive_new_updates() -> None:
    """Adding an update adds an entry; the ids of existing entries never change."""
    site = load_site(CONTENT)
    urls = UrlBuilder(BASE)

    def ids(feed: str) -> list[str]:
        root = ElementTree.fromstring(feed)
        return [entry.findtext(f"{ATOM}id") or "" for entry in root.findall(f"{ATOM}entry")]

    messages = site_messages(site)
    before = ids(atom_feed(site, urls, messages))
    later = Update(date=parse_date("2025-07-25"), summary="Added the meeting's outcome.")
    after = ids(
        atom_feed(dataclasses.replace(site, updates=(*site.updates, later)), urls, messages)
    )
    assert len(after) == len(before) + 1
    assert after[1:] == before  # newest first; the old entries keep their ids
    assert len(set(after)) == len(after)


def test_output_is_byte_identical_across_builds(absolute_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "_site"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(again), "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    first, second = read_folder(absolute_site), read_folder(again)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
    assert {"sitemap.xml", "robots.txt", "feed.xml", "static/favicon.svg"} <= set(first)
