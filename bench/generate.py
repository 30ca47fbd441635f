#!/usr/bin/env python3
"""Write the benchmark workload: our content tree and, on request, the peers' copies.

Usage:  python3 bench/generate.py --players N --events E --out DIR [--seed S]
                                  [--layout split|single] [--peers]

Writes DIR/content/ (site.yaml, facts/, summaries/) and DIR/report.txt, the text of the one
generated source, so that both `site-builder check` and `site-builder check --source-text
report=report.txt` pass. With `--peers` it also writes the MkDocs, Pelican and Hugo sites of
the same N and E under DIR/peers/ (the anchor generator's own output).

The text comes from the anchor generator (../shared/bench/gen_anchor_content.py, imported, same
seed), so every Markdown body has the same words as the MkDocs, Pelican and Hugo copies: only the
link syntax differs (ours links by identity: `player:ID`, `page:SLUG`). The page set is the
anchors' one mapped onto our model:

  /                  the home page: a summary (`overview`) with the anchor home's Markdown
  /timeline/         E events, each with the anchor event's words
  /players/          the players index, made by our template from the players
  /players/<id>/     N players; each bio is the anchor player page's Markdown
  /what-happened/, /why-it-matters/, /what-next/   the three ~450-word summaries

Layouts: `split` (the default) keeps the facts as a newsroom with thousands of them would,
facts/players/<first letter of id>.yaml and facts/events/<year>.yaml; `single` writes one
facts/players.yaml and one facts/events.yaml. Both build the same pages; where a page
lists players in file order (the players index, the sitemap), the order differs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import re
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_ANCHOR_GEN = REPO.parent / "shared" / "bench" / "gen_anchor_content.py"
SEED = 20240601  # the anchors' seed (ANCHORS.md)
LAYOUTS = ("split", "single")
PEER_FORMATS = ("mkdocs", "pelican", "hugo")  # the generator also writes two Hugo variants

SUMMARY_DESCRIPTIONS = {
    "what-happened": "What happened, in order, and who was involved.",
    "why-it-matters": "Why the story matters and to whom.",
    "what-next": "What is expected to happen next.",
}

# A plain URL path of the anchors' "hugo-plain" format, e.g. "](/players/ana-garcia/)".
_PLAIN_LINK = re.compile(r"\]\((/[^)\s]*)\)")
_BUILTIN = {"": "page:home", "timeline": "page:timeline", "players": "page:players"}


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
    """site.yaml: one group per affiliation, the anchors' navigation."""
    groups = "".join(f"  - id: {_slug(a)}\n    label: {_q(a)}\n" for a in gen.AFFIL)
    nav = ["home", "timeline", "players", "what-happened", "why-it-matters", "what-next"]
    return (
        'title: "Explainer"\n'
        'description: "Synthetic benchmark explainer (bench/generate.py)."\n'
        "language: en\n"
        'base_url: "/"\n'
        f"as_of: {as_of}\n"
        "publisher:\n"
        '  name: "Bench desk"\n'
        "home: overview\n"
        f"groups:\n{groups}"
        "nav:\n" + "".join(f"  - {entry}\n" for entry in nav) + "  - sources\n"
    )


def sources_yaml(first: str) -> str:
    """sources.yaml: the one generated report every quote cites."""
    return (
        "- id: report\n"
        '  title: "Generated report"\n'
        f"  published: {first}\n"
        "  kind: report\n"
        '  note: "Synthetic text from bench/generate.py; see report.txt."\n'
    )


def player_entry(gen: ModuleType, player: dict[str, Any], n: int) -> str:
    """One player of a fact list; the bio is the anchor player page's Markdown."""
    bio = identity_links(gen.player_body("hugo-plain", player, n))
    return (
        f"- id: {player['slug']}\n"
        f"  name: {_q(player['name'])}\n"
        f"  role: {_q(player['role'])}\n"
        "  kind: person\n"
        f"  group: {_slug(player['affil'])}\n"
        f"  affiliation: {_q(player['affil'])}\n"
        f"  summary: {_q(player['role'] + ', ' + player['affil'] + '.')}\n"
        f"  bio: {_block(bio, '    ')}"
        "  evidence:\n"
        "    - source: report\n"
        f"      quote: {_q(_quote(player['quote']))}\n"
        "\n"
    )


def event_entry(index: int, event: dict[str, Any]) -> str:
    """One event of a fact list, with the anchor timeline item's words and its player link."""
    body = f"{event['body']} Involving [{event['pname']}](player:{event['player']})."
    return (
        f"- id: {event_id(index)}\n"
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


def player_file(player_id: str, layout: str) -> str:
    """The fact file, relative to content/, that holds one player."""
    return f"facts/players/{player_id[0]}.yaml" if layout == "split" else "facts/players.yaml"


def event_file(event: dict[str, Any], layout: str) -> str:
    """The fact file, relative to content/, that holds one event."""
    return f"facts/events/{event['y']:04d}.yaml" if layout == "split" else "facts/events.yaml"


def event_id(index: int) -> str:
    """The id of the index-th event (0-based) of the model."""
    return f"event-{index + 1}"


def fact_files(
    gen: ModuleType, players: list[dict[str, Any]], events: list[dict[str, Any]], layout: str
) -> dict[str, str]:
    """Every fact file of the layout, relative to content/, with its text (in model order)."""
    files: dict[str, list[str]] = {"facts/sources.yaml": [sources_yaml(_date(events[0]))]}
    for player in players:
        entry = player_entry(gen, player, len(players))
        files.setdefault(player_file(player["slug"], layout), []).append(entry)
    for index, event in enumerate(events):
        files.setdefault(event_file(event, layout), []).append(event_entry(index, event))
    return {path: "".join(parts) for path, parts in files.items()}


@dataclass(frozen=True)
class Workload:
    """What write_workload wrote, and which entries a benchmark edits to time a rebuild."""

    root: Path
    players: int
    events: int
    seed: int
    layout: str
    content_files: int
    content_bytes: int
    # One player (its bio) and one event (its title) in the middle of the model.
    player_id: str
    player_file: Path
    event_id: str
    event_file: Path

    def summary(self) -> dict[str, Any]:
        """A JSON-ready dict of the fields."""
        fields = asdict(self).items()
        return {key: str(value) if isinstance(value, Path) else value for key, value in fields}


def write_workload(
    gen: ModuleType, players: int, events: int, root: Path, seed: int = SEED, layout: str = "split"
) -> Workload:
    """Write our content tree (root/content/, root/report.txt) for N players and E events."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUTS)}")
    model_players, model_events, summaries, home = gen.build_model(players, events, seed)
    name_of = {p["slug"]: p["name"] for p in model_players}
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    files = {
        content / path: text
        for path, text in fact_files(gen, model_players, model_events, layout).items()
    }
    files[content / "site.yaml"] = site_yaml(gen, _date(model_events[-1]))
    summaries_dir = content / "summaries"
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
        "\n\n".join([ev["body"] for ev in model_events] + [p["quote"] for p in model_players])
        + "\n"
    )
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    player = model_players[len(model_players) // 2]
    middle = len(model_events) // 2
    return Workload(
        root=root,
        players=players,
        events=events,
        seed=seed,
        layout=layout,
        content_files=sum(1 for path in files if path.suffix in {".md", ".yaml"}),
        content_bytes=sum(
            len(text.encode("utf-8"))
            for path, text in files.items()
            if path.suffix in {".md", ".yaml"}
        ),
        player_id=player["slug"],
        player_file=content / player_file(player["slug"], layout),
        event_id=event_id(middle),
        event_file=content / event_file(model_events[middle], layout),
    )


def write_peers(gen: ModuleType, players: int, events: int, root: Path, seed: int = SEED) -> Any:
    """Write the MkDocs, Pelican and Hugo sites under root with the anchor generator itself.

    Returns the generator's JSON summary (it prints one; kept for the report).
    """
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        gen.main([str(players), str(events), str(root), "--seed", str(seed)])
    return json.loads(printed.getvalue().strip().splitlines()[-1])


# --------------------------------------------------------------------------- edits

BIO_WORDS = ("## Background", "## Context")  # a heading word of every player's bio
EDITED = " (edited)"


def _entry(text: str, item_id: str) -> tuple[int, int]:
    """Start and end offsets of one `- id: ITEM` entry of a fact list."""
    start = text.find(f"- id: {item_id}\n")
    if start < 0:
        raise ValueError(f"no entry with id {item_id!r}")
    # Entries start at column 0; everything inside one (bio, body) is indented.
    end = text.find("\n- id: ", start)
    return start, len(text) if end < 0 else end


def edit_player_bio(text: str, player_id: str) -> str:
    """Change one word of a player's bio; calling it again changes it back."""
    start, end = _entry(text, player_id)
    entry = text[start:end]
    old, new = BIO_WORDS if BIO_WORDS[0] in entry else BIO_WORDS[::-1]
    return text[:start] + entry.replace(old, new, 1) + text[end:]


_TITLE = re.compile(r'^(  title: ".*?)((?: \(edited\))?)"$', re.MULTILINE)


def edit_event_title(text: str, item_id: str) -> str:
    """Change an event's title; calling it again changes it back."""
    start, end = _entry(text, item_id)
    entry = _TITLE.sub(
        lambda match: f'{match.group(1)}{"" if match.group(2) else EDITED}"', text[start:end], 1
    )
    return text[:start] + entry + text[end:]


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Command line: write our content tree (and the peers' trees) for N players, E events."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--players", type=int, required=True, metavar="N")
    parser.add_argument("--events", type=int, required=True, metavar="E")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--seed", type=int, default=SEED, help=f"default {SEED}, the anchors'")
    parser.add_argument("--layout", choices=LAYOUTS, default="split", help="default split")
    parser.add_argument(
        "--peers", action="store_true", help="also write the MkDocs, Pelican and Hugo sites"
    )
    parser.add_argument("--anchor-gen", type=Path, default=DEFAULT_ANCHOR_GEN)
    args = parser.parse_args(argv)
    if args.players < 1 or args.events < 1:
        parser.error("--players and --events must be at least 1")
    try:
        gen = load_anchor_generator(args.anchor_gen)
    except (OSError, ImportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    workload = write_workload(gen, args.players, args.events, args.out, args.seed, args.layout)
    summary = workload.summary()
    if args.peers:
        summary["peers"] = write_peers(
            gen, args.players, args.events, args.out / "peers", args.seed
        )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
