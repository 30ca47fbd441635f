"""The checked types content fields are made of: URL-safe ids, links, domains, base URLs,
media and content paths, dates in fields, time zones, references to facts, Markdown extensions.

Each type refuses a bad value with a message and a hint (pydantic custom errors), which the
loader places at the value's line and column. No IO here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field, StrictStr, ValidationInfo
from pydantic.functional_validators import AfterValidator, PlainValidator
from pydantic_core import PydanticCustomError

from site_builder.clock import Clock, check_zone
from site_builder.dateparse import parse_date, parse_event_date
from site_builder.dates import DATE_SYNTAX_HINT, DateSyntaxError, EventDate, FuzzyDate, UnknownDate

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(value: str) -> bool:
    """True for a URL-safe id: lowercase letters and digits in hyphen-separated words."""
    return _SLUG.fullmatch(value) is not None


def suggest_slug(value: str, fallback: str = "my-id") -> str:
    """A URL-safe id made from `value`'s letters and digits ('Bob Smith' -> 'bob-smith')."""
    return "-".join(re.findall(r"[a-z0-9]+", value.lower())) or fallback


def _check_slug(value: str) -> str:
    if not is_slug(value):
        suggestion = suggest_slug(value)
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a URL-safe id",
            {
                "value": value,
                "hint": f"use lowercase letters, digits and hyphens, e.g. {suggestion!r}",
            },
        )
    return value


def _clock(info: ValidationInfo) -> Clock:
    """The clock times of day are read on: the loader's (the site's time zone), or, inside
    site.yaml itself, its own `timezone` field (validated before `as_of`)."""
    context = info.context if isinstance(info.context, dict) else {}
    clock = context.get("clock")
    if isinstance(clock, Clock):
        return clock
    data = info.data if isinstance(info.data, dict) else {}
    if "timezone" not in data and info.field_name == "as_of":
        return Clock(known=False)  # the time zone is invalid (reported): say nothing more
    zone = data.get("timezone")
    return Clock(zone) if isinstance(zone, str) else Clock()


def _date_text(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # YAML reads a bare year as a number
    if not isinstance(value, str):
        raise PydanticCustomError(
            "date_type",
            "a date must be text such as 2025-07-19, not {kind}",
            {"kind": type(value).__name__, "hint": DATE_SYNTAX_HINT},
        )
    return value


def _to_date(value: Any, info: ValidationInfo) -> FuzzyDate:
    if isinstance(value, FuzzyDate):
        return value
    try:
        return parse_date(_date_text(value), _clock(info))
    except DateSyntaxError as error:
        raise PydanticCustomError("date", str(error), {"hint": error.hint}) from None


def _to_event_date(value: Any, info: ValidationInfo) -> EventDate:
    if isinstance(value, FuzzyDate | UnknownDate):
        return value
    try:
        return parse_event_date(_date_text(value), _clock(info))
    except DateSyntaxError as error:
        raise PydanticCustomError("date", str(error), {"hint": error.hint}) from None


def _in_common_era(value: FuzzyDate) -> FuzzyDate:
    last = value.end or value.start
    if value.start.year < 1 or last.year > 9999:
        raise PydanticCustomError(
            "date_era",
            "this date must fall in the years 1 to 9999",
            {"hint": "the explainer's own dates (as of, updates) are dates of our era"},
        )
    return value


def _check_zone_name(value: str) -> str:
    try:
        return check_zone(value)
    except DateSyntaxError as error:
        raise PydanticCustomError("timezone", str(error), {"hint": error.hint}) from None


# Links written in YAML end up in href attributes: only schemes that cannot run code or smuggle
# content are allowed, and http(s) links must name a host. No whitespace or control characters
# anywhere, since browsers drop some of them ("java\tscript:") before reading the scheme.
_WEB_LINK = re.compile(r"(?:https?://[^\s/?#@]+(?:[/?#]\S*)?|mailto:[^\s/]\S*)", re.IGNORECASE)
_DOMAIN = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*", re.IGNORECASE
)
# A site path ("/", "/explainer/"): no '..' segment, no "//" (a host to a browser), no query.
_SITE_PATH = re.compile(r"/(?!/)(?:(?!\.\.(?:/|$))[^\s?#\\])*")


def _shown(value: str) -> str:
    """A value quoted for a message: cut short, invisible characters escaped (a tab as \\t)."""
    return repr(value if len(value) <= 60 else value[:59] + "…")


def _check_link(value: str) -> str:
    if _WEB_LINK.fullmatch(value):
        return value
    scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*)\s*:", value)
    if scheme and scheme.group(1).lower() in ("javascript", "data", "vbscript"):
        raise PydanticCustomError(
            "link_scheme",
            "'{scheme}:' links are refused: they can run code in the reader's browser",
            {
                "scheme": scheme.group(1).lower(),
                "hint": "link to the page itself with its https:// address",
            },
        )
    raise PydanticCustomError(
        "link",
        "{value} is not a web address",
        {
            "value": _shown(value),
            "hint": "write a full address starting with https://, http:// or mailto: "
            "(no spaces; no local paths like /file or ../file)",
        },
    )


def _check_base_url(value: str) -> str:
    if _SITE_PATH.fullmatch(value) or (
        _WEB_LINK.fullmatch(value) and value.lower().startswith(("http://", "https://"))
    ):
        return value
    raise PydanticCustomError(
        "base_url",
        "{value} is not a base URL",
        {
            "value": _shown(value),
            "hint": 'write "/" for the root of a domain, a path such as "/explainer/", or a '
            'full address such as "https://example.github.io/explainer/"',
        },
    )


def is_domain(value: str) -> bool:
    """True for a bare domain name such as explainer.example.org (no scheme, no path)."""
    return _DOMAIN.fullmatch(value) is not None


def _check_domain(value: str) -> str:
    if not is_domain(value):
        raise PydanticCustomError(
            "domain",
            "{value} is not a domain name",
            {
                "value": _shown(value),
                "hint": "write the bare domain, without https:// or a path, "
                "e.g. explainer.example.org",
            },
        )
    return value


Id = Annotated[StrictStr, AfterValidator(_check_slug)]
Link = Annotated[StrictStr, AfterValidator(_check_link)]
BaseUrl = Annotated[StrictStr, AfterValidator(_check_base_url)]
Domain = Annotated[StrictStr, AfterValidator(_check_domain)]
Date = Annotated[FuzzyDate, PlainValidator(_to_date)]
# An event's date may also be `unknown` (checked against its status in validate.py).
EventDateField = Annotated[EventDate, PlainValidator(_to_event_date)]
# The explainer's own dates (as_of, the updates log): years 1 to 9999, which feeds can carry.
OwnDate = Annotated[FuzzyDate, PlainValidator(_to_date), AfterValidator(_in_common_era)]
ZoneName = Annotated[StrictStr, AfterValidator(_check_zone_name)]
Text = Annotated[StrictStr, Field(min_length=1)]

# Image files an item may show; anything else is linked, not shown.
_MEDIA_PATH = re.compile(r"(?!/)(?!.*(?:^|/)\.\.?(?:/|$))[^\\:\s?#*]+", re.ASCII)
_HTTPS = re.compile(r"https://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)


def is_https(value: str) -> bool:
    """True for an https:// address with a host."""
    return _HTTPS.fullmatch(value) is not None


def _check_media_ref(value: str) -> str:
    if is_https(value):
        return value
    if value.lower().startswith("http://"):
        raise PydanticCustomError(
            "media_http",
            "{value} is not https: pages served over https cannot load it",
            {"value": _shown(value), "hint": "use the https:// address of the same file"},
        )
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        raise PydanticCustomError(
            "media_scheme",
            "{value} is neither an https:// address nor a file in content/media/",
            {
                "value": _shown(value),
                "hint": "write a file name such as photo.jpg (in "
                "content/media/) or an https:// address",
            },
        )
    if value.startswith("media/"):
        raise PydanticCustomError(
            "media_prefix",
            "{value}: media paths are written from inside content/media/",
            {"value": _shown(value), "hint": f"write {value.removeprefix('media/')!r}"},
        )
    if not _MEDIA_PATH.fullmatch(value):
        raise PydanticCustomError(
            "media_path",
            "{value} is not a file name inside content/media/",
            {
                "value": _shown(value),
                "hint": "write the file's path from content/media/, e.g. photo.jpg or "
                "2021/photo.jpg (no '..', no leading '/', no spaces)",
            },
        )
    return value


MediaRef = Annotated[StrictStr, AfterValidator(_check_media_ref)]

# A file inside the content folder, written from there: no absolute path, no '..', no scheme.
_CONTENT_PATH = re.compile(r"(?!/)(?!.*(?:^|/)\.\.?(?:/|$))[^\\:\s?#*]+", re.ASCII)


def _check_content_path(value: str) -> str:
    if not _CONTENT_PATH.fullmatch(value) or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        raise PydanticCustomError(
            "content_path",
            "{value} is not a file inside the content folder",
            {
                "value": _shown(value),
                "hint": "write the file's path from the content folder, e.g. "
                "sources/report.txt (no '..', no leading '/', no spaces, no web address)",
            },
        )
    return value


ContentPath = Annotated[StrictStr, AfterValidator(_check_content_path)]

FACT_KINDS = ("event", "player")
_FACT_REF = re.compile(r"(?:(event|player):)?([a-z0-9]+(?:-[a-z0-9]+)*)")


def parse_fact_ref(value: str) -> tuple[str | None, str]:
    """("event", "x") for "event:x", (None, "x") for a bare id that may name either kind."""
    match = _FACT_REF.fullmatch(value)
    if match is None:
        raise ValueError(value)
    return match.group(1), match.group(2)


def _check_fact_ref(value: str) -> str:
    try:
        parse_fact_ref(value)
    except ValueError:
        raise PydanticCustomError(
            "fact_ref",
            "'{value}' does not name a fact",
            {
                "value": value,
                "hint": "write the id of an event or a player, e.g. some-event, or "
                "event:ID / player:ID when an event and a player share the id",
            },
        ) from None
    return value


FactRef = Annotated[StrictStr, AfterValidator(_check_fact_ref)]


@dataclass(frozen=True)
class MarkdownExtension:
    """One Markdown extension a site asks for: its name (an entry-point name such as `footnotes`
    or a dotted path such as `pymdownx.details`) and its options, as site.yaml gives them."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)


_EXTENSION_FORMAT = (
    "write each extension as '- name' or, with options, as '- name:' followed by "
    "'option: value' lines indented below it (the format of MkDocs' markdown_extensions)"
)


def _to_extension(value: Any) -> MarkdownExtension:
    """An item of `markdown_extensions`: a name, or a one-key mapping {name: {option: value}}."""
    if isinstance(value, MarkdownExtension):
        return value
    if isinstance(value, str) and value.strip():
        return MarkdownExtension(value.strip())
    if isinstance(value, dict) and len(value) > 1:
        raise PydanticCustomError(
            "extension",
            "one item names {count} extensions: {names}",
            {
                "count": len(value),
                "names": ", ".join(_shown(str(name)) for name in value),
                "hint": "start each extension on its own line with '- '; " + _EXTENSION_FORMAT,
            },
        )
    if isinstance(value, dict) and len(value) == 1:
        [(name, options)] = value.items()
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise PydanticCustomError(
                "extension_options",
                "the options of '{name}' should be a mapping of option: value, not {given}",
                {
                    "name": name,
                    "given": _shown(str(options)),
                    "hint": f"write them on the lines below '- {name}:', indented, one "
                    "'option: value' per line",
                },
            )
        if isinstance(name, str) and name.strip():
            return MarkdownExtension(name.strip(), options)
    raise PydanticCustomError(
        "extension",
        "{given} is not a Markdown extension entry",
        {"given": _shown(str(value)), "hint": _EXTENSION_FORMAT},
    )


MarkdownExtensionItem = Annotated[MarkdownExtension, PlainValidator(_to_extension)]
