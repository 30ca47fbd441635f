"""Records from parsed YAML: one mapping validated into a record, keeping positions.

Renamed fields keep working with a located warning (`renames`); a record that fails keeps what
passed for the checks that span files. Parsing functions take text plus a path used only in
messages.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from site_builder.clock import Clock
from site_builder.config import SiteConfig
from site_builder.errors import ContentError, Problem
from site_builder.fieldtypes import is_slug
from site_builder.model import ANY_ID, Origin, Record, Source, Summary, SummaryMeta
from site_builder.recordproblems import (
    first_field,
    kind_of,
    mapping_hint,
    nearest,
    problems_from_validation,
)
from site_builder.renames import apply_renames
from site_builder.yamlpos import Document, Spots, parse_yaml

RecordT = TypeVar("RecordT", bound=Record)


def _origin(
    path: str, document: Document, at: tuple[str | int, ...], renamed: dict[str, str]
) -> Origin:
    line, column = nearest(document.values, at)
    spots = document.spots_under(at)
    if renamed:  # positions under the new names of renamed fields
        old_to_new = {old: new for new, old in renamed.items()}
        spots = {
            (old_to_new.get(str(key[0]), key[0]), *key[1:]) if key else key: spot
            for key, spot in spots.items()
        }
    return Origin(path=path, line=line, column=column, spots=spots)


def build_record(
    model: type[RecordT],
    data: Any,
    path: str,
    document: Document,
    at: tuple[str | int, ...],
    problems: list[Problem],
    partial: list[Any] | None = None,
    clock: Clock | None = None,
) -> RecordT | None:
    """Validate one mapping into a record; on failure add located problems and return None.

    With `partial`, a record that carries evidence and fails is added to it with the fields
    that passed (see `_salvage`), for the checks that span files. `clock` is the site's time
    zone, which times of day are read in.
    """
    line, column = nearest(document.values, at)
    if not isinstance(data, dict):
        problems.append(
            Problem(
                path,
                f"expected a mapping of fields, found {kind_of(data)}",
                line,
                column,
                mapping_hint(model, at),
            )
        )
        return None
    renamed: dict[str, str] = {}  # new name -> the old name it was written with
    data = apply_renames(model, data, path, document, at, problems, renamed)
    if data is None:
        return None
    if "origin" in data:
        key_line, key_column = document.keys.get((*at, "origin"), (line, column))
        problems.append(
            Problem(
                path,
                "unknown field 'origin'",
                key_line,
                key_column,
                "remove it: the position of an item is recorded automatically",
            )
        )
        return None
    origin = _origin(path, document, at, renamed)
    context = {"clock": clock} if clock is not None else None
    try:
        return model.model_validate({**data, "origin": origin}, context=context)
    except ValidationError as error:
        problems.extend(problems_from_validation(error, model, path, document, at, renamed))
        # Facts carry evidence to check; a source carries the text that evidence is checked
        # against.
        checked_across_files = "evidence" in model.model_fields or model is Source
        if partial is not None and checked_across_files and data.get("draft") is not True:
            salvaged = _salvage(model, data, error, origin, context)
            if salvaged is not None:
                partial.append(salvaged)
        return None


def _salvage(
    model: type[RecordT],
    data: dict[str, Any],
    error: ValidationError,
    origin: Origin,
    context: dict[str, Any] | None,
) -> RecordT | None:
    """A record of the fields that passed their checks, for the checks that span files.

    A malformed date must not hide the same record's unknown references, misquoted evidence or
    leftover placeholders until the next run. Fields that failed are left out (their problems
    are already reported); in a list of items (evidence), only the items that failed are.
    """
    bad: dict[str, set[int] | None] = {}  # field -> failed item indexes; None: the whole field
    for detail in error.errors():
        loc = detail["loc"]
        if not loc or not isinstance(loc[0], str):
            return None  # a rule about the record as a whole: nothing to keep
        name = loc[0]
        items = bad.get(name, set())
        if len(loc) > 1 and isinstance(loc[1], int) and items is not None:
            bad[name] = items | {loc[1]}
        else:
            bad[name] = None
    values: dict[str, Any] = {}
    spots = dict(origin.spots)
    for name in model.model_fields:
        if name == "origin" or name not in data or (name in bad and bad[name] is None):
            continue
        value = data[name]
        failed_items = bad.get(name)
        if failed_items and isinstance(value, list):
            kept = [index for index in range(len(value)) if index not in failed_items]
            value = [value[index] for index in kept]
            spots = _renumbered(spots, name, kept)
        try:
            values[name] = _field_adapter(model, name).validate_python(value, context=context)
        except ValidationError:
            continue
    failed_fields = frozenset(bad)  # wholly, or some of their items
    origin = Origin(origin.path, origin.line, origin.column, spots, failed_fields)
    return model.model_construct(**values, origin=origin)  # type: ignore[return-value]


def _renumbered(spots: Spots, name: str, kept: list[int]) -> Spots:
    """Positions of a list field's items after the failed ones were left out."""
    new_index = {old: new for new, old in enumerate(kept)}
    renumbered: Spots = {}
    for key, spot in spots.items():
        if len(key) > 1 and key[0] == name and isinstance(key[1], int):
            if key[1] not in new_index:
                continue
            key = (name, new_index[key[1]], *key[2:])
        renumbered[key] = spot
    return renumbered


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """A validator of one field of a model, on its own."""
    return TypeAdapter(model.model_fields[name].rebuild_annotation())


def parse_fact_list(
    model: type[RecordT],
    text: str,
    path: str,
    problems: list[Problem],
    unusable_ids: set[str] | None = None,
    warnings: list[Problem] | None = None,
    partial: list[Any] | None = None,
    clock: Clock | None = None,
) -> list[RecordT]:
    """Parse a fact file (a YAML list of mappings) into records, collecting problems (and, in
    `partial`, what passed of the records that failed: see `build_record`)."""
    try:
        document = parse_yaml(text, path)
    except ContentError as error:
        problems.extend(error.problems)
        if unusable_ids is not None:
            unusable_ids.add(ANY_ID)  # nothing in the file is known: check no reference to it
        return []
    problems.extend(document.problems)
    if document.data is None:
        return []
    if not isinstance(document.data, list):
        problems.append(
            Problem(
                path,
                f"expected a list of items, found {kind_of(document.data)}",
                1,
                1,
                f"start each item with '- {first_field(model)}: ...'",
            )
        )
        if unusable_ids is not None:
            unusable_ids.add(ANY_ID)
        return []
    records = []
    for index, item in enumerate(document.data):
        record = build_record(model, item, path, document, (index,), problems, partial, clock)
        if warnings is not None:
            warnings += document.warnings
        document.warnings.clear()
        if record is not None:
            records.append(record)
        elif unusable_ids is not None and isinstance(item, dict):
            item_id = item.get("id")
            # A valid id of an item that failed is not reported again when referenced; an
            # invalid id cannot be referenced at all, so it is not offered as a known id.
            if isinstance(item_id, str) and is_slug(item_id):
                unusable_ids.add(item_id)
    return records


def parse_config(
    text: str, path: str, problems: list[Problem], warnings: list[Problem] | None = None
) -> SiteConfig | None:
    """Parse site.yaml into a SiteConfig, collecting problems (and warnings, if asked)."""
    try:
        document = parse_yaml(text, path)
    except ContentError as error:
        problems.extend(error.problems)
        return None
    problems.extend(document.problems)
    config = build_record(SiteConfig, document.data or {}, path, document, (), problems)
    if warnings is not None:
        warnings += document.warnings
    return config


def parse_summary(text: str, path: str, problems: list[Problem]) -> Summary | None:
    """Parse a Markdown summary with YAML front matter between two `---` lines."""
    lines = _lines(text)
    if not text.strip():
        problems.append(
            Problem(
                path,
                "the summary is empty",
                1,
                1,
                "write its front matter ('---', title, slug and description, '---') and "
                "text, or delete the file",
            )
        )
        return placeholder(text, path, None, 1)
    if lines[0].strip() != "---":
        problems.append(
            Problem(
                path,
                "missing front matter",
                1,
                1,
                "start the file with a line '---', then title, slug and "
                "description, then another '---'",
            )
        )
        return placeholder(text, path, None, 1)
    closing = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), None)
    if closing is None:
        problems.append(
            Problem(
                path,
                "front matter is not closed",
                1,
                1,
                "did you forget the closing '---' line after the fields?",
            )
        )
        return placeholder("", path, None, 1)
    front = "".join(lines[1:closing])
    try:
        document = parse_yaml(front, path, first_line=2)
    except ContentError as error:
        problems.extend(error.problems)
        return placeholder("".join(lines[closing + 1 :]), path, None, closing + 2)
    problems.extend(document.problems)
    data = document.data or {}
    meta = build_record(SummaryMeta, data, path, document, (), problems)
    if meta is None:
        return placeholder("".join(lines[closing + 1 :]), path, data, closing + 2)
    return Summary(
        meta=meta, markdown="".join(lines[closing + 1 :]), path=path, body_line=closing + 2
    )


_LINE_END = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> list[str]:
    """Lines with their endings, split where editors split them (not at form feeds etc.)."""
    lines, start = [], 0
    for end in _LINE_END.finditer(text):
        lines.append(text[start : end.end()])
        start = end.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def placeholder(markdown: str, path: str, data: Any, body_line: int) -> Summary:
    """A stand-in for a summary whose front matter failed (already reported).

    Keeping it lets links to and from the page be checked in the same run instead of
    cascading into "unknown page" reports; the build still fails on the recorded problem.
    """
    fields = data if isinstance(data, dict) else {}
    slug = fields.get("slug")
    meta = SummaryMeta.model_construct(
        title=str(fields.get("title", "")),
        # An invalid slug (already reported) would only cascade into "unknown page" reports.
        slug=slug if isinstance(slug, str) and is_slug(slug) else Path(path).stem,
        description="",
        order=0,
        origin=Origin(path, 1, 1, {}),
    )
    return Summary(meta=meta, markdown=markdown, path=path, body_line=body_line)
