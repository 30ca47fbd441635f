"""The project's git repository, driven with plumbing only: git runs at the repository's top level
with a fixed environment (stable messages, no index refresh, an identity when none is
configured), files become blobs and a tree through a temporary index, and the remote is read
with ls-remote and a fetch of objects alone. Nothing here writes the user's working tree,
index, HEAD or refs; deploy.py decides what to publish.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import DeployError

log = logging.getLogger(__name__)

# Used only when neither the environment nor git config names a committer, so the deploy
# commit never fails with "Please tell me who you are" (on CI runners, in fresh containers).
FALLBACK_NAME = "site-builder"
FALLBACK_EMAIL = "site-builder@localhost"


@dataclass(frozen=True)
class SourceCommit:
    """The project commit a deploy was built from."""

    sha: str | None  # None in a repository without commits
    dirty: bool  # uncommitted changes outside the output folder

    def __str__(self) -> str:
        text = self.sha[:12] if self.sha else "no commit yet"
        return f"{text} (dirty)" if self.dirty else text


@dataclass(frozen=True)
class Repository:
    """The project's git repository; git runs at its top level with a fixed environment."""

    root: Path
    env: Mapping[str, str]

    def git(
        self,
        *args: str,
        stdin: str | bytes | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a git command here; never raises on failure (callers read returncode)."""
        env = {**self.env, **(extra_env or {})}
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        completed = subprocess.run(
            ["git", *args], cwd=self.root, env=env, input=data, capture_output=True, check=False
        )
        log.debug("git %s -> %d", " ".join(args), completed.returncode)
        return subprocess.CompletedProcess(
            completed.args,
            completed.returncode,
            completed.stdout.decode("utf-8", "replace"),
            completed.stderr.decode("utf-8", "replace"),
        )

    def output(self, *args: str, stdin: str | bytes | None = None, **env: str) -> str:
        """Run a git command that must succeed; return its stripped stdout."""
        completed = self.git(*args, stdin=stdin, extra_env=env)
        if completed.returncode != 0:
            raise DeployError(f"git {args[0]} failed: {stderr_summary(completed.stderr)}")
        return completed.stdout.strip()


def open_repository(folder: Path) -> Repository:
    """The git repository containing `folder`; raise DeployError when there is none."""
    env = _base_env()
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise DeployError("git is not installed: deploy needs it to publish") from None
    if completed.returncode != 0:
        raise DeployError(
            f"{folder.resolve()} is not inside a git repository\n"
            "    hint: deploy pushes to a remote of the project's repository: run "
            "`git init` and `git remote add origin URL` first, or publish with GitHub Actions "
            "(docs/publishing.md)"
        )
    root = Path(completed.stdout.strip())
    repo = Repository(root=root, env=env)
    return Repository(root=root, env={**env, **_identity_env(repo)})


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        LC_ALL="C",  # stable messages from git
        GIT_OPTIONAL_LOCKS="0",  # `git status` must not refresh (write) the user's index
    )
    # A deploy run from a git hook (or tests run inside one) must not inherit its repository.
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)
    return env


def _identity_env(repo: Repository) -> dict[str, str]:
    """Committer and author variables for what git config and the environment leave unset."""
    missing: dict[str, str] = {}
    for role in ("COMMITTER", "AUTHOR"):
        for part, keys, fallback in (
            ("NAME", ("user.name",), FALLBACK_NAME),
            ("EMAIL", ("user.email",), FALLBACK_EMAIL),
        ):
            variable = f"GIT_{role}_{part}"
            if os.environ.get(variable) or (part == "EMAIL" and os.environ.get("EMAIL")):
                continue  # git itself reads these before config
            own_key = f"{role.lower()}.{part.lower()}"
            if any(repo.git("config", "--get", key).stdout.strip() for key in (own_key, *keys)):
                continue
            missing[variable] = fallback
    if missing:
        log.debug("no git identity configured; using %s", missing)
    return missing


def check_remote(repo: Repository, remote: str) -> str:
    """The URL of a configured remote; raise DeployError naming the remotes that exist."""
    completed = repo.git("remote", "get-url", "--push", remote)
    if completed.returncode == 0:
        return completed.stdout.strip()
    remotes = repo.git("remote").stdout.split()
    hint = (
        f"remotes of this repository: {', '.join(remotes)}; pass --remote NAME"
        if remotes
        else "this repository has no remote yet: run `git remote add origin URL`"
    )
    raise DeployError(f"unknown git remote '{remote}' in {repo.root}\n    hint: {hint}")


def source_commit(repo: Repository, exclude: Sequence[Path] = ()) -> SourceCommit:
    """HEAD of the project, noting uncommitted changes (outside the excluded folders)."""
    head = repo.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}").stdout.strip() or None
    pathspec = ["."]
    for folder in exclude:
        try:
            relative = folder.resolve().relative_to(repo.root.resolve())
        except ValueError:
            continue
        if relative.parts:
            pathspec.append(f":(exclude){relative.as_posix()}")
    status = repo.git("status", "--porcelain", "--", *pathspec)
    dirty = status.returncode != 0 or bool(status.stdout.strip())
    return SourceCommit(head, dirty)


Entry = tuple[str, str]  # a file in a git tree: mode and blob


def store_blobs(repo: Repository, files: Mapping[str, Path]) -> dict[str, Entry]:
    """Store every file as a blob; its mode and blob by path."""
    names = sorted(files)
    if not names:
        return {}
    paths = "".join(f"{files[name].resolve()}\n" for name in names)
    blobs = repo.output("hash-object", "-w", "--no-filters", "--stdin-paths", stdin=paths).split()
    return {
        name: ("100755" if os.access(files[name], os.X_OK) else "100644", blob)
        for name, blob in zip(names, blobs, strict=True)
    }


def write_tree(repo: Repository, entries: Mapping[str, Entry], index: Path) -> str:
    """Write one tree of these files through a temporary index."""
    records = "".join(f"{mode} {blob}\t{name}\0" for name, (mode, blob) in sorted(entries.items()))
    index_env = {"GIT_INDEX_FILE": str(index)}
    repo.output("update-index", "--add", "-z", "--index-info", stdin=records, **index_env)
    return repo.output("write-tree", **index_env)


def changed_paths(repo: Repository, tip: str, *args: str) -> Iterator[tuple[str, str]]:
    """(commit, path) for every path each commit of `tip`'s history changed, newest first;
    `args` select the commits or the paths."""
    listed = repo.output(
        "-c",
        "core.quotePath=false",
        "--literal-pathspecs",
        "log",
        "--format=%x01%H",
        "--name-only",
        "--no-renames",
        tip,
        *args,
    )
    commit = ""
    for line in listed.splitlines():
        if line.startswith("\x01"):
            commit = line[1:]
        elif line:
            yield commit, line


def fetch_remote_tip(repo: Repository, remote: str, url: str, branch: str) -> str | None:
    """The commit the remote branch points at (fetched locally), or None if it does not exist."""
    ref = f"refs/heads/{branch}"
    listed = repo.git("ls-remote", "--", url, ref)
    if listed.returncode != 0:
        raise DeployError(
            f"cannot reach git remote '{remote}': {stderr_summary(listed.stderr)}\n"
            "    hint: check its URL with `git remote -v`, your network and your credentials"
        )
    # ls-remote matches patterns by their tail; keep only the exact ref.
    tips = [
        sha
        for sha, _, name in (line.partition("\t") for line in listed.stdout.splitlines())
        if name == ref
    ]
    if not tips:
        return None
    tip = tips[0]
    if repo.git("cat-file", "-e", f"{tip}^{{commit}}").returncode != 0:
        # Objects only: no FETCH_HEAD, no remote-tracking ref, no tags in the user's repository.
        fetched = repo.git(
            "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--refmap=", "--", url, ref
        )
        if fetched.returncode != 0:
            raise DeployError(
                f"cannot fetch {branch} from '{remote}': {stderr_summary(fetched.stderr)}"
            )
    return tip


def stderr_summary(stderr: str) -> str:
    """Git's error output on one line, without its progress noise."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(("hint:", "To ", "remote: \x1b"))]
    return " / ".join(useful[-4:]) or "git gave no reason"
