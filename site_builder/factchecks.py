"""Checks of what facts rest on: every fact cites evidence unless marked unconfirmed or disputed,
no `TODO` placeholder is left, quotes occur in the text of the source they cite; the report of
how each source's quotes fared, and the facts left to verify."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from site_builder.errors import Problem, count_of
from site_builder.model import MAY_BE_UNCITED, Event, Evidence, Player, Record, Source
from site_builder.references import events_and_players
from site_builder.site import Site


def check_uncited_facts(site: Site) -> Iterator[Problem]:
    """Every fact shown cites evidence, unless it is marked unconfirmed or disputed."""
    events, players = events_and_players(site)
    for kind, records in (("event", events), ("player", players)):
        for record in records:
            if record.evidence or record.verification in MAY_BE_UNCITED:
                continue
            if {"evidence", "verification", "draft"} & record.origin.failed:
                continue  # what decides it failed its own checks, already reported
            line, column = record.origin.at("id")
            name = getattr(record, "id", None)
            yield Problem(
                record.origin.path,
                f"{kind} '{name}' cites no evidence" if name else f"this {kind} cites no evidence",
                line,
                column,
                "add evidence: the source it rests on and the words quoted from it "
                '(evidence: [{source: ID, quote: "..."}]); if it is not confirmed yet, mark it '
                "verification: unconfirmed (readers see a badge saying so), or draft: true to "
                "keep it off the site",
            )


# A placeholder `site-builder new` writes into a field for the author to replace ("TODO: ..."),
# or a bare "TODO"; a text that merely starts with the word ("TODO lists ...") is not one.
_PLACEHOLDER = re.compile(r"\s*TODO(?::|\s*$)")


def check_placeholders(site: Site) -> Iterator[Problem]:
    """Every `TODO` placeholder left in a field of a published entry, or in a summary."""
    events, players = events_and_players(site)
    sources = [*site.sources, *(r for r in site.partial if isinstance(r, Source))]
    for record in [*sources, *players, *events]:
        for where, value in _text_fields(record):
            if _PLACEHOLDER.match(value):
                line, column = record.origin.at(*where)
                yield _placeholder_problem(record.origin.path, line, column, where, value)
    for summary in site.summaries:
        for name in ("title", "description"):
            value = getattr(summary.meta, name, "")
            if isinstance(value, str) and _PLACEHOLDER.match(value):
                line, column = summary.meta.origin.at(name)
                yield _placeholder_problem(summary.path, line, column, (name,), value)
        for offset, text in enumerate(summary.markdown.splitlines()):
            if _PLACEHOLDER.match(text):
                where = ("the text",)
                yield _placeholder_problem(summary.path, summary.body_line + offset, 1, where, text)


def _text_fields(record: Record) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, text) of every text value of a record, nested lists and records included."""
    stack: list[tuple[tuple[str | int, ...], object]] = [((), record)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, Record):
            stack += [((*where, name), item) for name, item in value.__dict__.items()]
        elif isinstance(value, list):
            stack += [((*where, index), item) for index, item in enumerate(value)]


def _placeholder_problem(
    path: str, line: int, column: int, where: tuple[str | int, ...], value: str
) -> Problem:
    field_name = next((part for part in reversed(where) if isinstance(part, str)), "field")
    shown = value.strip()
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    return Problem(
        path,
        f"'{field_name}' still holds the placeholder {shown!r}",
        line,
        column,
        "replace the TODO with the real text (`site-builder new` wrote it), or mark the entry "
        "draft: true to keep it off the site until it is done",
    )


@dataclass(frozen=True)
class SourceQuotes:
    """How the quotes citing one source fared against its text."""

    source: Source
    text_path: str | None  # where its text was read from; None when it has none
    quotes: int  # quotes citing it
    verified: int  # of those, found in its text
    notes: int  # evidence citing it with a note and no quote


def _cited(site: Site) -> Iterator[tuple[Event | Player, int, Evidence]]:
    """Every piece of evidence of the published facts (and of partial records)."""
    events, players = events_and_players(site)
    records: list[Event | Player] = [*events, *players]
    for record in records:
        for index, item in enumerate(record.evidence):
            yield record, index, item


def quote_report(site: Site) -> list[SourceQuotes]:
    """Per source, in file order: how many quotes cite it and how many were found in its text."""
    counts = {source.id: [0, 0, 0] for source in site.sources}
    for _, _, item in _cited(site):
        tally = counts.get(item.source)
        if tally is None:
            continue
        if item.quote is None:
            tally[2] += 1
            continue
        tally[0] += 1
        index = site.text_index(item.source)
        if index is not None and index.find(item.quote) is not None:
            tally[1] += 1
    return [
        SourceQuotes(
            source,
            site.source_texts[source.id].path if source.id in site.source_texts else None,
            *counts[source.id],
        )
        for source in site.sources
    ]


@dataclass(frozen=True)
class ToVerify:
    """A fact shown as unconfirmed or disputed: readers see its badge until it is settled."""

    kind: str  # event or player
    name: str
    standing: str
    path: str
    line: int


def facts_to_verify(site: Site) -> list[ToVerify]:
    """The facts on the site whose standing lets them go uncited (unconfirmed, disputed), cited
    or not yet: what is left to verify, events then players, in file order."""
    found = []
    for kind, records in (("event", site.events), ("player", site.players)):
        for record in records:
            if record.verification in MAY_BE_UNCITED:
                origin = record.origin
                found.append(
                    ToVerify(kind, record.id, record.verification, origin.path, origin.line)
                )
    return sorted(found, key=lambda fact: (fact.kind != "event", fact.path, fact.line))


def unverified_quote_problems(site: Site) -> list[Problem]:
    """A problem for each source whose quotes cannot be checked, having no text (--strict)."""
    problems = []
    for report in quote_report(site):
        if report.text_path is not None or not report.quotes:
            continue
        source = report.source
        line, column = source.origin.at("id")
        problems.append(
            Problem(
                source.origin.path,
                f"{count_of(report.quotes, 'quote')} citing source '{source.id}' cannot be "
                "verified: the source has no text",
                line,
                column,
                f"add text: sources/{source.id}.txt to the source, with its words in that file "
                "(or pass --source-text ID=PATH to check)",
            )
        )
    return problems


def check_quotes(site: Site) -> list[Problem]:
    """Report quotes that do not occur in the text of the source they cite (compared as
    quotes.py says: NFC, white space collapsed), explaining a typographic near miss."""
    problems = []
    for record, index, item in _cited(site):
        text = site.text_index(item.source)
        if text is None or item.quote is None or text.find(item.quote) is not None:
            continue
        line, column = record.origin.at("evidence", index, "quote")
        path = site.source_texts[item.source].path
        shown = item.quote if len(item.quote) <= 60 else item.quote[:59] + "…"
        near = text.near_miss(item.quote)
        if near is not None:
            message = (
                f"quote differs from the text of source '{item.source}' ({path}): "
                f"{near.explain()}: {shown!r}"
            )
            hint = f"copy the source's words exactly: {near.source_words!r}"
        else:
            message = f"quote not found in the text of source '{item.source}' ({path}): {shown!r}"
            hint = (
                "copy the words character for character from the source, including "
                "typographic quotes (“ ” ’) and dashes (– —); line breaks and runs of spaces "
                "may differ"
            )
        problems.append(Problem(record.origin.path, message, line, column, hint))
    return problems
