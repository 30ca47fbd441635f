"""Any language: the theme's words from one catalogue per language, dates from CLDR, plural forms,
overrides in site.yaml, and a walk through the whole catalogue so that no word is missed."""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli
from scratch import problems_of, write_site

from site_builder.build import BuildOptions, build_site
from site_builder.clock import Clock
from site_builder.datefmt import DateFormatter
from site_builder.dateparse import parse_date, parse_event_date
from site_builder.errors import closest
from site_builder.i18n import (
    LanguageError,
    Messages,
    catalogue_labels,
    parse_language,
    shipped_languages,
)
from site_builder.periods import (
    CENTURY,
    DAY,
    DECADE,
    HOUR,
    MILLENNIUM,
    MONTH,
    YEAR,
    Step,
    period_of,
)

sys.path.insert(0, str(ROOT / "tools"))
import catalogues

FIXTURES = ROOT / "tests" / "fixtures"
UKRAINIAN = FIXTURES / "i18n-uk"


def dates_in(tag: str) -> DateFormatter:
    return DateFormatter(Messages(parse_language(tag)))


# --------------------------------------------------------------------------- the catalogues


def test_catalogues_are_in_step_with_the_code_and_fully_translated() -> None:
    """Every message the templates and code use is in every catalogue, translated, and the
    committed .mo files are exactly what the .po files compile to (tools/catalogues.py)."""
    assert catalogues.problems() == []
    assert shipped_languages() == ["en", "uk"]


def test_translations_keep_their_placeholders_and_plural_forms() -> None:
    """Babel's checks: python-format placeholders match, and Ukrainian has its three forms."""
    from babel.messages.pofile import read_po

    for language in shipped_languages():
        path = ROOT / "site_builder" / "locale" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as file:
            catalogue = read_po(file, locale=language)
        errors = [(message.context, error) for message, error in catalogue.check() if error]
        assert errors == [], language
        if language == "uk":
            assert catalogue.num_plurals == 3


def test_a_count_takes_the_plural_form_of_its_language() -> None:
    english = Messages(parse_language("en"))
    ukrainian = Messages(parse_language("uk"))
    forms = ("event_count", "%(num)s event", "%(num)s events")
    assert [english.plural_text(*forms, n) for n in (1, 2)] == ["1 event", "2 events"]
    assert [ukrainian.plural_text(*forms, n) for n in (1, 2, 5, 11, 21, 22, 25)] == [
        "1 подія",
        "2 події",
        "5 подій",
        "11 подій",
        "21 подія",
        "22 події",
        "25 подій",
    ]


# --------------------------------------------------------------------------- dates from CLDR


@pytest.mark.parametrize(
    ("tag", "written", "shown"),
    [
        ("uk", "2021-03-23", "23 березня 2021\u202fр."),  # a day: the month in the genitive
        ("uk", "2022-03", "березень 2022\u202fр."),  # a month alone: the nominative
        ("uk", "early 2022-06", "на початку червня 2022\u202fр."),
        ("uk", "late 2022-06", "наприкінці червня 2022\u202fр."),
        ("uk", "2023-W36", "тиждень з 4 вересня 2023\u202fр."),
        ("uk", "2022-09-05/2022-11-18", "5 вересня\u00a0— 18 листопада 2022\u202fр."),
        ("en-GB", "2025-07-19", "19 July 2025"),
        ("en-GB", "mid 2025-06", "mid June 2025"),
        ("en-GB", "2025-W30", "week of 21 July 2025"),
        ("en-GB", "2025-07-14/2025-07-18", "14\u2009–\u200918 July 2025"),
        ("en-GB", "2025-05/2025-06", "May\u2009–\u2009June 2025"),
        ("en-GB", "2025-06/2025-07-02", "June 2025\u2009–\u20092 July 2025"),
        ("en", "2025-07-19", "July 19, 2025"),
        ("en", "2025-07-14/2025-07-18", "July 14\u2009–\u200918, 2025"),
        ("de", "2025-07-19", "19. Juli 2025"),
        ("de", "early 2025-07", "early Juli 2025"),  # no German catalogue: English words
    ],
)
def test_dates_are_written_from_cldr_at_their_precision(tag: str, written: str, shown: str) -> None:
    assert dates_in(tag).text(parse_date(written)) == shown


N, T = "\u202f", "\u2009–\u2009"  # CLDR's narrow no-break space ("2021 р.") and en-GB's dash


@pytest.mark.parametrize(
    ("tag", "written", "shown"),
    [
        ("uk", "2021-03-29 15:05", f"29 березня 2021{N}р., 15:05"),  # a time on the site clock
        ("uk", "2021-03-29 15:05/19:00", f"29 березня 2021{N}р., 15:05–19:00"),
        ("uk", "300 BC", "300 до н. е."),  # CLDR's era
        ("uk", "-0043-03-15", f"15 березня 44{N}р. до н. е."),
        ("uk", "500 BC/300 BC", f"500–300{N}рр. до н. е."),
        ("uk", "27 BC/AD 14", f"27{N}р. до н. е.\u00a0— 14{N}р. н. е."),  # both ends say their era
        ("uk", "+12000", "12\u00a0000"),  # a long year grouped as the language groups numbers
        ("en-GB", "2021-03-29 15:05/19:00", "29 March 2021, 15:05–19:00"),
        ("en-GB", "27 BC/AD 14", f"27 BC{T}14 AD"),
        ("en-GB", "+12000", "12,000"),
        ("en", "2021-03-29 15:05", "March 29, 2021, 3:05\u202fPM"),  # the language's own clock
    ],
)
def test_times_and_years_of_any_era_are_written_from_cldr(
    tag: str, written: str, shown: str
) -> None:
    assert dates_in(tag).text(parse_date(written, Clock("Europe/Kyiv"))) == shown


def test_a_date_not_set_and_the_clock_are_said_in_the_language() -> None:
    ukrainian = dates_in("uk")
    assert ukrainian.text(parse_event_date("unknown")) == "Дату не встановлено"
    assert ukrainian.date(parse_event_date("unknown")).parts[0][0] is None  # no <time>
    assert ukrainian.clock("Europe/Kyiv", 120) == "Час указано місцевий: Київ."
    assert ukrainian.clock(None, 120) == "Час указано за UTC+02:00."
    assert dates_in("en-GB").clock("Africa/Cairo", 120) == "Times are local time in Cairo."


@pytest.mark.parametrize(
    ("written", "step", "english", "ukrainian"),
    [
        (
            "2021-03-29 15:05",
            HOUR,
            "29 March 2021, 15:00–16:00",
            f"29 березня 2021{N}р., 15:00–16:00",
        ),
        ("2021-03-29", DAY, "29 March 2021", f"29 березня 2021{N}р."),
        ("2021-03-29", MONTH, "March 2021", f"березень 2021{N}р."),
        ("2021-03-29", YEAR, "2021", "2021"),
        ("1975-03-02", DECADE, "1970s", "1970-ті"),
        ("1815", CENTURY, f"1800{T}1899", "1800–1899"),
        ("216 BC", CENTURY, f"300{T}201 BC", f"300–201{N}рр. до н. е."),
        ("1066", MILLENNIUM, f"1000{T}1999", "1000–1999"),
    ],
)
def test_list_headings_of_every_unit_are_in_the_language(
    written: str, step: Step, english: str, ukrainian: str
) -> None:
    period = period_of(parse_date(written, Clock("Europe/Kyiv")), step)
    assert dates_in("en-GB").period(period) == english
    assert dates_in("uk").period(period) == ukrainian


@pytest.mark.parametrize(
    ("written", "step", "labels"),
    [
        ("2021-03-29 15:05", HOUR, ("15:00", f"29 бер. 2021{N}р.")),
        ("2021-03-29", DAY, ("29", f"бер. 2021{N}р.")),
        ("2021-03-29", MONTH, ("бер.", "2021")),
        ("216 BC", CENTURY, ("300", "до н. е.")),  # the era under a year before it
        ("AD 1", CENTURY, ("1 н. е.", None)),
        ("1975", DECADE, ("1970", None)),
    ],
)
def test_axis_labels_are_in_the_language(
    written: str, step: Step, labels: tuple[str, str | None]
) -> None:
    ukrainian = dates_in("uk")
    boundary = step.floor(parse_date(written, Clock("Europe/Kyiv")).start_moment())
    assert (ukrainian.tick(step, boundary), ukrainian.tick_context(step, boundary)) == labels


def test_a_date_ending_a_sentence_gets_one_full_stop() -> None:
    """ "2 травня 2023 р." ends with its own full stop: the sentence adds none."""
    ukrainian = Messages(parse_language("uk"))
    when = dates_in("uk").text(parse_date("2023-05-02"))
    text = ukrainian.text(
        "timeline_description", "Every event of the story in date order, as of %(date)s.", date=when
    )
    assert text.endswith("2023\u202fр.") and not text.endswith("р..")


def test_a_range_keeps_a_machine_value_for_each_end() -> None:
    written = dates_in("uk").date(parse_date("2022-09-05/2022-11-18"))
    assert [machine for machine, _ in written.parts] == ["2022-09-05", "2022-11-18"]
    assert written.parts[0][1] == "5 вересня" and written.separator == "\u00a0— "


# --------------------------------------------------------------------------- languages


def test_a_language_tag_that_is_not_one_is_located_with_a_hint(tmp_path: Path) -> None:
    site = """
    title: T
    description: D
    language: {}
    as_of: 2025-07-19
    publisher: {{name: P}}
    home: overview
    groups: [{{id: north, label: North}}]
    """
    for tag, hint in (
        ("English", "the tag of English is 'en'"),
        ("ua", "'ua' is a country code: did you mean its language, 'uk'?"),
        ("en-XX", "did you mean 'en-"),
    ):
        [problem] = problems_of(tmp_path, {"site.yaml": site.format(tag)})
        assert (problem.line, problem.column) == (3, 11)
        assert f"'{tag}'" in problem.message and hint in (problem.hint or ""), problem
    with pytest.raises(LanguageError):
        parse_language("xx-yy-zz-qq")
    assert parse_language("en_gb").tag == "en-GB"


def test_right_to_left_languages_set_dir_and_others_fall_back_to_english_once(
    tmp_path: Path,
) -> None:
    content = write_site(tmp_path)
    config = content / "site.yaml"
    config.write_text(config.read_text("utf-8").replace("language: en-GB", "language: ar"))
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    assert "٢٠٢٥" in page or "2025" in page  # the date, by Arabic CLDR patterns
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and "no Arabic words yet" in warnings[0], result.stderr


# --------------------------------------------------------------------------- labels


def test_labels_override_words_everywhere_they_are_shown(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    config = content / "site.yaml"
    config.write_text(
        config.read_text("utf-8")
        + 'labels:\n  players: "Who\'s who"\n'
        + '  event_count: {one: "{num} moment", other: "{num} moments"}\n'
        + '  footer_evidence: "Evidence <b>first</b>; 100% sourced."\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build_site(BuildOptions(content=content, out=out))
    home = (out / "index.html").read_text("utf-8")
    assert '<li><a href="/players/">Who&#39;s who</a></li>' in home  # the menu
    assert "<h1>Who&#39;s who</h1>" in (out / "players" / "index.html").read_text("utf-8")
    assert "Evidence &lt;b&gt;first&lt;/b&gt;; 100% sourced." in home  # text, never HTML


@pytest.mark.parametrize(
    ("labels", "where", "message", "hint"),
    [
        ("  palyers: X\n", ("palyers",), "unknown label 'palyers'", "did you mean 'players'?"),
        (
            "  source_uses: {one: A, several: B, other: C}\n",
            ("source_uses",),
            "'several' is not a plural form of en-GB",
            "en-GB counts with the forms one, other",
        ),
        ("  source_uses: {one: A}\n", ("source_uses",), "needs an 'other' form", "'other'"),
        (
            "  facts_as_of: 'As at {wen}'\n",
            ("facts_as_of",),
            "unknown placeholder {wen}",
            "this label can use: {when}",
        ),
        ("  players: [a, b]\n", ("players",), "must be text", "in quotes"),
        ("  source_uses: [a]\n", ("source_uses",), "must be text", "one text, or a text per"),
    ],
)
def test_bad_labels_are_located_with_a_hint(
    tmp_path: Path, labels: str, where: tuple[str, ...], message: str, hint: str
) -> None:
    config = (FIXTURES / "minimal" / "site.yaml").read_text("utf-8") + "labels:\n" + labels
    problems = problems_of(tmp_path, {"site.yaml": config})
    assert len(problems) == 1, problems
    [problem] = problems
    assert problem.path.endswith("site.yaml") and problem.line == len(config.splitlines())
    assert message in problem.message and hint in (problem.hint or ""), problem


# Elements whose text is code, not words: scripts, styles, and the embed code to copy.
_NOT_WORDS = ("script", "style", "textarea")


class _Text(html.parser.HTMLParser):
    """Every piece of text a reader can see or hear: text nodes and text-bearing attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NOT_WORDS:
            self._hidden += 1
        named = dict(attrs)
        for name in ("alt", "title", "aria-label"):
            if named.get(name):
                self.found.append(str(named[name]))
        if tag == "meta" and named.get("name") == "description":
            self.found.append(str(named.get("content")))

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_WORDS:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.found.append(data.strip())


def visible_text(page: Path) -> list[str]:
    parser = _Text()
    parser.feed(page.read_text("utf-8"))
    return parser.found


def _overridden_copy(root: Path, markers: dict[str, str]) -> Path:
    """A copy of the Ukrainian fixture with every label replaced by its marker, plus a source
    nobody cites and an object with pictures and links."""
    content = root / "content"
    shutil.copytree(UKRAINIAN, content)
    (content / "media").mkdir()
    shutil.copy(FIXTURES / "ship-no-sides" / "media" / "ship-aground.jpg", content / "media")
    overrides: dict[str, object] = {}
    for label, marker in markers.items():
        if label == "index_alphabet":  # letters, not words: checked by the index test
            overrides[label] = "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ"
        elif catalogue_labels()[label].plural is None:
            overrides[label] = marker
        else:
            overrides[label] = {
                form: f"{marker} {{num}}" for form in ("one", "few", "many", "other")
            }
    config = yaml.safe_load((content / "site.yaml").read_text("utf-8"))
    config["labels"] = overrides
    config["no_longer_updated"] = "2023-06-01"
    (content / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    thing = {
        "id": "dzvin",
        "name": "Дзвін",
        "role": "Дзвін на вежі",
        "kind": "object",
        "verification": "unconfirmed",
        "media": [
            {"image": "ship-aground.jpg", "alt": "Дзвін", "caption": "Підпис", "credit": "Автор"},
            {"link": "https://example.org/video.mp4", "title": "Відео"},
            {"link": "https://example.org/audio.mp3", "title": "Аудіо"},
            {"link": "https://example.org/plan.pdf", "title": "План"},
        ],
    }
    _append(content / "facts" / "players.yaml", [thing])
    letter = {
        "id": "lyst",
        "title": "Лист",
        "kind": "report",
        "url": "https://example.org/lyst",
        "archived_url": "https://web.archive.org/web/2023/https://example.org/lyst",
        "retrieved": "2023-05-01",
    }
    _append(content / "facts" / "sources.yaml", [letter])

    def evidence() -> list[dict[str, str]]:  # a new list each time: safe_dump would alias one
        return [{"source": "zvit", "quote": "Слова звіту"}]

    _append(
        content / "facts" / "events.yaml",
        [
            {"id": "spirne", "date": "2022-05-01", "title": "Спірне", "evidence": evidence(),
             "verification": "disputed"},
            {"id": "khybne", "date": "2022-05-02", "title": "Хибне", "evidence": evidence(),
             "verification": "retracted"},
        ],
    )  # fmt: skip
    _append(
        content / "facts" / "updates.yaml",
        [
            {"date": "2023-05-03", "kind": "correction", "facts": ["khybne"], "summary": "В.",
             "sources": ["zvit"]},
            {"date": "2023-05-04", "kind": "clarification", "facts": ["player:dzvin"],
             "summary": "У."},
            {"date": "2023-05-05", "facts": ["spirne"], "summary": "О."},
        ],
    )  # fmt: skip
    return content


def _every_span(content: Path) -> None:
    """Events and eras of every span, in Cyrillic, on the site's clock (Kyiv), laned by status."""
    config = yaml.safe_load((content / "site.yaml").read_text("utf-8"))
    config.update(timezone="Europe/Kyiv", timeline={"lanes": "status"})
    (content / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    events: list[dict[str, object]] = [
        {"id": f"davnyna-{n}", "date": date, "title": f"Давня подія {n}"}
        for n, date in enumerate(["500 BC", "300 BC", "150 BC/120 BC"])
    ]
    events += [
        {"id": f"stolittia-{n}", "date": str(year), "title": f"Подія року {year}"}
        for n, year in enumerate([1951, 1968, 1977, 1999])
    ]
    events += [
        {"id": f"hodyna-{n}", "date": f"2021-03-2{day} {time}", "title": f"Година {n}"}
        for n, (day, time) in enumerate(
            [(3, "07:40"), (3, "09:00"), (4, "14:00"), (5, "16:30"), (9, "04:30"), (9, "15:05")]
        )
    ]
    events += [
        {"id": "tryvaie", "date": "2021-03-29 19:00", "title": "Досі триває", "status": "ongoing"},
        {"id": "vidkladeno", "date": "2021-04", "title": "Відкладено", "status": "postponed"},
        {"id": "skasovano", "date": "2021-03-26", "title": "Скасовано", "status": "cancelled"},
        {"id": "bez-daty", "date": "unknown", "title": "Без дати", "status": "proposed"},
    ]
    for event in events:  # every fact cites evidence
        event["evidence"] = [{"source": "arkhiv", "note": "Подія."}]
    # The facts of standing the updates name (disputed, retracted) stay on this timeline too.
    events_file = content / "facts" / "events.yaml"
    kept = [e for e in yaml.safe_load(events_file.read_text("utf-8")) if "verification" in e]
    events_file.write_text(yaml.safe_dump(events + kept, allow_unicode=True), "utf-8")
    eras = [
        {"id": "davnyna", "title": "Давнина", "start": "500 BC", "end": "100 BC"},
        {"id": "stolittia", "title": "Століття", "start": "1950", "end": "1999"},
        {"id": "tyzhden", "title": "Тиждень", "start": "2021-03-23", "end": "2021-04"},
    ]
    (content / "facts" / "eras.yaml").write_text(yaml.safe_dump(eras, allow_unicode=True), "utf-8")


def _append(path: Path, items: list[dict[str, object]]) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write("\n" + yaml.safe_dump(items, allow_unicode=True))


@pytest.fixture(scope="module")
def every_label_overridden(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[Path], dict[str, str]]:
    """Three sites with every label of the catalogue replaced by a marker of its own (Cyrillic
    letters and digits): the Ukrainian fixture; the same grown past the one-page limits (a
    timeline page per period, players from A to Z, a time written with its UTC offset); and a
    timeline of every span (eras, years before the era, decades, a burst of hours on the site's
    clock, lanes by status, every status, a date not set yet)."""
    markers = {label: f"Ж{index}Ж" for index, label in enumerate(sorted(catalogue_labels()))}
    small = _overridden_copy(tmp_path_factory.mktemp("walk-small"), markers)
    large = _overridden_copy(tmp_path_factory.mktemp("walk-large"), markers)
    spans = _overridden_copy(tmp_path_factory.mktemp("walk-spans"), markers)
    _every_span(spans)
    (spans / "summaries" / "overview.md").write_text(
        "---\ntitle: Огляд\nslug: overview\norder: 1\ndescription: Огляд.\n---\n"
        "[Давнина](event:davnyna-0), [тиждень](event:hodyna-0).\n",
        "utf-8",
    )
    _append(
        large / "facts" / "events.yaml",
        [
            {
                "id": "z-chasom",
                "date": "2022-05-05 10:00+03:00",
                "title": "Подія з часом",
                "evidence": [{"source": "arkhiv", "note": "Подія."}],
            }
        ],
    )
    _append(
        large / "facts" / "players.yaml",
        [
            {
                "id": f"svidok-{n}",
                "name": f"Свідок {n}",
                "role": "Свідок",
                "group": "misto",
                "evidence": [{"source": "arkhiv", "note": "Свідок."}],
            }
            for n in range(151)
        ]
        + [
            {"id": "yevhen", "name": "Євген", "role": "Мешканець", "verification": "unconfirmed"},
            {"id": "ihor", "name": "Ігор", "role": "Мешканець", "verification": "unconfirmed"},
        ],
    )
    _append(
        large / "facts" / "events.yaml",
        [
            {
                "id": f"podiia-{n}",
                "date": f"{['mid', 'late'][n % 2]} 2022-{n % 12 + 1:02d}",
                "title": f"Подія {n}",
                "players": [f"svidok-{n}"] if n < 151 else [],
                "evidence": [{"source": "arkhiv", "note": "Подія."}],
            }
            for n in range(500)
        ],
    )
    outs = []
    for content in (small, large, spans):
        out = content.parent / "_site"
        result = run_cli("build", "--content", str(content), "--out", str(out))
        assert result.returncode == 0, result.stderr
        outs.append(out)
    return outs, markers


def test_every_label_of_the_catalogue_is_used_and_overridable(
    every_label_overridden: tuple[list[Path], dict[str, str]],
) -> None:
    """A walk through the catalogue: each label's marker shows somewhere in the built sites
    (pages, JSON-LD or the feed)."""
    outs, markers = every_label_overridden
    text = "\n".join(
        path.read_text("utf-8")
        for out in outs
        for path in sorted(out.rglob("*"))
        if path.suffix in (".html", ".xml")
    )
    unused = sorted(
        label
        for label, marker in markers.items()
        if marker not in text
        and json.dumps(marker)[1:-1] not in text
        and label != "index_alphabet"  # letters, checked by the index test below
    )
    assert unused == [], f"labels never shown (dead, or not overridable): {unused}"


def test_no_word_of_the_theme_escapes_the_catalogue(
    every_label_overridden: tuple[list[Path], dict[str, str]],
) -> None:
    """With every label replaced and content in Cyrillic, no Latin letter is left on any page:
    any hard-coded English word in a template or in the code would show here."""
    outs, _ = every_label_overridden
    leaks = {}
    for out in outs:
        for page in sorted(out.rglob("*.html")):
            latin = [text for text in visible_text(page) if re.search("[A-Za-z]", text)]
            if latin:
                leaks[page.relative_to(out).as_posix()] = latin[:5]
    assert leaks == {}


# --------------------------------------------------------------------------- the Ukrainian site


@pytest.fixture(scope="module")
def ukrainian_site(story_sites: dict[str, Path]) -> Path:
    return story_sites["i18n-uk"]


def test_the_ukrainian_site_speaks_ukrainian(ukrainian_site: Path) -> None:
    home = (ukrainian_site / "index.html").read_text("utf-8")
    assert '<html lang="uk">' in home
    assert 'Факти станом на <time datetime="2023-05-02">2 травня 2023\u202fр.</time>' in home
    assert "Ключові факти" in home and "Перейти до змісту" in home
    assert "</a>: 7 подій у порядку дат</li>" in home  # many
    assert "</a>: 4 профілі</li>" in home  # few
    assert "</a>: 3 джерела й усі використані цитати</li>" in home  # few
    timeline = (ukrainian_site / "timeline" / "index.html").read_text("utf-8")
    # Four years of events are listed by year; a month alone is in the nominative.
    assert '<h2 id="when-2022"><time datetime="2022">2022</time></h2>' in timeline
    assert '<time datetime="2022-03">березень 2022\u202fр.</time>' in timeline
    assert '<title id="chart-title">Огляд хронології</title>' in timeline
    assert ">січ.</text>" in timeline  # axis labels from CLDR
    assert '<time datetime="2021-03-23">23 березня 2021\u202fр.</time>' in timeline
    assert "(<q>навесні</q>)" in timeline  # the source's words, quoted as Ukrainian quotes
    sources = (ukrainian_site / "sources" / "index.html").read_text("utf-8")
    assert "Використано 2 рази" in sources and "Використано 7 разів" in sources
    feed = (ukrainian_site / "feed.xml").read_text("utf-8")
    assert 'xml:lang="uk"' in feed and "<title>Оновлення: 2 травня 2023\u202fр.</title>" in feed


def test_no_english_on_the_ukrainian_site(ukrainian_site: Path) -> None:
    """Every word a reader sees is Ukrainian (Atom, the feed format's name, excepted)."""
    for page in sorted(ukrainian_site.rglob("*.html")):
        latin = [
            text for text in visible_text(page) if re.search("[A-Za-z]", text.replace("(Atom)", ""))
        ]
        assert latin == [], page


# --------------------------------------------------------------------------- did you mean


def test_did_you_mean_offers_the_closest_id() -> None:
    assert closest("grounded", ["impounded", "grounding", "refloated"]) == "grounding"
    assert closest("palyers", ["players", "sources"]) == "players"
    assert closest("smith", ["jane-smith", "jones"]) == "jane-smith"
    assert closest("zzzz", ["players"]) is None


def test_an_unknown_event_link_suggests_the_nearest_id(tmp_path: Path) -> None:
    events = """
    - id: grounding
      date: 2025-07-01
      title: Grounding
      verification: unconfirmed
    - id: impounded
      date: 2025-07-02
      title: Impounded
      verification: unconfirmed
    """
    summary = "---\ntitle: T\nslug: overview\ndescription: D\n---\n[x](event:grounded)\n"
    [problem] = problems_of(
        tmp_path, {"facts/events.yaml": events, "summaries/overview.md": summary}
    )
    assert problem.hint == "did you mean 'event:grounding'?"


def test_the_docs_list_every_label() -> None:
    """docs/labels.md (written by tools/catalogues.py) lists every label id a site can override."""
    doc = (ROOT / "docs" / "labels.md").read_text("utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", doc, re.MULTILINE))
    assert listed == set(catalogue_labels())


def test_a_large_cast_is_indexed_by_the_languages_alphabet(
    every_label_overridden: tuple[list[Path], dict[str, str]],
) -> None:
    """Past 150 players the index is by letter: Ukrainian letters in Ukrainian order."""
    large = every_label_overridden[0][1]
    index = (large / "players" / "index.html").read_text("utf-8")
    letters = re.findall(r'<li><a href="#letter-[^"]+">([^<]+)</a></li>', index)
    assert letters == ["Б", "Д", "Є", "І", "М", "О", "С"], letters
    assert "#letter-other" not in index  # every name starts with a letter of the alphabet
