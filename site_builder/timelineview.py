"""The timeline as views: sections by era, groups by a period that fits their span, the clock
note, and the chart's geometry with the words it writes."""

from __future__ import annotations

from collections.abc import Sequence

from site_builder.chart import timeline_chart
from site_builder.chartdata import ChartEra, ChartEvent, TimelineChart
from site_builder.datefmt import DateFormatter
from site_builder.dates import FuzzyDate
from site_builder.model import Era, Event
from site_builder.periods import Period, Step, grouping_step, period_of
from site_builder.site import Site
from site_builder.viewdata import EraView, PeriodGroup, TimelineSection, era_scope
from site_builder.views import ViewBuilder
from site_builder.viewwords import status_label


def timeline_sections(
    views: ViewBuilder, events: Sequence[Event] | None = None
) -> list[TimelineSection]:
    """Events (all of them unless given) in timeline order, in sections by era and, inside
    each section, in groups by a period that fits the section's span (hours to centuries:
    the days of an incident are listed by day even inside a story of years)."""
    events = views.site.events_in_order() if events is None else list(events)
    eras: list[tuple[Era | None, bool, list[Event]]] = []  # (era, undated, events)
    for index, event in enumerate(events):
        # An event placed after another is listed with it; undated ones at the end.
        if event.after is None or index == 0:
            era, undated = views.site.era_of(event), event.dated is None
        if not eras or eras[-1][:2] != (era, undated):
            eras.append((era, undated, []))
        eras[-1][2].append(event)
    sections: list[tuple[Era | None, list[tuple[Period | None, list[Event]]]]] = []
    for era, undated, members in eras:
        step = grouping_step(*_span_of(members))
        runs: list[tuple[Period | None, list[Event]]] = []
        period: Period | None = None
        for index, event in enumerate(members):
            date = event.dated
            if not undated and date is not None and (event.after is None or index == 0):
                period = period_of(date, step)
            if not runs or runs[-1][0] != period:
                runs.append((period, []))
            runs[-1][1].append(event)
        if sections and sections[-1][0] is era:
            sections[-1][1].extend(runs)
        else:
            sections.append((era, runs))
    anchors: set[str] = set()  # a year can open groups in two eras: ids stay unique
    return [
        TimelineSection(
            era_view(views, era) if era is not None else None,
            tuple(_period_group(views, period, run, era, anchors) for period, run in runs),
        )
        for era, runs in sections
    ]


def _period_group(
    views: ViewBuilder,
    period: Period | None,
    events: list[Event],
    era: Era | None,
    anchors: set[str],
) -> PeriodGroup:
    shown = tuple(views.event(event) for event in events)
    anchor = f"when-{period.slug() if period is not None else 'undated'}"
    if anchor in anchors:
        anchor = f"{anchor}-{era.id}" if era is not None else f"{anchor}-{len(anchors)}"
    anchors.add(anchor)
    if period is None:  # events with no date yet
        return PeriodGroup(views.dates.unknown(), None, anchor, shown)
    return PeriodGroup(views.dates.period(period), period.machine(), anchor, shown)


def era_view(views: ViewBuilder, era: Era) -> EraView:
    """An era's view."""
    return EraView(
        id=era.id,
        title=era.title,
        date=views.date(FuzzyDate(era.start.start, era.end.end or era.end.start)),
        body_html=views.markdown.render(era.body, era_scope(era.id)) if era.body else "",
    )


def clock_note(views: ViewBuilder, events: Sequence[Event]) -> str | None:
    """The sentence saying which clock the times of these events are on, when any has a
    time of day."""
    timed = [e.dated for e in events if e.dated is not None and e.dated.has_time]
    if not timed:
        return None
    return views.dates.clock(views.site.config.timezone, timed[0].start.offset)


def _span_of(events: Sequence[Event]) -> tuple[int, bool]:
    """Seconds from the first dated event's start to the last one's (one event: its length),
    and whether any has a time of day: what a list's grouping unit is chosen from."""
    dates = [event.dated for event in events if event.dated is not None]
    if not dates:
        return 0, False
    starts = [date.start_moment() for date in dates]
    span = max(starts) - min(starts)
    if len(dates) == 1:
        span = dates[0].end_moment() - dates[0].start_moment()
    return span, any(date.has_time for date in dates)


def chart_view(
    site: Site, views: ViewBuilder, events: Sequence[Event] | None = None
) -> TimelineChart | None:
    """Geometry of the timeline overview SVG (see chart.py), or None without dated events."""
    dates, lanes = views.dates, site.config.timeline.lanes

    def title(event: Event) -> str:
        # The chart's labels are part of an image: the standing is said in words there too,
        # first, so that a long title cut short at the chart's width never cuts it off.
        standing = views.verification(event)
        if standing is None:
            return event.title
        return views.messages.text(
            "chart_label_standing", "%(standing)s: %(title)s", title=event.title,
            standing=standing.label,
        )  # fmt: skip

    chart_events = [
        ChartEvent(
            event.id,
            title(event),
            event.dated,
            dates.text(event.date),
            event.status,
            event.lane
            if lanes == "lane"
            else status_label(views.messages, event.status)
            if lanes == "status"
            else None,
            event.verification,
        )
        for event in (site.events_in_order() if events is None else events)
    ]
    eras = [
        ChartEra(era.id, era.title, era.start.start_moment(), era.end.end_moment())
        for era in site.eras
    ]
    as_of = site.config.as_of
    label = views.messages.text("chart_as_of", "As of %(when)s", when=dates.text(as_of))
    return timeline_chart(chart_events, as_of, label, ChartWords(dates), eras)


class ChartWords:
    """What the timeline chart writes, in the site's language: its dates from the site's
    DateFormatter, its few sentences from the catalogue (chart.py measures both to lay them
    out, so they are made before it draws)."""

    def __init__(self, dates: DateFormatter) -> None:
        self.dates = dates
        self.messages = dates.messages

    def tick(self, step: Step, boundary: int) -> str:
        """An axis label (see DateFormatter.tick)."""
        return self.dates.tick(step, boundary)

    def tick_context(self, step: Step, boundary: int, since: int | None = None) -> str | None:
        """The line under an axis label (see DateFormatter.tick_context)."""
        return self.dates.tick_context(step, boundary, since)

    def span(self, start: int, end: int) -> str:
        """A stretch of time (see DateFormatter.span)."""
        return self.dates.span(start, end)

    def inset_heading(self, span: str) -> str:
        """The heading of a burst's inset."""
        return self.messages.text("chart_inset_heading", "In detail: %(span)s", span=span)

    def burst_where(self, span: str) -> str:
        """Where a burst is, over its bracket."""
        return self.messages.text("chart_burst_span", "%(span)s:", span=span)

    def burst_count(self, count: int) -> str:
        """How many events of a burst the inset draws again."""
        return self.messages.plural_text(
            "chart_burst_count",
            "%(num)s event, drawn again below",
            "%(num)s events, drawn again below",
            count,
        )
