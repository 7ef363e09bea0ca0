"""Filters for the traffic pages: rates, volumes, shares and times, in the visitor's locale."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()

_RATES = (
    (1e9, gettext_noop("%(n)s Gb/s")),
    (1e6, gettext_noop("%(n)s Mb/s")),
    (1e3, gettext_noop("%(n)s kb/s")),
)
# Decimal units; French says octets (Go, To).
_VOLUMES = (
    (1e15, gettext_noop("%(n)s PB")),
    (1e12, gettext_noop("%(n)s TB")),
    (1e9, gettext_noop("%(n)s GB")),
    (1e6, gettext_noop("%(n)s MB")),
)
_BITS = gettext_noop("%(n)s b/s")
_BYTES = gettext_noop("%(n)s bytes")


def _fmt(value: float, digits: int, grouping: bool = False) -> str:
    # Django's number_format cuts decimals off; round first so 62.89 shows as 62.9.
    return number_format(round(float(value), digits), digits, force_grouping=grouping)


def _scaled(value: float, units: tuple[tuple[float, str], ...], last: str) -> str:
    for scale, label in units:
        if value >= scale:
            return _(label) % {"n": _fmt(value / scale, 1)}
    return _(last) % {"n": _fmt(value, 0)}


@register.filter
def bps(value: float | None) -> str:
    """812300000 -> "812.3 Mb/s" (decimal separator of the visitor's language)."""
    if value is None:
        return "—"
    return _scaled(float(value), _RATES, _BITS)


@register.filter
def volume(value: float | None) -> str:
    """Bytes, decimal units: 1.2e12 -> "1.2 TB" ("1,2 To" in French)."""
    if value is None:
        return "—"
    return _scaled(float(value), _VOLUMES, _BYTES)


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """A percentage already in percent: 62.04 -> "62.0 %"."""
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return "—"
    return _("%(n)s %%") % {"n": _fmt(value, int(digits))}


@register.filter
def number(value: float | None, digits: int = 0) -> str:
    """A plain number with the locale's separators (thousands grouped)."""
    if value is None:
        return "—"
    return _fmt(value, int(digits), grouping=True)


@register.filter
def utc(epoch: int | None) -> str:
    """Seconds since 1970 -> "2026-11-15 00:00 UTC"."""
    if not epoch:
        return "—"
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%d %H:%M UTC")
