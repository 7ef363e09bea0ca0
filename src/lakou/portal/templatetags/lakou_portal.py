"""Small template filters for the portal pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from lakou.portal.queries import territory_name

register = template.Library()


@register.filter
def speed(mbps: int | None) -> str:
    """10000 -> "10 Gb/s", 100 -> "100 Mb/s", 0 -> "—"."""
    if not mbps:
        return "—"
    if mbps >= 1000 and mbps % 1000 == 0:
        return _("%(n)s Gb/s") % {"n": mbps // 1000}
    if mbps >= 1000:
        return _("%(n)s Gb/s") % {"n": f"{mbps / 1000:.1f}"}
    return _("%(n)s Mb/s") % {"n": mbps}


@register.filter
def territory(code: str) -> str:
    return territory_name(code or "")
