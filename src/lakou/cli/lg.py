"""``lakou lg``: the looking glass over the route servers (BIRD control sockets, OpenBGPD's
through ``bgpctl``): sessions, a member's routes received and sent, a prefix or an address."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import gettext as _


@click.group()
@click.option(
    "--socket",
    "socket_path",
    type=click.Path(path_type=Path),
    help="One BIRD socket instead of the configured route servers.",
)
@click.option("--rs-asn", type=int, help="The route server's ASN (with --socket).")
@click.pass_context
def cli(click_ctx: click.Context, socket_path: Path | None, rs_asn: int | None) -> None:
    """Looking glass over the route servers."""
    click_ctx.meta["lg_socket"] = (socket_path, rs_asn)


def _servers(ctx: Context) -> list[Any]:
    from lakou.cli.rs import _endpoints

    socket_path, rs_asn = click.get_current_context().meta.get("lg_socket", (None, None))
    return _endpoints(ctx, socket_path, rs_asn)


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    click.echo()


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@pass_context
def neighbours(ctx: Context, as_json: bool) -> None:
    """Sessions with received, accepted and filtered route counts."""
    from lakou.routeserver import BirdError, lg_neighbours

    rows = []
    for rs in _servers(ctx):
        try:
            rows += lg_neighbours(rs)
        except BirdError as exc:
            raise click.ClickException(str(exc)) from None
    _print_neighbours(rows, as_json)


def _print_neighbours(rows: list[Any], as_json: bool) -> None:
    if as_json:
        _dump([r.model_dump() for r in rows])
        return
    click.echo(
        f"{'RS':<6} {_('session'):<16} {'ASN':>10} {_('state'):<12} "
        f"{_('received'):>9} {_('accepted'):>9} {_('filtered'):>9}  {_('description')}"
    )
    for r in rows:
        click.echo(
            f"{r.route_server:<6} {r.session:<16} {r.asn or '':>10} {r.state:<12} "
            f"{r.received:>9} {r.accepted:>9} {r.filtered:>9}  {r.description}"
        )


def _print_routes(views: list[Any], as_json: bool) -> None:
    if as_json:
        _dump([v.model_dump() for v in views])
        return
    for v in views:
        state = _("FILTERED") if v.filtered else _("accepted")
        click.echo(
            f"{v.route_server} {v.session} {v.prefix:<20} {state:<9} [{v.as_path}] {v.next_hop}"
        )
        for reason in v.reasons:
            click.echo(f"    - {reason.text} (1101:{reason.code})")


@cli.command()
@click.argument("neighbour")
@click.option("--filtered", "which", flag_value="filtered", help="Only filtered routes.")
@click.option("--accepted", "which", flag_value="accepted", help="Only accepted routes.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def routes(ctx: Context, neighbour: str, which: str | None, as_json: bool) -> None:
    """Routes received from NEIGHBOUR (an ASN or a session name), with reject reasons."""
    from lakou.routeserver import BirdError, lg_routes

    filtered = None if which is None else which == "filtered"
    views = []
    try:
        for rs in _servers(ctx):
            views += lg_routes(rs, neighbour, filtered=filtered, lang=ctx.lang)
    except BirdError as exc:
        raise click.ClickException(str(exc)) from None
    _print_routes(views, as_json)


@cli.command()
@click.argument("neighbour")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def exported(ctx: Context, neighbour: str, as_json: bool) -> None:
    """Routes the route servers send NEIGHBOUR (an ASN or a session name)."""
    from lakou.routeserver import BirdError, lg_exported

    views = []
    try:
        for rs in _servers(ctx):
            views += lg_exported(rs, neighbour, lang=ctx.lang)
    except BirdError as exc:
        raise click.ClickException(str(exc)) from None
    _print_exported(views, as_json)


def _print_exported(views: list[Any], as_json: bool) -> None:
    if as_json:
        _dump([v.model_dump() for v in views])
        return
    for v in views:
        click.echo(
            f"{v.route_server} {v.sent_to} {v.prefix:<20} [{v.as_path}] {v.next_hop}"
            f"  {_('from')} {v.session or '?'}"
        )


@cli.command()
@click.argument("prefix")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def search(ctx: Context, prefix: str, as_json: bool) -> None:
    """PREFIX (exact) or an address (longest match) on every route server: who announces
    it, accepted or filtered and why."""
    from lakou.routeserver import BirdError, lg_search

    try:
        views = lg_search(_servers(ctx), prefix, lang=ctx.lang)
    except BirdError as exc:
        raise click.ClickException(str(exc)) from None
    _print_routes(views, as_json)
