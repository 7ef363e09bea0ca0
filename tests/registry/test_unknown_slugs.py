"""Every command that takes an exchange slug says which slugs exist when it is wrong.

One line, the same everywhere, in the chosen language; never Django's "Exchange matching
query does not exist", and never a later error (an empty cache, a bad file) first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.registry import models as m

pytestmark = pytest.mark.django_db

COMMANDS = [
    ["rs", "build", "--exchange", "smart-ix", "--daemon", "bird2", "--out", "{tmp}/bird.conf"],
    ["ixf", "export", "--exchange", "smart-ix", "--out", "{tmp}/participants.json"],
    ["clients", "import", "{tmp}/empty.yml", "--exchange", "smart-ix"],
    ["clients", "export", "--exchange", "smart-ix"],
    ["member", "list", "--exchange", "smart-ix"],
    ["member", "show", "64500", "--exchange", "smart-ix"],
    ["peeringdb", "prefill", "64500", "--exchange", "smart-ix"],
    ["peeringdb", "compare", "--exchange", "smart-ix"],
    ["exchange", "show", "smart-ix"],
]


@pytest.fixture
def exchanges() -> None:
    for slug in ("demo-sint-maarten", "demo-saint-martin"):
        m.Exchange.objects.create(slug=slug, name=slug, country="SX")


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
@pytest.mark.parametrize(
    "lang,expected",
    [
        ("en", "no exchange with slug 'smart-ix'; the registry has: "),
        ("fr", "aucun point d'échange avec l'identifiant 'smart-ix' ; le registre a : "),
        ("es", "ningún punto de intercambio con el identificador 'smart-ix'; el registro tiene: "),
    ],
)
def test_unknown_slug_lists_the_valid_ones(
    exchanges: None, tmp_path: Path, args: list[str], lang: str, expected: str
) -> None:
    (tmp_path / "empty.yml").write_text("")
    argv = ["-L", lang, *(a.format(tmp=tmp_path) for a in args)]
    result = CliRunner().invoke(main, argv, env={"LAKOU_CORE__DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines == [f"Error: {expected}demo-saint-martin, demo-sint-maarten"], result.output
    assert "matching query" not in result.output
    assert not (tmp_path / "bird.conf").exists() and not (tmp_path / "participants.json").exists()


def test_empty_registry_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["rs", "build", "--exchange", "x", "--out", "o.conf"])
    assert result.exit_code == 1
    assert "no exchange with slug 'x'; the registry has none yet" in result.output
