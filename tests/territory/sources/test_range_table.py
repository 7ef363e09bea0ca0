"""The bulk range-table reader builds exactly the index the record reader gives.

``lakou territory lookup --data-dir`` reads plain IPv4 ``start,end,asn[,org]`` tables
with numpy (:mod:`lakou.territory.sources.range_table`) and builds its index from
integers (``PrefixIndex.from_ipv4_prefixes``); anything else goes through the record
reader. These properties compare both with the reference: the records of
``read_range_asn_csv`` given to ``PrefixIndex.from_rows``.
"""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakou.territory.index import PrefixIndex
from lakou.territory.index_rows import flatten_disjoint_v4, ipv4_prefix_texts
from lakou.territory.lookup import index_from_data_dir
from lakou.territory.sources.ipasn import read_range_asn_csv
from lakou.territory.sources.range_table import ranges_to_prefixes_v4, read_range_asn_v4


def _same_index(a: PrefixIndex, b: PrefixIndex) -> None:
    # _row_prefixes: the rows as integers, kept by an index built from them (else parsed
    # from the texts when asked): compared through row_prefixes() below
    left, right = ({k: v for k, v in vars(x).items() if k != "_row_prefixes"} for x in (a, b))
    for mine, theirs in zip(a.row_prefixes(), b.row_prefixes(), strict=True):
        assert mine.dtype == theirs.dtype and mine.tolist() == theirs.tolist()
    assert list(left) == list(right)
    for name, value in left.items():
        other = right[name]
        if isinstance(value, np.ndarray):
            assert value.dtype == other.dtype, name
            assert value.shape == other.shape, name
            assert value.tolist() == other.tolist(), name
        else:
            assert type(value) is type(other) and value == other, name


def _reference(path: Path) -> PrefixIndex:
    records = read_range_asn_csv(path, strict=False)
    return PrefixIndex.from_rows([(r.prefix, r.asn, None) for r in records])


def _ip(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


_NAMES = st.sampled_from(
    [None, "", "Example Networks", '"Example, Inc."', '"LLC ""SPUTNIK"""', '""', "a,b,c"]
)
_ODD = st.sampled_from(
    [
        "",  # a blank line
        "   ",
        "01.2.3.0,1.2.3.255,64500",  # a leading zero
        " 1.2.3.0,1.2.3.255,64500",
        "1.2.3.0,1.2.3.255,AS64500",
        "1.2.3.0,1.2.3.255,1.10",
        "1.2.3.0,1.2.3.255",
        "1.2.3.255,1.2.3.0,64500",  # ends before it starts
        "1.2.3.0,1.2.3.255,99999999999",
        '1.2.3.0,1.2.3.255,64500,"a "quoted" name"',
        '1.2.3.0,1.2.3.255,64500,"spans\ntwo lines"',
        "2001:db8::,2001:db8::ffff,64500",
        "start,end,asn,name",
    ]
)


@st.composite
def _tables(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["start,end,asn,org", "range_start,range_end,as"])))
    cursor = draw(st.integers(0, 2**32 - 1))
    for _ in range(draw(st.integers(0, 25))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(_ODD))
            continue
        if draw(st.booleans()):  # anywhere (overlapping, out of order) or after the last
            cursor = draw(st.integers(0, 2**32 - 1))
        first = min(cursor, 2**32 - 1)
        last = min(first + draw(st.integers(0, 2 ** draw(st.integers(0, 24)))), 2**32 - 1)
        cursor = last + 1 + draw(st.sampled_from([0, 0, 1, 255]))
        asn = draw(st.sampled_from([0, 13335, 64500, 4294967295, 7]))
        name = draw(_NAMES)
        fields = [_ip(first), _ip(last), str(asn)] + ([] if name is None else [name])
        lines.append(",".join(fields))
        if draw(st.integers(0, 7)) == 0:
            lines.append(lines[-1])  # the same range twice
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_lookup_index_equals_the_record_reader(table: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        path = directory / "asn-ipv4.csv"
        path.write_text(table, encoding="utf-8")
        lookup, _source = index_from_data_dir(directory, [])
        (built,) = lookup.routings
        _same_index(built, _reference(path))


def test_plain_tables_are_read_in_bulk(tmp_path: Path) -> None:
    path = tmp_path / "asn-ipv4.csv"
    path.write_text(
        "start,end,asn,org\n"
        '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n'
        '2.26.200.0,2.26.215.255,201907,"LLC ""SPUTNIK"""\n'
        "5.0.0.0,5.0.0.5,0,Not routed\n"
        "10.0.0.0,10.0.0.2,64500\n",
        encoding="utf-8",
    )
    table = read_range_asn_v4(path)
    assert table is not None
    texts = ipv4_prefix_texts(table.start, table.length)
    assert texts == ["1.0.0.0/24", "2.26.200.0/21", "2.26.208.0/21", "10.0.0.0/31", "10.0.0.2/32"]
    assert table.asn.tolist() == [13335, 201907, 201907, 64500, 64500]


@pytest.mark.parametrize(
    "odd",
    [
        '1.0.0.0,1.0.0.255,13335,"Cloud\nflare"\n',
        "1.0.0.0,1.0.0.255,13335\r\n",
        "1.0.0.0,1.0.0.255,AS13335\n",
        "1.0.0.00,1.0.0.255,13335\n",
        "\nstart,end,asn\n1.0.0.0,1.0.0.255,13335\n",
        "2001:db8::,2001:db8::ff,13335\n",
    ],
)
def test_odd_tables_are_left_to_the_record_reader(tmp_path: Path, odd: str) -> None:
    path = tmp_path / "asn-ipv4.csv"
    path.write_text(odd, encoding="utf-8")
    assert read_range_asn_v4(path) is None
    lookup, _source = index_from_data_dir(tmp_path, [])
    _same_index(lookup.routings[0], _reference(path))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)), max_size=20))
def test_ranges_cut_like_the_record_reader(pairs: list[tuple[int, int]]) -> None:
    from lakou.territory.sources.common import int_range_to_prefixes

    pairs = [(min(a, b), max(a, b)) for a, b in pairs]
    low = np.array([a for a, _b in pairs], dtype=np.int64)
    high = np.array([b for _a, b in pairs], dtype=np.int64)
    rows, start, length = ranges_to_prefixes_v4(low, high)
    texts = ipv4_prefix_texts(start.astype(np.uint32), length)
    expected = [(i, p) for i, (a, b) in enumerate(pairs) for p in int_range_to_prefixes(4, a, b)]
    assert list(zip(rows.tolist(), texts, strict=True)) == expected


def test_prefix_texts_are_socket_texts() -> None:
    rng = np.random.default_rng(3)
    start = rng.integers(0, 2**32, 5000, dtype=np.uint64).astype(np.uint32)
    length = rng.integers(0, 33, 5000)
    expected = [
        f"{socket.inet_ntop(socket.AF_INET, int(s).to_bytes(4, 'big'))}/{n}"
        for s, n in zip(start.tolist(), length.tolist(), strict=True)
    ]
    assert ipv4_prefix_texts(start, length) == expected


def test_nested_prefixes_are_left_to_the_sweep() -> None:
    start = np.array([0x0A000000, 0x0A000000], dtype=np.uint32)
    assert flatten_disjoint_v4(start, np.array([8, 16]), np.arange(2)) is None


def test_lookup_from_a_plain_table_loads_no_numba(tmp_path: Path) -> None:
    (tmp_path / "asn-ipv4.csv").write_text("1.0.0.0,1.0.0.255,13335\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from lakou.territory.lookup import index_from_data_dir\n"
        f"lookup, _s = index_from_data_dir(Path({str(tmp_path)!r}), [])\n"
        "print(lookup.lookup(['1.0.0.1']), 'numba' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[('1.0.0.0/24', 13335, None)] False"


def test_real_table_builds_the_same_index(shared_data: Path) -> None:
    path = shared_data / "bgp" / "asn-ipv4.csv"
    if not path.exists():
        pytest.skip(f"{path} not found")
    table = read_range_asn_v4(path)
    assert table is not None, "the real table is plain: it should be read in bulk"
    built = PrefixIndex.from_ipv4_prefixes(table.start, table.length, table.asn)
    _same_index(built, _reference(path))
