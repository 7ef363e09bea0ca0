"""Webhooks: one POST per contact per run, JSON signed with HMAC-SHA256, or the ``text``
message Slack's incoming webhooks and Matrix's hookshot take.

The JSON body carries the exchange and the changes (change, key, severity, member,
kind, subject, summary, start, end); when the contact has a secret, the header
``X-Lakou-Signature: sha256=<hex>`` is the HMAC-SHA256 of the body with it, so the
receiver can check who sent it. A receiver that answers other than 2xx, or cannot be
reached, ends the run with a message naming the URL (without its query, which may hold
a token); nothing is marked sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from lakou.i18n import gettext as _
from lakou.watch.events import Change
from lakou.watch.notify import Contact, NotifyError, words

SIGNATURE_HEADER = "X-Lakou-Signature"


def body(mine: list[Change], contact: Contact, exchange: str) -> tuple[str, bytes]:
    """(title, the request body) for this contact's changes."""
    title, lines = words(mine, contact.language)
    if contact.webhook_format == "slack":
        text = f"[{exchange}] {title}\n" + "\n".join(lines)
        return title, json.dumps({"text": text}, ensure_ascii=False).encode()
    payload = {
        "exchange": exchange,
        "title": title,
        "language": contact.language,
        "changes": [
            {
                "change": c.change,
                "key": c.event.key,
                "severity": c.event.severity,
                "asn": c.event.asn,
                "kind": c.event.kind,
                "subject": c.event.subject,
                "summary": c.event.summary,
                "start": c.event.start,
                "end": c.event.end,
                "text": line,
            }
            for c, line in zip(mine, lines, strict=True)
        ],
    }
    return title, json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def sign(data: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def deliver(mine: list[Change], contact: Contact, exchange: str, timeout: float = 30.0) -> str:
    """POST this contact's changes; returns the title sent."""
    title, data = body(mine, contact, exchange)
    request = urllib.request.Request(contact.webhook, data=data, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", "lakou-watch")
    if contact.secret and contact.webhook_format == "json":
        request.add_header(SIGNATURE_HEADER, sign(data, contact.secret))
    where = contact.webhook.split("?")[0]
    try:
        # The URL is http(s), checked when the contacts were loaded.
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the answer's socket
        raise NotifyError(_("webhook {url}: {error}").format(url=where, error=exc)) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise NotifyError(_("webhook {url}: {error}").format(url=where, error=exc)) from None
    return title
