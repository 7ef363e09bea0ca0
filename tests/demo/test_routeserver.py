"""The demo route server's data and configurations, without starting anything.

The shipped RPSL and ROA files are read by lakou's own readers (no problem, every member
prefix registered, none of the extra routes); the members' BIRD configurations are checked
by the real ``bird -p`` when BIRD is installed; without BIRD the demo names the apt-get line
and leaves nothing behind. The live run is ``tests/live/demo/test_routeserver.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path

import pytest

from lakou.demo import demo_prefixes, read_table
from lakou.demo.routeserver import (
    IRR_DIR,
    PREPEND,
    REJECTED,
    ROAS_FILE,
    DemoRouteServerError,
    Speaker,
    _with_port,
    announcements,
    member_config,
    missing_daemon,
    start_demo_route_server,
)
from lakou.i18n import language
from lakou.routeserver.communities import Reason
from lakou.routeserver.enrich.rpki import read_rpki_json
from lakou.routeserver.enrich.rpsl import load_rpsl

RS = Speaker("rs1-marigot", 64496, IPv4Address("192.0.2.1"), IPv6Address("2001:db8:100::1"))


def _speaker(asn: int, host: int) -> Speaker:
    return Speaker(
        f"as{asn}", asn, IPv4Address(f"192.0.2.{host}"), IPv6Address(f"2001:db8:100::{host}")
    )


def _rs_members() -> dict[int, str]:
    return {
        int(row["asn"]): row["ipv4"]
        for row in read_table("members.csv")
        if row["exchange"] == "demo-saint-martin" and row["route_server"] == "yes"
    }


def test_the_rpsl_file_registers_every_member_prefix_and_no_extra_route() -> None:
    load = load_rpsl(IRR_DIR)
    assert load.problems == [] and load.objects == load.kept
    registered = {
        (asn, prefix)
        for asn in demo_prefixes()
        for prefix in (*load.database.prefixes([asn], 4), *load.database.prefixes([asn], 6))
    }
    for asn, prefixes in demo_prefixes().items():
        for prefix in prefixes:
            assert (asn, prefix) in registered
    for rejected in REJECTED:
        assert ((rejected.asn, rejected.prefix) in registered) == (not rejected.extra)


def test_the_roa_file_makes_one_route_invalid() -> None:
    roas = read_rpki_json(ROAS_FILE)
    (invalid,) = [r for r in REJECTED if r.reason is Reason.RPKI_INVALID]
    covering = [roa for roa in roas if str(roa.prefix) == invalid.prefix]
    assert covering and all(roa.asn != invalid.asn for roa in covering)


def test_one_rejected_route_per_reason_from_members_of_the_route_server() -> None:
    reasons = [r.reason for r in REJECTED]
    assert sorted(reasons) == sorted(
        {Reason.RPKI_INVALID, Reason.BOGON_PREFIX, Reason.IRR_PREFIX, Reason.AS_PATH_TOO_LONG}
    )
    members = _rs_members()
    assert all(r.asn in members for r in REJECTED)


def test_member_config_announces_and_prepends() -> None:
    text = member_config(_speaker(395916, 18), RS, 179, "netns")
    assert text.count("bgp_path.prepend(395916);") == PREPEND
    assert "if net = 158.222.40.0/24 then" in text
    for prefix in announcements(395916):
        assert f"route {prefix} blackhole;" in text
    assert "neighbor 192.0.2.1 as 64496;" in text and "neighbor 2001:db8:100::1 as 64496;" in text
    bogon = member_config(_speaker(985, 10), RS, 179, "netns")
    assert "route 198.18.0.0/24 blackhole;" in bogon and "prepend" not in bogon


def test_member_without_ipv6_prefix_still_has_its_ipv6_session() -> None:
    text = member_config(_speaker(1007, 12), RS, 179, "netns")
    assert "protocol static S6" not in text
    assert "protocol bgp RS6" in text and "ipv6 { import all; export none; };" in text


@pytest.mark.skipif(shutil.which("bird") is None, reason="needs BIRD 2 (apt-get install bird2)")
@pytest.mark.parametrize("mode", ["netns", "loopback"])
def test_bird_accepts_every_member_config(mode: str, tmp_path: Path) -> None:
    for asn, ipv4 in _rs_members().items():
        host = int(ipv4.rsplit(".", 1)[1])
        conf = tmp_path / f"as{asn}.conf"
        conf.write_text(member_config(_speaker(asn, host), RS, 11790, mode))  # type: ignore[arg-type]
        check = subprocess.run(["bird", "-p", "-c", str(conf)], capture_output=True, text=True)
        assert check.returncode == 0, (asn, check.stderr)
        if mode == "loopback":
            assert "port 11790" in conf.read_text() and "strict bind yes;" in conf.read_text()


def test_with_port_changes_only_the_session_ends() -> None:
    text = (
        "protocol bgp AS985_4_1 {\n  local 127.65.0.1 as RS_ASN;\n"
        "  neighbor 127.65.2.10 as 985;\n  # local 1.2.3.4 as 5;\n}\n"
    )
    out = _with_port(text, 4179)
    assert "  local 127.65.0.1 port 4179 as RS_ASN;" in out
    assert "  neighbor 127.65.2.10 port 4179 as 985;" in out
    assert "  # local 1.2.3.4 as 5;" in out


def test_without_bird_the_demo_names_the_apt_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from lakou.demo import routeserver

    empty = tempfile.mkdtemp()
    monkeypatch.setenv("PATH", empty)
    monkeypatch.setattr(routeserver, "_SBIN", empty)
    before = set(Path(tempfile.gettempdir()).glob("lakou-demo-rs-*"))
    try:
        assert "apt-get install bird2" in (missing_daemon() or "")
        with language("fr"):
            said = missing_daemon() or ""
        assert "n'est pas installé" in said and "apt-get install bird2" in said
        with pytest.raises(DemoRouteServerError, match="apt-get install bird2"):
            start_demo_route_server()
        assert set(Path(tempfile.gettempdir()).glob("lakou-demo-rs-*")) == before
    finally:
        shutil.rmtree(empty)


@pytest.mark.skipif(not Path("/usr/sbin/bird").exists(), reason="needs Debian's bird2")
def test_bird_is_found_in_sbin_off_an_ordinary_users_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from lakou.demo.routeserver import bird_binary

    monkeypatch.setenv("PATH", "/usr/local/bin:/usr/bin:/bin")
    assert bird_binary() == "/usr/sbin/bird"
    assert missing_daemon() is None


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("bird", path="/usr/sbin:/usr/bin") is None, reason="needs BIRD")
def test_an_exchange_not_loaded_is_one_line_and_leaves_nothing() -> None:
    before = set(Path(tempfile.gettempdir()).glob("lakou-demo-rs-*"))
    with pytest.raises(DemoRouteServerError, match="load the demo first"):
        start_demo_route_server("demo-nowhere", mode="loopback")
    assert set(Path(tempfile.gettempdir()).glob("lakou-demo-rs-*")) == before
