"""`site-builder deploy` against a real local bare repository acting as the remote.

Every test runs with no git identity configured (GIT_CONFIG_GLOBAL=/dev/null, no system config,
HOME in tmp), as on a fresh CI runner, and drives the command as a user would.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
TESTER = ["-c", "user.name=Tester", "-c", "user.email=tester@example.org"]


def git(*args: str, cwd: Path) -> str:
    """Run git; fail the test with git's message when it fails."""
    completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, f"git {' '.join(args)}: {completed.stderr}"
    return completed.stdout.strip()


@pytest.fixture(autouse=True)
def no_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user.name/user.email anywhere: deploy must set a committer itself."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """An empty bare repository: the remote."""
    bare = tmp_path / "origin.git"
    git("init", "--quiet", "--bare", str(bare), cwd=tmp_path)
    return bare


@pytest.fixture
def project(tmp_path: Path, remote: Path) -> Path:
    """A project repository (content committed on main, a feature branch) with the remote."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(MINIMAL, work / "content")
    (work / ".gitignore").write_text("_site/\n", encoding="utf-8")
    git("init", "--quiet", "-b", "main", cwd=work)
    git("remote", "add", "origin", "../origin.git", cwd=work)
    git("add", ".", cwd=work)
    git(*TESTER, "commit", "--quiet", "-m", "Explainer content", cwd=work)
    git("branch", "feature", cwd=work)
    git("push", "--quiet", "origin", "main", cwd=work)
    return work


def remote_tip(remote: Path, branch: str = "gh-pages") -> str | None:
    """The commit the remote branch points at, or None when it does not exist."""
    listed = git("for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}", cwd=remote)
    return listed or None


def published_files(remote: Path) -> list[str]:
    return git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).splitlines()


def user_state(work: Path) -> dict[str, str]:
    """Everything deploy must leave alone: refs, HEAD, the index file, the working tree."""
    files = sorted(
        path
        for path in work.rglob("*")
        if path.is_file() and ".git" not in path.parts and "_site" not in path.parts
    )
    tree = hashlib.sha256()
    for path in files:
        tree.update(path.relative_to(work).as_posix().encode() + b"\0" + path.read_bytes())
    return {
        "refs": git("for-each-ref", cwd=work),
        "HEAD": git("symbolic-ref", "HEAD", cwd=work) + " " + git("rev-parse", "HEAD", cwd=work),
        "index": hashlib.sha256((work / ".git" / "index").read_bytes()).hexdigest(),
        "staged": git("diff", "--cached", cwd=work),
        "status": git("status", "--porcelain", cwd=work),
        "tree": tree.hexdigest(),
        "config": (work / ".git" / "config").read_text(encoding="utf-8"),
    }


def assert_clean_failure(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr


def test_first_deploy_publishes_site_with_pages_files(project: Path, remote: Path) -> None:
    head = git("rev-parse", "HEAD", cwd=project)
    result = run_cli("deploy", "--cname", "explainer.example.org", cwd=project)
    assert result.returncode == 0, result.stderr
    files = published_files(remote)
    assert {".nojekyll", "CNAME", "404.html", "index.html"} <= set(files)
    assert "players/alice/index.html" in files
    assert git("show", "gh-pages:CNAME", cwd=remote) == "explainer.example.org"
    assert git("show", "gh-pages:.nojekyll", cwd=remote) == ""
    message = git("log", "-1", "--format=%B", "gh-pages", cwd=remote)
    assert f"Source commit: {head}" in message
    assert "uncommitted" not in message
    tip = remote_tip(remote)
    assert tip is not None
    assert result.stdout.strip() == (
        f"Pushed gh-pages to origin: commit {tip[:12]}, {len(files)} files, source {head[:12]}"
    )
    # The source branch on the remote is untouched.
    assert git("rev-parse", "main", cwd=remote) == head


def test_works_without_any_git_identity(project: Path, remote: Path) -> None:
    assert subprocess.run(["git", "config", "user.email"], cwd=project).returncode != 0
    result = run_cli("deploy", cwd=project)
    assert result.returncode == 0, result.stderr
    who = git("log", "-1", "--format=%an <%ae>|%cn <%ce>", "gh-pages", cwd=remote)
    assert who == "site-builder <site-builder@localhost>|site-builder <site-builder@localhost>"


def test_configured_identity_is_used(project: Path, remote: Path) -> None:
    git("config", "user.name", "Desk Editor", cwd=project)
    git("config", "user.email", "desk@example.org", cwd=project)
    assert run_cli("deploy", cwd=project).returncode == 0
    who = git("log", "-1", "--format=%an <%ae>|%cn <%ce>", "gh-pages", cwd=remote)
    assert who == "Desk Editor <desk@example.org>|Desk Editor <desk@example.org>"


def test_second_deploy_without_changes_publishes_nothing(project: Path, remote: Path) -> None:
    assert run_cli("deploy", cwd=project).returncode == 0
    tip = remote_tip(remote)
    again = run_cli("deploy", cwd=project)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("No changes to publish")
    assert remote_tip(remote) == tip


def test_changed_content_adds_a_commit_on_top(project: Path, remote: Path) -> None:
    assert run_cli("deploy", cwd=project).returncode == 0
    first = remote_tip(remote)
    overview = project / "content" / "summaries" / "overview.md"
    overview.write_text(overview.read_text(encoding="utf-8") + "\nMore news.\n", encoding="utf-8")
    result = run_cli("deploy", "--message", "Publish the afternoon update", cwd=project)
    assert result.returncode == 0, result.stderr
    second = remote_tip(remote)
    assert second != first
    assert git("rev-parse", f"{second}^", cwd=remote) == first  # a fast-forward, not a rewrite
    message = git("log", "-1", "--format=%B", "gh-pages", cwd=remote)
    assert message.startswith("Publish the afternoon update\n")
    assert "plus uncommitted changes" in message  # the source commit is noted as dirty
    assert "(dirty)" in result.stdout
    assert "More news." in git("show", "gh-pages:index.html", cwd=remote)


def test_users_tree_index_head_and_branches_are_untouched(project: Path, remote: Path) -> None:
    git("checkout", "--quiet", "feature", cwd=project)
    players = project / "content" / "facts" / "players.yaml"
    players.write_text(players.read_text(encoding="utf-8") + "# staged\n", encoding="utf-8")
    git("add", "content/facts/players.yaml", cwd=project)
    players.write_text(players.read_text(encoding="utf-8") + "# unstaged\n", encoding="utf-8")
    (project / "notes.txt").write_text("untracked\n", encoding="utf-8")
    before = user_state(project)
    result = run_cli("deploy", cwd=project)
    assert result.returncode == 0, result.stderr
    assert user_state(project) == before
    assert not (project / ".git" / "refs" / "heads" / "gh-pages").exists()
    assert not (project / ".git" / "FETCH_HEAD").exists()
    # A second deploy fetches nothing new and still changes nothing.
    assert run_cli("deploy", cwd=project).returncode == 0
    assert user_state(project) == before


def test_deploy_on_top_of_someone_elses_gh_pages(
    tmp_path: Path, project: Path, remote: Path
) -> None:
    """The remote branch exists but its objects are not local: they are fetched, not refs."""
    other = tmp_path / "other"
    git("clone", "--quiet", "-b", "main", str(remote), str(other), cwd=tmp_path)
    git("checkout", "--quiet", "--orphan", "gh-pages", cwd=other)
    git("rm", "-rf", "--quiet", ".", cwd=other)
    (other / "index.html").write_text("old site\n", encoding="utf-8")
    git("add", "index.html", cwd=other)
    git(*TESTER, "commit", "--quiet", "-m", "Old site", cwd=other)
    git("push", "--quiet", "origin", "gh-pages", cwd=other)
    old = remote_tip(remote)
    before = user_state(project)
    result = run_cli("deploy", cwd=project)
    assert result.returncode == 0, result.stderr
    assert git("rev-parse", "gh-pages^", cwd=remote) == old
    assert "old site" not in git("show", "gh-pages:index.html", cwd=remote)
    assert user_state(project) == before


def test_failed_build_refuses_to_deploy(project: Path, remote: Path) -> None:
    assert run_cli("deploy", cwd=project).returncode == 0
    tip = remote_tip(remote)
    events = project / "content" / "facts" / "events.yaml"
    events.write_text(
        events.read_text(encoding="utf-8").replace("[alice]", "[alicia]"), encoding="utf-8"
    )
    result = run_cli("deploy", cwd=project)
    assert_clean_failure(
        result, "the build failed, so nothing was deployed", "unknown player 'alicia'"
    )
    assert remote_tip(remote) == tip


def test_failed_build_creates_no_branch(project: Path, remote: Path) -> None:
    (project / "content" / "site.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    result = run_cli("deploy", cwd=project)
    assert_clean_failure(result, "nothing was deployed")
    assert remote_tip(remote) is None


def test_not_a_git_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(MINIMAL, plain / "content")
    result = run_cli("deploy", cwd=plain)
    assert_clean_failure(result, "is not inside a git repository", "git remote add origin")
    assert not (plain / "_site").exists()  # refused before building


def test_unknown_remote(project: Path, remote: Path) -> None:
    result = run_cli("deploy", "--remote", "upstream", cwd=project)
    assert_clean_failure(
        result, "unknown git remote 'upstream'", "remotes of this repository: origin"
    )
    assert remote_tip(remote) is None


def test_unreachable_remote(project: Path, tmp_path: Path) -> None:
    git("remote", "add", "gone", str(tmp_path / "missing.git"), cwd=project)
    result = run_cli("deploy", "--remote", "gone", cwd=project)
    assert_clean_failure(result, "cannot reach git remote 'gone'")


def test_rejected_push(project: Path, remote: Path) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'gh-pages is frozen' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = user_state(project)
    result = run_cli("deploy", cwd=project)
    assert_clean_failure(
        result, "the push to 'origin' (gh-pages) was rejected", "gh-pages is frozen"
    )
    assert remote_tip(remote) is None
    assert user_state(project) == before


def test_cname_from_site_yaml(project: Path, remote: Path) -> None:
    site = project / "content" / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8") + "cname: news.example.org\n", encoding="utf-8"
    )
    assert run_cli("deploy", cwd=project).returncode == 0
    assert git("show", "gh-pages:CNAME", cwd=remote) == "news.example.org"


def test_bad_cname_is_refused(project: Path, remote: Path) -> None:
    result = run_cli("deploy", "--cname", "https://news.example.org/", cwd=project)
    assert_clean_failure(result, "is not a domain name", "news.example.org")
    assert remote_tip(remote) is None


def test_no_build_publishes_existing_output(project: Path, remote: Path) -> None:
    missing = run_cli("deploy", "--no-build", cwd=project)
    assert_clean_failure(missing, "holds no built site", "site-builder build")
    assert run_cli("build", cwd=project).returncode == 0
    (project / "_site" / "extra.txt").write_text("hand-made\n", encoding="utf-8")
    result = run_cli("deploy", "--no-build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "extra.txt" in published_files(remote)
