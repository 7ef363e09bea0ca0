"""``lakou serve``: the web app (registry admin, public portal, API) on one address."""

from __future__ import annotations

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, language
from lakou.portal import DEFAULT_THREADS


@click.command()
@click.option(
    "--listen",
    metavar="HOST:PORT",
    help="Address to serve on (default: portal.listen, 127.0.0.1:8000).",
)
@click.option(
    "--threads",
    default=DEFAULT_THREADS,
    show_default=True,
    help="Worker threads (4 suits 2 cores: see docs/90-benchmarks.md).",
)
@pass_context
def cli(ctx: Context, listen: str | None, threads: int) -> None:
    """Serve the web app with waitress until interrupted.

    Refuses to start with debug mode, a weak secret key or unapplied migrations, saying
    which setting or command fixes it.
    """
    from lakou.portal import ListenError, parse_listen

    try:
        host, port = parse_listen(listen or ctx.config.portal.listen)
    except ListenError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    ctx.setup_django()
    from lakou.portal import collect_static, refusals_to_serve, serve

    with language(ctx.lang):
        _refuse(refusals_to_serve(ctx.config))
    collect_static()
    click.echo(
        _("lakou: serving %(url)s (Ctrl-C to stop)") % {"url": f"http://{_url_host(host)}:{port}/"}
    )
    serve(host, port, threads=threads, behind_proxy=ctx.config.portal.behind_proxy)


def _refuse(problems: list[str]) -> None:
    """Each reason not to serve on stderr, then exit 1 (nothing when there is none)."""
    for problem in problems:
        click.echo(_("lakou serve: refused: %(problem)s") % {"problem": problem}, err=True)
    if problems:
        raise SystemExit(1)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
