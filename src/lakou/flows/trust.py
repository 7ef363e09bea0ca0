"""Which sources the collector believes: the exchange's exporters, and no stranger.

Anyone can send a UDP datagram to the collector, and a spoofed one written to the store
would change the public traffic pages. So the inlet takes datagrams only from exporters
it knows: the registry's switches (their management addresses), the exporters named in
``flows.exporters``, the addresses and prefixes of ``flows.allowed_exporters`` and of
``lakou flows collect --allow-exporter``. Datagrams from other sources are counted per
source (``unknown_exporter``, bounded: :class:`~lakou.flows.counters.TopSources`) and
dropped before any decoding. Replays of captures are not filtered: the operator chose
the file.

The check in the hot path is one set lookup: an address once found inside an allowed
prefix is remembered (up to ``remember`` addresses, so a /8 cannot grow memory either),
and only unknown sources pay the prefix walk.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from lakou.i18n import gettext as _

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ExporterListError(ValueError):
    """An allow-list entry that is no address or prefix; the message names it."""


def parse_exporter(text: str, where: str) -> Network:
    """An address or prefix (``192.0.2.1``, ``2001:db8::/48``); ``where`` names its origin."""
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ExporterListError(
            _("{where}: {text!r} is not an IP address or prefix").format(where=where, text=text)
        ) from None
    if isinstance(net, ipaddress.IPv6Network) and net.prefixlen >= 96:
        mapped = net.network_address.ipv4_mapped
        if mapped is not None:  # the inlet sees ::ffff:192.0.2.1 as 192.0.2.1
            return ipaddress.IPv4Network((mapped, net.prefixlen - 96))
    return net


@dataclass
class ExporterAllowList:
    """Addresses and prefixes allowed to send flows; :meth:`allows` is the inlet's check."""

    networks: tuple[Network, ...] = ()
    remember: int = 65536
    known: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for net in self.networks:
            if net.num_addresses == 1:
                self.known.add(str(net.network_address))

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str]]) -> ExporterAllowList:
        """From (text, where it comes from) pairs; raises :class:`ExporterListError`."""
        nets: list[Network] = []
        for text, where in entries:
            net = parse_exporter(text, where)
            if net not in nets:
                nets.append(net)
        return cls(tuple(nets))

    def __bool__(self) -> bool:
        return bool(self.networks)

    def allows(self, host: str) -> bool:
        if host in self.known:
            return True
        try:
            address = ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return False
        if not any(address in net for net in self.networks if net.version == address.version):
            return False
        if len(self.known) < self.remember:
            self.known.add(host)
        return True

    def describe(self) -> list[str]:
        return [str(n.network_address) if n.num_addresses == 1 else str(n) for n in self.networks]
