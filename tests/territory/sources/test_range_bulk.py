"""The bulk range-table readers give exactly what the record readers give.

``lakou territory build`` reads plain ``start,end,country`` and ``start,end,asn[,org]``
tables, IPv4 and IPv6, in bulk (:mod:`lakou.territory.sources.range_bulk`): ranges cut
into prefixes as integers by a numba kernel, texts written in one pass, the index built
from the integers. These tests hold it to the per-row semantics: the cut against
``ipaddress.summarize_address_range`` and ``int_range_to_prefixes``, the texts against
``format_prefix``, and whole files (unaligned ranges, single addresses, whole-space
ranges, IPv6, overlapping and adjacent rows, malformed rows) against the record readers
and the sources the inventory builds from them.
"""

from __future__ import annotations

import ipaddress
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakou.territory import inventory
from lakou.territory.inventory import DataFiles, load_location_sources, load_routing_sources
from lakou.territory.sources.common import (
    Counters,
    format_prefix,
    int_range_to_prefixes,
    parse_ip,
)
from lakou.territory.sources.geo import read_range_country_csv
from lakou.territory.sources.ipasn import read_range_asn_csv
from lakou.territory.sources.range_bulk import (
    prefix_texts,
    ranges_to_prefixes,
    read_range_asn_table,
    read_range_country_table,
)

_MASK64 = (1 << 64) - 1


def _cut(ranges: list[tuple[int, int, int]]) -> list[list[str]]:
    """The bulk cut of (version, low, high) ranges, as texts grouped by range."""
    version = np.array([v for v, _a, _b in ranges], dtype=np.int8)
    low = [a for _v, a, _b in ranges]
    high = [b for _v, _a, b in ranges]
    rows, hi, lo, length = ranges_to_prefixes(
        version,
        np.array([a >> 64 for a in low], dtype=np.uint64),
        np.array([a & _MASK64 for a in low], dtype=np.uint64),
        np.array([b >> 64 for b in high], dtype=np.uint64),
        np.array([b & _MASK64 for b in high], dtype=np.uint64),
    )
    texts = prefix_texts(version[rows], hi, lo, length)
    out: list[list[str]] = [[] for _r in ranges]
    for row, text in zip(rows.tolist(), texts, strict=True):
        out[row].append(text)
    return out


def _summarized(version: int, low: int, high: int) -> list[str]:
    make = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
    return [str(n) for n in ipaddress.summarize_address_range(make(low), make(high))]


_EDGES = [
    (4, 0, (1 << 32) - 1),  # the whole IPv4 space
    (6, 0, (1 << 128) - 1),  # the whole IPv6 space
    (4, 0, 0),
    (4, (1 << 32) - 1, (1 << 32) - 1),
    (6, (1 << 128) - 1, (1 << 128) - 1),
    (6, 1, (1 << 128) - 1),
    (6, 0, (1 << 128) - 2),
    (6, (1 << 64) - 1, 1 << 64),  # across the halves
    (6, 5, (1 << 100) + 3),
    (4, 1, (1 << 32) - 2),
    (6, 0xFFFF << 32, (0xFFFF << 32) | 0xFFFFFFFF),  # ::ffff:0:0/96, IPv4-mapped
    (6, (0xFFFF << 32) | 0x01020304, (0xFFFF << 32) | 0x01020304),
    (6, 0x01020304, 0x01020304),  # ::102:304 (an IPv4-compatible address)
]


def test_edge_ranges_are_cut_as_the_reference_cuts_them() -> None:
    got = _cut(_EDGES)
    for (version, low, high), texts in zip(_EDGES, got, strict=True):
        assert texts == int_range_to_prefixes(version, low, high)
        assert texts == _summarized(version, low, high)


def _random_range(rng: random.Random) -> tuple[int, int, int]:
    version = rng.choice((4, 6))
    bits = 32 if version == 4 else 128
    low = rng.getrandbits(bits)
    shape = rng.random()
    if shape < 0.3:  # short, unaligned
        high = min(low + rng.randrange(1, 5000), (1 << bits) - 1)
    elif shape < 0.5:  # aligned block
        size = rng.randrange(0, bits + 1)
        low = (low >> size) << size
        high = low + (1 << size) - 1
    elif shape < 0.6:
        high = low
    else:
        high = rng.randrange(low, 1 << bits)
    return version, low, high


def test_seeded_random_ranges_are_cut_as_the_reference_cuts_them() -> None:
    rng = random.Random(20261204)
    ranges = [_random_range(rng) for _i in range(3000)]
    got = _cut(ranges)
    for (version, low, high), texts in zip(ranges, got, strict=True):
        assert texts == int_range_to_prefixes(version, low, high), (version, low, high)
        assert texts == _summarized(version, low, high), (version, low, high)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.tuples(
                st.just(4),
                st.integers(0, (1 << 32) - 1),
                st.integers(0, (1 << 32) - 1),
            ),
            st.tuples(
                st.just(6),
                st.integers(0, (1 << 128) - 1),
                st.integers(0, (1 << 128) - 1),
            ),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_ranges_are_cut_as_the_reference_cuts_them(
    pairs: list[tuple[int, int, int]],
) -> None:
    ranges = [(v, min(a, b), max(a, b)) for v, a, b in pairs]
    for (version, low, high), texts in zip(ranges, _cut(ranges), strict=True):
        assert texts == int_range_to_prefixes(version, low, high)


def test_texts_are_the_ones_format_prefix_writes() -> None:
    rng = random.Random(7)
    rows = [(4, 0, 0), (6, 0, 0), (6, 1, 128), (6, 0xFFFF << 32, 96), (6, 1 << 127, 1)]
    for _i in range(2000):
        version = rng.choice((4, 6))
        bits = 32 if version == 4 else 128
        length = rng.randrange(0, bits + 1)
        value = rng.getrandbits(bits) >> (bits - length) << (bits - length) if length else 0
        if version == 6 and rng.random() < 0.5:  # runs of zero groups
            groups = [rng.choice((0, 0, 1, 0xABCD)) << (16 * k) for k in range(8)]
            value = sum(groups) >> (bits - length) << (bits - length) if length else 0
        rows.append((version, value, length))
    texts = prefix_texts(
        np.array([v for v, _s, _n in rows], dtype=np.int8),
        np.array([s >> 64 for _v, s, _n in rows], dtype=np.uint64),
        np.array([s & _MASK64 for _v, s, _n in rows], dtype=np.uint64),
        np.array([n for _v, _s, n in rows], dtype=np.int64),
    )
    assert texts == [format_prefix(v, s, n) for v, s, n in rows]


# ------------------------------------------------------------------ whole files
_COUNTRY_ROWS = [
    "1.0.0.0,1.0.0.255,AU",
    "1.0.1.0,1.0.3.255,cn",  # lower case: upper-cased as the record reader does
    "1.0.4.0,1.0.4.0,GP",  # a single address
    "1.0.4.1,1.0.7.254,MF",  # adjacent to the row before, unaligned on both ends
    "1.0.4.0,1.0.5.255,BL",  # overlapping the rows before
    "0.0.0.0,255.255.255.255,ZZ",  # the whole space
    "2001:2::,2001:2::ffff:ffff:ffff:ffff:ffff,JP",
    "2001:0DB8:0000::1,2001:db8::ffff,SX",  # upper case, leading zeros, unaligned
    "::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,ZZ",
    "::ffff:1.2.3.0,::ffff:1.2.3.255,GP",  # embedded IPv4: the record reader's
    "1:2:3:4:5:6:7::,1:2:3:4:5:6:7:8,GP",
]


def _country_file(tmp_path: Path, lines: list[str], name: str = "country.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return path


def _records_country(path: Path) -> tuple[list[str], list[str], Counters]:
    counters = Counters()
    records = list(read_range_country_csv(path, strict=False, counters=counters))
    return [r.prefix for r in records], [r.country for r in records], counters


def test_plain_country_tables_are_read_as_the_record_reader_reads_them(tmp_path: Path) -> None:
    plain = [row for row in _COUNTRY_ROWS if "." not in row.split(",")[0] or ":" not in row]
    path = _country_file(tmp_path, plain)
    table = read_range_country_table(path)
    assert table is not None
    prefixes, countries, counters = _records_country(path)
    assert table.prefixes.text == prefixes
    assert table.country == countries
    assert table.prefixes.lines == counters.read and not counters.dropped


@pytest.mark.parametrize(
    "bad",
    [
        "start,end,country",  # a header: dropped by the record reader, with its line
        "1.0.0.255,1.0.0.0,GP",  # ends before it starts
        "1.0.0.0,2001:db8::,GP",  # two families
        "1.0.0.0,1.0.0.255,GPX",
        "1.0.0.0,1.0.0.255, GP",
        "1.0.0.0,1.0.0.255,GP,extra",
        "1.0.0.0 ,1.0.0.255,GP",
        "01.0.0.0,1.0.0.255,GP",
        "1.0.0.0,1.0.0.255",
        "::ffff:1.2.3.0,::ffff:1.2.3.255,GP",
        "2001:db8::1::,2001:db8::2,GP",
        '"1.0.0.0",1.0.0.255,GP',
        ",,",
    ],
)
def test_any_other_country_table_is_left_to_the_record_reader(tmp_path: Path, bad: str) -> None:
    path = _country_file(tmp_path, ["1.0.0.0,1.0.0.255,AU", bad])
    assert read_range_country_table(path) is None


_ASN_ROWS = [
    "start,end,asn,org",
    '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."',
    '2.26.200.0,2.26.215.255,201907,"LLC ""SPUTNIK"""',
    "5.0.0.0,5.0.0.5,0,Not routed",
    "10.0.0.0,10.0.0.2,64500",
    "10.0.0.3,10.0.0.9,64500,Example  ",  # adjacent, same AS: its last name wins
    "10.0.0.4,10.0.0.4,64501,first,second",  # overlapping; the field up to its comma
    "10.0.1.0,10.0.1.0,64500,   ",  # a blank name: not a name
    "0.0.0.0,255.255.255.255,64502,Everything",
    "2001:db8::,2001:db8::ffff,64500,IPv6 too",
    "::,::,64503,",
    "2001:DB8:1::5,2001:db8:2::,0,",
    "2001:db8:3::,2001:db8:3::7,64501,Étoile",
]


def test_plain_asn_tables_are_read_as_the_record_reader_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "asn.csv"
    path.write_text("\n".join(_ASN_ROWS) + "\n", encoding="utf-8")
    table = read_range_asn_table(path)
    assert table is not None
    counters = Counters()
    records = list(read_range_asn_csv(path, strict=False, counters=counters))
    assert table.prefixes.text == [r.prefix for r in records]
    assert table.asn.tolist() == [r.asn for r in records]
    names = {r.asn: r.name for r in records if r.name}
    assert table.names == names
    assert table.prefixes.lines == counters.read
    assert dict(counters.dropped) == {"as0": table.not_routed} and table.not_routed == 2


@pytest.mark.parametrize(
    "bad",
    [
        "start,end,asn",  # a header after line 1
        "1.0.0.0,1.0.0.255,AS64500,x",
        "1.0.0.0,1.0.0.255,064500,x",
        "1.0.0.0,1.0.0.255,4294967296,x",
        '1.0.0.0,1.0.0.255,64500,"half',
        '1.0.0.0,1.0.0.255,64500,a"b',
        "1.0.0.255,1.0.0.0,64500",
        "1.0.0.0,1.0.0.255",
        "1.0.0.0,1.0.0.255,",
    ],
)
def test_any_other_asn_table_is_left_to_the_record_reader(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "asn.csv"
    path.write_text("1.0.0.0,1.0.0.255,64500\n" + bad + "\n", encoding="utf-8")
    assert read_range_asn_table(path) is None


# ------------------------------------------------------------------ the inventory's sources
def _same_source(fast: object, slow: object) -> None:
    a, b = vars(fast), vars(slow)
    assert list(a) == list(b)
    for name in a:
        if name == "index":
            _same_index(a[name], b[name])
        elif name == "counters":
            assert a[name].as_dict() == b[name].as_dict()
        else:
            assert a[name] == b[name], name


def _same_index(a: inventory.PrefixIndex, b: inventory.PrefixIndex) -> None:
    for name in ("prefix", "asn", "territory", "territory_code", "_starts4", "_rows4"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    for name in ("_starts6_hi", "_starts6_lo", "_rows6", "_table4", "_table6"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    assert a.territory_names == b.territory_names
    assert (a.count_v4, a.count_v6) == (b.count_v4, b.count_v6)
    for mine, theirs in zip(a.row_prefixes(), b.row_prefixes(), strict=True):
        assert mine.tolist() == theirs.tolist()
    rng = random.Random(3)
    ips = [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _i in range(300)]
    ips += [str(ipaddress.IPv6Address(0x20010DB8 << 96 | rng.getrandbits(80))) for _i in range(50)]
    ips += ["1.0.4.0", "1.0.4.1", "10.0.0.4", "2001:db8::1", "::"]
    assert a.lookup(ips) == b.lookup(ips)


def _both_ways(
    monkeypatch: pytest.MonkeyPatch, load: object, files: DataFiles, *args: object
) -> tuple[list[object], list[object]]:
    monkeypatch.setattr(inventory, "_BULK_FROM_BYTES", 0)
    fast = load(files, *args)  # type: ignore[operator]
    monkeypatch.setattr(inventory, "_BULK_FROM_BYTES", 1 << 62)
    slow = load(files, *args)  # type: ignore[operator]
    return fast, slow


def _quiet(_message: str) -> None:
    """No progress lines."""


def _many_rows(rng: random.Random, n: int) -> list[tuple[int, int, int]]:
    return [_random_range(rng) for _i in range(n)]


def _text(version: int, value: int) -> str:
    return str((ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address)(value))


def test_location_sources_are_the_same_read_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(11)
    rows = [
        f"{_text(v, a)},{_text(v, b)},{rng.choice(('GP', 'MF', 'fr', 'ZZ'))}"
        for v, a, b in _many_rows(rng, 3000)  # enough rows for the index's bulk path
    ]
    good = _country_file(tmp_path, _COUNTRY_ROWS[:9] + rows, "good-country.csv")
    bad = _country_file(tmp_path, ["1.0.0.0,1.0.0.255,AU", "x,y,GP"], "bad-country.csv")
    files = DataFiles(range_country=[good, bad])
    fast, slow = _both_ways(monkeypatch, load_location_sources, files, {"GP", "MF"}, [], _quiet)
    assert [s.name for s in fast] == ["good-country.csv", "bad-country.csv"]
    assert fast[1].counters.dropped == {"value": 1}  # the record reader's, by file and line
    assert f"{bad}:2" in fast[1].counters.first_errors[0]
    for a, b in zip(fast, slow, strict=True):
        _same_source(a, b)


def test_routing_sources_are_the_same_read_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(12)
    rows = [
        f"{_text(v, a)},{_text(v, b)},{rng.choice((0, 64500, 64501, 13335))},"
        + rng.choice(("", "Name", '"Quoted, name"', "  "))
        for v, a, b in _many_rows(rng, 3000)
    ]
    good = tmp_path / "asn-good.csv"
    good.write_text("\n".join(_ASN_ROWS + rows) + "\n", encoding="utf-8")
    bad = tmp_path / "asn-bad.csv"
    bad.write_text("1.0.0.0,1.0.0.255,64500\n1.0.0.9,1.0.0.1,64500\n", encoding="utf-8")
    files = DataFiles(range_asn=[good, bad])
    fast, slow = _both_ways(monkeypatch, load_routing_sources, files, _quiet)
    assert fast[1].counters.dropped == {"value": 1}
    for a, b in zip(fast, slow, strict=True):
        _same_source(a, b)


def test_addresses_are_parsed_as_inet_pton_parses_them(tmp_path: Path) -> None:
    rng = random.Random(5)
    lines, expected = [], []
    for _i in range(500):
        value = rng.getrandbits(128) if rng.random() < 0.7 else rng.getrandbits(16) << 64
        groups = [(value >> (16 * (7 - k))) & 0xFFFF for k in range(8)]
        style = rng.choice(("full", "padded", "upper", "short"))
        if style == "full":
            text = ":".join(f"{g:x}" for g in groups)
        elif style == "padded":
            text = ":".join(f"{g:04x}" for g in groups)
        elif style == "upper":
            text = ":".join(f"{g:X}" for g in groups)
        else:
            text = ipaddress.IPv6Address(value).compressed
        if "." in text:
            continue  # embedded IPv4: not a plain table
        lines.append(f"{text},{text},GP")
        expected.append(parse_ip(text)[1])
    path = _country_file(tmp_path, lines)
    table = read_range_country_table(path)
    assert table is not None
    found = table.prefixes
    starts = [
        (int(h) << 64) | int(lo) for h, lo in zip(found.start_hi, found.start_lo, strict=True)
    ]
    assert starts == expected
    assert found.length.tolist() == [128] * len(expected)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="0123456789abcdefABCDEF:.", min_size=1, max_size=41))
def test_an_address_is_read_only_as_inet_pton_reads_it(text: str) -> None:
    from lakou.territory.sources.range_bulk import _parse_address

    data = np.frombuffer(text.encode("ascii") + bytes(16), dtype=np.uint8)
    groups, tail = np.zeros(8, dtype=np.int64), np.zeros(8, dtype=np.int64)
    family, hi, lo = _parse_address(data, 0, len(text), groups, tail)
    try:
        version, value = parse_ip(text)
    except ValueError:
        assert family == 0  # refused: the whole file goes to the record reader
        return
    if family:  # else left to the record reader (an embedded IPv4 address)
        assert (family, (int(hi) << 64) | int(lo)) == (version, value)


@pytest.mark.parametrize(
    "text",
    ["::1:2:3:4:5:6:7", "1:2:3:4:5:6:7::", "1::2:3:4:5:6:7", "1:2:3:4::5:6:7", "::", "0::0"],
)
def test_one_group_compressed_is_read_as_inet_pton_reads_it(text: str) -> None:
    from lakou.territory.sources.range_bulk import _parse_address

    data = np.frombuffer(text.encode("ascii") + bytes(16), dtype=np.uint8)
    groups, tail = np.zeros(8, dtype=np.int64), np.zeros(8, dtype=np.int64)
    family, hi, lo = _parse_address(data, 0, len(text), groups, tail)
    assert (family, (int(hi) << 64) | int(lo)) == parse_ip(text)
