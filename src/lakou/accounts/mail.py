"""The portal's e-mail: invitations, password resets and API-key expiry reminders.

Every message goes through the watch engine's SMTP client (``lakou.watch.send_mail``:
STARTTLS verified against the system's CAs or ``ca_file``, authentication when a user is
set, a refusal raised with the server named) with the settings of ``portal.smtp`` in
lakou.yml (the same settings as ``lakou watch --smtp-*``; the password is
``$LAKOU_SMTP_PASSWORD``). With no ``portal.smtp.host`` the portal sends nothing and says
so where it matters (the invitation link is then shown to the admin, as before). Subjects
and bodies are templates under ``accounts/mail/``, rendered in the recipient's language.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lakou.i18n import normalise
from lakou.private import private_dir, private_file
from lakou.watch import NotifyError, Smtp, send_mail

REMIND_DAYS = 14  # a key's owner is told this many days before it expires


class MailError(RuntimeError):
    """The mail server refused or could not be reached; the message names it."""


def smtp() -> Smtp | None:
    """The watch engine's SMTP settings from ``portal.smtp``, or None (no mail)."""
    cfg = settings.LAKOU_CONFIG.portal.smtp
    if not cfg.host:
        return None
    return Smtp(
        host=cfg.host,
        port=cfg.port,
        sender=cfg.sender,
        starttls=cfg.starttls,
        username=cfg.user,
        password=os.environ.get("LAKOU_SMTP_PASSWORD", ""),
        ca_file=cfg.ca_file,
    )


def enabled() -> bool:
    return smtp() is not None


def compose(
    to: str, template: str, context: dict[str, Any], lang: str, reply_to: str = ""
) -> EmailMessage:
    """``accounts/mail/<template>_subject.txt`` and ``<template>.txt`` (or, for a
    ``app/mail/name`` template, that path) in ``lang``."""
    server = smtp()
    lang = normalise(lang)
    base = template if "/" in template else f"accounts/mail/{template}"
    with translation.override(lang):
        subject = render_to_string(f"{base}_subject.txt", context)
        body = render_to_string(f"{base}.txt", context)
    msg = EmailMessage()
    msg["Subject"] = " ".join(subject.split())
    msg["From"] = server.sender if server else "lakou@localhost"
    msg["To"] = to
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain="lakou")
    msg.set_content(body.strip() + "\n")
    msg["Content-Language"] = lang  # after set_content, which resets Content-*
    return msg


def deliver(messages: list[EmailMessage]) -> int:
    """Send the messages in one SMTP session; MailError when no server or it refuses."""
    server = smtp()
    if server is None:
        raise MailError(translation.gettext("No mail server is configured (portal.smtp.host)."))
    try:
        return send_mail(messages, server)
    except NotifyError as exc:
        raise MailError(str(exc)) from None


def site_name() -> str:
    return str(settings.LAKOU_CONFIG.portal.site_name)


def invitation(user: Any, network: Any, link: str, inviter: Any, lang: str) -> EmailMessage:
    context = {
        "user": user,
        "network": network,
        "link": link,
        "inviter": inviter,
        "site_name": site_name(),
    }
    return compose(user.email, "invitation", context, lang)


def send_invitation(user: Any, network: Any, link: str, inviter: Any) -> tuple[str, str]:
    """Mail the invitation when there is a link, an address and a mail server:
    (the address it went to or "", an error for the admin or "")."""
    if not link or not user.email or not enabled():
        return "", ""
    try:
        deliver([invitation(user, network, link, inviter, translation.get_language() or "")])
    except MailError:
        return "", translation.gettext(
            "The invitation could not be e-mailed; pass the address below on yourself."
        )
    return user.email, ""


# --- API-key expiry reminders ---------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    username: str
    email: str
    prefix: str
    expires: datetime
    sent: bool
    reason: str = ""  # why not sent (no e-mail address)


def reminder_book(data_dir: Path) -> Path:
    """Keys already reminded (by digest), so a key's owner is told once."""
    return private_dir(Path(data_dir) / "accounts") / "key-reminders.json"


def remind_keys(
    data_dir: Path, days: int = REMIND_DAYS, now: datetime | None = None, lang: str = ""
) -> list[Reminder]:
    """Mail each live key's owner once when the key expires within ``days``; the keys
    without an owner's e-mail are listed (not sent). The book is written after sending."""
    from lakou.accounts.models import ApiKey

    now = now or timezone.now()
    book_path = reminder_book(data_dir)
    book: dict[str, str] = json.loads(book_path.read_text()) if book_path.exists() else {}
    due = (
        ApiKey.objects.filter(
            revoked__isnull=True,
            expires__gt=now,
            expires__lte=now + timedelta(days=days),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("expires")
    )
    lang = lang or settings.LANGUAGE_CODE
    out: list[Reminder] = []
    messages: list[EmailMessage] = []
    sent: list[str] = []
    for key in due:
        if key.digest in book:
            continue
        if not key.user.email:
            out.append(Reminder(key.user.username, "", key.prefix, key.expires, False, "no-email"))
            continue
        context = {
            "user": key.user,
            "key": key,
            "days_left": max(0, (key.expires - now).days),
            "site_name": site_name(),
        }
        messages.append(compose(key.user.email, "key_reminder", context, lang))
        out.append(Reminder(key.user.username, key.user.email, key.prefix, key.expires, True))
        sent.append(key.digest)
    if messages:
        deliver(messages)
        book.update({digest: now.isoformat() for digest in sent})
        private_file(book_path).write_text(json.dumps(book, indent=1, sort_keys=True))
    return out
