"""The synthetic IRR generator and the test fakes other components rely on."""

from __future__ import annotations

from pathlib import Path

from lakou.routeserver.enrich import RpslSource, enrich
from lakou.routeserver.enrich.bgpq4 import bgpq4_refuses
from lakou.routeserver.enrich.testing import DictIrrSource, synthetic_irr


def test_generator_is_deterministic_and_bgpq4_safe() -> None:
    a, b = synthetic_irr(20, seed=5), synthetic_irr(20, seed=5)
    assert [c.__dict__ for c in a.clients] == [c.__dict__ for c in b.clients]
    assert a.database.route_count() == b.database.route_count()
    assert synthetic_irr(20, seed=6).database.route_count() != a.database.route_count() or [
        c.origins for c in synthetic_irr(20, seed=6).clients
    ] != [c.origins for c in a.clients]
    asns = {asn for c in a.clients for asn in c.origins}
    assert not any(bgpq4_refuses(asn) for asn in asns)
    prefixes = [p for t in a.database.routes4.values() for ps in t.values() for p in ps]
    assert len(prefixes) == len(set(prefixes))
    assert not any(p.split(".")[0] in {"0", "10", "127", "192"} for p in prefixes)


def test_small_huge_client_shape() -> None:
    data = synthetic_irr(0, huge=True, huge_asns=500, huge_v4=3000, huge_v6=2000)
    assert data.huge is not None
    result = enrich(data.requests, irr=DictIrrSource(database=data.database))
    huge = result.irr[data.huge.asn]
    assert len(huge.origins) == 500
    assert (len(huge.prefixes_v4), len(huge.prefixes_v6)) == (3000, 2000)
    assert any("loop" in p for p in huge.problems)  # the deliberate loop is found and cut


def test_written_rpsl_reads_back_identically(tmp_path: Path) -> None:
    data = synthetic_irr(8, huge=True, huge_asns=300, huge_v4=2000, huge_v6=1000)
    directory = data.write_rpsl(tmp_path)
    assert sorted(p.name for p in directory.iterdir()) == ["arin.db", "ripe.db"]
    from_files = enrich(data.requests, irr=RpslSource(directory))
    in_memory = enrich(data.requests, irr=DictIrrSource(database=data.database))
    for asn, got in from_files.irr.items():
        want = in_memory.irr[asn]
        assert (got.origins, got.prefixes_v4, got.prefixes_v6) == (
            want.origins,
            want.prefixes_v4,
            want.prefixes_v6,
        )
