"""Tell people: one message per contact per run, in the contact's language, by e-mail
over SMTP or by webhook (:mod:`lakou.watch.webhook`).

Contacts subscribe by member: a member's NOC contact gets the events of that member;
staff get every event. A run's changes are grouped, so a contact gets one message per run
whatever the number of events (a session flapping between two runs, or both address
families of a session going down, is one message). A change is either an event opened or
the same event back to normal, with how long it lasted.

SMTP with STARTTLS (verified against the system's CAs or ``ca_file``) and authentication
when asked; a server that refuses or cannot be reached ends with a message naming it.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop, language, normalise
from lakou.inputs import InputError, load_yaml
from lakou.vocabulary import parse_asn
from lakou.watch.events import BACK_TO_NORMAL, Change
from lakou.watch.quiet import QuietHours

# The severities, for the catalogue (translated where shown).
SEVERITY_WORDS = (gettext_noop("critical"), gettext_noop("warning"), gettext_noop("info"))


class NotifyError(RuntimeError):
    """Contacts or the mail server cannot be used; the message names which."""


WEBHOOK_FORMATS = ("json", "slack")


@dataclass(frozen=True)
class Contact:
    email: str = ""
    asn: int | None = None  # the member whose events this contact gets
    staff: bool = False  # every event
    language: str = "en"
    name: str = ""
    webhook: str = ""  # an https:// (or http://) URL receiving a POST per run
    webhook_format: str = "json"  # json (signed), or slack (Slack/Matrix "text")
    secret: str = ""  # HMAC-SHA256 key of the json webhook's signature
    quiet: QuietHours | None = None  # hold non-critical changes during these hours

    @property
    def key(self) -> str:
        """Who this is in the event book's held messages."""
        return self.email or self.webhook.split("?")[0]

    def wants(self, change: Change) -> bool:
        return self.staff or (self.asn is not None and change.event.asn == self.asn)


@dataclass(frozen=True)
class Smtp:
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "lakou@localhost"
    starttls: bool = False
    username: str = ""
    password: str = ""
    ca_file: str | None = None
    timeout: float = 30.0


def load_contacts(path: str | Path) -> list[Contact]:
    """``contacts: [{email | webhook (format: json|slack, secret_env: VAR), asn | staff:
    true, language}]`` from a YAML file."""
    path = Path(path)
    try:
        data = load_yaml(path.read_bytes())
    except OSError as exc:
        raise NotifyError(f"{path}: {exc.strerror}") from None
    except InputError as exc:
        raise NotifyError(f"{path}: {exc}") from None
    items = data.get("contacts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise NotifyError(_("{path}: expected a list of contacts").format(path=path))
    out = []
    for i, item in enumerate(items):
        where = f"{path}: contacts[{i}]"
        if not isinstance(item, dict):
            raise NotifyError(
                _("{where}: a contact needs an e-mail address or a webhook").format(where=where)
            )
        email, webhook = str(item.get("email") or ""), str(item.get("webhook") or "")
        if (email and "@" not in email) or (not email and not webhook):
            raise NotifyError(
                _("{where}: a contact needs an e-mail address or a webhook").format(where=where)
            )
        if webhook and not webhook.startswith(("https://", "http://")):
            raise NotifyError(_("{where}: webhook: use an http(s):// URL").format(where=where))
        fmt = str(item.get("format", "json"))
        if fmt not in WEBHOOK_FORMATS:
            raise NotifyError(
                _("{where}: format: {value!r}: use json or slack").format(where=where, value=fmt)
            )
        secret = ""
        if item.get("secret_env"):
            secret = os.environ.get(str(item["secret_env"]), "")
            if not secret:
                raise NotifyError(
                    _("{where}: secret_env: ${name} is not set").format(
                        where=where, name=item["secret_env"]
                    )
                )
        asn = parse_asn(item["asn"]) if item.get("asn") is not None else None
        if item.get("asn") is not None and asn is None:
            raise NotifyError(_("{where}: asn: not an AS number").format(where=where))
        staff = bool(item.get("staff", False))
        if asn is None and not staff:
            raise NotifyError(
                _("{where}: give the member's asn, or staff: true").format(where=where)
            )
        quiet = None
        if item.get("quiet"):
            try:
                quiet = QuietHours.parse(str(item["quiet"]), str(item.get("timezone", "UTC")))
            except ValueError as exc:
                raise NotifyError(f"{where}: quiet: {exc}") from None
        out.append(
            Contact(
                quiet=quiet,
                email=email,
                webhook=webhook,
                webhook_format=fmt,
                secret=secret,
                asn=asn,
                staff=staff,
                language=normalise(str(item.get("language", "en"))),
                name=str(item.get("name", "")),
            )
        )
    return out


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _line(change: Change) -> str:
    e = change.event
    who = f"AS{e.asn}" if e.asn else _("no member")
    if change.change == BACK_TO_NORMAL:
        minutes = max(0, ((e.end or e.last_seen) - e.start) // 60)
        return _(
            "BACK TO NORMAL: {kind} for {who} on {subject}, at {end} (lasted {minutes} min)"
        ).format(kind=e.kind, who=who, subject=e.subject, end=_when(e.end or 0), minutes=minutes)
    return _("{severity}: {kind} for {who} on {subject}, since {start}: {summary}").format(
        severity=_(e.severity).upper(),
        kind=e.kind,
        who=who,
        subject=e.subject,
        start=_when(e.start),
        summary=e.summary,
    )


def words(mine: list[Change], lang: str) -> tuple[str, list[str]]:
    """The title and one line per change, in ``lang``: what every channel says."""
    with language(lang):
        opened = [c for c in mine if c.change != BACK_TO_NORMAL]
        if len(mine) == 1:
            only = mine[0]
            who = f"AS{only.event.asn}" if only.event.asn else _("no member")
            if only.change == BACK_TO_NORMAL:
                title = _("back to normal: {kind} ({who}, {subject})")
            else:
                title = _("{kind} ({who}, {subject})")
            title = title.format(kind=only.event.kind, who=who, subject=only.event.subject)
        else:
            title = _("{opened} events opened, {closed} back to normal").format(
                opened=len(opened), closed=len(mine) - len(opened)
            )
        return title, [_line(c) for c in mine]


def compose(mine: list[Change], contact: Contact, exchange: str, smtp: Smtp) -> EmailMessage | None:
    """The one message of this run for ``contact`` (its changes), or None when none."""
    if not mine or not contact.email:
        return None
    title, lines = words(mine, contact.language)
    with language(contact.language):
        body = [_("Events at {exchange}:").format(exchange=exchange), ""]
        body += lines
        body += ["", _("Sent by lakou to {email}.").format(email=contact.email)]
    msg = EmailMessage()
    msg["Subject"] = f"[{exchange}] {title}"
    msg["From"] = smtp.sender
    msg["To"] = contact.email
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain="lakou")
    msg.set_content("\n".join(body) + "\n")
    msg["Content-Language"] = contact.language  # after set_content, which resets Content-*
    return msg


def send(messages: list[EmailMessage], smtp: Smtp) -> int:
    """Send the messages in one SMTP session; returns how many were sent."""
    if not messages:
        return 0
    where = f"{smtp.host}:{smtp.port}"
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as server:
            server.ehlo()
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context(cafile=smtp.ca_file))
                server.ehlo()
            if smtp.username:
                server.login(smtp.username, smtp.password)
            for msg in messages:
                server.send_message(msg)
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise NotifyError(_("SMTP {where}: {error}").format(where=where, error=exc)) from None
    return len(messages)


def notify(
    per_contact: list[tuple[Contact, list[Change]]], exchange: str, smtp: Smtp | None
) -> list[dict[str, Any]]:
    """Send each contact its changes (e-mail, webhook); returns who got what."""
    from lakou.watch.webhook import deliver

    if smtp is None and any(c.email and mine for c, mine in per_contact):
        raise NotifyError(_("contacts with an e-mail address need an SMTP server (--smtp-host)"))
    sent = []
    if smtp is not None:
        messages = [
            m for c, mine in per_contact if (m := compose(mine, c, exchange, smtp)) is not None
        ]
        send(messages, smtp)
        sent += [{"to": m["To"], "subject": m["Subject"]} for m in messages]
    for contact, mine in per_contact:
        if contact.webhook and mine:
            title = deliver(mine, contact, exchange)
            sent.append({"to": contact.webhook.split("?")[0], "subject": f"[{exchange}] {title}"})
    return sent
