"""Sources that say nothing are no opinion; slivers from far away are not invited.

On the real public files: IANA's delegated statistics write ``ZZ`` for every block an
RIR holds. Counted as a disagreeing source, it capped every prefix's confidence at
0.45/0.65. And two networks with (next to) nothing in the territory, an Argentine
cooperative's IPv6 /48 and a Bulgarian ISP's /24 that a geofeed puts on an island,
were listed as regional networks to invite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lakou.territory.config import Config
from lakou.territory.inventory import build_inventory, discover
from lakou.vocabulary import country_says_nothing

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def inventory(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("territory-no-opinion")
    for name in (
        "geo/geo-whois-asn-country-ipv4.csv",
        "geo/geo-whois-asn-country-ipv6.csv",
        "bgp/asn-ipv4.csv",
        "bgp/asn-ipv6.csv",
        "rir/delegated-iana-20190911",
        "rir/delegated-lacnic-extended-20190910",
    ):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(shared_data / name)
    return build_inventory(discover(root), Config(countries=["GP", "MF", "BL", "SX"]))


def test_country_codes_that_say_nothing() -> None:
    for code in ("ZZ", "zz", "", " ", "XX", "--", "A1", None):
        assert country_says_nothing(code), code
    for code in ("GP", "SX", "BQ", "FR", "EU"):
        assert not country_says_nothing(code), code


def test_zz_is_never_a_disagreeing_source(inventory) -> None:  # type: ignore[no-untyped-def]
    assert len(inventory.prefixes) > 400
    said = {d["country"] for p in inventory.prefixes for d in p.disagree}
    assert not {c for c in said if country_says_nothing(c)}, said
    # the IANA file is read (it is a source), it just has no opinion on these blocks
    sources = {s["name"] for s in inventory.as_dict()["sources"]}
    assert "delegated-iana-20190911" in sources
    assert not any("delegated-iana-20190911" in p.agree for p in inventory.prefixes)
    # so one table that places a block here is not outvoted by "ZZ"
    by_prefix = {p.prefix: p for p in inventory.prefixes}
    ocix = by_prefix["200.0.22.0/23"]
    assert ocix.territory == "SX" and ocix.disagree == [] and ocix.confidence == 1.0
    capped = [p for p in inventory.prefixes if p.confidence < 0.7 and not p.disagree]
    assert capped == []  # only a real disagreement lowers the confidence
    # a real disagreement still counts: BQ (Bonaire) against SX
    real = [p for p in inventory.prefixes if p.disagree]
    assert all(p.confidence < 1.0 for p in real)


def test_no_sliver_from_far_away_among_networks_to_invite(inventory) -> None:  # type: ignore[no-untyped-def]
    networks = {n.asn: n for n in inventory.networks}
    invited = {n.asn for n in inventory.invitations()}
    for asn in (272905, 29084):  # the Argentine /48, the Bulgarian /24
        network = networks[asn]
        assert network.network_class == "elsewhere", (asn, network.class_reason)
        assert asn not in invited and "sliver" in network.class_reason
    for network in inventory.invitations():
        evidence = network.evidence
        assert evidence is not None and evidence.decisive.in_territory > 0, network.asn
    # the regional operators stay: Canal+ Telecom (GP, MQ, GF, RE) and Free Mobile (GP, MQ)
    assert {21351, 51207} <= invited
