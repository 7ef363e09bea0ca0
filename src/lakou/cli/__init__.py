"""The ``lakou`` command.

One module per command group (``lakou/cli/<group>.py`` exposing a click group or
command named ``cli``). Groups load lazily, so ``lakou whatif ...`` never imports
Django and ``lakou --help`` stays fast. Whatever a command does not catch itself ends at
one boundary (:meth:`LazyGroup.invoke`, see ``lakou.cli.errors``): one line, exit 1, and a
traceback only with ``lakou --debug``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from typing import Any

import click

# lakou uses no pydantic plugin; without this, pydantic reads the entry points of every
# installed distribution when it builds the first model (10 ms of each command's start
# in a crowded environment). An explicit setting of the variable is kept.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

# The imports below come after the setting (lakou.cli.context builds the first model).
from lakou import __version__
from lakou.cli.context import Context
from lakou.cli.helptext import HelpContext
from lakou.i18n import LANGUAGES, normalise
from lakou.i18n import gettext as _
from lakou.i18n import language as in_language

# name -> (module, one-line help); the help is shown without importing the module.
COMMAND_GROUPS: dict[str, tuple[str, str]] = {
    "config": ("lakou.cli.config_cmd", "Show and check the configuration."),
    "demo": ("lakou.cli.demo", "Load the demo install and serve the web app."),
    "serve": ("lakou.cli.serve", "Serve the web app (registry, portal, API)."),
    "db": ("lakou.cli.db", "Create or upgrade the registry database."),
    "backup": ("lakou.cli.backup", "Save the registry, configuration and secrets in one file."),
    "restore": ("lakou.cli.restore", "Restore a backup onto a fresh install."),
    "exchange": ("lakou.cli.exchange", "List and inspect exchanges in the registry."),
    "member": ("lakou.cli.member", "List and add members of an exchange."),
    "user": ("lakou.cli.user", "Accounts of members, regulators and staff; API keys."),
    "ixf": ("lakou.cli.ixf", "IX-F Member Export: export and import."),
    "clients": ("lakou.cli.clients", "arouteserver clients.yml: import and export."),
    "peeringdb": ("lakou.cli.peeringdb", "Local PeeringDB cache: sync, pre-fill, compare."),
    "rs": ("lakou.cli.rs", "Route server: build, deploy and explain configs."),
    "lg": ("lakou.cli.lg", "Looking glass over the route servers."),
    "flows": ("lakou.cli.flows", "Collect, decode, store and report traffic flows."),
    "lan": ("lakou.cli.lan", "Peering-LAN hygiene from sFlow: findings and quarantine."),
    "watch": ("lakou.cli.watch", "Events of the exchange, e-mailed to members and staff."),
    "ports": ("lakou.cli.ports", "Port traffic from SNMP and sFlow counters."),
    "territory": ("lakou.cli.territory", "The territory's networks, prefixes and lookups."),
    "paths": (
        "lakou.cli.paths",
        "Traceroutes: exchange crossings and paths leaving the territory.",
    ),
    "whatif": ("lakou.cli.whatif", "Simulate BGP routing: cable cuts, new members, new peerings."),
    "jobs": ("lakou.cli.jobs", "Scheduled jobs: run one, list them, show the last runs."),
    "doctor": ("lakou.cli.doctor", "Check a running installation and say what to fix."),
}


class LazyGroup(click.Group):
    """Import a command group only when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        present = [n for n, (mod, _) in COMMAND_GROUPS.items() if _module_exists(mod)]
        return sorted(present)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMAND_GROUPS.get(cmd_name)
        if entry is None or not _module_exists(entry[0]):
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = module.cli
        command.name = cmd_name
        from lakou.cli.helptext import translate_help
        from lakou.i18n import current_language

        translate_help(command, current_language())  # -L is known by now
        return command

    def invoke(self, ctx: click.Context) -> Any:
        args = [*getattr(ctx, "_protected_args", ()), *ctx.args]
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # the boundary: one line, unless --debug
            if ctx.params.get("debug"):
                raise
            from lakou.cli.errors import describe

            chosen = ctx.params.get("language") or ""
            with in_language(chosen or normalise(None)):
                message = describe(exc, args)
            raise click.ClickException(message) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _(COMMAND_GROUPS[name][1])) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _module_exists(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="LAKOU_CONFIG",
    help="Configuration file (default: ./lakou.yml, then /etc/lakou/lakou.yml).",
)
@click.option(
    "--language",
    "-L",
    is_eager=True,  # before --help: the help is in this language
    callback=lambda ctx, param, value: _language_option(ctx, value),
    help="Language of the output: en, fr or es.",
)
@click.option(
    "--debug", is_flag=True, help="Show the Python traceback of an error instead of one line."
)
@click.version_option(__version__, prog_name="lakou")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, language: str | None, debug: bool) -> None:
    """lakou: run a small territory's Internet exchange point.

    Identify the territory's networks and traffic, route it locally, prove the gain.
    """
    ctx.obj = Context(config_path=config_path, language=language)
    # The chosen language (-L, else core.language) for every command's messages, also
    # those of commands that do not set it themselves. A broken configuration is the
    # command's to report (``lakou config check``): then -L or English for now.
    from lakou.i18n import language as use_language
    from lakou.i18n import normalise

    try:
        chosen = ctx.obj.lang
    except click.ClickException:
        chosen = normalise(language)
    ctx.with_resource(use_language(chosen))


main.context_class = HelpContext  # click's own words of the help in the user's language


def _language_option(ctx: click.Context, value: str | None) -> str | None:
    """Check ``-L``, and speak it from here on (the help of ``lakou -L fr --help`` too)."""
    value = _known_language(value)
    from lakou.cli.helptext import translate_help

    chosen = normalise(value or os.environ.get("LAKOU_LANGUAGE") or os.environ.get("LANGUAGE"))
    ctx.with_resource(in_language(chosen))
    translate_help(ctx.command, chosen)
    return value


def _known_language(value: str | None) -> str | None:
    """``fr``, ``fr_FR.UTF-8`` or ``ES`` are kept; a language lakou does not ship is refused."""
    if value is None:
        return None
    short = value.replace("-", "_").split("_")[0].split(".")[0].lower()
    if short not in LANGUAGES:
        raise click.BadParameter(
            _("%(value)r is not a language lakou speaks (%(known)s)")
            % {"value": value, "known": ", ".join(LANGUAGES)}
        )
    return value


def run(argv: list[str] | None = None) -> Any:
    return main.main(args=argv, prog_name="lakou")
