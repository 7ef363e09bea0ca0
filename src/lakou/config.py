"""The one configuration file, ``lakou.yml``, with a typed section per component.

Where it is read from, in order: ``--config FILE``, ``$LAKOU_CONFIG``, ``./lakou.yml``,
``/etc/lakou/lakou.yml``; with none, every default applies. Each component owns its
section (``lakou/<component>/config.py``, a pydantic model whose defaults are the
documentation). Unknown keys are rejected with the key and the file named.
Environment variables ``LAKOU_<SECTION>__<KEY>[__<SUBKEY>...]`` override the file (the
value is read as YAML, so ``8000``, ``true`` and ``[a, b]`` keep their types), and
``LAKOU_DATABASE_URL`` names the registry's database (SQLite by default, PostgreSQL in
production).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lakou.config_base import (  # noqa: F401 - re-exported, the names callers know
    ENV_PREFIX,
    ENV_RESERVED,
    SEARCH_PATH,
    SECTIONS,
    ConfigError,
    CoreConfig,
    _env_overrides,
    _read_yaml,
    deep_merge,
    default_data_dir,
    describe_validation,
    find_config_file,
    read_config_data,
)
from lakou.flows.config import Config as FlowsConfig
from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop as N_
from lakou.operations.config import Config as JobsConfig
from lakou.paths.config import Config as PathsConfig
from lakou.portal.config import Config as PortalConfig
from lakou.registry.config import Config as RegistryConfig
from lakou.routeserver.config import Config as RouteServerConfig
from lakou.territory.config import Config as TerritoryConfig
from lakou.whatif.config import Config as WhatifConfig


class LakouConfig(BaseModel):
    """The whole ``lakou.yml``: one section per component."""

    model_config = ConfigDict(extra="forbid")

    core: CoreConfig = Field(default_factory=CoreConfig)
    registry: RegistryConfig = Field(default_factory=RegistryConfig)
    portal: PortalConfig = Field(default_factory=PortalConfig)
    routeserver: RouteServerConfig = Field(default_factory=RouteServerConfig)
    flows: FlowsConfig = Field(default_factory=FlowsConfig)
    territory: TerritoryConfig = Field(default_factory=TerritoryConfig)
    paths: PathsConfig = Field(default_factory=PathsConfig)
    whatif: WhatifConfig = Field(default_factory=WhatifConfig)
    jobs: JobsConfig = Field(default_factory=JobsConfig)


def load_config(
    path: str | Path | None = None, env: Mapping[str, str] | None = None
) -> LakouConfig:
    """Read the configuration file (if any), apply environment overrides, validate."""
    data, origin, source = read_config_data(path, env)
    try:
        return LakouConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation(exc, source, origin)) from None


DUMP_HEADER = N_("lakou effective configuration (file, then $LAKOU_* overrides, then defaults)")


def descriptions(model: type[BaseModel] = LakouConfig) -> list[str]:
    """Every option's description ``config dump`` shows (each a msgid of the catalogues)."""
    found: list[str] = []
    for field in model.model_fields.values():
        if field.description:
            found.append(field.description)
        sub = _submodel(field.annotation)
        if sub is not None:
            found.extend(descriptions(sub))
    return found


def dump_config(config: LakouConfig, with_comments: bool = True) -> str:
    """The effective configuration as YAML, each option with its description."""
    data = config.model_dump(mode="json")
    if not with_comments:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    out: list[str] = ["# " + _(DUMP_HEADER)]
    _dump_model(type(config), data, out, indent=0)
    return "\n".join(out) + "\n"


def _dump_model(model: type[BaseModel], data: dict[str, Any], out: list[str], indent: int) -> None:
    pad = "  " * indent
    for name, field in model.model_fields.items():
        value = data.get(name)
        if field.description:
            out.append(f"{pad}# {_(field.description)}")  # in the user's language
        sub = _submodel(field.annotation)
        if sub is not None and isinstance(value, dict) and value:
            out.append(f"{pad}{name}:")
            _dump_model(sub, value, out, indent + 1)
            continue
        rendered = yaml.safe_dump({name: value}, sort_keys=False, allow_unicode=True).rstrip()
        out.extend(pad + line for line in rendered.splitlines())


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
