"""Every word the theme shows, in the site's language: catalogues, label overrides, plural forms.

The theme's words live in one gettext catalogue per language (`site_builder/locale/LANG/
LC_MESSAGES/messages.po`, compiled to `.mo` by `tools/catalogues.py`). Each message has a
context, its *label id* (`players`, `source_count`), which is also the key `site.yaml`'s
`labels:` overrides it by. Plural forms and dates come from CLDR through Babel, so a language
without a catalogue still counts and writes dates in its own grammar; only the theme's words
fall back to English (and `labels:` can translate those).

Dates as readers see them are datefmt.py's (with cldr.py's patterns over any year); the
checking of site.yaml's `labels:` is labels.py's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

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

from site_builder.errors import closest

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"  # the language of the msgids, and the fallback catalogue

# {name} in a label override; %(name)s / %(name)d in the catalogue (gettext's python-format).
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
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


# A label override: one text, or (for a count) a text per CLDR plural category.
Override = str | Mapping[str, str]


# A link in an override, written as in Markdown: [all sources]({url}).
_LINK = re.compile(r"\[([^\]]+)\]\(\{(url)\}\)")


def _to_catalogue_form(text: str) -> str:
    """An override in the catalogue's form, escaped: {num} becomes %(num)s, a lone % stays a
    %, and [text]({url}) becomes a link."""
    escaped = str(escape(text.replace("%", "%%")))
    linked = _LINK.sub(lambda m: f'<a href="{{{m.group(2)}}}">{m.group(1)}</a>', escaped)
    return PLACEHOLDER.sub(lambda m: f"%({m.group(1)})s", linked)


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


# --------------------------------------------------------------------------- facts' standing


@dataclass(frozen=True)
class Standing:
    """How a fact's verification reads: its badge and the sentence that explains it."""

    label: str
    explanation: str


def verification_words(messages: Messages, state: str) -> Standing | None:
    """The badge and explanation of a fact that is not simply verified; None when it is."""
    if state == "unconfirmed":
        return Standing(
            messages.text("verification_unconfirmed", "Unconfirmed"),
            messages.text(
                "verification_unconfirmed_explained",
                "Reported, but not yet confirmed: treat it with caution.",
            ),
        )
    if state == "disputed":
        return Standing(
            messages.text("verification_disputed", "Disputed"),
            messages.text(
                "verification_disputed_explained", "Sources disagree about whether this is so."
            ),
        )
    if state == "retracted":
        return Standing(
            messages.text("verification_retracted", "Retracted"),
            messages.text(
                "verification_retracted_explained",
                "It was wrong, and stays here struck through, beside its correction.",
            ),
        )
    return None


def update_kind_word(messages: Messages, kind: str) -> str:
    """ "Update", "Correction", "Clarification" in the site's language."""
    if kind == "correction":
        return messages.text("update_kind_correction", "Correction")
    if kind == "clarification":
        return messages.text("update_kind_clarification", "Clarification")
    return messages.text("update_kind_update", "Update")
