"""Any story, not one story: no groups ("sides"), a ship as a key player, kinds of player declared
by the site, pictures and linked media, the site's kind in its structured data, and pages or
sections with nothing to show left out."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from PIL import Image
from scratch import problems_of, write_site

from site_builder.build import BuildOptions, build_site

SHIP = ROOT / "tests" / "fixtures" / "ship-no-sides"
MINIMAL_SITE = (ROOT / "tests" / "fixtures" / "minimal" / "site.yaml").read_text("utf-8")


@pytest.fixture(scope="module")
def ship_site(story_sites: dict[str, Path]) -> Path:
    return story_sites["ship-no-sides"]


def json_ld(page: Path) -> list[dict[str, Any]]:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page.read_text("utf-8")
    )
    assert match
    graph: list[dict[str, Any]] = json.loads(match.group(1))["@graph"]
    return graph


def test_without_groups_the_players_page_is_one_list(ship_site: Path) -> None:
    page = (ship_site / "players" / "index.html").read_text("utf-8")
    assert page.count('<ul class="player-list">') == 1
    assert "<section" not in page.split("<main", 1)[1]  # no group headings, no "Others"
    assert re.findall(r"<h2><a href=\"/players/([a-z-]+)/\">", page)[:2] == [
        "long-horizon",
        "northway-canal",
    ]
    assert "side" not in page.lower().replace("aside", "")


def test_an_object_is_a_thing_and_only_places_are_locations(ship_site: Path) -> None:
    page, ship = json_ld(ship_site / "players" / "long-horizon" / "index.html")
    assert page["@type"] == "ProfilePage" and page["mainEntity"] == {"@id": ship["@id"]}
    assert ship["@type"] == "Thing" and ship["name"] == "Long Horizon"
    _, court = json_ld(ship_site / "players" / "maritime-court" / "index.html")
    assert court["@type"] == "GovernmentOrganization"  # a kind declared in site.yaml
    events = {
        item["item"]["name"]: item["item"]
        for item in json_ld(ship_site / "timeline" / "index.html")[0]["mainEntity"][
            "itemListElement"
        ]
    }
    grounding = events["The Long Horizon runs aground across the canal"]
    assert grounding["location"] == {"@type": "BodyOfWater", "name": "Northway Canal"}
    refloating = events["Salvors refloat the ship"]  # the ship took part, but is no place
    assert "location" not in refloating
    page = (ship_site / "players" / "maritime-court" / "index.html").read_text("utf-8")
    assert '<p class="kind">Court</p>' in page  # the declared kind's label


def test_the_site_kind_sets_the_home_page_type(ship_site: Path) -> None:
    types = {node["@type"] for node in json_ld(ship_site / "index.html")}
    assert types == {"WebSite", "LiveBlogPosting"}


def test_local_images_get_their_size_and_a_resized_web_copy(ship_site: Path) -> None:
    page = (ship_site / "players" / "long-horizon" / "index.html").read_text("utf-8")
    [img] = re.findall(r"<img [^>]+>", page.split('<article class="player">')[1])[:1]
    src = re.search(r'src="/(media/ship-aground-[0-9a-f]{10}\.jpg)"', img)
    assert src, img
    assert 'width="1200" height="675"' in img  # 1600 x 900 scaled to the web width
    assert 'alt="A large container ship' in img
    with Image.open(ship_site / src.group(1)) as copy:
        assert copy.size == (1200, 675) and copy.format == "JPEG"
        assert not copy.info.get("exif")
    assert "<figcaption>The Long Horizon aground on the first morning." in page
    assert '<span class="credit">Credit: Harbour Desk illustration</span>' in page
    timeline = (ship_site / "timeline" / "index.html").read_text("utf-8")
    assert re.search(r'<img src="/media/waves-[0-9a-f]{10}\.png" alt="" width="600"', timeline)


def test_media_links_are_plain_links_with_no_third_party_code(ship_site: Path) -> None:
    timeline = (ship_site / "timeline" / "index.html").read_text("utf-8")
    assert '<a href="/media/interim-report.pdf">Interim investigation report</a> ' in timeline
    assert (ship_site / "media" / "interim-report.pdf").read_bytes() == (
        SHIP / "media" / "interim-report.pdf"
    ).read_bytes()
    assert (
        '<a href="https://example.org/videos/refloating.mp4">Video of the refloating</a> '
        '<span class="media-kind">video</span>'
    ) in timeline
    for page in ship_site.rglob("*.html"):
        text = page.read_text("utf-8")
        assert "<iframe" not in text and "<video" not in text and "<audio" not in text


def test_media_is_byte_identical_between_builds(ship_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(BuildOptions(content=SHIP, out=again))
    for copy in sorted((ship_site / "media").iterdir()):
        assert (again / "media" / copy.name).read_bytes() == copy.read_bytes(), copy.name


def test_empty_sections_are_left_out_and_counts_agree(ship_site: Path) -> None:
    home = (ship_site / "index.html").read_text("utf-8")
    assert "Key facts" not in home  # no event is marked key
    assert "Updates" not in home.split("<main", 1)[1]  # no updates log
    assert '<a href="/sources/">Sources</a>: 1 source and every quote used' in home
    assert '<a href="/players/">Who&#39;s who</a>: 6 profiles' in home  # a label override
    sources = (ship_site / "sources" / "index.html").read_text("utf-8")
    assert "<h3>Cited 10 times</h3>" in sources  # a plural override from site.yaml
    player = (ship_site / "players" / "meridian-shipping" / "index.html").read_text("utf-8")
    assert "In the timeline" in player
    lone = (ship_site / "players" / "northway-canal" / "index.html").read_text("utf-8")
    own = lone.split('<p class="role">', 1)[1].split('<section aria-labelledby="events-title">')[0]
    assert "What they said" not in own and "<figure" not in own  # nothing said, no picture


def test_events_need_no_players(ship_site: Path) -> None:
    timeline = (ship_site / "timeline" / "index.html").read_text("utf-8")
    backlog = timeline.split('id="backlog"', 1)[1].split("</li>", 1)[0]
    assert "More than 300 ships wait" in backlog and "Who:" not in backlog


def test_pages_with_nothing_on_them_are_not_made_nor_in_the_menu(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {
            "facts/players.yaml": "",
            "facts/events.yaml": "- id: meeting\n  date: 2025-07-01\n  title: Meeting\n"
            "  verification: unconfirmed\n",
            "site.yaml": MINIMAL_SITE.replace("groups:\n  - id: north\n    label: North\n", ""),
            "summaries/overview.md": "---\ntitle: T\nslug: overview\ndescription: D\n---\nText.\n",
        },
    )
    out = tmp_path / "out"
    build_site(BuildOptions(content=content, out=out))
    assert not (out / "players").exists()
    home = (out / "index.html").read_text("utf-8")
    assert "/players/" not in home  # neither in the menu nor in "Explore"
    assert "Key players" not in home
    assert "/players/" not in (out / "sitemap.xml").read_text("utf-8")


def test_a_link_to_a_page_that_is_not_made_is_reported(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/players.yaml": "",
            "facts/events.yaml": "- id: meeting\n  date: 2025-07-01\n  title: Meeting\n"
            "  verification: unconfirmed\n",
            "site.yaml": MINIMAL_SITE.replace("groups:\n  - id: north\n    label: North\n", ""),
            "summaries/overview.md": "---\ntitle: T\nslug: overview\ndescription: D\n---\n"
            "[who](page:players)\n",
        },
    )
    assert [p.message for p in problems] == ["broken link 'page:players': no page 'players'"]


def test_content_written_with_sides_keeps_building_with_a_hint(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {
            "site.yaml": MINIMAL_SITE.replace("groups:", "sides:"),
            "facts/players.yaml": "- id: alice\n  name: Alice\n  role: R\n  side: north\n"
            "  verification: unconfirmed\n"
            "- id: bob\n  name: Bob\n  role: R\n  side: north\n  verification: unconfirmed\n",
            "facts/events.yaml": "- id: first-meeting\n  date: 2025-07-01\n  title: M\n"
            "  players: [alice, bob]\n  verification: unconfirmed\n",
        },
    )
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 2, result.stderr
    assert "site.yaml:9:1: 'sides' is now called 'groups'" in warnings[1]
    assert (
        "players.yaml:4:3: 'side' is now called 'group' (and 1 more in this file)" in (warnings[0])
    )
    assert "hint: rename it to 'group'" in result.stderr
    page = (tmp_path / "out" / "players" / "index.html").read_text("utf-8")
    assert '<h2 id="group-1">North</h2>' in page


def test_the_home_description_gets_typographic_quotes(tmp_path: Path) -> None:
    site = MINIMAL_SITE.replace(
        'description: "A small explainer used by the tests."',
        "description: 'The \"quiet\" canal -- and what it''s worth <b>now</b>.'",
    )
    content = write_site(tmp_path, {"site.yaml": site})
    build_site(BuildOptions(content=content, out=tmp_path / "out"))
    home = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert (
        '<p class="lede">The “quiet” canal – and what it’s worth &lt;b&gt;now&lt;/b&gt;.</p>'
        in home
    )


# --------------------------------------------------------------------------- bad input

ALICE = "- id: alice\n  name: Alice\n  role: R\n  verification: unconfirmed\n"
EVENT_WITH_MEDIA = """
- id: first-meeting
  date: 2025-07-01
  title: "First meeting"
  media:
    - {}
  verification: unconfirmed
"""


@pytest.mark.parametrize(
    ("item", "files", "message", "hint"),
    [
        ("{image: gone.jpg, alt: A}", {}, "media file not found: gone.jpg", "create the folder"),
        (
            "{image: notes.jpg, alt: A}",
            {"media/notes.jpg": "not a picture"},
            "notes.jpg is not an image that can be read",
            "write 'link:' instead",
        ),
        ("{image: photo.jpg}", {}, "an image needs 'alt'", "decorative: true"),
        (
            "{image: photo.jpg, alt: A, decorative: true}",
            {},
            "a decorative image has an empty alt",
            "remove 'alt'",
        ),
        (
            "{image: 'http://example.org/a.jpg', alt: A}",
            {},
            "is not https",
            "https:// address",
        ),
        ("{image: ../site.yaml, alt: A}", {}, "not a file name inside content/media/", "no '..'"),
        (
            "{image: media/photo.jpg, alt: A}",
            {},
            "written from inside content/media/",
            "'photo.jpg'",
        ),
        ("{link: https://example.org/v.mp4}", {}, "a link needs a 'title'", "title:"),
        ("{caption: C}", {}, "either an 'image' or a 'link'", "image: photo.jpg"),
    ],
)
def test_bad_media_is_located_with_a_hint(
    tmp_path: Path, item: str, files: dict[str, str], message: str, hint: str
) -> None:
    problems = problems_of(tmp_path, {"facts/events.yaml": EVENT_WITH_MEDIA.format(item), **files})
    assert len(problems) == 1, problems
    [problem] = problems
    assert str(problem.path).endswith("facts/events.yaml") and problem.line == 5, problem
    assert message in problem.message and hint in (problem.hint or ""), problem


def test_an_image_waiting_for_its_alt_text_stays_off_the_site_and_check_lists_it(
    tmp_path: Path,
) -> None:
    """`draft: true` on a media item (what the TimelineJS importer writes for a picture that
    came without alt text) keeps it off every page; `check` lists it with its place and what to
    do, and the items after it keep their own places in messages."""
    waiting = "{image: 'https://example.org/a.jpg', draft: true, caption: C}\n    - "

    def events(second: str) -> dict[str, str | None]:
        return {"facts/events.yaml": EVENT_WITH_MEDIA.format(waiting + second)}

    located = problems_of(tmp_path, events("{image: gone.jpg, alt: A}"))
    assert [(p.line, p.message) for p in located] == [(6, "media file not found: gone.jpg")]
    content = write_site(tmp_path, events("{link: 'https://example.org/v.mp4', title: The video}"))
    build_site(BuildOptions(content=content, out=tmp_path / "out"))
    timeline = (tmp_path / "out" / "timeline" / "index.html").read_text("utf-8")
    assert "example.org/a.jpg" not in timeline and "https://example.org/v.mp4" in timeline
    assert "a.jpg" not in (tmp_path / "out" / "timeline.json").read_text("utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0, result.stderr
    assert (
        f"1 draft, not on the site:\n  {content}/facts/events.yaml:5: image of event "
        "'first-meeting': an image without alt text: write 'alt' (what it shows), then remove "
        "'draft'\n"
    ) in result.stdout


def test_an_oversized_image_is_refused_before_it_is_read(tmp_path: Path) -> None:
    content = write_site(
        tmp_path, {"facts/events.yaml": EVENT_WITH_MEDIA.format("{image: huge.jpg, alt: A}")}
    )
    (content / "media").mkdir()
    with (content / "media" / "huge.jpg").open("wb") as file:
        file.truncate(21 * 1024 * 1024)  # sparse: no 21 MB written
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert "events.yaml:5:15: huge.jpg is larger than the 20 MB an image may be" in result.stderr
    assert "hint: resize or compress it" in result.stderr


def test_a_media_link_out_of_the_media_folder_is_refused(tmp_path: Path) -> None:
    content = write_site(
        tmp_path, {"facts/events.yaml": EVENT_WITH_MEDIA.format("{link: secret.pdf, title: T}")}
    )
    (content / "media").mkdir()
    (tmp_path / "secret.pdf").write_text("secret")
    os.symlink(tmp_path / "secret.pdf", content / "media" / "secret.pdf")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert "secret.pdf leads outside content/media/" in result.stderr


def test_an_undeclared_kind_of_player_is_located_with_a_hint(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {"facts/players.yaml": ALICE + "- id: ship\n  name: S\n  role: R\n  kind: vessel\n"},
    )
    assert [(p.line, p.message) for p in problems] == [
        (5, "player 'ship' cites no evidence"),
        (8, "unknown kind of player 'vessel'"),
    ]
    assert "declare a kind in site.yaml under 'kinds:'" in (problems[1].hint or "")
    close = problems_of(
        tmp_path,
        {"facts/players.yaml": ALICE + "- id: ship\n  name: S\n  role: R\n  kind: objekt\n"},
    )
    assert (close[-1].hint or "").startswith("did you mean 'object'?")


def test_an_unknown_group_suggests_the_nearest(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/players.yaml": ALICE
            + "- id: a\n  name: A\n  role: R\n  group: nort\n  verification: unconfirmed\n"
        },
    )
    assert [(p.line, p.message) for p in problems] == [(8, "unknown group 'nort'")]
    assert (problems[0].hint or "").startswith("did you mean 'north'?")


def test_a_mistake_in_a_renamed_field_is_located_where_it_is_written(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/players.yaml": "- id: alice\n  name: Alice\n  role: R\n  side: North Side\n"
            "  verification: unconfirmed\n"
        },
    )
    assert [(p.line, p.column, p.message) for p in problems] == [
        (4, 9, "'side': 'North Side' is not a URL-safe id")
    ]
