"""What a short command imports: ``lakou flows replay`` (a script runs it per capture) and
``lakou rs build`` (per configuration change) start without the modules they do not use.

Each command runs whole, in its own interpreter, and reports ``sys.modules`` at its end:
a module put back at the top of a module on the command's path fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from ipaddress import ip_address
from pathlib import Path

from lakou.flows.pcap import Datagram, write_pcap
from lakou.flows.testing import SampledFrame, datagram

SRC = str(Path(__file__).resolve().parents[2] / "src")

PROBE = """
import json, sys
from lakou.cli import main
sys.argv = ["lakou", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
import pydantic.plugin._loader as plugins
print(json.dumps({"modules": sorted(sys.modules), "plugins_read": plugins._plugins is not None}))
"""


def _run(tmp_path: Path, *args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKOU_", "PYDANTIC_"))}
    env["PYTHONPATH"] = SRC
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # no ./lakou.yml: the defaults
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_replay_starts_without_what_it_does_not_use(tmp_path: Path) -> None:
    frame = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "192.0.2.2")
    capture = tmp_path / "one.pcap"
    payload = datagram("192.0.2.250", [frame])
    write_pcap(
        capture,
        [Datagram(1.7e9, ip_address("192.0.2.250"), 6343, ip_address("192.0.2.1"), 6343, payload)],
    )
    store = tmp_path / "store"
    found = _run(tmp_path, "flows", "replay", "--no-lan", "--store", str(store), str(capture))
    modules = set(found["modules"])  # type: ignore[call-overload]
    assert any(store.glob("minute/*/*.parquet"))  # it did replay and write
    unwanted = {
        "asyncio",  # the collector's alone
        "yaml",  # no configuration file, no override, no members file
        "lakou.exchange",  # no members file, no registry
        "lakou.config",  # the flows and core sections alone, not every component's
        "numba",  # one datagram: the kernels run as Python or ahead-of-time builds
        "pandas",
        "rich",
    }
    assert sorted(modules & unwanted) == []
    assert not [m for m in modules if m.startswith(("lakou.routeserver", "lakou.territory"))]
    assert found["plugins_read"] is False  # pydantic did not scan every distribution


def test_rs_build_starts_without_what_it_does_not_use(tmp_path: Path) -> None:
    (tmp_path / "clients.yml").write_text(
        "clients:\n  - asn: 64500\n    ip: [192.0.2.10, '2001:db8::10']\n"
    )
    (tmp_path / "policy.yml").write_text(
        "rs_asn: 64999\nrouter_id: 192.0.2.1\n"
        "peering_lans: [192.0.2.0/24, '2001:db8::/64']\nrpki: {enabled: false}\n"
    )
    out = tmp_path / "bird.conf"
    found = _run(
        tmp_path,
        *("rs", "build", "--clients", "clients.yml", "--policy", "policy.yml", "--no-irr"),
        *("--no-check", "--daemon", "bird2", "--out", str(out)),
    )
    modules = set(found["modules"])  # type: ignore[call-overload]
    assert "protocol bgp" in out.read_text()
    unwanted = {"asyncio", "numpy", "lakou.exchange", "lakou.config", "lakou.routeserver.deploy"}
    assert sorted(modules & unwanted) == []
    assert not [m for m in modules if m.startswith(("lakou.routeserver.lg", "lakou.flows"))]
    assert found["plugins_read"] is False
