"""Aggregated prefix sets match exactly what the unaggregated list matches."""

from __future__ import annotations

import ipaddress
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.routeserver.render.prefixsets import irr_sets_by_length

_ENTRY = re.compile(r"^(.+)/(\d+)(?:\{(\d+),(\d+)\}|(\+))?$")


def _matches(entries: list[str], prefix: ipaddress.IPv4Network) -> bool:
    """BIRD's prefix-set semantics: p/l{a,b} matches q if q is inside p and a <= len(q) <= b."""
    for entry in entries:
        address, length, low, high, plus = _ENTRY.match(entry).groups()  # type: ignore[union-attr]
        net = ipaddress.ip_network(f"{address}/{length}")
        lo, hi = (int(low), int(high)) if low else (int(length), int(length))
        if plus:
            hi = net.max_prefixlen
        if lo <= prefix.prefixlen <= hi and prefix.subnet_of(net):  # type: ignore[arg-type]
            return True
    return False


prefixes = st.lists(
    st.tuples(st.integers(0, 255), st.integers(20, 26)).map(
        lambda t: str(ipaddress.ip_network(f"11.0.{t[0]}.0/{t[1]}", strict=False))
    ),
    max_size=25,
    unique=True,
)
probes = st.tuples(st.integers(0, 2**12 - 1), st.integers(19, 28)).map(
    lambda t: ipaddress.ip_network(
        f"11.0.{(t[0] >> 4) & 255}.{(t[0] & 15) * 16}/{t[1]}", strict=False
    )
)


def _exact(sets: dict[int, list[str]], probe: ipaddress.IPv4Network) -> bool:
    """What ``ASn_IRR_EXACT_4()`` answers: the set of the route's own length."""
    return _matches(sets.get(probe.prefixlen, []), probe)


def _cover(sets: dict[int, list[str]], probe: ipaddress.IPv4Network) -> bool:
    """What ``ASn_IRR_COVER_4()`` answers: any of the sets."""
    return any(_matches(entries, probe) for entries in sets.values())


@settings(max_examples=80, deadline=None)
@given(prefixes, st.lists(probes, min_size=1, max_size=20), st.sampled_from([None, 28, 32]))
def test_per_length_sets_answer_both_checks(
    listed: list[str], probe_list: list, blackhole_max: int | None
) -> None:
    nets = [ipaddress.ip_network(p) for p in listed]
    folded = irr_sets_by_length(sorted(listed), 4, blackhole_max)
    plain = irr_sets_by_length(listed, 4, blackhole_max, fold=False)
    # One entry per route object at most, whatever the blackhole policy.
    assert sum(map(len, folded.values())) <= len(listed) == sum(map(len, plain.values()))
    for probe in probe_list + nets:
        for sets in (folded, plain):
            assert _exact(sets, probe) == (probe in nets), (listed, probe, sets)
            if blackhole_max is not None and probe.prefixlen <= blackhole_max:
                want = any(probe.subnet_of(n) for n in nets)  # type: ignore[arg-type]
                assert _cover(sets, probe) == want, (listed, probe, sets)


def test_siblings_fold_like_bgpq4() -> None:
    listed = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.6.0/23"]
    assert irr_sets_by_length(listed, 4, None) == {
        23: ["10.0.6.0/23"],
        24: ["10.0.0.0/22{24,24}"],
    }
    assert irr_sets_by_length(listed, 4, 32) == {23: ["10.0.6.0/23+"], 24: ["10.0.0.0/22{24,32}"]}
    assert irr_sets_by_length(["2a0a::/32", "2a0a:0:1::/48"], 6, 128) == {
        32: ["2a0a::/32+"],
        48: ["2a0a:0:1::/48+"],
    }
    assert irr_sets_by_length(["10.0.0.0/30"], 4, 28) == {30: ["10.0.0.0/30"]}
