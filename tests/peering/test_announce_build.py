"""A "not interested" mark reaches the built BIRD configuration (announcement control).

``lakou rs build --exchange`` from the registry after BARNA marks DAUPHIN: BARNA's
import filters attach ``RS:0:DAUPHIN`` to its routes, which DAUPHIN's export filter
(``rs_announce_to``) then refuses; BIRD itself parses the result (``bird -p``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.peering.conftest import BARNA, DAUPHIN, SLUG, Peers

from lakou.cli import main
from lakou.peering import announce
from lakou.registry import models as m

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("bird") is None, reason="needs bird (bird2)"),
]


def build(tmp_path: Path, name: str) -> str:
    out = tmp_path / name
    result = CliRunner().invoke(
        main, ["rs", "build", "--exchange", SLUG, "--no-irr", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    parsed = subprocess.run(["bird", "-p", "-c", str(out)], capture_output=True, text=True)
    assert parsed.returncode == 0, parsed.stderr
    return out.read_text()


def filter_of(text: str, name: str) -> str:
    start = text.index(f"filter {name}\n")
    return text[start : text.index("\n}\n", start)]


def test_the_mark_is_in_the_built_config_and_goes_away_with_it(
    peers: Peers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAKOU_CORE__DATA_DIR", str(tmp_path / "data"))
    barna, dauphin = (m.Network.objects.get(asn=a) for a in (BARNA, DAUPHIN))
    before = build(tmp_path, "before.conf")
    assert f"(64497, 0, {DAUPHIN})" not in before
    announce.mark(barna, dauphin, peers.users["barna-admin"])
    after = build(tmp_path, "after.conf")
    sessions = re.findall(rf"filter (rs_in_AS{BARNA}_\w+)\n", after)
    assert sessions
    for name in sessions:
        assert f"bgp_large_community.add((64497, 0, {DAUPHIN}));" in filter_of(after, name)
    others = re.findall(r"filter (rs_in_AS\d+_\w+)\n", after)
    for name in set(others) - set(sessions):
        assert f"(64497, 0, {DAUPHIN})" not in filter_of(after, name)
    # DAUPHIN's export side refuses what carries RS:0:DAUPHIN
    (to_dauphin, *_rest) = re.findall(rf"filter (rs_to_AS{DAUPHIN}_\w+)\n", after)
    assert f"if !rs_announce_to({DAUPHIN}) then reject;" in filter_of(after, to_dauphin)
    assert "(RS_ASN, 0, peer_as) ~ bgp_large_community then return false" in after
    announce.unmark(barna, dauphin)
    assert f"(64497, 0, {DAUPHIN})" not in build(tmp_path, "again.conf")


def test_operator_options_are_kept(peers: Peers, settings: Any) -> None:
    member = m.Member.objects.get(network__asn=BARNA, exchange__slug=SLUG)
    member.route_server_options = {"attach_custom_communities": ["65501:100"], "passive": True}
    member.save()
    barna, dauphin = (m.Network.objects.get(asn=a) for a in (BARNA, DAUPHIN))
    announce.mark(barna, dauphin, None)
    member.refresh_from_db()
    assert member.route_server_options == {
        "attach_custom_communities": ["65501:100", f"64497:0:{DAUPHIN}"],
        "passive": True,
    }
    announce.unmark(barna, dauphin)
    member.refresh_from_db()
    assert member.route_server_options == {
        "attach_custom_communities": ["65501:100"],
        "passive": True,
    }
