"""The pipeline's shape: imports flow one way, and the package knows nothing of any story."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import CONTENT, ROOT

PACKAGE = ROOT / "site_builder"
# Each module may import only modules of a lower layer (STYLE.md's module map).
LAYERS = [
    {"errors"},
    {"dates", "urls", "textfragments"},
    {"clock", "periods", "cldr", "insets", "quotes"},
    {"dateparse"},
    {"i18n"},
    {"labels", "datefmt"},
    {"fieldtypes"},
    {"model"},
    {"config", "timelineparts"},
    {"site"},
    {"sanitise", "inlines", "extensions"},
    {"mdengine"},
    {"readfile", "yamlproblems"},
    {"yamlpos"},
    {"recordproblems"},
    {"renames"},
    {"records"},
    {"references"},
    {"datechecks", "factchecks"},
    {"content", "validate", "markup", "deps"},
    {"textwidth", "chartdata"},
    {"chartaxis"},
    {"chartlanes"},
    {"chart", "pagemeta", "embed", "links", "media", "timelinejs", "viewdata", "viewwords"},
    {"feeds"},
    {"views", "weight"},
    {"timelineview"},
    {"pages"},
    {"timelinepages"},
    {"pagekinds"},
    {"render"},
    {"outfiles", "workers"},
    {"outlock", "staging"},
    {"output", "cache"},
    {"liveoutput", "pipeline"},
    {"incremental"},
    {"build"},
    {"watch", "gitrepo"},
    {"gitpush", "previewhttp"},
    {"serve", "deploy", "scaffold", "importers"},
    {"reports"},
    {"commands"},
    {"cli"},
    {"__main__"},
]


def layer_of(module: str) -> int:
    for index, layer in enumerate(LAYERS):
        if module in layer:
            return index
    raise AssertionError(f"site_builder/{module}.py is not in the module map of {__file__}")


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("site_builder")
        ):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(alias.name for alias in node.names if alias.name != "__version__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("site_builder."):
                    found.add(alias.name.split(".")[1])
    return found


def module_of(path: Path) -> str:
    """The module of the map a file belongs to: its own name, or its package's (importers)."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else path.stem


def test_imports_flow_one_way() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert any(len(path.relative_to(PACKAGE).parts) > 1 for path in files), "subpackages read"
    for path in files:
        if path.stem == "__init__" and path.parent == PACKAGE:
            continue
        module = module_of(path)
        mine = layer_of(module)
        for imported in imports_of(path):
            if imported == "__init__":
                continue
            assert layer_of(imported) < mine or (imported == module), (
                f"{path.name} imports {imported}: imports must flow "
                "errors <- model <- content/validate <- render <- output <- build <- serve <- cli"
            )


# The edge: the commands print their summaries, the command line its errors and sets the exit
# status. Everything else raises or logs (STYLE.md: only the edge prints or exits).
PRINTING_MODULES = {"cli", "commands"}


def test_only_the_command_line_prints_or_exits() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if module_of(path) in PRINTING_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                assert name not in {"print", "sys.exit", "exit", "os._exit"}, (
                    f"{path.relative_to(ROOT)}:{node.lineno} calls {name}: only "
                    f"{', '.join(sorted(PRINTING_MODULES))} print or exit"
                )
            elif isinstance(node, ast.Attribute) and ast.unparse(node) in {
                "sys.stdout",
                "sys.stderr",
            }:
                raise AssertionError(
                    f"{path.relative_to(ROOT)}:{node.lineno} uses {ast.unparse(node)}: only "
                    f"{', '.join(sorted(PRINTING_MODULES))} print"
                )


# The model: its field types, its records, the site's settings, the timeline's order and pages,
# and `Site`.
MODEL_MODULES = ("fieldtypes", "model", "config", "timelineparts", "site")


def test_model_does_no_io_and_knows_no_formats() -> None:
    forbidden = {"jinja2", "yaml", "markdown", "nh3", "open"}
    for module in MODEL_MODULES:
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        names = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in getattr(node, "names", [])
        }
        modules = {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not (names | modules) & forbidden, (
            f"{module}.py imports {(names | modules) & forbidden}"
        )


def test_the_package_knows_nothing_about_this_story() -> None:
    story_words = {
        "zelensky",
        "putin",
        "umerov",
        "ukraine",
        "russia",
        "kremlin",
        "istanbul",
        "trump",
        "nato",
        "kyiv",
    }
    assert any(
        word in (CONTENT / "facts" / "players.yaml").read_text(encoding="utf-8").lower()
        for word in story_words
    )
    for path in PACKAGE.rglob("*"):
        if path.is_file() and path.suffix in {".py", ".html", ".css", ".xml", ".txt", ".svg"}:
            text = path.read_text(encoding="utf-8").lower()
            leaked = {word for word in story_words if word in text}
            assert not leaked, f"{path.relative_to(ROOT)} mentions {leaked}"
