"""Aggregated prefix sets match exactly what the unaggregated list matches."""

from __future__ import annotations

import ipaddress
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.routeserver.render.prefixsets import covering_set, exact_set, irr_set, irr_set_plain

_ENTRY = re.compile(r"^(.+)/(\d+)(?:\{(\d+),(\d+)\})?$")


def _matches(entries: list[str], prefix: ipaddress.IPv4Network) -> bool:
    """BIRD's prefix-set semantics: p/l{a,b} matches q if q is inside p and a <= len(q) <= b."""
    for entry in entries:
        address, length, low, high = _ENTRY.match(entry).groups()  # type: ignore[union-attr]
        net = ipaddress.ip_network(f"{address}/{length}")
        lo, hi = (int(low), int(high)) if low else (int(length), int(length))
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


@settings(max_examples=80, deadline=None)
@given(prefixes, st.lists(probes, min_size=1, max_size=20))
def test_exact_and_covering_equivalent(listed: list[str], probe_list: list) -> None:
    exact = exact_set(sorted(listed), 4)
    cover = covering_set(sorted(listed), 4, 28)
    assert len(exact) <= len(listed)
    nets = [ipaddress.ip_network(p) for p in listed]
    for probe in probe_list + nets:
        assert _matches(exact, probe) == (probe in nets), (listed, probe, exact)
        expected = probe.prefixlen <= 28 and any(probe.subnet_of(n) for n in nets)
        assert _matches(cover, probe) == expected, (listed, probe, cover)
        # One set for both checks: exact up to /24, covered from /25 to /28.
        if probe.prefixlen <= 24 or probe.prefixlen > 28:
            want = probe in nets
        else:
            want = any(probe.subnet_of(n) for n in nets)
        for entries in (irr_set(sorted(listed), 4, 24, 28), irr_set_plain(listed, 24, 28)):
            assert _matches(entries, probe) == want, (listed, probe, entries)


def test_siblings_fold_like_bgpq4() -> None:
    listed = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.6.0/23"]
    assert exact_set(listed, 4) == ["10.0.0.0/22{24,24}", "10.0.6.0/23"]
    assert covering_set(["2a0a::/32", "2a0a:0:1::/48"], 6, 128) == ["2a0a::/32{32,128}"]
    assert irr_set(listed, 4, 24, 32) == ["10.0.0.0/22{24,32}", "10.0.6.0/23", "10.0.6.0/23{25,32}"]
