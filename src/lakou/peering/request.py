"""Send a peering request: a templated e-mail to the other network's peering contacts.

The recipients are the peer's registry contacts with the role "peering policy" (its NOC
when it has none); the language is the one the peer chose for requests (its peering
profile), else the exchange's default. Replies go to the requesting user and the
requester's own peering contacts. A network asks a given peer at most once a week, so
the button cannot be used to flood anyone; every request sent is kept (the history).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from lakou.accounts import MailError, compose_mail, deliver_mail, site_name
from lakou.peering.models import PeeringProfile, PeeringRequest
from lakou.registry import models as m

AGAIN_AFTER = timedelta(days=7)


class RequestError(ValueError):
    """The request cannot be sent; the message says why (for the member)."""


def recipients(peer: m.Network) -> list[str]:
    for role in ("policy", "noc"):
        found = sorted({c.email for c in peer.contacts.filter(role=role) if c.email})
        if found:
            return found
    return []


def language_of(peer: m.Network) -> str:
    profile = PeeringProfile.objects.filter(network=peer).first()
    return profile.language if profile else str(settings.LANGUAGE_CODE)


def send_request(network: m.Network, peer: m.Network, user: Any) -> PeeringRequest:
    shared = (
        m.Exchange.objects.filter(members__network=network).filter(members__network=peer).first()
    )
    if shared is None or network == peer:
        raise RequestError(_("AS%(asn)s is not a member of your exchanges.") % {"asn": peer.asn})
    recent = PeeringRequest.objects.filter(
        network=network, peer=peer, created__gte=timezone.now() - AGAIN_AFTER
    ).first()
    if recent is not None:
        raise RequestError(
            _("A request went to AS%(asn)s on %(date)s; ask again after a week.")
            % {"asn": peer.asn, "date": recent.created.date().isoformat()}
        )
    to = recipients(peer)
    if not to:
        raise RequestError(
            _("AS%(asn)s has no peering or NOC contact with an e-mail address on record.")
            % {"asn": peer.asn}
        )
    lang = language_of(peer)
    reply = sorted({user.email} | {c.email for c in network.contacts.filter(role="policy")} - {""})
    addresses = [
        str(ip)
        for pair in m.PeeringLanAddress.objects.filter(
            connection__member__network=network, connection__member__exchange=shared
        ).values_list("ipv4", "ipv6")
        for ip in pair
        if ip
    ]
    context = {
        "network": network,
        "peer": peer,
        "exchange": shared,
        "user": user,
        "addresses": addresses,
        "reply_to": reply,
        "site_name": site_name(),
    }
    message = compose_mail(
        ", ".join(to), "peering/mail/request", context, lang, reply_to=", ".join(reply)
    )
    try:
        deliver_mail([message])
    except MailError as exc:
        raise RequestError(str(exc)) from None
    return PeeringRequest.objects.create(
        network=network,
        peer=peer,
        exchange=shared,
        sent_by=user,
        recipients=", ".join(to),
        language=lang,
    )
