"""Exchanges, their peering LANs and their members' router addresses, from PeeringDB,
the PCH IXP directory and IX-F Member Export files, merged into one :class:`IxpDirectory`.

PeeringDB comes as API objects (``{"data": [...]}``): ``ix`` (the exchange), ``ixlan``
(its LANs), ``ixpfx`` (LAN prefixes) and ``netixlan`` (a network's addresses on a LAN).
PCH publishes three CSV files: ``ixp_exchange`` (id, region, country name, city...),
``ixp_subnets`` (exchange id, short name, subnet) and ``ixp_membership`` (subnet,
router IP, ASN). Real PCH rows carry typos (``200.0.22.0.0/23``, IPv6 prefixes missing
their first group): they are reported with their line and dropped, never guessed at.

An exchange seen by both PeeringDB and PCH is merged when they share a LAN prefix, so
one exchange gets one name however many sources describe it.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakou.exchange import Exchange
from lakou.i18n import gettext as _
from lakou.territory.index import PrefixIndex
from lakou.territory.sources.common import Counters, SourceError, open_text


@dataclass
class Ixp:
    """An exchange as the public directories describe it."""

    key: str  # "pdb:260", "pch:987", "lakou:smart-ix"
    name: str
    country: str = ""  # ISO code when the source gives one
    city: str = ""
    prefixes: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class IxpMemberAddress:
    """A member router's address on an exchange LAN: the traIXroute "IXP IP → ASN" map."""

    ixp: str
    asn: int
    ip: str
    source: str


@dataclass
class IxpDirectory:
    exchanges: dict[str, Ixp] = field(default_factory=dict)
    members: list[IxpMemberAddress] = field(default_factory=list)
    counters: dict[str, Counters] = field(default_factory=dict)
    # LAN prefix -> (rank, key) of the first exchange (in insertion order) holding it, so
    # that finding where an exchange merges costs a look-up per prefix, not a scan of all
    _owners: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False, compare=False)
    _ranks: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------ merging
    def add(self, ixp: Ixp) -> str:
        """Add an exchange, merging it into one already known on a shared LAN prefix.

        Returns the key it is known under (its own, or the exchange it merged into).
        """
        return self.add_all([ixp])[ixp.key]

    def add_all(self, ixps: Iterable[Ixp]) -> dict[str, str]:
        """:meth:`add` each exchange in turn; the members are re-keyed in one pass.

        Returns each exchange's key -> the key it is known under.
        """
        landed: dict[str, str] = {}
        renamed: dict[str, str] = {}
        for ixp in ixps:
            if len(self._ranks) != len(self.exchanges):
                self._index_owners()  # exchanges given to the constructor
            found = [self._owners[p] for p in ixp.prefixes if p in self._owners]
            if not found:
                replaced = ixp.key in self.exchanges
                self.exchanges[ixp.key] = ixp
                if replaced:  # the same key given twice: the last one stands
                    self._index_owners()
                else:
                    self._ranks[ixp.key] = len(self._ranks)
                    self._own(ixp.key, ixp.prefixes)
                landed[ixp.key] = ixp.key
                continue
            known = self.exchanges[min(found)[1]]  # the first known one sharing a prefix
            known.prefixes |= ixp.prefixes
            known.sources |= ixp.sources
            known.aliases |= {ixp.key, ixp.name} | ixp.aliases
            known.country = known.country or ixp.country
            known.city = known.city or ixp.city
            self._own(known.key, ixp.prefixes)
            landed[ixp.key] = renamed[ixp.key] = known.key
        if renamed:
            self.members = [
                IxpMemberAddress(renamed[m.ixp], m.asn, m.ip, m.source) if m.ixp in renamed else m
                for m in self.members
            ]
        return landed

    def _index_owners(self) -> None:
        self._ranks = {key: rank for rank, key in enumerate(self.exchanges)}
        self._owners = {}
        for key, ixp in self.exchanges.items():
            self._own(key, ixp.prefixes)

    def _own(self, key: str, prefixes: Iterable[str]) -> None:
        owner = (self._ranks[key], key)
        for prefix in prefixes:
            if owner < self._owners.get(prefix, (len(self._ranks), "")):
                self._owners[prefix] = owner

    def merge(self, other: IxpDirectory) -> None:
        keys = self.add_all(other.exchanges.values())
        self.members += [
            IxpMemberAddress(keys.get(m.ixp, m.ixp), m.asn, m.ip, m.source) for m in other.members
        ]
        self.counters.update(other.counters)

    # ------------------------------------------------------------ views
    def lan_index(self) -> tuple[PrefixIndex, list[str]]:
        """A prefix index of every peering LAN; row i belongs to exchange ``keys[i]``."""
        rows: list[tuple[str, int | None, str | None]] = []
        keys: list[str] = []
        for ixp in self.exchanges.values():
            for prefix in sorted(ixp.prefixes):
                rows.append((prefix, None, ixp.country or None))
                keys.append(ixp.key)
        return PrefixIndex.from_rows(rows, source="ixp-lans"), keys

    def member_map(self) -> dict[str, tuple[str, int]]:
        """Router IP → (exchange key, ASN); PeeringDB wins over PCH on a conflict."""
        ranked = sorted(self.members, key=lambda m: m.source != "peeringdb", reverse=True)
        return {m.ip: (m.ixp, m.asn) for m in ranked}

    def name(self, key: str) -> str:
        ixp = self.exchanges.get(key)
        return ixp.name if ixp else key


def _network(text: str) -> str:
    return str(ipaddress.ip_network(text.strip(), strict=False))


_CANONICAL_V4 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
                           r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")  # fmt: skip


def _address(text: str) -> str:
    """``str(ipaddress.ip_address(text))``, without its cost for the usual spellings.

    A dotted quad already canonical is returned as is; IPv6 goes through ``inet_pton``
    and ``inet_ntop``, which write what ``ipaddress`` writes unless they answer with an
    embedded dotted quad. Anything else (and every error) is ``ipaddress``'s to judge.
    """
    if _CANONICAL_V4.fullmatch(text):
        return text
    if ":" in text and "%" not in text:
        try:
            written = socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, text))
        except (OSError, ValueError):
            written = "."
        if "." not in written:
            return written
    return str(ipaddress.ip_address(text))


def _load_api(path: Path) -> list[dict[str, Any]]:
    try:
        with open_text(path) as handle:
            document = json.load(handle)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{path}:{exc.lineno}", _("not JSON: {error}").format(error=exc.msg)
        ) from None
    data = document.get("data") if isinstance(document, dict) else document
    if not isinstance(data, list):
        raise SourceError(str(path), _("expected a PeeringDB object list under 'data'"))
    return [d for d in data if isinstance(d, dict)]


# ------------------------------------------------------------------ PeeringDB
def read_peeringdb(
    ix: str | Path,
    ixlan: str | Path,
    ixpfx: str | Path,
    netixlan: str | Path | None = None,
    *,
    strict: bool = False,
) -> IxpDirectory:
    """PeeringDB ``ix``, ``ixlan``, ``ixpfx`` (and optionally ``netixlan``) API dumps."""
    directory = IxpDirectory()
    counters = directory.counters.setdefault("peeringdb", Counters())
    exchanges: dict[int, Ixp] = {}
    for i, obj in enumerate(_load_api(Path(ix))):
        counters.read += 1
        try:
            ix_id = int(obj["id"])
            exchanges[ix_id] = Ixp(
                f"pdb:{ix_id}",
                str(obj.get("name") or obj.get("name_long") or ix_id),
                str(obj.get("country") or "").upper(),
                str(obj.get("city") or ""),
                sources={"peeringdb"},
            )
        except (KeyError, TypeError, ValueError) as exc:
            _drop(counters, f"{ix}:data[{i}]", exc, strict)
    lan_to_ix: dict[int, int] = {}
    for i, obj in enumerate(_load_api(Path(ixlan))):
        try:
            lan_to_ix[int(obj["id"])] = int(obj["ix_id"])
        except (KeyError, TypeError, ValueError) as exc:
            _drop(counters, f"{ixlan}:data[{i}]", exc, strict)
    for i, obj in enumerate(_load_api(Path(ixpfx))):
        counters.read += 1
        try:
            if obj.get("status", "ok") != "ok":
                counters.drop("status")
                continue
            exchanges[lan_to_ix[int(obj["ixlan_id"])]].prefixes.add(_network(obj["prefix"]))
        except (KeyError, TypeError, ValueError) as exc:
            _drop(counters, f"{ixpfx}:data[{i}]", exc, strict)
    if netixlan is not None:
        for i, obj in enumerate(_load_api(Path(netixlan))):
            counters.read += 1
            try:
                ix_id = int(obj.get("ix_id") or lan_to_ix[int(obj["ixlan_id"])])
                asn = int(obj["asn"])
                for family in ("ipaddr4", "ipaddr6"):
                    if obj.get(family):
                        ip = _address(str(obj[family]).strip())
                        directory.members.append(
                            IxpMemberAddress(f"pdb:{ix_id}", asn, ip, "peeringdb")
                        )
            except (KeyError, TypeError, ValueError) as exc:
                _drop(counters, f"{netixlan}:data[{i}]", exc, strict)
    directory.add_all(exchanges.values())
    return directory


def _drop(counters: Counters, place: str, exc: Exception, strict: bool) -> None:
    error = SourceError(place, _("malformed object: {error}").format(error=exc))
    if strict:
        raise error from None
    counters.drop("malformed", str(error))


# ------------------------------------------------------------------ PCH
def _pch_rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    with open_text(path) as handle:
        reader = csv.DictReader(handle, skipinitialspace=True)
        if reader.fieldnames is None:
            raise SourceError(f"{path}:1", _("empty file"))
        reader.fieldnames = [f.strip() for f in reader.fieldnames]
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def read_pch(
    exchanges: str | Path,
    subnets: str | Path,
    membership: str | Path | None = None,
    *,
    strict: bool = False,
    country_codes: dict[str, str] | None = None,
) -> IxpDirectory:
    """The PCH IXP directory CSVs. ``country_codes`` maps PCH country names to ISO codes."""
    directory = IxpDirectory()
    counters = directory.counters.setdefault("pch", Counters())
    codes = {k.lower(): v for k, v in (country_codes or PCH_COUNTRIES).items()}
    found: dict[str, Ixp] = {}
    path = Path(exchanges)
    for line, row in _pch_rows(path):
        counters.read += 1
        ix_id = row.get("exchange_point_id", "")
        if not ix_id.isdigit():
            _fail(counters, f"{path}:{line}", _("exchange_point_id is not a number"), strict)
            continue
        country = codes.get(row.get("country", "").lower(), "")
        found[ix_id] = Ixp(
            f"pch:{ix_id}",
            row.get("long_name", ix_id),
            country,
            row.get("city", ""),
            sources={"pch"},
        )
    subnet_to_ix: dict[str, str] = {}
    path = Path(subnets)
    for line, row in _pch_rows(path):
        counters.read += 1
        ix_id = row.get("exchange_point_id", "")
        if not row.get("subnet"):
            counters.drop("no subnet")  # a directory row for an exchange without a LAN yet
            continue
        try:
            prefix = _network(row.get("subnet", ""))
        except ValueError:
            _fail(
                counters,
                f"{path}:{line}",
                _("bad subnet {s!r}").format(s=row.get("subnet")),
                strict,
            )
            continue
        ixp = found.setdefault(
            ix_id, Ixp(f"pch:{ix_id}", row.get("short_name", ix_id), sources={"pch"})
        )
        if row.get("short_name"):
            ixp.aliases.add(row["short_name"])
        ixp.prefixes.add(prefix)
        subnet_to_ix[prefix] = ix_id
    if membership is not None:
        path = Path(membership)
        for line, row in _pch_rows(path):
            counters.read += 1
            if not row.get("asn"):
                counters.drop("member without ASN")
                continue
            try:
                prefix = _network(row.get("subnet", ""))
                ip = _address(row.get("ip", ""))
                asn = int(row.get("asn", ""))
            except ValueError as exc:
                _fail(counters, f"{path}:{line}", str(exc), strict)
                continue
            owner = subnet_to_ix.get(prefix)
            if owner is None:
                counters.drop("unknown subnet")
                continue
            directory.members.append(IxpMemberAddress(f"pch:{owner}", asn, ip, "pch"))
    for ixp in found.values():
        if not ixp.prefixes:
            counters.drop("exchange without subnet")
    directory.add_all(ixp for ixp in found.values() if ixp.prefixes)
    return directory


def _fail(counters: Counters, place: str, message: str, strict: bool) -> None:
    error = SourceError(place, message)
    if strict:
        raise error
    counters.drop("malformed", str(error))


# ------------------------------------------------------------------ lakou exchanges
def from_exchanges(exchanges: Iterable[Exchange]) -> IxpDirectory:
    """The registry's (or an IX-F file's) exchanges: the most authoritative source."""
    directory = IxpDirectory()
    for exchange in exchanges:
        key = f"lakou:{exchange.slug}"
        prefixes = {
            str(p) for lan in exchange.lans for p in (lan.ipv4_prefix, lan.ipv6_prefix) if p
        }
        directory.add(
            Ixp(key, exchange.name, exchange.country, exchange.city, prefixes, {"registry"})
        )
        for member in exchange.members:
            for address in member.addresses:
                for ip in (address.ipv4, address.ipv6):
                    if ip is not None:
                        directory.members.append(
                            IxpMemberAddress(key, member.asn, str(ip), "registry")
                        )
    return directory


def ixp_directory(data_dir: Path | None, exchanges: Iterable[Exchange] = ()) -> IxpDirectory:
    """The registry's exchanges first (most authoritative), then PeeringDB, then PCH (the
    files of ``data_dir`` :func:`~lakou.territory.inventory.discover` finds)."""
    from lakou.territory.inventory import discover

    directory = from_exchanges(exchanges)
    if data_dir is not None:
        files = discover(data_dir)
        pdb = files.peeringdb
        if {"ix", "ixlan", "ixpfx"} <= set(pdb):
            directory.merge(
                read_peeringdb(pdb["ix"], pdb["ixlan"], pdb["ixpfx"], pdb.get("netixlan"))
            )
        pch = files.pch
        if {"exchange", "subnets"} <= set(pch):
            directory.merge(read_pch(pch["exchange"], pch["subnets"], pch.get("membership")))
    return directory


# PCH names countries in English; the ones of the region and the usual large ones.
PCH_COUNTRIES: dict[str, str] = {
    "Sint Maarten": "SX",
    "Saint Martin": "MF",
    "Saint Barthelemy": "BL",
    "Guadeloupe": "GP",
    "Martinique": "MQ",
    "French Guiana": "GF",
    "Curacao": "CW",
    "Aruba": "AW",
    "Bonaire": "BQ",
    "Puerto Rico": "PR",
    "Dominican Republic": "DO",
    "Haiti": "HT",
    "Jamaica": "JM",
    "Trinidad and Tobago": "TT",
    "Barbados": "BB",
    "Grenada": "GD",
    "Saint Lucia": "LC",
    "Saint Vincent and the Grenadines": "VC",
    "Saint Kitts and Nevis": "KN",
    "Dominica": "DM",
    "Antigua and Barbuda": "AG",
    "Bahamas": "BS",
    "Cayman Islands": "KY",
    "Bermuda": "BM",
    "Virgin Islands, British": "VG",
    "Virgin Islands, U.S.": "VI",
    "Cuba": "CU",
    "Guyana": "GY",
    "Suriname": "SR",
    "Belize": "BZ",
    "Panama": "PA",
    "Costa Rica": "CR",
    "Colombia": "CO",
    "Venezuela": "VE",
    "Brazil": "BR",
    "Argentina": "AR",
    "Chile": "CL",
    "Mexico": "MX",
    "United States": "US",
    "Canada": "CA",
    "France": "FR",
    "Netherlands": "NL",
    "Germany": "DE",
    "United Kingdom": "GB",
    "Spain": "ES",
    "Italy": "IT",
    "Switzerland": "CH",
    "Belgium": "BE",
    "Portugal": "PT",
    "Reunion": "RE",
    "New Caledonia": "NC",
    "French Polynesia": "PF",
    "Kenya": "KE",
    "Nigeria": "NG",
    "South Africa": "ZA",
    "Japan": "JP",
    "Australia": "AU",
}
