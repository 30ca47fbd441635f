"""Every word the theme shows, in the site's language: catalogues, label overrides, plural forms.

The theme's words live in one gettext catalogue per language (`site_builder/locale/LANG/
LC_MESSAGES/messages.po`, compiled to `.mo` by `tools/catalogues.py`). Each message has a
context, its *label id* (`players`, `source_count`), which is also the key `site.yaml`'s
`labels:` overrides it by. Plural forms and dates come from CLDR through Babel, so a language
without a catalogue still counts and writes dates in its own grammar; only the theme's words
fall back to English (and `labels:` can translate those).

Dates are written here, at their precision, in the language's grammatical form (Ukrainian
"березень 2022 р." for a month alone, "23 березня 2021 р." with a day); `dates.py` owns what
a date *is*, this module how it reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import babel
import babel.dates
import babel.languages
import babel.lists
import babel.localedata
import babel.numbers
import babel.support
import jinja2
from babel.messages.mofile import read_mo
from markupsafe import Markup, escape

from site_builder.dates import (
    SECONDS_PER_DAY,
    EventDate,
    FuzzyDate,
    PointDate,
    Precision,
    Unit,
    UnknownDate,
    civil_from_days,
    offset_text,
)
from site_builder.errors import closest
from site_builder.periods import Period, Step

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"  # the language of the msgids, and the fallback catalogue

# {name} in a label override; %(name)s / %(name)d in the catalogue (gettext's python-format).
_BRACE = re.compile(r"\{([a-z_]+)\}")
_PERCENT = re.compile(r"%\((\w+)\)[sd]")


class LanguageError(ValueError):
    """A language tag that names no language CLDR knows."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Label:
    """One message of the catalogue: its id (context), English text and placeholders."""

    id: str
    text: str
    plural: str | None  # the English plural form, for a message that counts

    @property
    def placeholders(self) -> frozenset[str]:
        """The names the message fills in ({num}, {date}, ...)."""
        found = set(_PERCENT.findall(self.text))
        if self.plural is not None:
            found |= set(_PERCENT.findall(self.plural))
        return frozenset(found)


@cache
def catalogue_labels() -> Mapping[str, Label]:
    """Every message of the source (English) catalogue, by label id."""
    with (_catalogue_path(SOURCE_LANGUAGE)).open("rb") as file:
        catalogue = read_mo(file)
    labels: dict[str, Label] = {}
    for message in catalogue:
        if not message.id or message.context is None:
            continue
        if isinstance(message.id, tuple | list):
            labels[message.context] = Label(message.context, message.id[0], message.id[1])
        else:
            labels[message.context] = Label(message.context, message.id, None)
    return labels


def shipped_languages() -> list[str]:
    """Languages the package has a catalogue for ("en", "uk")."""
    return sorted(path.parent.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES/*.mo"))


def _catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


@dataclass(frozen=True)
class Language:
    """The site's language: its BCP 47 tag, its CLDR data and the catalogue that serves it."""

    tag: str
    locale: babel.Locale
    catalogue: str  # the shipped catalogue used ("en" when the language has none)

    @property
    def direction(self) -> str:
        """ "rtl" for right-to-left scripts (Arabic, Hebrew, ...), else "ltr"."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def has_catalogue(self) -> bool:
        """False when the theme's words fall back to English."""
        return self.catalogue != SOURCE_LANGUAGE or self.locale.language == SOURCE_LANGUAGE

    def plural_category(self, number: int) -> str:
        """CLDR plural category of a count: "one", "few", "many", "other" ..."""
        return str(self.locale.plural_form(number))

    @property
    def plural_categories(self) -> tuple[str, ...]:
        """The plural categories this language distinguishes, "other" last."""
        tags = sorted(self.locale.plural_form.tags)
        return (*tags, "other")


def parse_language(tag: str) -> Language:
    """The Language for a BCP 47 tag ("en", "en-GB", "uk"); raise LanguageError if it is none."""
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", tag):
        raise LanguageError(f"{tag!r} is not a language tag", _language_hint(tag))
    return _language(tag.replace("_", "-"))


@cache
def _language(tag: str) -> Language:
    try:
        locale = babel.Locale.parse(tag, sep="-")
    except (babel.UnknownLocaleError, ValueError):
        raise LanguageError(f"{tag!r} is not a language CLDR knows", _language_hint(tag)) from None
    catalogue = locale.language if locale.language in shipped_languages() else SOURCE_LANGUAGE
    # The canonical spelling: en_gb and en-gb are written en-GB.
    return Language(str(locale).replace("_", "-"), locale, catalogue)


def _language_hint(tag: str) -> str:
    """What to write instead of an unknown tag: a country's language (the country code 'ua'
    names a country whose language is 'uk'), else the nearest known tag."""
    usage = "write a BCP 47 language tag such as en, en-GB, uk or pt-BR"
    names = {name.lower(): code for code, name in babel.Locale("en").languages.items()}
    if tag.lower() in names:
        return f"the tag of {tag} is '{names[tag.lower()]}'"
    official = babel.languages.get_official_languages(tag.upper()) if len(tag) == 2 else ()
    if official:
        return f"'{tag}' is a country code: did you mean its language, '{official[0]}'? ({usage})"
    known = {
        k.replace("_", "-").lower(): k.replace("_", "-")
        for k in babel.localedata.locale_identifiers()
    }
    suggestion = closest(tag.lower().replace("_", "-"), known)
    return f"did you mean '{known[suggestion]}'? ({usage})" if suggestion else usage


# --------------------------------------------------------------------------- overrides

# A label override: one text, or (for a count) a text per CLDR plural category.
Override = str | Mapping[str, str]


@dataclass(frozen=True)
class LabelProblem:
    """Something wrong with one `labels:` entry: where inside it, what, and what to do."""

    key: tuple[str, ...]  # ("players",) or ("source_count", "few")
    message: str
    hint: str


def check_labels(labels: Mapping[str, Any], language: Language) -> list[LabelProblem]:
    """Problems with `labels:` overrides: unknown ids, plural forms, unknown placeholders."""
    known = catalogue_labels()
    problems = []
    for key, value in labels.items():
        label = known.get(key)
        if label is None:
            close = closest(key, known)
            hint = (
                f"did you mean '{close}'?"
                if close
                else "the label ids are listed in docs/labels.md"
            )
            problems.append(LabelProblem((key,), f"unknown label '{key}'", hint))
            continue
        problems += _check_override(label, value, language)
    return problems


def _check_override(label: Label, value: Any, language: Language) -> list[LabelProblem]:
    categories = language.plural_categories
    texts: dict[tuple[str, ...], Any]
    if isinstance(value, str):
        texts = {(): value}
    elif isinstance(value, dict) and label.plural is not None:
        texts = {(str(k),): v for k, v in value.items()}
        problems = [
            LabelProblem(
                (label.id, key[0]),
                f"'{key[0]}' is not a plural form of {language.tag}",
                f"{language.tag} counts with the forms {', '.join(categories)}",
            )
            for key in texts
            if key[0] not in categories
        ]
        if "other" not in value:
            problems.append(
                LabelProblem(
                    (label.id,),
                    f"the label '{label.id}' needs an 'other' form",
                    f"give a text for each of {', '.join(categories)}; 'other' is used for any "
                    "count the others do not cover",
                )
            )
        if problems:
            return problems
    else:
        hint = (
            f"write one text, or a text per plural form ({', '.join(categories)})"
            if label.plural is not None
            else f'write the text in quotes, e.g. {label.id}: "..."'
        )
        return [LabelProblem((label.id,), f"the label '{label.id}' must be text", hint)]
    problems = []
    allowed = label.placeholders
    for key, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(
                LabelProblem(
                    (label.id, *key),
                    f"the label '{label.id}' must not be empty",
                    "write the text, or remove the label to keep the default",
                )
            )
            continue
        for name in _BRACE.findall(text):
            if name not in allowed:
                shown = ", ".join(f"{{{p}}}" for p in sorted(allowed)) or "none"
                problems.append(
                    LabelProblem(
                        (label.id, *key),
                        f"unknown placeholder {{{name}}} in the label '{label.id}'",
                        f"this label can use: {shown}",
                    )
                )
    return problems


# A link in an override, written as in Markdown: [all sources]({url}).
_LINK = re.compile(r"\[([^\]]+)\]\(\{(url)\}\)")


def _to_catalogue_form(text: str) -> str:
    """An override in the catalogue's form, escaped: {num} becomes %(num)s, a lone % stays a
    %, and [text]({url}) becomes a link."""
    escaped = str(escape(text.replace("%", "%%")))
    linked = _LINK.sub(lambda m: f'<a href="{{{m.group(2)}}}">{m.group(1)}</a>', escaped)
    return _BRACE.sub(lambda m: f"%({m.group(1)})s", linked)


# --------------------------------------------------------------------------- messages


class Messages:
    """The theme's words in one language, with the site's overrides.

    `text` and `count` return plain text for Python code (page titles, feeds, JSON-LD);
    `install` gives Jinja the same words, with overrides escaped (site.yaml is text, not HTML).
    """

    def __init__(self, language: Language, overrides: Mapping[str, Override] | None = None):
        self.language = language
        self._translations = _translations(language.catalogue)
        self._overrides = dict(overrides or {})
        self._templates: dict[tuple[str, str], str] = {}

    def template(self, label: str, message: str) -> str:
        """The text of a label with its %(name)s placeholders, for Jinja to fill in."""
        # Asked for on every page, for every word: looked up once.
        key = (label, message)
        found = self._templates.get(key)
        if found is None:
            found = self._templates[key] = self._template(label, message)
        return found

    def _template(self, label: str, message: str) -> str:
        override = self._overrides.get(label)
        if isinstance(override, str):
            return _to_catalogue_form(override)
        return str(self._translations.pgettext(label, message))

    def plural_template(self, label: str, singular: str, plural: str, number: int) -> str:
        """The text of a counting label for `number`, with its placeholders."""
        override = self._overrides.get(label)
        if override is not None:
            if isinstance(override, str):
                chosen = override
            else:
                category = self.language.plural_category(number)
                chosen = override.get(category, override.get("other", ""))
            return _to_catalogue_form(chosen)
        return str(self._translations.npgettext(label, singular, plural, number))

    def text(self, label: str, message: str, **values: Any) -> str:
        """A label as plain text with its placeholders filled in."""
        # Always %-formatted, with or without values, so that "%%" reads "%" either way.
        return _fill(_plain(self.template(label, message)), values)

    def plural_text(
        self, label: str, singular: str, plural: str, number: int, **values: Any
    ) -> str:
        """A counting label as plain text ("1 source", "2 sources", "5 джерел")."""
        template = _plain(self.plural_template(label, singular, plural, number))
        return _fill(template, {"num": number, **values})

    def join(self, items: Iterable[str]) -> str:
        """Items as the language lists them, by CLDR's list pattern ("A, B and C", "A, B і C")."""
        return str(babel.lists.format_list(list(items), locale=self.language.locale))

    def install(self, environment: Any) -> None:
        """Give a Jinja environment (with the i18n extension, new-style) these words, and the
        `join_list` filter that lists items in the language.

        The callables are the extension's new-style ones (values escaped, then filled in), with
        one rule added: a value that ends a sentence with its own full stop gets no second one.
        """

        @jinja2.pass_context
        def pgettext(context: Any, label: str, message: str, /, **values: Any) -> str:
            values.setdefault("context", label)
            return _fill(_markup(context, self.template(label, message)), values)

        @jinja2.pass_context
        def npgettext(
            context: Any, label: str, singular: str, plural: str, number: int, /, **values: Any
        ) -> str:
            values.setdefault("context", label)
            values.setdefault("num", number)
            template = self.plural_template(label, singular, plural, number)
            return _fill(_markup(context, template), values)

        def gettext(message: str, /, **values: Any) -> str:
            raise TypeError("every theme message needs a label id: use pgettext(id, text)")

        def ngettext(singular: str, plural: str, number: int, /, **values: Any) -> str:
            raise TypeError("every theme message needs a label id: use npgettext(id, ...)")

        environment.newstyle_gettext = True
        environment.globals.update(
            gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
        )
        environment.filters["join_list"] = self.join


def _markup(context: Any, template: str) -> str:
    """A catalogue text as the template's output is: markup when the template escapes."""
    return Markup(template) if context.eval_ctx.autoescape else template


def _fill(template: str, values: Mapping[str, Any]) -> str:
    """A template with its values filled in (%-style); a value that ends with a full stop
    ("2 травня 2023 р.", "Inc.") is not followed by the template's own."""
    for name, value in values.items():
        shown = value.striptags() if isinstance(value, Markup) else str(value)
        if shown.endswith("."):
            template = template.replace(f"%({name})s.", f"%({name})s")
    return template % values


def _plain(template: str) -> str:
    """Catalogue text as plain text: overrides were escaped for HTML, undo that here."""
    return str(Markup(template).striptags()) if "&" in template or "<" in template else template


@cache
def _translations(catalogue: str) -> babel.support.Translations:
    with _catalogue_path(catalogue).open("rb") as file:
        return babel.support.Translations(file, domain=DOMAIN)


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateText:
    """A date for readers: one (machine value, text) part, or two joined by a separator.

    The machine value is the `<time datetime>` of the part, or None where HTML has none (a year
    before the common era, a date not known yet)."""

    parts: tuple[tuple[str | None, str], ...]
    separator: str

    @property
    def text(self) -> str:
        """The whole date as one string."""
        return self.separator.join(text for _, text in self.parts)


@dataclass(frozen=True)
class _Moment:
    """A moment of the proleptic Gregorian calendar as Babel's pattern formatter reads one, for
    any year (Python's dates stop at 1 and 9999): its year counted in its era (300 BC is year
    300 of era 0), as CLDR's `y` and `G` fields write it."""

    year: int
    month: int
    day: int
    era: int  # 0 before the common era, 1 from AD 1
    hour: int = 0
    minute: int = 0
    second: int = 0

    @classmethod
    def at(cls, moment: int) -> _Moment:
        """The moment `moment` seconds from 1970-01-01 00:00 on the timeline's clock."""
        days, seconds = divmod(moment, SECONDS_PER_DAY)
        year, month, day = civil_from_days(days)
        hour, rest = divmod(seconds, 3600)
        return cls(year if year >= 1 else 1 - year, month, day, int(year >= 1), hour, rest // 60)

    @classmethod
    def of(cls, point: PointDate) -> _Moment:
        """The first moment of a date (its time of day, if it has one)."""
        moment = cls.at(point.start())
        return replace(moment, second=point.second or 0)


class _MomentFormat(babel.dates.DateTimeFormat):
    """Babel's CLDR pattern formatter over a _Moment, whose era it writes itself."""

    def __init__(self, value: _Moment, locale: babel.Locale) -> None:
        # Not DateTimeFormat.__init__: it accepts Python dates only. The fields it reads
        # (year, month, day, hour, minute, second) are a _Moment's.
        self.value = value  # type: ignore[assignment]
        self.locale = locale
        self.reference_date = None
        self.era = value.era
        self.year = value.year

    def format_year(self, char: str, num: int) -> str:
        """A year; past four digits grouped as the language groups numbers (12,000 BC)."""
        if char == "y" and num == 1 and self.year >= 10_000:
            return str(babel.numbers.format_decimal(self.year, locale=self.locale))
        return super().format_year(char, num)

    def format_era(self, char: str, num: int) -> str:
        """CLDR's name of the moment's era (BC/AD, до н. е./н. е.)."""
        width: Literal["abbreviated", "wide", "narrow"] = (
            "wide" if num == 4 else "narrow" if num == 5 else "abbreviated"
        )
        return str(babel.dates.get_era_names(width, self.locale)[self.era])


class DateFormatter:
    """Writes every date the theme shows in one language, from CLDR patterns (Babel): dates at
    their precision, ranges, times of day, years of any era, the headings a timeline is grouped
    under, the chart's axis labels and the clock its times are on. One owner for date wording:
    nothing else in the package spells a month, an era or a time.

    Years before the common era carry the language's era (300 BC, 300 до н. е.); a range that
    crosses into the common era marks both ends (300 BC – 79 AD).
    """

    def __init__(self, messages: Messages) -> None:
        self.messages = messages
        self.locale = messages.language.locale
        # A date shows on several pages (an event on the timeline and its players' pages):
        # write each once. Babel matches a skeleton to a pattern on every call otherwise.
        self._written: dict[EventDate, DateText] = {}
        self._patterns: dict[str, babel.dates.DateTimePattern] = {}
        times = str(self.locale.time_formats["short"].pattern)
        # The language's clock: 15:05 or 3:05 PM (CLDR's preferred hour cycle).
        self._hour_cycle = "h" if "h" in times.replace("'", "") else "H"

    # ----------------------------------------------------------------- dates and ranges

    def date(self, date: EventDate) -> DateText:
        """A date or a range, sharing what both ends have in common ("14–18 July 2025"), or
        the words for a date not known yet."""
        written = self._written.get(date)
        if written is None:
            written = self._written[date] = self._date(date)
        return written

    def text(self, date: EventDate) -> str:
        """A date or range as one string."""
        return self.date(date).text

    def unknown(self) -> str:
        """What readers see instead of a date that is not known yet."""
        return self.messages.text("date_unknown", "Date not set")

    def _date(self, date: EventDate) -> DateText:
        if isinstance(date, UnknownDate):
            return DateText(((None, self.unknown()),), "")
        start = date.start
        if date.end is None:
            return DateText(((start.machine(), self.point(start)),), "")
        end = date.end
        mark_era = start.year < 1 <= end.year  # 300 BC – 79 AD: both ends say their era
        interval = self._interval(start, end, mark_era)
        if interval is not None:
            first, separator, second = interval
            return DateText(((start.machine(), first), (end.machine(), second)), separator)
        return DateText(
            (
                (start.machine(), self.point(start, mark_era)),
                (end.machine(), self.point(end, mark_era)),
            ),
            self._fallback_separator(),
        )

    def point(self, point: PointDate, mark_era: bool = False) -> str:
        """One date at its precision: "19 July 2025", "березень 2022 р.", "early June 2025",
        "29 March 2021, 15:05", "300 BC"."""
        moment = _Moment.of(point)
        era = mark_era or moment.era == 0
        precision = point.precision
        if precision is Precision.TIME:
            time = self.time(moment, seconds=point.second is not None)
            return self._glue(self._format("yMMMMd", moment, era), time)
        if precision is Precision.DAY:
            return self._format("yMMMMd", moment, era)
        if precision is Precision.WEEK:
            monday = self._format("yMMMMd", moment, era)
            return self.messages.text("date_week", "week of %(date)s", date=monday)
        if precision is Precision.PART_OF_MONTH:
            month = self._format_pattern(_month_with_year(self.locale, era), moment)
            part = point.part or "early"
            if part == "early":
                return self.messages.text("date_early", "early %(month)s", month=month)
            if part == "mid":
                return self.messages.text("date_mid", "mid %(month)s", month=month)
            return self.messages.text("date_late", "late %(month)s", month=month)
        if precision is Precision.MONTH:
            return self._format("yMMMM", moment, era)
        return self._format("y", moment, era)

    def time(self, moment: _Moment, seconds: bool = False) -> str:
        """A time of day on the language's clock: "15:05", "3:05 PM"."""
        width = "medium" if seconds else "short"
        pattern = str(self.locale.time_formats[width].pattern)
        return self._format_pattern(pattern, moment)

    def _interval(
        self, start: PointDate, end: PointDate, mark_era: bool
    ) -> tuple[str, str, str] | None:
        """A range of two times of a day, two days, two months or two years, written by CLDR's
        interval patterns ("14–18 July 2025", "May–June 2025", "15:05–19:00", "500–300 BC")."""
        if start.precision is not end.precision:
            return None
        first, last = _Moment.of(start), _Moment.of(end)
        if start.precision is Precision.TIME:
            if (first.year, first.month, first.day, first.era) != (
                last.year,
                last.month,
                last.day,
                last.era,
            ) or (start.second is not None or end.second is not None):
                return None
            found = self._interval_parts(f"{self._hour_cycle}m", first, last, ("a", "H", "m"))
            if found is None:
                return None
            head, separator, tail = found
            return self._glue(self._format("yMMMMd", first, False), head), separator, tail
        if start.precision not in _INTERVAL_SKELETONS:
            return None
        skeleton = _INTERVAL_SKELETONS[start.precision]
        if mark_era or first.era == 0 or last.era == 0:
            skeleton = "G" + skeleton
        return self._interval_parts(skeleton, first, last, ("G", "y", "M", "d"))

    def _interval_parts(
        self, skeleton: str, first: _Moment, last: _Moment, fields: tuple[str, ...]
    ) -> tuple[str, str, str] | None:
        formats = self.locale.interval_formats.get(skeleton)
        if not formats:
            return None
        for field in fields:
            key = "h" if field == "H" and self._hour_cycle == "h" else field
            if key not in formats or _field(first, field) == _field(last, field):
                continue
            head, tail = (_widen(pattern) for pattern in formats[key])
            head_pattern, separator = _split_separator(head)
            return (
                self._format_pattern(head_pattern, first),
                separator,
                self._format_pattern(tail, last),
            )
        return None

    # ----------------------------------------------------------------- headings

    def period(self, period: Period) -> str:
        """The heading of a run of the timeline: "29 March 2021, 15:00–16:00", "29 March 2021",
        "July 2025", "1970s", "1800–1899", "500–401 BC", or a date at its own precision."""
        if period.point is not None:
            return self.point(period.point)
        step = period.step
        assert step is not None
        first = _Moment.at(period.start)
        if step.unit is Unit.HOUR:
            last = _Moment.at(period.end)
            hours = self._interval_parts(f"{self._hour_cycle}m", first, last, ("a", "H", "m"))
            span = "".join(hours) if hours else f"{self.time(first)}{self._fallback_separator()}"
            return self._glue(self._format("yMMMMd", first, False), span)
        if step.unit is Unit.WEEK:
            monday = self._format("yMMMMd", first, first.era == 0)
            return self.messages.text("date_week", "week of %(date)s", date=monday)
        point = _period_point(period)
        if point is not None:
            return self.point(point)
        if first.era == 1 and step.count == 10 and first.year >= 10:
            return self.messages.text("period_decade", "%(year)ss", year=first.year)
        # Centuries and longer, and steps before the era: the years they run over (no ordinal
        # numbers: CLDR has none for Babel to read, and 1800–1899 cannot be misread).
        return self.span(period.start, period.end)

    def period_range(self, first: Period, last: Period) -> str:
        """Periods from `first` to `last` as one label: "1980–1984", "January–April 1983",
        "1970s – 1980s"."""
        if first == last:
            return self.period(first)
        start, end = _period_point(first), _period_point(last)
        if start is not None and end is not None:
            return self.text(FuzzyDate(start, end))
        return f"{self.period(first)}{self._fallback_separator()}{self.period(last)}"

    def span(self, start: int, end: int) -> str:
        """A stretch of time (start included, end excluded) at a precision that fits its
        length: "23 March – 3 April 2021", "March–July 2021", "49–27 BC"."""
        length = end - start
        first, last = (
            civil_from_days(start // SECONDS_PER_DAY),
            civil_from_days((end - 1) // SECONDS_PER_DAY),
        )
        if length > 2 * Step(Unit.YEAR).seconds():
            points = PointDate(Precision.YEAR, first[0]), PointDate(Precision.YEAR, last[0])
        elif length > 62 * SECONDS_PER_DAY:
            points = (
                PointDate(Precision.MONTH, first[0], first[1]),
                PointDate(Precision.MONTH, last[0], last[1]),
            )
        else:
            points = (
                PointDate(Precision.DAY, *first),
                PointDate(Precision.DAY, *last),
            )
        if points[0] == points[1]:
            return self.point(points[0])
        return self.text(FuzzyDate(*points))

    # ----------------------------------------------------------------- the chart's axis

    def tick(self, step: Step, boundary: int) -> str:
        """An axis label at a step's boundary: "15:00", "29", "Mar", "1970", "300", "1 AD"
        (years before the era say it in their context line, below)."""
        moment = _Moment.at(boundary)
        if step.unit is Unit.HOUR:
            return self.time(moment)
        if step.unit in (Unit.DAY, Unit.WEEK):
            return self._format("d", moment, False)
        if step.unit is Unit.MONTH:
            return self._format("MMM", moment, False)
        # "1" alone after years before the era would read as 1 BC: AD 1 says its era.
        return self._format("y", moment, moment.era == 1 and moment.year == 1)

    def tick_context(self, step: Step, boundary: int, since: int | None = None) -> str | None:
        """The larger unit an axis label needs to be read (the day of an hour, the month of a
        day, the year of a month, the era of a year before it), shown under the first tick and
        wherever it changes; None for years of the common era.

        `since` is the boundary of the context shown before: in the same year, the year is
        left out ("Apr" after "Mar 2021"), for an axis with no room for it twice."""
        moment = _Moment.at(boundary)
        era = moment.era == 0
        earlier = _Moment.at(since) if since is not None else None
        same_year = earlier is not None and (earlier.year, earlier.era) == (moment.year, moment.era)
        if step.unit is Unit.HOUR:
            return self._format("MMMd" if same_year else "yMMMd", moment, era and not same_year)
        if step.unit in (Unit.DAY, Unit.WEEK):
            return self._format("MMM" if same_year else "yMMM", moment, era and not same_year)
        if step.unit is Unit.MONTH:
            return self._format("y", moment, era)
        return self._format_pattern("G", moment) if era else None

    # ----------------------------------------------------------------- the clock

    def clock(self, zone: str | None, offset: int | None) -> str:
        """The sentence saying which clock the timeline's times are on: the site's time zone by
        its city in the language ("Times are local time in Cairo."), or a UTC offset."""
        if zone and not _is_utc(zone):
            city = babel.dates.get_timezone_location(zone, locale=self.locale, return_city=True)
            return self.messages.text(
                "clock_zone", "Times are local time in %(city)s.", city=str(city)
            )
        shown = offset_text(offset) if offset and not zone else ""
        return self.messages.text("clock_utc", "Times are in UTC%(offset)s.", offset=shown)

    # ----------------------------------------------------------------- patterns

    def _format(self, skeleton: str, moment: _Moment, era: bool) -> str:
        """A moment by the language's pattern for a skeleton ("yMMMMd"), with its era."""
        return self._pattern(("G" if era else "") + skeleton) % _MomentFormat(moment, self.locale)

    def _pattern(self, skeleton: str) -> babel.dates.DateTimePattern:
        pattern = self._patterns.get(skeleton)
        if pattern is None:
            skeletons = self.locale.datetime_skeletons
            matched = babel.dates.match_skeleton(skeleton, skeletons) or skeleton
            found = str(skeletons[matched].pattern) if matched in skeletons else skeleton
            if "G" in skeleton and "G" not in found.replace("'", ""):
                found = f"{found} G"  # a language with no era pattern still says the era
            pattern = self._patterns[skeleton] = babel.dates.parse_pattern(
                _widen_to(found, skeleton)
            )
        return pattern

    def _format_pattern(self, pattern: str, moment: _Moment) -> str:
        parsed = self._patterns.get("=" + pattern)
        if parsed is None:
            parsed = self._patterns["=" + pattern] = babel.dates.parse_pattern(pattern)
        return parsed % _MomentFormat(moment, self.locale)

    def _glue(self, date: str, time: str) -> str:
        """A date and a time joined as the language joins them ("{1}, {0}")."""
        glue = re.sub(r"'([^']*)'", r"\1", str(self.locale.datetime_formats["medium"]))
        return glue.replace("{1}", date).replace("{0}", time)

    def _fallback_separator(self) -> str:
        fallback = self.locale.interval_formats.get(None) or "{0} – {1}"
        return str(fallback).split("{0}", 1)[-1].split("{1}", 1)[0]


# Interval skeletons whose month width is widened from abbreviated to full (CLDR has no
# full-width interval patterns for most languages; TR35 says to adjust the field width).
_INTERVAL_SKELETONS = {Precision.DAY: "yMMMd", Precision.MONTH: "yMMM", Precision.YEAR: "y"}


def _period_point(period: Period) -> PointDate | None:
    """A period that is one calendar day, month or year, as that date."""
    if period.point is not None:
        return period.point
    step = period.step
    if step is None or step.count != 1 or step.unit in (Unit.HOUR, Unit.WEEK):
        return None
    year, month, day = civil_from_days(period.start // SECONDS_PER_DAY)
    if step.unit is Unit.DAY:
        return PointDate(Precision.DAY, year, month, day)
    if step.unit is Unit.MONTH:
        return PointDate(Precision.MONTH, year, month)
    return PointDate(Precision.YEAR, year)


def _is_utc(zone: str) -> bool:
    """True for the names of UTC itself, which has no city to name it by."""
    return zone.upper() in {"UTC", "GMT", "UCT", "ZULU", "UNIVERSAL"} or zone.startswith("Etc/")


def _widen_to(pattern: str, skeleton: str) -> str:
    """A matched pattern with its month as wide as the skeleton asks (TR35 field widths)."""
    return _widen(pattern) if "MMMM" in skeleton else pattern


def _field(moment: _Moment, field: str) -> int:
    values = {
        "G": moment.era,
        "y": moment.year,
        "M": moment.month,
        "d": moment.day,
        "a": int(moment.hour >= 12),
        "H": moment.hour,
        "m": moment.minute,
    }
    return values[field]


def _widen(pattern: str) -> str:
    """MMM -> MMMM and LLL -> LLLL outside quoted literals."""
    pieces = re.split(r"('[^']*')", pattern)
    return "".join(
        piece
        if piece.startswith("'")
        else re.sub(r"(?<![ML])(MMM|LLL)(?![ML])", lambda m: m.group(1) + m.group(1)[0], piece)
        for piece in pieces
    )


def _split_separator(pattern: str) -> tuple[str, str]:
    """The first half of an interval pattern and the literal text that ends it (" – ")."""
    match = re.search(r"[^A-Za-z']*$", pattern)
    assert match is not None
    return pattern[: match.start()], pattern[match.start() :]


@cache
def _month_with_year(locale: babel.Locale, era: bool) -> str:
    """The month-and-year part of the language's full date pattern: the month as a date names
    it (Ukrainian genitive "червня 2025 р.", not the stand-alone "червень")."""
    skeleton = "GyMMMMd" if era else "yMMMMd"
    matched = babel.dates.match_skeleton(skeleton, locale.datetime_skeletons) or "yMMMMd"
    pattern = _widen_to(str(locale.datetime_skeletons[matched].pattern), skeleton)
    pieces = re.split(r"('[^']*')", pattern)
    out = []
    for piece in pieces:
        if piece.startswith("'"):
            out.append(piece)
            continue
        # The day and the punctuation that belongs to it ("d ", "d. ", " d,").
        piece = re.sub(r"d+[.,]?\s*", "", piece)
        out.append(piece)
    return re.sub(r"\s+([,.])", r"\1", "".join(out)).strip(" ,")
