"""``lakou watch``: events of the exchange (LAN hygiene, route-server sessions), and
e-mail to the members' NOC contacts and staff when they open and when they are back to
normal. Run it from cron or a timer every few minutes."""

from __future__ import annotations

import json
import os
import time
from ipaddress import ip_network
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.refusals import one_line, refusals
from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop as N_

if TYPE_CHECKING:
    from lakou.watch import LanWatch, SessionWatch, Smtp


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
@refusals("lakou.watch", WatchError=one_line, EventBookError=one_line, NotifyError=one_line)
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
    from lakou.watch import watch_run

    _refuse_combinations(
        store_dir,
        sessions or bool(socket_path),
        peering_lans,
        smtp_host,
        bool(contacts) or registry_contacts,
    )
    report = watch_run(
        state,
        int(time.time()) if now is None else now,
        lan=_lan_watch(ctx, store_dir, members, registry, window_minutes, silent_minutes),
        sessions=_session_watch(ctx, sessions, socket_path, rs_asn, peering_lans, registry),
        contacts_file=contacts,
        more_contacts=_registry_contacts(ctx) if registry_contacts else (),
        smtp=_smtp(smtp_host, smtp_port, smtp_from, smtp_starttls, smtp_user, smtp_ca),
        exchange=exchange_name,
        settle_seconds=settle_minutes * 60,
    )
    click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))


def _refuse_combinations(
    store_dir: str | None,
    sessions: bool,
    peering_lans: tuple[str, ...],
    smtp_host: str | None,
    contacts: bool,
) -> None:
    """Options that mean nothing without others are usage errors."""
    if peering_lans and not sessions:
        raise click.UsageError(_("--peering-lan needs --sessions or --socket"))
    if not (store_dir or sessions):
        raise click.UsageError(_("observe something: --store DIR and/or --sessions (--socket)"))
    if smtp_host and not contacts:
        raise click.UsageError(_("--smtp-host needs --contacts or --registry-contacts"))


def _lan_watch(
    ctx: Context,
    store_dir: str | None,
    members: str | None,
    registry: bool,
    window_minutes: int,
    silent_minutes: int,
) -> LanWatch | None:
    """The flow store's LAN tables to observe, with the members' watchlist (or None)."""
    if not store_dir:
        return None
    from lakou.cli.lan import _watchlist
    from lakou.watch import LanWatch

    watchlist = _watchlist(ctx, members, registry)
    return LanWatch(store_dir, watchlist, window_minutes * 60, silent_minutes * 60)


def _session_watch(
    ctx: Context,
    sessions: bool,
    socket_path: Path | None,
    rs_asn: int | None,
    peering_lans: tuple[str, ...],
    registry: bool,
) -> SessionWatch | None:
    """The route servers' sessions to observe, and the peering LANs (or None)."""
    if not (sessions or socket_path):
        return None
    from lakou.cli.rs import _endpoints
    from lakou.watch import SessionWatch

    servers = _endpoints(ctx, socket_path, rs_asn)
    return SessionWatch(servers, _peering_lans(ctx, peering_lans, registry))


def _smtp(
    host: str | None, port: int, sender: str, starttls: bool, user: str, ca_file: str | None
) -> Smtp | None:
    """The SMTP client (its password from $LAKOU_SMTP_PASSWORD), or None: nothing mailed."""
    if not host:
        return None
    from lakou.watch import Smtp

    return Smtp(
        host=host,
        port=port,
        sender=sender,
        starttls=starttls,
        username=user,
        password=os.environ.get("LAKOU_SMTP_PASSWORD", ""),
        ca_file=ca_file,
    )


def _registry_contacts(ctx: Context) -> list[Any]:
    """The registry's member NOC contacts and each exchange's support address."""
    ctx.setup_django()
    from lakou.registry import registry_contacts

    contacts: list[Any] = registry_contacts(ctx.lang)
    return contacts


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
