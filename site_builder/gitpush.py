"""The push to the remote, in a process group of its own: a signal to deploy (Ctrl-C, SIGTERM
from a CI runner cancelling the job) is passed to git and to the helpers carrying the push;
deploy waits for them to end, then says whether anything reached the remote (`Interrupted`).
Only one branch is pushed, by one explicit refspec; a forced push has a lease on the tip that
was inspected.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator

from site_builder.errors import DeployError, Interrupted
from site_builder.gitrepo import Repository, stderr_summary

log = logging.getLogger(__name__)


def push_commit(
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
            f"the push to '{remote}' ({branch}) was rejected: {stderr_summary(pushed.stderr)}\n"
            "    hint: nothing was published; if someone pushed to the branch meanwhile, "
            "deploy again; otherwise check your access rights and the remote's hooks"
        )


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
            f"stopped; whether the push reached '{remote}' is unknown: "
            f"{stderr_summary(listed.stderr)}\n"
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
