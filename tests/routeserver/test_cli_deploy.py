"""``lakou rs deploy`` options for staged deploys: which servers, which files, which errors.

The deploys themselves run against real daemons in tests/live; here a server whose
daemon is not running shows how a staged deploy reports a failure before any change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.live.helpers import rsworld as w

from lakou.cli import main
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird


def _config(tmp_path: Path, servers: str) -> Path:
    path = tmp_path / "lakou.yml"
    path.write_text(f"core:\n  data_dir: {tmp_path / 'data'}\nrouteserver:\n{servers}")
    return path


def _run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), "rs", "deploy", *args])
    return result.exit_code, result.output


def test_usage_errors_name_the_option(tmp_path: Path) -> None:
    new = tmp_path / "new.conf"
    new.write_text("# not deployed\n")
    config = _config(tmp_path, "  deploy_servers: []\n")
    code, out = _run(config, "--to", f"rs1={tmp_path / 'missing.conf'}")
    assert code == 2 and "--to rs1: no such file" in out
    code, out = _run(config, "--to", f"rs9={new}")
    assert code == 2 and "rs9: not in routeserver.deploy_servers" in out
    code, out = _run(config, "--to", "rs1")
    assert code == 2 and "expected NAME=NEW or NAME=NEW,TARGET,SOCKET" in out
    spec = f"rs1={new},{tmp_path / 'bird.conf'},{tmp_path / 'bird.ctl'}"
    code, out = _run(config, "--to", spec, "--to", spec)
    assert code == 2 and "rs1 given twice" in out
    code, out = _run(config, "--exchange", "sxm")
    assert code == 2 and "no route server of exchange 'sxm'" in out
    code, out = _run(config, str(new), "--to", f"rs1={new}")
    assert code == 2 and "give no CONFIG_FILE" in out
    code, out = _run(config)
    assert code == 2 and "give CONFIG_FILE" in out


def test_unknown_key_or_daemon_in_deploy_servers_is_refused(tmp_path: Path) -> None:
    config = _config(tmp_path, "  deploy_servers:\n    - {name: rs1, socket: /x}\n")
    code, out = _run(config, "--exchange", "sxm")
    assert code == 1 and "socket" in out
    server = "{name: rs1, daemon: bird, config_path: /x, control_socket: /y}"
    code, out = _run(_config(tmp_path, f"  deploy_servers:\n    - {server}\n"), "--to", "rs1=/x")
    assert code == 1 and "daemon" in out
    new = tmp_path / "new.conf"
    new.write_text("# new\n")
    code, out = _run(_config(tmp_path, "  daemon: bird\n"), str(new), "--target", str(new))
    assert code == 2 and "unknown daemon 'bird'" in out


@pytest.mark.skipif(shutil.which("bird") is None, reason="needs bird (bird2)")
def test_exchange_staged_stops_before_touching_anything(tmp_path: Path) -> None:
    plan = make_plan(w.policy(rpki=False), w.clients(), w.enriched())
    text = render_bird(plan, (2, 0, 12))
    servers = ""
    for name in ("rs1", "rs2"):
        (tmp_path / f"{name}.running.conf").write_text("# running\n")
        (tmp_path / f"{name}.new.conf").write_text(text)
        servers += (
            f"    - {{name: {name}, exchange: sxm, config_path: {tmp_path}/{name}.running.conf,"
            f" control_socket: {tmp_path}/{name}.ctl, new_config: {tmp_path}/{name}.new.conf}}\n"
        )
    config = _config(tmp_path, f"  deploy_servers:\n{servers}")
    code, out = _run(config, "--exchange", "sxm")
    assert code == 1
    assert "rs1: failed, nothing changed (still the previous configuration)" in out
    assert "rs2: not attempted, still the previous configuration" in out
    assert "cannot connect to BIRD" in out
    for name in ("rs1", "rs2"):
        assert (tmp_path / f"{name}.running.conf").read_text() == "# running\n"
