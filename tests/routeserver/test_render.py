"""Rendered configurations are accepted by the real daemons' checkers (bird -p, bgpd -n)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from ipaddress import ip_address
from pathlib import Path

import pytest

from lakou.routeserver.clients import RouteServerClient
from lakou.routeserver.enrich.model import Enriched, IrrData, Roa
from lakou.routeserver.plan import make_plan
from lakou.routeserver.policy import Policy
from lakou.routeserver.render.bird2 import _asn_ranges, render_bird
from lakou.routeserver.render.openbgpd import render_openbgpd
from lakou.routeserver.render.page import render_page

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _clients() -> list[RouteServerClient]:
    return [
        RouteServerClient(64500 + 1000, (ip_address("192.0.2.11"), ip_address("2001:db8::11")),
                          'A "quoted" <b>', ("AS-A",)),
        RouteServerClient(65550 + 100000, (ip_address("192.0.2.12"),), "B",
                          overrides={"irr": {"tag_only": True}, "blackholing": {"enabled": False}}),
        RouteServerClient(3, (ip_address("192.0.2.13"), ip_address("192.0.2.14")), "C",
                          overrides={"next_hop": {"mode": "strict"},
                                     "max_prefix": {"enabled": False}}),
    ]  # fmt: skip


def _enriched(roas: bool = False) -> Enriched:
    irr = {
        65500: IrrData(65500, ("AS-A",), frozenset({65500, 10, 11, 12}), ("11.0.0.0/24",),
                       ("2a0a::/32",), "test", NOW),
    }  # fmt: skip
    return Enriched(
        irr=irr,
        roas=(Roa(65500, "11.0.0.0/24", 24), Roa(65500, "2a0a::/32", 48)) if roas else None,
        never_via_route_servers=frozenset({20000}),
    )


VARIANTS = {
    "defaults": {},
    "rpki-file": {"rpki": {"source": "file"}},
    "no-rpki-no-tags": {"rpki": {"enabled": False}, "informational_tags": False},
    "tags-off": {"informational_tags": False, "irr": {"tag_only": True}},
    "irr-off": {"irr": {"enforce_origin": False, "enforce_prefix": False}},
    "strict-all": {"rpki": {"reject_unknown": True}, "next_hop": {"mode": "strict"}},
    "blackhole-nh": {
        "blackholing": {"next_hop_ipv4": "192.0.2.66", "next_hop_ipv6": "2001:db8::66"}
    },
    "no-transit-free": {"as_path": {"transit_free_asns": []}},
    "blackhole-registered-only": {"blackholing": {"irr_more_specifics": False}},
    "bfd-add-path-tx": {"bfd": True, "add_path": "tx"},
    "add-path-both": {"add_path": "both", "timers": {"bfd_multiplier": 5}},
}  # fmt: skip


def _policy(extra: dict) -> Policy:
    base = {"rs_asn": 59999, "router_id": "192.0.2.1", "rs_ipv4": "192.0.2.1",
            "peering_lans": ["192.0.2.0/24", "2001:db8::/64"]}  # fmt: skip
    return Policy.model_validate({**base, **extra})


@pytest.mark.skipif(shutil.which("bird") is None, reason="needs bird (Debian bird2)")
@pytest.mark.parametrize("version", [(2, 0, 12), (2, 0, 8)])
@pytest.mark.parametrize("name", list(VARIANTS))
def test_bird_accepts(tmp_path: Path, name: str, version: tuple[int, ...]) -> None:
    plan = make_plan(_policy(VARIANTS[name]), _clients(), _enriched(roas=True))
    text = render_bird(plan, version)
    path = tmp_path / "bird.conf"
    path.write_text(text)
    proc = subprocess.run(["bird", "-p", "-c", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert ("local role rs_server" in text) == (version >= (2, 0, 11))
    assert '"quoted"' not in text and 'description "AS65500 A quoted <b>"' in text


@pytest.mark.skipif(shutil.which("bgpd") is None, reason="needs bgpd (Debian openbgpd)")
@pytest.mark.parametrize("name", list(VARIANTS))
def test_openbgpd_accepts(tmp_path: Path, name: str) -> None:
    plan = make_plan(_policy(VARIANTS[name]), _clients(), _enriched(roas=True))
    path = tmp_path / "bgpd.conf"
    path.write_text(render_openbgpd(plan))
    proc = subprocess.run(["bgpd", "-n", "-f", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr + proc.stdout


def test_every_session_gets_its_own_table_and_limits() -> None:
    plan = make_plan(_policy({}), _clients(), _enriched())
    text = render_bird(plan, (2, 0, 12))
    for _, session in plan.sessions:
        assert f"ipv{session.version} table T_{session.name};" in text
        assert f"protocol pipe P_{session.name}" in text
    assert "AS3_4_2" in text  # second address of the same client, its own session
    assert "import limit" not in text.split("protocol bgp AS3_4_1")[1].split("}\n}")[0]
    # A client without IRR data gets no route objects: its routes fail, never pass.
    assert "rs_reason(9);" in text.split("filter rs_in_AS3_4_1")[1].split("accept;")[0]


def test_asn_ranges_fold() -> None:
    assert _asn_ranges([5, 1, 2, 3, 7, 8]) == ["1..3", "5", "7..8"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_policy_page(lang: str) -> None:
    plan = make_plan(_policy({}), _clients(), _enriched())
    md = render_page(plan, "markdown", lang)
    html = render_page(plan, "html", lang)
    assert "59999:1101:8" in md
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert ("Politique du serveur de routes" in md) == (lang == "fr")


def test_bfd_and_add_path_written_per_client() -> None:
    clients = _clients()
    clients[0] = RouteServerClient(
        clients[0].asn, clients[0].ips, "A", ("AS-A",), overrides={"bfd": True, "add_path": True}
    )
    plan = make_plan(_policy({}), clients, _enriched())
    text = render_bird(plan, (2, 0, 12))
    assert "protocol bfd RS_BFD {" in text and "min rx interval 300 ms;" in text
    assert text.count("  bfd on;") == 2  # member A's two sessions, nobody else's
    assert text.count("    add paths tx;") == 2
    conf = render_openbgpd(plan)
    assert conf.count("announce add-path send all") == 2 and "recv yes" not in conf
    assert "bfd" not in conf.lower()
    from lakou.routeserver.render.openbgpd import unsupported

    assert "AS65500: option bfd cannot be written for OpenBGPD" in "\n".join(unsupported(plan))
    plain = render_bird(make_plan(_policy({}), _clients(), _enriched()), (2, 0, 12))
    assert "bfd" not in plain and "add paths" not in plain


def test_openbgpd_refuses_bfd_naming_each_client() -> None:
    from lakou.routeserver.build import BuildError, build_config

    with pytest.raises(BuildError) as info:
        build_config(_clients(), _policy({"bfd": True}), _enriched(), daemon="openbgpd")
    assert all("option bfd cannot be written for OpenBGPD" in line for line in info.value.lines)
    bird = build_config(_clients(), _policy({"bfd": True}), _enriched(), daemon="bird2")
    assert not any("BFD" in w for w in bird.warnings)
