"""What a reference may name, and the problem for one that names nothing.

The ids of each kind (every id, when the kind's file could not be read), drafts, the records to
check (with what passed of those that failed their fields), and "unknown ..." with a did-you-mean.
"""

from __future__ import annotations

from collections.abc import Iterable

from site_builder.errors import Problem, closest
from site_builder.model import Event, Origin, Player
from site_builder.site import Site


def unknown(
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


def drafts_of(site: Site, kind: str) -> frozenset[str]:
    return frozenset(site.draft_ids(kind))


class _EveryId(set[str]):
    """Stands for every id, for a kind whose fact file could not be read at all."""

    def __contains__(self, item: object) -> bool:
        return True


def ids_of(site: Site, kind: str) -> set[str]:
    return _EveryId() if site.accepts_any(kind) else site.known_ids(kind)


def events_and_players(site: Site) -> tuple[list[Event], list[Player]]:
    """Every event and player to check, with what passed of those that failed their fields."""
    events = [*site.events, *(r for r in site.partial if isinstance(r, Event))]
    players = [*site.players, *(r for r in site.partial if isinstance(r, Player))]
    return events, players
