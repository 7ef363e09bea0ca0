"""whatif engine settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")
