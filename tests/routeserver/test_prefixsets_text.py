"""The folded sets are written as whole texts by numpy; they must be, byte for byte, what
one ``ipaddress`` object and one f-string per entry would write.

The reference below folds and formats in plain Python, the slow obvious way (what lakou
wrote before its sets were written without per-line Python work), and the fast path is
compared with it on random lists of both families, including the texts the byte-level
IPv6 reader refuses and hands to the slower one.
"""

from __future__ import annotations

import ipaddress
import random

import pytest

from lakou.routeserver.render.prefixsets import (
    _parse,
    irr_set_bodies,
    irr_sets_by_length,
)


def _suffix(plen: int, length: int, high: int | None, full: int) -> str:
    top = length if high is None or high <= length else high
    if top == length:
        return "" if plen == length else f"{{{length},{length}}}"
    if plen == length and top == full:
        return "+"
    return f"{{{length},{top}}}"


def reference(prefixes: list[str], family: int, high: int | None) -> dict[int, list[str]]:
    """Siblings folded into complete parents, per registered length, sorted by address
    then length: one Python object per prefix."""
    full = 32 if family == 4 else 128
    by_length: dict[int, set[int]] = {}
    for text in prefixes:
        net = ipaddress.ip_network(text)
        by_length.setdefault(net.prefixlen, set()).add(int(net.network_address))
    out: dict[int, list[str]] = {}
    for length, members in sorted(by_length.items()):
        entries: list[tuple[int, int]] = []
        current, level = members, length
        while current and level > 0:
            bit = 1 << (full - level)
            pairs = {a for a in current if not a & bit and a | bit in current}
            rest = current - pairs - {a | bit for a in pairs}
            entries += [(a, level) for a in rest]
            current, level = pairs, level - 1
        entries += [(a, level) for a in current]
        make = ipaddress.IPv4Network if family == 4 else ipaddress.IPv6Network
        out[length] = [
            f"{make((a, plen))}{_suffix(plen, length, high, full)}" for a, plen in sorted(entries)
        ]
    return out


def _random_prefixes(rnd: random.Random, family: int, count: int) -> list[str]:
    out = set()
    for _ in range(count):
        if family == 4:
            length = rnd.choice([8, 16, 19, 20, 21, 22, 23, 24, 24, 24, 25, 32])
            address = rnd.getrandbits(14) << 10 if rnd.random() < 0.8 else rnd.getrandbits(32)
            out.add(str(ipaddress.IPv4Network((address, length), strict=False)))
        else:
            length = rnd.choice([0, 19, 29, 32, 36, 44, 47, 48, 48, 48, 56, 64])
            address = rnd.getrandbits(14) << 80 if rnd.random() < 0.8 else rnd.getrandbits(64) << 64
            out.add(str(ipaddress.IPv6Network((address, length), strict=False)))
    return sorted(out)


@pytest.mark.parametrize(
    ("family", "high"), [(4, None), (4, 28), (4, 32), (6, None), (6, 64), (6, 128)]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_sets_write_what_the_reference_writes(
    family: int, high: int | None, seed: int
) -> None:
    prefixes = _random_prefixes(random.Random(seed), family, 3000)
    want = reference(prefixes, family, high)
    assert irr_sets_by_length(prefixes, family, high) == want
    bodies = irr_set_bodies(prefixes, family, high)
    assert bodies == {length: ",\n  ".join(entries) for length, entries in want.items()}


def test_ipv6_reader_matches_inet_pton_and_hands_over_what_it_cannot_read() -> None:
    rnd = random.Random(7)
    for _ in range(200):
        texts = set()
        for _ in range(rnd.randint(1, 40)):
            length = rnd.choice([0, 1, 16, 17, 32, 47, 48, 63, 64, 65, 96, 128])
            if rnd.random() < 0.5:
                address = rnd.getrandbits(16) << rnd.choice([64, 80, 96, 112])
            else:
                address = rnd.getrandbits(128)
            texts.add(str(ipaddress.IPv6Network((address, length), strict=False)))
        prefixes = sorted(texts)
        nets, lengths, long = _parse(prefixes, 6)
        short = [p for p in prefixes if int(p.partition("/")[2]) <= 64]
        assert lengths.tolist() == [int(p.partition("/")[2]) for p in short]
        assert nets.tolist() == [int(ipaddress.ip_network(p).network_address) >> 64 for p in short]
        assert long == [p for p in prefixes if int(p.partition("/")[2]) > 64]


@pytest.mark.parametrize(
    "texts",
    [
        ["2A0A::/32", "2a0b::/32"],  # upper case
        ["2a0a:0000::/32"],  # leading zeros
        ["2a0a:0:0:0::/48", "2a0a::/32"],  # not the shortest form
        ["2a0a::/032"],  # a length with a leading zero
        ["::/0", "2a0a::/32"],
    ],
)
def test_other_ipv6_forms_are_read_like_inet_pton_reads_them(texts: list[str]) -> None:
    nets, lengths, _long = _parse(texts, 6)
    assert lengths.tolist() == [int(t.partition("/")[2]) for t in texts]
    want = [int(ipaddress.IPv6Address(t.partition("/")[0])) >> 64 for t in texts]
    assert nets.tolist() == want
