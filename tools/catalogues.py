"""Keep the theme's message catalogues in step with the code, and compile them.

    python3 tools/catalogues.py          # extract, update every .po, compile every .mo
    python3 tools/catalogues.py --check  # exit 1 if anything is out of step (what CI runs)

Messages are extracted with Babel from the theme's templates (pgettext, npgettext and
{% trans "label_id" %} blocks) and from the package's Python (messages.text / messages.count),
into site_builder/locale/messages.pot. The English catalogue is the source text itself (every
msgstr is its msgid); other languages keep their translations and get new messages untranslated,
which --check reports. The compiled .mo files are committed, so that an editable and a
non-editable install both have them without a build step; they are compiled byte for byte the
same from the same .po (no dates, messages sorted), which --check verifies.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "site_builder"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "messages.pot"
SOURCE_LANGUAGE = "en"
# A fixed date keeps the files byte-identical from run to run (the header is data, not news).
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
# The Python modules that put words on pages (through i18n.Messages); the rest of the package
# speaks to authors in English, in error messages.
METHODS = [
    ("theme/templates/**.html", "jinja2.ext:babel_extract"),
    ("viewwords.py", "python"),
    ("views.py", "python"),
    ("timelineview.py", "python"),
    ("pages.py", "python"),
    ("pagekinds.py", "python"),
    ("timelinepages.py", "python"),
    ("render.py", "python"),
    ("pagemeta.py", "python"),
    ("feeds.py", "python"),
    ("i18n.py", "python"),
    ("datefmt.py", "python"),
]
OPTIONS = {"theme/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
# Python callers: messages.text(label, text, ...) and messages.plural_text(label, one, many, n);
# a page kind's menu label, Label(label, text).
KEYWORDS = {
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "text": ((1, "c"), 2),
    "plural_text": ((1, "c"), 2, 3),
    "Label": ((1, "c"), 2),  # a page kind's name in the menu (pages.Label)
}


def extract() -> Catalog:
    """Every message the package uses, with the places it is used."""
    catalogue = Catalog(
        project="site_builder",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        msgid_bugs_address="",
        fuzzy=False,
    )
    found = extract_from_dir(str(PACKAGE), METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        if context is None:
            raise SystemExit(f"{filename}:{lineno}: message {message!r} has no label id")
        catalogue.add(
            message,
            None,
            [(f"site_builder/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalogue


def po_bytes(catalogue: Catalog) -> bytes:
    """A catalogue as .po text, deterministically."""
    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=100, sort_output=True, include_lineno=False)
    return buffer.getvalue()


def mo_bytes(catalogue: Catalog) -> bytes:
    """A catalogue compiled to .mo, deterministically."""
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def updated(language: str, template: Catalog) -> Catalog:
    """A language's catalogue brought in step with the template."""
    path = LOCALE / language / "LC_MESSAGES" / "messages.po"
    if path.exists():
        with path.open("rb") as file:
            catalogue = read_po(file, locale=language)
    else:
        catalogue = Catalog(locale=language, project="site_builder", fuzzy=False)
    # A copy: update() shares the template's message objects, which the English fill changes.
    catalogue.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False)
    catalogue.obsolete.clear()  # messages the theme no longer uses go
    catalogue.creation_date = FIXED_DATE
    catalogue.revision_date = FIXED_DATE
    catalogue.fuzzy = False
    if language == SOURCE_LANGUAGE:
        for message in catalogue:
            if message.id:
                message.string = message.id
    return catalogue


def untranslated(catalogue: Catalog) -> list[str]:
    """Label ids of messages with no translation (or a fuzzy one) in a catalogue."""
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy or not all(strings):
            missing.append(str(message.context))
    return missing


def languages() -> list[str]:
    """Every language with a catalogue folder."""
    return sorted(path.name for path in LOCALE.iterdir() if (path / "LC_MESSAGES").is_dir())


def expected_files() -> dict[Path, bytes]:
    """Every catalogue file as the code and the translations say it should be."""
    template = extract()
    files = {TEMPLATE: po_bytes(template), LABELS_DOC: labels_doc(template)}
    for language in languages():
        catalogue = updated(language, template)
        folder = LOCALE / language / "LC_MESSAGES"
        files[folder / "messages.po"] = po_bytes(catalogue)
        files[folder / "messages.mo"] = mo_bytes(catalogue)
    return files


LABELS_DOC = ROOT / "docs" / "labels.md"


def labels_doc(template: Catalog) -> bytes:
    """docs/labels.md: every label id a site can override, with its English text."""
    lines = [
        "# Labels: every word the theme shows",
        "",
        "<!-- Written by tools/catalogues.py from the message catalogue; do not edit. -->",
        "",
        "Each word or sentence the theme shows has a label id. `site.yaml` can replace any of",
        "them for one site:",
        "",
        "```yaml",
        "labels:",
        '  players: "Who\'s who"',
        "  source_uses:                   # a count: one text per plural form of the language",
        '    one: "Cited once"',
        '    other: "Cited {num} times"',
        "```",
        "",
        "A label that counts takes a text per plural form of the site's language (CLDR's `one`,",
        "`few`, `many`, `other`...; `other` is required), or one text for every count.",
        "`{name}` marks a value filled in (`{num}` is the count); the values each label can use",
        "are listed below. Labels are plain text (`<` or `&` show as written); a link is written",
        "as in Markdown, `[all sources and quotes]({url})`, where the English text has one.",
        "",
        "| label | English | values |",
        "| --- | --- | --- |",
    ]
    for message in sorted(template, key=lambda m: str(m.context or "")):
        if not message.id:
            continue
        text = message.id[1] if isinstance(message.id, tuple | list) else message.id
        linked = re.sub(r'<a href="%\(url\)s">([^<]*)</a>', r"[\1]({url})", text)
        shown = re.sub(r"%\((\w+)\)[sd]", r"{\1}", linked).replace("|", "\\|")
        values = ", ".join(sorted(f"`{{{name}}}`" for name in set(re.findall(r"%\((\w+)\)", text))))
        lines.append(f"| `{message.context}` | {shown} | {values} |")
    return ("\n".join(lines) + "\n").encode("utf-8")


def problems() -> list[str]:
    """What is out of step: stale files and untranslated messages."""
    found = []
    for path, data in expected_files().items():
        if not path.exists() or path.read_bytes() != data:
            found.append(f"{path.relative_to(ROOT)} is out of date")
    template = extract()
    for language in languages():
        for label in untranslated(updated(language, template)):
            found.append(f"{language}: '{label}' is not translated")
    return found


def main(argv: list[str] | None = None) -> int:
    """Update and compile the catalogues, or check them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        print("\n".join(found) or "catalogues are up to date")
        return 1 if found else 0
    for path, data in expected_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
    for language in languages():
        missing = untranslated(updated(language, extract()))
        if missing:
            print(f"{language}: {len(missing)} messages to translate: {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
