"""Flow collector settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    store: str = Field(default="duckdb", description="Flow store backend: duckdb or clickhouse.")
