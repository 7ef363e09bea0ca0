"""Source readers on the real public files, and their errors on malformed input."""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.territory.sources.common import Counters, SourceError, range_to_prefixes
from lakou.territory.sources.geo import (
    read_mmdb_countries,
    read_mmdb_origins,
    read_range_country_csv,
)
from lakou.territory.sources.geofeed import read_geofeed
from lakou.territory.sources.ipasn import read_ip2asn_tsv, read_pfx2as, read_range_asn_csv
from lakou.territory.sources.ixp import read_pch, read_peeringdb
from lakou.territory.sources.mrt import read_mrt
from lakou.territory.sources.rir import read_delegated

pytestmark = pytest.mark.data


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**20))
def test_range_to_prefixes_covers_exactly_the_range(start: int, size: int) -> None:
    end = min(start + size, 2**32 - 1)
    prefixes = [
        ipaddress.ip_network(p)
        for p in range_to_prefixes(
            str(ipaddress.IPv4Address(start)), str(ipaddress.IPv4Address(end))
        )
    ]
    assert int(prefixes[0].network_address) == start
    assert int(prefixes[-1].broadcast_address) == end
    assert sum(p.num_addresses for p in prefixes) == end - start + 1
    assert prefixes == list(ipaddress.collapse_addresses(prefixes)) or len(prefixes) >= 1


def test_rir_lacnic_has_sint_maarten(shared_data: Path) -> None:
    records = list(read_delegated(shared_data / "rir" / "delegated-lacnic-extended-20190910"))
    by_cc = Counter(r.cc for r in records)
    assert by_cc["SX"] > 0 and by_cc["BR"] > 1000
    sx = [r for r in records if r.cc == "SX" and r.type == "ipv4"]
    assert all(r.opaque_id for r in sx)  # extended format carries the holder id
    assert sx[0].prefixes()


def test_rir_every_real_file_reads_cleanly(shared_data: Path) -> None:
    for path in sorted((shared_data / "rir").iterdir()):
        counters = Counters()
        assert sum(1 for _ in read_delegated(path, strict=False, counters=counters)) > 0
        if path.name == "delegated-iana-20190911":
            # the real file has one broken line: "|3|19990401|arin"
            assert counters.first_errors == [
                f"{path}:1007: expected at least 7 '|'-separated fields, got 4"
            ]
        else:
            assert counters.dropped_total == 0, (path, counters.first_errors)


def test_rir_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "delegated-test"
    path.write_text(
        "2|lacnic|20190910|2|19870101|20190910|-0300\nlacnic|SX|ipv4|190.123.16.0|1024|20100101|allocated\nlacnic|SX|ipv4|190.123.16.0|0|20100101|allocated\n"
    )
    with pytest.raises(SourceError, match=r"delegated-test:3: bad address count"):
        list(read_delegated(path))
    counters = Counters()
    assert len(list(read_delegated(path, strict=False, counters=counters))) == 1
    assert counters.dropped["value"] == 1


def test_range_asn_csv_real_and_malformed(shared_data: Path, tmp_path: Path) -> None:
    records = list(read_range_asn_csv(shared_data / "bgp" / "asn-ipv6.csv"))
    assert len(records) > 100_000
    ocix = [r for r in read_range_asn_csv(shared_data / "bgp" / "asn-ipv4.csv") if r.asn == 27974]
    assert "200.0.22.0/23" in {r.prefix for r in ocix}
    bad = tmp_path / "asn.csv"
    bad.write_text("1.0.0.0,1.0.0.255,13335,x\n1.0.1.0,1.0.0.0,1,y\n")
    with pytest.raises(SourceError, match=r"asn.csv:2: range ends before it starts"):
        list(read_range_asn_csv(bad))


def test_ip2asn_and_pfx2as_formats(tmp_path: Path) -> None:
    tsv = tmp_path / "ip2asn-v4.tsv"
    tsv.write_text(
        "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n1.0.1.0\t1.0.3.255\t0\tNone\tNot routed\n"
    )
    records = list(read_ip2asn_tsv(tsv))
    assert [(r.prefix, r.asn, r.country) for r in records] == [("1.0.0.0/24", 13335, "US")]
    pfx = tmp_path / "routeviews-rv2-pfx2as.txt"
    pfx.write_text("200.0.22.0\t23\t27974\n190.123.16.0\t22\t52389_64500\n10.0.0.0\t33\t1\n")
    with pytest.raises(SourceError, match=r"pfx2as.txt:3"):
        list(read_pfx2as(pfx))
    moas = list(read_pfx2as(pfx, strict=False))[1]
    assert moas.origins == (52389, 64500)


def test_country_csv_and_mmdb(shared_data: Path) -> None:
    geo = shared_data / "geo"
    records = list(read_range_country_csv(geo / "geo-whois-asn-country-ipv4.csv"))
    assert {"GP", "MF", "BL", "SX"} <= {r.country for r in records}
    mmdb = geo / "maxmind-test-data"
    countries = {
        r.prefix: r.country for r in read_mmdb_countries(mmdb / "GeoLite2-Country-Test.mmdb")
    }
    assert countries["2.125.160.216/29"] == "GB"  # MaxMind's documented test network
    origins = {r.prefix: r.asn for r in read_mmdb_origins(mmdb / "GeoLite2-ASN-Test.mmdb")}
    assert origins["1.128.0.0/11"] == 1221


def test_bad_mmdb_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.mmdb"
    bad.write_bytes(b"not a database")
    with pytest.raises(SourceError, match=r"broken\.mmdb"):
        list(read_mmdb_countries(bad))


def test_geofeed(tmp_path: Path) -> None:
    feed = tmp_path / "geofeed.csv"
    feed.write_text(
        "# RFC 8805\n192.0.2.0/24,GP,FR-GP,Pointe-a-Pitre,\n2001:db8::/32,MF,,,\n"
        "198.51.100.0/24,SX,Saint Martin,,\n"
    )
    with pytest.raises(SourceError, match=r"geofeed.csv:4: region"):
        list(read_geofeed(feed))
    entries = list(read_geofeed(feed, strict=False))
    assert [(e.prefix, e.country, e.region) for e in entries] == [
        ("192.0.2.0/24", "GP", "FR-GP"),
        ("2001:db8::/32", "MF", ""),
    ]


def test_mrt_three_openbgpd_table_formats_agree(shared_data: Path) -> None:
    mrt = shared_data / "bgp" / "mrt"
    tables = [
        sorted((r.prefix, r.origin_asn, r.as_path) for r in read_mrt(mrt / name))
        for name in ("openbgpd_rib_table", "openbgpd_rib_table-mp", "openbgpd_rib_table-v2")
    ]
    assert len(tables[0]) == 31
    assert tables[0] == tables[1] == tables[2]


def test_mrt_ris_bview_and_updates(shared_data: Path) -> None:
    mrt = shared_data / "bgp" / "mrt"
    counters = Counters()
    routes = list(read_mrt(mrt / "bview.20020722.2337.gz", counters=counters))
    assert len(routes) == 115_521 and counters.dropped_total == 0
    assert routes[0].prefix == "3.0.0.0/8" and routes[0].as_path == (1853, 1239, 80)
    updates = list(read_mrt(mrt / "updates.20160811.1600.gz"))
    v6 = [r for r in updates if ":" in r.prefix and not r.withdrawn]
    assert v6 and v6[0].origin_asn == 28573  # from MP_REACH_NLRI, 4-byte AS path


def test_mrt_truncated_file_names_the_offset(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / "bgp" / "mrt" / "quagga_rib").read_bytes()
    cut = tmp_path / "cut.mrt.gz"
    cut.write_bytes(gzip.compress(data[: len(data) - 7]))
    with pytest.raises(SourceError, match=r"cut.mrt.gz@\d+: truncated MRT record"):
        list(read_mrt(cut, strict=True))
    counters = Counters()
    assert len(list(read_mrt(cut, counters=counters))) > 0
    assert counters.dropped["truncated"] == 1


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=0, max_size=300))
def test_mrt_fuzz_never_crashes(tmp_path_factory: pytest.TempPathFactory, blob: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.mrt"
    path.write_bytes(b"\x00\x00\x00\x01\x00\x10\x00\x04" + len(blob).to_bytes(4, "big") + blob)
    list(read_mrt(path))  # lenient: malformed records are counted, never raised


@pytest.mark.skipif(shutil.which("bgpdump") is None, reason="bgpdump (Debian) not installed")
def test_mrt_matches_bgpdump(shared_data: Path) -> None:
    """Differential: announcements of a RIS updates file against bgpdump -m."""
    path = shared_data / "bgp" / "mrt" / "updates.20100722.2015.gz"
    out = subprocess.run(
        ["bgpdump", "-m", str(path)], capture_output=True, text=True, check=True
    ).stdout
    theirs = Counter()
    for line in out.splitlines():
        f = line.split("|")
        if len(f) > 6 and f[2] == "A":
            theirs[(f[5], f[6].split(" ")[-1])] += 1
    ours = Counter(
        (r.prefix, str(r.as_path[-1]) if r.as_path else "")
        for r in read_mrt(path)
        if not r.withdrawn
    )
    assert ours == theirs


def test_peeringdb_and_pch(shared_data: Path) -> None:
    ixp = shared_data / "ixp"
    pdb = read_peeringdb(
        ixp / "peeringdb-2016-ix.json",
        ixp / "peeringdb-2016-ixlan.json",
        ixp / "peeringdb-2016-ixpfx.json",
    )
    ocix = pdb.exchanges["pdb:260"]
    assert ocix.name == "OCIX" and ocix.country == "SX" and "200.0.22.0/23" in ocix.prefixes
    pch = read_pch(
        ixp / "pch-2016-ixp_exchange.csv",
        ixp / "pch-2016-ixp_subnets.csv",
        ixp / "pch-2016-ixp_membership.csv",
    )
    errors = pch.counters["pch"].first_errors
    assert (
        any(
            "pch-2016-ixp_subnets.csv:458: bad subnet '200.0.22.0.0/23'" in e
            for e in pch.counters["pch"].first_errors
        )
        or pch.counters["pch"].dropped["malformed"] > 10
    )
    assert errors and all(".csv:" in e for e in errors)
    assert len(pch.members) > 3000
    with pytest.raises(SourceError, match=r"ixp_subnets.csv:\d+: bad subnet"):
        read_pch(ixp / "pch-2016-ixp_exchange.csv", ixp / "pch-2016-ixp_subnets.csv", strict=True)
