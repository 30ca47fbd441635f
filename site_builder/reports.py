"""What `check` and `import` tell the author, as lines of text: per source, how many of its
quotes were found in its text; the facts left to verify; what an import brought, dropped or
changed and what is left to do. Pure: the commands print these lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.errors import count_of

if TYPE_CHECKING:
    from site_builder.factchecks import SourceQuotes, ToVerify
    from site_builder.importers.slides import Imported as ImportResult


def describe_to_verify(facts: Sequence[ToVerify]) -> list[str]:
    """The facts readers see marked unconfirmed or disputed, each with its place."""
    if not facts:
        return []
    standings = Counter(fact.standing for fact in facts)
    counts = ", ".join(f"{count} {name}" for name, count in standings.most_common())
    return [
        f"Left to verify ({counts}): cite the evidence each rests on, then remove its "
        "'verification' (readers see a badge until then)",
        *(
            f"  {fact.path}:{fact.line}: {fact.kind} '{fact.name}' ({fact.standing})"
            for fact in facts
        ),
    ]


def describe_quotes(reports: Sequence[SourceQuotes]) -> list[str]:
    """Per source, how many of its quotes were found in its text, or why none could be."""
    from site_builder.quotes import NORMALISATION

    lines = [
        f"Quotes checked against their source's text (Unicode {NORMALISATION}, runs of white "
        "space read as one space):"
    ]
    unverified = 0
    for report in reports:
        name = report.source.id
        if not report.quotes:
            notes = f" ({count_of(report.notes, 'note')})" if report.notes else ""
            lines.append(f"  {name}: no quotes{notes}")
        elif report.text_path is None:
            unverified += 1
            lines.append(
                f"  {name}: {count_of(report.quotes, 'quote')} NOT verified: the source has no "
                "text (add text: PATH to it, or pass --source-text)"
            )
        else:
            lines.append(
                f"  {name}: {report.verified} of {count_of(report.quotes, 'quote')} found in "
                f"{report.text_path}"
            )
    if unverified:
        lines.append(
            f"{count_of(unverified, 'source')} with quotes that could not be verified: "
            "--strict fails on them"
        )
    return lines


def describe_import(
    imported: ImportResult, name: str, content: Path, written: list[Path], seconds: float
) -> list[str]:
    """The import's report: what was imported, what was not or was changed, what is left."""
    counts = ", ".join(
        count_of(number, noun)
        for number, noun in (
            (imported.events, "event"),
            (imported.eras, "era"),
            (imported.lanes, "lane"),
            (imported.images, "image"),
            (imported.links, "media link"),
        )
    )
    lines = [
        f"Imported {name} ({imported.kind}) into {content}: {counts} ({seconds:.2f} s)",
        f"  wrote {', '.join(str(path) for path in written)}",
    ]
    dropped = [note for note in imported.notes if note.dropped]
    changed = [note for note in imported.notes if not note.dropped]
    if dropped:
        lines.append(f"Not imported ({len(dropped)}):")
        lines += [f"  {note.where}: {note.message}" for note in dropped]
    if changed:
        lines.append(f"Changed on the way ({len(changed)}):")
        lines += [f"  {note.where}: {note.message}" for note in changed]
    lines.append("Left to do:")
    lines.append(
        f"  {count_of(imported.events, 'event')} marked 'verification: unconfirmed': add the "
        "evidence each rests on (a source and its quote), then remove the mark"
    )
    if imported.missing_alt:
        lines.append(
            f"  {count_of(imported.missing_alt, 'image')} without alt text, kept off the site "
            "('draft: true'): write 'alt' (what the picture shows), then remove 'draft'"
        )
    if imported.timezone is not None:
        lines.append(
            f"  times of day are read in {imported.timezone}: set 'timezone' in site.yaml to "
            "the zone they were written in, if it is another"
        )
    lines.append("  site.yaml: check the title, description, language and publisher")
    lines.append(f"Next: site-builder check --content {content}")
    return lines
