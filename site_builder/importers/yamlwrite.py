"""The imported content written as YAML and Markdown that read back as the same values."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from site_builder.errors import ContentError
from site_builder.importers.slides import ImportOptions
from site_builder.yamlpos import parse_yaml

# --------------------------------------------------------------------------- writing YAML


def _yaml_list(items: list[dict[str, Any]], header: str) -> str:
    """A fact file: a comment, then each item as a block of `field: value` lines. The text is
    read back with the content reader and must give the items exactly: a bug here must never
    write an explainer that reads as something else."""
    blocks = ["\n".join(_yaml_mapping(item, "- ", "  ")) + "\n" for item in items]
    text = header + "\n" + "".join("\n" + block for block in blocks)
    read = parse_yaml(text, "<import>").data
    if (read or []) != items:
        raise AssertionError(f"the YAML written does not read back as written: {text[:200]!r}")
    return text


def _yaml_mapping(item: Mapping[str, Any], first: str, rest: str) -> list[str]:
    lines = []
    prefix = first
    for key, value in item.items():
        if isinstance(value, list):
            lines.append(f"{prefix}{key}:")
            for entry in value:
                lines.extend(_yaml_mapping(entry, rest + "  - ", rest + "    "))
        else:
            lines.append(f"{prefix}{key}: {_yaml_scalar(value, rest)}")
        prefix = rest
    return lines


_PLAIN_SAFE = re.compile(r"[^\W_][\w ._/'’-]*[\w.'’]|[^\W_]")
# Characters YAML reads as line breaks, which a double-quoted JSON string would carry raw.
_YAML_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\x85"}


def _yaml_scalar(value: Any, indent: str) -> str:
    """A value as YAML: a block of lines for multi-line text (readable, diffable), a plain word
    where the content reader gives it back as the same text, and a double-quoted string
    otherwise (JSON's escapes are YAML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if "\n" in text and _block_safe(text):
        lines = (f"{indent}  {line}" if line else "" for line in text.split("\n"))
        return "|-\n" + "\n".join(lines)
    if _PLAIN_SAFE.fullmatch(text) and _reads_back(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    for char, escape in _YAML_BREAKS.items():
        quoted = quoted.replace(char, escape)
    return quoted


def _reads_back(text: str) -> bool:
    """True when the content reader reads `text`, written plain, as the same text (not a
    number, a boolean, null or something else)."""
    try:
        data = parse_yaml(f"value: {text}\n", "<import>").data
    except ContentError:
        return False
    return isinstance(data, dict) and data.get("value") == text


def _block_safe(text: str) -> bool:
    """True when a literal block holds the text exactly: no leading space on its first line,
    no trailing spaces, no tabs or characters YAML reads as line breaks."""
    return (
        not text.startswith((" ", "\n"))
        and not text.endswith("\n")
        and not any(char in text for char in ("\r", "\t", "\u2028", "\u2029", "\x85"))
        and all(line == line.rstrip() for line in text.split("\n"))
    )


def _site_yaml(
    title: str,
    description: str,
    zone: str | None,
    options: ImportOptions,
    kind: str,
    name: str,
    has_time: bool,
) -> str:
    timezone = ""
    if zone is not None:
        comment = (
            "# the time zone of the times of day"
            if options.timezone
            else "# TimelineJS gives times of day no time zone: set the one they are in"
        )
        timezone = f"timezone: {zone}  {comment}\n"
    return (
        f"# Imported from {name} ({kind}) by `site-builder import timelinejs`.\n"
        "# Every field is described in docs/content-model.md of site_builder.\n"
        f"title: {_yaml_scalar(title, '')}\n"
        f"description: {_yaml_scalar(description, '')}\n"
        "language: en                     # the language of the timeline's text (BCP 47)\n"
        "kind: explainer                  # explainer, history, live, news, analysis or reportage\n"
        'base_url: "/"                    # or the address the site is published at\n'
        f"{timezone}"
        f'as_of: {options.today}               # the "as of" date shown on every page\n'
        "publisher:                       # who publishes the explainer\n"
        '  name: "Explainer desk"\n'
        "home: overview\n"
        "nav: [home, timeline, players, sources]\n"
    )


def _overview_md(title: str, description: str, overview: str) -> str:
    body = (
        overview or "The timeline lists every event in date order: [the timeline](page:timeline)."
    )
    return (
        "---\n"
        f"title: {_yaml_scalar(title, '')}\n"
        "slug: overview\n"
        "order: 1\n"
        f"description: {_yaml_scalar(description, '')}\n"
        "---\n"
        f"{body}\n"
    )
