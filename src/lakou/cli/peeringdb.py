"""``lakou peeringdb``: keep the local PeeringDB cache, pre-fill members, compare.

``sync``, ``load`` (the offline way: PeeringDB's JSON from files) and ``show`` need no
database (the engine alone); ``prefill`` and ``compare``
read the registry. Settings: ``registry.peeringdb`` in lakou.yml (url, api_key,
queries_per_minute, timeout_seconds...); the cache is ``<core.data_dir>/peeringdb.sqlite3``
unless ``registry.peeringdb.cache_file`` says otherwise.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.ixf import translated
from lakou.cli.output import console
from lakou.i18n import _, gettext_noop, language

if TYPE_CHECKING:
    from rich.progress import TaskID

    from lakou.peeringdb import Disagreement, LoadedDump, NetworkPorts, SyncReport
    from lakou.registry import MemberPrefill

# Words the engine returns as data, translated when shown.
SHOWN = (
    gettext_noop("full"),
    gettext_noop("incremental"),
    gettext_noop("dump"),
    gettext_noop("network"),
    gettext_noop("member"),
)


@click.group()
def cli() -> None:
    """Local PeeringDB cache: sync, show, pre-fill members, compare with the registry."""


@cli.command("sync")
@click.option("--full", is_flag=True, help="Fetch everything again, not only the changes.")
@click.option(
    "--only",
    default="",
    help="Comma-separated object types to sync (ix, ixlan, ixpfx, net, netixlan).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def sync(ctx: Context, full: bool, only: str, fmt: str) -> None:
    """Bring the local cache up to date, within PeeringDB's rate limit."""
    from lakou.peeringdb import PeeringDBCacheError, PeeringDBError, UnknownObjectTypes, sync_cache

    settings = ctx.config.registry.peeringdb
    with language(ctx.lang):
        try:
            with _SyncProgress(transient=fmt == "json") as shown:
                report = sync_cache(
                    ctx.peeringdb_cache,
                    settings,
                    full=full,
                    only=only,
                    progress=shown.progress,
                    on_retry=shown.retrying,
                )
        except (UnknownObjectTypes, PeeringDBError, PeeringDBCacheError) as exc:
            raise _sync_refused(exc) from None
        if fmt == "json":
            click.echo(json.dumps(report.as_dict(), indent=2))
            return
        _print_sync(report)


def _sync_refused(exc: Exception) -> click.ClickException:
    """An unknown type is a wrong ``--only``; anything else left the cache as it was."""
    from lakou.peeringdb import UnknownObjectTypes

    if isinstance(exc, UnknownObjectTypes):
        return click.BadParameter(str(exc), param_hint="--only")
    return click.ClickException(
        str(exc) + "\n" + _("The cache was left as it was for the failing type.")
    )


class _SyncProgress:
    """The sync's progress on stderr: one line per object type, and each wait.

    The bar starts with the first type fetched: a sync refused before (``--only``) shows
    nothing.
    """

    def __init__(self, *, transient: bool) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.err = console(stderr=True)
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed} " + _("objects")),
            TimeElapsedColumn(),
            console=self.err,
            transient=transient,
        )
        self.tasks: dict[str, TaskID] = {}
        self.started = False

    def retrying(self, why: str, seconds: float) -> None:
        self.err.print(_("%(why)s; trying again in %(s)s s") % {"why": why, "s": round(seconds, 1)})

    def progress(self, obj: str, fetched: int, finished: bool) -> None:
        if not self.started:
            self.bar.__enter__()
            self.started = True
        if obj not in self.tasks:
            self.tasks[obj] = self.bar.add_task(obj, total=None)
        self.bar.update(self.tasks[obj], completed=fetched)
        if finished:
            self.bar.update(self.tasks[obj], total=fetched, completed=fetched)

    def __enter__(self) -> _SyncProgress:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.started:
            self.bar.__exit__(*exc)


def _print_sync(report: SyncReport) -> None:
    from rich.table import Table

    table = Table(title=_("PeeringDB sync"))
    for header in (
        _("object"),
        _("mode"),
        _("fetched"),
        _("stored"),
        _("deleted"),
        _("requests"),
    ):
        table.add_column(header)
    for row in report.types:
        table.add_row(
            row.obj,
            _(row.mode),
            str(row.fetched),
            str(row.upserted),
            str(row.deleted),
            str(row.requests),
        )
    console().print(table)
    click.echo(
        _("%(n)s requests, %(t)s throttled (HTTP 429), %(w)s s spent waiting for the rate limit")
        % {"n": report.requests, "t": report.throttled, "w": round(report.waited_seconds, 1)}
    )


@cli.command("load")
@click.argument("dumps", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def load(ctx: Context, dumps: tuple[str, ...], fmt: str) -> None:
    """Fill the local cache from PeeringDB JSON files (no network needed).

    Each DUMP is the API's JSON: one object type per file ({"data": [...]}, the type from
    the file name such as ix.json or from its fields), or a full dump keyed by type
    ({"ix": {"data": [...]}, "net": ...}). The types loaded replace what the cache had;
    the others are kept. Nothing is written unless every file is usable.
    """
    from lakou.peeringdb import DumpError, PeeringDBCacheError, load_dumps

    with language(ctx.lang):
        try:
            loaded = load_dumps(ctx.peeringdb_cache, dumps)
        except (DumpError, PeeringDBCacheError) as exc:
            raise click.ClickException(
                str(exc) + "\n" + _("Nothing was written to the cache.")
            ) from None
        if fmt == "json":
            click.echo(json.dumps(loaded.as_dict(), indent=2))
            return
        _print_loaded(loaded)


@cli.command("show")
@click.argument("asn", type=click.IntRange(1, 4294967295))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def show(ctx: Context, asn: int, fmt: str) -> None:
    """Show a network (ASN) from the local cache, with its exchange ports."""
    from lakou.peeringdb import network_ports

    with language(ctx.lang):
        found = network_ports(ctx.peeringdb_cache, asn)
        if found.net is None:
            raise click.ClickException(found.why_missing())
        if fmt == "json":
            click.echo(json.dumps(found.as_dict(), indent=2, ensure_ascii=False))
            return
        _print_network(found)


@cli.command("prefill")
@click.argument("asn", type=click.IntRange(1, 4294967295))
@click.option("--exchange", "slug", required=True, help="The exchange the member joins.")
@click.option("--apply", "do_apply", is_flag=True, help="Write it (default: only show it).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def prefill_cmd(ctx: Context, asn: int, slug: str, do_apply: bool, fmt: str) -> None:
    """Pre-fill a member from PeeringDB: what would be filled, or --apply it."""
    ctx.setup_django()
    from lakou.registry import PeeringDBRegistryError, prefill_member

    with translated(ctx):
        try:
            done = prefill_member(asn, slug, ctx.peeringdb_cache, apply=do_apply)
        except PeeringDBRegistryError as exc:
            raise click.ClickException(str(exc)) from None
        if fmt == "json":
            click.echo(json.dumps(done.as_dict(), indent=2, ensure_ascii=False, default=str))
            return
        _print_prefill(done, asn)


def _print_loaded(loaded: LoadedDump) -> None:
    from rich.table import Table

    table = Table(title=_("PeeringDB loaded from files"))
    for header in (_("object"), _("in the files"), _("stored"), _("newest change")):
        table.add_column(header)
    for row in loaded.types:
        table.add_row(row.obj, str(row.fetched), str(row.upserted), row.newest_day)
    console().print(table)
    if loaded.not_kept:
        click.echo(
            _("Not kept (lakou does not use these types): %(items)s")
            % {"items": ", ".join(f"{k} ({n})" for k, n in sorted(loaded.not_kept.items()))}
        )


def _print_network(found: NetworkPorts) -> None:
    from rich.table import Table

    net = found.net or {}
    asn = found.asn
    info = Table(title=f"AS{asn} {net.get('name', '')}", show_header=False)
    info.add_column()
    info.add_column()
    for label, key in (
        (_("PeeringDB id"), "id"),
        (_("website"), "website"),
        (_("AS-SET"), "irr_as_set"),
        (_("prefixes IPv4"), "info_prefixes4"),
        (_("prefixes IPv6"), "info_prefixes6"),
        (_("never via route servers"), "info_never_via_route_servers"),
        (_("peering policy"), "policy_general"),
        (_("updated"), "updated"),
    ):
        value = net.get(key)
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        info.add_row(label, "" if value is None else str(value))
    ports_table = Table(title=_("Exchange ports"))
    for header in (_("exchange"), "IPv4", "IPv6", _("speed (Mb/s)"), _("route servers")):
        ports_table.add_column(header)
    for port in found.ports:
        ports_table.add_row(
            port["ix_name"],
            port.get("ipaddr4") or "",
            port.get("ipaddr6") or "",
            str(port.get("speed") or ""),
            _("yes") if port.get("is_rs_peer") else _("no"),
        )
    out = console()
    out.print(info)
    out.print(ports_table)


def _print_prefill(done: MemberPrefill, asn: int) -> None:
    from rich.table import Table

    do_apply = done.applied
    title = (
        _("AS%(asn)s: changes made") if do_apply else _("AS%(asn)s: what --apply would change")
    ) % {"asn": asn}
    table = Table(title=title)
    for header in (_("object"), _("field"), _("registry now"), _("from PeeringDB")):
        table.add_column(header)
    for change in done.changes:
        table.add_row(
            _(change.target),
            change.label,
            _shown(change.old),
            _shown(change.new),
        )
    console().print(table)
    if not done.changes:
        click.echo(_("Nothing to change: the registry already agrees with PeeringDB."))
    for note in done.prefill.notes:
        click.echo(_("note: %(note)s") % {"note": note})
    click.echo(_("Max-prefix values are PeeringDB's raw hints, without headroom."))


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


@cli.command("compare")
@click.option("--exchange", "slug", required=True, help="The exchange to compare.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def compare_cmd(ctx: Context, slug: str, fmt: str) -> None:
    """Show where the registry and PeeringDB disagree about an exchange's members."""
    ctx.setup_django()
    from lakou.peeringdb import CompareError
    from lakou.registry import PeeringDBRegistryError, compare_with_peeringdb

    with translated(ctx):
        try:
            rows = compare_with_peeringdb(slug, ctx.peeringdb_cache)
        except (PeeringDBRegistryError, CompareError) as exc:
            raise click.ClickException(str(exc)) from None
        if fmt == "json":
            click.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
            return
        _print_compare(rows, slug)


def _print_compare(rows: list[Disagreement], slug: str) -> None:
    from rich.table import Table

    table = Table(title=_("%(slug)s: registry versus PeeringDB") % {"slug": slug})
    for header in (_("ASN"), _("name"), _("difference"), _("registry"), _("PeeringDB")):
        table.add_column(header)
    for row in rows:
        table.add_row(str(row.asn), row.name, row.label, row.registry, row.peeringdb)
    console().print(table)
    click.echo(_("%(n)s differences") % {"n": len(rows)})
