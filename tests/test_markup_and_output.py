"""Security by default: Markdown's raw HTML is sanitised, templates escape, YAML is loaded
safely, and output paths cannot escape the output folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from scratch import problems_of, write_site

from site_builder.build import BuildOptions, build_site
from site_builder.errors import OutputError
from site_builder.markup import MarkdownRenderer
from site_builder.output import OutputTree


def render(text: str) -> str:
    return MarkdownRenderer(lambda scheme, name: f"/{scheme}s/{name}/").render(text)


def test_raw_html_in_markdown_is_sanitised() -> None:
    html = render(
        'Hi <script>alert(1)</script><a href="javascript:evil()" onclick="x()">me</a>'
        "<img src=x onerror=alert(1)>"
    )
    assert "<script" not in html and "alert(1)" not in html
    assert "javascript:" not in html and "onclick" not in html and "onerror" not in html


def test_cite_urls_are_removed_since_nh3_does_not_check_their_scheme() -> None:
    html = render(
        '<q cite="javascript:alert(1)">a</q><blockquote cite="https://example.org/">b</blockquote>'
        '\n\n<ins cite="vbscript:x">c</ins> <del cite="data:text/html,x">d</del>'
    )
    assert "cite=" not in html
    assert "<q>a</q>" in html and "<blockquote>b</blockquote>" in html


def test_markdown_is_python_markdown_with_identity_links_and_typography() -> None:
    html = render(
        'See [Alice](player:alice) and *this* -- "quoted".\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nA claim.[^1]\n\n[^1]: The note.\n"
    )
    assert '<a href="/players/alice/">Alice</a>' in html
    assert "<em>this</em> \u2013 \u201cquoted\u201d" in html
    assert "<td>1</td>" in html
    # Footnotes keep the ids and classes that link a reference to its note and back.
    assert 'id="fn:1"' in html and 'href="#fn:1"' in html and 'class="footnote-backref"' in html


def test_code_keeps_straight_quotes_and_dashes() -> None:
    html = render('Run `say "hi" -- now`.\n\n```\nx = "a" -- b\n```\n')
    assert '<code>say "hi" -- now</code>' in html
    assert 'x = "a" -- b' in html


def test_text_from_yaml_is_escaped_in_pages(tmp_path: Path) -> None:
    content = write_site(
        tmp_path,
        {
            "facts/players.yaml": """
        - id: alice
          name: "Alice <script>alert(1)</script>"
          role: "Negotiator & <b>envoy</b>"
          side: north
          verification: disputed
          verification_note: "Disputed by <i>Bob</i> & <script>alert(2)</script>"
        """
        },
    )
    build_site(BuildOptions(content=content, out=tmp_path / "out"))
    page = (tmp_path / "out" / "players" / "alice" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert "Alice &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Negotiator &amp; &lt;b&gt;envoy&lt;/b&gt;" in page
    assert "Disputed by &lt;i&gt;Bob&lt;/i&gt; &amp; &lt;script&gt;alert(2)" in page


def test_yaml_tags_that_construct_objects_are_refused(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "facts/sources.yaml": """
        - id: report
          title: !!python/object/apply:os.system ["touch pwned"]
          kind: report
        """
        },
    )
    assert problems
    assert not Path("pwned").exists()


@pytest.mark.parametrize("bad", ["../escape.html", "/etc/passwd", "a/../../b.html"])
def test_output_paths_cannot_escape_the_output_folder(bad: str) -> None:
    tree = OutputTree()
    with pytest.raises(OutputError):
        tree.add(bad, "x")


def test_a_file_is_written_once() -> None:
    tree = OutputTree()
    tree.add("a/index.html", "one")
    with pytest.raises(OutputError, match="written once"):
        tree.add("a/index.html", "two")


def test_output_is_swapped_in_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = OutputTree()
    first.add("old.html", "old")
    first.commit(out)
    second = OutputTree()
    second.add("new.html", "new")
    second.commit(out)
    assert sorted(p.name for p in out.iterdir()) == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_summary_slug_cannot_climb_out_of_the_site(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "summaries/evil.md": """
        ---
        title: Evil
        slug: ../../etc
        description: "Tries to escape."
        ---
        Text.
        """
        },
    )
    assert [p.message for p in problems] == ["'slug': '../../etc' is not a URL-safe id"]


def test_punctuation_is_typographic_in_prose_but_not_in_code() -> None:
    html = render(
        '"Quoted," he said -- it\'s (\'really\') done... `"code" -- stays`\n\n'
        '- "item"\n\n> *"emphasis"* --- then'
    )
    assert '<p>“Quoted,” he said – it’s (‘really’) done… <code>"code" -- stays</code></p>' in html
    assert "<li>“item”</li>" in html
    assert "<em>“emphasis”</em> — then" in html


def test_a_static_file_linking_out_of_its_folder_is_not_published(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    secret = tmp_path / "secret.key"
    secret.write_text("private", encoding="utf-8")
    static = tmp_path / "templates" / "static"
    static.mkdir(parents=True)
    (static / "logo.svg").symlink_to(secret)
    with pytest.raises(OutputError, match="outside"):
        build_site(
            BuildOptions(content=content, templates=tmp_path / "templates", out=tmp_path / "out")
        )
    assert not (tmp_path / "out").exists()
