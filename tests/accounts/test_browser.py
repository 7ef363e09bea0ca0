"""A member admin signs in with TOTP in a real browser (Debian's Chromium), in French and English.

Starts ``lakou demo --listen`` with its own data directory, adds a member admin with
``lakou user add`` and ``lakou user password``, then in headless Chromium: signs in, is
sent to two-factor enrolment, reads the key off the page, computes the code as an
authenticator app would (django-otp's TOTP), sees the recovery codes, then the member's
page; no Content-Security-Policy report on the way. An API key made with
``lakou user apikey`` then reads the member's contacts over HTTP, as curl would.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_otp.oath import totp
from tests.portal.test_browser import browser, free_port, wait_for_http

pytestmark = pytest.mark.live
__all__ = ["browser"]  # the Chromium fixture, shared with the portal's browser tests

PASSWORD = "Hibiscus-Lagoon-58"
ASN = 33392
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def lakou(home: Path, *args: str, stdin: str | None = None) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LAKOU_DATABASE_URL", "LAKOU_CONFIG", "DJANGO_SETTINGS_MODULE")
    }
    env["XDG_DATA_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", "from lakou.cli import main; main()", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("members-home")
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
        yield url, home
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def code_from_page(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


@pytest.mark.parametrize(
    ("lang", "username", "sign_in", "contacts"),
    [("en-US", "alice", "Sign in", "Contacts"), ("fr-FR", "amelie", "Se connecter", "Contacts")],
)
def test_a_member_admin_signs_in_with_totp(
    server: tuple[str, Path], browser, lang: str, username: str, sign_in: str, contacts: str
) -> None:
    url, home = server
    out = lakou(home, "user", "add", username, "--member", f"AS{ASN}", "--role", "member-admin")
    assert "authenticator app" in out
    lakou(home, "user", "password", username, stdin=f"{PASSWORD}\n{PASSWORD}\n")

    context = browser.new_context(locale=lang)
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.goto(url + "account/login/")
    assert page.locator("h1").inner_text() == sign_in
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/account/two-factor/**")
    assert page.locator("#totp-qr").is_visible()
    assert page.evaluate("window.__csp") == []
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#id_token", code_from_page(secret))
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    page.locator("main a", has_text="Continu").click()
    page.wait_for_url(f"**/members/{ASN}/")
    assert contacts in page.locator("main").inner_text()
    assert page.locator("table.sessions tbody tr").count() >= 1
    assert page.evaluate("window.__csp") == []
    context.close()

    key = lakou(home, "user", "apikey", username).strip().splitlines()[-1]
    request = urllib.request.Request(
        url + f"api/members/{ASN}/contacts", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200 and isinstance(json.load(answer), list)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url + f"api/members/{ASN}/contacts", timeout=10)
    assert refused.value.code == 401
    refused.value.close()
