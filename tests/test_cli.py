"""The command line as a user meets it: exit codes, messages, no tracebacks, safe output."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from conftest import ARTICLE, CONTENT, require, run_cli
from scratch import write_site

TEN_MISTAKES = Path(__file__).parent / "fixtures" / "ten-mistakes"


def test_check_lists_every_mistake_of_a_broken_tree_in_one_run() -> None:
    result = run_cli("check", "--content", str(TEN_MISTAKES))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("17 problems found:")
    located = re.findall(r"^\s*\d+\. (\S+?):(\d+):(\d+): (.+)$", result.stderr, re.MULTILINE)
    where = [
        (Path(path).relative_to(TEN_MISTAKES).as_posix(), int(line), message)
        for path, line, _column, message in located
    ]
    # A malformed field hides none of the record's other problems (the missing evidence of a
    # record whose 'key' or 'id' is malformed, an unknown player beside a bad field).
    assert [(path, line) for path, line, _ in where] == [
        ("facts/events.yaml", 2),  # impossible date 2025-02-30
        ("facts/events.yaml", 9),  # no evidence
        ("facts/events.yaml", 12),  # duplicate key 'title'
        ("facts/events.yaml", 13),  # unknown field 'palyers'
        ("facts/events.yaml", 14),  # no evidence
        ("facts/events.yaml", 15),  # 'early' with a day
        ("facts/events.yaml", 18),  # wrong type: key: 3
        ("facts/events.yaml", 19),  # no evidence
        ("facts/events.yaml", 22),  # unknown player 'carol'
        ("facts/players.yaml", 1),  # no evidence
        ("facts/players.yaml", 7),  # id not URL-safe
        ("facts/players.yaml", 7),  # no evidence
        ("facts/players.yaml", 10),  # duplicate id 'alice'
        ("facts/players.yaml", 10),  # no evidence
        ("facts/updates.yaml", 2),  # YAML syntax error
        ("summaries/next.md", 4),  # front matter: order is not a number
        ("summaries/overview.md", 7),  # broken identity link
    ]
    # Every problem carries a hint saying what to do.
    assert result.stderr.count("\n    hint: ") == 17


def test_build_of_a_broken_tree_fails_and_keeps_the_previous_output(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    out = tmp_path / "_site"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert (out / "index.html").exists()

    shutil.copytree(TEN_MISTAKES, content, dirs_exist_ok=True)
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 1
    assert "problems found" in result.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    # The build cache (beside the output) is what the first, successful, build left.
    kept = ("content", "_site", ".site_builder_cache")
    assert not [p for p in tmp_path.iterdir() if p.name not in kept], (
        "a failed build must not leave staging folders behind"
    )


def test_build_prints_one_summary_line(tmp_path: Path) -> None:
    result = run_cli("build", "--content", str(CONTENT), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Built \d+ pages \(\d+ files\) in \d+\.\d\d s into \S+\n", result.stdout)


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    missing = run_cli("build", "--content", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "content folder not found" in missing.stderr
    assert "hint: " in missing.stderr
    bad_pair = run_cli("check", "--source-text", "report")
    assert bad_pair.returncode == 2
    assert "SOURCE_ID=PATH" in bad_pair.stderr
    unknown_command = run_cli("frobnicate")
    assert unknown_command.returncode == 2
    for result in (missing, bad_pair, unknown_command):
        assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("site-builder ")
    debug = run_cli("check", "--content", str(TEN_MISTAKES), "--debug")
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr


def test_output_folder_that_would_overwrite_the_content_is_refused(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    result = run_cli("build", "--content", str(content), "--out", str(content))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert (content / "site.yaml").exists()


def test_check_verifies_every_quote_of_the_explainer_with_no_flag() -> None:
    result = run_cli("check", "--strict")
    assert result.returncode == 0, result.stderr
    report = re.search(r"^  report: (\d+) of (\d+) quotes found in (\S+)$", result.stdout, re.M)
    assert report, result.stdout
    assert report.group(1) == report.group(2) and int(report.group(1)) >= 30
    assert Path(report.group(3)) == Path("content/sources/report.txt")
    assert "NOT verified" not in result.stdout
    for context in ("istanbul-talks-context", "ultimatum-context", "officials-context"):
        assert re.search(rf"^  {context}: no quotes \(\d+ notes?\)$", result.stdout, re.M)


def test_the_report_in_content_is_the_shared_source_report() -> None:
    require(ARTICLE.exists(), "the source report", f"expected at {ARTICLE}")
    assert (CONTENT / "sources" / "report.txt").read_bytes() == ARTICLE.read_bytes()


def test_source_text_on_the_command_line_still_works() -> None:
    require(ARTICLE.exists(), "the source report", f"expected at {ARTICLE}")
    result = run_cli("check", "--source-text", f"report={ARTICLE}")
    assert result.returncode == 0, result.stderr
    found = rf"^  report: (\d+) of \1 quotes found in {re.escape(str(ARTICLE))}$"
    assert re.search(found, result.stdout, re.M), result.stdout


def test_a_changed_quote_fails_check_and_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    events = content / "facts" / "events.yaml"
    text = events.read_text(encoding="utf-8")
    assert "failed to secure any agreement towards a ceasefire" in text
    events.write_text(
        text.replace(
            "failed to secure any agreement towards a ceasefire",
            "failed to secure an agreement towards a ceasefire",
        ),
        encoding="utf-8",
    )
    for command in (("check",), ("build", "--out", str(tmp_path / "out"))):
        # The report's text is in the content: no flag is needed to check against it.
        result = run_cli(*command, "--content", str(content))
        assert result.returncode == 1
        assert "failed to secure an agreement" in result.stderr
        assert re.search(
            r"facts/events\.yaml:\d+:\d+: quote not found in the text of source 'report' "
            r"\(\S+content/sources/report\.txt\)",
            result.stderr,
        )
    assert not (tmp_path / "out").exists()


def test_python_dash_m_and_console_script_agree(tmp_path: Path) -> None:
    script = shutil.which("site-builder")
    require(script is not None, "the site-builder console script", "pip install -e .")
    assert script is not None
    result = subprocess.run(
        [script, "build", "--content", str(CONTENT), "--out", str(tmp_path / "a"), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and result.stdout == "", result.stderr
    assert (
        run_cli("build", "--content", str(CONTENT), "--out", str(tmp_path / "b"), "-q").returncode
        == 0
    )
    assert (tmp_path / "a" / "index.html").read_bytes() == (
        tmp_path / "b" / "index.html"
    ).read_bytes()


def test_a_failure_in_code_a_template_calls_is_located_and_debug_shows_its_traceback(
    tmp_path: Path,
) -> None:
    """The error names the template's file and line and the code that raised it; --debug adds
    the Python traceback through site_builder (a build runs templates in forked processes
    too, so the traceback travels back with the problem)."""
    content = write_site(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "timeline.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ url(42) }}\n{% endblock %}\n', "utf-8"
    )
    args = ("build", "--content", str(content), "--templates", str(templates))
    result = run_cli(*args, "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(
        r"templates/timeline\.html:3: template error: AttributeError: 'int' object has no "
        r"attribute 'lstrip' \(raised in site_builder/urls\.py:\d+ in url\)",
        result.stderr,
    ), result.stderr
    assert "this is a bug in site-builder" in result.stderr and "--debug" in result.stderr
    debug = run_cli(*args, "--out", str(tmp_path / "out"), "--debug")
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert re.search(r'site_builder/urls\.py", line \d+, in url', debug.stderr), debug.stderr
    assert 'templates/timeline.html", line 3' in debug.stderr
