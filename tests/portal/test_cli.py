"""``lakou demo --load-only``, then ``lakou exchange list --format json``; ``--listen``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.portal.server import ListenError, parse_listen
from lakou.registry import models as m


@pytest.mark.django_db(transaction=True)
def test_demo_load_only_then_exchange_list() -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "--load-only"])
    assert first.exit_code == 0, first.output
    assert "demo / demo-password" in first.output and "demo only" in first.output
    counts = (
        m.Exchange.objects.count(),
        m.Member.objects.count(),
        m.RouteServerSession.objects.count(),
    )
    again = runner.invoke(main, ["demo", "--load-only"])
    assert again.exit_code == 0, again.output
    assert (
        m.Exchange.objects.count(),
        m.Member.objects.count(),
        m.RouteServerSession.objects.count(),
    ) == counts  # idempotent

    listed = runner.invoke(main, ["exchange", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert isinstance(rows, list) and len(rows) == 3
    assert all(isinstance(r, dict) and r["slug"] and r["name"] for r in rows)
    assert {r["slug"] for r in rows} == {
        "demo-saint-martin",
        "demo-saint-barth",
        "demo-sint-maarten",
    }


def test_demo_in_french() -> None:
    result = CliRunner().invoke(main, ["--language", "fr", "demo", "--help"])
    assert result.exit_code == 0


@pytest.mark.parametrize(
    "value,expected",
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("[::1]:8080", ("::1", 8080)),
        (":9000", ("127.0.0.1", 9000)),
    ],
)
def test_parse_listen(value: str, expected: tuple[str, int]) -> None:
    assert parse_listen(value) == expected


@pytest.mark.parametrize("value", ["127.0.0.1", "127.0.0.1:http", "host:0", "host:70000", ""])
def test_parse_listen_rejects(value: str) -> None:
    with pytest.raises(ListenError):
        parse_listen(value)


def test_bad_listen_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["demo", "--listen", "nowhere"])
    assert result.exit_code == 2 and "HOST:PORT" in result.output
