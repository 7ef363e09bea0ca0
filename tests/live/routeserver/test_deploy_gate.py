"""The route gate against real BIRD route servers: nothing that filters every route deploys green.

Two route servers (rs1, rs2) on the lab's peering LAN; a member (BIRD, which answers
route refresh, so a new import filter applies without a session restart) announces 100
prefixes registered in its IRR data, so both accept 100 routes. A new configuration whose
IRR prefix set is empty passes ``bird -p``, reloads and keeps the session up, but filters
every route: deploy must roll it back and the route server must serve the 100 routes
again; ``--force`` deploys it; a staged deploy stops at the first server that fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from ipaddress import ip_address
from pathlib import Path

import pytest
from tests.live.helpers import rsworld as w
from tests.live.helpers.lab import Lab, can_make_namespaces, missing_tools, start_bird, wait_for

from lakou.routeserver.clients import RouteServerClient
from lakou.routeserver.deploy import Bird as BirdDaemon
from lakou.routeserver.deploy import DeployError, RouteGate, deploy
from lakou.routeserver.deploy import OpenBgpd as OpenBgpdDaemon
from lakou.routeserver.enrich.model import Enriched, IrrData
from lakou.routeserver.plan import make_plan
from lakou.routeserver.policy import Policy
from lakou.routeserver.render.bird2 import render_bird
from lakou.routeserver.render.openbgpd import render_openbgpd
from lakou.routeserver.staged import Stage, deploy_staged

pytestmark = pytest.mark.live
if missing_tools("bird", "ip"):
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason="needs bird and ip")]

PREFIXES = tuple(f"11.1.{i}.0/24" for i in range(100))
SESSION = f"AS{w.A}_4_1"
GATE = RouteGate(settle=1.0)


def _config(host: int, prefixes: tuple[str, ...] = PREFIXES, name: str = "Member A") -> str:
    data = w.policy(rpki=False).model_dump(mode="json")
    data.update(router_id=f"192.0.2.{host}", rs_ipv4=f"192.0.2.{host}", rs_ipv6=None)
    client = RouteServerClient(w.A, (ip_address("192.0.2.11"),), name, ("AS-A",))
    irr = IrrData(w.A, ("AS-A",), frozenset({w.A}), prefixes, (), "test", datetime.now(UTC))
    plan = make_plan(Policy.model_validate(data), [client], Enriched(irr={w.A: irr}))
    return render_bird(plan, (2, 0, 12))


def _member_config(hosts: tuple[int, ...] = (1, 2)) -> str:
    """Member A on BIRD: the 100 prefixes to both route servers (route refresh works)."""
    statics = " ".join(f"route {p} blackhole;" for p in PREFIXES)
    sessions = "".join(
        f"""
protocol bgp RS{h} {{
  local 192.0.2.11 as {w.A}; neighbor 192.0.2.{h} as {w.RS_ASN};
  hold time 6; keepalive time 2; connect retry time 1; connect delay time 1;
  error wait time 1, 2;
  ipv4 {{ import none; export all; }};
}}"""
        for h in hosts
    )
    return "log stderr all;\nrouter id 192.0.2.11;\nprotocol device {}\n" + (
        f"protocol static S4 {{ ipv4; {statics} }}\n{sessions}\n"
    )


def _accepted(daemon: BirdDaemon | OpenBgpdDaemon) -> int:
    return daemon.routes()[SESSION].accepted


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    workdir = tmp_path_factory.mktemp("gate")
    with Lab(workdir) as lab:
        out = {}
        for host in (1, 2):
            node = lab.node(f"rs{host}", host)
            bird = start_bird(node, _config(host), workdir, f"rs{host}")
            out[f"rs{host}"] = (bird, BirdDaemon(socket=bird.socket))
        member = lab.node("a", 11)
        start_bird(member, _member_config(), workdir, "a")
        for _bird, daemon in out.values():
            wait_for(lambda d=daemon: _accepted(d) == 100, 60, "100 routes accepted")
        yield out, workdir


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_filter_all_is_rolled_back_and_routes_come_back(servers, tmp_path: Path) -> None:
    out, workdir = servers
    rs1, daemon = out["rs1"]
    running = rs1.config.read_text()
    empty = _write(tmp_path, "empty-irr.conf", _config(1, prefixes=()))
    assert daemon.check(empty) is None  # BIRD itself has nothing against it
    with pytest.raises(DeployError) as caught:
        deploy(empty, rs1.config, daemon, workdir / "h1", timeout=30, gate=GATE)
    message = str(caught.value)
    assert "drops routes" in message
    assert f"{SESSION} (AS{w.A} Member A): 100 -> 0" in message
    assert "restored the last good configuration" in message
    assert "accepted routes back: 100 (before the deploy: 100)" in message
    assert caught.value.state == "restored"
    assert rs1.config.read_text() == running
    assert _accepted(daemon) == 100  # read from the daemon, not from the message
    assert "11.1.42.0/24" in rs1.cmd(f"show route table T_{SESSION} 11.1.42.0/24")


def test_force_deploys_what_the_gate_refuses(servers, tmp_path: Path) -> None:
    out, workdir = servers
    rs1, daemon = out["rs1"]
    good = rs1.config.read_text()
    empty = _write(tmp_path, "empty-irr.conf", _config(1, prefixes=()))
    forced = RouteGate(settle=1.0, force=True)
    result = deploy(empty, rs1.config, daemon, workdir / "h1", timeout=30, gate=forced)
    assert result.forced and result.verdict is not None
    assert (result.verdict.before_total, result.verdict.after_total) == (100, 0)
    assert rs1.config.read_text() == empty.read_text()
    assert _accepted(daemon) == 0
    # Back to the good configuration: routes returning is no loss, the gate passes.
    good_file = _write(tmp_path, "good.conf", good)
    back = deploy(good_file, rs1.config, daemon, workdir / "h1", timeout=30, gate=GATE)
    assert not back.forced and back.verdict is not None and back.verdict.ok
    assert _accepted(daemon) == 100


def test_staged_deploy_stops_at_first_failure(servers, tmp_path: Path) -> None:
    out, workdir = servers
    (rs1, d1), (rs2, d2) = out["rs1"], out["rs2"]
    renamed = _write(tmp_path, "rs1.conf", _config(1, name="Member A, renamed"))
    empty = _write(tmp_path, "rs2.conf", _config(2, prefixes=()))
    rs2_before = rs2.config.read_text()
    stages = [
        Stage("rs1", renamed, rs1.config, d1, workdir / "s1"),
        Stage("rs2", empty, rs2.config, d2, workdir / "s2"),
    ]
    outcomes = deploy_staged(stages, timeout=30, gate=GATE)
    assert [o.state for o in outcomes] == ["deployed", "rolled back"]
    assert rs1.config.read_text() == renamed.read_text()  # rs1 keeps its new good config
    assert "Member A, renamed" in rs1.cmd(f"show protocols all {SESSION}")
    assert rs2.config.read_text() == rs2_before
    assert _accepted(d1) == 100 and _accepted(d2) == 100


def test_staged_cli_leaves_later_servers_untouched(servers, tmp_path: Path) -> None:
    out, workdir = servers
    (rs1, d1), (rs2, d2) = out["rs1"], out["rs2"]
    before = rs1.config.read_text(), rs2.config.read_text()
    empty = _write(tmp_path, "rs1.conf", _config(1, prefixes=()))
    good = _write(tmp_path, "rs2.conf", _config(2, name="Member A, again"))
    proc = subprocess.run(
        [sys.executable, "-m", "lakou", "rs", "deploy", "--settle", "1", "--timeout", "30",
         "--history", str(workdir / "cli"),
         "--to", f"rs1={empty},{rs1.config},{rs1.socket}",
         "--to", f"rs2={good},{rs2.config},{rs2.socket}"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert f"{SESSION} (AS{w.A} Member A): 100 -> 0 (all routes lost)" in proc.stderr
    assert "rs1: failed, rolled back to its last good configuration" in proc.stderr
    assert "rs2: not attempted, still the previous configuration" in proc.stderr
    assert (rs1.config.read_text(), rs2.config.read_text()) == before
    assert _accepted(d1) == 100 and _accepted(d2) == 100


def _bgpd_config(sock: Path, prefixes: tuple[str, ...] = PREFIXES) -> str:
    data = w.policy(rpki=False).model_dump(mode="json")
    data.update(rs_ipv6=None)
    client = RouteServerClient(w.A, (ip_address("192.0.2.11"),), "Member A", ("AS-A",))
    irr = IrrData(w.A, ("AS-A",), frozenset({w.A}), prefixes, (), "test", datetime.now(UTC))
    plan = make_plan(Policy.model_validate(data), [client], Enriched(irr={w.A: irr}))
    return render_openbgpd(plan, control_socket=str(sock))


@pytest.fixture(scope="module")
def openbgpd(tmp_path_factory: pytest.TempPathFactory):
    if missing_tools("bgpd", "bgpctl"):
        pytest.skip("needs openbgpd")
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    os.makedirs("/run/openbgpd", exist_ok=True)  # bgpd's chroot (the systemd unit makes it)
    workdir = tmp_path_factory.mktemp("gate-obgp")
    sock = workdir / "bgpd.sock"
    config = workdir / "bgpd.conf"
    config.write_text(_bgpd_config(sock))
    with Lab(workdir) as lab:
        lab.node("rs", 1).popen(["bgpd", "-d", "-f", str(config)], workdir / "bgpd.log")
        start_bird(lab.node("a", 11), _member_config(hosts=(1,)), workdir, "a")
        daemon = OpenBgpdDaemon(socket=sock, config=config)
        wait_for(lambda: _accepted(daemon) == 100, 60, "100 routes accepted by bgpd")
        yield daemon, config, workdir


def test_openbgpd_filter_all_is_rolled_back(openbgpd, tmp_path: Path) -> None:
    daemon, config, workdir = openbgpd
    running = config.read_text()
    empty = _write(tmp_path, "empty-irr.conf", _bgpd_config(daemon.socket, prefixes=()))
    with pytest.raises(DeployError) as caught:
        deploy(empty, config, daemon, workdir / "h", timeout=30, gate=GATE)
    assert f"{SESSION}: 100 -> 0 (all routes lost)" in str(caught.value)
    assert "accepted routes back: 100 (before the deploy: 100)" in str(caught.value)
    assert config.read_text() == running
    assert _accepted(daemon) == 100
