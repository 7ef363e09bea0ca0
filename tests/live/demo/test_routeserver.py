"""The demo's live route server: real BIRD for demo-saint-martin, real BIRD members (live).

First in this process, as ``lakou demo`` does it (load the demo, start the route server
with :func:`start_demo_route_server`, point the looking glass at its socket), in network
namespaces and on loopback addresses: the looking glass's API and pages, in French and
English, must show every session up, accepted routes, and one filtered route per reason
the demo announces (RPKI invalid, bogon, unregistered more-specific, AS path too long),
each with its reason in the visitor's language. Then the command itself: ``lakou demo``
as a subprocess, its looking glass read over HTTP (and in headless Chromium when
Playwright and Debian's Chromium are there), stopped with SIGTERM, and another with
Ctrl-C (SIGINT): no BIRD of the demo is left, no namespace, no temporary directory. A demo
killed with SIGKILL leaves its BIRDs running: the next start removes them. ``--load-only``
and ``--no-route-server`` start nothing.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lakou.demo.routeserver import (
    REJECTED,
    DemoRouteServer,
    missing_daemon,
    namespaces_work,
    start_demo_route_server,
)
from lakou.i18n import language
from lakou.routeserver.communities import Reason, describe_reason

pytestmark = [pytest.mark.live]
if missing_daemon():
    pytestmark = [*pytestmark, pytest.mark.skip(reason="needs BIRD 2 (apt-get install bird2)")]

RS = "rs1-marigot"
ACCEPTED = {985: "149.112.47.0/24", 33392: "208.78.48.0/21", 393894: "45.15.196.0/22"}
WORKDIR_MARK = "lakou-demo-rs-"


def demo_birds() -> list[str]:
    """Command lines of running BIRDs of any demo route server (their config is in its
    temporary directory), so other BIRDs on the machine are not counted."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        text = " ".join(a.decode(errors="replace") for a in args)
        if args and args[0].endswith(b"bird") and WORKDIR_MARK in text:
            found.append(f"{entry.name}: {text}")
    return found


def expected_text(code: int, lang: str) -> str:
    with language(lang):
        return str(describe_reason(Reason(code))["text"])


def _modes() -> list[str]:
    return ["netns", "loopback"] if namespaces_work() else ["loopback"]


@pytest.fixture(params=_modes())
def demo(request: pytest.FixtureRequest, transactional_db: None) -> Iterator[DemoRouteServer]:
    from lakou.demo import load_demo

    load_demo()
    live = start_demo_route_server(mode=request.param)
    try:
        yield live
    finally:
        live.stop()
        assert not live.workdir.exists()
        for speaker in [*live.members, live.route_server]:
            assert speaker is not None and speaker.proc is not None
            assert speaker.proc.poll() is not None, speaker.name
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert not any(ns in listed for ns in live.namespaces)


@pytest.fixture
def portal(demo: DemoRouteServer, settings: Any) -> Client:
    config = settings.LAKOU_CONFIG
    settings.LAKOU_CONFIG = config.model_copy(
        update={
            "routeserver": config.routeserver.model_copy(update={"route_servers": [demo.endpoint]})
        }
    )
    return Client()


def test_looking_glass_shows_the_demo_route_server(demo: DemoRouteServer, portal: Client) -> None:
    assert demo.wait_established(timeout=60) == demo.sessions
    expected_sessions = 18 if demo.mode == "netns" else 9  # 9 members, IPv6 in namespaces
    assert demo.sessions == expected_sessions

    # The neighbours: every session up, under the registry's names.
    data = portal.get("/api/lg/neighbours").json()
    (rs,) = data["route_servers"]
    assert rs["name"] == RS and rs["ok"], rs
    states = {n["session"]: n["state"] for n in rs["neighbours"]}
    assert len(states) == demo.sessions and set(states.values()) == {"Established"}, states
    names = {n["asn"]: (n["member"] or {}).get("name") for n in rs["neighbours"]}
    descriptions = {n["asn"]: n["description"] for n in rs["neighbours"]}
    assert "Dauphin Telecom" in descriptions[33392]  # rs build's session description
    if demo.mode == "netns":  # the registry's addresses: the looking glass names the member
        assert names[33392] == "Dauphin Telecom"

    # Accepted routes: the members' registered prefixes, RPKI-valid where a ROA says so.
    for asn, prefix in ACCEPTED.items():
        routes = _wait_routes(portal, f"AS{asn}_4_1", filtered=False, lang="en", prefix=prefix)
        (route,) = [r for r in routes if r["prefix"] == prefix]
        assert not route["filtered"] and route["reasons"] == []
    (valid,) = [
        r
        for r in _wait_routes(portal, "AS985_4_1", False, "en", "149.112.47.0/24")
        if r["prefix"] == "149.112.47.0/24"
    ]
    assert "rpki_valid" in {t["slug"] for t in valid["tags"]}

    # One filtered route per reason, its reason in French and in English.
    assert {r.reason for r in REJECTED} == {
        Reason.RPKI_INVALID,
        Reason.BOGON_PREFIX,
        Reason.IRR_PREFIX,
        Reason.AS_PATH_TOO_LONG,
    }
    for rejected in REJECTED:
        session = f"AS{rejected.asn}_4_1"
        for lang in ("fr", "en"):
            routes = _wait_routes(portal, session, True, lang, rejected.prefix)
            (route,) = [r for r in routes if r["prefix"] == rejected.prefix]
            assert route["filtered"]
            texts = {r["code"]: r["text"] for r in route["reasons"]}
            assert int(rejected.reason) in texts, (rejected, texts)
            assert texts[int(rejected.reason)] == expected_text(rejected.reason, lang)
        assert expected_text(rejected.reason, "fr") != expected_text(rejected.reason, "en")
    as_path = [r for r in _wait_routes(portal, "AS395916_4_1", True, "en", "158.222.40.0/24")]
    assert len(as_path[0]["as_path"].split()) > 32

    # The pages, in the visitor's language.
    for lang, heading, too_long in (
        ("fr", "Routes filtrées", "AS_PATH trop long"),
        ("en", "Filtered routes", "AS_PATH too long"),
    ):
        page = portal.get(f"/lg/{RS}/AS395916/", HTTP_ACCEPT_LANGUAGE=lang)
        text = page.content.decode()
        assert page.status_code == 200
        assert heading in text and too_long in text and "158.222.40.0/24" in text
        assert "158.222.41.0/24" not in text  # another member's
        index = portal.get("/lg/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert RS in index and "AS33392" in index
        bogon = portal.get(f"/lg/{RS}/AS985/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert "198.18.0.0/24" in bogon and "149.112.47.0/24" in bogon
        assert _html(expected_text(Reason.BOGON_PREFIX, lang)) in bogon


def _html(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def _wait_routes(
    portal: Client, session: str, filtered: bool, lang: str, prefix: str
) -> list[dict[str, Any]]:
    """The session's routes once ``prefix`` is among them (BIRD takes a moment to import)."""
    deadline = time.monotonic() + 30
    routes: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        answer = portal.get(
            f"/api/lg/{RS}/{session}/routes",
            {"filtered": "true" if filtered else "false", "lang": lang},
        )
        assert answer.status_code == 200, answer.content
        routes = answer.json()["routes"]
        if any(r["prefix"] == prefix for r in routes):
            return routes
        time.sleep(0.3)
    raise AssertionError(f"{prefix} never in {session} (filtered={filtered}): {routes}")


# The command itself ---------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LAKOU_DATABASE_URL", "LAKOU_CONFIG", "DJANGO_SETTINGS_MODULE")
    }
    env["XDG_DATA_HOME"] = str(home)
    return env


def _lakou(*args: str) -> list[str]:
    return [sys.executable, "-c", "from lakou.cli import main; main()", *args]


def _wait_http(url: str, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            assert time.monotonic() < deadline, f"nothing served at {url}"
            time.sleep(0.3)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=15) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def demo_command(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("demo-rs-home")
    log = home / "demo.log"
    port = _free_port()
    before = set(demo_birds())
    with log.open("wb") as out:
        proc = subprocess.Popen(
            _lakou("-L", "fr", "demo", "--listen", f"127.0.0.1:{port}"),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_env(home),
            cwd=home,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 300
        while "Ctrl-C" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"lakou demo did not start:\n{log.read_text()}")
            time.sleep(0.5)
        _wait_http(url, deadline)
        yield url, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail("lakou demo did not stop on SIGTERM")
    assert proc.returncode == 0, log.read_text()
    assert set(demo_birds()) <= before, demo_birds()
    said = log.read_text()
    assert "Serveur de routes en direct et routeurs BGP des membres arrêtés." in said, said
    workdirs = re.findall(r"-c (/\S*" + WORKDIR_MARK + r"[^/\s]*)/", said)
    assert all(not Path(w).exists() for w in workdirs)


def test_lakou_demo_starts_and_stops_the_route_server(demo_command: tuple[str, Path]) -> None:
    url, log = demo_command
    said = log.read_text()
    assert "Serveur de routes en direct rs1-marigot (BIRD) pour demo-saint-martin" in said, said
    assert f"{url}lg/" in said
    assert demo_birds(), "no BIRD of the demo is running"
    deadline = time.monotonic() + 60
    while True:
        data = _get(url + "api/lg/neighbours")
        (rs,) = data["route_servers"]
        states = [n["state"] for n in rs["neighbours"]]
        if states and set(states) == {"Established"}:
            break
        assert time.monotonic() < deadline, rs
        time.sleep(0.5)
    for rejected in REJECTED:
        for lang in ("fr", "en"):
            found = _get(f"{url}api/lg/{RS}/AS{rejected.asn}_4_1/routes?filtered=true&lang={lang}")
            texts = {
                r["code"]: r["text"]
                for route in found["routes"]
                if route["prefix"] == rejected.prefix
                for r in route["reasons"]
            }
            assert texts.get(int(rejected.reason)) == expected_text(rejected.reason, lang)


def test_a_killed_demo_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    """SIGKILL leaves the BIRDs (their own sessions), the namespaces and the directory;
    the next demo's start removes them, only those whose demo is gone."""
    from lakou.demo.routeserver import clean_leftovers

    before = set(demo_birds())
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            _lakou("demo", "--listen", f"127.0.0.1:{_free_port()}"),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_env(tmp_path),
            cwd=tmp_path,
        )
    deadline = time.monotonic() + 300
    while "Ctrl-C" not in log.read_text(errors="replace"):
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.5)
    left = set(demo_birds()) - before
    assert left, log.read_text()
    assert clean_leftovers() == []  # its demo is alive: nothing touched
    assert set(demo_birds()) - before == left
    proc.kill()
    proc.wait(timeout=30)
    assert set(demo_birds()) - before == left  # SIGKILL: nothing stopped them
    cleaned = clean_leftovers()
    assert any(WORKDIR_MARK in c for c in cleaned), cleaned
    assert not set(demo_birds()) - before
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert f"lkd{proc.pid}x" not in listed


def test_ctrl_c_stops_everything(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT, as a terminal sends it) stops the demo and all it started."""
    before = set(demo_birds())
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            _lakou("demo", "--listen", f"127.0.0.1:{_free_port()}"),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_env(tmp_path),
            cwd=tmp_path,
            # a shell's background job ignores SIGINT; a terminal's foreground job does not
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    deadline = time.monotonic() + 300
    while "Ctrl-C" not in log.read_text(errors="replace"):
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.5)
    assert set(demo_birds()) - before
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0, log.read_text()
    assert "Live route server and member speakers stopped." in log.read_text()
    assert not set(demo_birds()) - before
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert f"lkd{proc.pid}x" not in listed


CHROMIUM = "/usr/bin/chromium"


def test_looking_glass_in_chromium(demo_command: tuple[str, Path], tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    url, _ = demo_command
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            for locale, filtered, reasons in (
                ("fr-FR", "Routes filtrées", ("RPKI invalide", "AS_PATH trop long", "bogon")),
                ("en-US", "Filtered routes", ("RPKI invalid", "AS_PATH too long", "bogon")),
            ):
                page = browser.new_page(locale=locale)
                page.goto(url + "lg/")
                index = page.locator("main").inner_text()
                assert RS in index and "Dauphin Telecom" in index
                seen = []
                for rejected in REJECTED:
                    page.goto(f"{url}lg/{RS}/AS{rejected.asn}/")
                    text = page.locator("#filtered").inner_text()
                    assert filtered in text and rejected.prefix in text
                    seen.append(text)
                    accepted = page.locator("#accepted").inner_text()
                    assert "/" in accepted  # the member's registered prefixes
                joined = "\n".join(seen)
                for reason in reasons:
                    assert reason in joined, (locale, reason)
                page.screenshot(path=str(tmp_path / f"lg-{locale}.png"), full_page=True)
                page.close()
        finally:
            browser.close()


@pytest.mark.parametrize("flag", ["--load-only", "--no-route-server"])
def test_no_route_server_when_not_asked(flag: str, tmp_path: Path) -> None:
    before = set(demo_birds())
    args = ["demo", flag] if flag == "--load-only" else ["demo", flag, "--listen"]
    if flag == "--no-route-server":
        args.append(f"127.0.0.1:{_free_port()}")
        log = tmp_path / "demo.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                _lakou(*args),
                stdout=out,
                stderr=subprocess.STDOUT,
                env=_env(tmp_path),
                cwd=tmp_path,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + 300
            while "Ctrl-C" not in log.read_text(errors="replace"):
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
            assert set(demo_birds()) <= before
            assert "Live route server" not in log.read_text()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        return
    done = subprocess.run(_lakou(*args), capture_output=True, text=True, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "Live route server" not in done.stdout and "Serving" not in done.stdout
    assert set(demo_birds()) <= before
