"""BGP passwords at rest: ciphertext in the database, clear text to the route servers.

The key file is created 0600 on first use; a wrong key is refused with the file named;
migration 0005 seals the clear values an older database holds, and going back opens them.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lakou.demo import load_demo
from lakou.registry import models as m
from lakou.registry import secretbox
from lakou.registry.engines import exchange_view
from lakou.routeserver.clients import clients_from_exchange

SECRET = "Md5-Secret-key-1"


def raw_password(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT bgp_password FROM registry_member WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_database_holds_ciphertext_and_the_route_servers_get_the_password() -> None:
    load_demo()
    member = (
        m.Member.objects.select_related("exchange", "network")
        .filter(connections__addresses__rs_sessions__enabled=True)
        .first()
    )
    assert member is not None
    member.bgp_password = SECRET
    member.save()
    stored = raw_password(member.pk)
    assert SECRET not in stored and stored.startswith("gAAAAA")
    assert secretbox.unseal(stored) == SECRET
    assert m.Member.objects.get(pk=member.pk).bgp_password == SECRET
    clients = clients_from_exchange(exchange_view(member.exchange.slug))
    passwords = {c.password for c in clients if c.asn == member.network.asn}
    assert passwords == {SECRET}
    # No password: the empty string, stored as such (nothing to hide, filterable).
    member.bgp_password = ""
    member.save()
    assert raw_password(member.pk) == ""


@pytest.mark.django_db
def test_the_key_file_is_private() -> None:
    path = secretbox.configured_key_path()
    secretbox.fernet()
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_key_is_created_0600_in_a_0700_directory(tmp_path: Path) -> None:
    path = tmp_path / "new" / "encryption.key"
    token = secretbox.seal("abc", path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert secretbox.unseal(token, path) == "abc"
    assert secretbox.load_or_create_key(path) == path.read_bytes().strip()  # never replaced


def test_a_wrong_key_is_refused_naming_the_file(tmp_path: Path) -> None:
    token = secretbox.seal("abc", tmp_path / "a.key")
    other = tmp_path / "b.key"
    other.write_bytes(Fernet.generate_key())
    with pytest.raises(secretbox.SecretKeyError, match=r"b\.key: this key does not decrypt"):
        secretbox.unseal(token, other)
    bad = tmp_path / "bad.key"
    bad.write_text("not a key")
    with pytest.raises(secretbox.SecretKeyError, match=r"bad\.key: not a Fernet key"):
        secretbox.fernet(bad)


def test_the_key_sits_next_to_the_sqlite_file_or_in_the_data_dir(tmp_path: Path) -> None:
    db = tmp_path / "db" / "lakou.sqlite3"
    assert secretbox.default_key_path(f"sqlite:///{db}", tmp_path) == db.parent / "encryption.key"
    assert (
        secretbox.default_key_path("postgresql://u@h/db", tmp_path) == tmp_path / "encryption.key"
    )


@pytest.mark.django_db(transaction=True)
def test_migration_0005_seals_existing_passwords_and_back() -> None:
    executor = MigrationExecutor(connection)
    before = [("registry", "0003_unique_ixf_ids")]
    after = [("registry", "0005_encrypted_bgp_password")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    exchange = old.get_model("registry", "Exchange").objects.create(slug="x", name="X")
    network = old.get_model("registry", "Network").objects.create(asn=64500, name="N")
    member = old.get_model("registry", "Member").objects.create(
        exchange=exchange, network=network, bgp_password=SECRET
    )
    assert raw_password(member.pk) == SECRET

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    sealed = raw_password(member.pk)
    assert sealed != SECRET and secretbox.unseal(sealed) == SECRET

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    assert raw_password(member.pk) == SECRET

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert m.Member.objects.get(pk=member.pk).bgp_password == SECRET
