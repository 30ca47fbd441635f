"""The GitHub Pages workflow runs exactly the README's install and build commands.

The README's quick start is what a new user types; the workflow must not quietly drift from it
(a different install, a forgotten option). Only `--base-url`, which Actions knows and a user's
machine does not, may be added to the build.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml
from conftest import ROOT, run_cli

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
README = ROOT / "README.md"
PUBLISHING = ROOT / "docs" / "publishing.md"
BASE_URL_OPTION = ["--base-url", "${{steps.pages.outputs.base_url}}/"]
# Actions expands ${{ ... }} before the shell runs; keep each expression one word.
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def section(markdown: str, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def shell_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", markdown, re.M | re.S)


def commands(script: str) -> list[list[str]]:
    """Shell commands of a script as argument lists: one per line or per `&&`, no comments."""
    found = []
    for line in _EXPRESSION.sub(r"${{\1}}", script).splitlines():
        for part in line.split("&&"):
            words = shlex.split(part, comments=True)
            if words:
                found.append(words)
    return found


def readme_commands() -> tuple[list[str], list[str]]:
    """The quick start's install and build commands."""
    quick = commands(shell_blocks(section(README.read_text(encoding="utf-8"), "Quick start"))[0])
    install = [words for words in quick if "pip" in words and "install" in words]
    build = [words for words in quick if words[:2] == ["site-builder", "build"]]
    assert len(install) == 1 and len(build) == 1, quick
    return install[0], build[0]


def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def build_steps() -> list[dict[str, Any]]:
    steps = workflow()["jobs"]["build"]["steps"]
    assert isinstance(steps, list)
    return steps


def workflow_commands() -> list[list[str]]:
    return [words for step in build_steps() if "run" in step for words in commands(step["run"])]


def test_workflow_installs_and_builds_like_the_readme() -> None:
    install, build = readme_commands()
    assert workflow_commands() == [install, [*build, *BASE_URL_OPTION]]


def test_publishing_doc_shows_the_workflow_commands() -> None:
    blocks = shell_blocks(section(PUBLISHING.read_text(encoding="utf-8"), "2. GitHub Actions"))
    assert [words for block in blocks for words in commands(block)] == workflow_commands()


def test_workflow_is_the_official_pages_flow() -> None:
    steps = build_steps()
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ]
    python = next(step for step in steps if step.get("uses", "").startswith("actions/setup-py"))
    assert python["with"]["python-version"] == "3.11"
    pages = next(step for step in steps if step.get("uses", "").startswith("actions/configure"))
    assert pages["id"] == "pages"  # the build step reads steps.pages.outputs.base_url
    upload = steps[-1]
    assert upload["with"]["path"] == "_site"
    # The artifact is uploaded after the build that writes it.
    assert [i for i, step in enumerate(steps) if "run" in step][-1] < len(steps) - 1

    deploy = workflow()["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


def test_readme_points_to_publishing_guide_and_deploy_command() -> None:
    publishing = section(README.read_text(encoding="utf-8"), "Publishing")
    assert "docs/publishing.md" in publishing
    listed = [words for block in shell_blocks(publishing) for words in commands(block)]
    assert ["site-builder", "deploy"] in listed
    # Every option the guide documents exists.
    help_text = run_cli("deploy", "--help").stdout
    for option in re.findall(r"^\| `(--[a-z-]+)", PUBLISHING.read_text(encoding="utf-8"), re.M):
        assert option in help_text, option


def test_readme_commands_parse_as_cli_commands() -> None:
    """What the README tells a user to run is accepted by the command line."""
    _, build = readme_commands()
    assert build[0] == "site-builder"
    result = run_cli(*build[1:], "--help")
    assert result.returncode == 0, result.stderr
    assert Path(WORKFLOW).is_file()
