"""``lakou jobs run rs-refresh`` against a real BIRD 2: the job builds and deploys, or stops at a
failed build and leaves the running BIRD alone (live)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.operations.test_jobs import Install

pytestmark = pytest.mark.slow


@pytest.fixture
def bird(tmp_path: Path) -> Iterator[Path]:
    """A real BIRD 2 running tmp_path/bird.conf, its control socket tmp_path/bird.ctl."""
    if shutil.which("bird") is None:
        pytest.fail("bird is missing: scripts/install-test-deps installs bird2")
    conf = tmp_path / "bird.conf"
    conf.write_text("router id 192.0.2.1;\nprotocol device {}\n")
    sock = tmp_path / "bird.ctl"
    log = (tmp_path / "bird.log").open("wb")
    proc = subprocess.Popen(
        ["bird", "-f", "-c", str(conf), "-s", str(sock), "-P", str(tmp_path / "bird.pid")],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while not sock.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sock.exists(), (tmp_path / "bird.log").read_text()
        yield sock
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _exchange_with_rs1(inst: Install) -> None:
    inst.django(
        "from lakou.registry.models import Exchange, PeeringLan, RouteServer\n"
        "ex = Exchange.objects.create(slug='test-ix', name='Test IX', country='GP')\n"
        "lan = PeeringLan.objects.create(exchange=ex, name='lan', ipv4_prefix='192.0.2.0/24')\n"
        "RouteServer.objects.create(exchange=ex, lan=lan, name='rs1', asn=64500,\n"
        "    router_id='192.0.2.1', ipv4='192.0.2.1')\n"
    )


@pytest.mark.live
def test_rs_refresh_builds_and_deploys_to_a_real_bird(tmp_path: Path, bird: Path) -> None:
    running = tmp_path / "bird.conf"
    inst = Install(
        tmp_path,
        {
            "routeserver": {
                "settle_seconds": 1,
                "session_timeout": 30,
                "deploy_servers": [
                    {
                        "name": "rs1",
                        "exchange": "test-ix",
                        "config_path": str(running),
                        "control_socket": str(bird),
                        "new_config": str(tmp_path / "bird.conf.new"),
                    }
                ],
            }
        },
    )
    _exchange_with_rs1(inst)
    out = inst.lakou("jobs", "run", "rs-refresh")
    assert "$ lakou rs deploy --exchange test-ix" in out.stdout
    run = inst.last("rs-refresh")
    assert run["outcome"] == "succeeded", run
    assert run["message"] == "rs1: deployed, running the new configuration"
    assert len(run["steps"]) == 2
    # the running BIRD now has the built configuration (its router id and ASN)
    assert running.read_text() == (tmp_path / "bird.conf.new").read_text()
    assert "64500" in running.read_text()
    shown = subprocess.run(
        ["birdc", "-s", str(bird), "show", "status"], capture_output=True, text=True
    )
    assert "192.0.2.1" in shown.stdout
    # and its figures wait for /metrics
    metrics = tmp_path / "data" / "metrics"
    assert (
        'lakou_rs_accepted_routes{route_server="rs1"} 0.0'
        in (metrics / "rs-deploy-rs1.prom").read_text()
    )
    assert (metrics / "rs-build-rs1.prom").is_file()


@pytest.mark.live
def test_rs_refresh_stops_at_a_failed_build_and_leaves_bird_alone(
    tmp_path: Path, bird: Path
) -> None:
    running = tmp_path / "bird.conf"
    before = running.read_text()
    inst = Install(
        tmp_path,
        {
            "routeserver": {
                "deploy_servers": [
                    {
                        "name": "rs1",
                        "exchange": "test-ix",
                        "config_path": str(running),
                        "control_socket": str(bird),
                        "new_config": str(tmp_path / "bird.conf.new"),
                    }
                ],
                # a policy file that is not there: the build fails before any deploy
                "policy_file": str(tmp_path / "missing-policy.yml"),
            }
        },
    )
    _exchange_with_rs1(inst)
    out = inst.lakou("jobs", "run", "rs-refresh", check=False)
    assert out.returncode == 1
    run = inst.last("rs-refresh")
    assert run["outcome"] == "failed" and "missing-policy.yml" in run["message"]
    assert len(run["steps"]) == 1  # no deploy after a failed build
    assert running.read_text() == before  # the running BIRD was not touched
