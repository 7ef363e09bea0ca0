"""The address sets are written as whole texts by numpy; they must be, byte for byte, what
one ``ipaddress`` object and one f-string per item would write.

The reference below finds the runs of consecutive blocks and formats them in plain
Python, the slow obvious way, and the fast path is compared with it on random lists of
both families, including the texts the byte-level IPv6 reader refuses and hands to the
slower one.
"""

from __future__ import annotations

import ipaddress
import random

import pytest

from lakou.routeserver.render.prefixsets import _parse, irr_range_bodies


def reference(prefixes: list[str], family: int) -> dict[int, str]:
    """Per registered length, the runs of consecutive blocks as ``first..last`` (a lone
    block as ``first``), sorted by address: one Python object per prefix."""
    full = 32 if family == 4 else 128
    make = ipaddress.IPv4Address if family == 4 else ipaddress.IPv6Address
    by_length: dict[int, set[int]] = {}
    for text in prefixes:
        net = ipaddress.ip_network(text)
        by_length.setdefault(net.prefixlen, set()).add(int(net.network_address))
    out: dict[int, str] = {}
    for length, members in sorted(by_length.items()):
        step = 1 << (full - length)
        items = []
        ordered = sorted(members)
        i = 0
        while i < len(ordered):
            j = i
            while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + step:
                j += 1
            first, last = make(ordered[i]), make(ordered[j])
            items.append(f"{first}..{last}" if j > i else f"{first}")
            i = j + 1
        out[length] = ",\n  ".join(items)
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


@pytest.mark.parametrize("family", [4, 6])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_sets_write_what_the_reference_writes(family: int, seed: int) -> None:
    prefixes = _random_prefixes(random.Random(seed), family, 3000)
    want = reference(prefixes, family)
    assert any(".." in body for body in want.values())  # runs to fold, not only lone blocks
    assert irr_range_bodies(prefixes, family) == want


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
