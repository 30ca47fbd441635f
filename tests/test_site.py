"""End to end: the repo's explainer built into a temporary folder and read with a real HTML
parser, as a reader's browser would get it."""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from conftest import CONTENT, run_cli

from site_builder.dateparse import parse_date


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)
    parent: Element | None = None

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        found = []
        for child in self.children:
            if child.tag == tag and all(
                value in child.attrs.get(name.rstrip("_"), "").split()
                if name == "class_"
                else child.attrs.get(name) == value
                for name, value in attrs.items()
            ):
                found.append(child)
            found += child.find_all(tag, **attrs)
        return found

    def all_text(self) -> str:
        return re.sub(
            r"\s+", " ", self.text + "".join(c.all_text() + c.tail for c in self.children)
        ).strip()

    tail: str = ""


VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}


class TreeBuilder(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"</{tag}> closes nothing"
        self.current = node.parent or self.root

    def handle_data(self, data: str) -> None:
        if self.current.children:
            self.current.children[-1].tail += data
        else:
            self.current.text += data


def parse(path: Path) -> Element:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


def facts(name: str) -> list[dict]:  # type: ignore[type-arg]
    return yaml.safe_load((CONTENT / "facts" / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_page_exists_at_a_pretty_url(built_site: Path) -> None:
    expected = [
        "index.html",
        "timeline/index.html",
        "players/index.html",
        "sources/index.html",
        "404.html",
        "why-it-matters/index.html",
        "what-next/index.html",
    ]
    expected += [f"players/{p['id']}/index.html" for p in facts("players.yaml")]
    for relative in expected:
        assert (built_site / relative).is_file(), relative
    assert (built_site / "static" / "style.css").is_file()


def test_pages_share_one_layout(built_site: Path) -> None:
    for page in sorted(built_site.rglob("*.html")):
        doc = parse(page)
        html_tag = doc.find_all("html")[0]
        assert html_tag.attrs["lang"] == "en-GB"  # British English: "19 July 2025"
        assert "dir" not in html_tag.attrs  # left to right, the default
        assert len(doc.find_all("main")) == 1, page
        assert len(doc.find_all("h1")) == 1, page
        assert all("src" not in script.attrs for script in doc.find_all("script")), page
        if page == built_site / "embed" / "timeline" / "index.html":
            # Inside another site's page: no header, menu or site footer of its own.
            assert not doc.find_all("nav") and not doc.find_all("header")
            assert [a.attrs["href"] for a in doc.find_all("footer")[0].find_all("a")] == [
                "/timeline/"
            ]
            continue
        nav = doc.find_all("nav")[0]
        assert [a.all_text() for a in nav.find_all("a")][:3] == [
            "Overview",
            "Timeline",
            "Key players",
        ]
        assert "Facts as of 19 July 2025" in doc.find_all("header")[0].all_text()
        footer = doc.find_all("footer")[0]
        assert any(a.attrs["href"] == "/sources/" for a in footer.find_all("a"))
        # no external fonts, scripts or CDNs
        assert not doc.find_all("script", src="")
        for link in doc.find_all("link"):
            assert not link.attrs.get("href", "").startswith(
                ("http://", "https://")
            ) or link.attrs.get("rel") in ("canonical", "alternate")


def test_timeline_lists_every_event_in_date_order_with_true_precision(built_site: Path) -> None:
    doc = parse(built_site / "timeline" / "index.html")
    items = [
        li for ol in doc.find_all("ol", class_="timeline") for li in ol.children if li.tag == "li"
    ]
    events = {e["id"]: e for e in facts("events.yaml")}
    assert [li.attrs["id"] for li in items] == sorted(
        events, key=lambda i: parse_date(str(events[i]["date"])).sort_key()
    )
    for li in items:
        event = events[li.attrs["id"]]
        written = str(event["date"])
        machine = [
            t.attrs["datetime"] for t in li.find_all("p", class_="event-date")[0].find_all("time")
        ]
        date = parse_date(written)
        expected = [date.start.machine()] + ([date.end.machine()] if date.end else [])
        assert machine == expected, written
        if event.get("when"):
            assert event["when"] in li.all_text()
        if event.get("status") == "proposed":
            assert "Proposed, not yet happened" in li.all_text()
        for player_id in event["players"]:
            assert li.find_all("a", href=f"/players/{player_id}/"), (li.attrs["id"], player_id)
        quotes = [q.all_text() for q in li.find_all("q")]
        for evidence in event.get("evidence", []):
            if evidence.get("quote"):
                assert " ".join(evidence["quote"].split()) in quotes
    months = [h2.find_all("time")[0].attrs["datetime"] for h2 in doc.find_all("h2")]
    assert months == sorted(months) and len(months) == len(set(months))


def test_month_precision_is_never_shown_as_a_day(built_site: Path) -> None:
    doc = parse(built_site / "timeline" / "index.html")
    dormant = next(li for li in doc.find_all("li") if li.attrs.get("id") == "talks-dormant")
    time = dormant.find_all("time")[0]
    assert time.attrs["datetime"] == "2025-06"
    assert time.all_text() == "early June 2025"


def test_context_is_labelled_as_context(built_site: Path) -> None:
    doc = parse(built_site / "sources" / "index.html")
    sources = {s["id"]: s for s in facts("sources.yaml")}
    for li in doc.find_all("li", class_="source"):
        source = sources[li.attrs["id"].removeprefix("source-")]
        label = "Context" if source["kind"] == "context" else "Report"
        number, tag = li.find_all("h2")[0].find_all("span")[:2]
        assert number.attrs["class"] == "cite-number" and tag.all_text() == label


def test_player_pages_link_back_to_every_event_they_appear_in(built_site: Path) -> None:
    for player in facts("players.yaml"):
        doc = parse(built_site / "players" / player["id"] / "index.html")
        assert doc.find_all("h1")[0].all_text() == player["name"]
        linked = {a.attrs["href"] for a in doc.find_all("a")}
        for event in facts("events.yaml"):
            if player["id"] in event["players"]:
                assert f"/timeline/#{event['id']}" in linked, (player["id"], event["id"])


def test_attributed_quotes_appear_on_the_speakers_page(built_site: Path) -> None:
    said = [
        (e["said_by"], e["quote"])
        for event in facts("events.yaml")
        for e in event.get("evidence", [])
        if e.get("said_by") and e.get("quote")
    ]
    assert said, "the explainer attributes quotes"
    for player_id, quote in said:
        page = parse(built_site / "players" / player_id / "index.html")
        quotes = [b.all_text() for b in page.find_all("blockquote")]
        assert " ".join(quote.split()) in quotes


def test_every_internal_link_resolves(built_site: Path) -> None:
    anchors: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    for page in built_site.rglob("*.html"):
        doc = parse(page)
        stack = [doc]
        ids = set()
        while stack:
            node = stack.pop()
            if "id" in node.attrs:
                ids.add(node.attrs["id"])
            if node.tag == "a" and node.attrs.get("href", "").startswith("/"):
                links.append((page, node.attrs["href"]))
            stack += node.children
        anchors[page] = ids
    assert links
    for page, href in links:
        path, _, fragment = href.partition("#")
        target = built_site / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        assert target.is_file(), f"{page}: {href}"
        if fragment:
            assert fragment in anchors[target], f"{page}: {href}"


def test_home_page_gives_the_state_of_play_and_ways_in(built_site: Path) -> None:
    doc = parse(built_site / "index.html")
    text = doc.all_text()
    assert "State of play as of 19 July 2025" in text
    hrefs = {a.attrs["href"] for a in doc.find_all("a")}
    assert {"/timeline/", "/players/", "/sources/"} <= hrefs
    key_events = [e for e in facts("events.yaml") if e.get("key")]
    for event in key_events:
        assert f"/timeline/#{event['id']}" in hrefs


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        assert run_cli("build", "--content", str(CONTENT), "--out", str(out)).returncode == 0
        outputs.append(
            {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        )
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("base_url", ["/REPO/", "https://example.org/REPO/"])
def test_every_url_honours_the_base_url(tmp_path: Path, base_url: str) -> None:
    out = tmp_path / "out"
    assert (
        run_cli(
            "build", "--content", str(CONTENT), "--out", str(out), "--base-url", base_url
        ).returncode
        == 0
    )
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for attr in re.findall(r'(?:href|src)="(/[^"]*)"', text):
            assert attr.startswith("/REPO/"), f"{page}: {attr}"
    if base_url.startswith("https"):
        canonical = re.search(
            r'rel="canonical" href="([^"]+)"',
            (out / "timeline" / "index.html").read_text(encoding="utf-8"),
        )
        assert canonical and canonical.group(1) == "https://example.org/REPO/timeline/"


def test_player_role_line_names_each_thing_once(built_site: Path) -> None:
    for player in facts("players.yaml"):
        doc = parse(built_site / "players" / player["id"] / "index.html")
        role = doc.find_all("p", class_="role")[0].all_text()
        parts = [part.strip() for part in role.split("·")]
        assert parts[0] == player["role"]
        assert len(parts) == len(set(parts)), role
