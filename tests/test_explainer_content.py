"""The explainer covers its source: every sentence of the report is cited somewhere, every
quotation in it is on the site verbatim and attributed, and context is kept apart."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import ARTICLE, CONTENT, require


def evidence() -> list[dict[str, str]]:
    found = []
    for name in ("events.yaml", "players.yaml"):
        for record in yaml.safe_load((CONTENT / "facts" / name).read_text(encoding="utf-8")):
            found += record.get("evidence", [])
    return found


def report_sentences() -> list[str]:
    pieces = []
    for paragraph in ARTICLE.read_text(encoding="utf-8").splitlines():
        text = " ".join(paragraph.split())
        pieces += [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z“])", text) if p]
    return pieces


def test_every_sentence_of_the_report_is_cited() -> None:
    require(ARTICLE.exists(), "the source report", f"expected at {ARTICLE}")
    sources = {
        s["id"]: s
        for s in yaml.safe_load((CONTENT / "facts" / "sources.yaml").read_text(encoding="utf-8"))
    }
    quotes = [
        " ".join(e["quote"].split())
        for e in evidence()
        if e.get("quote") and sources[e["source"]]["kind"] == "report"
    ]
    uncited = [s for s in report_sentences() if not any(q in s for q in quotes)]
    assert uncited == []


def test_every_quotation_in_the_report_is_quoted_whole_and_attributed(built_site: Path) -> None:
    require(ARTICLE.exists(), "the source report", f"expected at {ARTICLE}")
    spoken = re.findall(r"“([^”]+)”", ARTICLE.read_text(encoding="utf-8"))
    assert len(spoken) == 3
    attributed = {
        " ".join(e["quote"].split()): e.get("said_by") for e in evidence() if e.get("quote")
    }
    speaker_pages = {}
    for words in spoken:
        holders = [q for q in attributed if words.rstrip(",") in q and attributed[q]]
        assert holders, f"not quoted with a speaker: {words}"
        speaker = attributed[holders[0]]
        speaker_pages[words] = (built_site / "players" / str(speaker) / "index.html").read_text(
            encoding="utf-8"
        )
        assert words.rstrip(",") in speaker_pages[words]


def test_context_sources_are_not_the_report() -> None:
    sources = yaml.safe_load((CONTENT / "facts" / "sources.yaml").read_text(encoding="utf-8"))
    kinds = {s["id"]: s["kind"] for s in sources}
    for item in evidence():
        if kinds[item["source"]] == "context":
            assert "quote" not in item, "context sources carry notes, never report quotes"
            assert item["note"].startswith("Context"), item["note"]
