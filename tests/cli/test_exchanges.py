"""One helper gives every command its exchanges: from files (the command's reader), from
the registry, or both; a bad file ends the command with the reader's one line."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from lakou.cli.context import Context
from lakou.cli.exchanges import load_exchanges, read_members_file
from lakou.territory import read_ixf

FIXTURES = Path(__file__).parents[1] / "registry" / "fixtures" / "ixf"


def test_files_are_read_with_the_commands_reader_and_empty_entries_skipped() -> None:
    path = FIXTURES / "two-exchanges-0.7.json"
    expected = read_ixf(path)
    assert len(expected) == 2
    got = load_exchanges(Context(), files=[None, "", str(path)], read=read_ixf)
    assert got == expected
    # the flows engine's members file reader reads IX-F too, with the same exchanges
    assert [e.name for e in load_exchanges(Context(), files=[path])] == [
        e.name for e in read_members_file(str(path))
    ]


def test_a_bad_file_is_one_line_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "members.json"
    bad.write_text('{"version": "1.0", "member_list": [', encoding="utf-8")
    with pytest.raises(click.ClickException, match=r"members\.json"):
        load_exchanges(Context(), files=[bad], read=read_ixf)
    with pytest.raises(click.ClickException, match=r"members\.json"):
        load_exchanges(Context(), files=[bad])


def test_nothing_asked_is_nothing() -> None:
    assert load_exchanges(Context()) == []


@pytest.mark.django_db
def test_the_registry_and_one_slug() -> None:
    from lakou.demo import load_demo

    load_demo()
    everything = load_exchanges(Context(), registry=True)
    assert {e.slug for e in everything} >= {"demo-saint-martin", "demo-saint-barth"}
    (one,) = load_exchanges(Context(), slug="demo-saint-barth")
    assert one.slug == "demo-saint-barth" and one.members
    with pytest.raises(click.ClickException):
        load_exchanges(Context(), slug="no-such-exchange")
