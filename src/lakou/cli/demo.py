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
"""

from __future__ import annotations

import atexit
import signal
from types import FrameType
from typing import TYPE_CHECKING

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, language

if TYPE_CHECKING:
    from lakou.demo import DemoRouteServer


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
def cli(ctx: Context, load_only: bool, no_route_server: bool, listen: str) -> None:
    """Load the demo exchanges (Saint-Martin, Saint-Barthélemy, Sint Maarten) and serve them."""
    from lakou.portal import ListenError, parse_listen

    try:
        host, port = parse_listen(listen)
    except ListenError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    ctx.setup_django()
    from django.core.management import call_command

    from lakou.demo import ensure_demo_user, load_demo

    with language(ctx.lang):
        call_command("migrate", interactive=False, verbosity=0)
        summary = load_demo()
        user, password = ensure_demo_user()
        click.echo(_("Demo data loaded: %(summary)s.") % {"summary": summary})
        click.echo(_("Demo exchanges: %(slugs)s") % {"slugs": ", ".join(summary.exchanges)})
        _load_traffic(ctx)
        click.echo(
            _(
                "Staff account for the demo only (never use it in production): %(user)s / "
                "%(password)s"
            )
            % {"user": user, "password": password}
        )
        if load_only:
            return
        from lakou.portal import collect_static, refusals_to_serve, serve

        problems = refusals_to_serve(ctx.config, demo=True)  # migrated above: none expected
        if problems:
            raise click.ClickException("\n".join(problems))
        collect_static()
        live = None if no_route_server else _start_route_server(ctx)
        url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
        if live is not None:
            click.echo(_("Looking glass: %(url)slg/") % {"url": url})
            click.echo(
                _("From the command line: lakou lg --socket %(socket)s --rs-asn %(asn)s neighbours")
                % {"socket": live.endpoint.socket, "asn": live.endpoint.rs_asn}
            )
        click.echo(
            _("Serving the demo at %(url)s (admin: %(url)sadmin/). Ctrl-C to stop.") % {"url": url}
        )
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        serve(host, port)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if live is not None:
            live.stop()
            with language(ctx.lang):
                click.echo(_("Live route server and member speakers stopped."))


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM ends the demo as Ctrl-C does, so the route server is stopped too."""
    raise KeyboardInterrupt


def _start_route_server(ctx: Context) -> DemoRouteServer | None:
    """The live route server, its members, and the looking glass on it (said, never fatal)."""
    from lakou.demo import DemoRouteServerError, missing_daemon, start_demo_route_server

    missing = missing_daemon()
    if missing:
        click.echo(missing)
        return None
    try:
        live = start_demo_route_server()
    except DemoRouteServerError as exc:
        click.echo(_("Live route server not started: %(error)s") % {"error": exc}, err=True)
        return None
    if live.cleaned:
        click.echo(
            _("Removed what an earlier demo, killed without stopping, left: %(what)s")
            % {"what": ", ".join(live.cleaned)}
        )
    atexit.register(live.stop)  # also on an unexpected exit (stop is idempotent)
    from django.conf import settings

    # The looking glass reads routeserver.route_servers (lakou.yml); the demo's is added to
    # this process's configuration only, the file is not touched.

    settings.LAKOU_CONFIG.routeserver.route_servers.append(live.endpoint)
    up = live.wait_established(timeout=30)
    where = (
        _("in network namespaces")
        if live.mode == "netns"
        else _("on loopback addresses 127.65.x.y, port %(port)s") % {"port": live.port}
    )
    click.echo(
        _(
            "Live route server %(rs)s (BIRD) for %(exchange)s started %(where)s: "
            "%(up)s of %(sessions)s member sessions up."
        )
        % {
            "rs": live.endpoint.name,
            "exchange": live.exchange,
            "where": where,
            "up": up,
            "sessions": live.sessions,
        }
    )
    return live


def _load_traffic(ctx: Context) -> None:
    """The demo's week of traffic into the portal's flow store (said, never fatal)."""
    from lakou.cli.exchanges import load_exchanges
    from lakou.demo import DemoTrafficError, load_demo_traffic
    from lakou.flows import store_location

    cfg = ctx.config.flows
    if cfg.store != "duckdb":
        click.echo(
            _("Demo traffic not loaded: the flow store is %(kind)s; the demo writes DuckDB only.")
            % {"kind": cfg.store}
        )
        return
    store = store_location(cfg, ctx.config.core.data_dir).directory
    assert store is not None  # a DuckDB store always has its directory
    try:
        result = load_demo_traffic(store, load_exchanges(ctx, registry=True))
    except DemoTrafficError as exc:
        click.echo(_("Demo traffic not loaded: %(error)s") % {"error": exc}, err=True)
        return
    if result.status == "skipped":
        click.echo(
            _("Demo traffic not loaded into %(store)s: it holds flows the demo did not make.")
            % {"store": store}
        )
    elif result.status == "unchanged":
        click.echo(
            _("Demo traffic already in %(store)s: %(samples)s sFlow samples, one week.")
            % {"store": store, "samples": result.samples}
        )
    else:
        click.echo(
            _(
                "Demo traffic loaded into %(store)s: a week of synthetic sFlow, "
                "%(datagrams)s datagrams, %(samples)s samples."
            )
            % {"store": store, "datagrams": result.datagrams, "samples": result.samples}
        )
