"""Public pages kept whole for anonymous visitors (lakou.portal.pagecache), through the WSGI
app ``lakou serve`` runs: fresh after a registry change, per language, never shared with
a signed-in user, and the language form without a CSRF token."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import Client

from lakou.accounts import manage
from lakou.accounts.testing import verified_login
from lakou.demo import DemoSummary
from lakou.portal import traffic_queries
from lakou.portal.pagecache import (
    MARK,
    Marking,
    PageStore,
    PublicPages,
    RegistryClock,
    canonical_query,
    keepable,
)
from lakou.registry import models as m
from lakou.singleflight import SingleFlight

SLUG = "demo-saint-martin"


@dataclass
class Answer:
    status: str
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


class Site:
    """The portal's WSGI app (Django under PublicPages) with a page store of its own."""

    def __init__(self, clock: RegistryClock | None = None) -> None:
        self.store = PageStore()
        self.app = PublicPages(WSGIHandler(), store=self.store, fingerprint=clock)

    def get(self, path: str, cookies: dict[str, str] | None = None, **headers: str) -> Answer:
        path, _sep, query = path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in headers.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        if cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        seen: dict[str, Any] = {}

        def start_response(status: str, response_headers: Any, exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = status, response_headers
            return None

        result = self.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return Answer(seen["status"], dict(seen["headers"]), body)


@pytest.fixture
def quiet_connections() -> Iterator[None]:
    """As Django's test client does: no request closes the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def site(demo: DemoSummary, quiet_connections: None) -> Iterator[Site]:
    traffic_queries.clear_cache()
    yield Site()
    traffic_queries.clear_cache()


def session_cookie(user: Any) -> dict[str, str]:
    client = verified_login(Client(), user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


# ------------------------------------------------------------------ kept and served
def test_anonymous_pages_are_kept_and_served_from_memory(site: Site) -> None:
    for path in (
        "/",
        f"/exchanges/{SLUG}/",
        "/participants.json",
        "/api/exchanges",
        "/traffic/",
    ):
        first = site.get(path)
        assert first.status.startswith("200"), path
        hits = site.store.hits
        again = site.get(path)
        assert site.store.hits == hits + 1, path
        assert again.body == first.body and again.headers == first.headers, path
        assert "Set-Cookie" not in again.headers
    home = site.get("/")
    assert "csrfmiddlewaretoken" not in home.text
    assert "script-src 'self'" in home.headers["Content-Security-Policy"]
    assert home.headers["X-Frame-Options"] == "DENY"
    vary = {v.strip().lower() for v in home.headers["Vary"].split(",")}
    assert vary == {"accept-language", "cookie"}


def test_metrics_count_pages_from_memory(site: Site) -> None:
    from lakou.portal.accesslog import REGISTRY

    def sample(name: str) -> float:
        return REGISTRY.get_sample_value(name) or 0.0

    before = sample("lakou_portal_pages_from_memory_total")
    kept = sample("lakou_portal_pages_kept_total")
    site.get("/api/lans")
    site.get("/api/lans")
    assert sample("lakou_portal_pages_from_memory_total") == before + 1
    assert sample("lakou_portal_pages_kept_total") == kept + 1
    assert REGISTRY.get_sample_value("lakou_portal_pages_kept_bytes") is not None


def test_a_member_added_shows_at_the_next_request(site: Site) -> None:
    exchange = m.Exchange.objects.get(slug=SLUG)
    total = m.Member.objects.count()
    home, page = site.get("/", accept_language="en"), site.get(f"/exchanges/{SLUG}/")
    assert "AS64499" not in page.text
    site.get("/", accept_language="en")
    hits = site.store.hits
    network = m.Network.objects.create(asn=64499, name="Nouveau Réseau Caraïbes")
    m.Member.objects.create(exchange=exchange, network=network)
    page = site.get(f"/exchanges/{SLUG}/")
    assert "AS64499" in page.text and "Nouveau Réseau Caraïbes" in page.text
    home_after = site.get("/", accept_language="en")
    assert home_after.body != home.body
    assert f"{total + 1} members in all" in home_after.text
    assert site.store.hits == hits  # both rendered again
    participants = site.get("/participants.json")
    assert b"64499" in participants.body
    assert b"64499" in site.get("/api/exchanges/demo-saint-martin/members").body
    # a removal moves the fingerprint too
    m.Member.objects.filter(network=network).delete()
    assert "AS64499" not in site.get(f"/exchanges/{SLUG}/").text


def test_a_change_by_another_process_shows_once_the_fingerprint_is_asked(site: Site) -> None:
    """bulk_create sends no signal, as a change made by another process: the page follows
    at the next fingerprint (every request here; within a second in production)."""
    exchange = m.Exchange.objects.get(slug=SLUG)
    patient = Site(RegistryClock(every=3600))
    eager = Site(RegistryClock(every=0))
    for each in (patient, eager):
        assert "AS64498" not in each.get(f"/exchanges/{SLUG}/").text
    m.Network.objects.bulk_create([m.Network(asn=64498, name="Réseau Silencieux")])
    network = m.Network.objects.get(asn=64498)
    m.Member.objects.bulk_create([m.Member(exchange=exchange, network=network)])
    assert "AS64498" in eager.get(f"/exchanges/{SLUG}/").text
    assert "AS64498" not in patient.get(f"/exchanges/{SLUG}/").text  # fingerprint reused
    exchange.save()  # a save in this process: every clock asks again
    assert "AS64498" in patient.get(f"/exchanges/{SLUG}/").text


def test_each_language_is_kept_apart(site: Site) -> None:
    english = site.get("/", accept_language="en")
    french = site.get("/", accept_language="fr")
    spanish = site.get("/", cookies={settings.LANGUAGE_COOKIE_NAME: "es"}, accept_language="fr")
    for _ in range(2):
        hits = site.store.hits
        assert "Points d’échange Internet" in site.get("/", accept_language="fr-FR,fr").text
        assert "Internet exchange points" in site.get("/", accept_language="en").text
        assert (
            "Puntos de intercambio de Internet"
            in site.get("/", cookies={settings.LANGUAGE_COOKIE_NAME: "es"}).text
        )
        assert site.store.hits >= hits + 2
    assert '<html lang="fr">' in french.text and french.headers["Content-Language"] == "fr"
    assert '<html lang="en">' in english.text
    assert '<html lang="es">' in spanish.text


def test_signed_in_users_never_get_a_kept_page_nor_leave_one(site: Site) -> None:
    staff, _created = manage.add_user("staff", "staff", None, "staff@example.org")
    anonymous = site.get("/", accept_language="en")
    assert "Sign in" in anonymous.text and "My network" not in anonymous.text
    cookie = session_cookie(staff)
    kept, hits = site.store.kept, site.store.hits
    for _ in range(2):
        signed_in = site.get("/", cookies=cookie, accept_language="en")
        assert "My network" in signed_in.text and "Sign in" not in signed_in.text
    assert (site.store.kept, site.store.hits) == (kept, hits)  # neither kept nor served
    assert "Sign in" in site.get("/", accept_language="en").text  # still the anonymous page
    # the IX-F export: staff get the contacts, anonymous visitors never
    contact = m.Contact.objects.exclude(email="").first()
    assert contact is not None
    site.get("/participants.json")
    assert contact.email.encode() not in site.get("/participants.json").body
    assert contact.email.encode() in site.get("/participants.json", cookies=cookie).body
    assert contact.email.encode() not in site.get("/participants.json").body


def test_other_cookies_and_credentials_go_through_django(site: Site) -> None:
    site.get("/")
    hits, kept = site.store.hits, site.store.kept
    site.get("/", cookies={"messages": "x"})
    site.get("/", authorization="Bearer lakou_not_a_key")
    assert (site.store.hits, site.store.kept) == (hits, kept)
    site.get("/", cookies={settings.CSRF_COOKIE_NAME: "a" * 32})  # harmless: served
    assert site.store.hits == hits + 1


def test_only_the_views_own_parameters_are_kept(site: Site) -> None:
    kept = site.store.kept
    site.get("/?utm=x")
    site.get("/traffic/?days=8")
    site.get("/traffic/?days=7&days=1")
    site.get("/participants.json?version=2.0")  # refused, 400
    assert site.store.kept == kept
    site.get("/traffic/?days=1")
    site.get("/participants.json?exchange=demo-saint-martin&version=0.7")
    assert site.store.kept == kept + 2
    kept_one = site.get("/participants.json?exchange=demo-saint-martin&version=0.7")
    assert b'"version": "0.7"' in kept_one.body


def test_traffic_pages_follow_their_report(site: Site) -> None:
    first = site.get("/traffic/")
    hits = site.store.hits
    site.get("/traffic/")
    assert site.store.hits == hits + 1
    traffic_queries.clear_cache()  # the report is built again: the page is rendered again
    kept = site.store.kept
    again = site.get("/traffic/")
    assert again.status == first.status and site.store.kept == kept + 1


# ------------------------------------------------------------------ the language form
def test_the_language_form_needs_no_csrf_token(demo: DemoSummary) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in page and 'action="/i18n/setlang/"' in page
    answer = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    same = client.post(
        "/i18n/setlang/", {"language": "es", "next": "/"}, HTTP_ORIGIN="http://testserver"
    )
    assert same.status_code == 302 and client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_the_language_form_refuses_other_sites(demo: DemoSummary) -> None:
    client = Client(enforce_csrf_checks=True)
    for headers in (
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page"},
    ):
        answer = client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, **headers)
        assert answer.status_code == 403, headers
        assert settings.LANGUAGE_COOKIE_NAME not in answer.cookies


def test_other_forms_keep_their_csrf_check(demo: DemoSummary) -> None:
    client = Client(enforce_csrf_checks=True)
    answer = client.post("/account/login/", {"username": "x", "password": "y"})
    assert answer.status_code == 403


# ------------------------------------------------------------------ the rules, alone
def test_canonical_query() -> None:
    params = {"days": {"1", "7", "30"}, "exchange": None}
    assert canonical_query("", params)
    assert canonical_query("days=7", params)
    assert canonical_query("days=7&exchange=x", params)
    assert not canonical_query("exchange=x&days=7", params)  # not in name order
    assert not canonical_query("days=8", params)
    assert not canonical_query("days=7&days=7", params)
    assert not canonical_query("utm=1", params)
    assert not canonical_query("days=%37", params)  # not as urlencode writes it


def test_keepable() -> None:
    marking = Marking(params={}, max_age=60, language="en")
    plain = [("Content-Type", "text/html"), ("Vary", "Accept-Language, Cookie")]
    assert keepable("200 OK", plain, {}, marking)
    assert not keepable("404 Not Found", plain, {}, marking)
    assert not keepable("200 OK", [*plain, ("Set-Cookie", "csrftoken=x")], {}, marking)
    assert not keepable("200 OK", [("Vary", "User-Agent")], {}, marking)
    assert not keepable("200 OK", [("Cache-Control", "private")], {}, marking)
    assert not keepable("200 OK", plain, {"CSRF_COOKIE_NEEDS_UPDATE": True}, marking)
    assert not keepable("200 OK", plain, {"QUERY_STRING": "x=1"}, marking)


def test_one_render_for_many_first_visitors(quiet_connections: None) -> None:
    """Sixteen visitors of a page nobody has rendered yet: it is rendered once."""
    release, entered = threading.Event(), threading.Event()
    renders: list[int] = []

    def slow_app(environ: dict[str, Any], start_response: Any) -> Any:
        renders.append(1)
        entered.set()
        release.wait(10)
        environ[MARK] = Marking(params={}, max_age=60, language=settings.LANGUAGE_CODE)
        response = HttpResponse(b"page")
        start_response("200 OK", list(response.items()))
        return response

    store = PageStore()
    app = PublicPages(slow_app, store=store, fingerprint=lambda: ("same",))
    bodies: list[bytes] = []

    def visit() -> None:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_HOST": "x"}
        bodies.append(b"".join(app(environ, lambda *a: None)))

    first = threading.Thread(target=visit)
    first.start()
    entered.wait(10)
    others = [threading.Thread(target=visit) for _ in range(15)]
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert bodies == [b"page"] * 16
    assert len(renders) == 1 and store.hits == 15


def test_a_stale_page_is_served_while_one_visitor_renders_it(quiet_connections: None) -> None:
    fingerprint = ["v1"]
    release = threading.Event()
    renders: list[str] = []

    def app_(environ: dict[str, Any], start_response: Any) -> Any:
        version = fingerprint[0]
        renders.append(version)
        if version == "v2":
            release.wait(10)
        environ[MARK] = Marking(params={}, max_age=60, language=settings.LANGUAGE_CODE)
        response = HttpResponse(version.encode())
        start_response("200 OK", list(response.items()))
        return response

    store = PageStore()
    app = PublicPages(app_, store=store, fingerprint=lambda: (fingerprint[0],))

    def visit() -> bytes:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_HOST": "x"}
        return b"".join(app(environ, lambda *a: None))

    assert visit() == b"v1"
    fingerprint[0] = "v2"
    results: list[bytes] = []
    renderer = threading.Thread(target=lambda: results.append(visit()))
    renderer.start()
    while renders != ["v1", "v2"]:
        threading.Event().wait(0.01)
    assert visit() == b"v1"  # stale by one render, not a second render
    release.set()
    renderer.join(10)
    assert results == [b"v2"] and visit() == b"v2" and renders == ["v1", "v2"]


def test_the_store_is_bounded() -> None:
    from lakou.portal.pagecache import Page

    store = PageStore(max_bytes=1000, max_entries=3)
    for n in range(10):
        page = Page("200 OK", (), b"x" * 300, ("fp",), 0.0, 60.0, (), store.generation)
        store.put(("k", str(n)), page)
    pages, size = store.size
    assert pages == 3 and size == 900
    assert store.get(("k", "9")) is not None and store.get(("k", "0")) is None


def test_singleflight_serves_until_replaced_or_expired() -> None:
    cache: SingleFlight[object] = SingleFlight(max_age=3600)
    value = cache.get("k", object)
    assert cache.serves(value) and not cache.serves(object())
    cache.invalidate()
    assert not cache.serves(value)
    expired: SingleFlight[object] = SingleFlight(max_age=0)
    old = expired.get("k", object)
    assert not expired.serves(old)
