"""`site-builder init` and `site-builder new`, run as a user would.

`init` must give an explainer that builds as it is; `new` must append an entry that builds
while keeping every byte the author wrote (comments included).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, run_cli

FACT_FILES = {
    "event": "content/facts/events.yaml",
    "player": "content/facts/players.yaml",
    "source": "content/facts/sources.yaml",
}


@pytest.fixture
def explainer(tmp_path: Path) -> Path:
    """A folder made by `site-builder init`."""
    folder = tmp_path / "my-explainer"
    result = run_cli("init", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


def assert_builds(folder: Path) -> None:
    checked = run_cli("check", cwd=folder)
    assert checked.returncode == 0, checked.stderr
    built = run_cli("build", cwd=folder)
    assert built.returncode == 0, built.stderr
    assert (folder / "_site" / "index.html").is_file()


def added_at(stdout: str, folder: Path) -> tuple[Path, int]:
    """The `path:line` that `new` printed, as a file and a line number."""
    where = stdout.split(": ", 1)[0]
    path, _, line = where.rpartition(":")
    return folder / path, int(line)


def test_init_writes_an_explainer_that_builds(explainer: Path) -> None:
    files = sorted(p.relative_to(explainer).as_posix() for p in explainer.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "content/facts/events.yaml",
        "content/facts/players.yaml",
        "content/facts/sources.yaml",
        "content/facts/updates.yaml",
        "content/site.yaml",
        "content/sources/example-report.txt",
        "content/summaries/overview.md",
    ]
    for name in FACT_FILES.values():
        text = (explainer / name).read_text(encoding="utf-8")
        assert text.startswith("#"), f"{name} opens with a comment explaining it"
        assert text.count("- id:") == 1, f"{name} has one example entry"
    assert_builds(explainer)
    site = explainer / "_site"
    for page in ("timeline/index.html", "players/example-person/index.html", "404.html"):
        assert (site / page).is_file(), page


def test_init_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run_cli("init", "empty", cwd=tmp_path).returncode == 0
    assert_builds(tmp_path / "empty")


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = run_cli("init", str(target))
    assert result.returncode == 2
    assert "is not empty" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def fill_in(text: str, quote: str | None = None) -> str:
    """What an author does with `new`'s entries: replace every TODO and cite the evidence
    (`quote`: words of the source's text in place of the template's)."""
    text = re.sub(r'"TODO: [^"]*"', '"Filled in"', text)
    text = re.sub(r"^TODO: .*$", "Filled in.", text, flags=re.MULTILINE)
    text = text.replace("  # evidence:  ", "  evidence:    ")
    text = text.replace("  #   - source:", "    - source:")
    text = text.replace("  #     quote:", "      quote:")
    if quote is not None:
        text = text.replace('"words copied verbatim from the source"', f'"{quote}"')
    return text


def assert_fails_at(folder: Path, *where: str) -> str:
    """check and build both fail, naming each `path:line` given (deploy: tests/test_deploy.py)."""
    reports = []
    for command in (("check",), ("build",)):
        result = run_cli(*command, cwd=folder)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        for place in where:
            assert re.search(rf"^ *\d+\. {re.escape(place)}:\d+: ", result.stderr, re.M), (
                command,
                place,
                result.stderr,
            )
        reports.append(result.stderr)
    assert not (folder / "_site").exists()
    return reports[0]


@pytest.mark.parametrize("kind", sorted(FACT_FILES))
def test_new_appends_an_entry_whose_todos_fail_until_filled_in(explainer: Path, kind: str) -> None:
    path = explainer / FACT_FILES[kind]
    before = path.read_bytes()
    result = run_cli("new", kind, cwd=explainer)
    assert result.returncode == 0, result.stderr
    where, line = added_at(result.stdout, explainer)
    assert where == path
    after = path.read_bytes()
    assert after.startswith(before)  # comments and layout untouched, byte for byte
    assert after.decode("utf-8").splitlines()[line - 1] == f"- id: new-{kind}"
    # The placeholder title (a player's name) comes second, after the date in an event.
    placeholder = line + (2 if kind == "event" else 1)
    report = assert_fails_at(explainer, f"{FACT_FILES[kind]}:{placeholder}")
    assert "still holds the placeholder" in report and "'TODO:" in report.replace('"', "'")
    if kind != "source":
        assert f"{FACT_FILES[kind]}:{line}:7: {kind} 'new-{kind}' cites no evidence" in report
    path.write_text(fill_in(after.decode("utf-8")), encoding="utf-8")
    assert_builds(explainer)

    again = run_cli("new", kind, cwd=explainer)
    assert again.returncode == 0, again.stderr
    assert f"'new-{kind}-2'" in again.stdout  # a fresh id each time
    assert path.read_bytes().startswith(fill_in(after.decode("utf-8")).encode("utf-8"))


def test_a_draft_with_todos_stays_off_the_site_and_check_lists_it(explainer: Path) -> None:
    events = explainer / "content" / "facts" / "events.yaml"
    result = run_cli("new", "event", "--id", "work-in-progress", cwd=explainer)
    assert result.returncode == 0, result.stderr
    _, line = added_at(result.stdout, explainer)
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("  # draft: true ", "  draft: true   "), encoding="utf-8")
    checked = run_cli("check", cwd=explainer)
    assert checked.returncode == 0, checked.stderr
    assert "1 draft, not on the site:" in checked.stdout
    assert f"content/facts/events.yaml:{line}: event 'work-in-progress'" in checked.stdout
    assert_builds(explainer)
    site = explainer / "_site"
    assert "work-in-progress" not in (site / "timeline" / "index.html").read_text("utf-8")
    assert "TODO" not in "".join(p.read_text("utf-8") for p in site.rglob("*.html"))


def test_new_summary_creates_a_page(explainer: Path) -> None:
    result = run_cli("new", "summary", "--id", "what-next", cwd=explainer)
    assert result.returncode == 0, result.stderr
    where, line = added_at(result.stdout, explainer)
    assert where == explainer / "content" / "summaries" / "what-next.md"
    assert line == 1
    assert "slug: what-next" in where.read_text(encoding="utf-8")
    assert_fails_at(
        explainer,
        "content/summaries/what-next.md:2",  # title
        "content/summaries/what-next.md:5",  # description
        "content/summaries/what-next.md:7",  # the text
    )
    where.write_text(fill_in(where.read_text(encoding="utf-8")), encoding="utf-8")
    assert_builds(explainer)
    assert (explainer / "_site" / "what-next" / "index.html").is_file()


def test_new_on_the_real_explainer_keeps_its_files(tmp_path: Path) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    before = {kind: (tmp_path / name).read_bytes() for kind, name in FACT_FILES.items()}
    for kind in (*FACT_FILES, "summary"):
        result = run_cli("new", kind, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    for kind, name in FACT_FILES.items():
        assert (tmp_path / name).read_bytes().startswith(before[kind])
        path = tmp_path / name
        filled = fill_in(path.read_text(encoding="utf-8"), quote="Talks hosted in Istanbul")
        path.write_text(filled, encoding="utf-8")
    page = tmp_path / "content" / "summaries" / "new-page.md"
    page.write_text(fill_in(page.read_text(encoding="utf-8")), encoding="utf-8")
    assert_builds(tmp_path)


def test_new_follows_an_indented_list_and_crlf_lines(explainer: Path) -> None:
    sources = explainer / "content" / "facts" / "sources.yaml"
    sources.write_bytes(
        b"# indented, Windows line ends\r\n"
        b"  - id: example-report\r\n"
        b"    title: Report\r\n"
        b"    kind: report\r\n"
        b"    text: sources/example-report.txt"  # no final newline
    )
    before = sources.read_bytes()
    result = run_cli("new", "source", "--id", "background", cwd=explainer)
    assert result.returncode == 0, result.stderr
    after = sources.read_bytes()
    assert after.startswith(before)
    assert b"\r\n  - id: background\r\n" in after
    assert b"\n" not in after.replace(b"\r\n", b"")
    sources.write_bytes(fill_in(after.decode("utf-8")).encode("utf-8"))
    assert_builds(explainer)


def test_new_refuses_bad_or_taken_ids(explainer: Path) -> None:
    events = explainer / "content" / "facts" / "events.yaml"
    before = events.read_bytes()
    taken = run_cli("new", "event", "--id", "example-event", cwd=explainer)
    assert taken.returncode == 2
    assert "already taken" in taken.stderr and "'example-event-2'" in taken.stderr
    bad = run_cli("new", "event", "--id", "Peace Talks", cwd=explainer)
    assert bad.returncode == 2
    assert "not a URL-safe id" in bad.stderr and "'peace-talks'" in bad.stderr
    reserved = run_cli("new", "summary", "--id", "timeline", cwd=explainer)
    assert reserved.returncode == 2
    assert events.read_bytes() == before


def test_new_refuses_a_file_it_cannot_append_to(explainer: Path) -> None:
    events = explainer / "content" / "facts" / "events.yaml"
    events.write_text("# nothing yet\n[]\n", encoding="utf-8")
    result = run_cli("new", "event", cwd=explainer)
    assert result.returncode == 1
    assert "cannot append" in result.stderr and "Traceback" not in result.stderr
    assert events.read_text(encoding="utf-8") == "# nothing yet\n[]\n"


def test_new_without_a_content_folder(tmp_path: Path) -> None:
    result = run_cli("new", "event", cwd=tmp_path)
    assert result.returncode == 2
    assert "content folder not found" in result.stderr and "site-builder init" in result.stderr


def test_init_builds_with_a_non_editable_install_in_a_fresh_venv(tmp_path: Path) -> None:
    """SLOW (~15 s): `pip install` of this repository (not editable) into a plain venv.

    Proves `init` + `build` need nothing from the checkout: the theme and every dependency
    come with the installed package.
    """
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(ROOT)],
        capture_output=True,
        text=True,
        env=clean,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import site_builder; print(site_builder.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        env=clean,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(env_dir), where.stdout
    tool = str(env_dir / "bin" / "site-builder")
    for args, cwd in ((["init", "fresh"], work), (["build"], work / "fresh")):
        result = subprocess.run(
            [tool, *args], cwd=cwd, capture_output=True, text=True, env=clean, timeout=120
        )
        assert result.returncode == 0, result.stderr
    assert (work / "fresh" / "_site" / "index.html").is_file()
    catalogues = subprocess.run(
        [str(python), "-c", "import site_builder.i18n as i; print(i.shipped_languages())"],
        cwd=work,
        capture_output=True,
        text=True,
        env=clean,
        check=True,
    )
    assert catalogues.stdout.strip() == "['en', 'uk']"  # the compiled .mo files are installed
    assert sys.prefix != str(env_dir)
