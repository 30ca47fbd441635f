"""Loading the Markdown extensions site.yaml names (`markdown_extensions`, in MkDocs' format):
by entry-point name (`footnotes`) or dotted path (`pymdownx.details`), made with their options.
An entry that cannot be used gives a `SetupFailure` saying why, with a hint: a close name, a
sibling module, an installed package, the type an option expects.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import markdown
from markdown import util as markdown_util
from markdown.extensions import Extension

from site_builder.fieldtypes import MarkdownExtension


@dataclass(frozen=True)
class SetupFailure:
    """Why one entry of `markdown_extensions` cannot be used.

    `index` is the entry's position in the list (None: the list as a whole), `option` the
    option whose value is wrong, if it is one option.
    """

    index: int | None
    message: str
    hint: str
    option: str | None = None


def load_extension(
    index: int, entry: MarkdownExtension
) -> tuple[Extension | None, list[SetupFailure]]:
    """The extension an entry names, made with its options; or why it cannot be."""
    name = entry.name
    module = name.split(":", 1)[0]
    if name not in _installed_names() and module.split(".", 1)[0] in sys.stdlib_module_names:
        # No Markdown extension lives in Python's standard library; importing one of its
        # modules by mistake can still do things (`antigravity` opens a web browser).
        return None, [
            SetupFailure(
                index,
                f"'{name}' is a module of Python's standard library, not a Markdown extension",
                _name_hint(name, look_beside=False),  # nor is any module beside it imported
            )
        ]
    scratch = markdown.Markdown()
    try:
        bare = scratch.build_extension(name, {})  # first without options, to learn them
    except ImportError as error:
        return None, [_not_installed(index, name, error)]
    except Exception as error:
        return None, [
            SetupFailure(
                index,
                f"'{name}' could not be loaded as a Markdown extension: {describe_error(error)}",
                _name_hint(name),
            )
        ]
    if not isinstance(bare, Extension):
        return None, [
            SetupFailure(index, f"'{name}' is not a Markdown extension", _name_hint(name))
        ]
    faults = [
        fault
        for option, value in entry.options.items()
        if (fault := _option_fault(index, name, bare.config, option, value)) is not None
    ]
    if faults:
        return None, faults
    try:
        return scratch.build_extension(name, entry.options), []
    except Exception as error:
        return None, [
            SetupFailure(
                index,
                f"Markdown extension '{name}' does not accept these options: "
                f"{describe_error(error)}",
                "check its options against the extension's documentation",
            )
        ]


def _option_fault(
    index: int, name: str, known: Mapping[str, list[Any]], option: str, value: Any
) -> SetupFailure | None:
    if option not in known:
        close = difflib.get_close_matches(option, sorted(known), n=1)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f"its options are: {', '.join(sorted(known))}"
            if known
            else f"'{name}' takes no options: write it as '- {name}'"
        )
        return SetupFailure(
            index, f"Markdown extension '{name}' has no option '{option}'", hint, option
        )
    default = known[option][0]
    expected = None
    # Python-Markdown reads a yes/no option with bool(), so a list or a number would silently
    # mean "on"; a mapping or a list where the extension expects one fails later, on some text.
    if isinstance(default, bool):
        if not isinstance(value, bool | str) or (
            isinstance(value, str) and markdown_util.parseBoolValue(value, False) is None
        ):
            expected = "true or false"
    elif isinstance(default, dict) and not isinstance(value, dict):
        expected = "a mapping of key: value"
    elif isinstance(default, list | tuple) and not isinstance(value, list):
        expected = "a list"
    if expected is None:
        return None
    return SetupFailure(
        index,
        f"option '{option}' of Markdown extension '{name}' must be {expected}, not {_kind(value)}",
        f"its default is {default!r}; see the extension's documentation",
        option,
    )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…'"


def _not_installed(index: int, name: str, error: ImportError) -> SetupFailure:
    module = name.split(":", 1)[0]
    missing = error.name or ""
    if missing and (module == missing or module.startswith(missing + ".")):
        return SetupFailure(
            index, f"Markdown extension '{name}' is not installed", _name_hint(name)
        )
    # The extension is there but imports something that is not.
    return SetupFailure(
        index,
        f"Markdown extension '{name}' could not be loaded: it needs the module '{missing}', "
        "which is not installed",
        "install what the extension needs (see its documentation), or remove it from the list",
    )


def _installed_names() -> list[str]:
    """Entry-point names of the installed extensions (Python-Markdown's own and others')."""
    return sorted({point.name for point in markdown_util.get_installed_extensions()})


def _name_hint(name: str, look_beside: bool = True) -> str:
    module = name.split(":", 1)[0]
    siblings = _sibling_modules(module) if look_beside else []
    # A dotted path is compared on its last part: the package's name is the same for all.
    last = {sibling.rpartition(".")[2]: sibling for sibling in siblings}
    close = difflib.get_close_matches(name, _installed_names(), n=1) or [
        last[match] for match in difflib.get_close_matches(module.rpartition(".")[2], last, n=1)
    ]
    if close:
        return f"did you mean '{close[0]}'?"
    if siblings:
        return f"'{module.rpartition('.')[0]}' has: {', '.join(siblings)}"
    if name.startswith("pymdownx."):
        return "it comes with pymdown-extensions: python3 -m pip install pymdown-extensions"
    return (
        f"name an installed extension ({', '.join(_installed_names())}) or another one by its "
        "dotted path, such as pymdownx.details, after installing it with pip"
    )


def _sibling_modules(module: str) -> list[str]:
    """The modules beside a dotted path's last part (`pymdownx.detail` -> pymdownx.details,
    ...), when its package is installed."""
    parent, dot, _ = module.rpartition(".")
    if not dot:
        return []
    try:
        package = importlib.import_module(parent)
    except Exception:  # not installed, or broken: no suggestion from it
        return []
    folders = getattr(package, "__path__", None)
    if folders is None:
        return []
    return sorted(
        f"{parent}.{info.name}"
        for info in pkgutil.iter_modules(folders)
        if not info.name.startswith("_")
    )


def describe_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
