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

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import babel
import babel.dates
import babel.languages
import babel.localedata
import babel.support
from babel.messages.mofile import read_mo
from markupsafe import Markup, escape

from site_builder.dates import FuzzyDate, PointDate, Precision
from site_builder.errors import closest

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
        return _plain(self.template(label, message)) % values

    def plural_text(
        self, label: str, singular: str, plural: str, number: int, **values: Any
    ) -> str:
        """A counting label as plain text ("1 source", "2 sources", "5 джерел")."""
        template = _plain(self.plural_template(label, singular, plural, number))
        return template % {"num": number, **values}

    def install(self, environment: Any) -> None:
        """Give a Jinja environment (with the i18n extension) these words."""

        def pgettext(context: str, message: str) -> str:
            return Markup(self.template(context, message))

        def npgettext(context: str, singular: str, plural: str, number: int) -> str:
            return Markup(self.plural_template(context, singular, plural, number))

        def gettext(message: str) -> str:
            raise TypeError("every theme message needs a label id: use pgettext(id, text)")

        def ngettext(singular: str, plural: str, number: int) -> str:
            raise TypeError("every theme message needs a label id: use npgettext(id, ...)")

        environment.install_gettext_callables(
            gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
        )


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
    """A date for readers: one (machine value, text) part, or two joined by a separator."""

    parts: tuple[tuple[str, str], ...]
    separator: str

    @property
    def text(self) -> str:
        """The whole date as one string."""
        return self.separator.join(text for _, text in self.parts)


class DateFormatter:
    """Writes dates at their precision in one language, from CLDR patterns (Babel)."""

    def __init__(self, messages: Messages) -> None:
        self.messages = messages
        self.locale = messages.language.locale
        # A date shows on several pages (an event on the timeline and its players' pages):
        # write each once. Babel matches a skeleton to a pattern on every call otherwise.
        self._written: dict[FuzzyDate, DateText] = {}
        self._patterns: dict[str, Any] = {}

    def point(self, point: PointDate) -> str:
        """One date at its precision: "19 July 2025", "березень 2022 р.", "early June 2025"."""
        precision = point.precision
        if precision is Precision.DAY:
            return self._skeleton("yMMMMd", point.first_day())
        if precision is Precision.WEEK:
            return self.messages.text(
                "date_week", "week of %(date)s", date=self._skeleton("yMMMMd", point.first_day())
            )
        if precision is Precision.PART_OF_MONTH:
            month = babel.dates.format_date(
                point.first_day(), _month_with_year(self.locale), locale=self.locale
            )
            part = point.part or "early"
            if part == "early":
                return self.messages.text("date_early", "early %(month)s", month=month)
            if part == "mid":
                return self.messages.text("date_mid", "mid %(month)s", month=month)
            return self.messages.text("date_late", "late %(month)s", month=month)
        if precision is Precision.MONTH:
            return self.month(point.year, point.month or 1)
        return self._skeleton("y", point.first_day())

    def month(self, year: int, month: int) -> str:
        """A month alone, as a heading names it: "June 2025", "червень 2025 р."."""
        return self._skeleton("yMMMM", dt.date(year, month, 1))

    def year(self, year: int) -> str:
        """A year alone."""
        return self._skeleton("y", dt.date(year, 1, 1))

    def short_month(self, day: dt.date, with_year: bool) -> str:
        """A month on a chart axis: "Jul", or "Jul 2025" where the year changes."""
        return self._skeleton("yMMM" if with_year else "MMM", day)

    def date(self, date: FuzzyDate) -> DateText:
        """A date or a range, sharing what both ends have in common ("14–18 July 2025")."""
        written = self._written.get(date)
        if written is None:
            written = self._written[date] = self._date(date)
        return written

    def _date(self, date: FuzzyDate) -> DateText:
        start = self.point(date.start)
        if date.end is None:
            return DateText(((date.start.machine(), start),), "")
        end = self.point(date.end)
        interval = self._interval(date.start, date.end)
        if interval is not None:
            first, separator, second = interval
            return DateText(
                ((date.start.machine(), first), (date.end.machine(), second)), separator
            )
        separator = _fallback_separator(self.locale)
        return DateText(((date.start.machine(), start), (date.end.machine(), end)), separator)

    def text(self, date: FuzzyDate) -> str:
        """A date or range as one string."""
        return self.date(date).text

    def _skeleton(self, skeleton: str, day: dt.date) -> str:
        pattern = self._patterns.get(skeleton)
        if pattern is None:
            matched = babel.dates.match_skeleton(skeleton, self.locale.datetime_skeletons)
            found = self.locale.datetime_skeletons[matched or skeleton]
            pattern = self._patterns[skeleton] = babel.dates.parse_pattern(
                _widen_to(str(found.pattern), skeleton)
            )
        return str(pattern.apply(day, self.locale))

    def _interval(self, start: PointDate, end: PointDate) -> tuple[str, str, str] | None:
        """A range of two days, two months or two years by CLDR's interval patterns."""
        kinds = {start.precision, end.precision}
        if len(kinds) != 1 or start.precision not in _INTERVAL_SKELETONS:
            return None
        skeleton = _INTERVAL_SKELETONS[start.precision]
        first, last = start.first_day(), end.first_day()
        formats = self.locale.interval_formats.get(skeleton)
        if not formats:
            return None
        for field in ("y", "M", "d"):
            if field not in formats:
                continue
            if _field(first, field) == _field(last, field):
                continue
            head, tail = (_widen(pattern) for pattern in formats[field])
            head_pattern, separator = _split_separator(head)
            return (
                _apply(head_pattern, first, self.locale),
                separator,
                _apply(tail, last, self.locale),
            )
        return None


# Interval skeletons whose month width is widened from abbreviated to full (CLDR has no
# full-width interval patterns for most languages; TR35 says to adjust the field width).
_INTERVAL_SKELETONS = {Precision.DAY: "yMMMd", Precision.MONTH: "yMMM", Precision.YEAR: "y"}


def _widen_to(pattern: str, skeleton: str) -> str:
    """A matched pattern with its month as wide as the skeleton asks (TR35 field widths)."""
    return _widen(pattern) if "MMMM" in skeleton else pattern


def _field(day: dt.date, field: str) -> int:
    return {"y": day.year, "M": day.month, "d": day.day}[field]


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


def _apply(pattern: str, day: dt.date, locale: babel.Locale) -> str:
    return str(babel.dates.parse_pattern(pattern).apply(day, locale))


def _fallback_separator(locale: babel.Locale) -> str:
    fallback = locale.interval_formats.get(None) or "{0} – {1}"
    return str(fallback).split("{0}", 1)[-1].split("{1}", 1)[0]


@cache
def _month_with_year(locale: babel.Locale) -> str:
    """The month-and-year part of the language's full date pattern: the month as a date names
    it (Ukrainian genitive "червня 2025 р.", not the stand-alone "червень")."""
    pattern = str(locale.datetime_skeletons["yMMMMd"].pattern)
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
