#!/usr/bin/env python3
"""Generate the anchor benchmark workload in our content model (docs/content-model.md).

Usage:  python3 bench/gen_workload.py [--sizes micro,mid] [--out bench/out] [--seed S]

For each size it writes OUT/<size>/ours/content/ (site.yaml, facts/*.yaml, summaries/*.md) and
OUT/<size>/ours/report.txt, the text of the one generated source, so that both
`site-builder check` and `site-builder check --source-text report=report.txt` pass.

The text comes from the anchor generator (../shared/bench/gen_anchor_content.py, imported, same
seed), so every Markdown body has the same words as the MkDocs, Pelican and Hugo copies: only the
link syntax differs (ours links by identity: `player:ID`, `page:SLUG`). The page set is the
anchors' one mapped onto our model:

  /                  the home page: a summary (`overview`) with the anchor home's Markdown
  /timeline/         E events from facts/events.yaml, each with the anchor event's words
  /players/          the players index, made by our template from facts/players.yaml
  /players/<id>/     N players; each bio is the anchor player page's Markdown
  /what-happened/, /why-it-matters/, /what-next/   the three ~450-word summaries

Our build adds two pages the anchors do not have (/sources/ and 404.html), and each player page
also lists that player's events, so our output is larger than the anchors' for the same input.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_ANCHOR_GEN = REPO.parent / "shared" / "bench" / "gen_anchor_content.py"
SEED = 20240601  # the anchors' seed (ANCHORS.md)


@dataclass(frozen=True)
class Size:
    """One anchor workload size: N players and E events."""

    name: str
    players: int
    events: int


SIZES = {
    "micro": Size("micro", 20, 30),
    "mid": Size("mid", 1000, 2000),
    "large": Size("large", 10000, 20000),
}

SUMMARY_DESCRIPTIONS = {
    "what-happened": "What happened, in order, and who was involved.",
    "why-it-matters": "Why the story matters and to whom.",
    "what-next": "What is expected to happen next.",
}

# A plain URL path of the anchors' "hugo-plain" format, e.g. "](/players/ana-garcia/)".
_PLAIN_LINK = re.compile(r"\]\((/[^)\s]*)\)")
_BUILTIN = {"": "page:home", "timeline": "page:timeline", "players": "page:players"}


def parse_sizes(text: str) -> list[Size]:
    """`micro,mid` to the Size records; raise ValueError naming an unknown size."""
    sizes = []
    for name in (part.strip() for part in text.split(",") if part.strip()):
        if name not in SIZES:
            raise ValueError(f"unknown size {name!r}; choose from {', '.join(SIZES)}")
        sizes.append(SIZES[name])
    return sizes


def load_anchor_generator(path: Path = DEFAULT_ANCHOR_GEN) -> ModuleType:
    """Import gen_anchor_content.py from its path (it is shared, not part of this repo)."""
    if not path.is_file():
        raise FileNotFoundError(
            f"anchor generator not found: {path}\n"
            "    hint: pass --anchor-gen PATH to gen_anchor_content.py"
        )
    spec = importlib.util.spec_from_file_location("gen_anchor_content", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def identity_links(markdown: str) -> str:
    """Rewrite the anchors' plain URL paths into our identity links."""

    def replace(match: re.Match[str]) -> str:
        path = match.group(1).strip("/")
        if path in _BUILTIN:
            target = _BUILTIN[path]
        elif path.startswith("players/"):
            target = "player:" + path.removeprefix("players/")
        else:
            target = "page:" + path
        return f"]({target})"

    return _PLAIN_LINK.sub(replace, markdown)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: str) -> str:
    """A YAML literal block scalar holding Markdown."""
    lines = text.rstrip("\n").split("\n")
    return "|\n" + "".join(f"{indent}{line}\n" if line else "\n" for line in lines)


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def _date(event: dict[str, Any]) -> str:
    return f"{event['y']:04d}-{event['m'] + 1:02d}-{event['d']:02d}"


def _quote(text: str, words: int = 8) -> str:
    """The first words of a paragraph: a quote that occurs verbatim in the source text."""
    return " ".join(text.split()[:words])


def site_yaml(gen: ModuleType, as_of: str) -> str:
    """site.yaml: one side per affiliation, the anchors' navigation."""
    sides = "".join(f"  - id: {_slug(a)}\n    label: {_q(a)}\n" for a in gen.AFFIL)
    nav = ["home", "timeline", "players", "what-happened", "why-it-matters", "what-next"]
    return (
        'title: "Explainer"\n'
        'description: "Synthetic benchmark explainer (gen_workload.py)."\n'
        "language: en\n"
        'base_url: "/"\n'
        f"as_of: {as_of}\n"
        "publisher:\n"
        '  name: "Bench desk"\n'
        "home: overview\n"
        f"sides:\n{sides}"
        "nav:\n" + "".join(f"  - {entry}\n" for entry in nav) + "  - sources\n"
    )


def sources_yaml(first: str) -> str:
    """sources.yaml: the one generated report every quote cites."""
    return (
        "- id: report\n"
        '  title: "Generated report"\n'
        f"  published: {first}\n"
        "  kind: report\n"
        '  note: "Synthetic text from gen_workload.py; see report.txt."\n'
    )


def player_entry(gen: ModuleType, player: dict[str, Any], n: int) -> str:
    """One players.yaml entry; the bio is the anchor player page's Markdown."""
    bio = identity_links(gen.player_body("hugo-plain", player, n))
    return (
        f"- id: {player['slug']}\n"
        f"  name: {_q(player['name'])}\n"
        f"  role: {_q(player['role'])}\n"
        "  kind: person\n"
        f"  side: {_slug(player['affil'])}\n"
        f"  affiliation: {_q(player['affil'])}\n"
        f"  summary: {_q(player['role'] + ', ' + player['affil'] + '.')}\n"
        f"  bio: {_block(bio, '    ')}"
        "  evidence:\n"
        "    - source: report\n"
        f"      quote: {_q(_quote(player['quote']))}\n"
        "\n"
    )


def event_entry(index: int, event: dict[str, Any]) -> str:
    """One events.yaml entry with the anchor timeline item's words and its player link."""
    body = f"{event['body']} Involving [{event['pname']}](player:{event['player']})."
    return (
        f"- id: event-{index + 1}\n"
        f"  date: {_date(event)}\n"
        f"  title: {_q(event['title'])}\n"
        f"  players: [{event['player']}]\n"
        f"  body: {_block(body, '    ')}"
        "  evidence:\n"
        "    - source: report\n"
        f"      quote: {_q(_quote(event['body']))}\n"
        "\n"
    )


def summary_file(title: str, slug: str, order: int, description: str, markdown: str) -> str:
    """A summary: front matter and Markdown."""
    return (
        f"---\ntitle: {_q(title)}\nslug: {slug}\norder: {order}\n"
        f"description: {_q(description)}\n---\n{identity_links(markdown)}"
    )


def write_workload(gen: ModuleType, size: Size, root: Path, seed: int = SEED) -> dict[str, Any]:
    """Write OUR content folder for one size under root; return a summary of what it holds."""
    players, events, summaries, home = gen.build_model(size.players, size.events, seed)
    name_of = {p["slug"]: p["name"] for p in players}
    if root.exists():
        shutil.rmtree(root)
    facts = root / "content" / "facts"
    facts.mkdir(parents=True)
    (root / "content" / "summaries").mkdir()
    files: dict[Path, str] = {
        root / "content" / "site.yaml": site_yaml(gen, _date(events[-1])),
        facts / "sources.yaml": sources_yaml(_date(events[0])),
        facts / "players.yaml": "".join(player_entry(gen, p, size.players) for p in players),
        facts / "events.yaml": "".join(event_entry(i, ev) for i, ev in enumerate(events)),
    }
    summaries_dir = root / "content" / "summaries"
    files[summaries_dir / "overview.md"] = summary_file(
        "Explainer",
        "overview",
        0,
        "Synthetic benchmark explainer.",
        gen.home_body("hugo-plain", home),
    )
    for order, s in enumerate(summaries, start=1):
        markdown = gen.summary_body("hugo-plain", s, name_of)
        files[summaries_dir / f"{s['slug']}.md"] = summary_file(
            s["title"], s["slug"], order, SUMMARY_DESCRIPTIONS[s["slug"]], markdown
        )
    # The source text: every paragraph a quote is taken from.
    files[root / "report.txt"] = (
        "\n\n".join([ev["body"] for ev in events] + [p["quote"] for p in players]) + "\n"
    )
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    markdown_bytes = sum(
        len(text.encode("utf-8")) for path, text in files.items() if path.suffix in {".md", ".yaml"}
    )
    return {
        "size": size.name,
        "players": size.players,
        "events": size.events,
        "seed": seed,
        "content_files": sum(1 for path in files if path.suffix in {".md", ".yaml"}),
        "content_bytes": markdown_bytes,
        "root": str(root),
    }


def write_anchor_formats(gen: ModuleType, size: Size, root: Path, seed: int = SEED) -> None:
    """Write the MkDocs, Pelican and Hugo copies with the anchor generator itself."""
    gen.main([str(size.players), str(size.events), str(root), "--seed", str(seed)])


def main(argv: list[str] | None = None) -> int:
    """Command line: write our workload for each requested size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="micro,mid", help="micro,mid,large (default micro,mid)")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="default bench/out")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--anchor-gen", type=Path, default=DEFAULT_ANCHOR_GEN)
    parser.add_argument(
        "--with-anchor-formats",
        action="store_true",
        help="also write the MkDocs, Pelican and Hugo copies beside ours",
    )
    args = parser.parse_args(argv)
    try:
        sizes = parse_sizes(args.sizes)
        gen = load_anchor_generator(args.anchor_gen)
    except (ValueError, OSError, ImportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for size in sizes:
        if args.with_anchor_formats:
            write_anchor_formats(gen, size, args.out / size.name, args.seed)
        print(json.dumps(write_workload(gen, size, args.out / size.name / "ours", args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
