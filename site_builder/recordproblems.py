"""pydantic's validation errors as located problems: a message and a hint for each kind of
error, an unknown field with the known one it is closest to, each at its file:line:column."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from site_builder.errors import Problem, closest
from site_builder.yamlpos import Document, Spots


def problems_from_validation(
    error: ValidationError,
    model: type[BaseModel],
    path: str,
    document: Document,
    base: tuple[str | int, ...],
    renamed: dict[str, str] | None = None,
) -> list[Problem]:
    problems = []
    details = error.errors()
    # A misspelt required field ('palyers') is one mistake: report the unknown field with its
    # suggestion and drop the "missing 'players'" it causes.
    misspelt = {
        (*detail["loc"][:-1], close)
        for detail in details
        if detail["type"] == "extra_forbidden"
        for close in _as_list(
            closest(str(detail["loc"][-1]), sorted(_fields_at(model, tuple(detail["loc"][:-1]))))
        )
    }
    for detail in details:
        loc = tuple(detail["loc"])
        if detail["type"] == "missing" and loc in misspelt:
            continue
        # A renamed field is found in the file under the name it was written with.
        full = (*base, *_written_as(loc, renamed or {}))
        kind = detail["type"]
        context = detail.get("ctx") or {}
        hint = context.get("hint")
        name = ".".join(str(part) for part in _written_as(loc, renamed or {})) or "item"
        if kind == "extra_forbidden":
            line, column = nearest(document.keys, full) or nearest(document.values, full)
            field_name = str(loc[-1])
            known = sorted(_fields_at(model, loc[:-1]))
            close = closest(field_name, known)
            message = f"unknown field '{field_name}'"
            hint = f"did you mean '{close}'?" if close else f"known fields here: {', '.join(known)}"

        else:
            line, column = nearest(document.values, full)
            message, default_hint = _describe(kind, name, detail)
            hint = hint or default_hint
        problems.append(Problem(path, message, line, column, hint))
    return problems


def _as_list(value: str | None) -> list[str]:
    return [] if value is None else [value]


def _describe(kind: str, name: str, detail: Any) -> tuple[str, str | None]:
    given = detail.get("input")
    if kind == "missing":
        field_name = name.rsplit(".", 1)[-1]
        return f"missing required field '{field_name}'", f"add '{field_name}: ...' to this item"
    if kind in ("string_type", "str_type"):
        return (
            f"'{name}' should be text, not {kind_of(given)}",
            "put the value in quotes if it looks like a number or a date",
        )
    if kind in ("list_type", "tuple_type"):
        return (
            f"'{name}' should be a list, not {kind_of(given)}",
            f"write it as a list: {name.rsplit('.', 1)[-1]}: [a, b]",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return (
            f"'{name}' should be a mapping of fields, not {kind_of(given)}",
            f"write the fields of '{name.rsplit('.', 1)[-1]}' on the lines below it, "
            "indented by two spaces (field: value)",
        )
    if kind == "literal_error":
        expected = detail.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        close = closest(str(given), choices)
        hint = f"did you mean '{close}'?" if close else f"use one of: {', '.join(choices)}"
        return f"'{name}' must be one of {expected}, not {_shown(given)}", hint
    if kind in ("bool_type", "bool_parsing"):
        return (
            f"'{name}' must be true or false, not {_shown(given)}",
            "write true or false, unquoted",
        )
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return (
            f"'{name}' must be a whole number, not {_shown(given)}",
            "write digits only, e.g. 2",
        )
    if kind == "string_too_short":
        return f"'{name}' must not be empty", "write the text, or remove the field"
    message = str(detail["msg"])
    return f"'{name}': {message}", "see docs/content-model.md for what this field takes"


def kind_of(value: Any) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        type(None): "empty",
    }
    return names.get(type(value), _shown(value))


def _shown(value: Any) -> str:
    """A value quoted for a message, cut short so a runaway value cannot flood the report."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def nearest(spots: Spots, at: tuple[str | int, ...]) -> tuple[int, int]:
    while at:
        if at in spots:
            return spots[at]
        at = at[:-1]
    return spots.get((), (1, 1))


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> set[str]:
    """The field names a nested model accepts at `loc` (for "did you mean" hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if info is None:
            break
        current = _inner_model(info.annotation)
    fields = getattr(current, "model_fields", {})
    return {info.alias or name for name, info in fields.items() if name != "origin"}


def _inner_model(annotation: Any) -> Any:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        inner = _inner_model_args(candidate)
        if inner is not None:
            return inner
    return annotation


def _inner_model_args(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _written_as(loc: tuple[str | int, ...], renamed: dict[str, str]) -> tuple[str | int, ...]:
    if loc and isinstance(loc[0], str) and loc[0] in renamed:
        return (renamed[loc[0]], *loc[1:])
    return loc


def first_field(model: type[BaseModel]) -> str:
    """The field an item of this kind starts with ('id', or 'date' for an update)."""
    fields = [name for name in model.model_fields if name != "origin"]
    return "id" if "id" in fields else fields[0]


def mapping_hint(model: type[BaseModel], at: tuple[str | int, ...]) -> str:
    if at:  # an item of a fact file
        return f"each item starts with '- {first_field(model)}: ...'"
    return "write one 'field: value' per line (see docs/content-model.md)"
