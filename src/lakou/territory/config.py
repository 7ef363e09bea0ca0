"""territory engine settings: which countries, how much to trust each source, where the
public files come from, and the operator's own declarations."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Declaration(BaseModel):
    """A prefix the operator declares in (or out of) the territory; it overrides sources."""

    model_config = ConfigDict(extra="forbid")

    prefix: str = Field(description="The prefix, e.g. 192.0.2.0/24 or 2001:db8::/32.")
    territory: str = Field(description="ISO 3166-1 alpha-2 code (GP, MF, BL, SX...).")
    asn: int | None = Field(default=None, description="Origin AS, when known.")
    note: str = Field(default="", description="Why (e.g. 'confirmed by the operator').")


def _default_urls() -> dict[str, str]:
    return {
        "delegated-lacnic-extended-latest": "https://ftp.lacnic.net/pub/stats/lacnic/delegated-lacnic-extended-latest",
        "delegated-ripencc-extended-latest": "https://ftp.ripe.net/pub/stats/ripencc/delegated-ripencc-extended-latest",
        "delegated-arin-extended-latest": "https://ftp.arin.net/pub/stats/arin/delegated-arin-extended-latest",
        "delegated-apnic-extended-latest": "https://ftp.apnic.net/stats/apnic/delegated-apnic-extended-latest",
        "delegated-afrinic-extended-latest": "https://ftp.afrinic.net/stats/afrinic/delegated-afrinic-extended-latest",
        "asn-ipv4.csv": "https://cdn.jsdelivr.net/npm/@ip-location-db/asn/asn-ipv4.csv",
        "asn-ipv6.csv": "https://cdn.jsdelivr.net/npm/@ip-location-db/asn/asn-ipv6.csv",
        "geo-whois-asn-country-ipv4.csv": "https://cdn.jsdelivr.net/npm/@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv4.csv",
        "geo-whois-asn-country-ipv6.csv": "https://cdn.jsdelivr.net/npm/@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv6.csv",
        "peeringdb-ix.json": "https://www.peeringdb.com/api/ix",
        "peeringdb-ixlan.json": "https://www.peeringdb.com/api/ixlan",
        "peeringdb-ixpfx.json": "https://www.peeringdb.com/api/ixpfx",
        "peeringdb-netixlan.json": "https://www.peeringdb.com/api/netixlan",
        "pch-ixp_exchange.csv": "https://www.pch.net/api/ixp/directory/Active",
    }


# The Caribbean (ISO 3166-1): a regional carrier present on many of these islands is a
# neighbour to invite, not a global network, so these do not count towards "global".
CARIBBEAN = [
    "AG", "AI", "AW", "BB", "BL", "BQ", "BS", "BZ", "CU", "CW", "DM", "DO", "GD", "GF",
    "GP", "GY", "HT", "JM", "KN", "KY", "LC", "MF", "MQ", "MS", "PR", "SR", "SX", "TC",
    "TT", "VC", "VG", "VI",
]  # fmt: skip


def _default_weights() -> dict[str, float]:
    return {"manual": 1.0, "geofeed": 0.9, "rir": 0.6, "geo": 0.5, "mmdb": 0.4}


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    countries: list[str] = Field(
        default_factory=lambda: ["GP", "MF", "BL", "SX"],
        description="ISO 3166-1 alpha-2 codes that make up the territory.",
    )
    data_dir: str = Field(
        default="",
        description="Where public files are kept and `territory update` downloads them "
        "(empty: <lakou data dir>/territory).",
    )
    declarations: list[Declaration] = Field(
        default_factory=list,
        description="Prefixes the operator declares; they override every public source.",
    )
    source_weights: dict[str, float] = Field(
        default_factory=_default_weights,
        description="Trust in each kind of location source, used for the territory vote "
        "and the confidence (agreeing weight / weight of all sources with an opinion).",
    )
    update_urls: dict[str, str] = Field(
        default_factory=_default_urls,
        description="File name -> official URL fetched by `lakou territory update`.",
    )
    geofeed_urls: list[str] = Field(
        default_factory=list,
        description="RFC 8805 geofeeds published by the territory's operators.",
    )
    download_timeout_seconds: float = Field(
        default=120.0, description="Per-file timeout of `lakou territory update`."
    )
    local_min_share: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="A network is local when at least this share of its address space "
        "(IPv4 addresses, else IPv6 /64s) is located in the territory and it is not "
        "registered elsewhere (RIR statistics).",
    )
    regional_min_share: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="An operator of elsewhere is regional (a network to invite) only with at "
        "least this share of its address space in the territory, or some of it elsewhere in "
        "region_countries, or registered there; below, its few addresses here are taken for a "
        "geolocation artefact and it is 'elsewhere' (not invited).",
    )
    global_max_share: float = Field(
        default=0.05,
        ge=0.0,
        le=1.0,
        description="A network is global (anycast, CDN, transit carrier) when less than this "
        "share of its address space is in the territory and the rest is spread over at least "
        "global_min_countries countries outside the territory and region_countries.",
    )
    global_min_countries: int = Field(
        default=5,
        ge=1,
        description="Countries outside the territory and the region that make a network "
        "with a small share in the territory global.",
    )
    region_countries: list[str] = Field(
        default_factory=lambda: list(CARIBBEAN),
        description="The territory's neighbourhood: a carrier spread over these countries is "
        "regional (to invite), not global.",
    )
    invite_global: bool = Field(
        default=False,
        description="List global/anycast networks among the networks to invite "
        "(`territory build --include-global`).",
    )
    inventory: Path | None = Field(
        default=None,
        description="The inventory JSON that `lakou territory build --out FILE` writes; the "
        "portal's territory page (/territory/) shows it. Empty: the page says how to make it.",
    )
    neighbours: list[Path] = Field(
        default_factory=list,
        description="Inventories of neighbouring territories (each from `lakou territory build "
        "--countries XX --out FILE`), shown beside this one in the territory page's regional "
        "view, with the networks present in several territories.",
    )
    network_classes: dict[int, Literal["local", "regional", "global"]] = Field(
        default_factory=dict,
        description="The operator's word on a network's class (ASN -> local, regional or "
        "global); it overrides the measured evidence.",
    )
