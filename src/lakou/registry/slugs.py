"""Finding an exchange by its slug, and saying which slugs exist when it is not there.

Every command that takes ``--exchange SLUG`` (``rs build``, ``ixf export``, ``clients
import|export``, ``member list``, ``peeringdb prefill|compare``...) looks the exchange up
here, so a typo or a slug from the docs of another install (``smart-ix``) gets the same
one line everywhere, naming the slugs the registry has, never Django's "Exchange matching
query does not exist".
"""

from __future__ import annotations

from lakou.i18n import gettext as _
from lakou.registry import models as m


class UnknownExchange(m.Exchange.DoesNotExist):
    """No exchange has this slug; the message lists the ones the registry has."""


def unknown_exchange(slug: str) -> UnknownExchange:
    slugs = list(m.Exchange.objects.order_by("slug").values_list("slug", flat=True))
    if slugs:
        return UnknownExchange(
            _("no exchange with slug %(slug)r; the registry has: %(slugs)s")
            % {"slug": slug, "slugs": ", ".join(slugs)}
        )
    return UnknownExchange(
        _("no exchange with slug %(slug)r; the registry has none yet") % {"slug": slug}
    )


def get_exchange(slug: str) -> m.Exchange:
    """The exchange ``slug``, or :class:`UnknownExchange` naming the valid slugs."""
    try:
        return m.Exchange.objects.get(slug=slug)
    except m.Exchange.DoesNotExist:
        raise unknown_exchange(slug) from None
