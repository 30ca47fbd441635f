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

The push runs in a process group of its own: a signal to deploy (Ctrl-C, SIGTERM from a CI
runner cancelling the job) is passed to git and to the helpers carrying the push, deploy waits
for them to end, then says whether anything reached the remote.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder import __version__
from site_builder.build import BuildOptions, build_site
from site_builder.content import read_config_quietly
from site_builder.errors import ContentError, DeployError, Interrupted
from site_builder.model import is_domain
from site_builder.output import lock_path, output_lock

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
    kept: tuple[str, ...] = ()  # files committed to the branch by hand, kept as they were

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
    """Build (unless `rebuild` is False), then publish the output folder to the remote branch.

    The output folder is deploy's from the build to the push: no other build can change what
    is being published (a running `serve` makes deploy refuse, naming it).
    """
    repo = open_repository(project)
    url = check_remote(repo, options.remote)
    cname = check_cname(options.cname, "--cname") if options.cname else _config_cname(build.content)
    with output_lock(build.out, "deploy", required=rebuild):
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
        # The lock file beside the output is deploy's own, not a change to the source.
        source = source_commit(repo, exclude=(build.out, lock_path(build.out)))
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
    or with `options.force` replaced by a commit without parent. Files on the branch that
    commits made by hand added are kept, unless the site writes the same path.
    """
    remote, branch = options.remote, options.branch
    url = url or check_remote(repo, remote)
    if repo.git("check-ref-format", f"refs/heads/{branch}").returncode != 0:
        raise DeployError(f"'{branch}' is not a valid branch name")
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
    with tempfile.TemporaryDirectory(prefix="site-builder-deploy-") as scratch:
        entries = _blobs(repo, {**_site_files(folder), **_extra_files(Path(scratch), cname)})
        if not entries:
            raise DeployError(f"{folder} is empty: nothing to publish")
        kept = _hand_made(repo, parent, entries, f"{branch} on '{remote}'") if parent else {}
        tree = _write_tree(repo, {**kept, **entries}, Path(scratch) / "index")
    files = len(entries) + len(kept)
    result = DeployResult(remote, branch, None, files, source, tuple(sorted(kept)))
    if parent is not None and repo.output("rev-parse", f"{parent}^{{tree}}") == tree:
        return result
    message = _message(options.message, source)
    args = ["commit-tree", tree, "-F", "-"]
    if parent is not None:
        args += ["-p", parent]
    commit = repo.output(*args, stdin=message)
    _push(repo, remote, url, branch, commit, replacing, before=parent or replacing)
    log.info("pushed %s to %s/%s", commit, remote, branch)
    return DeployResult(remote, branch, commit, files, source, result.kept)


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


Entry = tuple[str, str]  # a file in a git tree: mode and blob


def _blobs(repo: Repository, files: Mapping[str, Path]) -> dict[str, Entry]:
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


def _write_tree(repo: Repository, entries: Mapping[str, Entry], index: Path) -> str:
    """Write one tree of these files through a temporary index."""
    records = "".join(f"{mode} {blob}\t{name}\0" for name, (mode, blob) in sorted(entries.items()))
    index_env = {"GIT_INDEX_FILE": str(index)}
    repo.output("update-index", "--add", "-z", "--index-info", stdin=records, **index_env)
    return repo.output("write-tree", **index_env)


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
        for _, name in _changed_paths(
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
        for commit, name in _changed_paths(repo, tip, "--", *suspects[start : start + 500]):
            last.setdefault(name, commit)  # newest first: the first seen is the last change
    return [name for name in suspects if name in last and last[name] not in deploys]


def _changed_paths(repo: Repository, tip: str, *args: str) -> Iterator[tuple[str, str]]:
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
    repo: Repository,
    remote: str,
    url: str,
    branch: str,
    commit: str,
    replacing: str | None,
    before: str | None = None,
) -> None:
    """Push `commit` to the one branch; a fast-forward, or over exactly the tip `replacing`.

    A signal meanwhile stops the push (see `_run_to_the_end`); Interrupted then says whether
    the branch still points at `before`, its tip when deploy looked.
    """
    ref = f"refs/heads/{branch}"
    # The lease makes the forced push fail if the branch moved since it was inspected.
    lease = [f"--force-with-lease={ref}:{replacing}"] if replacing else []
    pushed, signum = _run_to_the_end(repo, "push", "--quiet", *lease, "--", url, f"{commit}:{ref}")
    if signum is not None:
        raise _interrupted(repo, remote, url, branch, commit, signum)
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


# --------------------------------------------------------------------------- signals

_FORWARDED = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_GRACE_SECONDS = 10  # how long git may take to end after a signal before it is killed


def _run_to_the_end(
    repo: Repository, *args: str
) -> tuple[subprocess.CompletedProcess[str], int | None]:
    """Run git in a process group of its own; pass any signal deploy gets to that whole group
    and wait for it to end. Returns git's result and the signal that came, if one did.

    The group matters: git push hands the data to a helper (ssh, git-remote-https, or for a
    local remote git-receive-pack), and a helper outliving git would finish the push after
    deploy said it stopped. When deploy runs in a terminal's foreground, the terminal is lent
    to git's group, so that a password prompt still works and Ctrl-C reaches it.
    """
    if os.name != "posix":  # no process groups to signal: run git as any other command
        return repo.git(*args), None
    received: list[int] = []
    process: subprocess.Popen[bytes] | None = None

    def forward(signum: int, frame: object) -> None:
        received.append(signum)
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signum)

    main = threading.current_thread() is threading.main_thread()
    previous = {number: signal.signal(number, forward) for number in _FORWARDED} if main else {}
    try:
        process = subprocess.Popen(
            ["git", *args],
            cwd=repo.root,
            env=repo.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            process_group=0,
        )
        if received:  # came between the handlers and the start
            os.killpg(process.pid, received[0])
        with _terminal_lent_to(process.pid):
            stdout, stderr = _wait(process, received)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if process.returncode < 0 and -process.returncode in _FORWARDED and not received:
        received.append(-process.returncode)  # Ctrl-C at the terminal went to git's group
    log.debug("git %s -> %d", " ".join(args), process.returncode)
    completed = subprocess.CompletedProcess(
        process.args,
        process.returncode,
        stdout.decode("utf-8", "replace"),
        stderr.decode("utf-8", "replace"),
    )
    return completed, received[0] if received else None


def _wait(process: subprocess.Popen[bytes], received: list[int]) -> tuple[bytes, bytes]:
    """git's output once it has ended; killed if it outlives a signal by _GRACE_SECONDS."""
    signalled_at: float | None = None
    while True:
        try:
            return process.communicate(timeout=0.2)
        except subprocess.TimeoutExpired:
            if received and signalled_at is None:
                signalled_at = time.monotonic()
            if signalled_at is not None and time.monotonic() - signalled_at > _GRACE_SECONDS:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def _terminal_lent_to(group: int) -> Iterator[None]:
    """Make `group` the terminal's foreground while it runs, when deploy is in the foreground
    (as a shell does for a job): git in a group of its own could not ask for a password."""
    try:
        terminal = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        yield  # no terminal: nothing to lend
        return
    try:
        if os.tcgetpgrp(terminal) != os.getpgrp():
            yield  # deploy itself runs in the background
            return
        with contextlib.suppress(OSError):
            os.tcsetpgrp(terminal, group)
            # git may have read the terminal before it was its own, and been stopped for it.
            os.killpg(group, signal.SIGCONT)
        try:
            yield
        finally:
            # Taking the terminal back from the background would stop deploy: ignore that.
            old = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            try:
                os.tcsetpgrp(terminal, os.getpgrp())
            except OSError:
                pass
            finally:
                signal.signal(signal.SIGTTOU, old)
    finally:
        os.close(terminal)


def _interrupted(
    repo: Repository, remote: str, url: str, branch: str, commit: str, signum: int
) -> Interrupted:
    """What a signal during the push left: the remote branch, asked once git has ended."""
    ref = f"refs/heads/{branch}"
    listed = repo.git("ls-remote", "--", url, ref)
    if listed.returncode != 0:
        return Interrupted(
            f"stopped; whether the push reached '{remote}' is unknown: {_summary(listed.stderr)}\n"
            f"    hint: check with `git ls-remote {remote} {branch}`; deploy again to publish",
            signum,
        )
    tips = [line.split("\t")[0] for line in listed.stdout.splitlines() if line.endswith(ref)]
    if commit in tips:
        return Interrupted(
            f"stopped too late: the push had already reached '{remote}', whose {branch} now "
            f"holds commit {commit[:12]}",
            signum,
        )
    return Interrupted(
        f"stopped: nothing was pushed; {branch} on '{remote}' is as it was\n"
        "    hint: deploy again to publish",
        signum,
    )
