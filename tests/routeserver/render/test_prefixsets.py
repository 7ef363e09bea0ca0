"""The per-length address sets answer the two IRR checks exactly as the route objects do.

BIRD's semantics, modelled here: ``net.ip ~ [a..b, c]`` is true when the address lies in
a range (or equals an item); the exact check asks the set of the route's own length for
``net.ip``, the covering check asks each set of length ``L`` (up to the route's) for
``net.ip.mask(L)``. The same sets are run by the real BIRD in
tests/live/routeserver/test_irr_sets.py.
"""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.routeserver.render.prefixsets import _set_items, irr_range_bodies

Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def _in_set(items: list[str], address: int) -> bool:
    for item in items:
        first, _, last = item.partition("..")
        low = int(ipaddress.ip_address(first))
        high = int(ipaddress.ip_address(last or first))
        if low <= address <= high:
            return True
    return False


def _exact(sets: dict[int, str], probe: Net) -> bool:
    """What ``ASn_IRR_EXACT_N()`` answers: the set of the route's own length."""
    body = sets.get(probe.prefixlen)
    return body is not None and _in_set(_set_items(body), int(probe.network_address))


def _cover(sets: dict[int, str], probe: Net) -> bool:
    """What ``ASn_IRR_COVER_N()`` answers: some set of length L <= the route's holds the
    route's address masked to L."""
    for length, body in sets.items():
        if length <= probe.prefixlen:
            masked = int(probe.supernet(new_prefix=length).network_address)
            if _in_set(_set_items(body), masked):
                return True
    return False


prefixes = st.lists(
    st.tuples(st.integers(0, 255), st.integers(20, 26)).map(
        lambda t: str(ipaddress.ip_network(f"11.0.{t[0]}.0/{t[1]}", strict=False))
    ),
    max_size=25,
    unique=True,
)
probes = st.tuples(st.integers(0, 2**12 - 1), st.integers(19, 32)).map(
    lambda t: ipaddress.ip_network(
        f"11.0.{(t[0] >> 4) & 255}.{(t[0] & 15) * 16}/{t[1]}", strict=False
    )
)


@settings(max_examples=120, deadline=None)
@given(prefixes, st.lists(probes, min_size=1, max_size=20))
def test_address_sets_answer_both_checks(listed: list[str], probe_list: list) -> None:
    nets = [ipaddress.ip_network(p) for p in listed]
    folded = irr_range_bodies(sorted(listed), 4)
    plain = irr_range_bodies(listed, 4, fold=False)
    # One item per route object at most (a run of blocks is one).
    assert sum(len(_set_items(b)) for b in folded.values()) <= len(set(listed))
    assert sum(len(_set_items(b)) for b in plain.values()) == len(set(listed))
    for probe in probe_list + nets + [n.supernet() for n in nets]:
        for sets in (folded, plain):
            assert _exact(sets, probe) == (probe in nets), (listed, probe, sets)
            want = any(probe.subnet_of(n) for n in nets)  # type: ignore[arg-type]
            assert _cover(sets, probe) == want, (listed, probe, sets)


def test_consecutive_blocks_are_one_range() -> None:
    listed = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.6.0/23"]
    listed += ["10.0.9.0/24", "10.0.10.0/23"]
    assert {k: _set_items(v) for k, v in irr_range_bodies(listed, 4).items()} == {
        23: ["10.0.6.0", "10.0.10.0"],
        24: ["10.0.0.0..10.0.3.0", "10.0.9.0"],
    }
    six = irr_range_bodies(["2a0a::/32", "2a0a:0:1::/48", "2a0a::/48", "::/0"], 6)
    assert {k: _set_items(v) for k, v in six.items()} == {
        0: ["::"],
        32: ["2a0a::"],
        48: ["2a0a::..2a0a:0:1::"],
    }
    # longer than /64: written one by one
    assert irr_range_bodies(["2a0a::1:0/112", "2a0a::/32"], 6) == {32: "2a0a::", 112: "2a0a::1:0"}
