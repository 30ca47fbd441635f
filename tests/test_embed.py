"""The embeddable timeline, in real Chromium: a host page on one origin (127.0.0.1, one port)
iframes the embed served from another (another port), as a CMS page would.

- With the embed code the timeline page offers, the iframe ends as tall as its content.
- With pym.js itself on the host page (NPR's library, which many CMSs load), the same.
- Without JavaScript (a CMS that strips scripts, a reader with scripts off), the iframe keeps
  its fixed height and the timeline scrolls inside it.
- A link in the embed opens in the host's window, not inside the frame.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli, static_server

from site_builder.embed import EMBED_HEIGHT

CONTENT = FIXTURES / "spans-eras"
PYM = FIXTURES / "pym" / "pym.v1.min.js"


@pytest.fixture(scope="module")
def embed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """The site built under its own absolute address and served there, and a host folder served
    on another port: (the host's URL, the site's folder, the host's folder)."""
    root = tmp_path_factory.mktemp("embed")
    site, host = root / "site", root / "host"
    site.mkdir()
    host.mkdir()
    with static_server(site) as site_url, static_server(host) as host_url:
        result = run_cli(
            "build", "--content", str(CONTENT), "--out", str(site), "--base-url", site_url
        )
        assert result.returncode == 0, result.stderr
        yield host_url, site, host


def _offered_code(site: Path) -> str:
    """The embed code as a reader copies it from the timeline page."""
    page = (site / "timeline" / "index.html").read_text("utf-8")
    match = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "the timeline page offers no embed code"
    return html.unescape(match.group(1))


def _host_page(host: Path, name: str, body: str) -> str:
    (host / name).write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title>'
        '<meta name="viewport" content="width=device-width"></head><body style="margin:0">'
        f"<h1>A newsroom's article</h1><p>Before the timeline.</p>{body}"
        "<p>After the timeline.</p></body></html>",
        "utf-8",
    )
    return name


def _sizes(page: Any) -> dict[str, float]:
    """The iframe's height on the host page, and its document's heights inside it."""
    frame_element = page.query_selector("iframe")
    assert frame_element is not None
    inner = frame_element.content_frame()
    assert inner is not None
    inside = inner.evaluate(
        "() => ({content: document.body.offsetHeight,"
        " scroll: document.documentElement.scrollHeight,"
        " client: document.documentElement.clientHeight})"
    )
    return {"iframe": frame_element.bounding_box()["height"], **inside}


def _settled(page: Any, expected_change: bool = True) -> dict[str, float]:
    """The sizes once the iframe's height has stopped changing (bounded wait)."""
    last: dict[str, float] = {}
    for _ in range(40):
        page.wait_for_timeout(100)
        sizes = _sizes(page)
        if sizes == last and (not expected_change or sizes["iframe"] != EMBED_HEIGHT):
            return sizes
        last = sizes
    return last


def test_the_offered_code_sizes_the_iframe_to_its_content(
    browser: Any, embed: tuple[str, Path, Path]
) -> None:
    host_url, site, host = embed
    name = _host_page(host, "code.html", _offered_code(site))
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    page.goto(host_url + name)
    sizes = _settled(page)
    print(f"\nembed code, 1000 px: iframe {sizes['iframe']} px, content {sizes['content']} px")
    assert sizes["content"] > EMBED_HEIGHT  # the timeline is taller than the fixed height
    assert abs(sizes["iframe"] - sizes["content"]) <= 1, sizes
    assert sizes["scroll"] <= sizes["client"] + 1, f"the embed still scrolls inside: {sizes}"
    # A narrower window reflows the timeline: the iframe follows its new height.
    page.set_viewport_size({"width": 400, "height": 700})
    narrow = _settled(page)
    assert narrow["content"] != sizes["content"]
    assert abs(narrow["iframe"] - narrow["content"]) <= 1, narrow
    page.close()


def test_pym_js_on_the_host_sizes_the_iframe_too(
    browser: Any, embed: tuple[str, Path, Path]
) -> None:
    """pym.js' Parent builds the iframe itself (with `childId` and `initialWidth` in its URL)
    and answers a resize with a `width` message: our embed answers with its height."""
    host_url, site, host = embed
    shutil.copy(PYM, host / "pym.v1.min.js")
    source = json.loads((site / "oembed.json").read_text("utf-8"))["html"]
    address = html.unescape(re.search(r'src="([^"?]+)', source).group(1))  # type: ignore[union-attr]
    name = _host_page(
        host,
        "pym.html",
        f'<div id="storm-timeline" data-pym-src="{address}"></div>'
        '<script src="pym.v1.min.js"></script>',
    )
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    page.goto(host_url + name)
    sizes = _settled(page)
    print(f"pym.js parent, 1000 px: iframe {sizes['iframe']} px, content {sizes['content']} px")
    assert abs(sizes["iframe"] - sizes["content"]) <= 1, sizes
    assert "childId=storm-timeline" in page.query_selector("iframe").get_attribute("src")  # type: ignore[union-attr]
    page.set_viewport_size({"width": 420, "height": 700})
    narrow = _settled(page)
    assert narrow["content"] != sizes["content"]
    assert abs(narrow["iframe"] - narrow["content"]) <= 1, narrow
    page.close()


def test_without_javascript_the_embed_scrolls_at_its_fixed_height(
    browser: Any, embed: tuple[str, Path, Path]
) -> None:
    host_url, site, host = embed
    name = _host_page(host, "no-js.html", _offered_code(site))
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1000, "height": 700}
    )
    page = context.new_page()
    page.goto(host_url + name)
    page.wait_for_timeout(300)
    sizes = _sizes(page)
    assert sizes["iframe"] == EMBED_HEIGHT, sizes
    assert sizes["scroll"] > sizes["client"], "the timeline should scroll inside its frame"
    frame = page.query_selector("iframe").content_frame()  # type: ignore[union-attr]
    assert frame.query_selector("figure.chart svg") is not None  # type: ignore[union-attr]
    assert frame.query_selector("li.event") is not None  # type: ignore[union-attr]
    context.close()


def test_a_link_in_the_embed_opens_in_the_host_window(
    browser: Any, embed: tuple[str, Path, Path]
) -> None:
    host_url, site, host = embed
    name = _host_page(host, "links.html", _offered_code(site))
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    page.goto(host_url + name)
    _settled(page)
    frame = page.query_selector("iframe").content_frame()  # type: ignore[union-attr]
    link = frame.query_selector("footer a")  # type: ignore[union-attr]
    assert link is not None
    with page.expect_navigation(timeout=5000):
        link.click()
    assert page.url.endswith("/timeline/"), page.url
    assert page.title().startswith("Timeline")
    page.close()
