"""Registry settings (the exchange's source of truth)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class PeeringDBConfig(BaseModel):
    """How lakou keeps its local copy of PeeringDB (``lakou peeringdb sync``)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(default="https://www.peeringdb.com/api", description="PeeringDB API base URL.")
    api_key: str | None = Field(
        default=None,
        description=(
            "PeeringDB API key (optional; sent as 'Authorization: Api-Key KEY', "
            "raises the rate limit and shows contact data)."
        ),
    )
    queries_per_minute: int = Field(
        default=20,
        ge=1,
        description=(
            "Query budget per minute, never exceeded (anonymous PeeringDB: 20; "
            "with an API key: 40)."
        ),
    )
    timeout_seconds: float = Field(default=30.0, gt=0, description="HTTP timeout per request.")
    page_size: int = Field(
        default=5000,
        ge=1,
        le=100000,
        description="Objects per request when syncing (the limit/skip paging of the API).",
    )
    max_retries: int = Field(
        default=5,
        ge=0,
        le=20,
        description=(
            "Retries of one request after HTTP 429 (waiting Retry-After), 5xx or a "
            "network error, with exponential back-off."
        ),
    )
    max_response_mb: float = Field(
        default=256.0,
        gt=0,
        description="Largest response accepted, in MB (a bigger one is refused, not stored).",
    )
    cache_file: Path | None = Field(
        default=None,
        description="The local cache (SQLite). Default: <core.data_dir>/peeringdb.sqlite3.",
    )


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
    ixf_schema_dir: Path | None = Field(
        default=None,
        description="Folder of the official IX-F JSON schemas (euro-ix/json-schemas)",
    )
    encryption_key_file: Path | None = Field(
        default=None,
        description=(
            "Key that encrypts the members' BGP passwords at rest (created 0600 on first "
            "use; back it up with the database). Default: encryption.key next to the "
            "SQLite database, or in core.data_dir."
        ),
    )
