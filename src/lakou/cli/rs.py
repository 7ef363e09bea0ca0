"""``lakou rs``: build, diff, deploy and explain route-server configurations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import gettext as _
from lakou.i18n import language

if TYPE_CHECKING:
    from lakou.exchange import Exchange
    from lakou.routeserver import (
        ConfigDiff,
        DeployRun,
        RouteServerEndpoint,
        RouteView,
        WrittenConfig,
    )
    from lakou.routeserver.config import Config as RouteServerConfig


@click.group()
def cli() -> None:
    """Route server: build, deploy and explain configs."""


def _rs_config(ctx: Context) -> RouteServerConfig:
    from lakou.routeserver.config import Config

    return ctx.section("routeserver", Config)


@cli.command()
@click.option("--exchange", "slug", help="Build for this exchange of the registry.")
@click.option("--route-server", help="Which route server of the exchange (default: first).")
@click.option(
    "--clients",
    "clients_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="arouteserver clients.yml.",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Policy YAML.",
)
@click.option("--daemon", type=click.Choice(["bird2", "openbgpd"]), help="Daemon to write for.")
@click.option("--target-version", help="Daemon version (default: detected, else BIRD 2.0.12).")
@click.option("--irr-server", help="IRR server for bgpq4 (HOST:PORT).")
@click.option("--irr-sources", help="IRR sources, comma-separated (RIPE,ARIN).")
@click.option(
    "--rpsl-dir",
    type=click.Path(exists=True, path_type=Path),
    help="Local RPSL files instead of an IRR server.",
)
@click.option(
    "--no-irr", is_flag=True, help="Do not query any IRR (every client gets only its own ASN)."
)
@click.option(
    "--rpki-json",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="ROAs from rpki-client/Routinator JSON.",
)
@click.option("--log-file", help="BIRD log file (default: syslog).")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write the configuration here.",
)
@click.option(
    "--page",
    "page",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the policy page (.md or .html).",
)
@click.option("--check/--no-check", default=True, help="Check the result with bird -p / bgpd -n.")
@click.option(
    "--allow-missing-irr",
    is_flag=True,
    help="Write the config even when a client has no IRR data at all (all its routes filtered).",
)
@click.option(
    "--peeringdb-cache",
    type=click.Path(dir_okay=False, path_type=Path),
    help="PeeringDB cache (default: the one `lakou peeringdb sync` fills, when it exists).",
)
@pass_context
def build(ctx: Context, slug: str | None, **options: Any) -> None:
    """Build a route-server configuration from the registry or from clients.yml."""
    from lakou.routeserver import BuildRequest, ConfigNotWritten, write_config

    settings = _rs_config(ctx)  # this section only: a build imports no other component
    if bool(slug) == bool(options["clients_file"]):
        raise click.UsageError(_("give either --exchange SLUG or --clients FILE"))
    exchange = _exchange(ctx, slug)
    options["peeringdb_cache"] = options["peeringdb_cache"] or ctx.peeringdb_cache
    request = BuildRequest(exchange=exchange, page_language=ctx.lang, **options)  # alike named
    try:
        written = write_config(settings, ctx.core.data_dir, request)
    except ConfigNotWritten as exc:
        for line in exc.problems:
            click.echo(_("error: {text}").format(text=line), err=True)
        raise click.ClickException(str(exc)) from None
    _say_written(written)


def _exchange(ctx: Context, slug: str | None) -> Exchange | None:
    """The registry's exchange ``slug`` (None without one); an unknown slug ends here."""
    if not slug:
        return None
    from lakou.cli.exchanges import load_exchanges

    (exchange,) = load_exchanges(ctx, slug=slug)
    return exchange


def _say_written(written: WrittenConfig) -> None:
    result = written.result
    if not written.checked:
        click.echo(
            _(
                "warning: {daemon} is not installed here, so the configuration was not "
                "checked (Debian: apt-get install {package}; --no-check to skip the check)"
            ).format(
                daemon=result.daemon, package="bird2" if result.daemon == "bird2" else "openbgpd"
            ),
            err=True,
        )
    for warning in result.warnings:
        click.echo(_("warning: {text}").format(text=warning), err=True)
    if written.metrics_error is not None:
        _metrics_warning(written.metrics_error)
    click.echo(
        _(
            "{daemon} {version}: {clients} clients, {sessions} sessions, {size} bytes -> {out}"
        ).format(
            daemon=result.daemon,
            version=".".join(map(str, result.version)),
            clients=len(result.plan.clients),
            sessions=len(result.plan.sessions),
            size=written.size,
            out=written.path,
        )
    )


@cli.command()
@click.argument(
    "config_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--daemon", type=click.Choice(["bird2", "openbgpd"]), help="Running daemon.")
@click.option(
    "--target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The running configuration file (default from lakou.yml).",
)
@click.option("--socket", "socket", type=click.Path(path_type=Path), help="Control socket.")
@click.option(
    "--history", type=click.Path(file_okay=False, path_type=Path), help="History directory."
)
@click.option(
    "--to",
    "stages",
    multiple=True,
    metavar="NAME=NEW[,TARGET,SOCKET]",
    help="Staged deploy, in the order given: NEW to route server NAME (from "
    "routeserver.deploy_servers, or given by its running file and socket). Repeatable.",
)
@click.option(
    "--exchange",
    metavar="SLUG",
    help="Staged deploy to every server of routeserver.deploy_servers with this exchange.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, min_open=True),
    help="Seconds to wait for sessions and routes.",
)
@click.option(
    "--no-session-check",
    "require_sessions",
    flag_value=False,
    default=True,
    help="Do not wait for sessions after reload.",
)
@click.option(
    "--max-drop-share",
    type=click.FloatRange(0, 1),
    help="Roll back when accepted routes fall by more than this share (default 0.10).",
)
@click.option(
    "--settle",
    type=click.FloatRange(0, min_open=True),
    help="Seconds the route counts must stay unchanged.",
)
@click.option(
    "--no-route-check",
    "check_routes",
    flag_value=False,
    default=True,
    help="Do not compare accepted routes.",
)
@click.option("--force", is_flag=True, help="Deploy even when the new config drops routes.")
@pass_context
def deploy(ctx: Context, **options: Any) -> None:
    """Check CONFIG_FILE with the daemon, swap it in, reload, verify; roll back on failure.

    Verified means: every session established before is back, and the accepted routes
    did not fall by more than the allowed share, and no session that had routes lost
    them all (else roll back, unless --force). With --to or --exchange, the route
    servers are deployed one after the other, stopping at the first failure.
    """
    with language(ctx.lang):
        from lakou.routeserver import DeployError, DeployRefused, DeployRequest, run_deploy

        request = DeployRequest(**options)  # the options are named as its fields
        try:
            run = run_deploy(ctx.config.routeserver, ctx.config.core.data_dir, request)
        except DeployRefused as exc:
            raise click.UsageError(str(exc)) from None
        except DeployError as exc:
            raise click.ClickException(str(exc)) from None
        _say_deployed(run)
        if run.failed:
            raise click.ClickException(_("staged deploy stopped at the first failure"))


def _say_deployed(run: DeployRun) -> None:
    if run.result is not None:
        for error in run.metrics_errors.values():
            _metrics_warning(error)
        for line in run.result.log:
            click.echo(line)
        click.echo(_("deployed {name}").format(name=run.result.deployed.name))
        return
    for outcome in run.outcomes:
        if outcome.name in run.metrics_errors:
            _metrics_warning(run.metrics_errors[outcome.name])
        for line in outcome.result.log if outcome.result else ():
            click.echo(f"{outcome.name}: {line}")
        for line in outcome.error.splitlines():
            click.echo(f"{outcome.name}: {line}", err=True)
    for outcome in run.outcomes:
        click.echo(outcome.line(), err=run.failed)


def _metrics_warning(exc: OSError) -> None:
    click.echo(_("warning: metrics not written: {error}").format(error=exc), err=True)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--sample", type=click.IntRange(0, 1000), default=10, help="Prefixes shown per change."
)
@pass_context
def diff(ctx: Context, files: tuple[Path, ...], fmt: str, sample: int) -> None:
    """What NEW changes per member compared with RUNNING: lakou rs diff [RUNNING] NEW.

    RUNNING defaults to the deployed file (routeserver.config_path). Sessions, max-prefix
    limits and actions, origin ASNs and registered prefixes per family.
    """
    with language(ctx.lang):
        from lakou.routeserver import ConfigReadError, diff_configs

        if len(files) not in (1, 2):
            raise click.UsageError(_("give NEW, or RUNNING and NEW"))
        running, new = (ctx.config.routeserver.config_path, files[0]) if len(files) == 1 else files
        try:
            result = diff_configs(running, new, sample=sample)
        except ConfigReadError as exc:
            raise click.ClickException(str(exc)) from None
        if fmt == "json":
            json.dump(result.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
            click.echo()
            return
        for line in _diff_lines(result):
            click.echo(line)


def _diff_lines(result: ConfigDiff) -> list[str]:
    from lakou.routeserver import SetChange

    def counts(c: SetChange) -> str:
        out = f"{c.before} -> {c.after}"
        if c.appear_count:
            more = " …" if c.appear_count > len(c.appear) else ""
            out += f"  +{c.appear_count}: " + ", ".join(c.appear) + more
        if c.disappear_count:
            more = " …" if c.disappear_count > len(c.disappear) else ""
            out += f"  -{c.disappear_count}: " + ", ".join(c.disappear) + more
        return out

    status = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}
    lines = [
        f"--- {result.running} ({result.daemons[0]})",
        f"+++ {result.new} ({result.daemons[1]})",
    ]
    for c in result.clients:
        lines.append(f"AS{c.asn} {c.description}".rstrip() + f": {status[c.status]}")
        for name in c.sessions_added:
            lines.append("  + " + _("session {name}").format(name=name))
        for name in c.sessions_removed:
            lines.append("  - " + _("session {name}").format(name=name))
        for lc in c.limits:

            def limit(v: tuple[int | None, str]) -> str:
                return f"{v[0]} {v[1]}" if v[0] is not None else _("none")

            lines.append(
                "  "
                + _("{session} max-prefix {before} -> {after}").format(
                    session=lc.session, before=limit(lc.before), after=limit(lc.after)
                )
            )
        if c.origins:
            lines.append("  " + _("origin ASNs") + " " + counts(c.origins))
        for family, change in sorted(c.prefixes.items()):
            lines.append("  " + _("IPv{v} prefixes").format(v=family) + " " + counts(change))
        if c.irr_before != c.irr_after:
            lines.append(f"  IRR: {c.irr_before or '-'} -> {c.irr_after or '-'}")
    lines.append(
        _("{changed} members changed, {unchanged} unchanged").format(
            changed=len(result.clients), unchanged=result.unchanged
        )
    )
    return lines


def _endpoints(ctx: Context, socket_path: Path | None, rs_asn: int | None) -> list:
    """The route servers to ask (``--socket`` and ``--rs-asn``, else lakou.yml's)."""
    from lakou.routeserver import ServersRefused, lg_servers

    try:
        return lg_servers(ctx.config.routeserver, socket_path, rs_asn)
    except ServersRefused as exc:
        raise click.UsageError(str(exc)) from None


@cli.command()
@click.argument("prefix")
@click.option("--from", "asn", required=True, help="The member's ASN (64500 or AS64500).")
@click.option("--socket", "socket_path", type=click.Path(path_type=Path), help="BIRD socket.")
@click.option("--rs-asn", type=int, help="The route server's ASN (with --socket).")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@pass_context
def explain(
    ctx: Context,
    prefix: str,
    asn: str,
    socket_path: Path | None,
    rs_asn: int | None,
    as_json: bool,
) -> None:
    """Why is PREFIX from a member (not) accepted? Every reason, in words."""
    from lakou.routeserver import BirdError, lg_explain
    from lakou.vocabulary import parse_asn

    number = parse_asn(asn)
    if number is None:  # "AS²", "AS 1", 10 000 digits: str.isdigit() would take some
        raise click.UsageError(_("--from needs an AS number, got {value!r}").format(value=asn))
    servers = _endpoints(ctx, socket_path, rs_asn)
    try:
        views = lg_explain(servers, prefix, number, lang=ctx.lang)
    except BirdError as exc:
        raise click.ClickException(str(exc)) from None
    with language(ctx.lang):
        _say_explained(views, servers, prefix, number, as_json)


def _say_explained(
    views: list[RouteView],
    servers: list[RouteServerEndpoint],
    prefix: str,
    asn: int,
    as_json: bool,
) -> None:
    if as_json:
        json.dump([v.model_dump() for v in views], sys.stdout, indent=2, ensure_ascii=False)
        click.echo()
        return
    if not views:
        click.echo(
            _("{prefix} was not received from AS{asn} by any route server.").format(
                prefix=prefix, asn=asn
            )
        )
        return
    asn_of = {s.name: s.rs_asn for s in servers}
    for view in views:
        rs = asn_of.get(view.route_server, 0)
        state = _("FILTERED") if view.filtered else _("accepted")
        click.echo(f"{view.route_server} {view.session} {view.prefix}: {state}")
        click.echo(f"  AS_PATH {view.as_path}  NEXT_HOP {view.next_hop}")
        for reason in view.reasons:
            click.echo(f"  - {reason.text} ({rs}:1101:{reason.code})")
        for tag in view.tags:
            click.echo(f"  · {tag.text} ({rs}:1000:{tag.code})")
