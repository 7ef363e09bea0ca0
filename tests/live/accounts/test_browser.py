"""A member admin signs in with TOTP in a real browser (Debian's Chromium), in French and English.

Starts ``lakou demo --listen`` with its own data directory, adds a member admin with
``lakou user add`` and ``lakou user password``, then in headless Chromium: signs in, is
sent to two-factor enrolment, reads the key off the page, computes the code as an
authenticator app would (django-otp's TOTP), sees the recovery codes, then the member's
page; then, on the self-service page, adds a MAC, previews a new max-prefix on the route
servers and saves it, invites a colleague, and makes a write API key on its keys page,
which then reads and writes over HTTP as curl would; no Content-Security-Policy report on
the way. A key made with ``lakou user apikey`` reads the member's contacts too.
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
from tests.live.portal.test_browser import browser, free_port, wait_for_http

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


WORDS = {
    "en-US": {
        "applied": "Change applied.",
        "preview": "What the route servers would then accept",
    },
    "fr-FR": {
        "applied": "Modification appliquée.",
        "preview": "Ce que les serveurs de routes accepteraient alors",
    },
}


def api(url: str, method: str, key: str, body: object = None) -> tuple[int, object]:
    """An HTTP request with the key, as curl would send it."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, json.loads(refused.read() or b"null")


def self_service(page, url: str, lang: str, n: int) -> None:
    """Add a MAC, preview then save a new max-prefix: each answer says it applied."""
    words = WORDS[lang]
    page.locator("#self-service-link").click()
    page.wait_for_url(f"**/members/{ASN}/self-service/")
    mac = f"02:5a:00:00:0b:{n:02x}"
    page.fill("#id_mac", mac)
    page.locator("form.mac-form button[type=submit]").click()
    page.wait_for_url(f"**/members/{ASN}/self-service/")
    assert words["applied"] in page.locator("main .notice").inner_text()
    assert mac in page.locator("table.macs").inner_text()

    limit = 500 + n
    page.fill("#id_max_prefix_v4", str(limit))
    page.locator("#preview-button").click()
    page.wait_for_selector("#rs-preview")
    preview = page.locator("#rs-preview").inner_text()
    assert words["preview"] in preview and f"→ {limit}" in preview, preview
    page.locator("#routing-button").click()
    page.wait_for_url(f"**/members/{ASN}/self-service/")
    assert words["applied"] in page.locator("main .notice").inner_text()
    assert page.locator("#id_max_prefix_v4").input_value() == str(limit)


def invite_and_make_a_key(page, url: str, colleague: str) -> str:
    page.goto(url + f"members/{ASN}/users/")
    page.fill("#id_username", colleague)
    page.fill("#id_email", f"{colleague}@example.org")
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_selector(".invite-link")
    assert "/account/reset/" in page.locator(".invite-link").inner_text()
    assert colleague in page.locator("table.users").inner_text()

    page.goto(url + "account/keys/")
    page.select_option("#id_scope", "write")
    page.locator("form.key-form button[type=submit]").click()
    page.wait_for_selector("#new-key")
    return page.locator("#new-key").inner_text().strip()


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

    n = 1 if lang == "en-US" else 2
    self_service(page, url, lang, n)
    made = invite_and_make_a_key(page, url, f"{username}-colleague")
    assert page.evaluate("window.__csp") == []
    context.close()

    # the key made in the browser, used as curl would: read, then write
    assert api(url + f"api/members/{ASN}/contacts", "GET", made)[0] == 200
    code, addresses = api(url + f"api/members/{ASN}/addresses", "GET", made)
    assert code == 200 and addresses
    mac = f"02:5a:00:00:0c:{n:02x}"
    code, change = api(
        url + f"api/members/{ASN}/macs",
        "POST",
        made,
        {"address": addresses[0]["id"], "mac": mac},  # type: ignore[index]
    )
    assert code == 201 and change["user"] == username, change  # type: ignore[index]
    code, log = api(url + f"api/members/{ASN}/changes", "GET", made)
    assert code == 200 and log[0]["after"]["macs"] and mac in log[0]["after"]["macs"]  # type: ignore[index]
    assert {c["via"] for c in log} == {"portal", "api"}  # type: ignore[union-attr]

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
