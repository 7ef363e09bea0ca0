"""Safe web defaults: login lock-out, the admin behind an HTTPS proxy, security headers.

The settings are derived from lakou.yml when Django starts, so the proxy case runs the
portal's settings in a subprocess with ``portal.behind_proxy`` and
``portal.trusted_origins`` set, as a production install has them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
PASSWORD = "right-Password-42"


def login(client: Client, password: str, address: str = "192.0.2.7") -> int:
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff", "password": password},
        REMOTE_ADDR=address,
    )
    return int(response.status_code)


@pytest.fixture
def staff() -> None:
    get_user_model().objects.create_superuser("staff", "staff@example.org", PASSWORD)


def test_twenty_wrong_passwords_lock_the_login_until_the_cool_off_ends(staff: None) -> None:
    client = Client()
    answers = [login(client, f"wrong-{i}") for i in range(20)]
    limit = settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)  # the form again, with an error
    assert set(answers[limit - 1 :]) == {429}  # locked out
    # The right password does not get in while the lock-out lasts, from anywhere.
    assert login(client, PASSWORD) == 429
    assert login(Client(), PASSWORD, address="198.51.100.9") == 429
    assert "_auth_user_id" not in client.session
    # The attempts are kept for the admin's audit, never the passwords tried.
    assert AccessFailureLog.objects.filter(username="staff").count() >= limit
    kept = "".join(a.post_data + a.get_data for a in AccessAttempt.objects.all())
    assert "wrong-" not in kept and PASSWORD not in kept
    # The cool-off passes (the attempts age by its length): the right password gets in.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert login(client, PASSWORD) == 302
    assert client.session["_auth_user_id"]


def test_the_audit_is_in_the_admin(staff: None) -> None:
    client = Client()
    login(client, "wrong")
    login(client, PASSWORD)
    # staff pass the second factor before the admin opens (lakou.accounts)
    device = TOTPDevice.objects.create(
        user=get_user_model().objects.get(username="staff"), name="totp"
    )
    code = f"{totp(device.bin_key):06d}"
    assert client.post("/account/two-factor/", {"token": code}).status_code == 302
    for page in ("accessattempt", "accessfailurelog", "accesslog"):
        response = client.get(f"/admin/axes/{page}/")
        assert response.status_code == 200, page
    assert "192.0.2.7" in client.get("/admin/axes/accessfailurelog/").content.decode()


def test_security_headers_on_public_pages(client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP: no HSTS


PROXY_CHECK = textwrap.dedent(
    """
    import django, json, re
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model
    from django.test import Client
    get_user_model().objects.create_superuser("staff", "s@example.org", "right-Password-42")
    proxy = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.5",
             "HTTP_HOST": "ixp.example", "HTTP_ORIGIN": "https://ixp.example"}
    def csrf(page):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    client = Client(enforce_csrf_checks=True)
    form = client.get("/admin/login/", **proxy)
    token = form.cookies["csrftoken"]
    answer = client.post("/admin/login/?next=/admin/", {
        "username": "staff", "password": "right-Password-42",
        "csrfmiddlewaretoken": csrf(form)}, **proxy)
    plain = Client(enforce_csrf_checks=True)
    plain.get("/admin/login/", **proxy)
    refused = plain.post("/admin/login/", {"username": "staff", "password": "x",
        "csrfmiddlewaretoken": "forged"}, **proxy)
    evil = dict(proxy, HTTP_ORIGIN="https://evil.example")
    other = Client(enforce_csrf_checks=True)
    other_form = other.get("/admin/login/", **proxy)
    cross = other.post("/admin/login/", {"username": "staff", "password": "right-Password-42",
        "csrfmiddlewaretoken": csrf(other_form)}, **evil)
    print(json.dumps({
        "status": answer.status_code, "location": answer.get("Location"),
        "session_secure": bool(answer.cookies["sessionid"]["secure"]),
        "csrf_secure": bool(token["secure"]),
        "hsts": answer.get("Strict-Transport-Security"),
        "forged": refused.status_code, "cross_origin": cross.status_code,
    }))
    """
)


def test_the_admin_login_works_behind_an_https_proxy(tmp_path: Path) -> None:
    (tmp_path / "lakou.yml").write_text(
        "portal:\n  behind_proxy: true\n  trusted_origins: [https://ixp.example]\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "LAKOU_DATABASE_URL"}
    env.update(
        LAKOU_CONFIG=str(tmp_path / "lakou.yml"),
        XDG_DATA_HOME=str(tmp_path / "home"),
        DJANGO_SETTINGS_MODULE="lakou.portal.settings",
    )
    proc = subprocess.run(
        [sys.executable, "-c", PROXY_CHECK],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    import json

    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["status"] == 302 and result["location"] == "/admin/"
    assert result["session_secure"] and result["csrf_secure"]
    assert result["hsts"] == "max-age=31536000"
    assert result["forged"] == 403 and result["cross_origin"] == 403


def test_lakou_db_unlock_ends_a_lock_out(staff: None) -> None:
    from click.testing import CliRunner

    from lakou.cli import main

    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"wrong-{i}")
    assert login(client, PASSWORD) == 429
    out = CliRunner().invoke(main, ["db", "unlock", "--username", "staff"])
    assert out.exit_code == 0, out.output
    assert "cleared" in out.output
    assert login(client, PASSWORD) == 302
