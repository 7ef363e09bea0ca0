"""The quick public-address test and canonical spelling give ipaddress's answers."""

from __future__ import annotations

import ipaddress
import random

import pytest

from lakou.paths.addresses import (
    _intervals,
    canonical,
    dotted_quad,
    is_public,
    is_public_reference,
)


def _reference_canonical(ip: str) -> str:
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip


def test_every_interval_bound_and_its_neighbours_agree_with_ipaddress() -> None:
    starts, _public = _intervals()
    assert len(starts) > 20  # the special-purpose networks were found
    checked = 0
    for start in starts:
        for value in (start - 1, start, start + 1):
            if 0 <= value < 2**32:
                ip = str(ipaddress.IPv4Address(value))
                assert is_public(ip) is is_public_reference(ip), ip
                checked += 1
    assert checked > 60


def test_random_addresses_agree_with_ipaddress() -> None:
    rng = random.Random(13)
    for _ in range(20000):
        ip = str(ipaddress.IPv4Address(rng.getrandbits(32)))
        assert is_public(ip) is is_public_reference(ip), ip
        assert dotted_quad(ip) == int(ipaddress.IPv4Address(ip))
        assert canonical(ip) == ip


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("8.8.8.8", True),
        ("10.1.2.3", False),
        ("192.168.1.1", False),
        ("100.64.0.1", True),  # shared space: exchange LANs use it
        ("127.0.0.1", False),
        ("169.254.0.1", False),
        ("224.0.0.5", False),
        ("0.0.0.0", False),
        ("192.0.2.1", False),  # documentation
        ("2001:7f8::1", True),
        ("fe80::1", False),
        ("::1", False),
    ],
)
def test_known_addresses(ip: str, public: bool) -> None:
    assert is_public(ip) is public
    assert is_public_reference(ip) is public


@pytest.mark.parametrize(
    "ip",
    ["010.1.2.3", "1.2.3", "1.2.3.4.5", "256.1.1.1", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\x00",
     "١.٢.٣.٤", "", "*", "not-an-address", "2001:DB8::1", "::ffff:1.2.3.4", "1.2.3.-1"],
)  # fmt: skip
def test_other_spellings_go_through_ipaddress(ip: str) -> None:
    assert dotted_quad(ip) is None
    assert is_public(ip) is is_public_reference(ip)
    assert canonical(ip) == _reference_canonical(ip)
