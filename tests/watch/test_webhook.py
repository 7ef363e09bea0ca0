"""Webhooks: a local HTTP receiver (http.server on loopback) gets one POST per contact per
run, JSON signed with HMAC-SHA256, or Slack/Matrix ``text``; a receiver that refuses ends
the run with a message naming it, and nothing is marked sent."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.lan.conftest import X, members_yaml, stream
from tests.lan.test_hygiene import T0, write_stream

from lakou.cli import main

SECRET = "webhook-secret"


class Receiver:
    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append((self.path, dict(self.headers), data))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()
        thread.join()


def run(tmp_path: Path, receiver: Receiver, now: int) -> Any:
    members = members_yaml(tmp_path / "members.yaml")
    store = tmp_path / "store"
    if not store.exists():
        capture = write_stream(tmp_path / "lan.pcap", stream())
        out = CliRunner().invoke(
            main,
            ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)],
        )
        assert out.exit_code == 0, out.output
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        "contacts:\n"
        f"  - {{webhook: '{receiver.url}/noc-x?token=abc', asn: 64501, secret_env: HOOK_SECRET}}\n"
        f"  - {{webhook: '{receiver.url}/staff', staff: true, format: slack, language: fr}}\n"
        f"  - {{webhook: '{receiver.url}/noc-y', asn: 64502}}\n"
    )
    args = ["watch", "run", "--state", str(tmp_path / "ev.json"), "--store", str(store)]
    args += ["--members", str(members), "--contacts", str(contacts), "--now", str(now)]
    args += ["--silent-minutes", "600"]  # the capture is an hour old at the last run
    return CliRunner().invoke(main, args, env={"HOOK_SECRET": SECRET})


def test_signed_json_and_slack_text_once_each_way(tmp_path: Path, receiver: Receiver) -> None:
    out = run(tmp_path, receiver, T0 + 60)
    assert out.exit_code == 0, out.output
    paths = [p for p, _h, _b in receiver.posts]
    assert sorted(paths) == ["/noc-x?token=abc", "/staff"]  # Y is clean: nothing for it
    (noc,) = [(h, b) for p, h, b in receiver.posts if p.startswith("/noc-x")]
    headers, data = noc
    expected = "sha256=" + hmac.new(SECRET.encode(), data, hashlib.sha256).hexdigest()
    assert headers["X-Lakou-Signature"] == expected
    payload = json.loads(data)
    kinds = {c["kind"] for c in payload["changes"]}
    assert {"stp-bpdu", "ipv6-router-advertisement", "arp-foreign-address"} <= kinds
    assert all(c["asn"] == X["asn"] and c["change"] == "opened" for c in payload["changes"])
    (staff,) = [(h, b) for p, h, b in receiver.posts if p == "/staff"]
    assert "X-Lakou-Signature" not in staff[0]
    text = json.loads(staff[1])["text"]
    assert text.startswith("[lakou] ") and "CRITIQUE : stp-bpdu pour AS64501" in text
    sent = json.loads(out.output)["sent"]
    assert {s["to"] for s in sent} == {f"{receiver.url}/noc-x", f"{receiver.url}/staff"}
    out = run(tmp_path, receiver, T0 + 120)  # seen again: nothing posted
    assert out.exit_code == 0 and len(receiver.posts) == 2
    out = run(tmp_path, receiver, T0 + 3600)  # back to normal: once more each
    assert out.exit_code == 0 and len(receiver.posts) == 4
    back = json.loads(
        receiver.posts[2][2] if receiver.posts[2][0] != "/staff" else receiver.posts[3][2]
    )
    assert {c["change"] for c in back["changes"]} == {"back-to-normal"}


def test_a_refusing_receiver_is_named_and_nothing_marked_sent(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.status = 500
    out = run(tmp_path, receiver, T0 + 60)
    assert out.exit_code == 1
    assert f"webhook {receiver.url}/" in out.output and "token" not in out.output
    assert not (tmp_path / "ev.json").exists()
    receiver.status = 200
    out = run(tmp_path, receiver, T0 + 60)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["changes"]  # the same changes, sent this time
