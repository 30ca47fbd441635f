#!/usr/bin/env python3
"""Time cold whole-process builds of site_builder and of MkDocs, Pelican and Hugo, in one run.

Usage:  python3 bench/bench_build.py [--sizes micro,mid] [--runs N] [--setup] [--json PATH]

Method (the one of ../shared/bench/ANCHORS.md): every build is a fresh process; before each run
the previous output folder is renamed away (untimed) and deleted after the run (untimed), so no
build sees old output or a cache. Per run: wall time on a monotonic clock from spawn to reap,
user+sys CPU time and peak RSS of the child from os.wait4(). One uncounted warm-up, then N counted
runs, interleaved across tools (run 1 of every tool, then run 2, ...) so that a change in machine
load hits every tool alike. Figures are median (min–max). stdout and stderr go to /dev/null.

The workload is the anchors' one (gen_anchor_content.py, seed 20240601) for MkDocs, Pelican and
Hugo, and the same text in our content model (gen_workload.py) for site_builder. Alternatives
missing from the machine are skipped, with a note; `--setup` installs them first: MkDocs and
Pelican into bench/.venv (never the project's environment), Hugo with apt-get.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_workload import (  # bench/ is not a package: imported by path
    BENCH,
    DEFAULT_ANCHOR_GEN,
    REPO,
    SEED,
    Size,
    load_anchor_generator,
    parse_sizes,
    write_anchor_formats,
    write_workload,
)

VENV = BENCH / ".venv"
REQUIREMENTS = BENCH / "requirements-alternatives.txt"
DEFAULT_RUNS = {"micro": 10, "mid": 5, "large": 5}  # as in ANCHORS.md

# Stored anchor figures (ANCHORS.md, "Cold full builds", measured 2026-11-24 on the workplace
# machine): tool -> size -> (wall median s, cpu s, peak MiB).
ANCHORS: dict[str, dict[str, tuple[float, float, float]]] = {
    "Python floor (import jinja2+markdown+yaml)": {"micro": (0.070, 0.070, 23)},
    "naive Python": {
        "micro": (0.131, 0.131, 26),
        "mid": (1.895, 1.881, 44),
        "large": (15.50, 15.48, 199),
    },
    "MkDocs": {
        "micro": (0.216, 0.215, 33),
        "mid": (2.088, 2.083, 53),
        "large": (19.06, 18.97, 223),
    },
    "Pelican": {
        "micro": (0.243, 0.242, 42),
        "mid": (2.216, 2.213, 59),
        "large": (21.50, 21.40, 229),
    },
    "Hugo (hook)": {
        "micro": (0.049, 0.061, 51),
        "mid": (0.389, 0.670, 130),
        "large": (3.338, 5.865, 859),
    },
}


@dataclass(frozen=True)
class Tool:
    """A build command: where it runs and which folder it writes."""

    name: str
    cwd: Path
    argv: list[str]
    out: Path
    env: dict[str, str] | None = None


@dataclass
class Result:
    """Every counted run of one tool at one size."""

    size: str
    tool: str
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


# --------------------------------------------------------------------------- measuring


def run_once(tool: Tool) -> dict[str, float]:
    """One cold build: move the old output away (untimed), time the child, delete the old output."""
    trash = None
    if tool.out.exists():
        trash = tool.out.with_name(f"{tool.out.name}.old-{os.getpid()}")
        os.rename(tool.out, trash)
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        started = time.monotonic()
        child = subprocess.Popen(
            tool.argv, cwd=tool.cwd, env=tool.env, stdin=devnull, stdout=devnull, stderr=devnull
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
    finally:
        os.close(devnull)
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)
    return {
        "rc": float(os.waitstatus_to_exitcode(status)),
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024.0,
    }


def failure_message(tool: Tool) -> str:
    """Run a failed build again with its output captured, for the report."""
    done = subprocess.run(tool.argv, cwd=tool.cwd, env=tool.env, capture_output=True, text=True)
    lines = (done.stderr or done.stdout).strip().splitlines()
    return f"exit {done.returncode}: " + " / ".join(lines[-3:])


def output_size(folder: Path) -> tuple[int, float]:
    """Number of files and apparent size in MB (10^6 bytes) of a build's output."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files) / 1e6


def measure(size: str, tools: list[Tool], runs: int, warmup: int) -> list[Result]:
    """Warm up every tool, then interleave the counted runs; a failing tool is dropped."""
    results = {tool.name: Result(size, tool.name) for tool in tools}
    live = list(tools)
    for tool in list(live):
        for _ in range(warmup):
            if run_once(tool)["rc"] != 0:
                results[tool.name].failed = failure_message(tool)
                live.remove(tool)
                break
    for index in range(runs):
        for tool in list(live):
            run = run_once(tool)
            if run["rc"] != 0:
                results[tool.name].failed = failure_message(tool)
                live.remove(tool)
                continue
            results[tool.name].runs.append(run)
        print(f"  {size}: run {index + 1}/{runs} done", file=sys.stderr)
    for tool in live:
        results[tool.name].files, results[tool.name].megabytes = output_size(tool.out)
    return [results[tool.name] for tool in tools]


# --------------------------------------------------------------------------- tools


def _ours_env() -> dict[str, str]:
    # Build the repo's working tree, whatever site_builder is installed elsewhere.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def ours(cwd: Path, content: Path, templates: Path, out: Path, name: str = "site_builder") -> Tool:
    """Our build: `python3 -m site_builder build`."""
    argv = [
        sys.executable,
        "-m",
        "site_builder",
        "build",
        "--content",
        str(content),
        "--templates",
        str(templates),
        "--out",
        str(out),
        "-q",
    ]
    return Tool(name, cwd, argv, cwd / out, _ours_env())


def alternatives(root: Path, notes: list[str]) -> list[Tool]:
    """The alternatives found on this machine, for the workload under root."""
    tools = []
    mkdocs, pelican = VENV / "bin" / "mkdocs", VENV / "bin" / "pelican"
    if mkdocs.exists():
        tools.append(
            Tool(
                "MkDocs",
                root / "mkdocs",
                [str(mkdocs), "build", "-d", "out"],
                root / "mkdocs" / "out",
            )
        )
    else:
        notes.append(f"MkDocs skipped: {mkdocs} not found (run with --setup)")
    if pelican.exists():
        tools.append(
            Tool(
                "Pelican",
                root / "pelican",
                [str(pelican), "content", "-o", "out", "-s", "pelicanconf.py"],
                root / "pelican" / "out",
            )
        )
    else:
        notes.append(f"Pelican skipped: {pelican} not found (run with --setup)")
    hugo = shutil.which("hugo")
    if hugo:
        tools.append(Tool("Hugo (hook)", root / "hugo", [hugo, "-d", "out"], root / "hugo" / "out"))
    else:
        notes.append("Hugo skipped: no `hugo` on PATH (run with --setup, or apt-get install hugo)")
    return tools


def setup() -> None:
    """Install the alternatives: MkDocs and Pelican into bench/.venv, Hugo with apt-get."""
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
    found["site_builder"] = rev.stdout.strip() + (" (+ uncommitted)" if dirty.stdout else "")
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
    """Write site_builder's .pyc files, as pip did for the alternatives' venv.

    PYTHONDONTWRITEBYTECODE may be set; without this every run of ours would compile the
    package from source while the alternatives load precompiled bytecode.
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


def table(results: list[Result]) -> str:
    """The figures as a Markdown table, with ours / alternative ratios."""
    lines = [
        "| size | tool | runs | wall s, median (min–max) | cpu s | peak MiB | output files / MB "
        "| ours ÷ tool: wall, cpu, peak |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    by_size: dict[str, list[Result]] = {}
    for result in results:
        by_size.setdefault(result.size, []).append(result)
    for size, group in by_size.items():
        mine = next((r for r in group if r.tool == "site_builder" and r.runs), None)
        for result in group:
            if result.failed or not result.runs:
                lines.append(
                    f"| {size} | {result.tool} | 0 | **failed**: {result.failed} | | | | |"
                )
                continue
            ratio = ""
            if (
                mine is not None
                and result is not mine
                and result.tool.startswith(("MkDocs", "Pelican", "Hugo"))
            ):
                ratio = ", ".join(
                    f"{mine.median(key) / result.median(key):.2f}x"
                    for key in ("wall", "cpu", "peak_mib")
                )
            lines.append(
                f"| {size} | {result.tool} | {len(result.runs)} | {_fig(result, 'wall')} "
                f"| {result.median('cpu'):.3f} | {result.median('peak_mib'):.0f} "
                f"| {result.files} / {result.megabytes:.2f} | {ratio} |"
            )
    return "\n".join(lines)


def anchor_table(sizes: Sequence[str], results: list[Result]) -> str:
    """The stored anchor figures, with ours (this run) ÷ anchor."""
    lines = [
        "| size | tool (ANCHORS.md) | wall s | cpu s | peak MiB | ours (this run) ÷ anchor wall |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for size in sizes:
        mine = next(
            (r for r in results if r.size == size and r.tool == "site_builder" and r.runs), None
        )
        for tool, figures in ANCHORS.items():
            if size not in figures:
                continue
            wall, cpu, peak = figures[size]
            ratio = f"{mine.median('wall') / wall:.2f}x" if mine else ""
            lines.append(f"| {size} | {tool} | {wall:.3f} | {cpu:.3f} | {peak:.0f} | {ratio} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def prepare(gen: object, size: Size, out: Path) -> dict[str, object]:
    """Write both workloads for one size (the anchor generator prints a JSON summary; keep it)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        write_anchor_formats(gen, size, out / size.name, SEED)  # type: ignore[arg-type]
    summary = write_workload(gen, size, out / size.name / "ours", SEED)  # type: ignore[arg-type]
    summary["anchor_generator"] = json.loads(printed.getvalue().strip().splitlines()[-1])
    return summary


def main(argv: list[str] | None = None) -> int:
    """Command line: generate the workloads, time every tool, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="micro,mid", help="micro,mid,large (default micro,mid)")
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="counted runs per tool (default: 10 at micro, 5 otherwise)",
    )
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="workloads and outputs")
    parser.add_argument("--anchor-gen", type=Path, default=DEFAULT_ANCHOR_GEN)
    parser.add_argument(
        "--setup",
        action="store_true",
        help="first install MkDocs and Pelican into bench/.venv and Hugo via apt",
    )
    parser.add_argument(
        "--no-explainer",
        action="store_true",
        help="skip timing our build of the repo's own content/",
    )
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    args = parser.parse_args(argv)
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
    workloads = []
    for size in sizes:
        print(f"generating {size.name} (N={size.players}, E={size.events})", file=sys.stderr)
        workloads.append(prepare(gen, size, args.out))
        root = args.out / size.name
        tools = [
            ours(root / "ours", Path("content"), Path("templates"), Path("out")),
            *alternatives(root, notes),
        ]
        runs = args.runs or DEFAULT_RUNS[size.name]
        results += measure(size.name, tools, runs, args.warmup)
    if not args.no_explainer:
        site = args.out / "explainer"
        site.mkdir(parents=True, exist_ok=True)
        tool = ours(
            REPO,
            Path("content"),
            Path("templates"),
            (site / "_site").resolve(),
            name="site_builder",
        )
        results += measure("explainer (content/)", [tool], args.runs or 10, args.warmup)
    load_after = os.getloadavg()
    cores = os.cpu_count() or 1

    print()
    print("## Cold full builds (this run)\n")
    print(table(results))
    print()
    print("## Stored anchors for reference (ANCHORS.md, 2026-11-24; not re-measured)\n")
    print(anchor_table([s.name for s in sizes], results))
    print()
    found = versions()
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    print(
        f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"on {cores} CPUs"
    )
    # The benchmark itself keeps about one process running, so "after" includes ~1 of its own.
    if load_before[0] > 0.5 or load_after[0] > 1.5:
        print(
            "note: the machine was shared with other work during the run (load average above "
            "0.5 before, or 1.5 after, the run); treat small differences with care"
        )
    for note in notes:
        print("note: " + note)
    for result in results:
        if result.failed:
            print(f"note: {result.tool} at {result.size} failed: {result.failed}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "versions": found,
                    "load_before": load_before,
                    "load_after": load_after,
                    "workloads": workloads,
                    "results": [asdict(r) for r in results],
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
