"""The bulk builders give exactly what the per-row reference code gives.

``PrefixIndex.from_rows`` parses and flattens in numba, and ``read_pfx2as`` splits lines
in numba; both fall back to the per-row code for anything unusual. These properties
compare them with that reference (``_from_rows_reference``, ``_read_pfx2as_lines``):
the same arrays (values and dtypes), the same records and counters, the same errors.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lakou.territory.index as index_module
from lakou.territory.index import PrefixIndex
from lakou.territory.index_build import _canonical_address
from lakou.territory.sources.common import Counters, SourceError
from lakou.territory.sources.ipasn import _read_pfx2as_lines, read_pfx2as


@pytest.fixture(autouse=True, scope="module")
def _bulk_for_every_size() -> Any:
    """Short tables take the per-row path in production; here every one takes the bulk path."""
    saved = index_module._BULK_FROM
    index_module._BULK_FROM = 0
    yield
    index_module._BULK_FROM = saved


def _same_index(a: PrefixIndex, b: PrefixIndex) -> None:
    left, right = vars(a), vars(b)
    assert list(left) == list(right)
    for name, value in left.items():
        other = right[name]
        if isinstance(value, np.ndarray):
            assert value.dtype == other.dtype, name
            assert value.shape == other.shape, name
            assert value.tolist() == other.tolist(), name
        else:
            assert type(value) is type(other) and value == other, name


def _outcome(build: Any, rows: list[Any]) -> tuple[str, Any]:
    try:
        return "ok", build(rows, source="t.csv")
    except Exception as exc:
        return "error", (type(exc), str(exc))


def _v4(value: int, length: int) -> str:
    return str(ipaddress.ip_network((value, length), strict=False))


def _v6(value: int, length: int) -> str:
    return str(ipaddress.ip_network((value, length), strict=False))


# canonical prefixes, and the ways a text can differ from canonical or be wrong
_canonical = st.one_of(
    st.builds(_v4, st.integers(0, 2**32 - 1), st.integers(0, 32)),
    st.builds(_v6, st.integers(0, 2**128 - 1), st.integers(0, 128)),
    st.builds(_v6, st.integers(0, 2**16 - 1), st.integers(96, 128)),  # runs of zeros
    st.builds(_v6, st.integers(0, 2**32 - 1).map(lambda v: v | 0xFFFF00000000), st.just(128)),
)


def _variant(text: str, how: int) -> str:
    address, _slash, length = text.partition("/")
    if how == 1:
        return f" {text} "
    if how == 2:
        return f"{address}/0{length}"
    if how == 3:
        return text.upper()
    if how == 4 and ":" in address:
        return f"{ipaddress.IPv6Address(address).exploded}/{length}"
    if how == 5:
        return address  # no length: a host route when valid
    if how == 6:
        return f"{address}/{int(length) + 1}"  # may set host bits, or be too long
    if how == 7:
        return f"{address}1/{length}"
    if how == 8:
        return text.replace(".", "..", 1).replace("::", ":::", 1)
    return text


_prefix_text = st.one_of(
    _canonical,
    st.builds(_variant, _canonical, st.integers(1, 8)),
    st.sampled_from(["", "/", "1.2.3.4/", "::/0", "0.0.0.0/0", "01.2.3.0/24", "1:2::3:/64"]),
)
_row = st.tuples(
    _prefix_text,
    st.one_of(st.none(), st.integers(0, 2**32 - 1), st.sampled_from([-1, 2**32, 0])),
    st.one_of(st.none(), st.sampled_from(["GP", "mf", " bl ", "", "SX"])),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_row, max_size=30))
def test_from_rows_equals_the_reference(rows: list[tuple[str, int | None, str | None]]) -> None:
    fast = _outcome(PrefixIndex.from_rows, rows)
    reference = _outcome(PrefixIndex._from_rows_reference, rows)
    assert fast[0] == reference[0], (fast, reference)
    if fast[0] == "ok":
        _same_index(fast[1], reference[1])
        probes = [*(_v4(v, 32).split("/")[0] for v in (0, 2**31, 2**32 - 1))]
        for text, _asn, _t in rows:
            address = text.strip().partition("/")[0]
            if address:
                probes.append(address)
        valid = [p for p in probes if _is_ip(p)]
        assert fast[1].lookup(valid) == reference[1].lookup(valid)
    else:
        assert fast[1] == reference[1]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def test_unusual_row_types_take_the_reference_path() -> None:
    odd: list[Any] = [
        [("10.0.0.0/8", "64500", "GP")],  # an ASN as text: int() of it, as before
        [("10.0.0.0/8", True, None)],
        [["10.0.0.0/8", 1, None]],
        [("10.0.0.0/8", 1)],
        [(ipaddress.ip_network("10.0.0.0/8"), 1, None)],
    ]
    for rows in odd:
        fast = _outcome(PrefixIndex.from_rows, rows)
        reference = _outcome(PrefixIndex._from_rows_reference, rows)
        assert fast[0] == reference[0]
        if fast[0] == "ok":
            _same_index(fast[1], reference[1])
        else:
            assert fast[1] == reference[1]

    def failing() -> Any:
        yield ("10.0.0.0/8", 1, None)
        yield ("10.0.0.1/8", 1, None)  # the reference stops here, not at the OSError
        raise OSError("disk")

    with pytest.raises(ValueError, match=r"t.csv:2: bad prefix"):
        PrefixIndex.from_rows(failing(), source="t.csv")


@settings(max_examples=200, deadline=None)
@given(value=st.integers(0, 2**128 - 1), form=st.integers(0, 3))
def test_canonical_address_matches_socket(value: int, form: int) -> None:
    if form == 0:
        text = str(ipaddress.IPv4Address(value >> 96))
    elif form == 1:
        text = str(ipaddress.IPv6Address(value))
    elif form == 2:
        text = ipaddress.IPv6Address(value).exploded
    else:
        text = str(ipaddress.IPv6Address(value & 0xFFFF_0000_FFFF)).upper()
    data = np.frombuffer(text.encode(), dtype=np.uint8)
    groups, tail, scratch = np.zeros(8, np.int64), np.zeros(8, np.int64), np.zeros(64, np.uint8)
    family, hi, lo = _canonical_address(data, 0, len(data), ":" in text, groups, tail, scratch)
    if family == 0:
        # left to the slow path: only texts that are not written canonically, or mapped
        address = ipaddress.ip_address(text)
        mapped = address.version == 6 and address.ipv4_mapped is not None  # type: ignore[union-attr]
        assert str(address) != text or mapped
        return
    af = socket.AF_INET if family == 4 else socket.AF_INET6
    assert (int(hi) << 64) | int(lo) == int.from_bytes(socket.inet_pton(af, text), "big")
    assert str(ipaddress.ip_address(text)) == text


# ------------------------------------------------------------------ pfx2as
_pfx2as_line = st.one_of(
    st.builds(
        lambda p, asn: "{}\t{}\t{}".format(*p.split("/"), asn),
        _canonical,
        st.integers(0, 2**32 - 1),
    ),
    st.builds(
        lambda p, asns, sep: "{}\t{}\t{}".format(*p.split("/"), sep.join(map(str, asns))),
        _canonical,
        st.lists(st.integers(0, 2**32 + 5), min_size=1, max_size=3),
        st.sampled_from(["_", ",", "__"]),
    ),
    st.builds(
        lambda p, how, asn: "{} {} {}".format(*(_variant(p, how) + "/").split("/")[:2], asn),
        _canonical,
        st.integers(1, 8),
        st.sampled_from(["64500", "AS64500", "1.10", "x", "", "007", "64500_"]),
    ),
    st.sampled_from(["", "   ", "# comment", "  # indented comment", "1.0.0.0 24", "a b c d"]),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_pfx2as_line, max_size=25), final_newline=st.booleans())
def test_pfx2as_bulk_reader_equals_line_reader(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], final_newline: bool
) -> None:
    path = tmp_path_factory.mktemp("pfx2as") / "routeviews-rv2-20240101.pfx2as"
    path.write_text("\n".join(lines) + ("\n" if final_newline else ""))
    fast_counters, slow_counters = Counters(), Counters()
    fast = list(read_pfx2as(path, strict=False, counters=fast_counters))
    slow = list(_read_pfx2as_lines(path, False, slow_counters))
    assert fast == slow
    assert fast_counters.as_dict() == slow_counters.as_dict()
    errors = []
    for reader in (lambda: read_pfx2as(path), lambda: _read_pfx2as_lines(path, True, Counters())):
        got: list[Any] = []
        try:
            got.extend(reader())
        except SourceError as exc:
            got.append(str(exc))
        errors.append(got)
    assert errors[0] == errors[1]


def test_pfx2as_odd_files_take_the_line_reader(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.pfx2as"
    crlf.write_bytes(b"1.0.0.0\t24\t13335\r\n1.0.4.0\t22\t38803\r\n")
    assert [r.prefix for r in read_pfx2as(crlf)] == ["1.0.0.0/24", "1.0.4.0/22"]
    broken = tmp_path / "broken.pfx2as"
    broken.write_bytes(b"1.0.0.0\t24\t13335\n\xff\n")
    with pytest.raises(UnicodeDecodeError):
        list(read_pfx2as(broken))


@pytest.mark.data
def test_real_tables_build_the_same_index(shared_data: Path) -> None:
    """The real IP→ASN (IPv6) and IP→country (IPv4) tables, bulk against reference."""
    from lakou.territory.sources.geo import read_range_country_csv
    from lakou.territory.sources.ipasn import read_range_asn_csv

    asn6 = [
        (r.prefix, r.asn, None) for r in read_range_asn_csv(shared_data / "bgp" / "asn-ipv6.csv")
    ]
    _same_index(PrefixIndex.from_rows(asn6), PrefixIndex._from_rows_reference(asn6))
    geo = shared_data / "geo" / "geo-whois-asn-country-ipv4.csv"
    rows = [(r.prefix, None, r.country) for r in read_range_country_csv(geo)][:150_000]
    _same_index(PrefixIndex.from_rows(rows), PrefixIndex._from_rows_reference(rows))
