"""``lakou user add/password/apikey/revoke-key/keys`` and the keys they make."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from lakou.accounts import keys
from lakou.accounts.models import ApiKey, Membership
from lakou.cli import main
from lakou.demo import load_demo

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.output


def test_add_prints_how_to_set_a_password_and_the_link_works() -> None:
    load_demo()
    code, out = run("user", "add", "alice", "--member", "AS33392", "--role", "member-admin")
    assert code == 0, out
    assert "lakou user password alice" in out and "authenticator app" in out
    link = next(w for w in out.split() if "/account/reset/" in w)
    path = link[link.index("/account/reset/") :]
    client = Client()
    form = client.get(path, follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Tropical-Storm-77", "new_password2": "Tropical-Storm-77"},
    )
    assert done.status_code == 302 and done["Location"] == "/account/password-set/"
    assert get_user_model().objects.get(username="alice").check_password("Tropical-Storm-77")
    assert Membership.objects.get(user__username="alice").network.asn == 33392
    # the link works once
    assert b"new_password1" not in client.get(path, follow=True).content


def test_add_refuses_what_does_not_fit_in_one_line() -> None:
    load_demo()
    for args, words in [
        (["--member", "AS64511", "--role", "member-user"], "AS64511 is not in the registry"),
        (["--role", "member-user"], "needs --member"),
        (["--member", "33392", "--role", "regulator"], "--member is for"),
        (["--member", "AS²", "--role", "member-user"], "is not an ASN"),
    ]:
        code, out = run("user", "add", "bob", *args)
        assert code != 0 and words in out and "Traceback" not in out, out
    assert not get_user_model().objects.filter(username="bob").exists()


def test_password_is_asked_twice_and_validated() -> None:
    run("user", "add", "reg", "--role", "regulator")
    code, out = run("user", "password", "reg", input="short\nshort\n")
    assert code != 0 and "too short" in out
    code, out = run("user", "password", "reg", input="Bright-Lagoon-93\nBright-Lagoon-93\n")
    assert code == 0, out
    assert get_user_model().objects.get(username="reg").check_password("Bright-Lagoon-93")


def test_apikey_prints_the_key_alone_last_and_stores_only_its_digest() -> None:
    run("user", "add", "ops", "--role", "staff")
    code, out = run("user", "apikey", "ops", "--scope", "write", "--expires", "30")
    assert code == 0, out
    key = out.strip().splitlines()[-1]
    assert key.startswith("lakou_") and " " not in key and len(key) > 40
    row = ApiKey.objects.get()
    assert row.scope == "write" and key not in (row.digest, row.prefix)
    assert row.digest == keys.digest(key)
    assert timedelta(days=29) < row.expires - timezone.now() <= timedelta(days=30)
    assert keys.authenticate(key) == row
    assert keys.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    code, out = run("user", "apikey", "ops", "--expires", "366")
    assert code != 0 and "365" in out


def test_revoked_and_expired_keys_no_longer_authenticate() -> None:
    run("user", "add", "ops", "--role", "staff")
    key = run("user", "apikey", "ops")[1].strip().splitlines()[-1]
    other = run("user", "apikey", "ops")[1].strip().splitlines()[-1]
    prefix = key.split("_")[1]
    code, out = run("user", "revoke-key", "ops", prefix)
    assert code == 0, out
    assert keys.authenticate(key) is None and keys.authenticate(other) is not None
    code, out = run("user", "revoke-key", "ops", prefix)
    assert code != 0 and "no live API key" in out
    ApiKey.objects.filter(revoked__isnull=True).update(expires=timezone.now())
    assert keys.authenticate(other) is None
    listed = run("user", "keys", "ops")[1]
    assert "revoked" in listed and "expired" in listed
