"""``lakou rs build`` as an operator runs it: nothing all-filtering, inputs that mean what they say.

An IRR that cannot be reached with nothing cached refuses the build, naming each client;
``--rpki-json`` puts the file's ROAs in the configuration whatever the policy's default
source; a corrupt ROA file is an error, or, with last good ROAs cached, a warning that
says so; the PeeringDB cache gives max-prefix limits and the never-via-route-servers
list through the command, not only through the function.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lakou.cli import main
from lakou.peeringdb.cache import PeeringDBCache
from lakou.routeserver.enrich.model import Roa
from lakou.routeserver.enrich.testing import write_roas_json

pytestmark = pytest.mark.skipif(
    shutil.which("bird") is None or shutil.which("bgpq4") is None, reason="needs bird and bgpq4"
)

CLIENTS = (
    "clients:\n"
    "  - asn: 3333\n    ip: 192.0.2.11\n    cfg: {filtering: {irrdb: {as_sets: [AS-RIPENCC]}}}\n"
    "  - asn: 10745\n    ip: 192.0.2.22\n"
)


def build(tmp_path: Path, *args: str) -> Result:
    clients = tmp_path / "clients.yml"
    clients.write_text(CLIENTS)
    env = {"LAKOU_ROUTESERVER__CACHE_DIR": str(tmp_path / "cache")}
    return CliRunner().invoke(
        main, ["rs", "build", "--clients", str(clients), *args], env=env, catch_exceptions=False
    )


def test_unreachable_irr_without_cache_refuses_and_names_each_client(tmp_path: Path) -> None:
    out = tmp_path / "bird.conf"
    # Port 1 on loopback: nothing listens, bgpq4 is refused at once.
    result = build(tmp_path, "--irr-server", "127.0.0.1:1", "--out", str(out))
    assert result.exit_code != 0
    assert "AS3333: no IRR data at all" in result.output
    assert "AS10745: no IRR data at all" in result.output
    assert "--allow-missing-irr" in result.output
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))
    forced = build(
        tmp_path, "--irr-server", "127.0.0.1:1", "--allow-missing-irr", "--out", str(out)
    )
    assert forced.exit_code == 0, forced.output
    assert "(unavailable)" in out.read_text()
    assert "stale" not in forced.output  # no data at all is not "the last good data"


def test_rpki_json_means_what_it_says(tmp_path: Path) -> None:
    roas = tmp_path / "roas.json"
    write_roas_json(roas, [Roa(3333, "193.0.0.0/21", 21), Roa(3333, "2001:67c:2e8::/48", 48)])
    out = tmp_path / "bird.conf"
    result = build(tmp_path, "--no-irr", "--rpki-json", str(roas), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "route 193.0.0.0/21 max 21 as 3333;" in text
    assert "protocol rpki" not in text

    roas.write_text('{"roas": [')  # truncated: the last good ROAs are used, and said so
    again = build(tmp_path, "--no-irr", "--rpki-json", str(roas), "--out", str(out))
    assert again.exit_code == 0, again.output
    assert "RPKI:" in again.output and "last good ROAs (2) from the cache, saved" in again.output
    assert "min old)" in again.output
    assert "route 193.0.0.0/21 max 21 as 3333;" in out.read_text()


def test_corrupt_roa_file_without_last_good_is_an_error(tmp_path: Path) -> None:
    roas = tmp_path / "roas.json"
    roas.write_text('{"roas": [')
    out = tmp_path / "bird.conf"
    result = build(tmp_path, "--no-irr", "--rpki-json", str(roas), "--out", str(out))
    assert result.exit_code != 0
    assert str(roas) in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_peeringdb_cache_reaches_the_config(tmp_path: Path) -> None:
    cache = tmp_path / "peeringdb.sqlite3"
    nets = [
        {"id": 1, "asn": 3333, "name": "RIPE NCC", "info_prefixes4": 10, "status": "ok",
         "updated": "2026-01-01T00:00:00Z"},
        {"id": 2, "asn": 20000, "name": "Big", "info_never_via_route_servers": True,
         "updated": "2026-01-01T00:00:00Z",
         "status": "ok"},
    ]  # fmt: skip
    with PeeringDBCache(cache) as db:
        db.store("net", nets, replace=True, mode="full")
    out = tmp_path / "bird.conf"
    result = build(tmp_path, "--no-irr", "--peeringdb-cache", str(cache), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    # 10 prefixes + 10 % + 100 (the policy's PeeringDB margins).
    assert "import limit 111 action restart;" in text
    assert "define RS_NEVER_VIA_RS = [\n  20000\n];" in text
