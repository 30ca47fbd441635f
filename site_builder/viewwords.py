"""The words views print that depend on the site: its messages, an event's status, a kind of
player, a kind of link, and the alphabet an index is ordered by."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from site_builder.config import DEFAULT_KINDS
from site_builder.i18n import Messages, parse_language
from site_builder.site import Site


def site_messages(site: Site) -> Messages:
    """The theme's words in the site's language, with site.yaml's `labels:` (validated)."""
    return Messages(parse_language(site.config.language), site.config.labels)


def status_label(messages: Messages, status: str) -> str:
    """An event's status in words: the tag of an event that has not simply happened
    ("Proposed, not yet happened", "Postponed"), and the label of a chart lane by status."""
    if status == "proposed":
        return messages.text("status_proposed", "Proposed, not yet happened")
    if status == "ongoing":
        return messages.text("status_ongoing", "Ongoing")
    if status == "postponed":
        return messages.text("status_postponed", "Postponed")
    if status == "cancelled":
        return messages.text("status_cancelled", "Cancelled")
    return messages.text("status_happened", "Happened")


def kind_label(messages: Messages, site: Site, kind: str) -> str:
    """A kind of player as readers see it: the catalogue's words, or site.yaml's label."""
    declared = {item.id: item.label for item in site.config.kinds}
    if kind in declared:
        return declared[kind]
    defaults = {
        "person": messages.text("kind_person", "Person"),
        "organisation": messages.text("kind_organisation", "Organisation"),
        "government": messages.text("kind_government", "Government"),
        "place": messages.text("kind_place", "Place"),
        "object": messages.text("kind_object", "Object"),
    }
    assert set(defaults) == set(DEFAULT_KINDS)
    return defaults.get(kind, kind)


def link_kind_label(messages: Messages, kind: str) -> str:
    """ "video", "audio", "document" in the site's language."""
    if kind == "video":
        return messages.text("media_video", "video")
    if kind == "audio":
        return messages.text("media_audio", "audio")
    return messages.text("media_document", "document")


@dataclass(frozen=True)
class Alphabet:
    """The letters an index is ordered and grouped by ("ABC...", "АБВГҐД...")."""

    letters: str

    def fold(self, char: str) -> str:
        """A character as the index sees it: upper case, and without accents unless the
        alphabet has it as a letter of its own (Й and Ї stay; É is E)."""
        upper = char.upper()
        if upper in self.letters:
            return upper
        decomposed = unicodedata.normalize("NFKD", upper)
        return "".join(c for c in decomposed if not unicodedata.combining(c))[:1] or upper

    def sort_key(self, name: str) -> tuple[int, ...]:
        """Order of a name: spaces, punctuation and digits first ("A. Smith" before "Adam"),
        then the alphabet's letters in its order, then letters of other scripts."""
        size = len(self.letters)
        key = []
        for char in name.strip():
            folded = self.fold(char)
            position = self.letters.find(folded)
            if position >= 0:
                key.append(position)
            elif folded.isalpha():
                key.append(size + ord(folded))
            else:
                key.append(ord(folded) - 0x110000)  # before every letter, in code-point order
        return tuple(key)

    def initial(self, name: str) -> str:
        """The index heading a name goes under; "#" for names that start with no letter of it."""
        stripped = name.strip()
        first = self.fold(stripped[0]) if stripped else ""
        return first if first and first in self.letters else "#"
