"""``lakou demo``: load the demo install and serve it, so a newcomer sees lakou work.

The database is the configured one (SQLite in ``core.data_dir`` by default, or
``$LAKOU_DATABASE_URL``). Loading is idempotent: run it as often as you like.
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
        click.echo(
            _(
                "Staff account for the demo only (never use it in production): %(user)s / "
                "%(password)s"
            )
            % {"user": user, "password": password}
        )
        if load_only:
            return
        from lakou.portal.server import prepare, serve

        prepare()
        url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
        click.echo(
            _("Serving the demo at %(url)s (admin: %(url)sadmin/). Ctrl-C to stop.") % {"url": url}
        )
    serve(host, port)
