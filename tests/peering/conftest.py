"""Fixtures of the peering manager's tests: the demo registry with users of three members
of the Saint-Barthélemy exchange, a real SMTP server (aiosmtpd, tests/watch), and a flow
store directory of their own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from lakou.accounts import manage
from lakou.demo import load_demo
from lakou.registry import models as m

BARNA, DAUPHIN, SBIX, IDNCOM = 215931, 33392, 30077, 399280
SLUG = "demo-saint-barth"


@dataclass
class Peers:
    users: dict[str, Any]
    flows: Path


@pytest.fixture(autouse=True)
def reset_language() -> Iterator[None]:
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def peers(db: None, settings: Any, tmp_path: Path) -> Peers:
    load_demo()
    users = {}
    for name, role, asn in [
        ("barna-admin", "member-admin", BARNA),
        ("barna-user", "member-user", BARNA),
        ("dauphin-admin", "member-admin", DAUPHIN),
        ("staff", "staff", None),
    ]:
        users[name] = manage.add_user(name, role, asn, f"{name}@example.org")[0]
    dauphin = m.Network.objects.get(asn=DAUPHIN)
    m.Contact.objects.create(network=dauphin, role="policy", email="peering@dauphin.example")
    flows = tmp_path / "flows"
    config = settings.LAKOU_CONFIG
    settings.LAKOU_CONFIG = config.model_copy(
        update={
            "flows": config.flows.model_copy(update={"store_dir": str(flows)}),
            "routeserver": config.routeserver.model_copy(update={"route_servers": []}),
        }
    )
    return Peers(users, flows)
