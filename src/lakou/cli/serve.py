"""``lakou serve``: the web app (registry admin, public portal, API) on one address."""

from __future__ import annotations

import click

from lakou.cli.context import Context, pass_context


@click.command()
@click.option(
    "--listen",
    metavar="HOST:PORT",
    help="Address to serve on (default: portal.listen, 127.0.0.1:8000).",
)
@click.option("--threads", default=8, show_default=True, help="Worker threads.")
@pass_context
def cli(ctx: Context, listen: str | None, threads: int) -> None:
    """Apply migrations, then serve the web app with waitress until interrupted."""
    from lakou.portal.server import ListenError, parse_listen

    try:
        host, port = parse_listen(listen or ctx.config.portal.listen)
    except ListenError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    ctx.setup_django()
    from lakou.portal.server import prepare, serve

    prepare()
    click.echo(f"lakou: serving http://{_url_host(host)}:{port}/ (Ctrl-C to stop)")
    serve(host, port, threads=threads)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
