"""The portal's e-mail through a real SMTP server (aiosmtpd on loopback, as tests/watch):
invitations, password resets and API-key expiry reminders, in the recipient's language."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.test import Client
from tests.accounts.conftest import World, verified_client
from tests.watch.conftest import Mailbox, free_port

from lakou.accounts import keys
from lakou.cli import main

pytestmark = pytest.mark.django_db

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd (PyPI) is not installed")
from aiosmtpd.controller import Controller  # noqa: E402


def use_smtp(settings: Any, port: int, host: str = "127.0.0.1") -> None:
    config = settings.LAKOU_CONFIG
    smtp = config.portal.smtp.model_copy(
        update={"host": host, "port": port, "sender": "ix@example.net"}
    )
    portal = config.portal.model_copy(update={"smtp": smtp})
    settings.LAKOU_CONFIG = config.model_copy(update={"portal": portal})


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    box = Mailbox(free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    use_smtp(settings, box.port)
    try:
        yield box
    finally:
        controller.stop()


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(text: str) -> str:
    found = re.search(r"http://testserver(/account/reset/\S+/)", text)
    assert found is not None, text
    return found[1]


def choose_password(path: str, password: str) -> None:
    guest = Client()
    form = guest.get(path, follow=True)
    assert b"new_password1" in form.content
    done = guest.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302


def test_an_invitation_is_mailed_in_the_inviters_language(world: World, mailbox: Mailbox) -> None:
    admin = verified_client(world.users["admin-a"])
    page = admin.post(
        f"/members/{world.a.asn}/users/",
        {"username": "carol", "email": "carol@example.org", "role": "member-user"},
        headers={"accept-language": "fr"},
    ).content.decode()
    assert "carol@example.org" in page and "/account/reset/" not in page  # mailed, not shown
    (message,) = mailbox.to("carol@example.org")
    assert message["From"] == "ix@example.net" and message["Content-Language"] == "fr"
    assert f"AS{world.a.asn}" in message["Subject"] and "Votre compte" in message["Subject"]
    text = body(message)
    assert "admin-a" in text and "Choisissez votre mot de passe" in text
    choose_password(link_in(text), "Coral-Reef-2026")
    assert get_user_model().objects.get(username="carol").check_password("Coral-Reef-2026")


def test_a_refusing_mail_server_leaves_the_link_on_the_page(world: World, settings: Any) -> None:
    with socket.socket() as closed:  # a port where nothing listens
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    use_smtp(settings, port)
    admin = verified_client(world.users["admin-a"])
    page = admin.post(
        f"/members/{world.a.asn}/users/",
        {"username": "dave", "email": "dave@example.org", "role": "member-user"},
    ).content.decode()
    assert "could not be e-mailed" in page
    assert re.search(r"<code>http://testserver/account/reset/[^<]+</code>", page)


def test_password_reset_by_mail_in_spanish(world: World, mailbox: Mailbox) -> None:
    client = Client()
    form = client.get("/account/password-reset/", headers={"accept-language": "es"})
    assert form.status_code == 200 and 'name="email"' in form.content.decode()
    sent = client.post(
        "/account/password-reset/",
        {"email": "USER-A@example.org"},
        headers={"accept-language": "es"},
    )
    assert sent.status_code == 302 and sent["Location"] == "/account/password-reset/sent/"
    (message,) = mailbox.to("user-a@example.org")
    assert message["Content-Language"] == "es" and "contraseña" in message["Subject"]
    choose_password(link_in(body(message)), "Mango-Season-2026")
    world.users["user-a"].refresh_from_db()
    assert world.users["user-a"].check_password("Mango-Season-2026")
    # an unknown address: the same answer, no mail
    again = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert again.status_code == 302 and len(mailbox.messages) == 1
    login = client.get("/account/login/").content.decode()
    assert 'href="/account/password-reset/"' in login


def test_password_reset_without_a_mail_server_says_whom_to_ask(world: World) -> None:
    client = Client()
    page = client.get("/account/password-reset/").content.decode()
    assert "sends no e-mail" in page and 'name="email"' not in page
    answer = client.post("/account/password-reset/", {"email": "user-a@example.org"})
    assert answer.status_code == 200 and "sends no e-mail" in answer.content.decode()


def test_key_reminders_go_once_to_each_owner(
    world: World, mailbox: Mailbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAKOU_CORE__DATA_DIR", str(tmp_path))
    soon_row, _soon = keys.create_key(world.users["user-a"], days=3)
    keys.create_key(world.users["admin-a"], days=60)  # not yet
    gone_row, _gone = keys.create_key(world.users["admin-b"], days=2)
    keys.revoke(world.users["admin-b"], gone_row.prefix)  # revoked: no reminder
    silent = get_user_model().objects.create(username="no-mail")
    keys.create_key(silent, days=5)
    result = CliRunner().invoke(main, ["--language", "fr", "user", "remind-keys", "--days", "14"])
    assert result.exit_code == 0, result.output
    assert "user-a@example.org" in result.output and soon_row.prefix in result.output
    assert "no-mail" in result.output  # listed, not reminded
    (message,) = mailbox.messages
    assert mailbox.recipients == [["user-a@example.org"]]
    assert soon_row.prefix in message["Subject"] and message["Content-Language"] == "fr"
    assert "expire dans 2 jours" in body(message) or "expire dans 3 jours" in body(message)
    again = CliRunner().invoke(main, ["user", "remind-keys"])
    assert again.exit_code == 0 and len(mailbox.messages) == 1  # once per key
    assert (tmp_path / "accounts" / "key-reminders.json").stat().st_mode & 0o077 == 0


def test_reminders_with_no_mail_server_fail_in_one_line(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAKOU_CORE__DATA_DIR", str(tmp_path))
    keys.create_key(world.users["user-a"], days=3)
    result = CliRunner().invoke(main, ["user", "remind-keys"])
    assert result.exit_code == 1 and "portal.smtp.host" in result.output
    assert not (tmp_path / "accounts" / "key-reminders.json").exists()


def test_lakou_user_add_mails_the_address_it_prints(world: World, mailbox: Mailbox) -> None:
    args = ["-L", "fr", "user", "add", "erin", "--member", str(world.a.asn)]
    args += ["--role", "member-user", "--email", "erin@example.org"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    printed = re.search(r"(/account/reset/\S+/)", result.output)
    assert printed is not None and "erin@example.org" in result.output
    (message,) = mailbox.to("erin@example.org")
    assert printed[1] in body(message) and f"AS{world.a.asn}" in message["Subject"]
    assert "Vous avez un compte" in body(message)
    staff = CliRunner().invoke(
        main, ["user", "add", "ops2", "--role", "staff", "--email", "o@x.org"]
    )
    assert staff.exit_code == 0 and len(mailbox.to("o@x.org")) == 1
    # no address: nothing mailed, the address is printed as before
    quiet = CliRunner().invoke(main, ["user", "add", "fred", "--role", "regulator"])
    assert quiet.exit_code == 0 and "/account/reset/" in quiet.output
    assert len(mailbox.messages) == 2
