"""``lakou demo``: load the demo install and serve it, so a newcomer sees lakou work.

The database is the configured one (SQLite in ``core.data_dir`` by default, or
``$LAKOU_DATABASE_URL``). The demo's traffic (a synthetic week of sFlow between the demo
members, :mod:`lakou.demo.traffic`) goes into the flow store the portal reads
(``flows.store_dir``, default ``core.data_dir/flows``), only when that store is the
DuckDB one and holds no data of its own. Loading is idempotent: run it as often as you
like.

Unless ``--load-only`` or ``--no-route-server``, a live BIRD route server for
``demo-saint-martin`` and its members' BGP speakers are started
(:mod:`lakou.demo.routeserver`) and the looking glass is pointed at it; they are
stopped, and their temporary directory removed, when the demo stops (Ctrl-C, SIGTERM).
All of it is the demo component's :func:`lakou.demo.run_demo`; the command parses
``--listen``, sets Django up and prints what the demo tells.
"""

from __future__ import annotations

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.refusals import one_line, refusals


def _warn(message: str) -> None:
    click.echo(message, err=True)


@click.command()
@click.option("--load-only", is_flag=True, help="Load the demo data and exit without serving.")
@click.option(
    "--no-route-server",
    is_flag=True,
    help="Do not start the live BIRD route server and its members' BGP speakers.",
)
@click.option(
    "--listen",
    metavar="HOST:PORT",
    default="127.0.0.1:8000",
    show_default=True,
    help="Address to serve on.",
)
@pass_context
@refusals("lakou.demo", DemoRefused=one_line)
def cli(ctx: Context, load_only: bool, no_route_server: bool, listen: str) -> None:
    """Load the demo exchanges (Saint-Martin, Saint-Barthélemy, Sint Maarten) and serve them."""
    from lakou.demo import run_demo
    from lakou.portal import ListenError, parse_listen

    try:
        host, port = parse_listen(listen)
    except ListenError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    ctx.setup_django()
    run_demo(
        ctx.config,
        ctx.lang,
        host=host,
        port=port,
        load_only=load_only,
        route_server=not no_route_server,
        say=click.echo,
        warn=_warn,
    )
