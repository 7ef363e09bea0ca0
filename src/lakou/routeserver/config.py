"""Route-server engine settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    daemon: str = Field(default="bird2", description="Route-server daemon: bird2 or openbgpd.")
