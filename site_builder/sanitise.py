"""Sanitising HTML with nh3: the one allow-list of tags, attributes, styles and URL schemes that
every converted text passes. Identity links (`player:ID`, ...) pass as written; markup.py
resolves them per build.
"""

from __future__ import annotations

import nh3

from site_builder.urls import LINK_SCHEMES

# --------------------------------------------------------------------------- sanitising

# nh3's defaults strip id and class, which footnotes, admonitions and attr_list rely on.
# `cite` (on q, blockquote, ins, del) is a URL nh3 does not check against url_schemes, so a
# javascript: URL would survive in it; readers never see it, so it goes. Added for what the
# extensions write: `title` on links (footnote back-links, link titles) and images, the
# expansion of an `abbr`, `open` on a `details` (pymdownx.details' `???+`), and `style` on table
# cells, where only `text-align` (column alignment) is kept.
_ALLOWED_ATTRIBUTES = {tag: set(attrs) - {"cite"} for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ALLOWED_ATTRIBUTES["*"] = {"id", "class", "lang"}
for _tag, _extra in {
    "a": {"title"},
    "img": {"title"},
    "abbr": {"title"},
    "details": {"open"},
    "th": {"style"},
    "td": {"style"},
}.items():
    _ALLOWED_ATTRIBUTES[_tag] = _ALLOWED_ATTRIBUTES.get(_tag, set()) | _extra
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"figure", "figcaption", "section"}
# Identity links pass the sanitiser as written and are resolved afterwards (MarkdownRenderer).
_URL_SCHEMES = {"http", "https", "mailto", *LINK_SCHEMES}

# One cleaner for the whole process: building nh3's configuration costs a third of a clean.
_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes=_ALLOWED_ATTRIBUTES,
    link_rel=None,
    url_schemes=_URL_SCHEMES,
    filter_style_properties={"text-align"},
)


def sanitise(html: str) -> str:
    """Remove scripts, event handlers, styles and dangerous URLs from HTML."""
    return _CLEANER.clean(html)
