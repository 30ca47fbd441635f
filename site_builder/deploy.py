"""Publish a built site folder to a branch (gh-pages) of a git remote.

The site is committed with git plumbing and a temporary index: blobs and one tree and commit
are added to the project's object database, and the commit is pushed straight to the remote.
The user's working tree, index, HEAD and local branches are never read for writing, so a
deploy can run in the middle of any edit (Lektor's publisher works the same way).

Only the target branch is ever pushed, one explicit refspec at a time. Each deploy commit
carries a `Deployed-by: site-builder` trailer; a branch whose history has no such commit was
made by someone else and is replaced only with `force` (a push with a lease on the tip that was
inspected), and a branch that shares history with the project's HEAD (its source) never is.
Files that commits made by hand added to the branch (GitHub's Pages settings commit `CNAME`)
are kept, unless the site writes the same path.

The git plumbing is gitrepo.py's; the push, which a signal can interrupt, gitpush.py's.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder import __version__
from site_builder.content import read_config_quietly
from site_builder.errors import DeployError
from site_builder.fieldtypes import is_domain
from site_builder.gitpush import push_commit
from site_builder.gitrepo import (
    Entry,
    Repository,
    SourceCommit,
    changed_paths,
    check_remote,
    fetch_remote_tip,
    open_repository,
    source_commit,
    stderr_summary,
    store_blobs,
    write_tree,
)
from site_builder.outlock import lock_path

log = logging.getLogger(__name__)

DEPLOY_TRAILER = "Deployed-by"
# A line every deploy commit has: the trailer, or the line deploy wrote before it had one.
_DEPLOY_MARK = rf"^({DEPLOY_TRAILER}: site-builder|Built by site-builder) "


@dataclass(frozen=True)
class DeployOptions:
    """Where to publish and how to describe it."""

    remote: str = "origin"
    branch: str = "gh-pages"
    message: str | None = None
    cname: str | None = None
    force: bool = False  # replace a branch site-builder did not make (never the source's)


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did: the new commit on the branch, or None when nothing changed."""

    remote: str
    branch: str
    commit: str | None
    files: int
    source: SourceCommit
    kept: tuple[str, ...] = ()  # files committed to the branch by hand, kept as they were

    @property
    def changed(self) -> bool:
        """True when a commit was pushed."""
        return self.commit is not None


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


@dataclass(frozen=True)
class Target:
    """Where a deploy publishes, checked before anything is built: the project's repository,
    the remote's push URL and the CNAME (from --cname or site.yaml)."""

    repo: Repository
    url: str
    cname: str | None


def check_target(options: DeployOptions, project: Path, content: Path) -> Target:
    """The repository, remote and CNAME a deploy needs; raise DeployError before any build."""
    repo = open_repository(project)
    url = check_remote(repo, options.remote)
    cname = check_cname(options.cname, "--cname") if options.cname else _config_cname(content)
    return Target(repo, url, cname)


def deploy_folder(target: Target, folder: Path, options: DeployOptions) -> DeployResult:
    """Publish a finished output folder to the remote branch.

    The caller holds the folder (`output_lock`) from the build to the push, so that no other
    build changes what is being published (a running `serve` makes deploy refuse, naming it).
    """
    if not (folder / "index.html").is_file():
        raise DeployError(
            f"{folder} holds no built site (no index.html)\n"
            "    hint: run `site-builder build` first, or deploy without --no-build"
        )
    # The lock file beside the output is deploy's own, not a change to the source.
    source = source_commit(target.repo, exclude=(folder, lock_path(folder)))
    return publish_folder(target.repo, folder, options, source, target.cname, target.url)


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
    or with `options.force` replaced by a commit without parent. Files on the branch that
    commits made by hand added are kept, unless the site writes the same path.
    """
    remote, branch = options.remote, options.branch
    url = url or check_remote(repo, remote)
    if repo.git("check-ref-format", f"refs/heads/{branch}").returncode != 0:
        raise DeployError(f"'{branch}' is not a valid branch name")
    parent = fetch_remote_tip(repo, remote, url, branch)
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
    with tempfile.TemporaryDirectory(prefix="site-builder-deploy-") as scratch:
        entries = store_blobs(repo, {**_site_files(folder), **_extra_files(Path(scratch), cname)})
        if not entries:
            raise DeployError(f"{folder} is empty: nothing to publish")
        kept = _hand_made(repo, parent, entries, f"{branch} on '{remote}'") if parent else {}
        tree = write_tree(repo, {**kept, **entries}, Path(scratch) / "index")
    files = len(entries) + len(kept)
    result = DeployResult(remote, branch, None, files, source, tuple(sorted(kept)))
    if parent is not None and repo.output("rev-parse", f"{parent}^{{tree}}") == tree:
        return result
    message = _message(options.message, source)
    args = ["commit-tree", tree, "-F", "-"]
    if parent is not None:
        args += ["-p", parent]
    commit = repo.output(*args, stdin=message)
    push_commit(repo, remote, url, branch, commit, replacing, before=parent or replacing)
    log.info("pushed %s to %s/%s", commit, remote, branch)
    return DeployResult(remote, branch, commit, files, source, result.kept)


def _made_by_deploy(repo: Repository, tip: str) -> bool:
    """True when a commit in `tip`'s history was made by deploy: the branch is ours.

    Any commit, not just the tip: a commit made by hand on top of a deploy (GitHub's Pages
    settings commit a CNAME file that way) keeps the branch ours, and deploy builds on it.
    """
    found = repo.git("rev-list", "-1", "--extended-regexp", f"--grep={_DEPLOY_MARK}", tip, "--")
    if found.returncode != 0:
        raise DeployError(f"cannot read the history of {tip}: {stderr_summary(found.stderr)}")
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


def _hand_made(
    repo: Repository, tip: str, ours: Mapping[str, Entry], where: str
) -> dict[str, Entry]:
    """The files on the branch at `tip` that commits made by hand put there, to keep.

    A file is hand-made when the last commit that changed it is not a deploy (the history says
    who wrote it, so a CNAME committed through GitHub's settings stays through every later
    deploy). One the site writes too is the site's, with a warning when they differ; one the
    site wrote before and no longer does goes.
    """
    listed = repo.output("ls-tree", "-r", "-z", "--full-tree", tip)
    on_branch: dict[str, Entry] = {}
    for record in filter(None, listed.split("\0")):
        info, _, name = record.partition("\t")
        mode, kind, blob = info.split()
        if kind == "blob":
            on_branch[name] = (mode, blob)
    candidates = sorted(
        name for name, (_, blob) in on_branch.items() if name not in ours or ours[name][1] != blob
    )
    hand = _last_changed_by_hand(repo, tip, candidates)
    kept = {}
    folders = {parent for name in ours for parent in _parents(name)}
    for name in hand:
        if name in ours:
            _warn_replaced(repo, name, on_branch[name][1], ours[name][1], where)
        elif name in folders or any(parent in ours for parent in _parents(name)):
            log.warning(
                "%s has %s, committed by hand, where the site has a folder or file: "
                "the site's replaces it",
                where,
                name,
            )
        else:
            kept[name] = on_branch[name]
    return kept


def _parents(name: str) -> list[str]:
    parts = name.split("/")[:-1]
    return ["/".join(parts[: end + 1]) for end in range(len(parts))]


def _warn_replaced(repo: Repository, name: str, theirs: str, ours: str, where: str) -> None:
    if name == "CNAME":
        old = repo.output("cat-file", "blob", theirs).strip()
        new = repo.output("cat-file", "blob", ours).strip()
        log.warning(
            "%s has CNAME %s, committed by hand; the site's cname %s replaces it", where, old, new
        )
    else:
        log.warning("%s has %s, committed by hand; the site's %s replaces it", where, name, name)


def _last_changed_by_hand(repo: Repository, tip: str, names: Sequence[str]) -> list[str]:
    """Those of `names` whose last change in `tip`'s history is not a deploy's commit.

    Two walks of the history, both cheap on a long one: the paths commits made by hand
    changed (there are few such commits, with few files each), then, for those of `names`
    among them, which commit changed each last.
    """
    if not names:
        return []
    by_hand = {
        name
        for _, name in changed_paths(
            repo, tip, "--invert-grep", "--extended-regexp", f"--grep={_DEPLOY_MARK}"
        )
    }
    suspects = [name for name in names if name in by_hand]
    if not suspects:
        return []
    deploys = set(
        repo.output("rev-list", "--extended-regexp", f"--grep={_DEPLOY_MARK}", tip, "--").split()
    )
    last: dict[str, str] = {}
    for start in range(0, len(suspects), 500):  # a command line of bounded length
        for commit, name in changed_paths(repo, tip, "--", *suspects[start : start + 500]):
            last.setdefault(name, commit)  # newest first: the first seen is the last change
    return [name for name in suspects if name in last and last[name] not in deploys]


def _message(title: str | None, source: SourceCommit) -> str:
    """The commit message; its last paragraph is git trailers, the second marks the commit
    as a deploy's."""
    first = title or f"Deploy site from {source}"
    full = source.sha or "none (the repository has no commit yet)"
    note = " plus uncommitted changes" if source.dirty else ""
    return f"{first}\n\nSource-commit: {full}{note}\n{DEPLOY_TRAILER}: site-builder {__version__}\n"
