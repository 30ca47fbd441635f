"""The timeline's order and what a page of a split timeline is: events in timeline order, the
page budget, the bytes each part of a timeline page is estimated to weigh, a part of the
timeline and events in runs by period.

`Site` orders its events and splits its timeline with these. No IO here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from site_builder.model import Event
from site_builder.periods import Period, Step

# Every page's HTML and CSS stays under this many bytes (build reports pages over it).
PAGE_BUDGET = 50 * 1024
# What a timeline page weighs besides its events (header, navigation, footer, chart frame and
# key, the embed code, stylesheet), and what each event adds besides its words (list entry,
# JSON-LD item, chart mark, media): measured on the default theme, so that a timeline is split
# before a page outgrows the budget (tests/test_timeline_spans.py holds the pages of 200 events
# to it).
PAGE_BYTES = 22_600
EVENT_BYTES = 560
CITATION_BYTES = 190  # the list item and the source's numbered mark
STANDING_BYTES = 300  # badge, explanation, JSON-LD description, chart label of a standing
CORRECTION_BYTES = 300  # a correction's paragraph and its CorrectionComment
PLAYER_BYTES = 70
MEDIA_BYTES = 130  # a figure and its caption, or a link in the list of media
ERA_BYTES = 700
# A chart's inset (insets.find_burst): its heading, axis and bracket, and each era's band again.
INSET_BYTES = 2_800
INSET_ERA_BYTES = 300
# Past this many events a page is no longer a page a reader can use, however light.
TIMELINE_PAGE_EVENTS = 150


def text_bytes(text: str | None) -> int:
    """Bytes of a text on a page (UTF-8: a Cyrillic letter is two)."""
    return len(text.encode("utf-8")) if text else 0


@dataclass(frozen=True)
class TimelinePart:
    """One page of a split timeline: its URL slug, the periods it runs over, its events."""

    slug: str
    first: Period | None  # None: the whole timeline on one page
    last: Period | None
    events: tuple[Event, ...]


def timeline_part(first: Period, last: Period, events: tuple[Event, ...]) -> TimelinePart:
    slug = first.slug() if first == last else f"{first.slug()}-{last.slug()}"
    return TimelinePart(slug, first, last, events)


def by_period(events: Sequence[Event], step: Step) -> list[tuple[Period, list[Event]]]:
    """Events in runs by the period of `step` their start falls in; an undated event, or one
    placed after another, stays with the event before it."""
    runs: list[tuple[Period, list[Event]]] = []
    waiting: list[Event] = []  # undated events before any dated one
    for event in events:
        date = event.dated
        if date is not None and (event.after is None or not runs):
            start = step.floor(date.start_moment())
            period = Period(start, step.next(start), step)
            if not runs or runs[-1][0] != period:
                runs.append((period, []))
        if runs:
            runs[-1][1].extend([*waiting, event])
            waiting.clear()
        else:
            waiting.append(event)
    return runs


def order_events(events: Sequence[Event]) -> tuple[Event, ...]:
    """Events in timeline order: by the dates' ordering rule (dates.py), ties in file order,
    undated events last; an event with `after` comes right after the event it names (events
    after the same one in date order). References `after` cannot follow (unknown ids, cycles:
    reported by validate.py) leave an event where its date puts it."""
    ids = {event.id for event in events}
    placed_after = [e for e in events if e.after is not None and e.after in ids and e.after != e.id]
    followers: dict[str, list[Event]] = {}
    for event in sorted(placed_after, key=_event_key):
        followers.setdefault(event.after or "", []).append(event)
    anchored = {id(event) for event in placed_after}
    ordered: list[Event] = []
    seen: set[int] = set()
    roots = sorted((event for event in events if id(event) not in anchored), key=_event_key)
    for root in roots:
        stack = [root]
        while stack:  # depth first, without recursion: chains of `after` can be long
            event = stack.pop()
            if id(event) in seen:
                continue
            seen.add(id(event))
            ordered.append(event)
            stack.extend(reversed(followers.get(event.id, [])))
    # Events in a cycle of `after` (reported by validate.py) keep their date's place at the end.
    ordered += [event for event in events if id(event) not in seen]
    return tuple(ordered)


def _event_key(event: Event) -> tuple[int, int, int]:
    date = event.dated
    if date is None:
        return (1, 0, 0)
    start, end = date.sort_key()
    return (0, start, end)
