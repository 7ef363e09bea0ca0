"""The poller against Debian's net-snmp agent: its counters equal snmpbulkwalk's (v2c, v3)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.ports.config import Switch
from lakou.ports.counters import OK, rate
from lakou.ports.snmp import poll_switch
from lakou.ports.testing import V3_AUTH, V3_PRIV, V3_USER, Agent, snmpbulkwalk

pytestmark = pytest.mark.live

HC_IN = "1.3.6.1.2.1.31.1.1.1.6"
HC_OUT = "1.3.6.1.2.1.31.1.1.1.10"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15"
OPER = "1.3.6.1.2.1.2.2.1.8"


def _reference(agent: Agent, auth: list[str]) -> dict[str, dict[int, str]]:
    out = {}
    for oid in (HC_IN, HC_OUT, IF_NAME, HIGH_SPEED, OPER):
        out[oid] = {
            int(k.rsplit(".", 1)[1]): v for k, v in snmpbulkwalk(agent.target, auth, oid).items()
        }
    return out


def _check_against_snmpbulkwalk(agent: Agent, switch: Switch, auth: list[str]) -> None:
    # Loopback counters move with our own SNMP traffic: walk before and after the poll
    # and require the poller's value between the two (equal on every idle interface).
    before = _reference(agent, auth)
    polled = poll_switch(switch)
    after = _reference(agent, auth)
    assert polled.ok, polled.error
    assert {p.ifindex for p in polled.ports} == set(before[IF_NAME])
    statuses = {"1": "up", "2": "down"}
    for p in polled.ports:
        assert p.name == before[IF_NAME][p.ifindex] == after[IF_NAME][p.ifindex]
        assert p.speed_mbps == int(before[HIGH_SPEED][p.ifindex])
        assert p.oper_status == statuses.get(before[OPER][p.ifindex], p.oper_status)
        for oid, value in ((HC_IN, p.in_octets), (HC_OUT, p.out_octets)):
            assert value is not None
            assert int(before[oid][p.ifindex]) <= value <= int(after[oid][p.ifindex])
    assert polled.uptime is not None and polled.uptime > 0


def test_v2c_counters_equal_snmpbulkwalk(snmpd: Agent) -> None:
    switch = Switch(host="127.0.0.1", port=snmpd.port, community=snmpd.community)
    _check_against_snmpbulkwalk(snmpd, switch, ["-v2c", "-c", snmpd.community])


def test_v3_authpriv_counters_equal_snmpbulkwalk(snmpd: Agent) -> None:
    switch = Switch(
        host="127.0.0.1",
        port=snmpd.port,
        version="3",
        user=V3_USER,
        auth_password=V3_AUTH,
        priv_password=V3_PRIV,
    )
    auth = ["-v3", "-l", "authPriv", "-u", V3_USER, "-a", "SHA", "-A", V3_AUTH]
    _check_against_snmpbulkwalk(snmpd, switch, [*auth, "-x", "AES", "-X", V3_PRIV])


def test_v3_wrong_password_is_an_error_not_an_empty_poll(snmpd: Agent) -> None:
    switch = Switch(
        host="127.0.0.1",
        port=snmpd.port,
        version="3",
        user=V3_USER,
        auth_password="not-the-pass-phrase",
        priv_password=V3_PRIV,
        timeout=0.5,
        retries=0,
    )
    result = poll_switch(switch)
    assert not result.ok and result.ports == []


def test_rates_between_two_polls_follow_the_counters(snmpd: Agent) -> None:
    switch = Switch(host="127.0.0.1", port=snmpd.port, community=snmpd.community)
    first, second = poll_switch(switch), poll_switch(switch)
    assert first.ok and second.ok
    for a, b in zip(first.ports, second.ports, strict=True):
        r = rate(a, b, max_gap=300)
        assert r.reason == OK
        assert a.in_octets is not None and b.in_octets is not None
        assert r.in_bps == pytest.approx((b.in_octets - a.in_octets) * 8 / (b.time - a.time))


def test_cli_poll_json_has_the_acceptance_fields(snmpd: Agent) -> None:
    result = CliRunner().invoke(
        main, ["ports", "poll", snmpd.target, "--community", snmpd.community, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    reference = snmpbulkwalk(snmpd.target, ["-v2c", "-c", snmpd.community], IF_NAME)
    assert [r["name"] for r in rows] == list(reference.values())
    for row in rows:
        assert {"ifindex", "name", "in_octets", "out_octets", "oper_status", "speed_mbps"} <= set(
            row
        )
        assert isinstance(row["in_octets"], int) and isinstance(row["ifindex"], int)


def test_cli_poll_v3_table(snmpd: Agent) -> None:
    result = CliRunner().invoke(
        main,
        [
            *("ports", "poll", snmpd.target, "--user", V3_USER, "--auth-password", V3_AUTH),
            *("--priv-password", V3_PRIV, "--format", "table"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert " lo " in result.output
