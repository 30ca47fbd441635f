"""Markdown: Python-Markdown with site.yaml's `markdown_extensions`, as MkDocs users write it.

What a reader sees from each default extension; a site that lists its own extensions gets
exactly those; any installed extension by entry-point name or dotted path, with options; every
mistake in the list reported at its line of site.yaml, and an extension that fails on a text
at that text; ids of texts that share a page kept apart; each distinct text converted once; and
the faster inline processor giving exactly Python-Markdown's HTML.
"""

from __future__ import annotations

import inspect
import re
import sys
import textwrap
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import CONTENT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scratch import problems_of, write_site

from site_builder import markup, mdengine
from site_builder.build import BuildOptions, SiteBuilder, build_site, load_site
from site_builder.errors import ContentError
from site_builder.fieldtypes import MarkdownExtension
from site_builder.inlines import needles
from site_builder.markup import MarkdownConverter, MarkdownRenderer
from site_builder.mdengine import DEFAULT_EXTENSIONS

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
MINIMAL_CONFIG = (Path(__file__).parent / "fixtures" / "minimal" / "site.yaml").read_text(
    encoding="utf-8"
)


def render(text: str, extensions: tuple[MarkdownExtension, ...] = DEFAULT_EXTENSIONS) -> str:
    renderer = MarkdownRenderer(
        lambda scheme, name: f"/{scheme}s/{name}/", MarkdownConverter(extensions)
    )
    return renderer.render(textwrap.dedent(text))


def config_with(extensions: str) -> str:
    """The minimal site.yaml with a markdown_extensions block (YAML, dedented) at its end."""
    return MINIMAL_CONFIG + textwrap.dedent(extensions)


# --------------------------------------------------------------------------- the dialect


def test_each_default_extension_shows_in_the_html() -> None:
    html = render(
        """\
        The "HTML" standard -- it's old... and noted.[^1]

        *[HTML]: HyperText Markup Language

        | Left | Centred |
        |:-----|:-------:|
        | a    | b       |

        Term
        :   What it means.

        !!! note "Editor's note"
            Corrected on Monday.

        3. third
        4. fourth

        ```python
        say("hi") -- now
        ```

        A claim with a class.
        {: .lead #claim }

        [^1]: The note, with [a link](player:alice).
        """
    )
    # smarty: typographic quotes, dash, apostrophe, ellipsis.
    assert "The \u201c<abbr" in html and "\u201d standard \u2013 it\u2019s old\u2026" in html
    # abbr: the expansion is kept as the title.
    assert '<abbr title="HyperText Markup Language">HTML</abbr>' in html
    # footnotes: the reference, the note, the way back, identity links inside the note.
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<li id="fn:1">' in html and 'class="footnote-backref" href="#fnref:1"' in html
    assert '<a href="/players/alice/">a link</a>' in html
    # tables: alignment survives the sanitiser as text-align only.
    assert '<th style="text-align:left">Left</th>' in html
    assert '<td style="text-align:center">b</td>' in html
    assert "<dl>\n<dt>Term</dt>\n<dd>What it means.</dd>\n</dl>" in html
    assert (
        '<div class="admonition note">\n<p class="admonition-title">Editor\u2019s note</p>' in html
    )
    assert '<ol start="3">' in html  # sane_lists keeps the number a list starts at
    # fenced_code: a language class, and code keeps its straight quotes and dashes.
    assert '<pre><code class="language-python">say("hi") -- now' in html
    assert '<p class="lead" id="claim">A claim with a class.</p>' in html


def test_the_sanitiser_keeps_only_text_align_of_styles() -> None:
    html = render(
        '<table><tr><td style="text-align: right; background: url(javascript:alert(1))">a</td>'
        '</tr></table>\n\n<p style="color: red" title="kept? no">b</p>\n'
    )
    assert '<td style="text-align:right">a</td>' in html
    assert "<p>b</p>" in html and "javascript" not in html


def test_text_that_looks_like_an_attribute_stays_text() -> None:
    html = render('Write `href="player:alice"` or href="player:alice" in prose.\n')
    assert html.count("player:alice") == 2 and "/players/alice/" not in html


def test_identity_links_resolve_in_reference_definitions_and_raw_html() -> None:
    html = render(
        'See [her][a] and <a href="page:timeline">the timeline</a>.\n\n[a]: player:alice\n'
    )
    assert '<a href="/players/alice/">her</a>' in html
    assert '<a href="/pages/timeline/">the timeline</a>' in html


# --------------------------------------------------------------------------- the site's own list


def test_a_site_lists_its_own_extensions_and_gets_exactly_those(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {
            "site.yaml": config_with("markdown_extensions: [abbr, admonition, footnotes]\n"),
            "summaries/overview.md": """
            ---
            title: What happened
            slug: overview
            description: "The overview."
            ---
            The "UN" met.[^1]

            *[UN]: United Nations

            !!! warning "Developing story"
                Details may change.

            | no | table |
            |----|-------|
            | 1  | 2     |

            [^1]: A note.
            """,
        },
    )
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0, result.stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="United Nations">UN</abbr>' in home
    assert '<div class="admonition warning">' in home
    assert 'class="footnote-ref" href="#fn:1"' in home
    assert "<table>" not in home and "| no | table |" in home  # no tables extension
    assert 'The "<abbr' in home  # and no smarty: quotes stay straight


def test_an_installed_extension_by_dotted_path_and_options(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {
            "site.yaml": config_with(
                """
                markdown_extensions:
                  - pymdownx.details
                  - toc:
                      permalink: true
                      permalink_title: Link to this section
                """
            ),
            "summaries/overview.md": """
            ---
            title: What happened
            slug: overview
            description: "The overview."
            ---
            ## Who was there

            ??? note "Background"
                Folded away.

            ???+ tip "Open"
                Shown.
            """,
        },
    )
    build_site(BuildOptions(content=content, out=tmp_path / "out"))
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert '<details class="note">\n<summary>Background</summary>' in home
    assert '<details class="tip" open="open">' in home or '<details class="tip" open="">' in home
    assert '<h2 id="who-was-there">Who was there<a class="headerlink"' in home
    assert 'href="#who-was-there" title="Link to this section"' in home


def test_an_unknown_extension_is_located_in_site_yaml_with_a_hint(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {"site.yaml": config_with("markdown_extensions:\n  - abbr\n  - footnote\n")},
    )
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    lines = MINIMAL_CONFIG.count("\n")
    assert f"site.yaml:{lines + 3}:5: Markdown extension 'footnote' is not installed" in (
        result.stderr
    )
    assert "hint: did you mean 'footnotes'?" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("extensions", "where", "message", "hint"),
    [
        (
            "markdown_extensions:\n  - toc:\n      permalnk: true\n",
            (3, 17),
            "Markdown extension 'toc' has no option 'permalnk'",
            "did you mean 'permalink'?",
        ),
        (
            "markdown_extensions:\n  - smarty:\n      smart_quotes: [yes]\n",
            (3, 21),
            "option 'smart_quotes' of Markdown extension 'smarty' must be true or false, not "
            "a list",
            "its default is True",
        ),
        (
            "markdown_extensions:\n  - tables:\n      use_align_attribute: sometimes\n",
            (3, 28),
            "must be true or false, not 'sometimes'",
            "its default is False",
        ),
        (
            "markdown_extensions:\n  - toc:\n      toc_depth: [2]\n",
            (2, 5),
            "Markdown extension 'toc' could not be set up: TypeError",
            "check its options",
        ),
        (
            "markdown_extensions:\n  - abbr: [title]\n",
            (2, 5),
            "the options of 'abbr' should be a mapping of option: value",
            "indented",
        ),
        (
            "markdown_extensions:\n  - abbr\n  - {toc: {}, tables: {}}\n",
            (3, 5),
            "one item names 2 extensions: 'toc', 'tables'",
            "its own line",
        ),
        (
            "markdown_extensions:\n  - abbr\n  - tables\n  - abbr\n",
            (4, 5),
            "Markdown extension 'abbr' is listed twice",
            "it is item 1",
        ),
        (
            "markdown_extensions:\n  - pymdownx.detail\n",
            (2, 5),
            "Markdown extension 'pymdownx.detail' is not installed",
            "did you mean 'pymdownx.details'?",
        ),
        (
            "markdown_extensions:\n  - os.path\n",
            (2, 5),
            "'os.path' is a module of Python's standard library, not a Markdown extension",
            "name an installed extension",
        ),
        (
            "markdown_extensions: abbr\n",
            (1, 22),
            "'markdown_extensions' should be a list",
            "write it as a list",
        ),
        (
            "markdown_extensions:\n  toc:\n    permalnk: true\n",  # MkDocs' mapping form
            (3, 15),
            "Markdown extension 'toc' has no option 'permalnk'",
            "did you mean 'permalink'?",
        ),
    ],
)
def test_a_wrong_extension_list_is_located_with_a_hint(
    tmp_path: Path, extensions: str, where: tuple[int, int], message: str, hint: str
) -> None:
    problems = problems_of(tmp_path, {"site.yaml": config_with(extensions)})
    assert len(problems) == 1, problems
    [problem] = problems
    first = MINIMAL_CONFIG.count("\n")
    assert Path(problem.path).name == "site.yaml"
    assert (problem.line, problem.column) == (first + where[0], where[1]), problem
    assert message in problem.message and hint in (problem.hint or ""), problem


def test_a_standard_library_module_is_refused_without_importing_it(tmp_path: Path) -> None:
    # `antigravity` opens a web browser when imported: it must never be.
    assert "antigravity" not in sys.modules
    problems = problems_of(
        tmp_path,
        {"site.yaml": config_with("markdown_extensions: [antigravity, antigravity.geohash]\n")},
    )
    assert [p.message for p in problems] == [
        "'antigravity' is a module of Python's standard library, not a Markdown extension",
        "'antigravity.geohash' is a module of Python's standard library, not a Markdown extension",
    ]
    assert "antigravity" not in sys.modules


BOOM = """\
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor


class Boom(Preprocessor):
    def run(self, lines):
        if any("BOOM" in line for line in lines):
            raise ValueError("cannot handle BOOM")
        return lines


class BoomExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(Boom(md), "boom", 1)


def makeExtension(**kwargs):
    return BoomExtension(**kwargs)
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_extension_that_fails_on_a_text_is_located_at_that_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "boom_extension.py").write_text(BOOM, encoding="utf-8")
    monkeypatch.syspath_prepend(str(modules))
    events = "".join(
        f"- id: event-{n}\n  date: 2025-07-{n % 28 + 1:02d}\n  title: Event {n}\n"
        f"  players: [alice]\n  body: Event {n} {'BOOM' if n in (3, 90) else 'happened'}.\n"
        "  evidence:\n    - source: report\n      quote: they met\n"
        for n in range(100)
    )
    content = write_site(
        tmp_path,
        {
            "site.yaml": config_with("markdown_extensions: [boom_extension, footnotes]\n"),
            "facts/events.yaml": events,
            "summaries/overview.md": "---\ntitle: T\nslug: overview\ndescription: D\n---\n"
            "Fine.\n\nA BOOM here.\n",
        },
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("previous site", encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        build_site(BuildOptions(content=content, out=out, jobs=jobs))
    found = {(Path(p.path).name, p.line) for p in raised.value.problems}
    assert found == {("overview.md", 6), ("events.yaml", 3 * 8 + 5), ("events.yaml", 90 * 8 + 5)}
    for problem in raised.value.problems:
        assert problem.message == (
            "Markdown extension 'boom_extension' failed on this text: ValueError: cannot "
            "handle BOOM"
        )
        assert "remove 'boom_extension' from markdown_extensions" in (problem.hint or "")
    assert [p.name for p in out.iterdir()] == ["index.html"]  # the previous output stays


def test_a_text_nested_too_deeply_is_an_error_not_a_crash() -> None:
    # Python-Markdown recurses once per level of nesting; a lower recursion limit here stands
    # for a much deeper list (hundreds of levels, seconds to reach) under the normal limit.
    nested = "".join("    " * level + "- item\n" for level in range(60))
    converter = MarkdownConverter()
    converter.convert("warm up")  # the engine is built before the limit is lowered
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 100)
    try:
        with pytest.raises(mdengine.ConversionError) as raised:
            converter.convert(nested)
    finally:
        sys.setrecursionlimit(limit)
    assert raised.value.message() == "Python-Markdown gave up on this text: it nests too deeply"


# --------------------------------------------------------------------------- shared pages


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.fragments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        href = values.get("href") or ""
        if href.startswith("#"):
            self.fragments.append(href[1:])


def test_footnotes_of_texts_sharing_a_page_keep_distinct_ids(tmp_path: Path) -> None:
    note = "{} happened.[^1]\n{{: #detail }}\n\n[^1]: Said by {}.\n"
    content = write_site(
        tmp_path,
        {
            "facts/events.yaml": "".join(
                f"- id: {event}\n  date: 2025-07-0{n + 1}\n  title: {event}\n"
                f"  players: [alice]\n  body: |\n"
                + textwrap.indent(note.format(event, "a witness"), "    ")
                + "  evidence:\n    - source: report\n      quote: they met\n"
                for n, event in enumerate(["first-meeting", "second-meeting"])
            ),
            "facts/players.yaml": """
            - id: alice
              name: "Alice Example"
              role: "Negotiator"
              side: north
              evidence: [{source: report, note: "Named in the report."}]
              bio: |
                Negotiates.[^1]

                [^1]: Since 2024.
            """,
        },
    )
    build_site(BuildOptions(content=content, out=tmp_path / "out"))
    for page in ("timeline/index.html", "players/alice/index.html"):
        parser = _Ids()
        parser.feed((tmp_path / "out" / page).read_text(encoding="utf-8"))
        duplicates = [name for name, count in Counter(parser.ids).items() if count > 1]
        assert not duplicates, (page, duplicates)
        assert "first-meeting--fn:1" in parser.ids and "second-meeting--fnref:1" in parser.ids
        assert "first-meeting--detail" in parser.ids  # an author's {: #id } too
        missing = [fragment for fragment in parser.fragments if fragment not in parser.ids]
        assert not missing, (page, missing)  # every footnote link lands on its own note
    bio = _Ids()
    bio.feed((tmp_path / "out" / "players/alice/index.html").read_text(encoding="utf-8"))
    assert "alice--bio--fn:1" in bio.ids


# --------------------------------------------------------------------------- converted once


def test_each_distinct_text_is_converted_once_per_build_and_once_per_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    converted: list[str] = []
    original = mdengine.convert
    descriptions = mdengine.engine_for(markup._SMARTY_ONLY)  # site.yaml's description (smart_text)

    def counting(engine: object, text: str) -> str:
        if engine is not descriptions:
            converted.append(text)
        return original(engine, text)  # type: ignore[arg-type]

    monkeypatch.setattr(markup, "convert", counting)
    content = write_site(
        tmp_path,
        {
            "facts/events.yaml": "".join(
                f"- id: {event}\n  date: 2025-07-0{n + 1}\n  title: Event {n}\n"
                "  players: [alice]\n  body: The same *body* on every page.\n"
                "  evidence:\n    - source: report\n      quote: they met\n"
                for n, event in enumerate(["first-meeting", "second", "third"])
            ),
        },
    )
    builder = SiteBuilder(BuildOptions(content=content, out=tmp_path / "out"))
    builder.rebuild()
    overview = load_site(content).summaries[0].markdown
    # The body (on the timeline and on Alice's page, three times each) and the overview: two
    # texts, two conversions (setting the extensions up converts a test text, not counted).
    texts = [text for text in converted if text != mdengine._PROBE]
    assert sorted(texts) == sorted(["The same *body* on every page.", overview])
    converted.clear()
    path = content / "summaries" / "overview.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    builder.rebuild(frozenset({path}))
    assert len(converted) == 1 and converted[0].endswith("More.\n")


# --------------------------------------------------------------------------- same HTML, faster


def _corpus() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in (CONTENT / "summaries").glob("*.md")]
    texts += [path.read_text(encoding="utf-8") for path in (HOSTILE / "summaries").glob("*.md")]
    for folder in (CONTENT, HOSTILE):
        site = load_site(folder)
        texts += [event.body for event in site.events if event.body]
        texts += [player.bio for player in site.players if player.bio]
    return texts


def _stock(names: list[str]) -> markdown.Markdown:
    return markdown.Markdown(extensions=names, output_format="html")


def test_skipping_impossible_patterns_gives_python_markdowns_html() -> None:
    extensions = (
        *DEFAULT_EXTENSIONS,
        MarkdownExtension("toc"),
        MarkdownExtension("pymdownx.details"),
    )
    stock = _stock([entry.name for entry in extensions])
    engine = mdengine.engine_for(extensions)
    assert any(
        type(processor).__name__ == "_SkippingInlineProcessor"
        for processor in engine.md.treeprocessors
    ), "the stock inline processor is in use: Python-Markdown's internals changed"
    texts = _corpus()
    assert len(texts) > 30
    for text in texts:
        stock.reset()
        engine.md.reset()
        assert engine.md.convert(text) == stock.convert(text), text[:200]


# Text dense in what inline patterns look for: emphasis, links, code, HTML, entities, escapes,
# footnotes, quotes, dashes, line breaks.
MARKDOWNISH = st.text(alphabet="*_`[]()!<>&;#\\^'\"-.:/ \nab1", max_size=120)


@settings(
    max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(MARKDOWNISH)
def test_skipping_impossible_patterns_on_any_text(text: str) -> None:
    stock = _stock([entry.name for entry in DEFAULT_EXTENSIONS])
    engine = mdengine.engine_for(DEFAULT_EXTENSIONS)
    engine.md.reset()
    assert engine.md.convert(text) == stock.convert(text)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\[", (("[",),)),
        (r"(?<!\!)\[", (("[",),)),
        (r"  \n", (("  \n",),)),
        (r"<([^<> !]+@[^@<> ]+)>", (("<",), ("@",), (">",))),
        (r"\*|_", (("*", "_"),)),
        (r"(?<!\.)\.{3}(?!\.)", (("...",),)),
        (r"(?:ab){2}", (("ab",),)),
        (r"'(\s|s\b)", (("'",),)),
        (r"a?b*", None),  # nothing is required
        (r"(?i)abc", None),  # any case: not a literal
        (r"x(?i:abc)", (("x",),)),
    ],
)
def test_needles_are_what_every_match_contains(
    pattern: str, expected: tuple[tuple[str, ...], ...] | None
) -> None:
    assert needles(re.compile(pattern)) == expected


def test_a_large_build_shows_the_conversion_going_on(tmp_path: Path) -> None:
    events = "".join(
        f"- id: {'first-meeting' if n == 0 else f'event-{n}'}\n"
        f"  date: 2025-07-{n % 28 + 1:02d}\n  title: Event {n}\n"
        f"  players: [alice]\n  body: Event *{n}* happened.\n"
        "  evidence:\n    - source: report\n      quote: they met\n"
        for n in range(200)
    )
    content = write_site(tmp_path, {"facts/events.yaml": events})
    seen: list[tuple[int, int, str, str]] = []

    def progress(done: int, total: int, verb: str = "rendered", noun: str = "pages") -> None:
        seen.append((done, total, verb, noun))

    build_site(BuildOptions(content=content, out=tmp_path / "out", jobs=2), progress)
    # 200 bodies and the overview, in chunks, before the pages.
    assert [entry for entry in seen if entry[3] == "Markdown texts"] == [
        (64, 201, "converted", "Markdown texts"),
        (128, 201, "converted", "Markdown texts"),
        (192, 201, "converted", "Markdown texts"),
        (201, 201, "converted", "Markdown texts"),
    ]
    assert seen[4:] and all(entry[2:] == ("rendered", "pages") for entry in seen[4:])
