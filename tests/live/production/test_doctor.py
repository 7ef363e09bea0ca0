"""``lakou doctor`` on a production install in a temp root: healthy with its route server
(a real BIRD on a socket the test starts), IRR and RTR servers reachable; then broken,
each problem named with its fix, and the exit status non-zero."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from tests.production.installs import Dist, Install, install_into

pytestmark = [pytest.mark.slow, pytest.mark.live]


@pytest.fixture
def bird(tmp_path: Path) -> Iterator[Path]:
    """A real BIRD 2 with its control socket in tmp_path."""
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
    deadline = time.monotonic() + 30
    while not sock.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert sock.exists(), (tmp_path / "bird.log").read_text()
        yield sock
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def listeners() -> Iterator[tuple[int, int]]:
    """Two TCP ports that accept (the IRR whois and the RTR server stand-ins: the doctor
    only opens a connection to each)."""
    socks = []
    for _ in range(2):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        socks.append(s)
    yield socks[0].getsockname()[1], socks[1].getsockname()[1]
    for s in socks:
        s.close()


def _configure(inst: Install, sock: Path, irr_port: int, rtr_port: int) -> None:
    policy = inst.root / "etc/lakou/policy.yml"
    policy.write_text(yaml.safe_dump({"rpki": {"rtr_host": "127.0.0.1", "rtr_port": rtr_port}}))
    config = yaml.safe_load(inst.config.read_text())
    config["routeserver"] = {
        "irr_server": f"127.0.0.1:{irr_port}",
        "policy_file": str(policy),
        "route_servers": [{"name": "rs1", "socket": str(sock), "rs_asn": 64500}],
    }
    inst.config.write_text(yaml.safe_dump(config))
    os.chmod(inst.config, 0o640)


def _doctor(inst: Install) -> tuple[int, list[dict[str, str]]]:
    out = inst.run("doctor", "--format", "json", "--timeout", "2", check=False)
    return out.returncode, json.loads(out.stdout)


def test_doctor_healthy_then_broken(
    dist: Dist, tmp_path: Path, bird: Path, listeners: tuple[int, int]
) -> None:
    inst = install_into(tmp_path / "root", dist.wheel, "--no-start")
    irr_port, rtr_port = listeners
    _configure(inst, bird, irr_port, rtr_port)

    code, checks = _doctor(inst)
    status = {c["name"]: c["status"] for c in checks}
    assert code == 0, checks
    assert not [c for c in checks if c["status"] == "fail"]
    for name in ("config", "data_dir", "database", "migrations", "socket rs1", "IRR", "RPKI"):
        assert status[name] == "ok", (name, checks)
    assert status["disk"] in ("ok", "warn") and "clock" in status
    text = inst.run("doctor", "--timeout", "2").stdout
    assert text.rstrip().endswith("healthy")

    # break it: secrets readable by all, a migration unapplied, BIRD gone, no RTR server
    os.chmod(inst.config, 0o644)
    with closing(sqlite3.connect(inst.data / "lakou.sqlite3")) as db, db:
        db.execute("DELETE FROM django_migrations WHERE app='operations'")
    shutil.rmtree(bird.parent / "gone", ignore_errors=True)
    config = yaml.safe_load(inst.config.read_text())
    config["routeserver"]["route_servers"][0]["socket"] = str(bird.parent / "gone" / "bird.ctl")
    inst.config.write_text(yaml.safe_dump(config))
    os.chmod(inst.config, 0o644)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        free = closed.getsockname()[1]
    policy = inst.root / "etc/lakou/policy.yml"
    policy.write_text(yaml.safe_dump({"rpki": {"rtr_host": "127.0.0.1", "rtr_port": free}}))

    code, checks = _doctor(inst)
    assert code == 1
    failed = {c["name"]: c for c in checks if c["status"] == "fail"}
    assert set(failed) == {"config", "migrations", "socket rs1", "RPKI"}, checks
    assert failed["config"]["fix"] == f"chmod 0640 {inst.config} && chown root:lakou {inst.config}"
    assert "operations.0001_initial" in failed["migrations"]["detail"]
    assert failed["migrations"]["fix"] == "lakou db migrate"
    assert "does not exist" in failed["socket rs1"]["detail"]
    assert f"127.0.0.1:{free}" in failed["RPKI"]["detail"]
    text = inst.run("doctor", "--timeout", "2", check=False)
    assert "fix: lakou db migrate" in text.stdout
    assert "4 problem(s) to fix: config, migrations, socket rs1, RPKI" in text.stderr
