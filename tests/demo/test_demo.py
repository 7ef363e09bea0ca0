"""The demo loader: idempotent, valid rows, real networks, invented infrastructure."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from lakou import demo
from lakou.demo import data as demo_data
from lakou.registry import models as m
from lakou.registry.testing import row_counts

pytestmark = pytest.mark.django_db


def test_load_is_idempotent() -> None:
    first = demo.load_demo()
    after_first = row_counts()
    assert first.created["exchanges"] == 3 and first.created["members"] == after_first["Member"]
    second = demo.load_demo()
    assert row_counts() == after_first
    assert sum(second.created.values()) == 0
    assert second.totals == first.totals


def test_load_repairs_an_edited_row() -> None:
    demo.load_demo()
    m.Network.objects.filter(asn=33392).update(name="renamed")
    m.Member.objects.filter(network__asn=988).delete()
    summary = demo.load_demo()
    assert m.Network.objects.get(asn=33392).name == "Dauphin Telecom"
    assert summary.created["members"] == 1


def test_shape_of_the_demo() -> None:
    demo.load_demo()
    exchanges = {ex.slug: ex for ex in m.Exchange.objects.all()}
    assert set(exchanges) == {"demo-saint-martin", "demo-saint-barth", "demo-sint-maarten"}
    assert all(ex.demo for ex in exchanges.values())
    sxm = exchanges["demo-sint-maarten"]
    assert {b.slug for b in sxm.bridged_to.all()} == {"demo-saint-martin", "demo-saint-barth"}
    assert {b.slug for b in exchanges["demo-saint-martin"].bridged_to.all()} == {sxm.slug}
    # OCIX's real peering LAN (PeeringDB ixpfx 484/485)
    lan = sxm.lans.get()
    assert (lan.ipv4_prefix, lan.ipv6_prefix) == ("200.0.22.0/23", "2001:13c7:6002::/48")
    for ex in exchanges.values():
        rs = list(ex.route_servers.all())
        assert len(rs) == 2 and {r.daemon for r in rs} == {"bird2"}
        assert ex.switches.count() >= 1 and ex.members.count() >= 4
    # the territories' real operators
    assert m.Member.objects.filter(exchange__slug="demo-saint-martin", network__asn=33392).exists()
    assert m.Member.objects.filter(exchange__slug="demo-sint-maarten", network__asn=27781).exists()
    assert m.Member.objects.filter(exchange__slug="demo-saint-barth", network__asn=215931).exists()


def test_every_row_is_valid_and_addresses_fit_their_lan() -> None:
    demo.load_demo()
    for model in (
        m.Exchange,
        m.PeeringLan,
        m.Network,
        m.Member,
        m.Port,
        m.PeeringLanAddress,
        m.MacAddress,
        m.RouteServer,
        m.RouteServerSession,
    ):
        for obj in model.objects.all():
            obj.full_clean()
    for addr in m.PeeringLanAddress.objects.select_related("lan"):
        assert ipaddress.ip_address(addr.ipv4) in ipaddress.ip_network(addr.lan.ipv4_prefix)
        assert addr.ipv6 == m.PeeringLanAddress.derive_ipv6(
            addr.ipv4, addr.lan.ipv4_prefix, addr.lan.ipv6_prefix
        )
    for mac in m.MacAddress.objects.all():
        first = int(mac.mac[:2], 16)
        assert first & 0b10 and not first & 0b01  # locally administered, unicast
    for rs in m.RouteServer.objects.all():
        assert 64496 <= rs.asn <= 64511  # documentation ASNs (RFC 5398): invented
    # every member on the route servers has a session per family with both route servers
    for addr in m.PeeringLanAddress.objects.filter(rs_sessions__isnull=False).distinct():
        assert addr.rs_sessions.count() == 4


def test_fact_tables_are_small_and_labelled() -> None:
    total = 0
    for name in ("networks.csv", "prefixes.csv", "members.csv"):
        text = demo_data._read_text(name)
        assert text.startswith("# DEMO DATA")
        rows = demo.read_table(name)
        total += len(rows)
    assert total <= 300
    prefixes = demo.demo_prefixes()
    assert "200.0.22.0/23" in prefixes[27974]
    for asn, items in prefixes.items():
        for prefix in items:
            net = ipaddress.ip_network(prefix)
            assert net.is_global, (asn, prefix)


def test_malformed_table_names_file_and_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_data, "_read_text", lambda name: "# c\na,b\n1,2\n3\n")
    with pytest.raises(demo.DemoDataError, match=r"networks.csv:4: 1 columns, expected 2"):
        demo.read_table("networks.csv")
    monkeypatch.setattr(demo_data, "_read_text", lambda name: "exchanges: [")
    with pytest.raises(demo.DemoDataError, match=r"exchanges\.yml: not valid YAML"):
        demo.read_exchanges()


def test_demo_user_is_staff() -> None:
    from django.contrib.auth import authenticate

    user, password = demo.ensure_demo_user()
    demo.ensure_demo_user()
    account = authenticate(username=user, password=password)
    assert account is not None and account.is_staff


# --------------------------------------------------------------------------- demo traffic
END = 1_795_305_600  # a midnight UTC (2026-11-22)


def _store_files(path: Path) -> dict[str, int]:
    return {str(p.relative_to(path)): p.stat().st_size for p in path.rglob("*") if p.is_file()}


def test_demo_traffic_is_idempotent_and_deterministic(tmp_path: Path) -> None:
    from lakou.demo.traffic import MARKER, load_demo_traffic, read_marker
    from lakou.flows.config import Config
    from lakou.flows.reporting import build_report
    from lakou.flows.store import ParquetStore
    from lakou.registry.engines import all_exchanges

    demo.load_demo()
    exchanges = all_exchanges()
    store = tmp_path / "flows"
    first = load_demo_traffic(store, exchanges, end=END, days=1)
    assert first.status == "created" and first.samples > 10_000
    assert first.counters["sflow_samples"] == first.samples
    assert not first.counters.get("datagrams_malformed")
    files = _store_files(store)
    assert MARKER in files and read_marker(store)["samples"] == first.samples  # type: ignore[index]
    again = load_demo_traffic(store, exchanges, end=END, days=1)
    assert again.status == "unchanged" and again.samples == first.samples
    assert _store_files(store) == files  # nothing added, nothing rewritten

    def report(path: Path) -> dict[str, object]:
        return build_report(ParquetStore(path), Config(), END - 86400, END, now=END).as_dict()

    week_one = report(store)
    assert week_one["totals"]["samples"] == first.samples  # type: ignore[index]
    assert week_one["period"]["since"] == END - 86400  # type: ignore[index]
    # the same day made again elsewhere: the same figures
    other = tmp_path / "other"
    load_demo_traffic(other, exchanges, end=END, days=1)
    assert report(other) == week_one
    # a later day replaces the store whole: the old day is gone, nothing is doubled
    later = load_demo_traffic(store, exchanges, end=END + 86400, days=1)
    assert later.status == "created"
    assert ParquetStore(store).time_range() == (END, END + 86400 - 60)
    assert build_report(ParquetStore(store), Config(), 0, END + 86400).totals.samples == (
        later.samples
    )
    assert not list(tmp_path.glob(".flows.demo-*"))


def test_demo_traffic_shape(tmp_path: Path) -> None:
    """Local traffic between the members of each exchange, foreign content via the transit
    member: a local share strictly between 0 and 1, content networks to invite."""
    from lakou.demo.traffic import TRANSIT, load_demo_traffic
    from lakou.flows.config import Config
    from lakou.flows.reporting import build_exchange_reports
    from lakou.flows.store import ParquetStore
    from lakou.registry.engines import all_exchanges

    demo.load_demo()
    exchanges = all_exchanges()
    load_demo_traffic(tmp_path / "flows", exchanges, end=END, days=1)
    wanted = {ex.slug: [mm.asn for mm in ex.members] for ex in exchanges}
    out = build_exchange_reports(
        ParquetStore(tmp_path / "flows"), Config(), END - 86400, END, wanted, now=END
    )
    for slug, traffic in out.items():
        report = traffic.report.as_dict()
        assert 0.3 < report["local"]["local_share"] < 0.9, slug
        assert report["invite"][0]["asn"] == 15169
        assert report["totals"]["ixp_unattributed_bytes"] == 0  # every MAC is a member's
        top = max(report["members"], key=lambda r: r["out_bytes"])
        assert top["asn"] == TRANSIT[slug]
        members = {mm.asn for ex in exchanges if ex.slug == slug for mm in ex.members}
        assert {r["asn"] for r in report["members"]} == members
        # an evening peak (Atlantic time): the busiest hour is between 18:00 and 24:00 local
        bps = traffic.series["bps"]
        busiest = bps.index(max(bps)) * 300 // 3600
        assert busiest >= 22 or busiest <= 4, slug


def test_demo_traffic_leaves_other_data_alone(tmp_path: Path) -> None:
    from lakou.demo.traffic import load_demo_traffic
    from lakou.registry.engines import all_exchanges

    demo.load_demo()
    store = tmp_path / "flows"
    (store / "minute" / "day=2026-11-20").mkdir(parents=True)
    real = store / "minute" / "day=2026-11-20" / "part-1.parquet"
    real.write_bytes(b"a real collector's file")
    result = load_demo_traffic(store, all_exchanges(), end=END, days=1)
    assert result.status == "skipped" and "did not make" in result.reason
    assert real.read_bytes() == b"a real collector's file"
    assert _store_files(store) == {"minute/day=2026-11-20/part-1.parquet": 23}


@pytest.mark.django_db(transaction=True)
def test_demo_command_loads_a_week_of_traffic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from lakou.cli import main
    from lakou.demo.traffic import read_marker

    store = tmp_path / "flows"
    monkeypatch.setenv("LAKOU_FLOWS__STORE_DIR", str(store))
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "--load-only"])
    assert first.exit_code == 0, first.output
    assert f"Demo traffic loaded into {store}: a week of synthetic sFlow" in first.output
    marker = read_marker(store)
    assert marker is not None and marker["until"] - marker["since"] == 7 * 86400
    again = runner.invoke(main, ["demo", "--load-only"])
    assert again.exit_code == 0, again.output
    assert f"Demo traffic already in {store}: {marker['samples']} sFlow samples" in again.output
