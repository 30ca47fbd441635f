"""Checks that span files: unique ids, references, slugs, Markdown links by identity; and
`validate_site`, which runs every check (dates in `datechecks`, evidence and quotes in
`factchecks`).

Every check returns problems instead of raising, so one run shows the author every mistake.
Field-level checks (types, dates, unknown fields) already ran when the content was loaded.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from site_builder.config import Group, PlayerKind
from site_builder.datechecks import check_clock, check_eras, check_event_dates, check_placements
from site_builder.errors import Problem, closest
from site_builder.factchecks import check_placeholders, check_quotes, check_uncited_facts
from site_builder.fieldtypes import FACT_KINDS, parse_fact_ref
from site_builder.i18n import LanguageError, parse_language
from site_builder.labels import check_labels
from site_builder.model import Evidence, Origin, Update
from site_builder.references import drafts_of, events_and_players, ids_of, unknown
from site_builder.site import Site
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
    problems += check_uncited_facts(site)
    problems += check_placeholders(site)
    problems += _updates(site)
    problems += _summary_slugs(site, pages)
    problems += _config_references(site, pages)
    problems += check_event_dates(site)
    problems += check_placements(site)
    problems += check_eras(site)
    problems += check_clock(site)
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


def _evidence_problems(
    site: Site, evidence: list[Evidence], origin: Origin, sources: set[str], players: set[str]
) -> Iterator[Problem]:
    for index, item in enumerate(evidence):
        if item.source not in sources:
            yield unknown(
                "source", item.source, sources, origin, "evidence", index, "source",
                drafts=drafts_of(site, "source"),
            )  # fmt: skip
        if item.said_by is not None and item.said_by not in players:
            yield unknown(
                "player", item.said_by, players, origin, "evidence", index, "said_by",
                drafts=drafts_of(site, "player"),
            )  # fmt: skip


def _references(site: Site) -> Iterator[Problem]:
    sources = ids_of(site, "source")
    players = ids_of(site, "player")
    groups = {group.id for group in site.config.groups}
    kinds = site.config.kind_schema_types()
    events, cast = events_and_players(site)
    for event in events:
        for index, player_id in enumerate(event.players):
            if player_id not in players:
                yield unknown(
                    "player", player_id, players, event.origin, "players", index,
                    drafts=drafts_of(site, "player"),
                )  # fmt: skip
        if event.date_source is not None and event.date_source not in sources:
            yield unknown(
                "source", event.date_source, sources, event.origin, "date_source",
                drafts=drafts_of(site, "source"),
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


def _updates(site: Site) -> Iterator[Problem]:
    """Facts and sources an update names must exist; a retracted fact needs its correction."""
    sources = ids_of(site, "source")
    for update in site.updates:
        for index, ref in enumerate(update.facts):
            if site.fact(ref) is None and not _failed_to_load(site, ref):
                yield _fact_ref_problem(site, update, index, ref)
        for index, source_id in enumerate(update.sources):
            if source_id not in sources:
                yield unknown(
                    "source", source_id, sources, update.origin, "sources", index,
                    drafts=drafts_of(site, "source"),
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
        problem = unknown("summary", config.home, slugs, config.origin, "home")
        if not slugs:
            problem = replace(
                problem,
                hint=f"add summaries/{config.home}.md with 'slug: {config.home}' in its "
                "front matter: it is the home page's text",
            )
        yield problem
    for index, entry in enumerate(config.nav or ()):
        if entry not in slugs and entry not in pages.nav:
            yield unknown("page", entry, slugs | set(pages.nav), config.origin, "nav", index)
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
        "event": ids_of(site, "event"),
        "player": ids_of(site, "player"),
        "source": ids_of(site, "source"),
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
