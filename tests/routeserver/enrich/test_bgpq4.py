"""Bgpq4Source: the real bgpq4 against the local whois server, and its failures."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from lakou.routeserver.enrich import Bgpq4Source, IrrError, IrrRequest, RpslSource, enrich
from lakou.routeserver.enrich.irrdb import IrrDatabase
from lakou.routeserver.enrich.testing import DictIrrSource, serve_whois, synthetic_irr
from lakou.routeserver.enrich.testing.whois import run_whois_server


def test_fetch_gives_exact_route_objects_of_the_expanded_origins(
    bgpq4: str, irr_db: IrrDatabase
) -> None:
    with serve_whois(irr_db) as address:
        data = Bgpq4Source(address, ["RIPE", "ARIN"], timeout=20).fetch(IrrRequest(13, ("AS-FOO",)))
    assert data.origins == {10, 13, 20, 30}
    # 11.0.0.0/23 and its two /24s are all kept: exact objects, nothing aggregated
    assert data.prefixes_v4 == (
        "11.0.0.0/23",
        "11.0.0.0/24",
        "11.0.1.0/24",
        "12.0.0.0/16",
        "13.0.0.0/24",
    )
    assert data.prefixes_v6 == ("2001:db8::/32", "2001:db8:1::/48")
    assert data.source == f"bgpq4 {address} RIPE,ARIN"
    assert not data.stale and data.problems == ()


@pytest.mark.parametrize("aquery", [True, False])
def test_bgpq4_and_lakou_expansion_agree(bgpq4: str, irr_db: IrrDatabase, aquery: bool) -> None:
    requests = [
        IrrRequest(10, ("AS-FOO",)),
        IrrRequest(21, ("AS-BAR",)),
        IrrRequest(40, ("AS-REF",)),
        IrrRequest(13, ()),
    ]
    with run_whois_server(irr_db, aquery=aquery) as server:
        via_bgpq4 = enrich(requests, irr=Bgpq4Source(server.address, ["ARIN", "RIPE"], 20))
    ours = enrich(requests, irr=DictIrrSource(database=irr_db, sources=["ARIN", "RIPE"]))
    for request in requests:
        a, b = via_bgpq4.irr[request.asn], ours.irr[request.asn]
        assert (a.origins, a.prefixes_v4, a.prefixes_v6) == (
            b.origins,
            b.prefixes_v4,
            b.prefixes_v6,
        )


def test_synthetic_clients_through_bgpq4_match_the_rpsl_files(bgpq4: str, tmp_path: Path) -> None:
    synthetic = synthetic_irr(12, seed=7)
    rpsl_dir = synthetic.write_rpsl(tmp_path / "irr")
    with serve_whois(rpsl_dir) as address:  # the server reads the same RPSL files
        via_bgpq4 = enrich(synthetic.requests, irr=Bgpq4Source(address, ["RIPE", "ARIN"], 20))
    from_files = enrich(synthetic.requests, irr=RpslSource(rpsl_dir, ["RIPE", "ARIN"]))
    assert via_bgpq4.problems == {} and from_files.problems == {}
    for client in synthetic.clients:
        a, b = via_bgpq4.irr[client.asn], from_files.irr[client.asn]
        assert a.origins == set(client.origins) == b.origins
        assert a.prefixes_v4 == b.prefixes_v4 and a.prefixes_v6 == b.prefixes_v6
        assert set(client.prefixes_v4) <= set(a.prefixes_v4)


def test_missing_and_empty_as_sets_are_named(bgpq4: str, irr_db: IrrDatabase) -> None:
    with serve_whois(irr_db) as address:
        data = Bgpq4Source(address, timeout=20).fetch(IrrRequest(13, ("AS-NOWHERE", "AS-EMPTY")))
    assert data.origins == {13}
    assert data.prefixes_v4 == ("13.0.0.0/24",)  # only the client's own: narrower, never wider
    assert len(data.problems) == 2
    assert "AS-NOWHERE" in data.problems[0] and "AS-EMPTY" in data.problems[1]


def test_reserved_client_asn_is_reported(bgpq4: str, irr_db: IrrDatabase) -> None:
    with serve_whois(irr_db) as address:
        data = Bgpq4Source(address, timeout=20).fetch(IrrRequest(64500, ("AS-REF",)))
    assert data.origins == {64500, 40, 41}
    assert data.prefixes_v4 == ("40.0.0.0/24", "41.0.0.0/24")
    assert any("AS64500" in p for p in data.problems)


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def test_server_down_raises_irr_error(bgpq4: str) -> None:
    with pytest.raises(IrrError, match=r"bgpq4 failed against 127\.0\.0\.1"):
        Bgpq4Source(_closed_port(), timeout=10).fetch(IrrRequest(13, ("AS-FOO",)))


def test_server_that_never_answers_times_out(bgpq4: str, irr_db: IrrDatabase) -> None:
    with (
        serve_whois(irr_db, stall=True) as address,
        pytest.raises(IrrError, match=r"did not answer within 1\.5 s"),
    ):
        Bgpq4Source(address, timeout=1.5).fetch(IrrRequest(13, ("AS-FOO",)))


def test_stale_fallback_when_the_server_goes_away(
    bgpq4: str, irr_db: IrrDatabase, tmp_path: Path
) -> None:
    request = IrrRequest(13, ("AS-FOO",))
    with serve_whois(irr_db) as address:
        source = Bgpq4Source(address, timeout=10)
        good = enrich([request], irr=source, cache_dir=tmp_path)
    # same address, server gone: the fresh query fails, the last good data is kept
    later = enrich([request], irr=source, cache_dir=tmp_path, max_age=None)
    data = later.irr[13]
    assert data.stale
    assert data.prefixes_v4 == good.irr[13].prefixes_v4 and data.origins == good.irr[13].origins
    assert any("bgpq4 failed" in p for p in data.problems)
    assert later.problems[13] == data.problems


def test_bgpq4_missing_binary_is_an_irr_error() -> None:
    with pytest.raises(IrrError, match="bgpq4 not found"):
        Bgpq4Source("127.0.0.1:1", binary="no-such-bgpq4-here").fetch(IrrRequest(13))


def test_stale_fallback_when_the_server_times_out(
    bgpq4: str, irr_db: IrrDatabase, tmp_path: Path
) -> None:
    request = IrrRequest(13, ("AS-FOO",))
    with serve_whois(irr_db) as address:
        good = enrich([request], irr=Bgpq4Source(address, timeout=10), cache_dir=tmp_path)
    with serve_whois(irr_db, stall=True) as hanging:
        source = Bgpq4Source(hanging, timeout=1)
        # a different server is a different cache key: copy the entry as if it were this one
        from lakou.routeserver.enrich.cache import IrrCache

        IrrCache(tmp_path).save(source.description, request, good.irr[13])
        later = enrich([request], irr=source, cache_dir=tmp_path, refresh=True)
    assert later.irr[13].stale
    assert later.irr[13].prefixes_v4 == good.irr[13].prefixes_v4
    assert any("did not answer within 1 s" in p for p in later.problems[13])


def test_whois_server_in_its_own_process(bgpq4: str) -> None:
    from lakou.routeserver.enrich.testing import serve_whois_process

    synthetic = synthetic_irr(5, seed=11)
    with serve_whois_process(synthetic=5, seed=11) as address:
        result = enrich(synthetic.requests, irr=Bgpq4Source(address, ["RIPE", "ARIN"], 20))
    for client in synthetic.clients:
        assert result.irr[client.asn].origins == set(client.origins)
        assert set(client.prefixes_v4) <= set(result.irr[client.asn].prefixes_v4)
