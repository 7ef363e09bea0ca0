"""``lakou lan``: peering-LAN hygiene findings and quarantine readiness from sFlow."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.refusals import one_line, refusals
from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop as N_

if TYPE_CHECKING:
    from lakou.lan import Finding, QuarantineReview, QuarantineStatus


def _watchlist(ctx: Context, members: str | None, registry: bool) -> Any:
    from lakou.flows import MembersFileError
    from lakou.lan import Watchlist, load_watchlist

    if registry and members:
        raise click.UsageError(_("give --members or --registry, not both"))
    if registry:
        ctx.setup_django()
        from lakou.registry import registry_watchlist

        return registry_watchlist()
    members = members or ctx.flows.members_file or None
    if not members:
        raise click.UsageError(_("give --members FILE or --registry"))
    try:
        watchlist: Watchlist = load_watchlist(members)
    except (MembersFileError, OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    return watchlist


def _store_dir(ctx: Context, store_dir: str | None) -> str:
    """The directory of the LAN tables' flow store (files, whichever the flow backend)."""
    from lakou.flows import store_location

    where = store_location(ctx.flows, ctx.core.data_dir, store_dir, "duckdb")
    return str(where.directory)


# LAN tables that cannot be read, or hold nothing yet, end the command with their message.
_lan_errors = refusals("lakou.lan", LanStoreError=one_line)


def _when(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")


_options = [
    click.option(
        "--store",
        "store_dir",
        type=click.Path(file_okay=False),
        help=N_("Flow store directory (its lan/ tables)."),
    ),
    click.option(
        "--members",
        type=click.Path(exists=True, dir_okay=False),
        help=N_("Members, MACs, addresses, ports and quarantine: YAML, CSV or IX-F JSON."),
    ),
    click.option("--registry", is_flag=True, help=N_("Read members from the registry.")),
    click.option(
        "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
    ),
    click.option(
        "--max-macs",
        type=click.IntRange(1),
        default=1,
        show_default=True,
        help=N_("MACs allowed per port, unless the members file says otherwise."),
    ),
    click.option(
        "--broadcast-pps",
        type=click.FloatRange(0),
        default=100.0,
        show_default=True,
        help=N_("Broadcast and multicast packets per second allowed per port (estimated)."),
    ),
]


def _with_options(f: Any) -> Any:
    for opt in reversed(_options):
        f = opt(f)
    return f


@click.group()
def cli() -> None:
    """Peering-LAN hygiene from sFlow: forbidden frames, foreign MACs, quarantine."""


@cli.command()
@_with_options
@click.option("--since", type=int, default=0, help=N_("Start, in seconds since 1970."))
@click.option("--until", type=int, default=2**62, help=N_("End, in seconds since 1970."))
@pass_context
@_lan_errors
def report(
    ctx: Context,
    store_dir: str | None,
    members: str | None,
    registry: bool,
    fmt: str,
    max_macs: int,
    broadcast_pps: float,
    since: int,
    until: int,
) -> None:
    """Findings per member: what its port sent that a peering LAN must not carry."""
    from lakou.lan import Thresholds, hygiene_findings

    watchlist = _watchlist(ctx, members, registry)
    thresholds = Thresholds(max_macs, broadcast_pps)
    findings = hygiene_findings(_store_dir(ctx, store_dir), watchlist, since, until, thresholds)
    _print_findings(findings, fmt)


def _print_findings(findings: list[Finding], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
        return
    if not findings:
        click.echo(_("No findings: the peering LAN is clean."))
        return
    head = (_("ASN"), _("member"), _("port"), _("finding"), _("samples"), _("pps"), _("last seen"))
    click.echo("{:<10} {:<16} {:<22} {:<26} {:>8} {:>9}  {}".format(*head))
    for f in findings:
        click.echo(
            f"{f.asn or '-':<10} {f.member[:16]:<16} {f.port[:22]:<22} {f.kind:<26} "
            f"{f.samples:>8} {f.rate_pps:>9.2f}  {_when(f.last_seen)}"
        )
        detail = ", ".join(f"{k}={v}" for k, v in sorted(f.evidence.items()))
        click.echo(f"{'':<10} {detail[:150]}")


@cli.command()
@_with_options
@click.option(
    "--clean-hours",
    type=click.FloatRange(0, min_open=True),
    required=True,
    help=N_("Hours a quarantined port must stay clean before production."),
)
@click.option("--now", type=int, help=N_("Judge at this time (seconds since 1970; default: now)."))
@click.option(
    "--promote",
    is_flag=True,
    help=N_("With --registry: move the quarantined MACs of ready ports to production."),
)
@pass_context
@_lan_errors
def quarantine(
    ctx: Context,
    store_dir: str | None,
    members: str | None,
    registry: bool,
    fmt: str,
    max_macs: int,
    broadcast_pps: float,
    clean_hours: float,
    now: int | None,
    promote: bool,
) -> None:
    """Quarantined ports: clean for N hours and ready for production, or what blocks them."""
    if promote and not registry:
        raise click.UsageError(_("--promote needs --registry (it changes the registry)"))
    from lakou.lan import Thresholds, review_quarantine

    watchlist = _watchlist(ctx, members, registry)
    thresholds = Thresholds(max_macs, broadcast_pps)
    review = review_quarantine(_store_dir(ctx, store_dir), watchlist, clean_hours, now, thresholds)
    _print_quarantine(review, fmt)
    if promote:
        _promote(review.statuses, fmt)


def _promote(statuses: list[QuarantineStatus], fmt: str) -> None:
    """Move the quarantined MACs of the ready ports to production, in the registry."""
    from lakou.accounts import promote_ready

    moved = promote_ready(statuses)
    if fmt != "json":
        for mac in moved:
            click.echo(_("{mac}: moved to production").format(mac=mac))


def _print_quarantine(review: QuarantineReview, fmt: str) -> None:
    if fmt == "json":
        statuses = [s.as_dict() for s in review.statuses]
        click.echo(json.dumps(statuses, indent=2, ensure_ascii=False))
        return
    if not review.statuses:
        click.echo(_("No port is in quarantine."))
        return
    hours = f"{review.clean_hours:g}"
    for s in review.statuses:
        who = f"AS{s.asn} {s.member} ({s.port})"
        if s.status == "ready":
            click.echo(
                _("{who}: clean for {hours} hours, ready for production").format(
                    who=who, hours=hours
                )
            )
        elif s.status == "blocked":
            kinds = ", ".join(f"{f.kind} ({f.samples})" for f in s.findings)
            click.echo(_("{who}: blocked by {findings}").format(who=who, findings=kinds))
        elif s.seen_since is None:
            click.echo(_("{who}: not seen yet in the samples").format(who=who))
        elif review.silent(s):
            click.echo(
                _("{who}: clean, but not seen in the last {hours} hours").format(
                    who=who, hours=hours
                )
            )
        else:
            click.echo(
                _("{who}: clean, but seen for {seen:.1f} of {hours} hours").format(
                    who=who, seen=review.seen_hours(s), hours=hours
                )
            )
