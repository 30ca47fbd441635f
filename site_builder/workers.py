"""Work shared out between forked processes, and the collector held back while a build runs.

A build converts Markdown and renders pages in forked processes on a large site: each process
inherits the loaded site (fork copies it, nothing is pickled on the way in) and sends back only
a small result per chunk.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any, TypeVar


def jobs_for(requested: int | None, work: int, threshold: int) -> int:
    """Processes for `work` pages or texts: as asked, else one per core from `threshold` on."""
    if requested is not None:
        return max(1, requested)
    return min(os.cpu_count() or 1, 8) if work >= threshold else 1


@contextlib.contextmanager
def collecting_less() -> Iterator[None]:
    """Run a build with the cyclic garbage collector called far less often.

    A build keeps what it loads until it ends (a 10,000-player site is millions of objects),
    and CPython's default thresholds make the collector rescan all of it again and again while
    Markdown and Jinja churn through short-lived objects: a tenth of the build's time. Nearly all
    garbage here is freed by reference counting anyway. The thresholds are restored after.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


_Result = TypeVar("_Result")

# The task of the worker processes: set before forking, so that each process inherits it, with
# the loaded site and everything else it refers to.
_TASK: Callable[[range], Any] | None = None


def _run_task(indexes: range) -> Any:
    assert _TASK is not None, "in_workers sets the task before forking"
    return _TASK(indexes)


def _as_a_worker() -> None:
    """A worker process ends quietly when the pool is done with it: it must not inherit the
    command's SIGTERM handler (which turns the signal into Ctrl-C, for the command's clean-up),
    or the pool's closing SIGTERM prints a KeyboardInterrupt traceback from every worker."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def in_workers(
    task: Callable[[range], _Result], total: int, size: int, jobs: int
) -> Iterator[_Result]:
    """`task` over chunks of `size` of range(total), results in order: in `jobs` forked
    processes, or in this one when jobs is 1 or there is one chunk."""
    chunks = [range(start, min(start + size, total)) for start in range(0, total, size)]
    if jobs <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield task(chunk)
        return
    global _TASK
    _TASK = task
    # Everything loaded so far lives until the processes end: set apart from the collector,
    # which then neither scans it again nor, in a worker, writes to the pages it shares with
    # this process (each write makes the kernel copy the page).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_as_a_worker) as pool:
            yield from pool.imap(_run_task, chunks)  # in order: same errors, same output
    finally:
        gc.unfreeze()
        _TASK = None
