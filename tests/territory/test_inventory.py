"""The inventory on real files, its exports checked by the real tools (nfacctd: in
``tests/live/territory``), and the CLI."""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.territory.config import Config
from lakou.territory.exports import to_bird, to_csv, to_pmacct_networks
from lakou.territory.index import PrefixIndex
from lakou.territory.update import download_all, update_public_files

pytestmark = pytest.mark.data


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


def test_update_fetches_the_configured_files_or_only_those_named(
    http_server: str, tmp_path: Path
) -> None:
    config = Config(
        update_urls={"delegated-test": f"{http_server}/delegated-test", "gone": f"{http_server}/x"},
        geofeed_urls=[f"{http_server}/delegated-test"],
    )
    report = update_public_files(config, tmp_path / "all")
    assert list(report) == ["delegated-test", "gone", "geofeed-0.csv"]
    assert report["gone"].startswith("error: HTTP 404")
    assert (tmp_path / "all" / "geofeed-0.csv").read_text().startswith("2|lacnic")
    only = update_public_files(config, tmp_path / "one", ["geofeed-0.csv"])
    assert list(only) == ["geofeed-0.csv"] and only["geofeed-0.csv"].startswith("updated")
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["geofeed-0.csv"]


# networks the public tables place on the islands only through a sliver of their space
GLOBAL_NETWORKS = {
    13335: "Cloudflare",
    20940: "Akamai International",
    36183: "Akamai Technologies",
    15169: "Google",
    54113: "Fastly",
    22616: "Zscaler",
}
# the territory's own operators, and outsiders with a real presence (Canal+ Telecom)
NETWORKS_TO_INVITE = {
    21351: "Canal + Telecom",
    27781: "SMITCOMS",
    262181: "Coral Telecom",
    27734: "New Technologies Group",
    17149: "Global Caribbean Network",
    30077: "SB-IX",
}


def test_anycast_and_global_networks_are_not_invited(inventory) -> None:  # type: ignore[no-untyped-def]
    networks = {n.asn: n for n in inventory.networks}
    for asn, name in GLOBAL_NETWORKS.items():
        network = networks[asn]
        assert name.split()[0].lower() in network.name.lower()
        assert network.network_class == "global", (asn, network.class_reason)
        assert not network.to_invite and network.invite_rank is None
        evidence = network.evidence
        assert evidence is not None and evidence.share < 0.05
        assert len(evidence.countries()) > 30  # IPv4 alone: Akamai 88, Zscaler about 50
    invited = [n.asn for n in inventory.invitations()]
    assert not set(GLOBAL_NETWORKS) & set(invited)
    assert inventory.as_dict()["summary"]["to_invite"] == invited


def test_local_and_regional_networks_are_invited_with_their_evidence(inventory) -> None:  # type: ignore[no-untyped-def]
    networks = {n.asn: n for n in inventory.networks}
    invited = [n.asn for n in inventory.invitations()]
    for asn in NETWORKS_TO_INVITE:
        assert asn in invited, (asn, networks[asn].network_class, networks[asn].class_reason)
    smitcoms = networks[27781]
    assert smitcoms.network_class == "local"
    assert smitcoms.evidence is not None
    assert smitcoms.evidence.registered_in() == ("SX", "delegated-lacnic-extended-20190910")
    assert 0.5 <= smitcoms.evidence.share < 1  # part of its space is in the US
    # Canal+ Telecom also serves Martinique, Guiana and Réunion: an outsider to invite
    canal = networks[21351]
    assert canal.network_class == "regional" and canal.evidence is not None
    assert {"GP", "MQ", "GF", "RE"} <= set(canal.evidence.countries())
    # ranked by address space in the territory: Canal+ Telecom's /17s and /18s first
    assert invited[0] == 21351
    shares = [networks[a].evidence.v4.in_territory for a in invited]  # type: ignore[union-attr]
    assert shares == sorted(shares, reverse=True)
    # the member of the exchange is not invited, whatever its class
    assert networks[27974].network_class == "local" and not networks[27974].to_invite
    shown = {n["asn"]: n for n in inventory.as_dict()["networks"]}[27781]
    assert shown["class"] == "local" and shown["invite_rank"] >= 1
    assert shown["evidence"]["registration"]["country"] == "SX"
    assert shown["evidence"]["ipv4"]["top_countries"]["SX"] > 0.5
    assert shown["evidence"]["sources"]["origins"] == "asn-ipv4.csv"


def test_global_networks_are_invited_when_asked(data_dir: Path) -> None:
    runner = CliRunner()
    common = ["territory", "build", "--data-dir", str(data_dir), "--format", "invite"]
    default = runner.invoke(main, common)
    assert default.exit_code == 0, default.output
    rows = {r.split(",")[1]: r for r in default.output.splitlines()[1:]}
    assert ",global,no," in rows["13335"] and ",yes," in rows["27781"]
    wider = runner.invoke(main, [*common, "--include-global"])
    assert wider.exit_code == 0, wider.output
    rows = {r.split(",")[1]: r for r in wider.output.splitlines()[1:]}
    assert ",global,yes," in rows["13335"]
