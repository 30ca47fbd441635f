"""The timeline chart reads at every span: dates of every kind are drawn, the axis's step fits
the span, labels never overlap, the "as of" date and bursts are shown where they help.

The browser tests (tests/test_timeline_spans.py) measure the drawn labels; these check the
geometry itself, on every kind of date, quickly.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest

from site_builder.chart import timeline_chart
from site_builder.chartdata import (
    MAX_EVENTS,
    NARROW_PX,
    WIDE_PX,
    ChartEra,
    ChartEvent,
    TickSet,
    TimelineChart,
    svg_round,
)
from site_builder.clock import Clock
from site_builder.datefmt import DateFormatter
from site_builder.dateparse import parse_date
from site_builder.dates import FuzzyDate
from site_builder.i18n import Messages, parse_language
from site_builder.textwidth import text_width, wrap_label
from site_builder.timelineview import ChartWords


def _words(tag: str) -> DateFormatter:
    return DateFormatter(Messages(parse_language(tag)))


BRITISH, UKRAINIAN, ARABIC = _words("en-GB"), _words("uk"), _words("ar")

CAIRO = Clock("Africa/Cairo")
AS_OF = parse_date("2025-07-19")

# One of every kind of date the content model has, across every era.
EVERY_KIND = [
    "2025-07-19",
    "2025-07",
    "early 2025-06",
    "mid 2025-06",
    "late 2025-02",
    "2025-W30",
    "2025",
    "1815",
    "602",
    "79 AD",
    "300 BC",
    "-0299",
    "0000",
    "10000 BC",
    "+12000",
    "-0043-03-15",
    "2021-03-29 15:05",
    "2021-03-29 15:05:30",
    "2021-03-29 15:05/19:00",
    "2025-07-14/2025-07-18",
    "2025-05-16/2025-06-02",
    "2025-06/2025-07",
    "1815/2025",
    "27 BC/AD 14",
    "500 BC/300 BC",
]


def _event(
    event_id: str,
    date: str | None,
    status: str = "happened",
    lane: str | None = None,
    words: DateFormatter = BRITISH,
) -> ChartEvent:
    parsed = parse_date(date, CAIRO) if date is not None else None
    text = words.text(parsed) if parsed is not None else words.unknown()
    return ChartEvent(event_id, f"Event {event_id}", parsed, text, status, lane)


def _chart(
    dates: Sequence[str | None],
    as_of: FuzzyDate = AS_OF,
    eras: Sequence[ChartEra] = (),
    words: DateFormatter = BRITISH,
) -> TimelineChart:
    events = [_event(f"e{index}", date, words=words) for index, date in enumerate(dates)]
    ordered = sorted(events, key=lambda e: e.date.sort_key() if e.date else (2**62, 0))
    chart = timeline_chart(ordered, as_of, words.text(as_of), ChartWords(words), eras)
    assert chart is not None
    return chart


def _boxes(tick_set: TickSet, width: float, line: str) -> list[tuple[float, float]]:
    """Left and right in px of the tick labels (line "label") or of their context line, as
    chart.py estimates their widths."""
    boxes = []
    for tick in tick_set.ticks:
        text, anchor = (
            (tick.label, tick.anchor) if line == "label" else (tick.context, tick.context_anchor)
        )
        if not text:
            continue
        at, size = tick.x * width / 100, text_width(text)
        left = {"start": at, "middle": at - size / 2, "end": at - size}[anchor]
        boxes.append((left, left + size))
    return sorted(boxes)


def _assert_readable(chart: TimelineChart) -> None:
    widths = {"narrow": [NARROW_PX], "wide": [WIDE_PX], "all": [NARROW_PX, WIDE_PX]}
    for panel in chart.panels:
        assert panel.tick_sets, "an axis without ticks"
        for tick_set in panel.tick_sets:
            assert len(tick_set.ticks) >= 2, f"{tick_set.step}: fewer than two ticks"
            for width in widths[tick_set.media]:
                for line in ("label", "context"):
                    boxes = _boxes(tick_set, width, line)
                    for (_, right), (left, _) in itertools.pairwise(boxes):
                        assert right <= left, f"labels overlap at {width} px: {tick_set}"
                    assert all(left >= 0 and right <= width + 0.01 for left, right in boxes)
        for mark in panel.marks:
            assert 0 <= mark.x <= 100 and 0 < mark.width <= 100 and 0 <= mark.cx <= 100
            assert mark.y > panel.axis_y
        assert panel.rows_bottom <= panel.bottom <= chart.height


def test_rounding_works_on_python_3_11() -> None:
    """int.is_integer exists only from Python 3.12: whole numbers of either type round."""
    assert svg_round(5) == 5 and isinstance(svg_round(5), int)
    assert svg_round(2.0) == 2 and isinstance(svg_round(2.0), int)
    assert svg_round(1.25) == 1.2 and svg_round(99.96) == 100


LANGUAGES = {"en-GB": BRITISH, "uk": UKRAINIAN, "ar": ARABIC}


@pytest.mark.parametrize("tag", LANGUAGES)
@pytest.mark.parametrize("date", EVERY_KIND)
def test_a_chart_of_one_date_of_each_kind(date: str, tag: str) -> None:
    _assert_readable(_chart([date], words=LANGUAGES[tag]))


@pytest.mark.parametrize("tag", ["en-GB", "uk"])
@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(EVERY_KIND, 2)))
def test_a_chart_of_any_two_kinds_of_date(first: str, second: str, tag: str) -> None:
    """Every pair of kinds (a year and a range crossing eras, a time and a BC year...) is drawn
    on one axis with readable labels, in English and in Ukrainian (whose labels are longer):
    the Python 3.11 crash came from such a pair."""
    _assert_readable(_chart([first, second], words=LANGUAGES[tag]))


def test_dates_are_drawn_at_their_precision() -> None:
    """A day or a time is a dot, a range of days a bar, a month or week a hatched span."""
    chart = _chart(["2025-05-16", "2025-05-16/2025-06-02", "2025-07", "2025-W30"])
    shapes = {mark.id: mark.shape for mark in chart.main.marks}
    assert shapes == {"e0": "day", "e1": "range", "e2": "approximate", "e3": "approximate"}
    month = next(mark for mark in chart.main.marks if mark.id == "e2")
    ticks = {tick.label: tick.x for tick in chart.main.tick_sets[0].ticks}
    assert month.x == ticks["Jul"]  # the span starts on 1 July and covers the whole month
    assert chart.shapes == ("day", "range", "approximate")


@pytest.mark.parametrize(
    ("dates", "narrow", "wide"),
    [
        (["2021-03-29 06:12", "2021-03-29 20:15"], "6 hours", "2 hours"),
        (["2021-03-23 07:40", "2021-03-29 19:00"], "1 day", "1 day"),
        (["2025-05-16", "2025-07-27"], "1 month", "1 week"),
        (["2023-01-05", "2025-06-30"], "6 months", "3 months"),
        (["1975-03-01", "2025-06-30"], "10 years", "5 years"),
        (["1815", "2026"], "50 years", "20 years"),
        (["509 BC", "AD 14"], "200 years", "50 years"),
        (["3000 BC", "2025"], "2000 years", "500 years"),
        (["100000 BC", "2025"], "50000 years", "20000 years"),
    ],
)
def test_the_axis_step_is_chosen_from_the_span(dates: list[str], narrow: str, wide: str) -> None:
    """The finest calendar step whose labels fit, at the narrow and at the wide width."""
    chart = _chart(dates, as_of=parse_date(dates[-1].split(" ")[0]) if ":" in dates[-1] else AS_OF)
    steps = {tick_set.media: str(tick_set.step) for tick_set in chart.main.tick_sets}
    assert steps.get("narrow", steps.get("all")) == narrow
    assert steps.get("wide", steps.get("all")) == wide
    _assert_readable(chart)


def test_the_axis_is_never_finer_than_the_dates() -> None:
    """Two year-only events a year apart: ticks are years, not months."""
    chart = _chart(["2019", "2020"])
    assert {tick_set.step.unit.name for tick_set in chart.main.tick_sets} == {"YEAR"}


def test_the_as_of_date_is_a_line_inside_the_span_and_a_marker_outside() -> None:
    inside = _chart(["2025-07-01", "2025-07-30"], as_of=parse_date("2025-07-19"))
    assert inside.main.as_of is not None and inside.main.as_of.side == "inside"
    # Just after the last event: the axis stretches to show it as a line.
    near = _chart(["2025-06-01", "2025-07-01"], as_of=parse_date("2025-07-08"))
    assert near.main.as_of is not None and near.main.as_of.side == "inside"
    # Centuries later: a marker at the edge, and the axis ends with the events.
    far = _chart(["602", "700"], as_of=parse_date("2025-07-19"))
    assert far.main.as_of is not None and far.main.as_of.side == "after"
    assert far.main.as_of.x == 100
    assert {tick_set.step.count for tick_set in far.main.tick_sets} <= {10, 20, 50}
    before = _chart(["2030", "2031"], as_of=parse_date("2025-07-19"))
    assert before.main.as_of is not None and before.main.as_of.side == "before"


def test_an_ongoing_event_runs_on_to_the_as_of_date_or_the_edge() -> None:
    events = [_event("a", "2025-07-01", "ongoing"), _event("b", "2025-07-10")]
    inside = timeline_chart(events, AS_OF, "19 July 2025", ChartWords(BRITISH))
    assert inside is not None and inside.main.as_of is not None
    assert inside.main.marks[0].tail_x == inside.main.as_of.x
    far = timeline_chart(
        [_event("a", "1990", "ongoing"), _event("b", "1995")],
        AS_OF,
        "19 July 2025",
        ChartWords(BRITISH),
    )
    assert far is not None and far.main.marks[0].tail_x == 100


BACKSTORY = ["2016-03", "2017", "2018-08-15", "2018-09", "mid 2019-11", "2021-04-13/2021-07-07"]
INCIDENT = [
    "2021-03-23 07:40",
    "2021-03-23 09:00",
    "2021-03-24/2021-03-28",
    "2021-03-25 14:00",
    "2021-03-29 04:30",
    "2021-03-29 15:05",
    "2021-03-29 19:00",
]


def test_a_burst_inside_a_long_span_gets_an_inset_with_its_own_axis() -> None:
    chart = _chart(BACKSTORY + INCIDENT, as_of=parse_date("2021-09-01"))
    assert chart.inset is not None and chart.inset_count == len(INCIDENT)
    assert chart.main.bracket is not None and chart.main.bracket.count == len(INCIDENT)
    assert chart.main.bracket.span_text == "23\u2009–\u200929 March 2021"
    assert len(chart.main.marks) == len(BACKSTORY)  # each event is drawn once
    assert len(chart.inset.marks) == len(INCIDENT)
    inset_units = {tick_set.step.unit.name for tick_set in chart.inset.tick_sets}
    assert inset_units <= {"DAY", "HOUR"}
    # In the inset the burst's events are far apart: at least 5 % of the width between the
    # first and the last, where the main axis would have given them a fraction of one.
    xs = [mark.cx for mark in chart.inset.marks]
    assert max(xs) - min(xs) > 60
    _assert_readable(chart)


def test_no_inset_without_a_burst_or_when_zooming_would_not_separate_events() -> None:
    spread = [f"{1975 + year}-06-01" for year in range(50)]
    assert _chart(spread).inset is None
    same_day = [*["2025-07-19"] * 4, "2025-05-16", "2025-06-02", "2025-07-01", "2025-W30"]
    assert _chart(same_day).inset is None


def test_lanes_group_events_and_packed_marks_never_overlap() -> None:
    events = [
        _event(f"e{index}", f"{1975 + index // 4}-{index % 12 + 1:02d}", lane=lane)
        for index, lane in zip(range(200), itertools.cycle(["Metro", "Buses", "Trams"]))
    ]
    chart = timeline_chart(events, AS_OF, "19 July 2025", ChartWords(BRITISH))
    assert chart is not None and not chart.main.labelled  # too many to label: packed
    assert [lane.label for lane in chart.main.lanes] == ["Metro", "Buses", "Trams"]
    assert chart.lanes == ("Metro", "Buses", "Trams")
    rows: dict[float, list[tuple[float, float]]] = {}
    for mark in chart.main.marks:
        scale = NARROW_PX / 100
        rows.setdefault(mark.y, []).append(
            (mark.cx * scale - 5, mark.cx * scale + 5)
            if mark.shape == "day"
            else (mark.x * scale, (mark.x + mark.width) * scale)
        )
    for boxes in rows.values():
        for (_, right), (left, _) in itertools.pairwise(sorted(boxes)):
            assert right <= left, "two marks of one row overlap at the narrow width"
    _assert_readable(chart)


def test_eras_are_bands_with_titles_that_do_not_collide() -> None:
    eras = [
        ChartEra("a", "Rashidun Caliphate", *_moments("0632/0661")),
        ChartEra("b", "Umayyad Caliphate", *_moments("0661/0750")),
        ChartEra("c", "Abbasid", *_moments("0750/0800")),
    ]
    chart = _chart(["0632-06-08", "0680-10-10", "0750-01-25", "762"], eras=eras)
    bands = chart.main.eras
    assert [band.title for band in bands] == ["Rashidun Caliphate", "Umayyad Caliphate", "Abbasid"]
    assert [band.shade for band in bands] == [0, 1, 0]
    placed: dict[float, list[tuple[float, float]]] = {}
    for band in bands:
        at, size = band.label_x * NARROW_PX / 100, text_width(band.title)
        left = at if band.label_anchor == "start" else at - size
        placed.setdefault(band.label_y, []).append((left, left + size))
        assert left >= 0 and left + size <= NARROW_PX
    for boxes in placed.values():
        for (_, right), (left, _) in itertools.pairwise(sorted(boxes)):
            assert right <= left
    assert chart.eras == ("Rashidun Caliphate", "Umayyad Caliphate", "Abbasid")


def _moments(written: str) -> tuple[int, int]:
    date = parse_date(written)
    return date.start_moment(), date.end_moment()


def test_undated_events_are_counted_not_drawn_and_too_many_events_get_no_chart() -> None:
    chart = _chart(["2025-07-01", "2025-07-10", None])
    assert (chart.event_count, chart.drawn_count, chart.unknown_count) == (3, 2, 1)
    assert {mark.id for mark in chart.main.marks} == {"e0", "e1"}
    assert timeline_chart([_event("x", None)], AS_OF, "x", ChartWords(BRITISH)) is None
    many = [_event(f"e{n}", "2025-07-01") for n in range(MAX_EVENTS + 1)]
    assert timeline_chart(many, AS_OF, "x", ChartWords(BRITISH)) is None


def test_labels_wrap_and_never_overflow() -> None:
    """Long titles wrap onto two lines and end with an ellipsis when cut."""
    lines = wrap_label("word " * 40, 200)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line) <= 200 for line in lines)
    assert wrap_label("Short title", 200) == ("Short title",)
    assert wrap_label("Supercalifragilisticexpialidocious" * 3, 100)[0] != ""
