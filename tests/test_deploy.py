"""`site-builder deploy` against a real local bare repository acting as the remote.

Every test runs with no git identity configured (GIT_CONFIG_GLOBAL=/dev/null, no system config,
HOME in tmp), as on a fresh CI runner, and drives the command as a user would.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from site_builder.errors import DeployError

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
    feature = git(*TESTER, "commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "Work", cwd=work)
    git("branch", "feature", feature, cwd=work)
    git("tag", "v1", cwd=work)
    git("push", "--quiet", "origin", "main", "feature", "v1", cwd=work)
    return work


def remote_tip(remote: Path, branch: str = "gh-pages") -> str | None:
    """The commit the remote branch points at, or None when it does not exist."""
    listed = git("for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}", cwd=remote)
    return listed or None


def other_refs(remote: Path, branch: str = "gh-pages") -> str:
    """Every ref of the remote but the deploy branch, with what it points at."""
    refs = git("for-each-ref", "--format=%(refname) %(objectname)", cwd=remote).splitlines()
    return "\n".join(ref for ref in refs if not ref.startswith(f"refs/heads/{branch} "))


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
    others = other_refs(remote)
    assert "refs/heads/feature" in others and "refs/tags/v1" in others
    result = run_cli("deploy", "--cname", "explainer.example.org", cwd=project)
    assert result.returncode == 0, result.stderr
    files = published_files(remote)
    assert {".nojekyll", "CNAME", "404.html", "index.html"} <= set(files)
    assert "players/alice/index.html" in files
    assert git("show", "gh-pages:CNAME", cwd=remote) == "explainer.example.org"
    assert git("show", "gh-pages:.nojekyll", cwd=remote) == ""
    message = git("log", "-1", "--format=%B", "gh-pages", cwd=remote)
    assert f"Source-commit: {head}" in message
    assert "uncommitted" not in message
    trailers = git(
        "log", "-1", "--format=%(trailers:key=Deployed-by,valueonly)", "gh-pages", cwd=remote
    )
    assert trailers.startswith("site-builder ")  # what marks the branch as deploy's
    tip = remote_tip(remote)
    assert tip is not None
    assert result.stdout.strip() == (
        f"Pushed gh-pages to origin: commit {tip[:12]}, {len(files)} files, source {head[:12]}"
    )
    # The source branch and every other ref on the remote are untouched.
    assert git("rev-parse", "main", cwd=remote) == head
    assert other_refs(remote) == others


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


def hand_made_gh_pages(tmp_path: Path, remote: Path, message: str = "Old site") -> str:
    """Push a gh-pages branch made by hand (its own root, two commits) from another clone."""
    other = tmp_path / "other"
    git("clone", "--quiet", "-b", "main", str(remote), str(other), cwd=tmp_path)
    git("checkout", "--quiet", "--orphan", "gh-pages", cwd=other)
    git("rm", "-rf", "--quiet", ".", cwd=other)
    (other / "index.html").write_text("old site\n", encoding="utf-8")
    git("add", "index.html", cwd=other)
    git(*TESTER, "commit", "--quiet", "-m", "First old site", cwd=other)
    (other / "about.html").write_text("old about\n", encoding="utf-8")
    git("add", "about.html", cwd=other)
    git(*TESTER, "commit", "--quiet", "-m", message, cwd=other)
    git("push", "--quiet", "origin", "gh-pages", cwd=other)
    tip = remote_tip(remote)
    assert tip is not None
    return tip


def test_hand_made_gh_pages_is_refused_and_left_untouched(
    tmp_path: Path, project: Path, remote: Path
) -> None:
    old = hand_made_gh_pages(tmp_path, remote)
    others = other_refs(remote)
    before = user_state(project)
    result = run_cli("deploy", cwd=project)
    assert_clean_failure(
        result,
        "gh-pages on 'origin' was not made by site-builder",
        f'its tip is {old[:12]} "Old site", with 2 commits of history',
        "nothing was published",
        "deploy again with --force",
        "--branch NAME",
    )
    assert remote_tip(remote) == old
    assert other_refs(remote) == others
    assert user_state(project) == before


def test_force_replaces_a_hand_made_gh_pages_and_nothing_else(
    tmp_path: Path, project: Path, remote: Path
) -> None:
    old = hand_made_gh_pages(tmp_path, remote)
    others = other_refs(remote)
    before = user_state(project)
    result = run_cli("deploy", "--force", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (
        f"replacing gh-pages on 'origin' (--force); it pointed at {old} \"Old site\""
        in result.stderr
    )
    new = remote_tip(remote)
    assert new is not None and new != old
    assert git("rev-list", "--count", "gh-pages", cwd=remote) == "1"  # the old history is gone
    files = published_files(remote)
    assert "index.html" in files and "about.html" not in files
    assert "old site" not in git("show", "gh-pages:index.html", cwd=remote)
    assert other_refs(remote) == others
    assert user_state(project) == before
    # From now on the branch is deploy's: the next deploy adds to it without --force.
    overview = project / "content" / "summaries" / "overview.md"
    overview.write_text(overview.read_text(encoding="utf-8") + "\nMore news.\n", encoding="utf-8")
    again = run_cli("deploy", cwd=project)
    assert again.returncode == 0, again.stderr
    assert git("rev-parse", "gh-pages^", cwd=remote) == new
    assert other_refs(remote) == others


def test_a_hand_commit_on_top_of_a_deploy_is_built_upon(
    tmp_path: Path, project: Path, remote: Path
) -> None:
    """GitHub's Pages settings commit a CNAME file to gh-pages by hand: still deploy's branch."""
    assert run_cli("deploy", cwd=project).returncode == 0
    other = tmp_path / "other"
    git("clone", "--quiet", "-b", "gh-pages", str(remote), str(other), cwd=tmp_path)
    (other / "CNAME").write_text("news.example.org\n", encoding="utf-8")
    git("add", "CNAME", cwd=other)
    git(*TESTER, "commit", "--quiet", "-m", "Create CNAME", cwd=other)
    git("push", "--quiet", "origin", "gh-pages", cwd=other)
    hand = remote_tip(remote)
    overview = project / "content" / "summaries" / "overview.md"
    overview.write_text(overview.read_text(encoding="utf-8") + "\nMore news.\n", encoding="utf-8")
    result = run_cli("deploy", cwd=project)
    assert result.returncode == 0, result.stderr
    assert git("rev-parse", "gh-pages^", cwd=remote) == hand  # a fast-forward, nothing lost


def test_a_deploy_from_before_the_trailer_counts_as_deploys(
    tmp_path: Path, project: Path, remote: Path
) -> None:
    old = hand_made_gh_pages(
        tmp_path,
        remote,
        "Deploy site from 0123456789ab\n\nSource commit: 0123\nBuilt by site-builder 0.1.0",
    )
    result = run_cli("deploy", cwd=project)
    assert result.returncode == 0, result.stderr
    assert git("rev-parse", "gh-pages^", cwd=remote) == old


@pytest.mark.parametrize("branch", ["main", "feature"])
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_a_source_branch_is_never_replaced(
    project: Path, remote: Path, branch: str, force: bool
) -> None:
    refs = git("for-each-ref", "--format=%(refname) %(objectname)", cwd=remote)
    result = run_cli("deploy", "--branch", branch, *(["--force"] if force else []), cwd=project)
    assert_clean_failure(
        result,
        f"{branch} on 'origin' shares history with this project's HEAD",
        "--force does not change that",
        "--branch gh-pages",
    )
    assert git("for-each-ref", "--format=%(refname) %(objectname)", cwd=remote) == refs


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


def test_a_failed_build_leaves_remote_and_output_untouched_and_says_where(
    project: Path, remote: Path
) -> None:
    """deploy builds with `build`'s own pipeline and publishes only a finished folder: a content
    error stops it before git is asked to do anything, with the build's located message."""
    assert run_cli("deploy", cwd=project).returncode == 0
    refs = git("for-each-ref", "--format=%(refname) %(objectname)", cwd=remote)
    output = project / "_site"
    before = {path: path.read_bytes() for path in output.rglob("*") if path.is_file()}
    events = project / "content" / "facts" / "events.yaml"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(index for index, line in enumerate(lines, 1) if "[alice]" in line)
    column = lines[number - 1].index("alice") + 1
    lines[number - 1] = lines[number - 1].replace("[alice]", "[alicia]")
    events.write_text("".join(lines), encoding="utf-8")
    result = run_cli("deploy", cwd=project)
    assert_clean_failure(
        result,
        "the build failed, so nothing was deployed",
        f"content/facts/events.yaml:{number}:{column}: unknown player 'alicia'",
        "did you mean 'alice'?",
    )
    assert "Pushed" not in result.stdout
    assert git("for-each-ref", "--format=%(refname) %(objectname)", cwd=remote) == refs
    after = {path: path.read_bytes() for path in output.rglob("*") if path.is_file()}
    assert after == before  # the previous build, as it was


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


def test_a_forced_push_never_overwrites_a_tip_it_did_not_inspect(
    tmp_path: Path, project: Path, remote: Path
) -> None:
    """--force replaces exactly the tip deploy looked at: if someone pushed since, it fails."""
    from site_builder.gitpush import push_commit
    from site_builder.gitrepo import open_repository

    inspected = hand_made_gh_pages(tmp_path, remote)
    other = tmp_path / "other"
    (other / "late.html").write_text("pushed meanwhile\n", encoding="utf-8")
    git("add", "late.html", cwd=other)
    git(*TESTER, "commit", "--quiet", "-m", "Pushed meanwhile", cwd=other)
    git("push", "--quiet", "origin", "gh-pages", cwd=other)
    meanwhile = remote_tip(remote)
    repo = open_repository(project)
    site = repo.output("commit-tree", repo.output("rev-parse", "HEAD^{tree}"), "-m", "Site")
    with pytest.raises(DeployError, match=r"the push to 'origin' \(gh-pages\) was rejected"):
        push_commit(repo, "origin", str(remote), "gh-pages", site, replacing=inspected)
    assert remote_tip(remote) == meanwhile


# --------------------------------------------------------------------------- what deploy keeps


def hand_commit(tmp_path: Path, remote: Path, files: dict[str, str], message: str) -> str:
    """Commit files on top of gh-pages from another clone, as GitHub's settings page does."""
    other = tmp_path / "hand"
    if not other.exists():
        git("clone", "--quiet", "-b", "gh-pages", str(remote), str(other), cwd=tmp_path)
    git("pull", "--quiet", "origin", "gh-pages", cwd=other)
    for name, text in files.items():
        (other / name).parent.mkdir(parents=True, exist_ok=True)
        (other / name).write_text(text, encoding="utf-8")
        git("add", name, cwd=other)
    git(*TESTER, "commit", "--quiet", "-m", message, cwd=other)
    git("push", "--quiet", "origin", "gh-pages", cwd=other)
    tip = remote_tip(remote)
    assert tip is not None
    return tip


def add_news(project: Path, text: str) -> None:
    overview = project / "content" / "summaries" / "overview.md"
    overview.write_text(overview.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_files_committed_by_hand_are_kept_through_every_deploy(
    tmp_path: Path, project: Path, remote: Path
) -> None:
    """GitHub's Pages settings commit CNAME; a site owner adds a verification file by hand."""
    assert run_cli("deploy", cwd=project).returncode == 0
    hand = hand_commit(
        tmp_path,
        remote,
        {"CNAME": "news.example.org\n", "google1234.html": "google-site-verification\n"},
        "Create CNAME",
    )
    for round_ in ("first", "second"):
        add_news(project, f"News of the {round_} round.")
        result = run_cli("deploy", cwd=project)
        assert result.returncode == 0, result.stderr
        assert git("show", "gh-pages:CNAME", cwd=remote) == "news.example.org"
        assert git("show", "gh-pages:google1234.html", cwd=remote) == "google-site-verification"
        assert f"News of the {round_} round." in git("show", "gh-pages:index.html", cwd=remote)
        assert "kept CNAME, google1234.html, committed by hand" in result.stdout
    assert git("rev-parse", "gh-pages~1^", cwd=remote) == hand


def test_the_sites_cname_replaces_a_hand_made_one_with_a_warning(
    tmp_path: Path, project: Path, remote: Path
) -> None:
    assert run_cli("deploy", cwd=project).returncode == 0
    hand_commit(tmp_path, remote, {"CNAME": "old.example.org\n"}, "Create CNAME")
    site = project / "content" / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8") + "cname: news.example.org\n", encoding="utf-8"
    )
    result = run_cli("deploy", cwd=project)
    assert result.returncode == 0, result.stderr
    assert git("show", "gh-pages:CNAME", cwd=remote) == "news.example.org"
    assert (
        "gh-pages on 'origin' has CNAME old.example.org, committed by hand; "
        "the site's cname news.example.org replaces it"
    ) in result.stderr


def test_what_deploy_wrote_and_the_site_dropped_is_removed(
    tmp_path: Path, project: Path, remote: Path
) -> None:
    extra = project / "content" / "summaries" / "extra.md"
    extra.write_text(
        "---\ntitle: Extra\nslug: extra\norder: 9\ndescription: An extra page.\n---\nMore.\n",
        encoding="utf-8",
    )
    assert run_cli("deploy", "--cname", "news.example.org", cwd=project).returncode == 0
    assert {"extra/index.html", "CNAME"} <= set(published_files(remote))
    extra.unlink()
    result = run_cli("deploy", cwd=project)  # and no --cname this time
    assert result.returncode == 0, result.stderr
    assert not {"extra/index.html", "CNAME"} & set(published_files(remote))


# --------------------------------------------------------------------------- interrupted


@pytest.mark.timeout(60)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_push_stops_it_and_nothing_lands(
    tmp_path: Path, project: Path, remote: Path, signum: int
) -> None:
    """The signal goes to deploy alone (a CI runner cancelling, `kill PID`), not to its group."""
    started = tmp_path / "hook.pid"
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho $$ > '{started}'\nsleep 2\n", encoding="utf-8")
    hook.chmod(0o755)
    deploy = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "deploy"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not started.exists() or not started.read_text().strip():
        assert deploy.poll() is None, deploy.communicate()
        assert time.monotonic() < deadline, "the push never reached the remote's hook"
        time.sleep(0.02)
    os.kill(deploy.pid, signum)
    stdout, stderr = deploy.communicate(timeout=20)
    # Whatever the remote still runs must end before the branch can be judged.
    hook_pid = int(started.read_text())
    deadline = time.monotonic() + 5
    while _alive(hook_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert remote_tip(remote) is None
    assert deploy.returncode == 128 + signum, stdout + stderr
    assert "Traceback" not in stderr
    assert "stopped: nothing was pushed" in stderr, stderr


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.timeout(60)
def test_ctrl_c_at_a_terminal_stops_the_push(tmp_path: Path, project: Path, remote: Path) -> None:
    """In a terminal, git runs in the terminal's foreground (a password prompt must work), and
    Ctrl-C typed there stops the push."""
    import fcntl
    import termios

    started = tmp_path / "hook.pid"
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho $$ > '{started}'\nsleep 2\n", encoding="utf-8")
    hook.chmod(0o755)
    master, terminal = os.openpty()

    def own_terminal() -> None:  # in the child: a session of its own, this terminal its own
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    deploy = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "deploy"],
        cwd=project,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
        preexec_fn=own_terminal,
    )
    os.close(terminal)
    shown = bytearray()

    def read_terminal() -> None:
        with contextlib.suppress(OSError):  # EIO once the last process has let it go
            while chunk := os.read(master, 4096):
                shown.extend(chunk)

    reader = threading.Thread(target=read_terminal, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not started.exists() or not started.read_text().strip():
            assert deploy.poll() is None, bytes(shown)
            assert time.monotonic() < deadline, "the push never reached the remote's hook"
            time.sleep(0.02)
        assert os.tcgetpgrp(master) not in (deploy.pid, 0)  # lent to git's process group
        os.write(master, b"\x03")  # Ctrl-C
        deploy.wait(timeout=20)
        hook_pid = int(started.read_text())
        deadline = time.monotonic() + 5
        while _alive(hook_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        reader.join(timeout=5)
    finally:
        if deploy.poll() is None:
            deploy.kill()
            deploy.wait(timeout=10)
        os.close(master)
    assert remote_tip(remote) is None
    assert deploy.returncode == 130, bytes(shown)
    assert b"stopped: nothing was pushed" in shown, bytes(shown)


def test_a_todo_left_by_new_stops_deploy_with_its_location(project: Path, remote: Path) -> None:
    added = run_cli("new", "event", "--id", "half-written", cwd=project)
    assert added.returncode == 0, added.stderr
    line = int(added.stdout.split(":", 2)[1])
    result = run_cli("deploy", cwd=project)
    assert result.returncode == 1
    assert f"content/facts/events.yaml:{line + 2}:10: 'title' still holds the placeholder" in (
        result.stderr
    )
    assert f"content/facts/events.yaml:{line}:7: event 'half-written' cites no evidence" in (
        result.stderr
    )
    assert remote_tip(remote) is None  # nothing was published
