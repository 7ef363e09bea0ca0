"""Flow collector settings: section ``flows`` of lakou.yml. The defaults are the documentation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Listener(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str = Field(default="::", description="Address to listen on (:: for all).")
    port: int = Field(default=6343, ge=0, le=65535, description="UDP port (0: pick a free one).")
    protocol: Literal["sflow", "netflow", "auto"] = Field(
        default="auto",
        description="What arrives here: sflow, netflow (v5/v9/IPFIX) or auto (by version).",
    )


class InterfaceRole(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exporter: str = Field(description="Exporter (router or switch agent) IP address.")
    ifindex: int = Field(ge=0, description="SNMP ifIndex of the interface.")
    role: Literal["transit", "ixp", "private", "cache", "customer"] = Field(
        description="What the interface connects to."
    )
    name: str = Field(default="", description="Free text shown in reports.")


class Exporter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str = Field(description="Exporter (switch agent or router) IP address.")
    role: Literal["exchange", "border"] = Field(
        description=(
            "exchange: the exchange's switch (its flows make the member matrix, member rates "
            "and the exchange's traffic); border: a member's border router (its flows make "
            "the territory's local share, trombones and networks to invite)."
        )
    )
    name: str = Field(default="", description="Free text shown in reports.")


class ClickHouse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(default="127.0.0.1", description="ClickHouse server (native protocol).")
    port: int = Field(default=9000, description="Native protocol port.")
    database: str = Field(default="lakou", description="Database holding the flow tables.")
    user: str = Field(default="default", description="User name.")
    password: str = Field(default="", description="Password.")


class Prices(BaseModel):
    model_config = ConfigDict(extra="forbid")

    transit_per_mbps_month: float = Field(
        default=20.0, description="What members pay for IP transit, per Mb/s per month."
    )
    ixp_port_per_mbps_month: float = Field(
        default=2.0, description="What the exchange costs per Mb/s of port per month."
    )
    currency: str = Field(default="USD", description="Currency of the prices above.")


def _default_content_networks() -> dict[int, str]:
    return {
        15169: "Google", 36040: "Google (YouTube)", 396982: "Google Cloud",
        32934: "Meta", 63293: "Meta",
        2906: "Netflix", 40027: "Netflix", 55095: "Netflix",
        20940: "Akamai", 16625: "Akamai", 12222: "Akamai",
        13335: "Cloudflare", 209242: "Cloudflare",
        16509: "Amazon", 14618: "Amazon",
        8075: "Microsoft", 8068: "Microsoft",
        714: "Apple", 6185: "Apple",
        54113: "Fastly", 15133: "Edgio (Edgecast)", 22822: "Edgio (Limelight)",
    }  # fmt: skip


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    store: Literal["duckdb", "clickhouse"] = Field(
        default="duckdb", description="Flow store backend: duckdb (files) or clickhouse (server)."
    )
    store_dir: str = Field(
        default="",
        description="Directory of the DuckDB/Parquet flow store (default: <data_dir>/flows).",
    )
    clickhouse: ClickHouse = Field(
        default_factory=ClickHouse, description="ClickHouse server, when store is clickhouse."
    )
    listeners: list[Listener] = Field(
        default_factory=lambda: [
            Listener(port=6343, protocol="sflow"),
            Listener(port=2055, protocol="netflow"),
            Listener(port=4739, protocol="netflow"),
        ],
        description="UDP sockets the collector listens on.",
    )
    queue_datagrams: int = Field(
        default=65536,
        ge=1,
        description="Datagrams waiting for decoding before new ones are dropped (and counted).",
    )
    socket_buffer_bytes: int = Field(
        default=8 * 1024 * 1024, ge=0, description="Kernel receive buffer asked for each socket."
    )
    batch_datagrams: int = Field(
        default=4096,
        ge=1,
        description="Datagrams decoded together (the fast path works in batches).",
    )
    batch_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description=(
            "Hand datagrams to the decoders at least this often, even when fewer than "
            "batch_datagrams came (a slow trickle then costs one decoder call a second)."
        ),
    )
    flush_seconds: float = Field(
        default=10.0, gt=0, description="Write aggregated minutes to the store at least this often."
    )
    members_file: str = Field(
        default="",
        description="Members and MACs when not read from the registry: IX-F JSON, YAML or CSV.",
    )
    prefixes_file: str = Field(
        default="",
        description="Prefix table (CSV prefix,asn,territory) for IP -> origin AS and territory.",
    )
    content_networks: dict[int, str] = Field(
        default_factory=_default_content_networks,
        description="The big content and CDN networks (origin ASN -> name) whose traffic the "
        "content-locality figures follow: served from addresses in the territory (caches) "
        "or from abroad.",
    )
    local_territories: list[str] = Field(
        default_factory=list,
        description="Territory codes counted as local (empty: any territory the prefixes name).",
    )
    exporters: list[Exporter] = Field(
        default_factory=list,
        description=(
            "Role of each exporter, so traffic seen both at the exchange and at a border is "
            "counted once per view. Unlisted exporters: sFlow is the exchange, NetFlow and "
            "IPFIX are borders."
        ),
    )
    allowed_exporters: list[str] = Field(
        default_factory=list,
        description=(
            "Addresses or prefixes allowed to send flows, besides the exporters above and, "
            "with --registry, the switches' management addresses. Datagrams from any other "
            "source are counted (unknown_exporter) and dropped."
        ),
    )
    max_clock_skew_seconds: int = Field(
        default=300,
        ge=0,
        le=86400,
        description=(
            "A NetFlow/IPFIX record keeps its exporter's time only within this many seconds "
            "of the time it was received (sFlow is always dated on receipt); beyond, it is "
            "counted (clock_skew) and handled as clock_skew_action says."
        ),
    )
    clock_skew_action: Literal["redate", "drop"] = Field(
        default="redate",
        description="For a record outside the skew: redate (to its receive time) or drop.",
    )
    interfaces: list[InterfaceRole] = Field(
        default_factory=list, description="Roles of border interfaces, for NetFlow/IPFIX flows."
    )
    prices: Prices = Field(default_factory=Prices, description="For the transit cost avoided.")
    percentile_bucket_seconds: int = Field(
        default=300, ge=60, description="Bucket for rates and the 95th percentile (5 minutes)."
    )
    retention_days_minute: int = Field(
        default=7, ge=1, description="Keep per-minute aggregates this many days."
    )
    retention_days_hour: int = Field(
        default=90, ge=1, description="Keep per-hour aggregates this many days."
    )
    retention_days_day: int = Field(
        default=3650, ge=1, description="Keep per-day aggregates this many days."
    )
    learn_macs: bool = Field(
        default=True,
        description="Learn member MACs from frames whose source IP is a member's LAN address.",
    )

    @field_validator("allowed_exporters")
    @classmethod
    def _addresses_or_prefixes(cls, value: list[str]) -> list[str]:
        from lakou.flows.trust import parse_exporter

        for i, text in enumerate(value):
            parse_exporter(text, f"allowed_exporters[{i}]")
        return value
