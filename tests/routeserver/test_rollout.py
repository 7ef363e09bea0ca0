"""``run_deploy``: all of ``rs deploy`` in one call, without the command line.

What is refused before anything is touched (``DeployRefused``, naming the option), and a
staged deploy whose first daemon is not running: its outcomes say the first failed with
nothing changed and the next was not attempted, and no figures were left. Successful
deploys run against a real BIRD in ``tests/live/routeserver/test_deploy.py``;
``test_cli_deploy.py`` runs the same path through ``rs deploy``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.live.helpers import rsworld as w

from lakou.routeserver import DeployRefused, DeployRequest, run_deploy
from lakou.routeserver.config import Config, DeployServer
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird


def test_what_cannot_be_carried_out_is_refused_before_any_change(tmp_path: Path) -> None:
    new = tmp_path / "new.conf"
    new.write_text("# new\n")
    with pytest.raises(DeployRefused, match="give CONFIG_FILE"):
        run_deploy(Config(), tmp_path, DeployRequest())
    with pytest.raises(DeployRefused, match="unknown daemon 'bird'"):
        request = DeployRequest(new, target=tmp_path / "running.conf")
        run_deploy(Config(daemon="bird"), tmp_path, request)
    with pytest.raises(DeployRefused, match="give no CONFIG_FILE"):
        run_deploy(Config(), tmp_path, DeployRequest(new, stages=(f"rs1={new}",)))
    with pytest.raises(DeployRefused, match="no route server of exchange 'sxm'"):
        run_deploy(Config(), tmp_path, DeployRequest(exchange="sxm"))
    with pytest.raises(DeployRefused, match="rs1 has no new_config"):
        server = DeployServer(
            name="rs1", exchange="sxm", config_path=new, control_socket=tmp_path / "ctl"
        )
        run_deploy(Config(deploy_servers=[server]), tmp_path, DeployRequest(exchange="sxm"))
    with pytest.raises(DeployRefused, match="not both"):
        run_deploy(Config(), tmp_path, DeployRequest(stages=(f"rs1={new}",), exchange="sxm"))
    assert not (tmp_path / "running.conf").exists()
    assert not (tmp_path / "routeserver").exists()  # no history, no figures


@pytest.mark.skipif(shutil.which("bird") is None, reason="needs bird (bird2)")
def test_a_staged_deploy_stops_at_the_first_server_down(tmp_path: Path) -> None:
    text = render_bird(make_plan(w.policy(rpki=False), w.clients(), w.enriched()), (2, 0, 12))
    servers = []
    for name in ("rs1", "rs2"):
        (tmp_path / f"{name}.running.conf").write_text("# running\n")
        (tmp_path / f"{name}.new.conf").write_text(text)
        servers.append(
            DeployServer(
                name=name,
                exchange="sxm",
                config_path=tmp_path / f"{name}.running.conf",
                control_socket=tmp_path / f"{name}.ctl",
                new_config=tmp_path / f"{name}.new.conf",
            )
        )
    run = run_deploy(
        Config(deploy_servers=servers), tmp_path / "data", DeployRequest(exchange="sxm")
    )
    assert run.result is None and run.failed
    assert [(o.name, o.state) for o in run.outcomes] == [
        ("rs1", "refused"),
        ("rs2", "not attempted"),
    ]
    assert "cannot connect to BIRD" in run.outcomes[0].error
    assert run.metrics_errors == {}
    for name in ("rs1", "rs2"):
        assert (tmp_path / f"{name}.running.conf").read_text() == "# running\n"
