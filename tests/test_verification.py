"""Holding the line on what is verified: every fact cites evidence or says it is unconfirmed or
disputed, a retraction needs its correction, updates name real facts, drafts stay off the site,
source texts stay inside the content folder and are read on every check and build, and one
malformed field hides none of a record's other problems."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli
from scratch import load, problems_of, write_site

from site_builder.build import BuildOptions, build_site, check_site
from site_builder.errors import ContentError, Problem

SOURCES_WITH_TEXT = """
- id: report
  title: "A report"
  kind: report
  text: sources/report.txt
"""
REPORT_TEXT = "In the end they met on Tuesday. “We will meet again,” Alice said.\n"


def messages(problems: list[Problem]) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in problems]


# --------------------------------------------------------------------------- evidence


def test_a_fact_with_no_evidence_fails_with_its_location(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
        """
        },
    )
    [problem] = problems
    assert str(problem.path).endswith("facts/events.yaml")
    assert (problem.line, problem.column) == (1, 7)
    assert problem.message == "event 'first-meeting' cites no evidence"
    assert "verification: unconfirmed" in (problem.hint or "")
    assert "draft: true" in (problem.hint or "")


@pytest.mark.parametrize("state", ["unconfirmed", "disputed"])
def test_an_unconfirmed_or_disputed_fact_may_wait_for_its_evidence(
    tmp_path: Path, state: str
) -> None:
    site = load(
        tmp_path,
        {
            "facts/events.yaml": f"""
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          verification: {state}
          verification_note: "Only one witness says so."
        """
        },
    )
    assert site.events[0].verification == state


def test_check_lists_the_facts_left_to_verify_with_their_places(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {
            "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          evidence: [{source: report, quote: "they met"}]
        - id: second-meeting
          date: 2025-07-08
          title: "Second meeting"
          verification: unconfirmed
        """,
            "facts/players.yaml": """
        - id: alice
          name: "Alice Example"
          role: "Negotiator"
          group: north
          verification: disputed
          verification_note: "Her own office denies she took part."
        """,
        },
    )
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0, result.stderr
    facts = content / "facts"
    assert (
        "Left to verify (1 unconfirmed, 1 disputed): cite the evidence each rests on, then "
        "remove its 'verification' (readers see a badge until then)\n"
        f"  {facts}/events.yaml:5: event 'second-meeting' (unconfirmed)\n"
        f"  {facts}/players.yaml:1: player 'alice' (disputed)\n"
    ) in result.stdout
    settled = write_site(tmp_path)
    assert "Left to verify" not in run_cli("check", "--content", str(settled)).stdout


def test_a_retracted_fact_needs_a_correction_naming_it(tmp_path: Path) -> None:
    event = """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          verification: retracted
          evidence: [{source: report, quote: "they met"}]
        """
    problems = problems_of(tmp_path, {"facts/events.yaml": event})
    assert messages(problems) == [
        (4, "event 'first-meeting' is retracted, but no correction names it")
    ]
    assert "kind: correction, facts: [first-meeting]" in (problems[0].hint or "")
    clarified = problems_of(
        tmp_path,
        {
            "facts/events.yaml": event,
            "facts/updates.yaml": """
        - date: 2025-07-02
          kind: clarification
          facts: [first-meeting]
          summary: "Not a correction."
        """,
        },
    )
    assert len(clarified) == 1  # a clarification does not retract anything
    load(
        tmp_path,
        {
            "facts/events.yaml": event,
            "facts/updates.yaml": """
        - date: 2025-07-02
          kind: correction
          facts: [event:first-meeting]
          summary: "They did not meet that day."
        """,
        },
    )


def test_the_standing_of_a_fact_is_one_of_four(tmp_path: Path) -> None:
    [problem] = problems_of(
        tmp_path,
        {
            "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          verification: unconfrimed
        """
        },
    )
    assert problem.line == 4 and "'verification' must be one of" in problem.message
    assert problem.hint == "did you mean 'unconfirmed'?"


# --------------------------------------------------------------------------- all at once


def test_a_malformed_field_hides_none_of_the_record_s_other_problems(tmp_path: Path) -> None:
    """A malformed date, a misquote, an unknown player, an unknown source, a leftover TODO and
    a malformed evidence item, in one record: all reported in one run."""
    problems = problems_of(
        tmp_path,
        {
            "facts/sources.yaml": SOURCES_WITH_TEXT,
            "sources/report.txt": REPORT_TEXT,
            "facts/events.yaml": """
        - id: first-meeting
          date: 2025-13-01
          title: "TODO: what happened, in one line"
          players: [alice, carol]
          evidence:
            - source: report
              quote: "they met on Wednesday"
            - source: reprot
              quote: "they met"
            - source: report
              said_by: [alice]
              quote: "We will meet again"
        """,
        },
    )
    assert messages(problems) == [
        (2, "'date': '2025-13-01': month 13 is not between 1 and 12"),
        (3, "'title' still holds the placeholder 'TODO: what happened, in one line'"),
        (4, "unknown player 'carol'"),
        (7, "quote not found in the text of source 'report' "
         f"({tmp_path}/content/sources/report.txt): 'they met on Wednesday'"),
        (8, "unknown source 'reprot'"),
        (11, "'evidence.2.said_by' should be text, not a list"),
    ]  # fmt: skip


def test_a_malformed_date_still_lets_the_quotes_of_a_player_be_checked(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/sources.yaml": SOURCES_WITH_TEXT,
            "sources/report.txt": REPORT_TEXT,
            "facts/players.yaml": """
        - id: alice
          name: "Alice"
          role: 3
          evidence:
            - source: report
              quote: '"We will meet again," Alice said'
        """,
        },
    )
    assert [p.line for p in problems] == [3, 6]
    assert (
        problems[1].message.startswith("quote differs from the text of source 'report'")
        and "U+201D" in problems[1].message
    )
    assert problems[1].hint == "copy the source's words exactly: '“We will meet again,” Alice said'"


# --------------------------------------------------------------------------- updates


def test_old_updates_without_kind_or_facts_keep_building(tmp_path: Path) -> None:
    site = load(
        tmp_path,
        {"facts/updates.yaml": '- date: 2025-07-19\n  summary: "First published."\n'},
    )
    assert [(u.kind, u.facts) for u in site.updates] == [("update", [])]


def test_updates_name_facts_that_exist(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/players.yaml": """
        - id: alice
          name: "Alice"
          role: "R"
          verification: unconfirmed
        - id: first-meeting
          name: "A player that shares the event's id"
          role: "R"
          verification: unconfirmed
        """,
            "facts/updates.yaml": """
        - date: 2025-07-19
          kind: correction
          facts: [first-meetng, first-meeting, player:bob, event:nowhere, "Bad Id"]
          sources: [reprot]
          summary: "Fixed."
        """,
        },
    )
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (3, "'facts.4': 'Bad Id' does not name a fact", problems[0].hint),
    ]
    problems = problems_of(
        tmp_path,
        {
            "facts/players.yaml": """
        - id: alice
          name: "Alice"
          role: "R"
          verification: unconfirmed
        - id: first-meeting
          name: "A player that shares the event's id"
          role: "R"
          verification: unconfirmed
        """,
            "facts/updates.yaml": """
        - date: 2025-07-19
          kind: correction
          facts: [first-meetng, first-meeting, player:bob, event:nowhere]
          sources: [reprot]
          summary: "Fixed."
        """,
        },
    )
    assert [(p.message, p.hint) for p in problems] == [
        ("unknown event or player 'first-meetng'", "did you mean 'first-meeting'?"),
        (
            "'first-meeting' names both an event and a player",
            "write event:first-meeting or player:first-meeting",
        ),
        ("unknown player 'bob'", "name the id of an event or a player"),
        ("unknown event 'nowhere'", "name the id of an event or a player"),
        ("unknown source 'reprot'", "did you mean 'report'?"),
    ]
    assert {p.line for p in problems} == {3, 4}


def test_a_summary_may_be_called_updates_only_where_there_are_no_updates(tmp_path: Path) -> None:
    summary = "---\ntitle: Latest\nslug: updates\ndescription: D\n---\nText.\n"
    out = tmp_path / "out"
    content = write_site(tmp_path, {"summaries/updates.md": summary})
    build_site(BuildOptions(content=content, out=out))  # written before there was such a page
    assert "Text." in (out / "updates" / "index.html").read_text("utf-8")
    problems = problems_of(
        tmp_path,
        {
            "summaries/updates.md": summary,
            "facts/updates.yaml": '- date: 2025-07-19\n  summary: "First published."\n',
        },
    )
    assert [p.message for p in problems] == [
        "slug 'updates' is the address of the updates page, which lists the entries of "
        "facts/updates.yaml"
    ]


# --------------------------------------------------------------------------- drafts


def test_a_draft_is_checked_for_its_fields_but_kept_off_the_site(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {
            "facts/players.yaml": """
        - id: alice
          name: "Alice Example"
          role: "Negotiator"
          group: north
          evidence: [{source: report, note: "Named in the report."}]
        - id: bob
          name: "TODO: full name"
          role: "TODO: what they do in the story"
          draft: true
        """,
        },
    )
    out = tmp_path / "out"
    build_site(BuildOptions(content=content, out=out))
    assert not (out / "players" / "bob").exists()
    assert "bob" not in (out / "players" / "index.html").read_text("utf-8")
    site = check_site(BuildOptions(content=content))
    assert [(d.kind, d.name, d.line) for d in site.drafts] == [("player", "bob", 6)]
    broken = problems_of(
        tmp_path,
        {
            "facts/players.yaml": """
        - id: alice
          name: "Alice Example"
          role: "Negotiator"
          evidence: [{source: report, note: "Named in the report."}]
        - id: bob
          name: "Bob"
          role: "R"
          draft: maybe
        """
        },
    )
    assert [p.message for p in broken] == ["'draft' must be true or false, not 'maybe'"]


def test_a_published_fact_cannot_lean_on_a_draft(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/players.yaml": """
        - id: alice
          name: "Alice Example"
          role: "Negotiator"
          evidence: [{source: memo, note: "A memo."}]
          draft: true
        """,
            "facts/sources.yaml": """
        - id: report
          title: "A report"
          kind: report
        - id: memo
          title: "A memo"
          kind: report
          draft: true
        """,
        },
    )
    assert [(p.message, p.hint) for p in problems] == [
        (
            "player 'alice' is a draft: it is not on the site",
            "publish the player (remove its 'draft: true') or leave it out here",
        ),
        (
            "player 'alice' is a draft: it is not on the site",
            "publish the player (remove its 'draft: true') or leave it out here",
        ),
        (
            "broken link 'player:alice': player 'alice' is a draft, not on the site",
            "publish the player (remove its 'draft: true') or link to something else",
        ),
    ]  # the event's players, the said_by of its quote, a link from the home page's text


# --------------------------------------------------------------------------- source texts


def test_a_source_text_is_read_on_every_check_and_build_with_no_flag(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {
            "facts/sources.yaml": SOURCES_WITH_TEXT,
            "sources/report.txt": "Nobody met anyone.\n",
        },
    )
    for command in ("check", "build"):
        result = run_cli(command, "--content", str(content), "--out", str(tmp_path / "out"))
        assert result.returncode == 1
        assert "events.yaml:8:14: quote not found in the text of source 'report'" in result.stderr
    (content / "sources" / "report.txt").write_text(REPORT_TEXT, encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0, result.stderr
    assert f"  report: 1 of 1 quote found in {content}/sources/report.txt" in result.stdout


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../outside.txt", "'text': '../outside.txt' is not a file inside the content folder"),
        ("/etc/passwd", "'text': '/etc/passwd' is not a file inside the content folder"),
        ("https://example.org/r.txt", "is not a file inside the content folder"),
        ("sources/missing.txt", "the text of source 'report' is not found"),
    ],
)
def test_a_source_text_must_be_a_file_inside_the_content_folder(
    tmp_path: Path, path: str, message: str
) -> None:
    (tmp_path / "outside.txt").write_text("they met", encoding="utf-8")
    problems = problems_of(
        tmp_path,
        {"facts/sources.yaml": f"- id: report\n  title: R\n  kind: report\n  text: {path}\n"},
    )
    [problem] = problems
    assert problem.line == 4 and message in problem.message, problem
    assert problem.hint


def test_a_source_text_that_links_out_of_the_content_folder_is_refused(tmp_path: Path) -> None:
    content = write_site(tmp_path, {"facts/sources.yaml": SOURCES_WITH_TEXT})
    (tmp_path / "secret.txt").write_text("they met\n", encoding="utf-8")
    (content / "sources").mkdir()
    os.symlink(tmp_path / "secret.txt", content / "sources" / "report.txt")
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(content=content))
    [problem] = caught.value.problems
    assert problem.line == 4 and "leads out of the content folder" in problem.message


def test_a_source_text_that_is_not_utf8_is_located_in_the_text(tmp_path: Path) -> None:
    content = write_site(tmp_path, {"facts/sources.yaml": SOURCES_WITH_TEXT})
    (content / "sources").mkdir()
    (content / "sources" / "report.txt").write_bytes("they met at the caf\xe9\n".encode("latin-1"))
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(content=content))
    [problem] = caught.value.problems
    assert str(problem.path).endswith("sources/report.txt") and problem.line == 1
    assert "not valid UTF-8" in problem.message


def test_strict_fails_on_quotes_that_no_text_can_verify(tmp_path: Path) -> None:
    content = write_site(tmp_path)  # the minimal site's report has no text
    plain = run_cli("check", "--content", str(content))
    assert plain.returncode == 0, plain.stderr
    assert "  report: 1 quote NOT verified: the source has no text" in plain.stdout
    assert "1 source with quotes that could not be verified: --strict fails on them" in (
        plain.stdout
    )
    for command in ("check", "build"):
        strict = run_cli(
            command, "--strict", "--content", str(content), "--out", str(tmp_path / "o")
        )
        assert strict.returncode == 1
        assert (
            "facts/sources.yaml:1:7: 1 quote citing source 'report' cannot be verified: the "
            "source has no text"
        ) in strict.stderr
        assert "hint: add text: sources/report.txt to the source" in strict.stderr
    assert not (tmp_path / "o").exists()


def test_source_text_on_the_command_line_replaces_the_text_in_the_content(
    tmp_path: Path,
) -> None:
    content = write_site(
        tmp_path,
        {"facts/sources.yaml": SOURCES_WITH_TEXT, "sources/report.txt": REPORT_TEXT},
    )
    other = tmp_path / "other.txt"
    other.write_text("Nothing of the kind.\n", encoding="utf-8")
    result = run_cli("check", "--content", str(content), "--source-text", f"report={other}")
    assert result.returncode == 1
    assert f"quote not found in the text of source 'report' ({other})" in result.stderr
    unknown = run_cli("check", "--content", str(content), "--source-text", f"nope={other}")
    assert unknown.returncode == 1 and "--source-text: unknown source 'nope'" in unknown.stderr


def test_a_malformed_source_still_has_its_quotes_checked_against_its_text(
    tmp_path: Path,
) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/sources.yaml": """
        - id: report
          title: "A report"
          kind: report
          published: 2025-02-30
          text: sources/report.txt
        """,
            "sources/report.txt": "Nobody met anyone.\n",
        },
    )
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("events.yaml", 8),  # 'they met' is not in the text
        ("sources.yaml", 4),  # the impossible date
    ]


def test_only_a_placeholder_is_taken_for_one(tmp_path: Path) -> None:
    def event(title: str) -> dict[str, str | None]:
        return {
            "facts/events.yaml": f"""
        - id: first-meeting
          date: 2025-07-01
          title: "{title}"
          evidence: [{{source: report, quote: "they met"}}]
        """
        }

    assert problems_of(tmp_path, event("TODO lists of the talks")) == []
    for placeholder in ("TODO", "TODO: what happened", "  TODO:"):
        [problem] = problems_of(tmp_path, event(placeholder))
        assert (problem.line, problem.column) == (3, 10)
        assert problem.message.startswith("'title' still holds the placeholder 'TODO")
