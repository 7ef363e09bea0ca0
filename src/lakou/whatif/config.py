"""whatif engine settings (section ``whatif`` of lakou.yml); the defaults are the documentation."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    asrel: Path | None = Field(
        default=None,
        description=(
            "CAIDA AS-relationship file (serial-1 or serial-2, plain, .gz or .bz2) used "
            "when a command is given no --asrel."
        ),
    )
    scenario: Path | None = Field(
        default=None,
        description=(
            "Scenario YAML (e.g. examples/hurricane.yml) the portal's what-if page "
            "(/territory/whatif/) runs on the whatif.asrel graph (or the scenario's own "
            "asrel key). Empty: the page says how to set it."
        ),
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        description="Threads for all-destinations runs (default: every core).",
    )
    chunk: int = Field(
        default=2048,
        ge=1,
        description="Destinations per chunk in all-destinations runs (memory vs progress).",
    )
    route_server_family: Literal["any", "ipv4", "ipv6"] = Field(
        default="any",
        description=(
            "Which route-server sessions make a registry member a route-server client: "
            "any family, or only IPv4 or IPv6 ones."
        ),
    )
    strict_asrel: bool = Field(
        default=False,
        description="Stop at the first malformed as-rel line instead of counting and dropping it.",
    )
