"""``lakou watch run --registry-contacts``: the registry's NOC contacts get their member's
events and the exchange's support address gets them all, through a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.lan.conftest import X, Y, members_yaml, stream
from tests.lan.test_hygiene import T0, write_stream
from tests.registry.test_lan_view import registry_members
from tests.watch.conftest import Mailbox, smtp_server  # noqa: F401  (fixture)

from lakou.cli import main
from lakou.registry import models as m

pytestmark = pytest.mark.django_db


def test_registry_contacts_get_their_members_events(
    tmp_path: Path,
    smtp_server: Mailbox,  # noqa: F811  (the fixture imported above)
) -> None:
    registry_members()
    m.Exchange.objects.filter(slug="lan-ix").update(support_email="ops@lan-ix.example")
    for member, email in ((X, "noc@x.example"), (Y, "noc@y.example")):
        net = m.Network.objects.get(asn=member["asn"])
        m.Contact.objects.create(network=net, role="noc", email=email)
        m.Contact.objects.create(network=net, role="billing", email=f"bills-{email}")
    members = members_yaml(tmp_path / "members.yaml")
    capture = write_stream(tmp_path / "lan.pcap", stream())
    store = tmp_path / "store"
    runner = CliRunner()
    out = runner.invoke(
        main, ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    args = ["watch", "run", "--state", str(tmp_path / "ev.json"), "--store", str(store)]
    args += ["--registry", "--registry-contacts", "--smtp-host", "127.0.0.1"]
    args += ["--smtp-port", str(smtp_server.port), "--now", str(T0 + 60)]
    out = runner.invoke(main, args)
    assert out.exit_code == 0, out.output
    sent = {s["to"] for s in json.loads(out.output)["sent"]}
    assert sent == {"noc@x.example", "ops@lan-ix.example"}  # Y is clean, billing is not NOC
    (noc,) = smtp_server.to("noc@x.example")
    assert "stp-bpdu for AS64501" in noc.get_content()
