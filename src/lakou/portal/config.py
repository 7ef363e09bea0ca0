"""Web portal settings."""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    listen: str = Field(
        default="127.0.0.1:8000", description="Address and port the web app serves on."
    )
    secret_key: str | None = Field(
        default=None,
        description="Django secret key; generated and kept in data_dir when not set.",
    )
    debug: bool = Field(default=False, description="Django debug mode (never in production).")
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "[::1]"],
        description="Host names the portal answers to.",
    )
    site_name: str = Field(default="lakou", description="Name shown in the portal's header.")
    lg_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a looking-glass page waits for one route server."
    )
    languages: list[str] = Field(
        default_factory=lambda: ["fr", "en", "es"], description="Languages offered to visitors."
    )
    metrics_allow: list[str] = Field(
        default_factory=lambda: ["127.0.0.0/8", "::1/128"],
        description="Addresses or networks that may read /metrics (others get 403).",
    )

    @field_validator("metrics_allow")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an address or a network") from None
        return value
