"""Checks that span files: unique ids, references, Markdown links by identity, quotes.

Every check returns problems instead of raising, so one run shows the author every mistake.
Field-level checks (types, dates, unknown fields) already ran when the content was loaded.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from site_builder.dates import FuzzyDate, offset_text
from site_builder.errors import Problem, closest, count_of
from site_builder.i18n import LanguageError, parse_language
from site_builder.labels import check_labels
from site_builder.model import (
    FACT_KINDS,
    MAY_BE_UNCITED,
    UNDATED_STATUSES,
    Event,
    Evidence,
    Group,
    Origin,
    Player,
    PlayerKind,
    Record,
    Site,
    Source,
    Update,
    parse_fact_ref,
)
from site_builder.urls import LINK_SCHEMES

# Inline links [text](target "title") and reference definitions [label]: target
_INLINE_LINK = re.compile(r"\]\(\s*<?([^\s)>]+)")
# (a label is at most 999 characters, as in CommonMark; unbounded, a file of lines starting
# with '[' and no ']' made this search quadratic)
_REFERENCE_LINK = re.compile(r"^[ ]{0,3}\[[^\]]{1,999}\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)


@dataclass(frozen=True)
class MarkdownText:
    """A piece of Markdown and where its first line is, for locating links inside it."""

    text: str
    path: str
    line: int
    column: int

    def link_targets(self) -> Iterator[re.Match[str]]:
        """Every link target written in the text, inline or as a reference (group 1)."""
        yield from _INLINE_LINK.finditer(self.text)
        yield from _REFERENCE_LINK.finditer(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """File line and column of a character offset in the text."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return self.line + index, self.column + offset - self._line_starts[index]

    @cached_property
    def _line_starts(self) -> list[int]:
        # Built once per text: slicing the text for every broken link was quadratic.
        return [0, *(found.end() for found in re.finditer("\n", self.text))]


@dataclass(frozen=True)
class PageNames:
    """What the page plan (pages.py) tells validation about a site's pages."""

    nav: tuple[str, ...]  # the page kinds site.yaml's `nav` may list, besides summary slugs
    made: frozenset[str]  # of them, those this site has: `page:` links may name only these
    reserved: Mapping[str, tuple[str, str]]  # slugs a summary may not take: message and hint


def validate_site(site: Site, pages: PageNames) -> list[Problem]:
    """Run every cross-file check; return the problems found (empty when all is well)."""
    problems: list[Problem] = []
    problems += _duplicate_ids(site)
    problems += _references(site)
    problems += _uncited_facts(site)
    problems += _placeholders(site)
    problems += _updates(site)
    problems += _summary_slugs(site, pages)
    problems += _config_references(site, pages)
    problems += _event_dates(site)
    problems += _placements(site)
    problems += _eras(site)
    problems += _clock(site)
    targets = link_targets(site, pages)  # once: building it per Markdown text was quadratic
    for markdown in markdown_texts(site):
        problems += check_links(markdown, site, targets)
    problems += check_quotes(site)
    return problems


def _duplicate_ids(site: Site) -> Iterator[Problem]:
    for kind, records in (
        ("source", site.sources),
        ("player", site.players),
        ("event", site.events),
    ):
        seen: dict[str, Origin] = {}
        for record in records:
            first = seen.get(record.id)
            if first is None:
                seen[record.id] = record.origin
                continue
            line, column = record.origin.at("id")
            yield Problem(
                record.origin.path,
                f"duplicate {kind} id '{record.id}'",
                line,
                column,
                f"already used at {first.path}:{first.at('id')[0]}; ids must be unique: rename one",
            )


def _unknown(
    kind: str,
    value: str,
    known: Iterable[str],
    origin: Origin,
    *where: str | int,
    drafts: frozenset[str] = frozenset(),
) -> Problem:
    line, column = origin.at(*where)
    if value in drafts:
        return Problem(
            origin.path,
            f"{kind} '{value}' is a draft: it is not on the site",
            line,
            column,
            f"publish the {kind} (remove its 'draft: true') or leave it out here",
        )
    known = sorted(known)
    close = closest(value, known)
    hint = (
        f"did you mean '{close}'?"
        if close
        else (
            f"known {kind} ids: {', '.join(known)}"
            if known
            else f"there is no {kind} to refer to yet"
        )
    )
    return Problem(origin.path, f"unknown {kind} '{value}'", line, column, hint)


def _evidence_problems(
    site: Site, evidence: list[Evidence], origin: Origin, sources: set[str], players: set[str]
) -> Iterator[Problem]:
    for index, item in enumerate(evidence):
        if item.source not in sources:
            yield _unknown(
                "source", item.source, sources, origin, "evidence", index, "source",
                drafts=_drafts(site, "source"),
            )  # fmt: skip
        if item.said_by is not None and item.said_by not in players:
            yield _unknown(
                "player", item.said_by, players, origin, "evidence", index, "said_by",
                drafts=_drafts(site, "player"),
            )  # fmt: skip


def _drafts(site: Site, kind: str) -> frozenset[str]:
    return frozenset(site.draft_ids(kind))


class _EveryId(set[str]):
    """Stands for every id, for a kind whose fact file could not be read at all."""

    def __contains__(self, item: object) -> bool:
        return True


def _ids(site: Site, kind: str) -> set[str]:
    return _EveryId() if site.accepts_any(kind) else site.known_ids(kind)


def _events_and_players(site: Site) -> tuple[list[Event], list[Player]]:
    """Every event and player to check, with what passed of those that failed their fields."""
    events = [*site.events, *(r for r in site.partial if isinstance(r, Event))]
    players = [*site.players, *(r for r in site.partial if isinstance(r, Player))]
    return events, players


def _references(site: Site) -> Iterator[Problem]:
    sources = _ids(site, "source")
    players = _ids(site, "player")
    groups = {group.id for group in site.config.groups}
    kinds = site.config.kind_schema_types()
    events, cast = _events_and_players(site)
    for event in events:
        for index, player_id in enumerate(event.players):
            if player_id not in players:
                yield _unknown(
                    "player", player_id, players, event.origin, "players", index,
                    drafts=_drafts(site, "player"),
                )  # fmt: skip
        if event.date_source is not None and event.date_source not in sources:
            yield _unknown(
                "source", event.date_source, sources, event.origin, "date_source",
                drafts=_drafts(site, "source"),
            )  # fmt: skip
        yield from _evidence_problems(site, event.evidence, event.origin, sources, players)
    for player in cast:
        if player.group is not None and player.group not in groups:
            line, column = player.origin.at("group")
            close = closest(player.group, groups)
            hint = (
                f"did you mean '{close}'? (or add it to 'groups' in site.yaml)"
                if close
                else f"add it to 'groups' in site.yaml, or use one of: {', '.join(sorted(groups))}"
                if groups
                else "declare the groups in site.yaml under 'groups:' (id and label), or "
                "remove 'group' to list the player with everyone else"
            )
            yield Problem(player.origin.path, f"unknown group '{player.group}'", line, column, hint)
        if player.kind not in kinds:
            line, column = player.origin.at("kind")
            close = closest(player.kind, kinds)
            hint = (
                f"did you mean '{close}'? " if close else f"use one of {', '.join(kinds)}, or "
            ) + "declare a kind in site.yaml under 'kinds:' (id, label, schema)"
            yield Problem(
                player.origin.path, f"unknown kind of player '{player.kind}'", line, column, hint
            )
        yield from _evidence_problems(site, player.evidence, player.origin, sources, players)


def _uncited_facts(site: Site) -> Iterator[Problem]:
    """Every fact shown cites evidence, unless it is marked unconfirmed or disputed."""
    events, players = _events_and_players(site)
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


def _placeholders(site: Site) -> Iterator[Problem]:
    """Every `TODO` placeholder left in a field of a published entry, or in a summary."""
    events, players = _events_and_players(site)
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


def _updates(site: Site) -> Iterator[Problem]:
    """Facts and sources an update names must exist; a retracted fact needs its correction."""
    sources = _ids(site, "source")
    for update in site.updates:
        for index, ref in enumerate(update.facts):
            if site.fact(ref) is None and not _failed_to_load(site, ref):
                yield _fact_ref_problem(site, update, index, ref)
        for index, source_id in enumerate(update.sources):
            if source_id not in sources:
                yield _unknown(
                    "source", source_id, sources, update.origin, "sources", index,
                    drafts=_drafts(site, "source"),
                )  # fmt: skip
    for kind, records in (("event", site.events), ("player", site.players)):
        for record in records:
            if record.verification != "retracted" or any(
                entry.update.kind == "correction" for entry in site.corrections_of(kind, record.id)
            ):
                continue
            line, column = record.origin.at("verification")
            yield Problem(
                record.origin.path,
                f"{kind} '{record.id}' is retracted, but no correction names it",
                line,
                column,
                "add a correction to facts/updates.yaml saying what was wrong: "
                f'- date: ..., kind: correction, facts: [{record.id}], summary: "..."',
            )


def _failed_to_load(site: Site, ref: str) -> bool:
    """True when a fact reference may name an item that failed to load (already reported)."""
    kind, fact_id = parse_fact_ref(ref)
    kinds = [kind] if kind else list(FACT_KINDS)
    return any(site.accepts_any(k) or fact_id in site.unusable_ids.get(k, ()) for k in kinds)


def _fact_ref_problem(site: Site, update: Update, index: int, ref: str) -> Problem:
    kind, fact_id = parse_fact_ref(ref)
    line, column = update.origin.at("facts", index)
    event, player = fact_id in site.events_by_id, fact_id in site.players_by_id
    if kind is None and event and player:
        return Problem(
            update.origin.path,
            f"'{fact_id}' names both an event and a player",
            line,
            column,
            f"write event:{fact_id} or player:{fact_id}",
        )
    kinds = [kind] if kind else list(FACT_KINDS)
    drafts = {k for k in kinds if fact_id in site.draft_ids(k)}
    if drafts:
        return Problem(
            update.origin.path,
            f"{drafts.pop()} '{fact_id}' is a draft: it is not on the site",
            line,
            column,
            "publish it (remove its 'draft: true') or leave it out of this update",
        )
    known = set().union(*(site.known_ids(k) for k in kinds))
    close = closest(fact_id, sorted(known))
    return Problem(
        update.origin.path,
        f"unknown {kind or 'event or player'} '{fact_id}'",
        line,
        column,
        f"did you mean '{close}'?" if close else "name the id of an event or a player",
    )


def _summary_slugs(site: Site, pages: PageNames) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for summary in site.summaries:
        origin = summary.meta.origin
        line, column = origin.at("slug")
        if summary.slug in pages.reserved:
            message, hint = pages.reserved[summary.slug]
            yield Problem(summary.path, message, line, column, hint)
        if summary.slug in seen:
            yield Problem(
                summary.path,
                f"duplicate summary slug '{summary.slug}'",
                line,
                column,
                f"already used by {seen[summary.slug]}; slugs must be unique",
            )
        seen.setdefault(summary.slug, summary.path)


def _config_references(site: Site, pages: PageNames) -> Iterator[Problem]:
    config = site.config
    slugs = {summary.slug for summary in site.summaries}
    if config.home not in slugs:
        problem = _unknown("summary", config.home, slugs, config.origin, "home")
        if not slugs:
            problem = replace(
                problem,
                hint=f"add summaries/{config.home}.md with 'slug: {config.home}' in its "
                "front matter: it is the home page's text",
            )
        yield problem
    for index, entry in enumerate(config.nav or ()):
        if entry not in slugs and entry not in pages.nav:
            yield _unknown("page", entry, slugs | set(pages.nav), config.origin, "nav", index)
    declared: tuple[tuple[str, Sequence[Group | PlayerKind]], ...] = (
        ("groups", config.groups),
        ("kinds", config.kinds),
    )
    for field_name, items in declared:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                line, column = config.origin.at(field_name, index, "id")
                yield Problem(
                    config.origin.path,
                    f"duplicate {field_name[:-1]} id '{item.id}'",
                    line,
                    column,
                    f"each {field_name[:-1]} is listed once",
                )
            seen.add(item.id)
    yield from _language_and_labels(site)


def _language_and_labels(site: Site) -> Iterator[Problem]:
    """The language must be one CLDR knows; every `labels:` entry must name a real label."""
    config = site.config
    try:
        language = parse_language(config.language)
    except LanguageError as error:
        line, column = config.origin.at("language")
        yield Problem(config.origin.path, str(error), line, column, error.hint)
        return
    for problem in check_labels(config.labels, language):
        line, column = config.origin.at("labels", *problem.key)
        yield Problem(config.origin.path, problem.message, line, column, problem.hint)


def _event_dates(site: Site) -> Iterator[Problem]:
    """An unknown date only on an event that has not happened (proposed, postponed, cancelled)."""
    for event in site.events:
        if event.dated is None and event.status not in UNDATED_STATUSES:
            line, column = event.origin.at("date")
            yield Problem(
                event.origin.path,
                f"event '{event.id}' {_status_words(event.status)}, so its date is not unknown",
                line,
                column,
                "write the date as precisely as it is known (a year will do); 'unknown' is for "
                f"{', '.join(UNDATED_STATUSES[:-1])} or {UNDATED_STATUSES[-1]} events",
            )


def _status_words(status: str) -> str:
    return "happened" if status == "happened" else "is ongoing"


def _placements(site: Site) -> Iterator[Problem]:
    """`after` names another event whose date overlaps, and never leads round in a circle."""
    events = site.events_by_id
    for event in site.events:
        if event.after is None:
            continue
        line, column = event.origin.at("after")
        target = events.get(event.after)
        if event.after == event.id:
            yield Problem(
                event.origin.path,
                f"event '{event.id}' is placed after itself",
                line,
                column,
                "name the event this one comes right after",
            )
        elif target is None:
            if event.after not in site.known_ids("event") and not site.accepts_any("event"):
                yield _unknown("event", event.after, events, event.origin, "after")
        elif (
            event.dated is not None
            and target.dated is not None
            and not event.dated.overlaps(target.dated)
        ):
            yield Problem(
                event.origin.path,
                f"'after' can only order events whose dates overlap: '{event.id}' "
                f"({event.dated}) and '{target.id}' ({target.dated}) do not",
                line,
                column,
                "remove 'after': the dates already put these events in order",
            )
    yield from _placement_cycles(site)


def _placement_cycles(site: Site) -> Iterator[Problem]:
    events = site.events_by_id
    reported: set[str] = set()
    for event in site.events:
        if event.after == event.id:
            continue  # reported as placed after itself
        chain: list[str] = []
        current: Event | None = event
        while current is not None and current.after is not None and current.id not in chain:
            chain.append(current.id)
            current = events.get(current.after)
        if current is not None and current.id in chain and event.id == current.id:
            cycle = chain[chain.index(current.id) :]
            if reported.isdisjoint(cycle):
                reported.update(cycle)
                line, column = event.origin.at("after")
                yield Problem(
                    event.origin.path,
                    "events placed after one another in a circle: "
                    + " → ".join([*cycle, cycle[0]]),
                    line,
                    column,
                    "remove 'after' from one of them",
                )


def _eras(site: Site) -> Iterator[Problem]:
    """Eras start before they end and follow one another without overlapping; when site.yaml
    asks (timeline.eras_required), every dated event falls inside one."""
    ordered = sorted(site.eras, key=lambda era: era.start.sort_key())
    for era in site.eras:
        if era.end.end_moment() <= era.start.start_moment():
            line, column = era.origin.at("end")
            yield Problem(
                era.origin.path,
                f"era '{era.id}' ends ({era.end}) before it starts ({era.start})",
                line,
                column,
                "check the two dates; 'end' is the last date of the era",
            )
    for earlier, later in itertools.pairwise(ordered):
        shared = str(earlier.end) == str(later.start)  # one may start the day the other ends
        if later.start.start_moment() < earlier.end.end_moment() and not shared:
            line, column = later.origin.at("start")
            yield Problem(
                later.origin.path,
                f"era '{later.id}' starts ({later.start}) before era '{earlier.id}' "
                f"ends ({earlier.end})",
                line,
                column,
                "eras are phases that follow one another: end the first before the next "
                "starts (for threads that run side by side, give events a 'group': they are "
                "drawn in lanes)",
            )
    if not site.config.timeline.eras_required:
        return
    for event in site.events:
        if event.dated is not None and site.era_of(event) is None:
            line, column = event.origin.at("date")
            yield Problem(
                event.origin.path,
                f"event '{event.id}' ({event.dated}) falls outside every era",
                line,
                column,
                "add an era that covers it to facts/eras.yaml, or check the date; site.yaml's "
                "timeline.eras_required asks that every event fall inside an era",
            )


def _clock(site: Site) -> Iterator[Problem]:
    """Without a site time zone, times of day must share one UTC offset to be shown on one
    clock."""
    if site.config.timezone is not None:
        return
    first: tuple[Origin, int] | None = None
    for record, date, field_name in _dates(site):
        offset = date.start.offset
        if not date.has_time or offset is None:
            continue
        if first is None:
            first = (record.origin, offset)
            continue
        origin, expected = first
        if offset != expected:
            line, column = record.origin.at(field_name)
            yield Problem(
                record.origin.path,
                f"this time is at UTC{offset_text(offset)}, but the first time of the site "
                f"({origin.path}:{origin.at(field_name)[0]}) is at UTC{offset_text(expected)}",
                line,
                column,
                "times at different offsets need one clock to be shown on: add the site's "
                "time zone to site.yaml (e.g. timezone: Europe/Berlin), which knows summer time",
            )
            return


def _dates(site: Site) -> Iterator[tuple[Event, FuzzyDate, str]]:
    for event in site.events:
        if event.dated is not None:
            yield event, event.dated, "date"


def markdown_texts(site: Site) -> Iterator[MarkdownText]:
    """Every piece of Markdown in the site, with its position."""
    for summary in site.summaries:
        yield MarkdownText(summary.markdown, summary.path, summary.body_line, 1)
    for event in site.events:
        if event.body:
            line, column = event.origin.at("body")
            yield MarkdownText(event.body, event.origin.path, line, column)
    for player in site.players:
        if player.bio:
            line, column = player.origin.at("bio")
            yield MarkdownText(player.bio, player.origin.path, line, column)
    for era in site.eras:
        if era.body:
            line, column = era.origin.at("body")
            yield MarkdownText(era.body, era.origin.path, line, column)


def link_targets(site: Site, pages: PageNames) -> dict[str, set[str]]:
    """The ids each identity-link scheme can name."""
    return {
        "event": _ids(site, "event"),
        "player": _ids(site, "player"),
        "source": _ids(site, "source"),
        # A built-in page with nothing on it (no players, say) is not made.
        "page": {summary.slug for summary in site.summaries} | pages.made,
    }


def check_links(
    markdown: MarkdownText, site: Site, targets: dict[str, set[str]]
) -> Iterator[Problem]:
    """Report identity links (event:ID, player:ID, ...) whose target does not exist."""
    for match in markdown.link_targets():
        target = match.group(1)
        scheme, colon, name = target.partition(":")
        if not colon or scheme not in LINK_SCHEMES:
            continue
        if name not in targets[scheme]:
            line, column = markdown.position(match.start(1))
            if scheme != "page" and name in site.draft_ids(scheme):
                yield Problem(
                    markdown.path,
                    f"broken link '{target}': {scheme} '{name}' is a draft, not on the site",
                    line,
                    column,
                    f"publish the {scheme} (remove its 'draft: true') or link to something else",
                )
                continue
            close = closest(name, sorted(targets[scheme]))
            hint = (
                f"did you mean '{scheme}:{close}'?"
                if close
                else f"link to one of the {scheme} ids that exist"
            )
            yield Problem(
                markdown.path, f"broken link '{target}': no {scheme} '{name}'", line, column, hint
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
    events, players = _events_and_players(site)
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
