"""Publish a built site folder to a branch (gh-pages) of a git remote.

The site is committed with git plumbing and a temporary index: blobs and one tree and commit
are added to the project's object database, and the commit is pushed straight to the remote.
The user's working tree, index, HEAD and local branches are never read for writing, so a
deploy can run in the middle of any edit (Lektor's publisher works the same way).

Only the target branch is ever pushed, one explicit refspec at a time. Each deploy commit
carries a `Deployed-by: site-builder` trailer; a branch whose history has no such commit was
made by someone else and is replaced only with `force` (a push with a lease on the tip that was
inspected), and a branch that shares history with the project's HEAD (its source) never is.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder import __version__
from site_builder.build import BuildOptions, build_site
from site_builder.content import read_config_quietly
from site_builder.errors import ContentError, DeployError
from site_builder.model import is_domain

log = logging.getLogger(__name__)

DEPLOY_TRAILER = "Deployed-by"
# A line every deploy commit has: the trailer, or the line deploy wrote before it had one.
_DEPLOY_MARK = rf"^({DEPLOY_TRAILER}: site-builder|Built by site-builder) "

# Used only when neither the environment nor git config names a committer, so the deploy
# commit never fails with "Please tell me who you are" (on CI runners, in fresh containers).
FALLBACK_NAME = "site-builder"
FALLBACK_EMAIL = "site-builder@localhost"


@dataclass(frozen=True)
class DeployOptions:
    """Where to publish and how to describe it."""

    remote: str = "origin"
    branch: str = "gh-pages"
    message: str | None = None
    cname: str | None = None
    force: bool = False  # replace a branch site-builder did not make (never the source's)


@dataclass(frozen=True)
class SourceCommit:
    """The project commit a deploy was built from."""

    sha: str | None  # None in a repository without commits
    dirty: bool  # uncommitted changes outside the output folder

    def __str__(self) -> str:
        text = self.sha[:12] if self.sha else "no commit yet"
        return f"{text} (dirty)" if self.dirty else text


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did: the new commit on the branch, or None when nothing changed."""

    remote: str
    branch: str
    commit: str | None
    files: int
    source: SourceCommit

    @property
    def changed(self) -> bool:
        """True when a commit was pushed."""
        return self.commit is not None


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
            raise DeployError(f"git {args[0]} failed: {_summary(completed.stderr)}")
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


def check_cname(cname: str, where: str) -> str:
    """A bare, lowercase domain for the CNAME file; raise DeployError otherwise."""
    domain = cname.strip().lower()
    if not is_domain(domain):
        bare = re.sub(r"^[a-z]+://|/.*$", "", domain) or "explainer.example.org"
        raise DeployError(
            f"{where}: '{cname}' is not a domain name for CNAME\n"
            f"    hint: give the bare domain, without scheme or path, e.g. {bare}"
        )
    return domain


def deploy_site(
    build: BuildOptions,
    options: DeployOptions,
    project: Path,
    rebuild: bool = True,
) -> DeployResult:
    """Build (unless `rebuild` is False), then publish the output folder to the remote branch."""
    repo = open_repository(project)
    url = check_remote(repo, options.remote)
    cname = check_cname(options.cname, "--cname") if options.cname else _config_cname(build.content)
    if rebuild:
        try:
            build_site(build)
        except ContentError as error:
            raise DeployError(
                f"the build failed, so nothing was deployed\n{error.report()}"
            ) from error
    elif not (build.out / "index.html").is_file():
        raise DeployError(
            f"{build.out} holds no built site (no index.html)\n"
            "    hint: run `site-builder build` first, or deploy without --no-build"
        )
    source = source_commit(repo, exclude=(build.out,))
    return publish_folder(repo, build.out, options, source, cname, url)


def _config_cname(content: Path) -> str | None:
    """The checked `cname` of site.yaml, or None when unset or unreadable."""
    config = read_config_quietly(content)
    cname = config.cname if config is not None else None
    return check_cname(cname, str(content / "site.yaml")) if cname else None


def publish_folder(
    repo: Repository,
    folder: Path,
    options: DeployOptions,
    source: SourceCommit,
    cname: str | None = None,
    url: str | None = None,
) -> DeployResult:
    """Commit `folder` (plus .nojekyll and CNAME) on top of the remote branch and push it.

    Git talks to the remote's push URL rather than its name, so not even a remote-tracking
    ref changes in the user's repository. A remote branch that deploy did not make is refused,
    or with `options.force` replaced by a commit without parent.
    """
    remote, branch = options.remote, options.branch
    url = url or check_remote(repo, remote)
    if repo.git("check-ref-format", f"refs/heads/{branch}").returncode != 0:
        raise DeployError(f"'{branch}' is not a valid branch name")
    with tempfile.TemporaryDirectory(prefix="site-builder-deploy-") as scratch:
        extras = _extra_files(Path(scratch), cname)
        tree, files = _write_tree(repo, folder, extras, Path(scratch) / "index")
    parent = _remote_tip(repo, remote, url, branch)
    replacing = None
    if parent is not None and not _made_by_deploy(repo, parent):
        _check_replaceable(repo, remote, branch, parent, options.force)
        log.warning(
            "replacing %s on '%s' (--force); it pointed at %s %s",
            branch,
            remote,
            parent,
            _describe(repo, parent),
        )
        replacing, parent = parent, None
    if parent is not None and repo.output("rev-parse", f"{parent}^{{tree}}") == tree:
        return DeployResult(remote, branch, None, files, source)
    message = _message(options.message, source)
    args = ["commit-tree", tree, "-F", "-"]
    if parent is not None:
        args += ["-p", parent]
    commit = repo.output(*args, stdin=message)
    _push(repo, remote, url, branch, commit, replacing)
    log.info("pushed %s to %s/%s", commit, remote, branch)
    return DeployResult(remote, branch, commit, files, source)


def _made_by_deploy(repo: Repository, tip: str) -> bool:
    """True when a commit in `tip`'s history was made by deploy: the branch is ours.

    Any commit, not just the tip: a commit made by hand on top of a deploy (GitHub's Pages
    settings commit a CNAME file that way) keeps the branch ours, and deploy builds on it.
    """
    found = repo.git("rev-list", "-1", "--extended-regexp", f"--grep={_DEPLOY_MARK}", tip, "--")
    if found.returncode != 0:
        raise DeployError(f"cannot read the history of {tip}: {_summary(found.stderr)}")
    return bool(found.stdout.strip())


def _check_replaceable(repo: Repository, remote: str, branch: str, tip: str, force: bool) -> None:
    """Raise DeployError unless `force` allows replacing a branch deploy did not make.

    A branch sharing history with the project's HEAD holds source, not a site: it is never
    replaced, whatever `force` says (`--branch main` by mistake).
    """
    head = repo.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}").stdout.strip()
    if head and repo.git("merge-base", head, tip).returncode == 0:
        raise DeployError(
            f"{branch} on '{remote}' shares history with this project's HEAD: it holds the "
            "project's source, not a site that site-builder published\n"
            "    hint: nothing was published, and --force does not change that; publish to a "
            "branch of its own, such as --branch gh-pages"
        )
    if not force:
        raise DeployError(
            f"{branch} on '{remote}' was not made by site-builder: none of its commits is a "
            f"deploy (its tip is {tip[:12]} {_describe(repo, tip)})\n"
            "    hint: nothing was published; to replace that branch and its history with the "
            "site, deploy again with --force; to keep it, publish to another branch with "
            "--branch NAME"
        )


def _describe(repo: Repository, commit: str) -> str:
    """A commit for messages: its subject and how many commits its history has."""
    subject = repo.output("log", "-1", "--format=%s", commit)
    count = int(repo.output("rev-list", "--count", commit))
    history = "its only commit" if count == 1 else f"with {count} commits of history"
    return f'"{subject}", {history}'


def _extra_files(scratch: Path, cname: str | None) -> dict[str, Path]:
    """Files GitHub Pages needs beside the site: .nojekyll (serve _-prefixed paths) and CNAME."""
    extras = {".nojekyll": scratch / "nojekyll"}
    extras[".nojekyll"].write_bytes(b"")
    if cname:
        extras["CNAME"] = scratch / "CNAME"
        extras["CNAME"].write_text(f"{cname}\n", encoding="utf-8")
    return extras


def _site_files(folder: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = [name for name in subfolders if name != ".git"]
        for name in names:
            path = Path(directory) / name
            if path.is_file():
                files[path.relative_to(folder).as_posix()] = path
    return files


def _write_tree(
    repo: Repository, folder: Path, extras: Mapping[str, Path], index: Path
) -> tuple[str, int]:
    """Store every file as a blob and write one tree through a temporary index."""
    files = {**_site_files(folder), **extras}  # our CNAME wins over one in the output
    names = sorted(files)
    if not names:
        raise DeployError(f"{folder} is empty: nothing to publish")
    paths = "".join(f"{files[name].resolve()}\n" for name in names)
    blobs = repo.output("hash-object", "-w", "--no-filters", "--stdin-paths", stdin=paths).split()
    records = "".join(
        f"{'100755' if os.access(files[name], os.X_OK) else '100644'} {blob}\t{name}\0"
        for name, blob in zip(names, blobs, strict=True)
    )
    index_env = {"GIT_INDEX_FILE": str(index)}
    repo.output("update-index", "--add", "-z", "--index-info", stdin=records, **index_env)
    return repo.output("write-tree", **index_env), len(names)


def _remote_tip(repo: Repository, remote: str, url: str, branch: str) -> str | None:
    """The commit the remote branch points at (fetched locally), or None if it does not exist."""
    ref = f"refs/heads/{branch}"
    listed = repo.git("ls-remote", "--", url, ref)
    if listed.returncode != 0:
        raise DeployError(
            f"cannot reach git remote '{remote}': {_summary(listed.stderr)}\n"
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
            raise DeployError(f"cannot fetch {branch} from '{remote}': {_summary(fetched.stderr)}")
    return tip


def _push(
    repo: Repository, remote: str, url: str, branch: str, commit: str, replacing: str | None
) -> None:
    """Push `commit` to the one branch; a fast-forward, or over exactly the tip `replacing`."""
    ref = f"refs/heads/{branch}"
    # The lease makes the forced push fail if the branch moved since it was inspected.
    lease = [f"--force-with-lease={ref}:{replacing}"] if replacing else []
    pushed = repo.git("push", "--quiet", *lease, "--", url, f"{commit}:{ref}")
    if pushed.returncode != 0:
        raise DeployError(
            f"the push to '{remote}' ({branch}) was rejected: {_summary(pushed.stderr)}\n"
            "    hint: nothing was published; if someone pushed to the branch meanwhile, "
            "deploy again; otherwise check your access rights and the remote's hooks"
        )


def _message(title: str | None, source: SourceCommit) -> str:
    """The commit message; its last paragraph is git trailers, the second marks the commit
    as a deploy's."""
    first = title or f"Deploy site from {source}"
    full = source.sha or "none (the repository has no commit yet)"
    note = " plus uncommitted changes" if source.dirty else ""
    return f"{first}\n\nSource-commit: {full}{note}\n{DEPLOY_TRAILER}: site-builder {__version__}\n"


def _summary(stderr: str) -> str:
    """Git's error output on one line, without its progress noise."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(("hint:", "To ", "remote: \x1b"))]
    return " / ".join(useful[-4:]) or "git gave no reason"
