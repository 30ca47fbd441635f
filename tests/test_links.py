"""Internal links: the offline checker, the built explainer at / and under /REPO/, over HTTP."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from conftest import CONTENT, run_cli, static_server

from site_builder.links import check_files, check_folder, parse_links

SUBPATH = "/REPO/"


def _page(body: str) -> bytes:
    return f"<!DOCTYPE html><html><body>{body}</body></html>".encode()


def _messages(files: dict[str, bytes], base_url: str = "/") -> list[str]:
    return [f"{p.path}: {p.message}" for p in check_files(files, base_url)]


def test_checker_finds_missing_pages_fragments_and_escapes() -> None:
    files = {
        "index.html": _page(
            '<a href="/a/">ok</a>\n<a href="/a/#x">ok</a>\n<a href="/missing/">no</a>\n'
            '<a href="/a/#nope">no</a>\n<a href="#top">no</a>\n<a href="https://x.invalid/">ext</a>'
            '\n<a href="mailto:a@b.invalid">mail</a><img src="/static/pic.png" alt="">'
        ),
        "a/index.html": _page('<h2 id="x">X</h2><a href="../">up</a><a href="../a">folder</a>'),
    }
    assert _messages(files) == [
        "index.html: broken link '/missing/': the site has no page or file at 'missing/'",
        "index.html: broken link '/a/#nope': a/index.html has no element with id 'nope'",
        "index.html: broken link '#top': index.html has no element with id 'top'",
        "index.html: broken link '/static/pic.png': the site has no page or file at "
        "'static/pic.png'",
    ]


def test_checker_reports_line_numbers() -> None:
    files = {"index.html": b"<!DOCTYPE html>\n<p>\n<a href='/gone/'>x</a>\n"}
    assert [problem.line for problem in check_files(files)] == [3]


def test_root_relative_links_break_under_a_subpath() -> None:
    files = {
        "index.html": _page('<a href="/REPO/a/">ok</a><a href="/a/">outside</a>'),
        "a/index.html": _page('<a href="https://example.org/REPO/">own site, absolute</a>'),
    }
    messages = _messages(files, "https://example.org/REPO/")
    assert len(messages) == 1 and "outside the site's base path /REPO/" in messages[0]


def test_built_explainer_has_no_broken_link(built_site: Path) -> None:
    problems = check_folder(built_site)
    assert not problems, "\n".join(map(str, problems))


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The explainer built for /REPO/, as a GitHub Pages project site is served."""
    out = tmp_path_factory.mktemp("subpath") / "_site"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out), "--base-url", SUBPATH)
    assert result.returncode == 0, result.stderr
    return out


def test_subpath_build_has_no_broken_link(subpath_site: Path) -> None:
    problems = check_folder(subpath_site, SUBPATH)
    assert not problems, "\n".join(map(str, problems))


def test_crawl_over_http_under_a_subpath(subpath_site: Path) -> None:
    """Follow every internal link and asset from /REPO/ over real HTTP: all 200, ids exist."""
    with static_server(subpath_site, SUBPATH) as start:
        origin = start[: -len(SUBPATH)]
        # The embed is reached from the pages that embed it (its code is text on the timeline).
        entries = ["", "sitemap.xml", "robots.txt", "feed.xml", "timeline.json", "embed/timeline/"]
        queue = deque(start + entry for entry in entries)
        seen: set[str] = set()
        ids: dict[str, frozenset[str]] = {}
        fragments: list[tuple[str, str, str]] = []  # (from page, to page, id)
        broken: list[str] = []
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    body = response.read()
                    kind = response.headers.get_content_type()
            except urllib.error.HTTPError as error:
                broken.append(f"{url}: HTTP {error.code}")
                continue
            if kind != "text/html":
                continue
            page = parse_links(body.decode("utf-8"))
            ids[url] = page.ids
            for href, line in page.links:
                target = urljoin(url, href)
                if not target.startswith(origin):
                    continue  # another site: not followed offline
                if not urlsplit(target).path.startswith(SUBPATH):
                    broken.append(f"{url}:{line}: {href} leaves {SUBPATH}")
                    continue
                address, fragment = urldefrag(target)
                if fragment:
                    fragments.append((url, address, fragment))
                queue.append(address)
    assert not broken, "\n".join(broken)
    missing = [
        f"{src}: #{frag} not on {dst}" for src, dst, frag in fragments if frag not in ids[dst]
    ]
    assert not missing, "\n".join(missing)
    pages = [p for p in subpath_site.rglob("*.html") if p.name != "404.html"]
    assert len(ids) == len(pages)  # every page is reached by following links


def _content_with(tmp_path: Path, markdown: str) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    summary = content / "summaries" / "what-next.md"
    summary.write_text(summary.read_text(encoding="utf-8") + markdown, encoding="utf-8")
    return content


def test_check_names_file_and_line_of_a_broken_markdown_link(tmp_path: Path) -> None:
    content = _content_with(tmp_path, "\nSee [the map](/maps/) and [x](../timeline/#nope).\n")
    lines = (content / "summaries" / "what-next.md").read_text(encoding="utf-8").splitlines()
    line = len(lines)
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert f"what-next.md:{line}:15: broken link '/maps/'" in result.stderr
    assert f"what-next.md:{line}:31: broken link '../timeline/#nope'" in result.stderr
    assert "no element with id 'nope'" in result.stderr


def test_build_warns_and_strict_build_fails_on_a_broken_link(tmp_path: Path) -> None:
    content = _content_with(tmp_path, "\nSee [the map](/maps/).\n")
    out = tmp_path / "_site"
    loose = run_cli("build", "--content", str(content), "--out", str(out))
    assert loose.returncode == 0 and "broken link '/maps/'" in loose.stderr
    strict = run_cli("build", "--strict", "--content", str(content), "--out", str(tmp_path / "s"))
    assert strict.returncode == 1 and "broken link '/maps/'" in strict.stderr
    assert not (tmp_path / "s").exists()
