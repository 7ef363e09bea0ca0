"""The registry's side of PeeringDB: pre-fill a member, and compare an exchange.

The engine (:mod:`lakou.peeringdb`) knows PeeringDB and works on plain objects; this
module is where its answers meet the database. :func:`plan_prefill` says what a
pre-fill would change in a ``Network`` and ``Member`` (nothing written), and
:func:`apply_prefill` makes exactly those changes in one transaction, after the
models' own validation (``full_clean``); :func:`prefill_member` is the whole pre-fill
of one member, planned or applied (``lakou peeringdb prefill``), each change naming its
field by the field's own label. :func:`compare` turns an exchange's rows into the
engine's typed view and lists the disagreements. Both take the cache, or its file (then
opened and closed again).

A pre-fill fills from PeeringDB what PeeringDB gives: an empty PeeringDB value (no
website, no AS-SET, max-prefix 0) never erases what the registry already has.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lakou.peeringdb import (
    Disagreement,
    PeeringDBCache,
    Prefill,
    compare_exchange,
    prefill_from_net,
)
from lakou.registry import models as m
from lakou.registry.engines import exchange_view
from lakou.registry.slugs import UnknownExchange, get_exchange


class PeeringDBRegistryError(Exception):
    """The pre-fill or the comparison cannot be made; the message says why."""


@dataclass(frozen=True)
class FieldChange:
    """One change a pre-fill makes: ``target`` is "network" or "member"."""

    target: str
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        """The registry field's own label (its verbose name, in the current language)."""
        model = m.Network if self.target == "network" else m.Member
        try:
            found = model._meta.get_field(self.field)
        except FieldDoesNotExist:
            return self.field
        return str(getattr(found, "verbose_name", self.field))

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "field": self.field, "old": self.old, "new": self.new}


@contextmanager
def _opened(cache: PeeringDBCache | str | Path) -> Iterator[PeeringDBCache]:
    """``cache`` itself, or the cache of that file, opened here and closed again."""
    if isinstance(cache, PeeringDBCache):
        yield cache
        return
    with PeeringDBCache(cache) as opened:
        yield opened


def prefill(asn: int, cache: PeeringDBCache) -> Prefill:
    """PeeringDB's values for ``asn``, from the local cache."""
    net = cache.net_by_asn(asn)
    if net is None:
        raise PeeringDBRegistryError(
            _(
                "AS%(asn)s is not in the local PeeringDB cache (run `lakou peeringdb sync`, "
                "or `lakou peeringdb load DUMP.json` without the Internet)."
            )
            % {"asn": asn}
        )
    return prefill_from_net(net)


def _exchange(slug: str) -> m.Exchange:
    try:
        return get_exchange(slug)
    except UnknownExchange as exc:
        raise PeeringDBRegistryError(str(exc)) from None


def _network_changes(network: m.Network | None, values: dict[str, Any]) -> list[FieldChange]:
    changes = []
    for name, new in values.items():
        old = getattr(network, name) if network is not None else None
        if new is None or (isinstance(new, str) and not new):
            continue  # PeeringDB gives nothing: keep what the registry has
        if old != new:
            changes.append(FieldChange("network", name, old, new))
    return changes


def plan_prefill(data: Prefill, exchange_slug: str) -> list[FieldChange]:
    """What :func:`apply_prefill` would change (reads only)."""
    exchange = _exchange(exchange_slug)
    network = m.Network.objects.filter(asn=data.asn).first()
    changes = _network_changes(network, data.registry_values())
    if network is None:
        changes.insert(0, FieldChange("network", "asn", None, data.asn))
    is_member = (
        network is not None and m.Member.objects.filter(exchange=exchange, network=network).exists()
    )
    if not is_member:
        changes.append(FieldChange("member", "exchange", None, exchange.slug))
    return changes


def apply_prefill(data: Prefill, exchange_slug: str) -> list[FieldChange]:
    """Create or update the ``Network`` and its ``Member`` of the exchange; the changes.

    One transaction: a value the registry refuses (``ValidationError``) leaves the
    database as it was.
    """
    with transaction.atomic():
        changes = plan_prefill(data, exchange_slug)
        exchange = _exchange(exchange_slug)
        network = m.Network.objects.select_for_update().filter(asn=data.asn).first()
        if network is None:
            network = m.Network(asn=data.asn)
        for change in changes:
            if change.target == "network":
                setattr(network, change.field, change.new)
        try:
            network.full_clean()
            network.save()
            member, _created = m.Member.objects.get_or_create(exchange=exchange, network=network)
            member.full_clean()
        except ValidationError as exc:
            raise PeeringDBRegistryError(
                _("AS%(asn)s: the registry refuses PeeringDB's values: %(problems)s")
                % {"asn": data.asn, "problems": "; ".join(_messages(exc))}
            ) from None
    return changes


@dataclass(frozen=True)
class MemberPrefill:
    """A member's pre-fill: PeeringDB's values, and the changes planned or made."""

    prefill: Prefill
    changes: list[FieldChange]
    applied: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "prefill": self.prefill.as_dict(),
            "changes": [c.as_dict() for c in self.changes],
            "applied": self.applied,
        }


def prefill_member(
    asn: int, exchange_slug: str, cache: PeeringDBCache | str | Path, *, apply: bool = False
) -> MemberPrefill:
    """Pre-fill ``asn`` as a member of the exchange from the local cache (or its file):
    what would change, or (``apply``) the changes made. An unknown exchange is refused
    first (the operator's typo to fix), then a network the cache lacks."""
    with _opened(cache) as opened:
        _exchange(exchange_slug)
        data = prefill(asn, opened)
    changes = apply_prefill(data, exchange_slug) if apply else plan_prefill(data, exchange_slug)
    return MemberPrefill(data, changes, apply)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    return list(exc.messages)


def compare(exchange: m.Exchange | str, cache: PeeringDBCache | str | Path) -> list[Disagreement]:
    """Where the registry's ``exchange`` and its PeeringDB ix disagree (typed rows);
    ``cache`` is the local cache or its file."""
    slug = exchange if isinstance(exchange, str) else exchange.slug
    with _opened(cache) as opened:
        _exchange(slug)
        return compare_exchange(exchange_view(slug), opened)
