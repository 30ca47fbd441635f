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
from site_builder.dates import parse_date
from site_builder.errors import closest
from site_builder.i18n import (
    DateFormatter,
    LanguageError,
    Messages,
    catalogue_labels,
    parse_language,
    shipped_languages,
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


class _Text(html.parser.HTMLParser):
    """Every piece of text a reader can see or hear: text nodes and text-bearing attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        named = dict(attrs)
        for name in ("alt", "title", "aria-label"):
            if named.get(name):
                self.found.append(str(named[name]))
        if tag == "meta" and named.get("name") == "description":
            self.found.append(str(named.get("content")))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
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
    (content / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    thing = {
        "id": "dzvin",
        "name": "Дзвін",
        "role": "Дзвін на вежі",
        "kind": "object",
        "media": [
            {"image": "ship-aground.jpg", "alt": "Дзвін", "caption": "Підпис", "credit": "Автор"},
            {"link": "https://example.org/video.mp4", "title": "Відео"},
            {"link": "https://example.org/audio.mp3", "title": "Аудіо"},
            {"link": "https://example.org/plan.pdf", "title": "План"},
        ],
    }
    _append(content / "facts" / "players.yaml", [thing])
    _append(content / "facts" / "sources.yaml", [{"id": "lyst", "title": "Лист", "kind": "report"}])
    return content


def _append(path: Path, items: list[dict[str, object]]) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write("\n" + yaml.safe_dump(items, allow_unicode=True))


@pytest.fixture(scope="module")
def every_label_overridden(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[Path], dict[str, str]]:
    """Two sites with every label of the catalogue replaced by a marker of its own (Cyrillic
    letters and digits): the Ukrainian fixture, and the same grown past the one-page limits
    (a timeline page per year, players from A to Z)."""
    markers = {label: f"Ж{index}Ж" for index, label in enumerate(sorted(catalogue_labels()))}
    small = _overridden_copy(tmp_path_factory.mktemp("walk-small"), markers)
    large = _overridden_copy(tmp_path_factory.mktemp("walk-large"), markers)
    _append(
        large / "facts" / "players.yaml",
        [
            {"id": f"svidok-{n}", "name": f"Свідок {n}", "role": "Свідок", "group": "misto"}
            for n in range(151)
        ]
        + [
            {"id": "yevhen", "name": "Євген", "role": "Мешканець"},
            {"id": "ihor", "name": "Ігор", "role": "Мешканець"},
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
            }
            for n in range(500)
        ],
    )
    outs = []
    for content in (small, large):
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
    assert '<time datetime="2022-03">березень 2022\u202fр.</time></h2>' in timeline  # a heading
    assert '<time datetime="2021-03-23">23 березня 2021\u202fр.</time>' in timeline
    assert "(<q>навесні</q>)" in timeline  # the source's words, quoted as Ukrainian quotes
    sources = (ukrainian_site / "sources" / "index.html").read_text("utf-8")
    assert "Використано 2 рази" in sources and "Використано 6 разів" in sources
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
    - id: impounded
      date: 2025-07-02
      title: Impounded
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
    _, large = every_label_overridden[0]
    index = (large / "players" / "index.html").read_text("utf-8")
    letters = re.findall(r'<li><a href="#letter-[^"]+">([^<]+)</a></li>', index)
    assert letters == ["Б", "Д", "Є", "І", "М", "О", "С"], letters
    assert "#letter-other" not in index  # every name starts with a letter of the alphabet
