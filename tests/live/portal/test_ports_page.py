"""The public port statistics page of a demo exchange, in headless Chromium.

Fills a week of port traffic for the demo's Saint-Martin exchange with ``lakou ports
demo`` (sFlow counter samples through the real decoder, collector and store), starts
``lakou demo --listen`` on the same data directory, and reads
``/traffic/demo-saint-martin/ports/`` in Debian's Chromium: figures, the four charts drawn
by the locally served plotly, French and back.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

SLUG = "demo-saint-martin"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, proc: subprocess.Popen[bytes], log: Path, limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"lakou demo exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"lakou demo did not answer on {url}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("ports-home")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LAKOU_DATABASE_URL", "LAKOU_CONFIG", "DJANGO_SETTINGS_MODULE")
    }
    env["XDG_DATA_HOME"] = str(home)
    lakou = [sys.executable, "-c", "from lakou.cli import main; main()"]
    filled = subprocess.run(
        [*lakou, "ports", "demo", "--exchange", SLUG],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert filled.returncode == 0, filled.stderr
    assert "8 ports, 7 days" in filled.stdout
    log = home / "server.log"
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*lakou, "demo", "--listen", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=home,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, proc, log)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_week_of_port_traffic_in_chromium(server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}traffic/{SLUG}/ports/")
    assert page.locator("h1").inner_text() == "Port traffic of Saint-Martin IX (demo)"
    assert page.locator('[data-figure="ports"]').inner_text() == "8"
    assert page.locator('[data-figure="members"]').inner_text() == "8"
    peak = page.locator('[data-figure="peak"]').inner_text()
    assert peak.endswith("b/s") and not peak.startswith("0")
    # plotly (served by the portal, no CDN) drew every period's chart
    for period in ("day", "week", "month", "year"):
        chart = page.locator(f"#chart-{period}")
        chart.locator(".main-svg").first.wait_for(timeout=30_000)
        assert chart.locator(".scatterlayer .trace").count() == 2
    # the week's chart has a week of half-hour points
    points = page.evaluate("document.getElementById('chart-week').data[0].x.length")
    assert 330 <= points <= 340
    assert not errors
    page.screenshot(path=str(tmp_path / "ports.png"), full_page=True)

    page.get_by_role("button", name="FR").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Trafic des ports de Saint-Martin IX (demo)"
    assert "Dernière semaine" in page.locator("main").inner_text()
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Port traffic of")


def test_unknown_exchange_is_404(server: str) -> None:
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{server}traffic/no-such-exchange/ports/", timeout=10)
    assert err.value.code == 404
    err.value.close()  # the response's socket, or a ResourceWarning at collection
