"""``lakou watch run`` mails LAN hygiene events to the member's NOC contact (in its
language) and to staff, once when they open and once when they are back to normal,
through a real SMTP server (aiosmtpd) on loopback; STARTTLS and authentication too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.lan.conftest import X, members_yaml, stream
from tests.lan.test_hygiene import T0, write_stream
from tests.watch.conftest import PASSWORD, USER, Mailbox

from lakou.cli import main

NOC_X, NOC_Y, STAFF = "noc@x.example", "noc@y.example", "ops@lan-ix.example"


@pytest.fixture
def lan(tmp_path: Path) -> dict[str, Path]:
    members = members_yaml(tmp_path / "members.yaml")
    capture = write_stream(tmp_path / "lan.pcap", stream())
    store = tmp_path / "store"
    out = CliRunner().invoke(
        main, ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        "contacts:\n"
        f"  - {{email: {NOC_X}, asn: 64501, language: fr}}\n"
        f"  - {{email: {NOC_Y}, asn: AS64502}}\n"
        f"  - {{email: {STAFF}, staff: true, language: es}}\n"
    )
    return {"members": members, "store": store, "contacts": contacts, "state": tmp_path / "ev.json"}


def watch(lan: dict[str, Path], port: int, now: int, *extra: str) -> Any:
    args = ["watch", "run", "--state", str(lan["state"]), "--store", str(lan["store"])]
    args += ["--members", str(lan["members"]), "--contacts", str(lan["contacts"])]
    args += ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--exchange-name", "LAN-IX"]
    # The replayed capture is an hour old at the last run: the collector-silent check is
    # the next test's; here it waits longer than that.
    if "--silent-minutes" not in extra:
        extra = ("--silent-minutes", "600", *extra)
    return CliRunner().invoke(main, [*args, "--now", str(now), *extra])


def test_one_message_when_opened_none_when_seen_again_one_when_back(
    lan: dict[str, Path], smtp_server: Mailbox
) -> None:
    out = watch(lan, smtp_server.port, T0 + 60)
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    kinds = {c["kind"] for c in result["changes"] if c["asn"] == X["asn"]}
    assert {"stp-bpdu", "ipv6-router-advertisement", "arp-foreign-address"} <= kinds
    assert all(c["change"] == "opened" and c["asn"] == X["asn"] for c in result["changes"])
    assert smtp_server.to(NOC_Y) == []
    (noc,) = smtp_server.to(NOC_X)
    (staff,) = smtp_server.to(STAFF)
    body = noc.get_content()
    assert noc["Subject"].startswith("[LAN-IX] ") and noc["Content-Language"] == "fr"
    assert "Événements à LAN-IX" in body
    assert "CRITIQUE : stp-bpdu pour AS64501 sur 127.0.0.1:1" in body
    assert "arp-foreign-address pour AS64501" in body
    assert "Eventos en LAN-IX" in staff.get_content()
    # Seen again a minute later: nothing new to say.
    out = watch(lan, smtp_server.port, T0 + 120)
    assert out.exit_code == 0 and json.loads(out.output)["changes"] == []
    assert len(smtp_server.messages) == 2
    # An hour later the window holds none of X's frames: back to normal, once.
    out = watch(lan, smtp_server.port, T0 + 3600)
    assert out.exit_code == 0, out.output
    back = json.loads(out.output)["changes"]
    assert back and all(c["change"] == "back-to-normal" for c in back)
    assert len(smtp_server.to(NOC_X)) == 2 and len(smtp_server.to(STAFF)) == 2
    assert "RETOUR À LA NORMALE : stp-bpdu pour AS64501" in smtp_server.to(NOC_X)[1].get_content()
    assert "VUELTA A LA NORMALIDAD" in smtp_server.to(STAFF)[1].get_content()
    assert smtp_server.to(NOC_Y) == []


def test_starttls_and_authentication(
    lan: dict[str, Path], tls_smtp_server: tuple[Mailbox, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    box, cert = tls_smtp_server
    tls = ["--smtp-starttls", "--smtp-user", USER, "--smtp-ca", str(cert)]
    monkeypatch.setenv("LAKOU_SMTP_PASSWORD", "wrong")
    out = watch(lan, box.port, T0 + 60, *tls)
    assert out.exit_code == 1 and f"SMTP 127.0.0.1:{box.port}" in out.output
    assert box.messages == [] and not lan["state"].exists()  # the next run tries again
    out = watch(lan, box.port, T0 + 60)  # no STARTTLS: refused by the server
    assert out.exit_code == 1 and f"SMTP 127.0.0.1:{box.port}" in out.output
    monkeypatch.setenv("LAKOU_SMTP_PASSWORD", PASSWORD)
    out = watch(lan, box.port, T0 + 60, *tls)
    assert out.exit_code == 0, out.output
    assert len(box.to(NOC_X)) == 1 and len(box.to(STAFF)) == 1


def test_contacts_file_errors_name_the_place(lan: dict[str, Path], smtp_server: Mailbox) -> None:
    lan["contacts"].write_text("contacts:\n  - {email: noc@z.example}\n")
    out = watch(lan, smtp_server.port, T0 + 60)
    assert out.exit_code == 1
    assert f"{lan['contacts']}: contacts[0]: give the member's asn, or staff: true" in out.output


def test_a_silent_collector_is_an_event_for_staff(
    lan: dict[str, Path], smtp_server: Mailbox
) -> None:
    out = watch(lan, smtp_server.port, T0 + 60, "--silent-minutes", "10")
    assert out.exit_code == 0, out.output
    assert "collector-silent" not in {c["kind"] for c in json.loads(out.output)["changes"]}
    out = watch(lan, smtp_server.port, T0 + 3600, "--silent-minutes", "10")
    assert out.exit_code == 0, out.output
    (silent,) = [c for c in json.loads(out.output)["changes"] if c["kind"] == "collector-silent"]
    assert silent["change"] == "opened" and silent["asn"] is None
    assert silent["severity"] == "critical"
    assert "collector-silent" in smtp_server.to(STAFF)[-1].get_content()
    assert "no sFlow sample kept for 59 min" in smtp_server.to(STAFF)[-1].get_content()
    assert all("collector-silent" not in m.get_content() for m in smtp_server.to(NOC_X))
