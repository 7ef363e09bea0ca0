"""territory engine settings: which countries, how much to trust each source, where the
public files come from, and the operator's own declarations."""

from __future__ import annotations

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
