"""The registry's contacts as the watch's (``lakou.watch``) contacts.

Every member network's NOC contact with an e-mail address gets that member's events;
each exchange's support address gets every event (staff). The registry keeps no language
per contact: they get the exchange's default (``language``); a contacts file can say
more (its contacts are added to these).
"""

from __future__ import annotations

from lakou.registry import models as m
from lakou.watch import Contact


def registry_contacts(language: str = "en") -> list[Contact]:
    out = []
    for ex in m.Exchange.objects.exclude(support_email="").order_by("slug"):
        out.append(Contact(email=ex.support_email, staff=True, language=language, name=ex.name))
    noc = m.Contact.objects.filter(role="noc", network__memberships__isnull=False).exclude(email="")
    for contact in noc.select_related("network").distinct().order_by("network__asn", "email"):
        out.append(
            Contact(
                email=contact.email,
                asn=contact.network.asn,
                language=language,
                name=contact.name,
            )
        )
    return out
