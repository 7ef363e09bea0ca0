"""paths engine settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    km_per_ms_rtt: float = Field(
        default=100.0,
        description="Speed-of-light bound: a hop cannot be farther than this many km per "
        "ms of RTT from the probe (light in fibre, there and back).",
    )
    local_rtt_ms: float = Field(
        default=22.0,
        description="An RTT above this between two hosts of the territory means the path "
        "left the region (Pointe-à-Pitre to Miami is at least 22 ms).",
    )
    min_direct_km: float = Field(
        default=50.0,
        description="Floor of the probe-to-destination distance in the detour index, so "
        "two hosts on one island do not divide by zero.",
    )
    traceroutes: list[Path] = Field(
        default_factory=list,
        description="Traceroute results (RIPE Atlas JSON or JSON Lines, scamper JSON, warts) "
        "the portal's paths page (/territory/paths/) analyses, locating hops with "
        "territory.inventory and exchange crossings with the registry's exchanges. Empty: "
        "the page says how to set it.",
    )
    data_dir: Path | None = Field(
        default=None,
        description="Public files (IP→ASN, IP→country, PeeringDB, PCH) the paths page also "
        "uses to locate hops abroad and exchanges outside the registry (optional).",
    )
