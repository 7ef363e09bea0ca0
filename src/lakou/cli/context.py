"""What every command receives: the configuration (loaded once, on first use).

``ctx.config`` is the whole typed configuration (it imports every component's section);
``ctx.section(name, Model)`` validates one section only, for commands that start often
and need little (``lakou rs build``): the same file, overrides and messages, without
importing the other components (see :mod:`lakou.config_base`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
from pydantic import BaseModel

from lakou.config_base import ConfigError, CoreConfig, load_sections
from lakou.i18n import normalise

if TYPE_CHECKING:
    from lakou.config import LakouConfig
    from lakou.flows.config import Config as FlowsConfig

M = TypeVar("M", bound=BaseModel)


@dataclass
class Context:
    config_path: str | None = None
    language: str | None = None
    _config: LakouConfig | None = field(default=None, repr=False)
    _sections: dict[str, BaseModel] = field(default_factory=dict, repr=False)

    @property
    def config(self) -> LakouConfig:
        if self._config is None:
            from lakou.config import load_config

            try:
                self._config = load_config(self.config_path)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._config

    def section(self, name: str, model: type[M]) -> M:
        """One section of the configuration, validated alone (the whole one if loaded)."""
        if self._config is not None:
            value = getattr(self._config, name)
        else:
            if name not in self._sections:
                try:
                    self._sections.update(load_sections({name: model}, self.config_path))
                except ConfigError as exc:
                    raise click.ClickException(str(exc)) from None
            value = self._sections[name]
        assert isinstance(value, model)
        return value

    @property
    def core(self) -> CoreConfig:
        return self.section("core", CoreConfig)

    @property
    def flows(self) -> FlowsConfig:
        """The flows section alone (``flows replay``/``report``, ``lan``: commands a
        script runs often, which need no other component's settings)."""
        from lakou.flows.config import Config

        return self.section("flows", Config)

    @property
    def peeringdb_cache(self) -> Path:
        """The local PeeringDB cache (``registry.peeringdb.cache_file``, else the default
        in ``core.data_dir``): what ``lakou peeringdb`` fills and ``rs build`` reads."""
        from lakou.peeringdb import cache_file
        from lakou.registry.config import Config

        return cache_file(self.section("registry", Config).peeringdb.cache_file, self.core.data_dir)

    @property
    def lang(self) -> str:
        return normalise(self.language or self.core.language)

    def setup_django(self) -> None:
        """Point Django at this configuration and start it (registry commands only)."""
        from lakou.portal import setup_django

        setup_django(self.config)


pass_context = click.make_pass_decorator(Context, ensure=True)
