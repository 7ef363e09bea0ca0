"""lakou's one IX-F reader, without Django: records, the members view, the engines' objects.

The registry's import (tests/registry/test_ixf_*), the territory engine and the flow
engine's members files all read IX-F through :mod:`lakou.ixf`; these tests pin the reader
itself and the field rules it takes from :mod:`lakou.vocabulary`.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lakou import ixf, vocabulary
from lakou.territory.sources.common import SourceError
from lakou.territory.sources.ixf import read_ixf

FIXTURES = Path(__file__).resolve().parents[1] / "registry" / "fixtures" / "ixf"


def test_the_reader_and_its_users_never_import_django() -> None:
    fixture = str(FIXTURES / "ams-like-1.0.json")
    code = (
        "import sys, lakou.ixf, lakou.territory.sources.ixf, lakou.flows.members\n"
        "from lakou import ixf\n"
        f"ixf.load(open({fixture!r}, 'rb').read(), ixf.ImportReport())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'jsonschema')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_document_read_into_typed_records() -> None:
    report = ixf.ImportReport()
    document = ixf.load((FIXTURES / "ams-like-1.0.json").read_bytes(), report)
    assert document.version == "1.0" and report.version == "1.0"
    (ixp,) = document.ixps
    assert (ixp.ixp_id, ixp.ixf_id, ixp.shortname, ixp.fields["country"]) == (42, 2, "EX-IX", "NL")
    streaming = document.members[0]
    assert (streaming.asnum, streaming.policy) == (65505, "open")
    vif = streaming.connections[0].vlans[0]
    assert vif.ipv4 is not None and vif.ipv4.as_macro == "AS-STREAM-V4"
    assert vif.vlan is ixp.vlans[0] and vif.vlan.ipv4 == ipaddress.ip_network("80.249.208.0/21")
    route_servers = [e for e in document.members if e.member_type == "ixp"]
    assert route_servers[0].connections[0].vlans[0].service == "ixrouteserver"
    assert any("has host bits set" in w for w in report.warnings)


def _doc(**member: Any) -> dict[str, Any]:
    entry = {"asnum": 64500, "connection_list": [{"ixp_id": 1, "vlan_list": []}], **member}
    return {
        "version": "1.0",
        "timestamp": "2026-01-01T00:00:00Z",
        "ixp_list": [{"ixp_id": 1, "ixf_id": 5, "shortname": "SXM-IX"}],
        "member_list": [entry],
    }


@pytest.mark.parametrize(
    ("member", "path", "problem"),
    [
        ({"asnum": 0}, "member_list[0].asnum", "out of range"),
        ({"asnum": 4294967296}, "member_list[0].asnum", "out of range"),
        ({"url": "javascript:alert(1)"}, "member_list[0].url", "is not a URL"),
        ({"contact_email": ["noc at example"]}, "member_list[0].contact_email[0]", "e-mail"),
        ({"peering_policy": "sometimes"}, "member_list[0].peering_policy", "peering policy"),
        ({"member_type": "friend"}, "member_list[0].member_type", "member type"),
        ({"connection_list": [{"ixp_id": 9}]}, "member_list[0].connection_list[0].ixp_id", "9"),
    ],
)
def test_a_bad_value_is_named_by_its_json_path(
    member: dict[str, Any], path: str, problem: str
) -> None:
    with pytest.raises(ixf.IxfError) as caught:
        ixf.load(_doc(**member), ixf.ImportReport())
    assert caught.value.path == path and problem in caught.value.problem


def test_duplicates_refused_merged_or_kept() -> None:
    doc = _doc()
    doc["member_list"].append(json.loads(json.dumps(doc["member_list"][0])))
    with pytest.raises(ixf.IxfError, match="same AS number"):
        ixf.load(doc, ixf.ImportReport())
    report = ixf.ImportReport()
    assert len(ixf.load(doc, report, merge_duplicates=True).members) == 2
    assert any("merged into member_list[0]" in w for w in report.warnings)
    kept = ixf.ImportReport()
    ixf.load(doc, kept, duplicates="keep")
    assert not any("merged" in w for w in kept.warnings)


def test_a_members_view_reads_what_the_registry_would_refuse() -> None:
    """No timestamp, no ixp_list, a VLAN the document does not describe: the field rules
    still hold (a bad MAC is refused), the references are not asked for."""
    doc = {
        "member_list": [
            {
                "asnum": "AS64501",
                "connection_list": [
                    {
                        "state": "quarantine",
                        "vlan_list": [
                            {
                                "vlan_id": 10,
                                "ipv4": {
                                    "address": "192.0.2.10",
                                    "mac_addresses": ["02-00-00-00-00-0A"],
                                },
                            }
                        ],
                    }
                ],
            }
        ]
    }
    with pytest.raises(ixf.IxfError, match="timestamp"):
        ixf.load({**doc, "version": "1.0"}, ixf.ImportReport())  # the registry's reading
    document = ixf.load(doc, ixf.ImportReport(), complete=False, duplicates="keep")
    exchange = ixf.members_exchange(document, "sxm")
    (member,) = exchange.members
    assert member.asn == 64501 and member.name == "AS64501"
    assert member.addresses[0].vlan == 10 and member.addresses[0].macs == ("02:00:00:00:00:0a",)
    bad = json.loads(json.dumps(doc))
    bad["member_list"][0]["connection_list"][0]["vlan_list"][0]["ipv4"]["mac_addresses"] = [
        "01:00:5e:00:00:01"
    ]
    with pytest.raises(ixf.IxfError, match="multicast"):
        ixf.load(bad, ixf.ImportReport(), complete=False)


def test_exchanges_for_the_territory_engine(tmp_path: Path) -> None:
    (exchange,) = read_ixf(FIXTURES / "ams-like-1.0.json")
    assert (exchange.name, exchange.slug, exchange.country, exchange.ixf_id) == (
        "EX-IX",
        "ex-ix",
        "NL",
        2,
    )
    assert {lan.name for lan in exchange.lans} == {"ISP", "GRX"}
    streaming = exchange.member(65505)
    assert streaming is not None and len(streaming.addresses) == 2
    assert str(streaming.addresses[0].ipv4) == "80.249.208.250"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_doc(asnum="AS²")))
    with pytest.raises(SourceError) as caught:
        read_ixf(bad)
    assert str(caught.value).startswith(f"{bad}:member_list[0].asnum: ")


def test_the_vocabulary_rules_the_reader_applies() -> None:
    for spelling in ("00-1B-21-3A-4F-5C", "001b.213a.4f5c", "001b213a4f5c", "00:1b:21:3a:4f:5c"):
        assert vocabulary.normalise_mac(spelling) == "00:1b:21:3a:4f:5c"
    for bad in ("00:1b:21:3a:4f", "01:00:5e:00:00:01", "00:00:00:00:00:00", "zz:1b:21:3a:4f:5c"):
        with pytest.raises(vocabulary.VocabularyError):
            vocabulary.normalise_mac(bad)
    net = ipaddress.ip_network("192.0.2.0/24")
    assert vocabulary.reserved_address_problem(ipaddress.ip_address("192.0.2.0"), net)
    assert vocabulary.reserved_address_problem(ipaddress.ip_address("192.0.2.255"), net)
    assert vocabulary.reserved_address_problem(ipaddress.ip_address("192.0.2.1"), net) is None
    for url in ("https://example.net/", "http://192.0.2.1:8080/x", "https://[2001:db8::1]/"):
        assert vocabulary.is_url(url), url
    for url in ("example.net", "javascript:alert(1)", "https://exa mple.net/", "http://999.1.1.1/"):
        assert not vocabulary.is_url(url), url
    assert vocabulary.is_email("noc@example.net") and not vocabulary.is_email("noc@localhost")
    assert not vocabulary.is_email("a b@example.net") and not vocabulary.is_email("@example.net")


def test_the_registrys_validators_wrap_the_vocabulary() -> None:
    from django.core.exceptions import ValidationError

    from lakou.registry import models as m

    assert m.normalise_mac("001B.213A.4F5C") == "00:1b:21:3a:4f:5c"
    with pytest.raises(ValidationError) as caught:
        m.normalise_mac("01:00:5e:00:00:01")
    with pytest.raises(vocabulary.VocabularyError) as plain:
        vocabulary.normalise_mac("01:00:5e:00:00:01")
    assert caught.value.messages == [str(plain.value)]
    assert m.reserved_address_problem is vocabulary.reserved_address_problem
