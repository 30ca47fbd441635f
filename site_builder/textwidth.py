"""Text measured without a browser: the width of a label in pixels, and a label wrapped to a
width (an ellipsis ends a cut one). The estimates are generous, so that labels measured here
never overlap when drawn; the browser tests measure the real ones.
"""

from __future__ import annotations

import unicodedata

FONT_SIZE = 13
MAX_LINES = 2
# --------------------------------------------------------------------------- text


# Glyph widths in ems, generous for the system sans-serif fonts (DejaVu Sans is the widest of
# them), so that labels measured here never overlap when drawn; the browser tests measure the
# real ones, in English, Ukrainian and Arabic.
_NARROW_GLYPHS = frozenset("iljtfrI.,:;'!|()[] \u00a0\u2009\u202f")
_WIDE_GLYPHS = frozenset("mwMW@%—жшщюыЖШЩЮЫМ")


def text_width(text: str, font_size: int = FONT_SIZE) -> float:
    """Estimated width of a label in pixels."""
    ems = 0.0
    for char in text:
        if char in _NARROW_GLYPHS:
            ems += 0.38
        elif char in _WIDE_GLYPHS or unicodedata.east_asian_width(char) in ("W", "F"):
            ems += 1.0
        elif char.isdigit() or char.islower():
            ems += 0.66 if char.isascii() else 0.72
        elif char.isupper():
            ems += 0.78 if char.isascii() else 0.86
        elif char.isascii() or char.isalpha():
            ems += 0.7  # ASCII signs; letters of scripts without case (Arabic, Hebrew)
        else:
            ems += 1.0  # dashes, arrows and other signs
    return ems * font_size * 1.05


def wrap_label(
    text: str, width: float, max_lines: int = MAX_LINES, font_size: int = FONT_SIZE
) -> tuple[str, ...]:
    """Split a label into lines that fit `width` px (two at most unless told); an ellipsis
    ends a cut label."""
    lines: list[str] = []
    words = text.split()
    current = ""
    while words:
        candidate = f"{current} {words[0]}".strip()
        if text_width(candidate, font_size) <= width:
            current = candidate
            words.pop(0)
            continue
        if not current:  # a single word longer than a line
            cut = _longest_fitting(words[0], width, font_size)
            current, words[0] = words[0][:cut], words[0][cut:]
        lines.append(current)
        current = ""
        if len(lines) == max_lines:
            break
    if current:
        lines.append(current)
    if words:
        last = lines[-1]
        while last and text_width(last + "…", font_size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return tuple(lines)


def _longest_fitting(word: str, width: float, font_size: int) -> int:
    cut = len(word)
    while cut > 1 and text_width(word[:cut], font_size) > width:
        cut -= 1
    return cut
