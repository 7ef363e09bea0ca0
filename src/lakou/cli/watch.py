"""``lakou watch``: events of the exchange (LAN hygiene, route-server sessions), and
e-mail to the members' NOC contacts and staff when they open and when they are back to
normal. Run it from cron or a timer every few minutes."""

from __future__ import annotations

import json
import os
import time
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop as N_


@click.group()
def cli() -> None:
    """Events of the exchange and notifications."""


@cli.command()
@click.option(
    "--state", type=click.Path(dir_okay=False), required=True, help=N_("Event book (JSON).")
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False),
    help=N_("Flow store directory: observe its LAN hygiene findings."),
)
@click.option("--members", type=click.Path(exists=True, dir_okay=False), help=N_("Members file."))
@click.option("--registry", is_flag=True, help=N_("Read members from the registry."))
@click.option(
    "--window-minutes",
    type=click.IntRange(1),
    default=15,
    show_default=True,
    help=N_("LAN findings seen within this many minutes are still open."),
)
@click.option(
    "--silent-minutes",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help=N_("With --store: no sample kept for this long is a collector-silent event."),
)
@click.option(
    "--settle-minutes",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help=N_("Minutes an event must stay unseen before it is back to normal (flapping)."),
)
@click.option(
    "--sessions", is_flag=True, help=N_("Observe the configured route servers' sessions.")
)
@click.option(
    "--peering-lan",
    "peering_lans",
    multiple=True,
    help=N_(
        "The exchange's peering-LAN prefix, repeatable: a member announcing it (or a more "
        "specific) to the route servers is an event (with --registry: the registry's LANs too)."
    ),
)
@click.option(
    "--socket", "socket_path", type=click.Path(path_type=Path), help=N_("One BIRD socket.")
)
@click.option("--rs-asn", type=int, help=N_("The route server's ASN (with --socket)."))
@click.option(
    "--contacts", type=click.Path(exists=True, dir_okay=False), help=N_("Contacts (YAML).")
)
@click.option(
    "--registry-contacts",
    is_flag=True,
    help=N_(
        "Also mail the registry's member NOC contacts and each exchange's support address "
        "(staff); a contacts file entry for the same address wins."
    ),
)
@click.option("--smtp-host", help=N_("SMTP server (without it, nothing is mailed)."))
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=25, show_default=True)
@click.option("--smtp-from", default="lakou@localhost", show_default=True)
@click.option("--smtp-starttls", is_flag=True, help=N_("Upgrade the SMTP session with STARTTLS."))
@click.option(
    "--smtp-user", default="", help=N_("SMTP user; the password is read from $LAKOU_SMTP_PASSWORD.")
)
@click.option(
    "--smtp-ca", type=click.Path(exists=True, dir_okay=False), help=N_("CA file for STARTTLS.")
)
@click.option("--exchange-name", default="lakou", show_default=True, help=N_("Shown in subjects."))
@click.option("--now", type=int, help=N_("Run as at this time (seconds since 1970)."))
@pass_context
def run(
    ctx: Context,
    state: str,
    store_dir: str | None,
    members: str | None,
    registry: bool,
    window_minutes: int,
    silent_minutes: int,
    settle_minutes: int,
    sessions: bool,
    peering_lans: tuple[str, ...],
    socket_path: Path | None,
    rs_asn: int | None,
    contacts: str | None,
    registry_contacts: bool,
    smtp_host: str | None,
    smtp_port: int,
    smtp_from: str,
    smtp_starttls: bool,
    smtp_user: str,
    smtp_ca: str | None,
    exchange_name: str,
    now: int | None,
) -> None:
    """Observe, fold into the event book, mail the changes; prints them as JSON."""
    from lakou.watch import (
        EventBookError,
        NotifyError,
        Smtp,
        from_collector,
        from_findings,
        from_lan_prefix_routes,
        from_neighbours,
        load_contacts,
        watch_once,
    )

    when = int(time.time()) if now is None else now
    observations: dict[str, list[Any]] = {}
    if store_dir:
        from lakou.cli.lan import _has_data, _watchlist
        from lakou.lan import LanStoreError, lan_last_seen, lan_report

        watchlist = _watchlist(ctx, members, registry)
        _has_data(store_dir)
        try:
            findings = lan_report(store_dir, watchlist, when - window_minutes * 60, when + 1)
        except LanStoreError as exc:
            raise click.ClickException(str(exc)) from None
        observations["lan"] = from_findings(findings)
        last = lan_last_seen(store_dir)
        observations["collector"] = from_collector(store_dir, last, when, silent_minutes * 60)
    if sessions or socket_path:
        from lakou.cli.rs import _endpoints
        from lakou.routeserver import BirdError, lg_neighbours, lg_search

        servers = _endpoints(ctx, socket_path, rs_asn)
        rows = []
        for rs in servers:
            try:
                rows += lg_neighbours(rs)
            except (BirdError, OSError) as exc:
                raise click.ClickException(f"{rs.name}: {exc}") from None
        observations["sessions"] = from_neighbours(rows)
        lans = _peering_lans(ctx, peering_lans, registry)
        if lans:
            routes = []
            for prefix in lans:
                # The prefix itself, and the longest match for its first address: a more
                # specific announced inside the LAN shows there.
                first = str(next(ip_network(prefix, strict=False).hosts()))
                for wanted in (prefix, first):
                    try:
                        routes += lg_search(servers, wanted)
                    except (BirdError, OSError) as exc:
                        raise click.ClickException(str(exc)) from None
            observations["routes"] = from_lan_prefix_routes(routes, rows, lans)
    elif peering_lans:
        raise click.UsageError(_("--peering-lan needs --sessions or --socket"))
    if not observations:
        raise click.UsageError(_("observe something: --store DIR and/or --sessions (--socket)"))
    if smtp_host and not (contacts or registry_contacts):
        raise click.UsageError(_("--smtp-host needs --contacts or --registry-contacts"))
    smtp = None
    people = []
    try:
        if contacts:
            people = load_contacts(contacts)
        if registry_contacts:
            ctx.setup_django()
            from lakou.registry import registry_contacts as from_registry

            known = {p.email for p in people}
            people += [p for p in from_registry(ctx.lang) if p.email not in known]
        if smtp_host:
            smtp = Smtp(
                host=smtp_host,
                port=smtp_port,
                sender=smtp_from,
                starttls=smtp_starttls,
                username=smtp_user,
                password=os.environ.get("LAKOU_SMTP_PASSWORD", ""),
                ca_file=smtp_ca,
            )
        result = watch_once(
            state, when, observations, people, exchange_name, smtp, settle_minutes * 60
        )
    except (EventBookError, NotifyError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


def _peering_lans(ctx: Context, given: tuple[str, ...], registry: bool) -> list[str]:
    lans = []
    for text in given:
        try:
            lans.append(str(ip_network(text, strict=False)))
        except ValueError:
            raise click.BadParameter(
                _("{value!r}: not a prefix").format(value=text), param_hint="--peering-lan"
            ) from None
    if registry:
        ctx.setup_django()
        from lakou.registry import all_exchanges

        for ex in all_exchanges():
            lans += [str(p) for lan in ex.lans for p in (lan.ipv4_prefix, lan.ipv6_prefix) if p]
    return sorted(set(lans))
