"""`labels:` in site.yaml checked against the theme's catalogue: every override names a label that
exists, keeps the placeholders the label needs ({count}, {url}) and, for a count, gives the
plural forms the site's language has (CLDR). Each problem is a `LabelProblem` the config's
reader locates in site.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from site_builder.errors import closest
from site_builder.i18n import PLACEHOLDER, Label, Language, catalogue_labels

# --------------------------------------------------------------------------- overrides


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
        for name in PLACEHOLDER.findall(text):
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
