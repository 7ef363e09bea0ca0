"""``lakou demo``: load the demo install and serve it, so a newcomer sees lakou work.

The database is the configured one (SQLite in ``core.data_dir`` by default, or
``$LAKOU_DATABASE_URL``). The demo's traffic (a synthetic week of sFlow between the demo
members, :mod:`lakou.registry.demo.traffic`) goes into the flow store the portal reads
(``flows.store_dir``, default ``core.data_dir/flows``), only when that store is the
DuckDB one and holds no data of its own. Loading is idempotent: run it as often as you
like.
"""

from __future__ import annotations

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, language


@click.command()
@click.option("--load-only", is_flag=True, help="Load the demo data and exit without serving.")
@click.option(
    "--listen",
    metavar="HOST:PORT",
    default="127.0.0.1:8000",
    show_default=True,
    help="Address to serve on.",
)
@pass_context
def cli(ctx: Context, load_only: bool, listen: str) -> None:
    """Load the demo exchanges (Saint-Martin, Saint-Barthélemy, Sint Maarten) and serve them."""
    from lakou.portal.server import ListenError, parse_listen

    try:
        host, port = parse_listen(listen)
    except ListenError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    ctx.setup_django()
    from django.core.management import call_command

    from lakou.registry.demo import ensure_demo_user, load_demo

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
        from lakou.portal.server import prepare, refusals, serve

        problems = refusals(ctx.config, demo=True)  # migrated above: none expected
        if problems:
            raise click.ClickException("\n".join(problems))
        prepare()
        url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
        click.echo(
            _("Serving the demo at %(url)s (admin: %(url)sadmin/). Ctrl-C to stop.") % {"url": url}
        )
    serve(host, port)


def _load_traffic(ctx: Context) -> None:
    """The demo's week of traffic into the portal's flow store (said, never fatal)."""
    from pathlib import Path

    from lakou.registry.demo.traffic import DemoTrafficError, load_demo_traffic
    from lakou.registry.engines import all_exchanges

    cfg = ctx.config.flows
    if cfg.store != "duckdb":
        click.echo(
            _("Demo traffic not loaded: the flow store is %(kind)s; the demo writes DuckDB only.")
            % {"kind": cfg.store}
        )
        return
    store = Path(cfg.store_dir) if cfg.store_dir else ctx.config.core.data_dir / "flows"
    try:
        result = load_demo_traffic(store, all_exchanges())
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
