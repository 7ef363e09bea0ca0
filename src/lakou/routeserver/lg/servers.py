"""Which route servers a looking-glass question goes to.

The one control socket the command line names (``--socket``, with ``--rs-asn``: the route
server's ASN decodes its communities), else every server of lakou.yml's
``routeserver.route_servers``. When neither gives one, :class:`ServersRefused` says so,
naming the option, before any socket is opened.
"""

from __future__ import annotations

from pathlib import Path

from lakou.i18n import gettext as _
from lakou.routeserver.config import Config
from lakou.routeserver.lg.model import RouteServerEndpoint

__all__ = ["ServersRefused", "route_servers"]


class ServersRefused(ValueError):
    """No route server to ask, as the options and settings stand; nothing was asked."""


def route_servers(
    settings: Config, socket: Path | None = None, rs_asn: int | None = None
) -> list[RouteServerEndpoint]:
    """The route servers to ask: ``socket`` alone (named ``rs``), else ``settings``' list."""
    if socket:
        if rs_asn is None:
            raise ServersRefused(_("--socket needs --rs-asn"))
        return [RouteServerEndpoint(name="rs", socket=socket, rs_asn=rs_asn)]
    if not settings.route_servers:
        raise ServersRefused(
            _("no route servers configured (routeserver.route_servers in lakou.yml, or --socket)")
        )
    return list(settings.route_servers)
