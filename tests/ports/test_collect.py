"""``lakou ports collect`` refuses a bad switches file, naming the file and the place.

The collection end to end on recorded switches is ``tests/live/ports/test_collect.py``.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lakou.cli import main


def test_switches_file_mistakes_name_file_and_place(tmp_path: Path) -> None:
    bad = tmp_path / "switches.yml"
    bad.write_text("switches:\n  - {host: 192.0.2.1, comunity: public}\n")
    result = CliRunner().invoke(main, ["ports", "collect", "--switches", str(bad)])
    assert result.exit_code != 0
    assert f"{bad}: switches.0.comunity" in result.output
    bad.write_text("switches:\n  - {host: 192.0.2.1, community: c}\nmembers: {a: ['nope:1']}\n")
    result = CliRunner().invoke(main, ["ports", "collect", "--switches", str(bad)])
    assert "member a: nope:1" in result.output
