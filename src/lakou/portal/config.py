"""Web portal settings."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SmtpConfig(BaseModel):
    """The mail server the portal sends through (invitations, password resets, API-key
    reminders, peering requests): the settings of ``lakou watch --smtp-*``, sent by the
    watch engine's SMTP client; the password is ``$LAKOU_SMTP_PASSWORD``, as for the watch."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(default="", description="SMTP server; empty: the portal sends no e-mail.")
    port: int = Field(default=25, ge=1, le=65535, description="SMTP port (587 with starttls).")
    sender: str = Field(default="lakou@localhost", description="From: address of the mail.")
    starttls: bool = Field(default=False, description="STARTTLS, verified against the CAs.")
    user: str = Field(default="", description="SMTP user (password: $LAKOU_SMTP_PASSWORD).")
    ca_file: str | None = Field(default=None, description="CA file to verify the server.")


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
    trusted_origins: list[str] = Field(
        default_factory=list,
        description=(
            "Public origins the portal is reached at through a reverse proxy "
            "(https://ixp.example): their forms are trusted (CSRF) and their host names "
            "are added to allowed_hosts."
        ),
    )
    behind_proxy: bool = Field(
        default=False,
        description=(
            "Served behind a TLS reverse proxy that sets X-Forwarded-Proto and "
            "X-Forwarded-For: requests it marks https count as secure, cookies are sent "
            "over HTTPS only and HSTS is on. Keep listen reachable by the proxy only."
        ),
    )
    hsts_seconds: int = Field(
        default=31536000,
        ge=0,
        description="Strict-Transport-Security max-age sent on HTTPS (behind_proxy); 0: none.",
    )
    login_failure_limit: int = Field(
        default=5,
        ge=1,
        description=(
            "Wrong passwords in a row before a login is locked out (per user name and per "
            "client address)."
        ),
    )
    login_cooloff_minutes: float = Field(
        default=15.0,
        gt=0,
        description="How long a locked-out login stays locked (`lakou db unlock` ends it).",
    )

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        _host, sep, port = value.rpartition(":")
        if not sep or not port.isdigit() or len(port) > 5 or not 0 < int(port) < 65536:
            raise ValueError(
                f"{value!r}: expected HOST:PORT with a port 1-65535, e.g. 127.0.0.1:8000"
            )
        return value

    @field_validator("trusted_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
                raise ValueError(
                    f"{origin!r}: expected scheme://host[:port], e.g. https://ixp.example"
                )
        return origins

    smtp: SmtpConfig = Field(
        default_factory=SmtpConfig,
        description="Mail server for invitations, password resets, key reminders, peering.",
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
