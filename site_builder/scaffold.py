"""Start an explainer (`init`) and add entries to it (`new`).

`new` appends text to the end of a fact file and never round-trips YAML, so the author's
comments, quoting and layout stay byte for byte what they wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.content import EVENTS_FILE, PLAYERS_FILE, SOURCES_FILE, read_config_quietly
from site_builder.errors import ContentError, Problem, UsageError
from site_builder.fieldtypes import is_slug, suggest_slug
from site_builder.model import Event, Player, Record, Source
from site_builder.pagekinds import BUILTIN_PLAN
from site_builder.records import parse_fact_list, parse_summary

KINDS = ("event", "player", "source", "summary")

# Ids already in a file, found without parsing it (a file with a YAML error still has ids).
_ID_LINE = re.compile(r"^[ \t-]*id:[ \t]*[\"']?([A-Za-z0-9_-]+)", re.MULTILINE)
_SLUG_LINE = re.compile(r"^slug:[ \t]*[\"']?([A-Za-z0-9_-]+)", re.MULTILINE)
_ORDER_LINE = re.compile(r"^order:[ \t]*(-?\d+)", re.MULTILINE)
_ITEM_INDENT = re.compile(r"^([ \t]*)-[ \t]", re.MULTILINE)

_FACT_FILES: dict[str, tuple[str, type[Record]]] = {
    "event": (EVENTS_FILE, Event),
    "player": (PLAYERS_FILE, Player),
    "source": (SOURCES_FILE, Source),
}


@dataclass(frozen=True)
class Added:
    """Where `new` put an entry: the file, the line its first field is on, and its id."""

    path: Path
    line: int
    kind: str
    id: str


# --------------------------------------------------------------------------------------- init


def starter_files(today: date) -> dict[str, str]:
    """The files of a minimal explainer that builds as it is, by path inside the new folder."""
    day = today.isoformat()
    return {
        ".gitignore": "# The built site: `site-builder build` writes it, deploy publishes it.\n"
        "_site/\n",
        "content/site.yaml": _SITE_YAML.format(day=day),
        "content/facts/sources.yaml": _SOURCES_YAML.format(day=day),
        "content/sources/example-report.txt": _SOURCE_TEXT,
        "content/facts/players.yaml": _PLAYERS_YAML,
        "content/facts/events.yaml": _EVENTS_YAML.format(day=day),
        "content/facts/updates.yaml": _UPDATES_YAML.format(day=day),
        "content/summaries/overview.md": _OVERVIEW_MD,
    }


def init_project(target: Path, today: date | None = None) -> list[Path]:
    """Write a starter explainer into `target` (new or empty); return the files written."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder\n    hint: choose a new folder name")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(
            f"{target} is not empty: init only writes into a new or empty folder\n"
            "    hint: choose a new folder name, e.g. `site-builder init my-explainer`"
        )
    written = []
    for relative, text in starter_files(today or date.today()).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------- new


def new_entry(
    content: Path, kind: str, entry_id: str | None = None, today: date | None = None
) -> Added:
    """Append a templated entry of `kind` with a fresh id to its file; return where it went."""
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}': choose one of {', '.join(KINDS)}")
    if not content.is_dir():
        raise UsageError(
            f"content folder not found: {content}\n"
            "    hint: run from the explainer's folder, pass --content PATH, or start one with "
            "`site-builder init DIR`"
        )
    day = (today or date.today()).isoformat()
    config = read_config_quietly(content)
    if kind == "summary":
        return _new_summary(content, entry_id, day)
    relative, model = _FACT_FILES[kind]
    path = content / relative
    # Bytes, not read_text: universal newlines would hide the file's CRLF line ends.
    try:
        text = path.read_bytes().decode("utf-8") if path.exists() else ""
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text\n    hint: save it as UTF-8") from None
    new_id = _choose_id(kind, entry_id, set(_ID_LINE.findall(text)))
    sources = _ids_in(content / SOURCES_FILE)
    entry = entry_text(kind, new_id, day, config, sources)
    indent = _item_indent(text)
    if indent:
        entry = "".join(
            indent + line if line.strip() else line for line in entry.splitlines(keepends=True)
        )
    prefix = _separator(text)
    line = (text + prefix).count("\n") + 1
    newline = "\r\n" if "\r\n" in text else "\n"
    addition = (prefix + entry).replace("\n", newline)
    _check_appended(model, text + addition, str(path), new_id, line)
    with path.open("a", encoding="utf-8", newline="") as stream:
        stream.write(addition)
    return Added(path, line, kind, new_id)


def entry_text(
    kind: str, entry_id: str, day: str, config: SiteConfig | None, sources: list[str]
) -> str:
    """The YAML text of a new entry: valid as it is, with TODO marks where the author writes."""
    if kind == "event":
        source = sources[0] if sources else "SOURCE-ID"
        return _EVENT_ENTRY.format(id=entry_id, day=day, source=source)
    if kind == "player":
        groups = [group.id for group in config.groups] if config is not None else []
        group = (
            f"  group: {groups[0]:<24}# one of site.yaml's groups: {', '.join(groups)}\n"
            if groups
            else "  # group: GROUP-ID              # optional: one of site.yaml's groups\n"
        )
        source = sources[0] if sources else "SOURCE-ID"
        return _PLAYER_ENTRY.format(id=entry_id, group=group, source=source)
    if kind == "source":
        return _SOURCE_ENTRY.format(id=entry_id, day=day)
    raise ValueError(f"no fact-file template for {kind!r}")


def fresh_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... : the first one not taken."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _choose_id(kind: str, entry_id: str | None, taken: set[str]) -> str:
    if entry_id is None:
        return fresh_id("new-page" if kind == "summary" else f"new-{kind}", taken)
    if not is_slug(entry_id):
        suggestion = suggest_slug(entry_id, f"new-{kind}")
        raise UsageError(
            f"'{entry_id}' is not a URL-safe id\n"
            f"    hint: use lowercase letters, digits and hyphens, e.g. {suggestion!r}"
        )
    if entry_id in taken or (kind == "summary" and entry_id in BUILTIN_PLAN.reserved_slugs()):
        raise UsageError(
            f"the {kind} id '{entry_id}' is already taken\n"
            f"    hint: choose another, or leave out --id to get {fresh_id(entry_id, taken)!r}"
        )
    return entry_id


def _new_summary(content: Path, entry_id: str | None, day: str) -> Added:
    folder = content / "summaries"
    pages = sorted(folder.glob("*.md")) if folder.is_dir() else []
    texts = [page.read_text(encoding="utf-8") for page in pages]
    taken = {page.stem for page in pages} | set(BUILTIN_PLAN.reserved_slugs())
    taken |= {slug for text in texts for slug in _SLUG_LINE.findall(text)}
    slug = _choose_id("summary", entry_id, taken)
    orders = [int(order) for text in texts for order in _ORDER_LINE.findall(text)]
    text = _SUMMARY_PAGE.format(slug=slug, order=max(orders, default=0) + 1)
    path = folder / f"{slug}.md"
    problems: list[Problem] = []
    parse_summary(text, str(path), problems)
    if problems:  # our template is wrong: say so rather than write a broken page
        raise ContentError(problems)
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as stream:
        stream.write(text)
    return Added(path, 1, "summary", slug)


def _ids_in(path: Path) -> list[str]:
    try:
        return _ID_LINE.findall(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []


def _item_indent(text: str) -> str:
    """The indentation of the file's list items, so an indented list stays one list."""
    match = _ITEM_INDENT.search("\n".join(line for line in text.splitlines() if line.strip()))
    return match.group(1) if match else ""


def _separator(text: str) -> str:
    """What goes between the file's last byte and the new entry: end the line, then a blank."""
    if not text.strip():
        return "" if not text or text.endswith("\n") else "\n"
    ending = "" if text.endswith("\n") else "\n"
    return ending if (text + ending).endswith("\n\n") else ending + "\n"


def _check_appended(model: type[Record], text: str, path: str, new_id: str, line: int) -> None:
    """Refuse to append when the file would not read the new entry as a list item."""
    problems: list[Problem] = []
    records = parse_fact_list(model, text, path, problems)
    if any(getattr(record, "id", None) == new_id for record in records):
        return
    raise ContentError(
        [
            Problem(
                path,
                "cannot append a new entry here: the file is not a block list of '- id:' items",
                line,
                1,
                "write the existing items as '- id: ...' blocks (an empty list is an empty file, "
                "not '[]'), and fix the problems `site-builder check` reports, then run new again",
            )
        ]
    )


# ---------------------------------------------------------------------------------- templates

_SITE_YAML = """\
# The explainer's settings. Every field is described in docs/content-model.md of site_builder.
title: "A new explainer"
description: "One sentence for search engines and link previews."
language: en-GB                  # BCP 47: words, dates ("19 July 2025") and <html lang>
kind: explainer                  # explainer, history, live, news, analysis or reportage
base_url: "/"                    # for a GitHub project page: "https://USER.github.io/REPO/"
as_of: {day}                # the "as of" date shown on every page
publisher:                       # who publishes the explainer
  name: "Explainer desk"
  url: null                      # optional
home: overview                   # the slug of the summary used as the home page
# groups:                        # optional: how the players page groups players, in order
#   - id: group-a
#     label: Group A
nav:                             # built-in pages (home, timeline, players, sources) and slugs
  - home
  - timeline
  - players
  - sources
# cname: explainer.example.org   # optional custom domain: `site-builder deploy` writes CNAME
# markdown_extensions:           # optional: Python-Markdown extensions, as in MkDocs; without
#   - footnotes                  # it, the set under "Markdown dialect" in docs/content-model.md
#   - smarty
"""

_SOURCES_YAML = """\
# Where facts come from. Add one with `site-builder new source`.
# kind: report (the story's own reporting) or context (background added by the desk).

- id: example-report             # URL-safe id; evidence cites it as `source: example-report`
  title: "The report this explainer rests on"
  kind: report
  published: {day}          # a date: 2025-07-19, 2025-07, early 2025-07, 2025-W30, 2025, A/B
  publisher: null                # optional
  url: null                      # optional: where readers can find it; quotes link to their words
  text: sources/example-report.txt   # its words: every quote citing it is checked against them
"""

_SOURCE_TEXT = """\
Replace this file with the full text of the report, as published. Every quote that cites the
report must be found here, for example: words copied verbatim from the source.
"""

_PLAYERS_YAML = """\
# The people, governments, organisations and places in the story.
# Add one with `site-builder new player`; each gets a page at /players/ID/.

- id: example-person             # URL-safe id; the page is /players/example-person/
  name: "Example Person"
  role: "What they do in the story"
  kind: person                   # person, organisation, government, place or object
  summary: "One line for the players index."
  evidence:                      # what the facts about this player rest on
    - source: example-report
      quote: "words copied verbatim from the source"
"""

_EVENTS_YAML = """\
# The timeline: what happened, is happening or is proposed, in any order.
# Add one with `site-builder new event`.

- id: example-event              # URL-safe id; the anchor is /timeline/#example-event
  date: {day}               # as precise as the source allows: 2025-07, early 2025-07, 2025
  title: "Something happened"
  status: happened               # happened, ongoing, proposed, postponed or cancelled
  key: true                      # listed among the key facts on the home page
  players: [example-person]
  body: |                        # optional Markdown; link by identity: (player:ID), (event:ID)
    What happened, in a few sentences. [Example Person](player:example-person) said so.
  evidence:
    - source: example-report
      quote: "words copied verbatim from the source"
      said_by: example-person    # optional: the player who said the quoted words
"""

_UPDATES_YAML = """\
# Optional: the explainer's change log, newest last: the updates page and the feed.
# kind: update, correction or clarification; facts: the events and players it concerns (a
# correction is shown beside each of them); sources: the sources it rests on.

- date: {day}
  kind: update
  summary: "First published."
"""

_OVERVIEW_MD = """\
---
title: What happened
slug: overview
order: 1
description: "One sentence for search engines and link previews."
---
Write the story's summary here, in Markdown. Link to facts by identity:
[Example Person](player:example-person) took part in
[the example event](event:example-event), according to [the report](source:example-report).
The [timeline](page:timeline) lists every event.
"""

_EVENT_ENTRY = """\
- id: {id}
  date: {day}               # TODO: as precise as the source allows: 2025-07, early 2025-07
  title: "TODO: what happened, in one line"
  # draft: true                  # keeps it off the site while you write it
  status: happened               # happened, ongoing, proposed, postponed or cancelled
  players: []                    # TODO: ids from facts/players.yaml, e.g. [some-player]
  # evidence:                    # TODO: what this rests on
  #   - source: {source}
  #     quote: "words copied verbatim from the source"
  # verification: unconfirmed    # or disputed: readers see a badge; no evidence needed yet
"""

_PLAYER_ENTRY = """\
- id: {id}
  name: "TODO: full name"
  role: "TODO: what they do in the story"
  kind: person                   # person, organisation, government, place, object
{group}\
  summary: "TODO: one line for the players index."
  # draft: true                  # keeps it off the site while you write it
  # evidence:                    # TODO: what the facts about this player rest on
  #   - source: {source}
  #     quote: "words copied verbatim from the source"
"""

_SOURCE_ENTRY = """\
- id: {id}
  title: "TODO: the source's title"
  kind: context                  # report (the story's own reporting) or context (background)
  published: {day}          # TODO: when it was published
  publisher: null                # optional
  url: null                      # optional: where readers can find it; quotes link to their words
  # archived_url: https://web.archive.org/...   # optional: a copy kept by an archive
  # retrieved: {day}        # optional: when you read it at url
  # text: sources/{id}.txt       # its words, in a UTF-8 file: quotes citing it are checked
"""

_SUMMARY_PAGE = """\
---
title: "TODO: the page's title"
slug: {slug}
order: {order}
description: "TODO: one sentence for search engines and link previews."
---
TODO: write this page in Markdown. Link to facts by identity, e.g. the [timeline](page:timeline).
Add '{slug}' to `nav` in site.yaml to list the page in the navigation.
"""
