"""What every command receives: the configuration (loaded once, on first use)."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from lakou.config import ConfigError, LakouConfig, load_config
from lakou.i18n import normalise


@dataclass
class Context:
    config_path: str | None = None
    language: str | None = None
    _config: LakouConfig | None = field(default=None, repr=False)

    @property
    def config(self) -> LakouConfig:
        if self._config is None:
            try:
                self._config = load_config(self.config_path)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._config

    @property
    def lang(self) -> str:
        return normalise(self.language or self.config.core.language)

    def setup_django(self) -> None:
        """Point Django at this configuration and start it (registry commands only)."""
        from lakou.portal.setup import setup_django

        setup_django(self.config)


pass_context = click.make_pass_decorator(Context, ensure=True)
