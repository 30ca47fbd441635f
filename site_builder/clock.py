"""The timeline's clock: the time zone times of day are read in and shown in.

`Clock` is the site's `timezone` (or none); `check_zone` accepts an IANA zone name that exists
and suggests one for a typo; `on_clock` puts a written time, with or without a UTC offset, on
the clock, refusing the times a change of summer time skips or repeats.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import zoneinfo
from dataclasses import dataclass

from site_builder.dates import MINUTES_PER_HOUR, DateSyntaxError, offset_text, quoted


@dataclass(frozen=True)
class Clock:
    """The time zone times of day are read in and shown in: the site's `timezone`, if any.

    `known` is False when site.yaml could not be read: times without an offset are then taken
    as they are instead of being reported a second time for a missing time zone.
    """

    zone: str | None = None
    known: bool = True


_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{2}):(?P<minutes>\d{2})", re.ASCII)

_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", re.ASCII)


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def check_zone(name: str) -> str:
    """An IANA time zone name that exists (`Africa/Cairo`, `UTC`); raise DateSyntaxError if not."""
    if len(name) <= 64 and _ZONE_NAME.fullmatch(name):
        try:
            _zone(name)
            return name
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
    if re.fullmatch(r"(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?", name.strip(), re.IGNORECASE):
        raise DateSyntaxError(
            f"{quoted(name)} is an offset, not a time zone",
            "write a time zone name such as Europe/Lisbon (it knows summer time), or leave "
            "timezone out and write the offset on each time: 2021-03-29 15:05+02:00",
        )
    close = difflib.get_close_matches(name, sorted(_zone_names()), n=1, cutoff=0.6)
    raise DateSyntaxError(
        f"{quoted(name)} is not a time zone",
        f"did you mean '{close[0]}'?"
        if close
        else "write an IANA time zone name such as Europe/Lisbon, Africa/Cairo or UTC",
    )


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def read_offset(value: str, zone: str) -> int:
    if zone == "Z":
        return 0
    match = _OFFSET.fullmatch(zone)
    if match is None:
        raise DateSyntaxError(
            f"{quoted(value)}: {quoted(zone)} is not a UTC offset",
            "write the offset as +HH:MM or -HH:MM (e.g. +02:00), or Z for UTC",
        )
    hours, minutes = int(match["hours"]), int(match["minutes"])
    if hours > 14 or minutes > 59 or (hours == 14 and minutes):
        raise DateSyntaxError(
            f"{quoted(value)}: {zone} is not a UTC offset (they run from -12:00 to +14:00)",
            "check the offset for a typo",
        )
    sign = 1 if match["sign"] == "+" else -1
    return sign * (hours * MINUTES_PER_HOUR + minutes)


def offset_minutes(delta: dt.timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds()) // 60


def on_clock(value: str, written: dt.datetime, offset: int | None, clock: Clock) -> dt.datetime:
    """The written time on the timeline's clock (aware, except when no clock can be known)."""
    zone = _zone(clock.zone) if clock.zone else None
    if offset is not None:
        aware = written.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
        if zone is None:
            return aware
        try:
            return aware.astimezone(zone)
        except OverflowError:
            raise DateSyntaxError(
                f"{quoted(value)} falls outside the years 1 to 9999 in {clock.zone}",
                "check the date",
            ) from None
    if zone is None:
        if not clock.known:
            return written
        raise DateSyntaxError(
            f"{quoted(value)} has a time of day but no time zone",
            "add the site's time zone to site.yaml (timezone: Africa/Cairo), or write the UTC "
            "offset on the time, e.g. 2021-03-29 15:05+02:00",
        )
    earlier, later = written.replace(tzinfo=zone, fold=0), written.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        back = earlier.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
        if back != written:
            raise DateSyntaxError(
                f"{quoted(value)} does not exist in {clock.zone}: the clocks went forward "
                "that night",
                "check the time, or write the UTC offset the source gives (e.g. +02:00)",
            )
        first, second = (
            offset_text(offset_minutes(earlier.utcoffset())),
            offset_text(offset_minutes(later.utcoffset())),
        )
        raise DateSyntaxError(
            f"{quoted(value)} happened twice in {clock.zone}: the clocks went back that night",
            f"write the UTC offset to say which: {value}{first} or {value}{second}",
        )
    return earlier
