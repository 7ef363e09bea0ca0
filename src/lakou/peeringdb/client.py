"""A careful client of the PeeringDB REST API (v2: ``GET /api/<obj>?...``).

PeeringDB is a shared community service: anonymous clients get 20 queries a minute,
and a client that ignores it gets HTTP 429. This client never exceeds its budget (a
sliding one-minute window, checked before every request, retries included), waits
as told by ``Retry-After`` when throttled anyway, backs off exponentially on 5xx and
network errors, refuses responses larger than a bound, and checks every object it
hands on (:mod:`lakou.peeringdb.schema`), so the cache only ever receives usable data.
Errors name the request and the JSON path. The clock and the sleep are injectable:
tests run minutes of rate-limited traffic without waiting.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from lakou import __version__
from lakou.i18n import gettext as _
from lakou.peeringdb.schema import OBJECTS, ObjectError, check_object

USER_AGENT = f"lakou/{__version__} (PeeringDB cache)"
WINDOW_SECONDS = 60.0
# A Retry-After longer than this is not waited for: the sync stops and says so, rather
# than hanging for hours on a hostile or broken answer.
MAX_RETRY_AFTER = 600.0
MAX_BACKOFF = 60.0
# Connecting takes at most this long: offline, a sync fails in seconds, not minutes.
CONNECT_TIMEOUT = 10.0

Params = Mapping[str, str | int]


class PeeringDBError(Exception):
    """PeeringDB could not be used; the message says which request and why."""


class PeeringDBHTTPError(PeeringDBError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class PeeringDBUnreachableError(PeeringDBError):
    """PeeringDB could not be reached at all (no network, no DNS, refused): not retried."""


class PeeringDBResponseError(PeeringDBError):
    """The answer is not a usable PeeringDB response (bad JSON, wrong shape or types)."""


class RateLimiter:
    """At most ``per_minute`` requests in any 60-second window (a sliding log)."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self._sent: deque[float] = deque()
        self._hold_until = 0.0
        self.waited = 0.0

    def acquire(self) -> None:
        """Wait until one more request fits in the budget, then count it."""
        while True:
            now = self.clock()
            while self._sent and self._sent[0] <= now - WINDOW_SECONDS:
                self._sent.popleft()
            wait = self._hold_until - now
            if len(self._sent) >= self.per_minute:
                wait = max(wait, self._sent[0] + WINDOW_SECONDS - now)
            if wait <= 0:
                self._sent.append(now)
                return
            self.waited += wait
            self.sleep(wait)

    def hold(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (the server said so with Retry-After)."""
        self._hold_until = max(self._hold_until, self.clock() + seconds)


@dataclass
class ClientStats:
    """Everything that moved, for ``sync`` reports and tests."""

    requests: int = 0
    throttled: int = 0  # HTTP 429 answers
    retries: int = 0
    bytes_received: int = 0
    objects: int = 0


class PeeringDBClient:
    """``GET`` PeeringDB objects within the rate limit; every object checked."""

    def __init__(
        self,
        url: str = "https://www.peeringdb.com/api",
        *,
        api_key: str | None = None,
        queries_per_minute: int = 20,
        timeout_seconds: float = 30.0,
        max_retries: int = 5,
        max_response_bytes: int = 256 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        on_retry: Callable[[str, float], None] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self.max_response_bytes = max_response_bytes
        self.limiter = RateLimiter(queries_per_minute, clock, sleep)
        self.stats = ClientStats()
        self._transport = transport
        self._http: httpx.Client | None = None
        self.on_retry = on_retry  # (why, seconds before the next try): retries are never silent
        self._reached = False  # PeeringDB answered at least once

    @classmethod
    def from_config(cls, config: Any, **kwargs: Any) -> PeeringDBClient:
        """From a :class:`lakou.registry.config.PeeringDBConfig` (or the same fields)."""
        return cls(
            config.url,
            api_key=config.api_key or None,
            queries_per_minute=config.queries_per_minute,
            timeout_seconds=config.timeout_seconds,
            max_retries=config.max_retries,
            max_response_bytes=int(config.max_response_mb * 1024 * 1024),
            **kwargs,
        )

    def __enter__(self) -> PeeringDBClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _client(self) -> httpx.Client:
        if self._http is None:
            headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
            if self.api_key:
                headers["Authorization"] = f"Api-Key {self.api_key}"
            self._http = httpx.Client(
                headers=headers,
                timeout=httpx.Timeout(
                    self.timeout_seconds, connect=min(self.timeout_seconds, CONNECT_TIMEOUT)
                ),
                transport=self._transport,
                follow_redirects=False,
            )
        return self._http

    # -- requests ----------------------------------------------------------------------

    def get(self, obj: str, params: Params | None = None) -> list[dict[str, Any]]:
        """``GET /api/<obj>?params``: the checked objects of ``data``."""
        if obj not in OBJECTS:
            raise ValueError(f"unknown PeeringDB object type {obj!r}")
        query = {k: str(v) for k, v in (params or {}).items()}
        url = f"{self.url}/{obj}"
        where = _describe(url, query)
        body = self._fetch(url, query, where)
        objects = _parse(obj, body, where)
        self.stats.objects += len(objects)
        return objects

    def pages(
        self, obj: str, params: Params | None = None, page_size: int = 5000
    ) -> Iterator[list[dict[str, Any]]]:
        """All matching objects, ``page_size`` per request (``limit``/``skip`` paging)."""
        skip = 0
        while True:
            page = self.get(obj, {**(params or {}), "limit": page_size, "skip": skip})
            yield page
            if len(page) < page_size:
                return
            skip += page_size

    def _fetch(self, url: str, query: dict[str, str], where: str) -> bytes:
        attempt = 0
        while True:
            self.limiter.acquire()
            self.stats.requests += 1
            try:
                status, headers, body = self._send(url, query, where)
                self._reached = True
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if not self._reached:
                    # Never reached it: no network, no DNS or nothing listening. Retrying
                    # for half a minute would only hide that; say it now.
                    raise PeeringDBUnreachableError(
                        _(
                            "%(where)s: cannot reach PeeringDB (%(problem)s). Is this machine "
                            "offline? Load a PeeringDB dump instead: "
                            "`lakou peeringdb load DUMP.json`"
                        )
                        % {"where": where, "problem": str(exc) or type(exc).__name__}
                    ) from None
                status, headers, body = 0, httpx.Headers(), str(exc).encode()
            except httpx.TimeoutException:
                problem = _("no answer within %(s)s s") % {"s": self.timeout_seconds}
                status, headers, body = 0, httpx.Headers(), problem.encode()
            except httpx.TransportError as exc:
                status, headers, body = 0, httpx.Headers(), str(exc).encode()
            if status == 200:
                return body
            retry_after = None
            if status == 429:
                self.stats.throttled += 1
                retry_after = _retry_after(headers.get("Retry-After"))
                if retry_after is not None and retry_after > MAX_RETRY_AFTER:
                    raise PeeringDBHTTPError(
                        _(
                            "%(where)s: PeeringDB asks to wait %(s)s s before the next "
                            "query; try again later"
                        )
                        % {"where": where, "s": int(retry_after)},
                        status,
                    )
            retryable = status == 0 or status == 429 or status >= 500
            if not retryable or attempt >= self.max_retries:
                raise _http_error(where, status, body)
            attempt += 1
            self.stats.retries += 1
            if retry_after is None:
                retry_after = min(MAX_BACKOFF, 2.0 ** (attempt - 1))
            if self.on_retry is not None:
                why = (
                    body.decode("utf-8", "replace")[:200]
                    if status == 0
                    else _("HTTP %(status)s") % {"status": status}
                )
                self.on_retry(f"{where}: {why}", retry_after)
            self.limiter.hold(retry_after)

    def _send(
        self, url: str, query: dict[str, str], where: str
    ) -> tuple[int, httpx.Headers, bytes]:
        with self._client().stream("GET", url, params=query) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_response_bytes:
                raise PeeringDBResponseError(self._too_big(where, int(declared)))
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise PeeringDBResponseError(self._too_big(where, size))
                chunks.append(chunk)
            self.stats.bytes_received += size
            return response.status_code, response.headers, b"".join(chunks)

    def _too_big(self, where: str, size: int) -> str:
        return _("%(where)s: response larger than %(max)s bytes (%(size)s); refused") % {
            "where": where,
            "max": self.max_response_bytes,
            "size": size,
        }


def _describe(url: str, query: Mapping[str, str]) -> str:
    return "GET " + str(httpx.URL(url, params=dict(query)))


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _http_error(where: str, status: int, body: bytes) -> PeeringDBError:
    if status == 0:
        text = body.decode("utf-8", "replace")
        return PeeringDBError(
            _("%(where)s: cannot reach PeeringDB: %(problem)s") % {"where": where, "problem": text}
        )
    detail = _error_detail(body)
    if status in (401, 403):
        hint = _("check registry.peeringdb.api_key")
        detail = f"{detail} ({hint})" if detail else hint
    message = _("%(where)s: HTTP %(status)s") % {"where": where, "status": status}
    return PeeringDBHTTPError(f"{message}: {detail}" if detail else message, status)


def _error_detail(body: bytes) -> str:
    """PeeringDB's own words: ``{"meta": {"error": ...}}`` or ``{"message": ...}``."""
    try:
        doc = json.loads(body[:65536])
    except (ValueError, RecursionError):
        return body[:200].decode("utf-8", "replace").strip()
    if isinstance(doc, dict):
        meta = doc.get("meta")
        if isinstance(meta, dict) and meta.get("error"):
            return str(meta["error"])[:300]
        for key in ("message", "detail", "error"):
            if doc.get(key):
                return str(doc[key])[:300]
    return ""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse(obj: str, body: bytes, where: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(body, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise PeeringDBResponseError(
            _("%(where)s: not JSON: %(problem)s at line %(line)s, column %(col)s (byte %(pos)s)")
            % {
                "where": where,
                "problem": exc.msg,
                "line": exc.lineno,
                "col": exc.colno,
                "pos": exc.pos,
            }
        ) from None
    except (ValueError, RecursionError) as exc:
        raise PeeringDBResponseError(
            _("%(where)s: not usable JSON: %(problem)s") % {"where": where, "problem": exc}
        ) from None
    if not isinstance(doc, dict) or "data" not in doc:
        raise PeeringDBResponseError(
            _("%(where)s: expected an object with a 'data' list") % {"where": where}
        )
    data = doc["data"]
    if not isinstance(data, list):
        raise PeeringDBResponseError(
            _("%(where)s: data: expected a list, got %(type)s")
            % {"where": where, "type": type(data).__name__}
        )
    try:
        return [check_object(obj, item, f"data[{i}]") for i, item in enumerate(data)]
    except ObjectError as exc:
        raise PeeringDBResponseError(f"{where}: {exc}") from None
