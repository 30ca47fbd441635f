"""Every kind of content mistake is reported with its file, line, column, message and hint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from scratch import MINIMAL, load, problems_of, write_site

from site_builder.build import BuildOptions, check_site
from site_builder.errors import ContentError, Problem
from site_builder.model import SourceText

EVENT = """\
- id: first-meeting
  date: {date}
  title: "First meeting"
  players: [alice]
  evidence:
    - source: report
      quote: "they met"
"""


MINIMAL_SITE = (MINIMAL / "site.yaml").read_text(encoding="utf-8")
MINIMAL_SOURCES = (MINIMAL / "facts" / "sources.yaml").read_text(encoding="utf-8")


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_the_minimal_site_is_valid(tmp_path: Path) -> None:
    site = load(tmp_path)
    assert [event.id for event in site.events] == ["first-meeting"]


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    problem = only(
        problems_of(
            tmp_path,
            {
                "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting
          players: [alice]
        """
            },
        )
    )
    assert str(problem.path).endswith("facts/events.yaml")
    assert (problem.line, problem.column) == (3, 10)
    assert problem.message == "YAML syntax error: a quoted value is never closed"
    assert problem.hint == "close the quote or bracket that starts here"


def test_duplicate_key_is_caught_instead_of_silently_kept(tmp_path: Path) -> None:
    problem = only(
        problems_of(
            tmp_path,
            {
                "facts/players.yaml": """
        - id: alice
          name: "Alice Example"
          role: "Negotiator"
          role: "Mediator"
          verification: unconfirmed
        """
            },
        )
    )
    assert (problem.line, problem.column) == (4, 3)
    assert problem.message == "duplicate key 'role' (first written on line 3)"


def test_wrong_type(tmp_path: Path) -> None:
    problem = only(
        problems_of(
            tmp_path,
            {
                "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          players: alice
          evidence: [{source: report, quote: "they met"}]
        """
            },
        )
    )
    assert problem.line == 4
    assert problem.message == "'players' should be a list, not 'alice'"
    assert problem.hint == "write it as a list: players: [a, b]"


def test_missing_required_field(tmp_path: Path) -> None:
    problem = only(
        problems_of(
            tmp_path,
            {
                "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          players: [alice]
          evidence: [{source: report, quote: "they met"}]
        """
            },
        )
    )
    assert problem.line == 1
    assert problem.message == "missing required field 'title'"


def test_unknown_field_suggests_the_field_meant(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          players: [alice]
          statsu: happened
          evidence: [{source: report, quote: "they met"}]
        """
        },
    )
    problem = only(problems)
    assert (problem.line, problem.column) == (5, 3)
    assert problem.message == "unknown field 'statsu'"
    assert problem.hint == "did you mean 'status'?"


def test_reference_to_unknown_player_and_source(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          players: [alice, alcie, carol]
          evidence:
            - source: reprot
              quote: "they met"
              said_by: bob
        """
        },
    )
    messages = [(p.line, p.message, p.hint) for p in problems]
    assert messages == [
        (4, "unknown player 'alcie'", "did you mean 'alice'?"),
        (4, "unknown player 'carol'", "known player ids: alice"),
        (6, "unknown source 'reprot'", "did you mean 'report'?"),
        (8, "unknown player 'bob'", "known player ids: alice"),
    ]


def test_duplicate_ids_name_the_first_use(tmp_path: Path) -> None:
    problem = only(
        problems_of(
            tmp_path,
            {
                "facts/sources.yaml": """
        - id: report
          title: "A report"
          kind: report
        - id: report
          title: "Another"
          kind: context
        """
            },
        )
    )
    assert problem.line == 4
    assert problem.message == "duplicate source id 'report'"
    assert "facts/sources.yaml:1" in (problem.hint or "")


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2025-02-30", "'date': '2025-02-30' is not a real day: 2025-02 has 28 days"),
        (
            "early 2025-07-14",
            "'date': 'early 2025-07-14': 'early' qualifies a month, but '2025-07-14' is a day",
        ),
        (
            "2025-07-01 09:00",
            "'date': '2025-07-01 09:00' has a time of day but no time zone",
        ),
        ("2025-07-01 24:30+02:00", "'date': '2025-07-01 24:30+02:00': 24:30 is not a time of day"),
        (
            "-44",
            "'date': '-44' could mean two years: 45 BC in ISO 8601 (which counts a year 0) "
            "or 44 BC",
        ),
    ],
)
def test_impossible_dates_and_precision_contradictions(
    tmp_path: Path, date: str, message: str
) -> None:
    problem = only(problems_of(tmp_path, {"facts/events.yaml": EVENT.format(date=date)}))
    assert (problem.line, problem.column) == (2, 9)
    assert problem.message == message
    assert problem.hint


def test_ids_must_be_url_safe(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/players.yaml": """
        - id: alice
          name: "Alice Example"
          role: "Negotiator"
          verification: unconfirmed
        - id: Bob Smith
          name: "Bob Smith"
          role: "Envoy"
          verification: unconfirmed
        """
        },
    )
    problem = only(problems)
    assert problem.line == 5
    assert problem.message == "'id': 'Bob Smith' is not a URL-safe id"
    assert problem.hint == "use lowercase letters, digits and hyphens, e.g. 'bob-smith'"


def test_enum_values_are_listed(tmp_path: Path) -> None:
    problem = only(
        problems_of(
            tmp_path,
            {
                "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          players: [alice]
          status: propsed
          evidence: [{source: report, quote: "they met"}]
        """
            },
        )
    )
    assert problem.line == 5
    assert "'status' must be one of" in problem.message
    assert problem.hint == "did you mean 'proposed'?"


def test_evidence_needs_a_quote_or_a_note(tmp_path: Path) -> None:
    problem = only(
        problems_of(
            tmp_path,
            {
                "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          players: [alice]
          evidence:
            - source: report
        """
            },
        )
    )
    assert problem.line == 6
    assert "quote" in problem.message and "note" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# No front matter\n", 1, "missing front matter"),
        ("---\ntitle: What happened\nslug: overview\n\nBody\n", 1, "front matter is not closed"),
        (
            "---\ntitle: What happened\nslug: overview\ndescription: x\norder: first\n---\nBody\n",
            5,
            "'order' must be a whole number, not 'first'",
        ),
        (
            "---\ntitle: [What happened\nslug: overview\n---\nBody\n",
            2,  # where the [ was opened, not where the parser gave up
            "YAML syntax error: the list opened here is not closed on its line",
        ),
    ],
)
def test_front_matter_errors(tmp_path: Path, text: str, line: int, message: str | None) -> None:
    problems = problems_of(tmp_path, {"summaries/overview.md": text})
    assert problems, "expected a front-matter problem"
    problem = problems[0]
    assert str(problem.path).endswith("summaries/overview.md")
    assert problem.line == line
    if message:
        assert problem.message == message
    assert problem.hint or problem.message


def test_broken_identity_link_in_markdown_names_its_line(tmp_path: Path) -> None:
    problem = only(
        problems_of(
            tmp_path,
            {
                "summaries/overview.md": """
        ---
        title: What happened
        slug: overview
        description: "The overview."
        ---
        First paragraph.

        Then [Alice](player:alicia) spoke.
        """
            },
        )
    )
    assert (problem.line, problem.column) == (8, 14)
    assert problem.message == "broken link 'player:alicia': no player 'alicia'"
    assert problem.hint == "did you mean 'player:alice'?"


def test_reserved_and_duplicate_summary_slugs(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "summaries/timeline.md": """
        ---
        title: Timeline page
        slug: timeline
        description: "Clashes with the built-in timeline."
        ---
        Text.
        """
        },
    )
    assert [p.message for p in problems] == ["slug 'timeline' is reserved for a built-in page"]


def test_unknown_home_and_nav_entries_in_site_yaml(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "site.yaml": """
        title: "Test explainer"
        description: "A small explainer."
        language: en
        base_url: "/"
        as_of: 2025-07-19
        publisher:
          name: "Test desk"
        sides: [{id: north, label: North}]
        home: overveiw
        nav: [home, timelime]
        """
        },
    )
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (9, "unknown summary 'overveiw'", "did you mean 'overview'?"),
        (10, "unknown page 'timelime'", "did you mean 'timeline'?"),
    ]


def test_template_errors_name_the_template_file_and_line(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "players.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n<h1>{{ page.titel }}</h1>\n'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    (templates / "sources.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{% if %}\n{% endblock %}\n',
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(content=content, templates=templates))
    found = {(Path(p.path).name, p.line) for p in caught.value.problems}
    assert found == {("players.html", 3), ("sources.html", 3)}
    undefined = next(p for p in caught.value.problems if Path(p.path).name == "players.html")
    assert "titel" in undefined.message


def test_quotes_must_occur_verbatim_in_the_source_text(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {
            "facts/events.yaml": """
        - id: first-meeting
          date: 2025-07-01
          title: "First meeting"
          players: [alice]
          evidence:
            - source: report
              quote: "they   met
                on Tuesday"
            - source: report
              quote: "Alice said “no” – twice"
        """
        },
    )
    text = 'In the end they met on Tuesday. Alice said "no" - twice.'
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(content=content), {"report": SourceText("report.txt", text)})
    problem = only(caught.value.problems)
    # Whitespace may differ; typographic quotes and dashes may not, and the message says which.
    assert problem.line == 10
    assert problem.message.startswith(
        "quote differs from the text of source 'report' (report.txt): the source has "
        '" (U+0022 QUOTATION MARK) where the quote has “ (U+201C LEFT DOUBLE QUOTATION MARK)'
    )
    assert problem.hint == "copy the source's words exactly: 'Alice said \"no\" - twice'"
    fixed = SourceText("report.txt", "they met on Tuesday. Alice said “no” – twice.")
    check_site(BuildOptions(content=content), {"report": fixed})


def test_an_unreadable_fact_file_is_one_problem_not_a_cascade(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    (content / "facts" / "events.yaml").write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(content=content))
    problem = only(caught.value.problems)
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "not valid UTF-8 text: byte 0xFF (byte 0 of the file) cannot be read"
    assert problem.hint == "the file is saved as UTF-16: save it as UTF-8"


def test_a_fact_file_that_is_not_a_list_is_one_problem(tmp_path: Path) -> None:
    problem = only(problems_of(tmp_path, {"facts/events.yaml": "id: x\ntitle: y\n"}))
    assert (problem.line, problem.message) == (1, "expected a list of items, found a mapping")
    assert problem.hint == "start each item with '- id: ...'"


@pytest.mark.parametrize(
    ("files", "where", "message", "hint"),
    [
        (
            {"facts/players.yaml": '- id: alice\n  ? [name, role]\n  : "Alice"\n'},
            ("facts/players.yaml", 2, 5),
            "a key must be plain text",
            "write each field as 'name: value'; a list or mapping cannot be a key",
        ),
        (
            {"site.yaml": "- title: Test explainer\n"},
            ("site.yaml", 1, 1),
            "expected a mapping of fields, found a list",
            "write one 'field: value' per line (see docs/content-model.md)",
        ),
        (
            {"facts/updates.yaml": "- First published.\n"},
            ("facts/updates.yaml", 1, 3),
            "expected a mapping of fields, found 'First published.'",
            "each item starts with '- date: ...'",
        ),
        (
            {
                "facts/players.yaml": "- id: alice\n  name: A\n  role: R\n  side: north\n"
                "  evidence: &ev\n    - {source: report, note: met}\n"
                "- id: bob\n  name: B\n  role: R\n  evidence: *ev\n"
            },
            ("facts/players.yaml", 5, 13),
            "YAML anchors and aliases (&ev, *ev) are not supported",
            "write the value out in full where it is needed",
        ),
        (
            {"summaries/overview.md": "---\ntitle: !!binary QQ==\nslug: overview\n---\nText.\n"},
            ("summaries/overview.md", 2, 8),
            "the YAML tag '!!binary' is not allowed in content files",
            None,
        ),
        (
            {"site.yaml": MINIMAL_SITE.replace('base_url: "/"', 'base_url: "/a/../../"')},
            ("site.yaml", 4, 11),
            "'base_url': '/a/../../' is not a base URL",
            None,
        ),
        (
            {"facts/sources.yaml": MINIMAL_SOURCES + '  url: "java\\tscript:alert(1)"\n'},
            ("facts/sources.yaml", 5, 8),
            "'url': 'java\\tscript:alert(1)' is not a web address",
            None,
        ),
    ],
)
def test_odd_and_hostile_yaml_is_one_located_problem(
    tmp_path: Path,
    files: dict[str, str],
    where: tuple[str, int, int],
    message: str,
    hint: str | None,
) -> None:
    problem = only(problems_of(tmp_path, files))
    assert (
        Path(problem.path).relative_to(tmp_path / "content").as_posix(),
        problem.line,
        problem.column,
    ) == where
    assert problem.message == message
    assert problem.hint == hint if hint else problem.hint


def test_a_core_tag_only_restates_the_value(tmp_path: Path) -> None:
    site = load(tmp_path, {"facts/events.yaml": EVENT.format(date="!!str 2025-07-01")})
    assert str(site.events[0].date) == "2025-07-01"


def test_a_folder_where_a_summary_should_be_is_one_problem(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    page = content / "summaries" / "overview.md"
    page.unlink()
    page.mkdir()
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(content=content))
    problem = only(caught.value.problems)  # no "unknown summary 'overview'" in site.yaml
    assert (problem.path, problem.message) == (str(page), "is a folder, not a file")


def test_facts_that_is_a_file_is_one_problem(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    facts = content / "facts"
    shutil.rmtree(facts)
    facts.write_text("sources.yaml\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(content=content))
    problem = only(caught.value.problems)
    assert (problem.path, problem.message) == (str(facts), "is a file, not a folder")
    assert problem.hint and "replace it with a folder facts/" in problem.hint
