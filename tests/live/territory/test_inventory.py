"""Debian's nfacctd loads the networks file exported from the inventory (live)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from lakou.territory.exports import to_pmacct_networks

pytestmark = pytest.mark.data


@pytest.mark.live
@pytest.mark.skipif(shutil.which("nfacctd") is None, reason="pmacct (Debian) not installed")
def test_nfacctd_loads_the_networks_file(inventory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The real nfacctd reads the exported networks_file without complaint."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    networks = tmp_path / "networks.lst"
    networks.write_text(to_pmacct_networks(inventory))
    conf = tmp_path / "nfacctd.conf"
    log = tmp_path / "nfacctd.log"
    conf.write_text(
        f"nfacctd_ip: 127.0.0.1\nnfacctd_port: {port}\nnetworks_file: {networks}\n"
        "plugins: print\naggregate: src_as\nprint_output_file: /dev/null\ndebug: true\n"
    )
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["nfacctd", "-f", str(conf)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and "Networks Cache successfully created" not in log.read_text()
        ):
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the group nfacctd and its plugin run in
        proc.wait(timeout=10)
    text = log.read_text()
    assert "IPv4 Networks Cache successfully created" in text, text[-2000:]
    assert f"[{networks}:" not in text  # pmacct names file:line for each line it rejects
