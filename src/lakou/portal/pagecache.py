"""Whole public pages kept in memory for anonymous visitors, served before Django runs.

Rendering a registry page costs 15-35 ms of CPU (4-9 queries, a template); on 2 cores
that is what keeps p99 above 100 ms at 16 connections. The public pages are the same for
every anonymous visitor who asks in the same language, so :class:`PublicPages`, a WSGI
wrapper around Django, keeps each one's rendered bytes and headers, and answers the next
anonymous visitor from memory (about 0.1 ms: one registry fingerprint query, no
middleware, no template).

What may be kept, and for whom:

* Only pages a view marks public (:func:`public_page`, :func:`mark_public`), or that say
  ``Cache-Control: public`` as a shared HTTP cache would read it (the IX-F export),
  rendered for an anonymous visitor, answered ``200`` with no ``Set-Cookie`` (a page that
  used the CSRF token sets its cookie, so it is never kept), no ``private``/``no-store``,
  and a ``Vary`` of ``Accept-Language`` and ``Cookie`` only.
* Only requests that cannot be signed in take part, to be served or to fill: ``GET``, no
  ``Authorization`` header, and no cookie but the CSRF and language cookies (a session
  cookie, a messages cookie or any other sends the request through Django, always, and its
  answer is never kept). A signed-in member or staff user never gets a kept page, and a
  page rendered for them is never kept for others.
* The key is the scheme, host, path, query string and the language Django's
  ``LocaleMiddleware`` would choose (language cookie, then ``Accept-Language``). Only a
  query string of the view's own parameters, each once, in canonical order, is kept
  (``?days=7``): another query string is rendered by Django each time, so nobody can plant
  a variant of a page for others (a ``Cache-Control: public`` answer is kept for its exact
  query string, what that address answers).

When a kept page is stale: the registry's fingerprint changed (:mod:`lakou.registry.
fingerprint`; asked again after every save or delete of a registry row in this process,
so an edit in the admin shows at the next request, and at least every
:data:`FINGERPRINT_EVERY` seconds otherwise, so a change by another process, ``lakou``
commands included, shows within a second), its age (``max_age``: bulk updates move no
fingerprint), the view's own checks (the traffic pages ask whether their report is
still current). Then one request renders it again
through Django while the others get the previous page (stale by at most one render; on a
first render they wait for it): no stampede of renders. The store is bounded in bytes and
in entries (the least recently used go first), so memory stays bounded whatever is asked.
``/metrics`` counts the pages answered from memory and those kept after a render, and
gives the bytes kept (``lakou_portal_pages_*``).
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from prometheus_client import Counter, Gauge

from lakou.portal.accesslog import REGISTRY

MARK = "lakou.public_page"  # WSGI environ key: the view's marking, read after it answered
CHECKS = "lakou.public_page.checks"
DEFAULT_MAX_AGE = 60.0
FINGERPRINT_EVERY = 1.0  # seconds a registry fingerprint is reused (saves here ask at once)
WAIT_SECONDS = 10.0  # how long a request waits for another's first render of its page
VARY_KEPT = frozenset({"accept-language", "cookie"})

V = TypeVar("V", bound=Callable[..., Any])
Params = Mapping[str, Collection[str] | None]  # name -> allowed values (None: any)
Key = tuple[str, ...]


@dataclass(frozen=True)
class Marking:
    """What a view says about its answer to an anonymous visitor."""

    params: Params
    max_age: float
    language: str
    checks: tuple[Callable[[], bool], ...] = ()


@dataclass(frozen=True)
class Page:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fingerprint: tuple[Any, ...]
    made: float
    max_age: float
    checks: tuple[Callable[[], bool], ...]
    generation: int


# ------------------------------------------------------------------ what views call
def _no_params() -> Params:
    return MappingProxyType({})


def mark_public(
    request: Any, params: Params | None = None, max_age: float = DEFAULT_MAX_AGE
) -> None:
    """Say that this request's answer, when the visitor is anonymous, is the same for every
    anonymous visitor of this language; ``params`` are the query parameters the view reads
    (each with its allowed values, or None for any)."""
    from django.utils import translation

    if request.user.is_authenticated:
        return
    environ = request.environ
    environ[MARK] = Marking(
        params=params if params is not None else _no_params(),
        max_age=max_age,
        language=translation.get_language() or "",
        checks=tuple(environ.get(CHECKS, ())),
    )


def depends_on(request: Any, check: Callable[[], bool]) -> None:
    """The kept page is valid only while ``check()`` is true (call before :func:`mark_public`
    or inside a :func:`public_page` view)."""
    request.environ.setdefault(CHECKS, []).append(check)


def public_page(params: Params | None = None, max_age: float = DEFAULT_MAX_AGE) -> Callable[[V], V]:
    """Decorate a public view: its anonymous answers may be kept (see the module)."""
    from django.utils.cache import patch_vary_headers

    def decorate(view: V) -> V:
        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))  # signed-in visitors see more
            mark_public(request, params, max_age)
            return response

        return wrapper  # type: ignore[return-value]

    return decorate


# ------------------------------------------------------------------------- the store
class PageStore:
    """Kept pages, bounded in bytes and in entries; one render of a key at a time."""

    def __init__(self, max_bytes: int = 32 * 2**20, max_entries: int = 512) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._pages: OrderedDict[Key, Page] = OrderedDict()
        self._renders: dict[Key, threading.Event] = {}
        self._bytes = 0
        self.generation = 0
        self.hits = 0  # pages answered from memory (tests and the benchmark read them)
        self.kept = 0  # pages kept after a render

    def get(self, key: Key) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def start_render(self, key: Key) -> threading.Event | None:
        """Claim the render of ``key``: None when claimed, else the event of the render under
        way."""
        with self._lock:
            under_way = self._renders.get(key)
            if under_way is None:
                self._renders[key] = threading.Event()
            return under_way

    def end_render(self, key: Key) -> None:
        with self._lock:
            event = self._renders.pop(key, None)
        if event is not None:
            event.set()

    def put(self, key: Key, page: Page) -> None:
        with self._lock:
            if page.generation != self.generation:
                return  # cleared during the render
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._pages[key] = page
            self._bytes += len(page.body)
            self.kept += 1
            while self._pages and (
                self._bytes > self.max_bytes or len(self._pages) > self.max_entries
            ):
                _key, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        """Forget every page, stale ones included: the next request of each renders it."""
        with self._lock:
            self.generation += 1
            self._pages.clear()
            self._bytes = 0

    @property
    def size(self) -> tuple[int, int]:
        """(pages, bytes) kept."""
        with self._lock:
            return len(self._pages), self._bytes


PAGES = PageStore()

FROM_MEMORY = Counter(
    "lakou_portal_pages_from_memory",
    "Public pages answered from memory to anonymous visitors, without Django.",
    registry=REGISTRY,
)
KEPT = Counter(
    "lakou_portal_pages_kept",
    "Public pages rendered by Django and kept for the next anonymous visitors.",
    registry=REGISTRY,
)
Gauge(
    "lakou_portal_pages_kept_bytes",
    "Bytes of public pages kept in memory (bounded).",
    registry=REGISTRY,
).set_function(lambda: PAGES.size[1])


def clear() -> None:
    PAGES.clear()


# -------------------------------------------------------------------- the WSGI layer
class _Shim:
    """What Django's language choice reads from a request: its cookies and headers."""

    def __init__(self, environ: dict[str, Any], cookies: dict[str, str]) -> None:
        self.META = environ
        self.COOKIES = cookies
        self.path_info = environ.get("PATH_INFO", "")


def _fresh(page: Page, fingerprint: tuple[Any, ...], generation: int) -> bool:
    return (
        page.generation == generation
        and page.fingerprint == fingerprint
        and time.monotonic() - page.made < page.max_age
        and all(check() for check in page.checks)
    )


def canonical_query(query: str, params: Params) -> bool:
    """Whether ``query`` is made of ``params`` only, each once, allowed, in name order."""
    if not query:
        return True
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return False
    names = [name for name, _value in pairs]
    if len(set(names)) != len(names) or names != sorted(names):
        return False
    for name, value in pairs:
        if name not in params:
            return False
        allowed = params[name]
        if allowed is not None and value not in allowed:
            return False
    return urlencode(pairs) == query


class PublicPages:
    """Wrap Django's WSGI app: kept public pages for anonymous visitors (see the module)."""

    def __init__(
        self,
        app: Callable[..., Any],
        store: PageStore | None = None,
        fingerprint: Callable[[], tuple[Any, ...] | None] | None = None,
    ) -> None:
        from django.conf import settings

        self.app = app
        self.store = store if store is not None else PAGES
        self.fingerprint = fingerprint or RegistryClock()
        self.anonymous_cookies = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}

    def key(self, environ: dict[str, Any]) -> Key | None:
        """The page's key, or None when this request must go through Django."""
        from django.http.cookie import parse_cookie
        from django.utils.translation import get_language_from_request

        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if not cookies.keys() <= self.anonymous_cookies:
            return None
        language = get_language_from_request(_Shim(environ, cookies))  # type: ignore[arg-type]
        return (
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_HOST", "") or environ.get("SERVER_NAME", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            language,
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        fingerprint = self.fingerprint()
        if fingerprint is None:  # the database is not answering: Django says so
            return self.app(environ, start_response)
        waited = False
        while True:
            generation = self.store.generation
            page = self.store.get(key)
            if page is not None and _fresh(page, fingerprint, generation):
                return self._answer(page, start_response)
            under_way = None if waited else self.store.start_render(key)
            if under_way is None:
                break
            if page is not None and page.generation == generation:
                return self._answer(page, start_response)  # stale by one render at most
            under_way.wait(WAIT_SECONDS)  # the first render of this page: wait for it
            waited = True
        try:
            return self._render(environ, start_response, key, fingerprint, generation)
        finally:
            if not waited:
                self.store.end_render(key)

    def _answer(self, page: Page, start_response: Callable[..., Any]) -> list[bytes]:
        self.store.hits += 1
        FROM_MEMORY.inc()
        start_response(page.status, list(page.headers))
        return [page.body]

    def _render(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        key: Key,
        fingerprint: tuple[Any, ...],
        generation: int,
    ) -> Any:
        from django.http import HttpResponse

        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers, exc_info=exc_info)
            return _no_write

        result = self.app(environ, capture)
        marking = environ.get(MARK)
        if marking is None and _says_public(seen["headers"]):
            # no session cookie, no credentials: Django saw an anonymous visitor
            marking = Marking(params=_ANY_QUERY, max_age=DEFAULT_MAX_AGE, language=key[-1])
        if (
            isinstance(result, HttpResponse)
            and isinstance(marking, Marking)
            and marking.language == key[-1]
            and keepable(seen["status"], seen["headers"], environ, marking)
        ):
            body = result.content
            page = Page(
                status=seen["status"],
                headers=tuple(seen["headers"]),
                body=body,
                fingerprint=fingerprint,
                made=time.monotonic(),
                max_age=marking.max_age,
                checks=marking.checks,
                generation=generation,
            )
            result.close()
            self.store.put(key, page)
            KEPT.inc()
            start_response(page.status, list(page.headers))
            return [body]
        start_response(seen["status"], seen["headers"], seen["exc_info"])
        return result


class _AnyQuery(dict[str, None]):
    """The parameters of a ``Cache-Control: public`` answer: kept for its exact query."""


_ANY_QUERY = _AnyQuery()


def _says_public(headers: Iterable[tuple[str, str]]) -> bool:
    return any(
        name.lower() == "cache-control"
        and "public" in {part.strip().lower() for part in value.split(",")}
        for name, value in headers
    )


def _no_write(data: bytes) -> None:
    raise RuntimeError("the portal's views answer with a body, not write()")


def keepable(
    status: str, headers: Iterable[tuple[str, str]], environ: dict[str, Any], marking: Marking
) -> bool:
    """Whether an answer to an anonymous request may be kept for other anonymous visitors."""
    if not status.startswith("200 ") or environ.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if not isinstance(marking.params, _AnyQuery) and not canonical_query(
        environ.get("QUERY_STRING", ""), marking.params
    ):
        return False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "cache-control" and ("private" in value or "no-store" in value):
            return False
        if lowered == "vary":
            varied = {part.strip().lower() for part in value.split(",") if part.strip()}
            if not varied <= VARY_KEPT:
                return False
    return True


class RegistryClock:
    """The registry's fingerprint, asked of the database again after a registry row was
    saved or deleted in this process, or ``every`` seconds after it was last asked."""

    _changes = 0  # registry saves and deletes seen in this process (all clocks share it)

    def __init__(self, every: float = FINGERPRINT_EVERY) -> None:
        self.every = every
        self._last: tuple[tuple[Any, ...] | None, float, int] = (None, 0.0, -1)
        _listen_to_registry_changes()

    def __call__(self) -> tuple[Any, ...] | None:
        value, asked, changes = self._last
        now = time.monotonic()
        if value is not None and changes == RegistryClock._changes and now - asked < self.every:
            return value
        changes = RegistryClock._changes  # before asking: a save during the query asks again
        value = registry_fingerprint_or_none()
        self._last = (value, now, changes)
        return value


def _registry_changed(sender: Any, **kwargs: Any) -> None:
    if getattr(getattr(sender, "_meta", None), "app_label", None) == "registry":
        RegistryClock._changes += 1
        # and once more at commit: a request between the save and the commit saw the old one
        from django.db import transaction

        transaction.on_commit(_bump, using=kwargs.get("using"))


def _bump() -> None:
    RegistryClock._changes += 1


@functools.cache
def _listen_to_registry_changes() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_registry_changed, dispatch_uid=f"lakou.pagecache.{id(signal)}")


def registry_fingerprint_or_none() -> tuple[Any, ...] | None:
    """The registry's fingerprint, or None (and the connection closed) when it fails."""
    from django.db import DatabaseError, connection

    from lakou.registry import registry_fingerprint

    try:
        return registry_fingerprint()
    except DatabaseError:
        connection.close()
        return None
