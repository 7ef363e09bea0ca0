"""The registry's view for port traffic: switches to poll, members' ports, registered MACs.

The registry turns its rows into the port engine's plain objects (a
:class:`lakou.ports.config.PortsConfig` and dictionaries), so ``lakou ports`` can run from
the registry as well as from a switches file.
"""

from __future__ import annotations

from lakou.ports.config import PortsConfig, Switch
from lakou.registry import models as m


def member_label(member: m.Member) -> str:
    return f"AS{member.network.asn}"


def ports_config(exchange_slug: str, **settings: object) -> PortsConfig:
    """Switches with SNMP settings (or sFlow counters) and each member's ports or LAGs."""
    exchange = m.Exchange.objects.get(slug=exchange_slug)
    switches = []
    for sw in exchange.switches.all():
        address = sw.snmp_address or sw.management_ip
        if not address or not (sw.snmp_version or sw.counters_from == "sflow"):
            continue
        switches.append(
            Switch.model_validate(
                {
                    "name": sw.name,
                    "host": str(address),
                    "port": sw.snmp_port,
                    "version": sw.snmp_version or "2c",
                    "community": sw.snmp_community,
                    "user": sw.snmp_user,
                    "auth_protocol": sw.snmp_auth_protocol or "SHA",
                    "auth_password": sw.snmp_auth_password,
                    "priv_protocol": sw.snmp_priv_protocol or "AES",
                    "priv_password": sw.snmp_priv_password,
                    "counters_from": sw.counters_from,
                    "sflow_agent": str(sw.sflow_agent or ""),
                    "poll": bool(sw.snmp_version),
                }
            )
        )
    polled = {s.name for s in switches}
    members: dict[str, list[str]] = {}
    for port in m.Port.objects.filter(switch__exchange=exchange).select_related(
        "switch", "connection__member__network"
    ):
        if port.switch.name not in polled:
            continue
        label = member_label(port.connection.member)
        lag = port.connection.lag_interface
        name = f"{port.switch.name}:{lag or port.name}"
        if name not in members.setdefault(label, []):
            members[label].append(name)
    return PortsConfig.model_validate({"switches": switches, "members": members, **settings})


def port_members(exchange_slug: str) -> dict[tuple[str, str], str]:
    """(switch, port name) -> member, LAG interfaces and their member ports alike."""
    out: dict[tuple[str, str], str] = {}
    for port in m.Port.objects.filter(switch__exchange__slug=exchange_slug).select_related(
        "switch", "connection__member__network"
    ):
        label = member_label(port.connection.member)
        out[(port.switch.name, port.name)] = label
        if port.connection.lag_interface:
            out[(port.switch.name, port.connection.lag_interface)] = label
    return out


def registered_macs(exchange_slug: str) -> dict[str, str]:
    """MAC -> member, for the MACs configured (not learned) on the exchange's LANs."""
    rows = m.MacAddress.objects.filter(lan__exchange__slug=exchange_slug, learned=False)
    return {
        row.mac: member_label(row.address.connection.member)
        for row in rows.select_related("address__connection__member__network")
    }
