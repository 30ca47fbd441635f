"""The examples in docs/content-model.md are valid content: the documentation cannot drift."""

from __future__ import annotations

import re

from conftest import ROOT

from site_builder.chartdata import LABELLED_MAX, MAX_EVENTS, NARROW_PX, WIDE_PX
from site_builder.errors import Problem
from site_builder.insets import BURST_SHARE, BURST_WINDOW
from site_builder.mdengine import DEFAULT_EXTENSIONS
from site_builder.model import Era, Event, Player, Source, Update
from site_builder.records import parse_config, parse_fact_list, parse_summary
from site_builder.timelineparts import PAGE_BUDGET

DOC = ROOT / "docs" / "content-model.md"


def examples() -> dict[str, str]:
    """Each `## heading` of the document with the code block under it."""
    text = DOC.read_text(encoding="utf-8")
    found = {}
    for match in re.finditer(
        r"^## `([^`]+)`.*?\n```(?:yaml|markdown)\n(.*?)```", text, re.MULTILINE | re.DOTALL
    ):
        found[match.group(1)] = match.group(2)
    return found


def test_every_file_of_the_model_has_an_example() -> None:
    assert set(examples()) == {
        "site.yaml",
        "facts/sources.yaml",
        "facts/players.yaml",
        "facts/events.yaml",
        "facts/eras.yaml",
        "facts/updates.yaml",
        "summaries/*.md",
    }


def test_the_examples_parse_without_problems() -> None:
    docs = examples()
    problems: list[Problem] = []
    assert parse_config(docs["site.yaml"], "site.yaml", problems) is not None
    for name, model, count in (
        ("facts/sources.yaml", Source, 1),
        ("facts/players.yaml", Player, 1),
        ("facts/events.yaml", Event, 1),
        ("facts/updates.yaml", Update, 2),  # an update and a correction
        ("facts/eras.yaml", Era, 1),
    ):
        assert len(parse_fact_list(model, docs[name], name, problems)) == count, name
    summary = parse_summary(docs["summaries/*.md"], "overview.md", problems)
    assert summary is not None and summary.meta.slug == "overview"
    assert problems == []


def test_the_timeline_s_documented_numbers_are_the_real_ones() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())  # line breaks are not content
    assert f"Up to {LABELLED_MAX} events, each has its own row" in text
    assert f"Past {MAX_EVENTS} events one page cannot draw them all" in text
    assert f"within {round(BURST_WINDOW * 100)} % of the span" in text
    assert "a fifth of the events" in text and BURST_SHARE == 0.2
    assert f"a {NARROW_PX:.0f} px chart" in text and f"({WIDE_PX:.0f} px," in text
    assert f"a budget of {PAGE_BUDGET // 1024} KB" in text


def test_the_default_markdown_extensions_are_the_documented_ones() -> None:
    text = DOC.read_text(encoding="utf-8")
    dialect = text[text.index("## Markdown dialect") : text.index("### Adding or choosing")]
    documented = re.findall(r"^\| `([a-z_]+)` \|", dialect, re.MULTILINE)
    assert documented == [entry.name for entry in DEFAULT_EXTENSIONS]


def test_the_timelinejs_page_names_the_real_headers_and_numbers() -> None:
    """docs/timelinejs.md lists the sheet headers the importer reads and the embed's numbers."""
    from site_builder.embed import EMBED_HEIGHT, PYM_DELIMITER
    from site_builder.importers.slides import OLD_TEMPLATE, TEMPLATE

    text = " ".join((ROOT / "docs" / "timelinejs.md").read_text(encoding="utf-8").split())
    current = text[text.index("- the template: ") : text.index("(in any position)")]
    old = text[text.index("- the older template: ") : text.index("`Type` is empty")]
    assert re.findall(r"`([^`]+)`", current) == list(TEMPLATE)
    assert re.findall(r"`([^`]+)`", old) == list(OLD_TEMPLATE)
    assert f'height="{EMBED_HEIGHT}"' in text and f"keeps its {EMBED_HEIGHT} px" in text
    assert f"pym{PYM_DELIMITER}{{childId}}{PYM_DELIMITER}height" in text
