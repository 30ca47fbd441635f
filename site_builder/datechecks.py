"""Checks of the timeline's dates across records: unknown dates only on events that have not
happened, `after` placements (overlapping dates, no circles), eras, and one clock for times
written at different offsets."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from site_builder.dates import FuzzyDate, offset_text
from site_builder.errors import Problem
from site_builder.model import UNDATED_STATUSES, Event, Origin
from site_builder.references import unknown
from site_builder.site import Site


def check_event_dates(site: Site) -> Iterator[Problem]:
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


def check_placements(site: Site) -> Iterator[Problem]:
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
                yield unknown("event", event.after, events, event.origin, "after")
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


def check_eras(site: Site) -> Iterator[Problem]:
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


def check_clock(site: Site) -> Iterator[Problem]:
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
