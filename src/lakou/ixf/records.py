"""The records of an IX-F document as lakou reads it: what :mod:`lakou.ixf.reader` returns.

Plain dataclasses, one per object of the document (exchange, switch, VLAN, member,
connection, port, VLAN interface, address family), each with the JSON ``path`` it was read
at, so whoever uses a record (the registry's import, the engines' views) can name the
place of a problem in the document. References are resolved: a connection holds its
exchange's record, a port its switch's, an interface its VLAN's.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class VlanDoc:
    path: str
    doc_id: int
    name: str | None
    ipv4: ipaddress.IPv4Network | None
    ipv6: ipaddress.IPv6Network | None
    listed: bool = True  # False: named by a connection but not in ``ixp_list`` (members view)


@dataclass
class SwitchDoc:
    path: str
    doc_id: int
    name: str
    colo: str | None = None
    city: str | None = None
    country: str | None = None
    pdb_facility_id: int | None = None
    manufacturer: str | None = None
    model: str | None = None
    software: str | None = None
    explicit_id: bool = True  # False: the document gave no id (older versions)
    listed: bool = True  # False: named by a port but not in ``ixp_list`` (members view)


@dataclass
class IxpDoc:
    path: str
    ixp_id: int
    ixf_id: int | None
    shortname: str
    fields: dict[str, Any]  # model field -> value, only for keys present in the document
    switches: dict[int, SwitchDoc] = field(default_factory=dict)
    vlans: dict[int, VlanDoc] = field(default_factory=dict)
    listed: bool = True  # False: named by a connection but not in ``ixp_list`` (members view)


@dataclass
class FamilyDoc:
    path: str
    address: str
    as_macro: str | None = None
    max_prefix: int | None = None
    routeserver: bool | None = None
    macs: list[tuple[str, str]] = field(default_factory=list)  # (path, normalised MAC)
    service: str | None = None  # "ixrouteserver", "ixroutecollector" or None
    daemon: str | None = None
    daemon_version: str | None = None


@dataclass
class VlanIfDoc:
    path: str
    vlan: VlanDoc
    ipv4: FamilyDoc | None
    ipv6: FamilyDoc | None
    vlan_id: int | None = None  # as written (None: the document left it out)

    # read many times per interface by the importer: computed once, when the record is made
    # (it is not changed after it is read)
    families: list[FamilyDoc] = field(init=False, repr=False, compare=False)
    service: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.families = [f for f in (self.ipv4, self.ipv6) if f is not None]
        services = {f.service for f in self.families if f.service}
        self.service = services.pop() if services else None


@dataclass
class PortDoc:
    path: str
    switch: SwitchDoc
    speed: int


@dataclass
class ConnectionDoc:
    path: str
    ixp: IxpDoc
    state: str
    ports: list[PortDoc]
    vlans: list[VlanIfDoc]
    ixp_id: int | None = None  # as written (None: the document left it out)


@dataclass
class MemberDoc:
    path: str
    asnum: int
    member_type: str
    name: str | None
    url: str | None
    policy: str | None
    member_since: date | None
    contact_emails: list[str] | None
    contact_phones: list[str] | None
    connections: list[ConnectionDoc]
    routeserver_type: bool = False  # 0.6 member type "routeserver"


@dataclass
class Document:
    version: str
    ixps: list[IxpDoc]
    members: list[MemberDoc]
