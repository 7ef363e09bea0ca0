"""The inventory on real files, its exports checked by the real tools, and the CLI."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.exchange import Exchange, Member
from lakou.territory.config import Config, Declaration
from lakou.territory.exports import to_bird, to_csv, to_pmacct_networks
from lakou.territory.index import PrefixIndex
from lakou.territory.inventory import build_inventory, discover
from lakou.territory.update import download_all

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def data_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory of symlinks to a subset of the public files (read in seconds)."""
    root = tmp_path_factory.mktemp("territory-data")
    for name in (
        "geo/geo-whois-asn-country-ipv4.csv",
        "bgp/asn-ipv4.csv",
        "rir/delegated-lacnic-extended-20190910",
        "bgp/mrt/quagga_rib",
    ):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(shared_data / name)
    return root


@pytest.fixture(scope="module")
def inventory(data_dir: Path):  # type: ignore[no-untyped-def]
    smart_ix = Exchange(
        slug="smart-ix", name="Smart-IX", country="MF", members=(Member(asn=27974, name="OCIX"),)
    )
    config = Config(
        declarations=[Declaration(prefix="192.0.2.0/24", territory="GP", asn=64500, note="test")]
    )
    steps: list[str] = []
    result = build_inventory(discover(data_dir), config, [smart_ix], progress=steps.append)
    assert steps  # progress was reported
    return result


def test_inventory_finds_the_territorys_networks(inventory) -> None:  # type: ignore[no-untyped-def]
    by_prefix = {p.prefix: p for p in inventory.prefixes}
    ocix = by_prefix["200.0.22.0/23"]
    assert ocix.territory == "SX" and ocix.asn == 27974
    assert "geo-whois-asn-country-ipv4.csv" in ocix.agree
    assert ocix.origin_sources[27974] == ["asn-ipv4.csv"]
    declared = by_prefix["192.0.2.0/24"]
    assert declared.kind == "declared" and declared.confidence == 1.0 and declared.asn == 64500
    networks = {n.asn: n for n in inventory.networks}
    assert networks[27974].member_of == {"smart-ix": True} and not networks[27974].to_invite
    assert networks[30077].to_invite  # SB-IX's own AS is not a Smart-IX member here
    assert all(0 <= p.confidence <= 1 for p in inventory.prefixes)
    # every disagreement names its source and what it says
    disagreeing = [p for p in inventory.prefixes if p.disagree]
    assert disagreeing and all(
        {"source", "country"} == set(d) for p in disagreeing for d in p.disagree
    )
    sources = {s["name"]: s for s in inventory.as_dict()["sources"]}
    assert sources["asn-ipv4.csv"]["read"] > 400_000


@pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 (Debian) not installed")
def test_bird_accepts_the_prefix_sets(inventory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sets = tmp_path / "territory.conf"
    sets.write_text(to_bird(inventory))
    conf = tmp_path / "bird.conf"
    conf.write_text(
        f'router id 192.0.2.1;\ninclude "{sets}";\n'
        "filter f { if net ~ TERRITORY_V4 || net ~ TERRITORY_V6 then accept; reject; }\n"
        "protocol device {}\n"
    )
    result = subprocess.run(["bird", "-p", "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_pmacct_and_csv_exports(inventory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = [x for x in to_pmacct_networks(inventory).splitlines() if not x.startswith("!")]
    assert "27974,200.0.22.0/23" in lines
    table = tmp_path / "prefixes.csv"
    table.write_text(to_csv(inventory))
    index = PrefixIndex.from_csv(table)
    assert index.lookup(["200.0.22.1"]) == [("200.0.22.0/23", 27974, "SX")]


@pytest.mark.live
@pytest.mark.skipif(shutil.which("nfacctd") is None, reason="pmacct (Debian) not installed")
def test_nfacctd_loads_the_networks_file(inventory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The real nfacctd reads the exported networks_file without complaint."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    networks = tmp_path / "networks.lst"
    networks.write_text(to_pmacct_networks(inventory))
    conf = tmp_path / "nfacctd.conf"
    log = tmp_path / "nfacctd.log"
    conf.write_text(
        f"nfacctd_ip: 127.0.0.1\nnfacctd_port: {port}\nnetworks_file: {networks}\n"
        "plugins: print\naggregate: src_as\nprint_output_file: /dev/null\ndebug: true\n"
    )
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["nfacctd", "-f", str(conf)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and "Networks Cache successfully created" not in log.read_text()
        ):
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the group nfacctd and its plugin run in
        proc.wait(timeout=10)
    text = log.read_text()
    assert "IPv4 Networks Cache successfully created" in text, text[-2000:]
    assert f"[{networks}:" not in text  # pmacct names file:line for each line it rejects


def test_cli_build_and_lookup(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "prefixes.csv"
    result = runner.invoke(
        main,
        [
            "territory",
            "build",
            "--countries",
            "GP,MF,BL,SX",
            "--data-dir",
            str(data_dir),
            "--out",
            str(out),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main,
        ["territory", "lookup", "200.0.22.7", "8.8.8.8", "--index", str(out), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0] == {
        "ip": "200.0.22.7",
        "prefix": "200.0.22.0/23",
        "asn": 27974,
        "territory": "SX",
        "source": str(out),
    }
    assert rows[1]["prefix"] is None
    result = runner.invoke(
        main, ["territory", "lookup", "8.8.8.8", "--data-dir", str(data_dir), "--format", "json"]
    )
    assert json.loads(result.output)[0]["asn"] == 15169
    result = runner.invoke(main, ["territory", "lookup", "not-an-ip", "--index", str(out)])
    assert result.exit_code != 0 and "not an IPv4 address" in result.output


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[str]:
    """A static HTTP server on 127.0.0.1 (a free port) standing in for the publishers."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "delegated-test").write_text("2|lacnic|1|0|1|1|0\n")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_update_downloads_and_keeps_going(http_server: str, tmp_path: Path) -> None:
    target = tmp_path / "data"
    report = download_all(
        {"delegated-test": f"{http_server}/delegated-test", "missing": f"{http_server}/nope"},
        target,
    )
    assert report["delegated-test"].startswith("updated")
    assert report["missing"].startswith("error: HTTP 404")
    assert (target / "delegated-test").read_text().startswith("2|lacnic")
    assert not list(target.glob("*.part"))
    again = download_all({"delegated-test": f"{http_server}/delegated-test"}, target)
    assert again["delegated-test"] in (
        "unchanged",
        *[v for v in again.values() if v.startswith("updated")],
    )
