"""``lakou lan quarantine --registry --promote``: the peering-LAN quarantine check moves
a member's new MACs to production once they are clean, and leaves a dirty one waiting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.lan.conftest import X, Z, members_yaml, stream
from tests.lan.test_hygiene import T0, write_stream
from tests.registry.test_lan_view import registry_members

from lakou.cli import main
from lakou.registry import models as m

pytestmark = pytest.mark.django_db


def test_clean_quarantined_macs_go_to_production_and_dirty_ones_wait(tmp_path: Path) -> None:
    registry_members()
    # as self-service leaves them on an exchange with MAC quarantine: connections in
    # production, the new MACs of X and Z marked quarantine
    m.Connection.objects.update(state="active")
    m.MacAddress.objects.filter(mac__in=[X["mac"], Z["mac"]]).update(quarantine=True)
    capture = write_stream(tmp_path / "lan.pcap", stream())
    store = tmp_path / "store"
    members = members_yaml(tmp_path / "members.yaml")
    runner = CliRunner()
    out = runner.invoke(
        main, ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    args = ["lan", "quarantine", "--store", str(store), "--registry", "--clean-hours", "0.0005"]
    args += ["--now", str(T0 + 3)]
    out = runner.invoke(main, [*args, "--format", "json"])
    statuses = {s["port"]: s["status"] for s in json.loads(out.output)}
    assert statuses == {X["mac"]: "blocked", Z["mac"]: "ready"}, out.output
    assert m.MacAddress.objects.get(mac=Z["mac"]).quarantine  # judged only, nothing moved

    out = runner.invoke(main, [*args, "--promote"])
    assert out.exit_code == 0, out.output
    assert f"{Z['mac']}: moved to production" in out.output
    assert not m.MacAddress.objects.get(mac=Z["mac"]).quarantine
    assert m.MacAddress.objects.get(mac=X["mac"]).quarantine


def test_promote_needs_the_registry(tmp_path: Path) -> None:
    members = members_yaml(tmp_path / "members.yaml")
    args = ["lan", "quarantine", "--members", str(members), "--clean-hours", "1", "--promote"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code != 0 and "--promote needs --registry" in out.output
