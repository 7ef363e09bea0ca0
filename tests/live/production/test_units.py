"""The portal's systemd unit: its exact command line, run from the install, serves the
portal (live)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

import pytest
from tests.production.installs import Install, clean_env
from tests.production.test_units import exec_start

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.live
def test_portal_unit_command_line_serves(installed: Install) -> None:
    argv = exec_start(installed.units / "lakou-portal.service")
    port = _free_port()
    env = clean_env(LAKOU_PORTAL__LISTEN=f"127.0.0.1:{port}")
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    assert answer.status == 200
                    body = answer.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert body, f"the portal did not answer: {proc.poll()}"
        assert b"lakou" in body
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0].decode()
    assert f"127.0.0.1:{port}" in output
