"""A person's view of ``lakou demo``: the real command, a real browser (Debian's Chromium).

Starts ``lakou demo --listen 127.0.0.1:PORT`` as a subprocess with its own data
directory, reads the public pages in headless Chromium through Playwright, switches the
language, takes a screenshot and logs in to the admin as the demo account.
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

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, proc: subprocess.Popen[bytes], log: Path, limit: float = 120) -> None:
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
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("demo-home")
    log = home / "server.log"
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LAKOU_DATABASE_URL", "LAKOU_CONFIG", "DJANGO_SETTINGS_MODULE")
    }
    env["XDG_DATA_HOME"] = str(home)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from lakou.cli import main; main()",
                "demo",
                "--listen",
                f"127.0.0.1:{port}",
            ],
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


def test_public_pages_in_chromium(demo_server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
    page.goto(demo_server)
    assert page.title().startswith("Internet exchange points")
    assert page.locator("h1").inner_text() == "Internet exchange points"
    assert page.locator(".demo-banner").is_visible()
    assert "DEMO DATA" in page.locator(".demo-banner").inner_text()
    cards = page.locator(".exchange-card h2").all_inner_texts()
    assert sorted(cards) == [
        "Saint-Barthélemy IX (demo)",
        "Saint-Martin IX (demo)",
        "Sint Maarten IX (demo)",
    ]
    assert "200.0.22.0/23" in page.locator("main").inner_text()
    # the stylesheet is served (WhiteNoise) and applied: the banner has its colour
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.demo-banner')).backgroundColor")
        == "rgb(255, 244, 229)"
    )
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.get_by_role("link", name="Saint-Martin IX (demo)").first.click()
    page.wait_for_url("**/exchanges/demo-saint-martin/")
    row = page.locator("tr#as33392").inner_text()
    assert "AS33392" in row and "Dauphin Telecom" in row and "192.0.2.14" in row
    assert "2001:db8:100::14" in row
    assert page.locator("table.members tbody tr").count() == 10
    page.screenshot(path=str(tmp_path / "exchange.png"), full_page=True)

    # French, then back to English, with the switch in the header
    page.get_by_role("button", name="FR").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "DONNÉES DE DÉMO" in page.locator(".demo-banner").inner_text()
    assert "Membres" in page.locator("main").inner_text()
    page.goto(demo_server)
    assert page.locator("h1").inner_text() == "Points d’échange Internet"
    page.screenshot(path=str(tmp_path / "home-fr.png"), full_page=True)
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Internet exchange points"
    assert (tmp_path / "home.png").stat().st_size > 10_000
    page.close()


def test_staff_log_in_to_the_admin(demo_server: str, browser) -> None:
    page = browser.new_page(locale="en-US")
    page.goto(demo_server + "admin/")
    page.fill("#id_username", "demo")
    page.fill("#id_password", "demo-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert "lakou" in page.locator("#site-name").inner_text()
    page.get_by_role("link", name="Members").first.click()
    page.fill("#searchbar", "AS33392")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    text = page.locator("#result_list").inner_text()
    assert "Dauphin Telecom" in text and "THDTEL" not in text
    page.close()


def test_wrong_password_is_refused(demo_server: str, browser) -> None:
    page = browser.new_page(locale="en-US")
    page.goto(demo_server + "admin/login/")
    page.fill("#id_username", "demo")
    page.fill("#id_password", "not-the-password")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".errornote").is_visible()
    page.close()


def test_traffic_pages_in_chromium(demo_server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(demo_server + "traffic/")
    assert "This traffic is synthetic" in page.locator(".demo-banner").inner_text()
    # plotly (served by the portal, no network) drew the local-share chart
    page.wait_for_selector("#share-chart .main-svg")
    shares = page.locator("[data-figure=local-share]").all_inner_texts()
    assert len(shares) == 3 and all(s.endswith("%") and s != "—" for s in shares)
    page.screenshot(path=str(tmp_path / "traffic.png"), full_page=True)
    page.get_by_role("link", name="Saint-Martin IX (demo)").first.click()
    page.wait_for_url("**/traffic/demo-saint-martin/**")
    page.wait_for_selector("#series-chart .main-svg")
    assert page.locator("table.matrix td.cell:not(.none)").count() == 90
    assert failed == []
    page.close()


CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""
CSP_PAGES = [
    ("", None),
    ("exchanges/demo-saint-martin/", None),
    ("traffic/", "#share-chart .main-svg"),
    ("traffic/demo-saint-martin/", "#members-chart .main-svg"),
    ("lg/", None),
    ("api/docs", "#swagger-ui .info"),
    ("admin/", "#site-name"),
    ("admin/registry/member/", "#result_list"),
    ("admin/registry/member/1/change/", "#member_form"),
    ("admin/registry/exchange/add/", "#exchange_form"),
    ("admin/axes/accessattempt/", "#changelist"),
]


def test_no_page_breaks_the_content_security_policy(demo_server: str, browser) -> None:
    """Every main page, plotly charts and the admin included, loads with no CSP report."""
    context = browser.new_context(locale="en-US")
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{page.url}: {msg.text}"))
    page.goto(demo_server + "admin/login/")
    page.fill("#id_username", "demo")
    page.fill("#id_password", "demo-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    violations: list[str] = []
    for path, ready in CSP_PAGES:
        response = page.goto(demo_server + path)
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
        if ready:
            page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        violations += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
    context.close()
    assert violations == []
    assert [line for line in console if "Content Security Policy" in line] == []
