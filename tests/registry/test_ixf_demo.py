"""The demo install's IX-F exports: valid against the official schema, and round-trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from lakou.demo import load_demo
from lakou.ixf import schema as ixf_schema
from lakou.registry import models as m
from lakou.registry.ixf.export import export_exchange
from lakou.registry.ixf.import_ import import_document

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def demo_slugs() -> list[str]:
    load_demo()
    slugs = sorted(m.Exchange.objects.filter(demo=True).values_list("slug", flat=True))
    assert len(slugs) == 3
    return slugs


@pytest.mark.parametrize("contacts", [False, True])
def test_every_demo_exchange_validates_against_the_official_schema(
    demo_slugs: list[str], shared_data: Path, contacts: bool
) -> None:
    schema = json.loads(ixf_schema.schema_path(shared_data / "ixf-schema", "1.0").read_text())
    validator = jsonschema.Draft4Validator(schema, format_checker=ixf_schema.format_checker())
    for slug in demo_slugs:
        doc = export_exchange(slug, version="1.0", include_contacts=contacts, now=NOW)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
        assert errors == [], f"{slug}: {errors}"
        assert doc["member_list"], slug
        exported = json.dumps(doc)
        if not contacts:
            assert "contact_email" not in exported and "contact_phone" not in exported


def test_demo_export_import_export_is_stable(demo_slugs: list[str]) -> None:
    """IX-F carries no slugs, so the whole install's document is what must come back."""
    whole = export_exchange(None, now=NOW)
    m.Member.objects.all().delete()
    m.Network.objects.all().delete()
    m.RouteServer.objects.all().delete()
    m.Switch.objects.all().delete()
    m.Facility.objects.all().delete()
    m.PeeringLan.objects.all().delete()
    m.Exchange.objects.all().delete()
    assert import_document(json.dumps(whole)).changed
    assert export_exchange(None, now=NOW) == whole
    assert not import_document(json.dumps(whole)).changed  # idempotent
