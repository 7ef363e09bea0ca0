"""CAIDA as-rel parsing: serial-1 and serial-2, comments, hostile lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.whatif.asrel import AsRelError, format_asrel, parse_asrel, read_asrel
from lakou.whatif.graph import AsGraph, ProviderCustomerCycle

SERIAL2 = """\
# source:topology|BGP|20200101|ripe|rrc00
# input clique: 174 3356
# IXP ASes: 1200 6695
174|3356|0|bgp
174|64500|-1|bgp
64500|64501|-1|mlp
"""


def test_serial2_with_comments() -> None:
    rel = parse_asrel(SERIAL2.splitlines(), source="x.txt")
    assert rel.serial == 2
    assert rel.input_clique == {174, 3356}
    assert rel.ixp_asns == {1200, 6695}
    assert rel.peers == [(174, 3356)]
    assert rel.provider_customer == [(174, 64500), (64500, 64501)]


def test_serial1_inferred_clique_is_the_clique() -> None:
    rel = parse_asrel(["# inferred clique: 1 2", "1|3|-1", "1|2|0"])
    assert rel.serial == 1 and rel.input_clique == {1, 2}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1|2", "bad field count"),
        ("1|x|-1", "bad asn"),
        ("1|2|1", "bad relationship"),
        ("5|5|0", "self link"),
        ("1|4294967296|0", "bad asn"),
    ],
)
def test_bad_lines_name_the_place_or_are_counted(line: str, reason: str) -> None:
    with pytest.raises(AsRelError, match=r"f\.txt:2"):
        parse_asrel(["1|9|-1", line], source="f.txt", strict=True)
    rel = parse_asrel(["1|9|-1", line], source="f.txt", strict=False)
    assert rel.dropped[reason] == 1 and rel.problems[0].startswith("f.txt:2")
    assert rel.provider_customer == [(1, 9)]


def test_conflicting_duplicate_keeps_the_first() -> None:
    rel = parse_asrel(["1|2|-1", "2|1|0"], strict=False)
    assert rel.provider_customer == [(1, 2)] and rel.peers == []
    assert rel.dropped["duplicate pair"] == 1


def test_round_trip_and_gzip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import gzip

    rel = parse_asrel(SERIAL2.splitlines())
    path = tmp_path / "x.as-rel.txt.gz"
    path.write_bytes(gzip.compress("\n".join(format_asrel(rel, serial=2)).encode()))
    again = read_asrel(path)
    assert sorted(again.provider_customer) == sorted(rel.provider_customer)
    assert again.input_clique == rel.input_clique and again.ixp_asns == rel.ixp_asns


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789|-# abcAS:\t", max_size=30), max_size=20))
def test_fuzzed_lines_never_crash(lines: list[str]) -> None:
    rel = parse_asrel(lines, strict=False)
    for a, b in rel.provider_customer + rel.peers:
        assert a != b and a >= 1 and b >= 1


def test_cycles_are_found_and_refused() -> None:
    graph = AsGraph.from_links([(1, 2), (2, 3), (3, 1), (3, 4), (7, 8), (8, 9), (9, 7)])
    cycles = graph.find_p2c_cycles()
    assert sorted(sorted(c) for c in cycles) == [["1", "2", "3"], ["7", "8", "9"]]
    with pytest.raises(ProviderCustomerCycle, match="1 > 2 > 3 > 1"):
        graph.compile()


@pytest.mark.data
def test_real_caida_file(shared_data) -> None:  # type: ignore[no-untyped-def]
    rel = read_asrel(shared_data / "asrel" / "caida-20180101.as-rel.txt", strict=True)
    assert len(rel.asns) == 60006
    assert len(rel.provider_customer) + len(rel.peers) == 261340
    assert 3356 in rel.input_clique and 6695 in rel.ixp_asns
    assert AsGraph.from_asrel(rel).find_p2c_cycles() == []
