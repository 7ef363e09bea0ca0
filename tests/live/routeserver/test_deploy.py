"""``lakou rs deploy`` against a running BIRD: good configs go in, bad ones never stay."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.live.helpers import rsworld as w
from tests.live.helpers.lab import (
    Lab,
    can_make_namespaces,
    member_bird_config,
    missing_tools,
    start_bird,
    wait_for,
)

from lakou.routeserver.deploy import Bird as BirdDaemon
from lakou.routeserver.deploy import DeployError, RouteGate, deploy
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird

pytestmark = pytest.mark.live
if missing_tools("bird", "ip"):
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason="needs bird and ip")]

QUICK = RouteGate(settle=1.0)


def _config(description: str = "Member C (BIRD)", c_asn: int = w.C) -> str:
    clients = [c for c in w.clients() if c.asn == w.C]
    clients = [type(clients[0])(c_asn, clients[0].ips, description, clients[0].as_sets)]
    plan = make_plan(w.policy(rpki=False), clients, w.enriched())
    return render_bird(plan, (2, 0, 12))


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory):
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    workdir = tmp_path_factory.mktemp("deploy")
    with Lab(workdir) as lab:
        rs_node = lab.node("rs", 1)
        rs = start_bird(rs_node, _config(), workdir, "rs")
        c = lab.node("c", 13)
        start_bird(c, member_bird_config(c, w.C, rs_node, w.RS_ASN, export="none"), workdir)
        daemon = BirdDaemon(socket=rs.socket)
        wait_for(lambda: daemon.sessions().get(f"AS{w.C}_4_1"), 30, "session to C")
        yield rs, daemon, workdir


def _status(rs) -> str:
    return next(line for line in rs.cmd("show status").splitlines() if "reconfiguration" in line)


def test_good_config_deployed_and_kept(running, tmp_path: Path) -> None:
    rs, daemon, workdir = running
    new = tmp_path / "new.conf"
    new.write_text(_config("Member C, renamed"))
    history = workdir / "history"
    result = deploy(new, rs.config, daemon, history, timeout=30, gate=QUICK)
    assert rs.config.read_text() == new.read_text()
    assert "Member C, renamed" in rs.cmd(f"show protocols all AS{w.C}_4_1")
    assert (history / "last-good").read_text().strip() == result.deployed.name
    assert result.previous is not None and result.previous.exists()


def test_refused_config_leaves_daemon_on_last_good(running, tmp_path: Path) -> None:
    rs, daemon, workdir = running
    before_file = rs.config.read_text()
    before_status = _status(rs)
    bad = tmp_path / "bad.conf"
    bad.write_text(_config() + "\nprotocol bgp broken { this is not bird; }\n")
    proc = subprocess.run(
        ["lakou", "rs", "deploy", str(bad), "--target", str(rs.config), "--socket",
         str(rs.socket), "--history", str(workdir / "history"), "--timeout", "20", "--settle", "1"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "refuses" in proc.stderr
    assert rs.config.read_text() == before_file
    assert _status(rs) == before_status  # BIRD was not even asked to reload
    assert daemon.sessions()[f"AS{w.C}_4_1"]


def test_sessions_not_back_rolls_back(running, tmp_path: Path) -> None:
    rs, daemon, workdir = running
    before_file = rs.config.read_text()
    wrong = tmp_path / "wrong-asn.conf"
    wrong.write_text(_config(c_asn=w.C + 1000).replace(f"AS{w.C + 1000}_", f"AS{w.C}_"))
    with pytest.raises(DeployError, match="restored the last good configuration"):
        deploy(wrong, rs.config, daemon, workdir / "history", timeout=8, gate=QUICK)
    assert rs.config.read_text() == before_file
    wait_for(lambda: daemon.sessions().get(f"AS{w.C}_4_1"), 30, "session back on old config")
