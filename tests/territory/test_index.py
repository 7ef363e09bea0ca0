"""The prefix index: longest-prefix match against a brute-force oracle and pytricia."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import numpy as np
import pytest
import pytricia
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.territory.index import PrefixIndex, PrefixIndexError, ipv4_to_uint32, ipv6_to_halves

ROWS = [
    ("10.0.0.0/8", 1, "GP"),
    ("10.1.0.0/16", 2, "MF"),
    ("10.1.2.0/24", 3, None),
    ("192.0.2.0/24", None, "BL"),
    ("2001:db8::/32", 4, "SX"),
    ("2001:db8:1::/48", 5, "BL"),
]


def test_longest_prefix_wins_in_both_families() -> None:
    index = PrefixIndex.from_rows(ROWS)
    got = index.lookup(
        [
            *("10.1.2.3", "10.1.3.3", "10.2.0.1", "11.0.0.1", "192.0.2.255", "2001:db8:1::1"),
            *("2001:db8:2::1", "2002::1", "0.0.0.0", "255.255.255.255", "::", "ffff::"),
        ]
    )
    assert got == [
        ("10.1.2.0/24", 3, None),
        ("10.1.0.0/16", 2, "MF"),
        ("10.0.0.0/8", 1, "GP"),
        (None, None, None),
        ("192.0.2.0/24", None, "BL"),
        ("2001:db8:1::/48", 5, "BL"),
        ("2001:db8::/32", 4, "SX"),
        (None, None, None),
        (None, None, None),
        (None, None, None),
        (None, None, None),
        (None, None, None),
    ]


def test_batch_paths_return_row_indices_and_accessors() -> None:
    index = PrefixIndex.from_rows(ROWS)
    rows = index.lookup_v4(ipv4_to_uint32(["10.1.2.3", "11.0.0.1", "10.9.9.9"]))
    assert rows.tolist() == [2, -1, 0]
    assert index.asn[rows[0]] == 3 and index.asn[3] == -1
    assert index.territory[rows[2]] == "GP" and index.prefix[rows[2]] == "10.0.0.0/8"
    hi, lo = ipv6_to_halves(["2001:db8:1::1", "2001:db8:ffff::1", "::1"])
    assert index.lookup_v6(hi, lo).tolist() == [5, 4, -1]
    assert index.territory_names == ["BL", "GP", "MF", "SX"]
    assert index.territory_code.tolist() == [1, 2, -1, 0, 3, 0]


def test_whole_space_prefixes_and_empty_index() -> None:
    index = PrefixIndex.from_rows([("0.0.0.0/0", 64500, "GP"), ("::/0", 64501, "MF")])
    assert index.lookup(["1.2.3.4", "255.255.255.255", "::", "ffff::1"]) == [
        ("0.0.0.0/0", 64500, "GP"),
        ("0.0.0.0/0", 64500, "GP"),
        ("::/0", 64501, "MF"),
        ("::/0", 64501, "MF"),
    ]
    empty = PrefixIndex.from_rows([])
    assert empty.lookup(["1.2.3.4", "::1"]) == [(None, None, None)] * 2
    assert empty.lookup_v4(np.array([], dtype=np.uint32)).tolist() == []


def test_duplicate_prefix_last_row_wins() -> None:
    index = PrefixIndex.from_rows([("10.0.0.0/8", 1, "GP"), ("10.0.0.0/8", 2, "MF")])
    assert index.lookup(["10.0.0.1"]) == [("10.0.0.0/8", 2, "MF")]


def test_malformed_rows_are_named() -> None:
    with pytest.raises(PrefixIndexError, match=r"rows:2: bad prefix '10.0.0.1/8'"):
        PrefixIndex.from_rows([("10.0.0.0/8", 1, "GP"), ("10.0.0.1/8", 1, "GP")])
    with pytest.raises(PrefixIndexError, match=r"rows:1: ASN out of range"):
        PrefixIndex.from_rows([("10.0.0.0/8", -5, "GP")])
    with pytest.raises(ValueError, match="not an IPv4 address: 'example'"):
        PrefixIndex.from_rows(ROWS).lookup(["example"])


def test_csv_round_trip_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "prefixes.csv"
    PrefixIndex.from_rows(ROWS).to_csv(path)
    again = PrefixIndex.from_csv(path)
    assert again.lookup(["10.1.9.9", "192.0.2.1"]) == [
        ("10.1.0.0/16", 2, "MF"),
        ("192.0.2.0/24", None, "BL"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("prefix,asn,territory\n10.0.0.0/8,1,GP\n\n10.0.0.0/33,2,GP\n")
    with pytest.raises(PrefixIndexError, match=r"bad.csv:4: bad prefix"):
        PrefixIndex.from_csv(bad)
    bad.write_text("prefix,asn,territory\n10.0.0.0/8,ASx,GP\n")
    with pytest.raises(PrefixIndexError, match=r"bad.csv:2: bad ASN"):
        PrefixIndex.from_csv(bad)
    bad.write_text("net,origin\n10.0.0.0/8,1\n")
    with pytest.raises(PrefixIndexError, match=r"bad.csv:1: header must name"):
        PrefixIndex.from_csv(bad)


def _oracle(rows: list[tuple[str, int | None, str | None]], ip: str) -> str | None:
    address = ipaddress.ip_address(ip)
    best: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    for text, _asn, _territory in rows:
        network = ipaddress.ip_network(text)
        inside = address.version == network.version and address in network
        if inside and (best is None or network.prefixlen >= best.prefixlen):
            best = network
    return None if best is None else str(best)


_v4_prefix = st.builds(
    lambda value, length: str(ipaddress.ip_network((value, length), strict=False)),
    st.integers(0, 2**32 - 1),
    st.integers(0, 32),
)
_v6_prefix = st.builds(
    lambda value, length: str(ipaddress.ip_network((value, length), strict=False)),
    st.integers(0, 2**128 - 1),
    st.integers(0, 128),
)


@settings(max_examples=80, deadline=None)
@given(
    prefixes=st.lists(st.one_of(_v4_prefix, _v6_prefix), max_size=25, unique=True),
    probes=st.lists(
        st.one_of(
            st.integers(0, 2**32 - 1).map(lambda v: str(ipaddress.IPv4Address(v))),
            st.integers(0, 2**128 - 1).map(lambda v: str(ipaddress.IPv6Address(v))),
        ),
        max_size=20,
    ),
)
def test_matches_brute_force_oracle(prefixes: list[str], probes: list[str]) -> None:
    rows = [(p, i, None) for i, p in enumerate(prefixes)]
    index = PrefixIndex.from_rows(rows)
    # probe the edges of every prefix too: that is where flattening goes wrong
    for p in prefixes:
        network = ipaddress.ip_network(p)
        probes.append(str(network.network_address))
        probes.append(str(network.broadcast_address))
    got = [prefix for prefix, _asn, _territory in index.lookup(probes)]
    assert got == [_oracle(rows, ip) for ip in probes]


@pytest.mark.data
def test_agrees_with_pytricia_on_real_routing_table(shared_data: Path) -> None:
    """The real IP→ASN table, turned into prefixes, against pytricia on 200k addresses."""
    from lakou.territory.sources.ipasn import read_range_asn_csv

    path = shared_data / "bgp" / "asn-ipv4.csv"
    records = list(read_range_asn_csv(path))
    rows = [(r.prefix, r.asn, None) for r in records]
    index = PrefixIndex.from_rows(rows)
    trie = pytricia.PyTricia(32)
    for prefix, asn, _ in rows:
        trie[prefix] = asn
    rng = np.random.default_rng(6)
    ips = rng.integers(0, 2**32, size=200_000, dtype=np.uint64).astype(np.uint32)
    got = index.lookup_v4(ips)
    asns = np.where(got >= 0, index.asn[np.maximum(got, 0)], -1)
    expected = np.array(
        [trie.get(str(ipaddress.IPv4Address(int(v))), -1) for v in ips], dtype=np.int64
    )
    assert (asns == expected).all()
    assert (got >= 0).sum() > 100_000  # most of the space is announced


def test_save_and_load_give_the_same_answers(tmp_path: Path) -> None:
    rows = [
        ("10.0.0.0/8", 64500, "GP"),
        ("10.1.0.0/16", 64501, None),
        ("2001:db8::/32", None, "MQ"),
        ("2001:db8:1::/48", 64502, "GP"),
    ]
    index = PrefixIndex.from_rows(rows)
    path = tmp_path / "index.npz"
    index.save(path)
    loaded = PrefixIndex.load(path)
    ips = ["10.1.2.3", "10.2.0.1", "2001:db8::1", "2001:db8:1::9", "192.0.2.1"]
    assert loaded.lookup(ips) == index.lookup(ips)
    assert loaded.lookup(ips)[1] == ("10.0.0.0/8", 64500, "GP")
    assert loaded.territory_names == ["GP", "MQ"] and len(loaded) == 4
    assert repr(loaded) == repr(index)


def test_load_refuses_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "index.npz"
    PrefixIndex.from_rows([("10.0.0.0/8", 64500, "GP")]).save(path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError):
        PrefixIndex.load(path)
