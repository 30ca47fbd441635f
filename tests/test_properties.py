"""Whatever text an author saves, the readers answer with data or located problems, never a crash.

Property-based: hypothesis feeds arbitrary text (and bytes) to the YAML loader, the fact-file
and front-matter parsers and the date parser. The only exception allowed out is our own
(ContentError, DateSyntaxError); every problem names a position inside the text and a hint.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.datefmt import DateFormatter
from site_builder.dateparse import parse_date
from site_builder.dates import DateSyntaxError, FuzzyDate
from site_builder.errors import ContentError, Problem
from site_builder.i18n import Messages, parse_language
from site_builder.model import Event, Player, Record, Source, Update
from site_builder.readfile import decode_text
from site_builder.records import parse_fact_list, parse_summary
from site_builder.yamlpos import parse_yaml

BRITISH = DateFormatter(Messages(parse_language("en-GB")))

# No deadline: a slow CI machine must not turn a correct, slower example into a failure.
# Example counts keep the whole file well under 20 seconds. No example database: nothing is
# written into the work tree; a failure prints its example and how to reproduce it.
QUICK = settings(
    max_examples=500,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text that looks like YAML often enough to reach deep into the parser.
YAML_ALPHABET = "-:,[]{}#&*!|>'\"%@`?\t\n\r abcdeiklmnopt0123456789./\\\ufeff\x00\x85\u2028é"
YAMLISH = st.text(alphabet=YAML_ALPHABET, max_size=200)
LINES = st.lists(
    st.sampled_from(
        [
            "- id: first-meeting",
            "  date: 2025-07-01",
            '  title: "First meeting',
            "  players: [alice",
            "  players: [alice]",
            "\tdate: 2025",
            "  - &a [*a]",
            "  key: !!python/object/apply:os.system ['true']",
            "  evidence:",
            "    - source: report",
            "      quote: 'they met'",
            "---",
            "...",
            "? [a]",
            ": b",
            "  id: a",
            "  id: a",
            "",
        ]
    ),
    max_size=14,
).map("\n".join)
ANY_TEXT = st.one_of(st.text(max_size=300), YAMLISH, LINES)
RECORDS: list[type[Record]] = [Event, Player, Source, Update]


def line_count(text: str) -> int:
    """Lines as any reader might count them (the most generous count)."""
    return len(text.splitlines()) + 1


def assert_located(problems: list[Problem], text: str, first_line: int = 1) -> None:
    for problem in problems:
        assert problem.message and problem.hint, problem
        if problem.line is not None:
            assert first_line <= problem.line <= first_line + line_count(text), (problem, text)
        if problem.column is not None:
            assert problem.column >= 1, problem


@QUICK
@given(ANY_TEXT, st.integers(min_value=1, max_value=50))
def test_parse_yaml_returns_data_or_raises_a_located_content_error(
    text: str, first_line: int
) -> None:
    try:
        document = parse_yaml(text, "x.yaml", first_line)
    except ContentError as error:
        assert len(error.problems) == 1
        assert_located(error.problems, text, first_line)
        return
    assert_located(document.problems, text, first_line)
    for line, column in [*document.values.values(), *document.keys.values()]:
        assert first_line <= line <= first_line + line_count(text)
        assert column >= 1


@QUICK
@given(ANY_TEXT, st.sampled_from(RECORDS))
def test_parse_fact_list_never_raises(text: str, model: type[Record]) -> None:
    problems: list[Problem] = []
    records = parse_fact_list(model, text, "facts.yaml", problems, set())
    assert all(isinstance(record, model) for record in records)
    assert_located(problems, text)


@QUICK
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_name_the_bad_byte(data: bytes) -> None:
    try:
        text = decode_text(data, "x.yaml")
    except ContentError as error:
        (problem,) = error.problems
        assert problem.line is not None and problem.column is not None
        assert problem.line <= data.count(b"\n") + data.count(b"\r") + 1
        assert "not valid UTF-8" in problem.message and problem.hint
        return
    assert not text.startswith("\ufeff")
    problems: list[Problem] = []
    parse_fact_list(Event, text, "x.yaml", problems)
    assert_located(problems, text)


FRONT_MATTER = st.builds(
    lambda front, body, ending: "---" + ending + front + ending + "---" + ending + body,
    st.one_of(YAMLISH, LINES, st.just("title: T\nslug: s\ndescription: D")),
    st.text(max_size=80),
    st.sampled_from(["\n", "\r\n", "\r"]),
)


@QUICK
@given(st.one_of(ANY_TEXT, FRONT_MATTER))
def test_parse_summary_never_raises(text: str) -> None:
    problems: list[Problem] = []
    summary = parse_summary(text, "summaries/page.md", problems)
    assert_located(problems, text)
    if summary is not None:
        assert summary.body_line >= 1
        assert summary.markdown in text


def _two(number: int) -> str:
    return f"{number:02d}"


# Dates built from parts, with out-of-range numbers, so the edges (year 0000 and 9999,
# month 13, day 31 of a short month, week 53) come up in every run.
YEAR = st.integers(min_value=0, max_value=9999).map(lambda year: f"{year:04d}")
POINT = st.one_of(
    YEAR,
    st.builds("{}-{}".format, YEAR, st.integers(0, 13).map(_two)),
    st.builds("{}-{}-{}".format, YEAR, st.integers(0, 13).map(_two), st.integers(0, 32).map(_two)),
    st.builds("{}-W{}".format, YEAR, st.integers(0, 54).map(_two)),
    st.builds(
        "{} {}-{}".format,
        st.sampled_from(["early", "mid", "late"]),
        YEAR,
        st.integers(0, 13).map(_two),
    ),
)
TIMED = st.builds(
    "{}-{}-{} {}:{}{}".format,
    YEAR,
    st.integers(0, 13).map(_two),
    st.integers(0, 32).map(_two),
    st.integers(0, 25).map(_two),
    st.integers(0, 61).map(_two),
    st.sampled_from(["", "Z", "+02:00", "-05:30", "+15:00", "+2"]),
)
ERAS = st.builds(
    "{}{}".format,
    st.integers(-20, 20_000).map(str),
    st.sampled_from([" BC", " BCE", " AD", " CE", ""]),
)
DATE_LIKE = st.one_of(
    POINT, TIMED, ERAS, st.builds("{}/{}".format, st.one_of(POINT, ERAS, TIMED), POINT)
)


@QUICK
@given(st.one_of(st.text(max_size=40), DATE_LIKE))
def test_parse_date_returns_a_usable_date_or_says_what_is_wrong(text: str) -> None:
    try:
        date = parse_date(text)
    except DateSyntaxError as error:
        assert str(error) and error.hint
        return
    assert isinstance(date, FuzzyDate)
    assert date.start_moment() < date.end_moment()
    assert BRITISH.text(date) and date.start.iso()
    assert date.machine() is None or date.machine() == date.start.iso()  # None before AD 1
    assert parse_date(str(date)) == date  # what we write back reads the same
