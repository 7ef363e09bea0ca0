"""Filters for the territory report pages: a network's class, why, and a share, in the
visitor's language and locale (never Python's None)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def network_class(key: str) -> str:
    """local / regional / global / elsewhere in words."""
    names = {
        "local": _("Local"),
        "regional": _("Regional"),
        "global": _("Global"),
        "elsewhere": _("Elsewhere"),
    }
    return names.get(key, key)


@register.filter
def why(network: Any) -> str:
    """A network's class reason in the visitor's language (as stored for an older
    inventory that keeps only the words); "–" when there is none."""
    return network.why(_) or "–"


@register.filter
def share(value: float | None, digits: int = 0) -> str:
    """0.8 -> "80 %" ("80 %" in French too: a space before the sign); None -> "–"."""
    if value is None:
        return "–"
    return f"{number_format(100 * value, digits)} %"


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """A value already in percent: 12.5 -> "12.5 %"; None -> "–"."""
    if value is None:
        return "–"
    return f"{number_format(value, digits)} %"
