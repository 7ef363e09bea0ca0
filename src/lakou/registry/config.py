"""Registry settings (the exchange's source of truth)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PeeringDBConfig(BaseModel):
    """How lakou keeps its local copy of PeeringDB."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(default="https://www.peeringdb.com/api", description="PeeringDB API base URL.")
    api_key: str | None = Field(
        default=None, description="PeeringDB API key (optional; raises the rate limit)."
    )
    queries_per_minute: int = Field(
        default=20, ge=1, description="Query budget per minute (anonymous PeeringDB: 20)."
    )
    timeout_seconds: float = Field(default=30.0, gt=0, description="HTTP timeout per request.")


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ipv6_from_ipv4: bool = Field(
        default=True,
        description=(
            "Derive a member's IPv6 peering-LAN address from its IPv4 host part "
            "(198.51.100.23 -> 2001:db8::23) when none is given."
        ),
    )
    peeringdb: PeeringDBConfig = Field(default_factory=PeeringDBConfig)
