"""The README's tour only shows commands that exist, and the docs it links are there."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _tour_commands() -> list[list[str]]:
    commands = []
    in_block = False
    for raw in README.splitlines():
        if raw.startswith("```"):
            in_block = not in_block
            continue
        line = raw.split("#", 1)[0].strip()
        if not in_block or not line.startswith("lakou "):
            continue
        words = shlex.split(line)[1:]
        path = [w for w in words[:2] if not w.startswith("-") and w != "..."]
        if len(path) == 2 and re.match(r"^[\w.:/-]+\.(yml|json|pcap|txt)$|^\d", path[1]):
            path = path[:1]
        commands.append(path)
    return commands


@pytest.mark.parametrize("path", _tour_commands(), ids=" ".join)
def test_tour_command_exists(path: list[str]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, f"lakou {' '.join(path)}: {result.output}"


def test_readme_links_exist() -> None:
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if "://" in target:
            continue
        assert (ROOT / target).exists(), f"README links to missing {target}"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in README and "make test" in ci
