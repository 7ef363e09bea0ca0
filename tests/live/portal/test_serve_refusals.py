"""The real ``lakou serve`` (waitress) behind a proxy: HSTS on what the proxy marks https
only (live)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.portal.test_serve_refusals import fetch, free_port, lakou


@pytest.mark.live
def test_serve_behind_a_proxy_believes_its_https_header(tmp_path: Path) -> None:
    """The real ``lakou serve`` (waitress): HSTS on what the proxy marks https only."""
    proxy = {
        "LAKOU_PORTAL__BEHIND_PROXY": "true",
        "LAKOU_PORTAL__TRUSTED_ORIGINS": "[https://ixp.example]",
    }
    assert lakou(["db", "migrate"], tmp_path).returncode == 0
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LAKOU_CONFIG", "LAKOU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(XDG_DATA_HOME=str(tmp_path), **proxy)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from lakou.cli import main; main()",
            "serve",
            "--listen",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _attempt in range(600):
            if proc.poll() is not None:
                pytest.fail((tmp_path / "serve.log").read_text())
            try:
                fetch(url, {"Host": "ixp.example"})
                break
            except OSError:
                time.sleep(0.1)
        secure = fetch(url, {"Host": "ixp.example", "X-Forwarded-Proto": "https"})
        plain = fetch(url, {"Host": "ixp.example"})
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    assert secure.get("Strict-Transport-Security") == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain
    assert "script-src 'self'" in secure["Content-Security-Policy"]
