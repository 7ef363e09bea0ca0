"""Route-server engine settings (section ``routeserver`` of lakou.yml)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RouteServerEndpoint(BaseModel):
    """A route server the looking glass asks (its control socket); here, not in
    :mod:`lakou.routeserver.lg.model`, so reading the settings loads no looking glass."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Name shown to users (rs1, rs2).")
    socket: Path = Field(description="Control socket: BIRD's bird.ctl or OpenBGPD's bgpd.sock.")
    rs_asn: int = Field(description="The route server's ASN (for RS:x:y communities).")
    daemon: Literal["bird2", "openbgpd"] = Field(
        default="bird2", description="The daemon behind the socket: bird2 or openbgpd."
    )
    timeout: float = Field(default=30.0, gt=0, description="Seconds to wait for the daemon.")


class DeployServer(BaseModel):
    """One route server ``rs deploy`` can reach, for staged deploys over several."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Name used in messages and with --to (rs1).")
    exchange: str | None = Field(
        default=None, description="Exchange slug: `rs deploy --exchange SLUG` deploys to it."
    )
    daemon: Literal["bird2", "openbgpd"] | None = Field(
        default=None, description="bird2 or openbgpd; default: daemon."
    )
    config_path: Path = Field(description="Its running configuration file.")
    control_socket: Path = Field(description="Its control socket (BIRD's or bgpd's).")
    new_config: Path | None = Field(
        default=None,
        description="Where `rs build` writes its next configuration (used with --exchange).",
    )
    history_dir: Path | None = Field(
        default=None, description="Its deployed configs; default <history_dir>/<name>."
    )


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    daemon: str = Field(default="bird2", description="Route-server daemon: bird2 or openbgpd.")
    target_version: str | None = Field(
        default=None,
        description="Daemon version to write for; default: detected (bird --version), else 2.0.12.",
    )
    policy_file: Path | None = Field(
        default=None, description="Policy YAML (defaults are today's best practice)."
    )
    irr_server: str = Field(
        default="rr.ntt.net:43", description="IRR server bgpq4 asks (HOST:PORT)."
    )
    irr_sources: list[str] = Field(
        default_factory=lambda: ["RIPE", "ARIN", "APNIC", "AFRINIC", "LACNIC", "RADB"],
        description="IRR sources, in order of preference.",
    )
    rpsl_dir: Path | None = Field(
        default=None, description="Local RPSL files used instead of an IRR server (offline)."
    )
    rpki_json: Path | None = Field(
        default=None, description="rpki-client/Routinator JSON (with rpki.source: file)."
    )
    cache_dir: Path | None = Field(
        default=None, description="IRR/RPKI cache; default: <data_dir>/routeserver/cache."
    )
    workers: int = Field(default=4, ge=1, le=64, description="Parallel IRR queries.")
    config_path: Path = Field(
        default=Path("/etc/bird/bird.conf"),
        description="The running daemon's configuration file (deploy replaces it).",
    )
    control_socket: Path = Field(
        default=Path("/run/bird/bird.ctl"),
        description="BIRD control socket (or bgpd's, /var/run/bgpd.sock) for deploy.",
    )
    history_dir: Path | None = Field(
        default=None, description="Deployed configs kept here; default <data_dir>/routeserver."
    )
    history_keep: int = Field(default=30, ge=1, description="How many deployed configs to keep.")
    session_timeout: float = Field(
        default=120.0, gt=0, description="How long deploy waits for sessions to come back."
    )
    max_drop_share: float = Field(
        default=0.10,
        ge=0,
        le=1,
        description="Deploy rolls back when accepted routes fall by more than this share.",
    )
    settle_seconds: float = Field(
        default=5.0,
        gt=0,
        description="Accepted-route counts must stay unchanged this long before deploy judges.",
    )
    deploy_servers: list[DeployServer] = Field(
        default_factory=list,
        description="Route servers for staged deploys (name, exchange, config_path, ...).",
    )
    route_servers: list[RouteServerEndpoint] = Field(
        default_factory=list,
        description="Route servers the looking glass and `rs explain` query (name, socket).",
    )
