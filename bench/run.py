#!/usr/bin/env python3
"""Time site_builder's builds (cold, no change, one file changed, serve) and, with --peers, MkDocs,
Pelican and Hugo on the same workload, in one run.

Usage:  python3 bench/run.py [--sizes micro,1k,10k] [--runs N] [--peers] [--setup]
                             [--no-serve] [--json PATH]

Method (the one of ../shared/bench/ANCHORS.md): every timed build is a fresh process. Per run:
wall time on a monotonic clock from spawn to reap, user+sys CPU time and peak RSS of the child
from os.wait4(). A cold build starts with no output and no cache: the previous output folder
(and our `.site_builder_cache/`) is renamed away, untimed, and deleted after the run, untimed.
A no-change rebuild keeps the output and cache of the build before it; a one-file-change rebuild
first edits one player's bio or one event's title (untimed; the edit toggles, so every run is a
change). One uncounted warm-up round, then N counted rounds, interleaved across tools and kinds
of build (round 1 of everything, then round 2, ...) so that a change in machine load hits every
figure alike. Figures are median (min–max). stdout and stderr of the builds go to /dev/null.

The serve figure is in-process, as `site-builder serve` works: a child process imports
SiteBuilder, builds once, then edits one player and times `rebuild({path})` after each edit.

The workload is bench/generate.py's (the anchors' text, seed 20240601); the peers run in
bench/.venv (MkDocs, Pelican) and Debian's `hugo`, never in the project's environment:
`--setup` installs them. A missing peer is skipped, with a note.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import (  # bench/ is not a package: imported by path
    BENCH,
    DEFAULT_ANCHOR_GEN,
    LAYOUTS,
    REPO,
    SEED,
    Workload,
    edit_event_title,
    edit_player_bio,
    load_anchor_generator,
    write_peers,
    write_workload,
)

VENV = BENCH / ".venv"
REQUIREMENTS = BENCH / "requirements-alternatives.txt"
CACHE = ".site_builder_cache"  # our build cache, kept in the folder the build runs in
OURS = "site_builder"
COLD, NO_CHANGE, PLAYER_EDITED, EVENT_EDITED = (
    "cold",
    "no change",
    "1 player edited",
    "1 event edited",
)


@dataclass(frozen=True)
class Size:
    """One workload size: N players and E events."""

    name: str
    players: int
    events: int


SIZES = {
    "micro": Size("micro", 20, 30),
    "1k": Size("1k", 1000, 2000),
    "10k": Size("10k", 10000, 20000),
}
# Counted runs per size: as in ANCHORS.md at micro and 1k; fewer at 10k, where a peer's cold
# build takes up to half a minute and ours more.
DEFAULT_RUNS = {"micro": 10, "1k": 5, "10k": 3}
CUSTOM_RUNS = 3

# Stored anchor figures (ANCHORS.md, "Cold full builds", measured 2026-11-24 on the workplace
# machine; its mid and large are our 1k and 10k): tool -> size -> (wall median s, cpu s, MiB).
ANCHORS: dict[str, dict[str, tuple[float, float, float]]] = {
    "Python floor (import jinja2+markdown+yaml)": {"micro": (0.070, 0.070, 23)},
    "naive Python": {
        "micro": (0.131, 0.131, 26),
        "1k": (1.895, 1.881, 44),
        "10k": (15.50, 15.48, 199),
    },
    "MkDocs": {
        "micro": (0.216, 0.215, 33),
        "1k": (2.088, 2.083, 53),
        "10k": (19.06, 18.97, 223),
    },
    "Pelican": {
        "micro": (0.243, 0.242, 42),
        "1k": (2.216, 2.213, 59),
        "10k": (21.50, 21.40, 229),
    },
    "Hugo (hook)": {
        "micro": (0.049, 0.061, 51),
        "1k": (0.389, 0.670, 130),
        "10k": (3.338, 5.865, 859),
    },
}

_CUSTOM_SIZE = re.compile(r"(\d+)x(\d+)")


def parse_sizes(text: str) -> list[Size]:
    """`micro,1k` or a custom `NxE` (e.g. `5x8`) to Size records; ValueError on anything else."""
    sizes = []
    for name in (part.strip() for part in text.split(",") if part.strip()):
        custom = _CUSTOM_SIZE.fullmatch(name)
        if name in SIZES:
            sizes.append(SIZES[name])
        elif custom and int(custom[1]) > 0 and int(custom[2]) > 0:
            sizes.append(Size(name, int(custom[1]), int(custom[2])))
        else:
            raise ValueError(f"unknown size {name!r}; choose from {', '.join(SIZES)} or NxE")
    return sizes


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Build:
    """One kind of timed build: the command, where it runs, what it moves aside or edits first."""

    tool: str
    mode: str
    cwd: Path
    argv: list[str]
    out: Path
    env: dict[str, str] | None = None
    aside: tuple[Path, ...] = ()  # moved away before each run (cold builds), untimed
    edit: Callable[[], None] | None = None  # applied before each run, untimed


@dataclass
class Result:
    """Every counted run of one kind of build at one size."""

    size: str
    tool: str
    mode: str
    runs: list[dict[str, float]] = field(default_factory=list)
    failed: str | None = None
    files: int = 0
    megabytes: float = 0.0

    def median(self, key: str) -> float:
        """Median of one figure over the counted runs."""
        return statistics.median(run[key] for run in self.runs)

    def spread(self, key: str) -> tuple[float, float]:
        """Min and max of one figure."""
        values = [run[key] for run in self.runs]
        return min(values), max(values)


def _move_aside(folders: Sequence[Path]) -> list[Path]:
    """Rename existing folders to a trash name beside them (a rename: about 1 ms)."""
    trash = []
    for folder in folders:
        if folder.exists():
            moved = folder.with_name(f"{folder.name}.old-{os.getpid()}")
            os.rename(folder, moved)
            trash.append(moved)
    return trash


def run_once(build: Build) -> dict[str, float]:
    """One timed build: edit or move aside first, time the child process, clean up after."""
    if build.edit is not None:
        build.edit()
    trash = _move_aside(build.aside)
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        started = time.monotonic()
        child = subprocess.Popen(
            build.argv, cwd=build.cwd, env=build.env, stdin=devnull, stdout=devnull, stderr=devnull
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
    finally:
        os.close(devnull)
    for folder in trash:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "rc": float(os.waitstatus_to_exitcode(status)),
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024.0,
    }


def failure_message(build: Build) -> str:
    """Run a failed build again with its output captured, for the report."""
    done = subprocess.run(build.argv, cwd=build.cwd, env=build.env, capture_output=True, text=True)
    lines = (done.stderr or done.stdout).strip().splitlines()
    return f"exit {done.returncode}: " + " / ".join(lines[-3:])


def output_size(folder: Path) -> tuple[int, float]:
    """Number of files and size in MB (10^6 bytes, file bytes only) of a build's output."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files) / 1e6


def measure(size: str, builds: list[Build], runs: int, warmup: int) -> list[Result]:
    """Run every build once per round, warm-up rounds uncounted; a failing build is dropped.

    The order of `builds` is the order within a round, so a no-change build must come right
    after the build whose output and cache it reuses.
    """
    results = {(b.tool, b.mode): Result(size, b.tool, b.mode) for b in builds}
    live = list(builds)
    for number in range(warmup + runs):
        counted = number >= warmup
        label = f"run {number - warmup + 1}/{runs}" if counted else "warm-up"
        for build in list(live):
            run = run_once(build)
            result = results[build.tool, build.mode]
            print(
                f"[{size}] {label}: {build.tool}, {build.mode}: {run['wall']:.2f} s",
                file=sys.stderr,
                flush=True,
            )
            if run["rc"] != 0:
                result.failed = failure_message(build)
                live.remove(build)
            elif counted:
                result.runs.append(run)
    for build in live:
        if build.mode == COLD:
            result = results[build.tool, build.mode]
            result.files, result.megabytes = output_size(build.out)
    return list(results.values())


# --------------------------------------------------------------------------- the builds


def _ours_env() -> dict[str, str]:
    # Build the repo's working tree, whatever site_builder is installed elsewhere.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def toggle(path: Path, edit: Callable[[str, str], str], item_id: str) -> Callable[[], None]:
    """An edit of one fact file that changes one item, and changes it back the next time."""

    def apply() -> None:
        path.write_text(edit(path.read_text(encoding="utf-8"), item_id), encoding="utf-8")

    return apply


def ours(workload: Workload) -> list[Build]:
    """Our four kinds of build, in round order: cold, then three that reuse its output."""
    site = workload.root
    argv = [sys.executable, "-m", "site_builder", "build"]
    argv += ["--content", "content", "--templates", "templates", "--out", "out", "-q"]
    env = _ours_env()
    out = site / "out"
    return [
        Build(OURS, COLD, site, argv, out, env, aside=(out, site / CACHE)),
        Build(OURS, NO_CHANGE, site, argv, out, env),
        Build(
            OURS,
            PLAYER_EDITED,
            site,
            argv,
            out,
            env,
            edit=toggle(workload.player_file, edit_player_bio, workload.player_id),
        ),
        Build(
            OURS,
            EVENT_EDITED,
            site,
            argv,
            out,
            env,
            edit=toggle(workload.event_file, edit_event_title, workload.event_id),
        ),
    ]


def peers(root: Path, notes: list[str]) -> list[Build]:
    """Cold builds of the peers found on this machine, for the trees under root."""
    hugo = shutil.which("hugo")
    commands = [
        ("MkDocs", "mkdocs", VENV / "bin" / "mkdocs", ["build", "-d", "out"]),
        (
            "Pelican",
            "pelican",
            VENV / "bin" / "pelican",
            ["content", "-o", "out", "-s", "pelicanconf.py"],
        ),
        ("Hugo (hook)", "hugo", Path(hugo) if hugo else None, ["-d", "out"]),
    ]
    builds = []
    for name, folder, program, args in commands:
        if program is None or not program.exists():
            notes.append(f"{name} skipped: not installed (run with --setup)")
            continue
        site = root / folder
        argv = [str(program), *args]
        builds.append(Build(name, COLD, site, argv, site / "out", aside=(site / "out",)))
    return builds


# --------------------------------------------------------------------------- serve


@dataclass
class ServeResult:
    """`SiteBuilder.rebuild({path})` after each edit of one player, in milliseconds."""

    size: str
    ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time, same calls
    rendered: int = 0
    pages: int = 0
    failed: str | None = None


def serve_rebuilds(workload: Workload, edits: int, warmup: int) -> dict[str, Any]:
    """In this process, as `serve` does: build once, then edit a player and rebuild, timed.

    Runs in a child process (see measure_serve) with the site as its working directory.
    """
    from site_builder.build import BuildOptions, SiteBuilder

    options = BuildOptions(content=Path("content"), templates=Path("templates"), out=Path("out"))
    builder = SiteBuilder(options)
    builder.rebuild(None)
    edit = toggle(workload.player_file, edit_player_bio, workload.player_id)
    changed = frozenset({workload.player_file.resolve()})
    times: list[float] = []
    cpu: list[float] = []
    pages = 0
    for number in range(warmup + edits):
        edit()
        started, started_cpu = time.perf_counter(), time.process_time()
        pages = builder.rebuild(changed).pages
        if number >= warmup:
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return {"ms": times, "cpu_ms": cpu, "rendered": builder.last_rendered, "pages": pages}


def _serve_child(argv: list[str]) -> None:
    """Entry point of the child process: a JSON workload and counts in, a JSON result out."""
    fields = json.loads(argv[0])
    for key in ("root", "player_file", "event_file"):
        fields[key] = Path(fields[key])
    print(json.dumps(serve_rebuilds(Workload(**fields), int(argv[1]), int(argv[2]))))


# The child imports this module from bench/ (argv[1]) and runs _serve_child on the rest.
SERVE_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); import run; run._serve_child(sys.argv[2:])"
)


def measure_serve(size: str, workload: Workload, edits: int, warmup: int) -> ServeResult:
    """Time serve-style rebuilds in a fresh process, so nothing is warm from this one.

    The workload's paths must be absolute: the child runs in the site's folder.
    """
    print(f"[{size}] serve: {warmup} + {edits} edits of one player", file=sys.stderr, flush=True)
    counts = [str(edits), str(warmup)]
    done = subprocess.run(
        [sys.executable, "-c", SERVE_CHILD, str(BENCH), json.dumps(workload.summary()), *counts],
        cwd=workload.root,
        env=_ours_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return ServeResult(size, failed=f"exit {done.returncode}: " + " / ".join(lines[-3:]))
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return ServeResult(
        size, figures["ms"], figures["cpu_ms"], figures["rendered"], figures["pages"]
    )


# --------------------------------------------------------------------------- setup, versions


def setup() -> None:
    """Install the peers: MkDocs and Pelican into bench/.venv, Hugo with apt-get."""
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(VENV / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)], check=True
    )
    if shutil.which("hugo") is None and shutil.which("apt-get") is not None:
        result = subprocess.run(["apt-get", "install", "-y", "-q", "hugo"], check=False)
        if result.returncode != 0:
            print("warning: apt-get install hugo failed; Hugo will be skipped", file=sys.stderr)


def versions() -> dict[str, str]:
    """Versions of everything timed."""
    found = {"python": sys.version.split()[0]}
    rev = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "site_builder"],
        capture_output=True,
        text=True,
        check=False,
    )
    found[OURS] = rev.stdout.strip() + (" (+ uncommitted)" if dirty.stdout else "")
    pip = VENV / "bin" / "pip"
    if pip.exists():
        listed = subprocess.run(
            [str(pip), "list", "--format", "json"], capture_output=True, text=True, check=False
        )
        for package in json.loads(listed.stdout or "[]"):
            if package["name"].lower() in {"mkdocs", "pelican", "markdown"}:
                found[package["name"].lower()] = package["version"]
    if shutil.which("hugo"):
        hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=False)
        found["hugo"] = hugo.stdout.split()[1] if hugo.stdout else "?"
    return found


def precompile() -> None:
    """Write site_builder's .pyc files, as pip did for the peers' venv.

    PYTHONDONTWRITEBYTECODE may be set; without this every run of ours would compile the
    package from source while the peers load precompiled bytecode.
    """
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "site_builder")],
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )


# --------------------------------------------------------------------------- report


def _fig(result: Result, key: str, digits: int = 3) -> str:
    low, high = result.spread(key)
    return f"{result.median(key):.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def _ratios(mine: Result | None, peer: Result) -> str:
    """Ours ÷ peer for wall, cpu and peak, both cold."""
    if mine is None or not mine.runs or peer.tool == OURS or peer.mode != COLD:
        return ""
    return ", ".join(
        f"{mine.median(key) / peer.median(key):.2f}x" for key in ("wall", "cpu", "peak_mib")
    )


def table(results: list[Result]) -> str:
    """Every kind of build as a Markdown table, with ours ÷ peer ratios for cold builds."""
    lines = [
        "| size | tool | build | runs | wall s, median (min–max) | cpu s | peak MiB "
        "| output files / MB | ours ÷ tool (cold): wall, cpu, peak |",
        "|---|---|---|---:|---|---:|---:|---|---|",
    ]
    for result in results:
        where = f"| {result.size} | {result.tool} | {result.mode} "
        if result.failed or not result.runs:
            lines.append(where + f"| 0 | **failed**: {result.failed} | | | | |")
            continue
        mine = next(
            (r for r in results if (r.size, r.tool, r.mode) == (result.size, OURS, COLD)), None
        )
        output = f"{result.files} / {result.megabytes:.2f}" if result.mode == COLD else ""
        lines.append(
            where + f"| {len(result.runs)} | {_fig(result, 'wall')} "
            f"| {result.median('cpu'):.3f} | {result.median('peak_mib'):.0f} "
            f"| {output} | {_ratios(mine, result)} |"
        )
    return "\n".join(lines)


def serve_table(serve: list[ServeResult]) -> str:
    """The serve-style rebuild times as a Markdown table."""
    lines = [
        "| size | edits | rebuild() ms, median (min–max) | cpu ms | pages rendered / total |",
        "|---|---:|---|---:|---|",
    ]
    for result in serve:
        if result.failed or not result.ms:
            lines.append(f"| {result.size} | 0 | **failed**: {result.failed} | | |")
            continue
        figure = f"{statistics.median(result.ms):.0f} ({min(result.ms):.0f}–{max(result.ms):.0f})"
        cpu = statistics.median(result.cpu_ms)
        lines.append(
            f"| {result.size} | {len(result.ms)} | {figure} | {cpu:.0f} "
            f"| {result.rendered} / {result.pages} |"
        )
    return "\n".join(lines)


def growth_exponent(small: float, large: float) -> float:
    """log(t10k / t1k) / log(10): 1 is linear in the size, 2 quadratic."""
    return math.log(large / small) / math.log(10)


def growth_table(results: list[Result], serve: list[ServeResult]) -> str | None:
    """Median wall time at 1k and 10k and the growth exponent, where both sizes ran."""
    rows: dict[tuple[str, str], dict[str, float]] = {}
    for result in results:
        if result.runs and result.size in {"1k", "10k"}:
            rows.setdefault((result.tool, result.mode), {})[result.size] = result.median("wall")
    for item in serve:
        if item.ms and item.size in {"1k", "10k"}:
            key = (OURS, "serve rebuild, 1 player edited")
            rows.setdefault(key, {})[item.size] = statistics.median(item.ms) / 1000
    lines = [
        "| tool | build | 1k wall s | 10k wall s | exponent |",
        "|---|---|---:|---:|---:|",
    ]
    for (tool, mode), times in rows.items():
        if {"1k", "10k"} <= times.keys():
            exponent = growth_exponent(times["1k"], times["10k"])
            lines.append(
                f"| {tool} | {mode} | {times['1k']:.3f} | {times['10k']:.3f} | {exponent:.2f} |"
            )
    return "\n".join(lines) if len(lines) > 2 else None


def anchor_table(sizes: Sequence[str], results: list[Result]) -> str | None:
    """The stored anchor figures, with our cold build (this run) ÷ anchor; None if none apply."""
    lines = [
        "| size | tool (ANCHORS.md) | wall s | cpu s | peak MiB | ours (this run) ÷ anchor wall |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for size in sizes:
        mine = next(
            (r for r in results if (r.size, r.tool, r.mode) == (size, OURS, COLD) and r.runs),
            None,
        )
        for tool, figures in ANCHORS.items():
            if size not in figures:
                continue
            wall, cpu, peak = figures[size]
            ratio = f"{mine.median('wall') / wall:.2f}x" if mine else ""
            lines.append(f"| {size} | {tool} | {wall:.3f} | {cpu:.3f} | {peak:.0f} | {ratio} |")
    return "\n".join(lines) if len(lines) > 2 else None


# --------------------------------------------------------------------------- main


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="micro,1k,10k",
        help="micro (N 20, E 30), 1k (N 1000, E 2000), 10k (N 10000, E 20000), or NxE "
        "(e.g. 5x8); default micro,1k,10k",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="counted runs per build (default: 10 at micro, 5 at 1k, 3 at 10k and NxE)",
    )
    parser.add_argument("--warmup", type=int, default=1, help="uncounted rounds (default 1)")
    parser.add_argument("--peers", action="store_true", help="also time MkDocs, Pelican, Hugo")
    parser.add_argument(
        "--setup",
        action="store_true",
        help="first install MkDocs and Pelican into bench/.venv and Hugo via apt",
    )
    parser.add_argument("--no-serve", action="store_true", help="skip the serve-style rebuilds")
    parser.add_argument("--layout", choices=LAYOUTS, default="split", help="fact files layout")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="workloads and outputs")
    parser.add_argument("--anchor-gen", type=Path, default=DEFAULT_ANCHOR_GEN)
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Command line: generate the workloads, time every build, print the tables."""
    args = _arguments(argv)
    try:
        sizes = parse_sizes(args.sizes)
        gen = load_anchor_generator(args.anchor_gen)
    except (ValueError, OSError, ImportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.setup:
        setup()
    precompile()
    load_before = os.getloadavg()
    notes: list[str] = []
    results: list[Result] = []
    serve: list[ServeResult] = []
    workloads: list[dict[str, Any]] = []
    for size in sizes:
        print(f"[{size.name}] generating N={size.players}, E={size.events}", file=sys.stderr)
        root = (args.out / size.name).resolve()  # the serve child runs elsewhere
        workload = write_workload(gen, size.players, size.events, root, SEED, args.layout)
        workloads.append(workload.summary())
        builds = ours(workload)
        if args.peers:
            workloads[-1]["peers"] = write_peers(gen, size.players, size.events, root / "peers")
            # Peers go between our cold build and the no-change one, which reuses its output.
            builds[1:1] = peers(root / "peers", notes)
        runs = args.runs or DEFAULT_RUNS.get(size.name, CUSTOM_RUNS)
        results += measure(size.name, builds, runs, args.warmup)
        if not args.no_serve:
            serve.append(measure_serve(size.name, workload, runs, args.warmup))
    load_after = os.getloadavg()

    print("## Builds (this run)\n")
    print(table(results))
    if serve:
        print("\n## Serve: SiteBuilder.rebuild() after one player edited (in process)\n")
        print(serve_table(serve))
    growth = growth_table(results, serve)
    if growth:
        print("\n## Growth from 1k to 10k: log(t10k / t1k) / log(10)\n")
        print(growth)
    anchors = anchor_table([s.name for s in sizes], results)
    if anchors:
        print("\n## Stored anchors for reference (ANCHORS.md, 2026-11-24; not re-measured)\n")
        print(anchors)
    print()
    found = versions()
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    print(
        f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"on {os.cpu_count() or 1} CPUs"
    )
    # The benchmark itself keeps about one process running, so "after" includes ~1 of its own.
    if load_before[0] > 0.5 or load_after[0] > 1.5:
        print(
            "note: the machine was shared with other work during the run (load average above "
            "0.5 before, or 1.5 after, the run); treat small differences with care"
        )
    for note in dict.fromkeys(notes):
        print("note: " + note)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "versions": found,
            "load_before": load_before,
            "load_after": load_after,
            "workloads": workloads,
            "results": [asdict(r) for r in results],
            "serve": [asdict(s) for s in serve],
        }
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
