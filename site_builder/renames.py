"""Content written for an older model keeps working: renamed fields and renamed values of a
record read under their new names, each with a located warning and the new spelling as a hint.

The renames themselves are declared once, with the model (`model.RENAMED_FIELDS`,
`model.RENAMED_VALUES`); this module applies them to a record's parsed data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from site_builder.errors import Problem
from site_builder.model import RENAMED_FIELDS, RENAMED_VALUES
from site_builder.recordproblems import nearest
from site_builder.yamlpos import Document


def apply_renames(
    model: type[BaseModel],
    data: dict[str, Any],
    path: str,
    document: Document,
    at: tuple[str | int, ...],
    problems: list[Problem],
    renamed: dict[str, str],
) -> dict[str, Any] | None:
    """Data with renamed fields under their new names (a located warning for each old one);
    `renamed` records each new name's old one."""
    renames = RENAMED_FIELDS.get(model.__name__, {})
    for old, new in renames.items():
        if old not in data:
            continue
        line, column = document.keys.get((*at, old), nearest(document.values, at))
        if new in data:
            problems.append(
                Problem(
                    path,
                    f"both '{old}' and '{new}' are given",
                    line,
                    column,
                    f"'{old}' is the old name of '{new}': keep only '{new}'",
                )
            )
            return None
        document.warnings.append(
            Problem(
                path,
                f"'{old}' is now called '{new}'",
                line,
                column,
                f"rename it to '{new}' (the old name keeps working for now)",
            )
        )
        data = {(new if key == old else key): value for key, value in data.items()}
        renamed[new] = old
    for field_path, values in RENAMED_VALUES.get(model.__name__, {}).items():
        data = _renamed_value(data, field_path, values, path, document, at)
    return data


def _renamed_value(
    data: dict[str, Any],
    field_path: tuple[str, ...],
    values: Mapping[str, str],
    path: str,
    document: Document,
    at: tuple[str | int, ...],
) -> dict[str, Any]:
    """Data with an old value of a field (`timeline.lanes: group`) under its new name, and a
    located warning."""
    *parents, name = field_path
    holder: Any = data
    for key in parents:
        holder = holder.get(key) if isinstance(holder, dict) else None
    value = holder.get(name) if isinstance(holder, dict) else None
    if not isinstance(value, str) or value not in values:
        return data
    line, column = nearest(document.values, (*at, *field_path))
    document.warnings.append(
        Problem(
            path,
            f"'{'.'.join(field_path)}: {value}' is now written '{values[value]}'",
            line,
            column,
            f"write {name}: {values[value]} (the old value keeps working for now)",
        )
    )
    copy = dict(data)
    inner = copy
    for key in parents:
        inner[key] = dict(inner[key])
        inner = inner[key]
    inner[name] = values[value]
    return copy
