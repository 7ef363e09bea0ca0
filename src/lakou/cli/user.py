"""``lakou user``: accounts of members, regulators and staff, and their API keys.

``add`` gives a user a role (for a member network when it is a member role) and prints
how the person chooses a password and enrols two-factor authentication; ``password``
sets one at the terminal; ``apikey`` makes a key, printed alone on the last line and
never again; ``revoke-key`` ends one; ``keys`` lists them (prefixes only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, gettext_noop
from lakou.vocabulary import parse_asn

if TYPE_CHECKING:
    from lakou.accounts import Invitation, Reminder

ROLE_CHOICE = click.Choice(["member-admin", "member-user", "regulator", "staff"])
# A key's state as the accounts give it, translated when shown.
KEY_STATES = (gettext_noop("revoked"), gettext_noop("expired"), gettext_noop("live"))


def _asn(text: str | None) -> int | None:
    if text is None:
        return None
    asn = parse_asn(text)
    if asn is None:
        raise click.BadParameter(_("%s is not an ASN (64500 or AS64500)") % text)
    return asn


@click.group()
def cli() -> None:
    """Accounts and API keys."""


@cli.command("add")
@click.argument("username")
@click.option("--member", "member", help="ASN of the member network (member roles).")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the user may do.")
@click.option("--email", default="", help="E-mail address of the person.")
@pass_context
def add(ctx: Context, username: str, member: str | None, role: str, email: str) -> None:
    """Create USERNAME (or give it one more role)."""
    asn = _asn(member)
    ctx.setup_django()
    from lakou.accounts import AccountError, invite_user

    try:
        done = invite_user(username, role, asn, email, portal=ctx.config.portal, lang=ctx.lang)
    except AccountError as err:
        raise click.ClickException(str(err)) from None
    _print_invitation(done)


def _print_invitation(done: Invitation) -> None:
    values = {"user": done.username, "role": done.role}
    values["what"] = f"AS{done.asn}" if done.asn else done.role
    if done.created:
        click.echo(_("Created user %(user)s (%(role)s, %(what)s).") % values)
    else:
        click.echo(_("User %(user)s now also has %(role)s (%(what)s).") % values)
    click.echo(_("To choose a password, the user opens (once, within 3 days):"))
    click.echo(f"  {done.link}")
    if done.mail_error:
        click.echo(_("warning: the address was not mailed: %s") % done.mail_error, err=True)
    elif done.mailed_to:
        click.echo(_("The address was also mailed to %s.") % done.mailed_to)
    click.echo(_("or you set one now: lakou user password %s") % done.username)
    if done.two_factor:
        click.echo(
            _(
                "At the first sign-in (%s/account/login/) the portal shows a key to add "
                "to an authenticator app (TOTP) and ten recovery codes: two-factor "
                "authentication is required for this role."
            )
            % done.origin
        )


@cli.command("password")
@click.argument("username")
@click.password_option()
@pass_context
def password(ctx: Context, username: str, password: str) -> None:
    """Set USERNAME's password (asked twice, not echoed)."""
    ctx.setup_django()
    from lakou.accounts import AccountError, find_user, set_password

    try:
        set_password(find_user(username), password)
    except AccountError as err:
        raise click.ClickException(str(err)) from None
    click.echo(_("Password of %s set.") % username)


@cli.command("apikey")
@click.argument("username")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option(
    "--expires",
    "days",
    type=int,
    default=90,
    show_default=True,
    help="Days until the key expires (1 to 365).",
)
@pass_context
def apikey(ctx: Context, username: str, scope: str, days: int) -> None:
    """Make an API key for USERNAME; it is shown once, on the last line."""
    ctx.setup_django()
    from lakou.accounts import AccountError, ApiKeyError, create_api_key, find_user

    try:
        row, key = create_api_key(find_user(username), scope=scope, days=days)
    except (AccountError, ApiKeyError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(
        _(
            "API key %(prefix)s for %(user)s, scope %(scope)s, expires %(date)s; "
            "it is not shown again. Send it as: Authorization: Bearer KEY"
        )
        % {
            "prefix": row.prefix,
            "user": username,
            "scope": scope,
            "date": row.expires.date().isoformat(),
        }
    )
    click.echo(key)


@cli.command("revoke-key")
@click.argument("username")
@click.argument("prefix")
@pass_context
def revoke_key(ctx: Context, username: str, prefix: str) -> None:
    """Revoke USERNAME's API key PREFIX (as `lakou user keys` lists it)."""
    ctx.setup_django()
    from lakou.accounts import AccountError, find_user, revoke_api_key

    try:
        count = revoke_api_key(find_user(username), prefix)
    except AccountError as err:
        raise click.ClickException(str(err)) from None
    if not count:
        raise click.ClickException(
            _("%(user)s has no live API key %(prefix)s") % {"user": username, "prefix": prefix}
        )
    click.echo(_("API key %s revoked.") % prefix)


@cli.command("keys")
@click.argument("username")
@pass_context
def list_keys(ctx: Context, username: str) -> None:
    """List USERNAME's API keys: prefix, scope, expiry, state."""
    ctx.setup_django()
    from lakou.accounts import AccountError, list_api_keys

    try:
        keys = list_api_keys(username)
    except AccountError as err:
        raise click.ClickException(str(err)) from None
    for row in keys:
        click.echo(f"{row.prefix}  {row.scope:5}  {row.expires.date().isoformat()}  {_(row.state)}")


@cli.command("remind-keys")
@click.option(
    "--days",
    type=click.IntRange(1, 365),
    default=14,
    show_default=True,
    help="Remind the owners of keys that expire within this many days.",
)
@pass_context
def remind_keys(ctx: Context, days: int) -> None:
    """E-mail each API key's owner once before the key expires (the key-reminders job)."""
    ctx.setup_django()
    from lakou.accounts import MailError, remind_key_owners

    try:
        reminders = remind_key_owners(ctx.core.data_dir, days=days, lang=ctx.lang)
    except MailError as err:
        raise click.ClickException(str(err)) from None
    _print_reminders(reminders, days)


def _print_reminders(reminders: list[Reminder], days: int) -> None:
    for r in reminders:
        values = {"prefix": r.prefix, "user": r.username, "email": r.email}
        values["date"] = r.expires.date().isoformat()
        if r.sent:
            click.echo(
                _("Reminded %(user)s <%(email)s>: key %(prefix)s expires %(date)s.") % values
            )
        else:
            click.echo(
                _("Not reminded: %(user)s has no e-mail address (key %(prefix)s expires %(date)s).")
                % values
            )
    if not reminders:
        click.echo(_("No API key to remind of within %d days.") % days)
